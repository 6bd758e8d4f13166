"""ssl-bib's tests: a package tree mirroring the code, so a test imports its
helpers as `tests.<folder>.<module>` and nothing edits sys.path."""
