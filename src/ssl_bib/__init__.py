"""ssl-bib: the Self-Supervised Learning in Medical Imaging catalog as a bibliography."""

__version__ = "0.1.0"
