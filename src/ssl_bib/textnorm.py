"""Text folding used to compare titles and to build ASCII citation keys."""

from __future__ import annotations

import re
import unicodedata

_TAG_RE = re.compile(r"<[^>]+>")
_LATEX_CMD_RE = re.compile(r"\\[a-zA-Z]+\*?\s*|\\.")
_NON_WORD_RE = re.compile(r"[^0-9a-z]+")

# Letters that NFKD does not decompose into an ASCII base letter.
_ASCII_EXTRA = str.maketrans({
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "Þ": "Th", "ı": "i",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "’": "'", "‘": "'", "“": '"', "”": '"',
})


def ascii_fold(text: str) -> str:
    """Drop accents and map the rest to ASCII; characters with no ASCII form go."""
    text = text.translate(_ASCII_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def normalize_title(title: str) -> str:
    """The form titles are compared in: case, punctuation, LaTeX, HTML and
    Unicode folded, so "Rubik’s Cube+" and "Rubik's {C}ube" compare equal."""
    # Each step only when its markup can be there: check runs this on every title.
    text = title
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        import html  # only for titles with an entity in them; not at every start

        text = html.unescape(text)
    if "\\" in text or "{" in text:
        text = _LATEX_CMD_RE.sub("", text).replace("{", "").replace("}", "")
    if not text.isascii():
        text = ascii_fold(text)
    return " ".join(_NON_WORD_RE.sub(" ", text.lower()).split())
