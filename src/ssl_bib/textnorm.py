"""Text folding used to compare titles, to build ASCII citation keys, and to search.

`search_fold` has a twin in JavaScript (site/assets/site.js, `fold`): the site's
search box must find exactly what `ssl-bib list --search` finds, so the two
follow the same steps, and the browser tests compare them on awkward text.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .lazy_re import compiled

# `[^<>]`: from each of 5,000 `<` with no `>`, `[^>]+` scanned to the end.
_TAG_RE = compiled(r"<[^<>]++>")
_LATEX_CMD_RE = compiled(r"\\[a-zA-Z]+\*?\s*|\\.")
_NON_WORD_RE = compiled(r"[^0-9a-z]+")

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


# The named character references HTML reads without a closing ";" (&amp,
# &eacute...): html.entities' names that do not end in ";", written out so that
# telling whether a title holds a reference needs no html module (1.3 ms to
# load). tests/test_textnorm_entities.py holds this set to html.entities.
_BARE_ENTITIES = frozenset("""
AElig AMP Aacute Acirc Agrave Aring Atilde Auml COPY Ccedil ETH Eacute Ecirc Egrave Euml GT
Iacute Icirc Igrave Iuml LT Ntilde Oacute Ocirc Ograve Oslash Otilde Ouml QUOT REG THORN Uacute
Ucirc Ugrave Uuml Yacute aacute acirc acute aelig agrave amp aring atilde auml brvbar ccedil
cedil cent copy curren deg divide eacute ecirc egrave eth euml frac12 frac14 frac34 gt iacute
icirc iexcl igrave iquest iuml laquo lt macr micro middot nbsp not ntilde oacute ocirc ograve
ordf ordm oslash otilde ouml para plusmn pound quot raquo reg sect shy sup1 sup2 sup3 szlig
thorn times uacute ucirc ugrave uml uuml yacute yen yuml
""".split())
# What html.unescape replaces (its own pattern): `&#` and digits, or `&` and a name.
_CHARREF = r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)"


@functools.cache
def _charref_re() -> re.Pattern[str]:
    return re.compile(_CHARREF)


def may_hold_entity(text: str) -> bool:
    """False only when html.unescape would return `text` unchanged ("H&E",
    "R&D"): no numeric reference, no `&name;`, and no `&` followed by a name
    HTML reads without its ";" (html.unescape also takes such a name as the
    start of a longer word: "&copyright" is "(c)right")."""
    for match in _charref_re().finditer(text):
        ref = match.group(1)
        if ref[0] == "#" or ref[-1] == ";" or any(
                ref[:end] in _BARE_ENTITIES for end in range(2, len(ref) + 1)):
            return True
    return False


def normalize_title(title: str) -> str:
    """The form titles are compared in: case, punctuation, LaTeX, HTML and
    Unicode folded, so "Rubik’s Cube+" and "Rubik's {C}ube" compare equal."""
    # Each step only when its markup can be there: check runs this on every title.
    text = title
    if "<" in text or "$" in text:
        # The catalog's rich text first: "CO<sub>2</sub>" and "Cu$_2$O" are
        # one word each, as "CO2" and "Cu2O" from a source without markup.
        from .richtext import plain

        text = plain(text)
    if "<" in text:
        text = _TAG_RE.sub(" ", text)
    if "&" in text and may_hold_entity(text):
        import html  # only for titles with an entity in them; not at every start

        text = html.unescape(text)
    if "\\" in text or "{" in text:
        text = _LATEX_CMD_RE.sub("", text).replace("{", "").replace("}", "")
    if not text.isascii():
        text = ascii_fold(text)
    return " ".join(_NON_WORD_RE.sub(" ", text.lower()).split())


# Letters that lower-casing and NFKD leave as letters of their own but that a
# reader types as plain Latin letters; the final sigma is the sigma. Mirrored
# in site.js (SEARCH_EXTRA).
_SEARCH_EXTRA = str.maketrans({
    "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ς": "σ",
})
# Everything that is not a letter or a digit, in any script (\w is letters,
# digits and "_"; "_" goes too).
_SEARCH_DROP_RE = compiled(r"[\W_]+")
# What separates search terms: an explicit list, the same in site.js, so that
# Python's and JavaScript's different ideas of "whitespace" cannot disagree.
SEARCH_SPACE = " \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_SEARCH_SPLIT_RE = compiled(f"[{SEARCH_SPACE}]+")


def search_fold(text: str) -> str:
    """The compact form text is searched in: lower case, accents dropped, and
    every character that is not a letter or digit removed, so "Rubik’s Cube",
    "rubiks cube" and "RUBIK'S-CUBE" all fold to "rubikscube". Letters of other
    scripts stay (a Cyrillic or CJK name is still searchable)."""
    text = text.lower()
    if not text.isascii():
        # Lower case again after NFKD: compatibility forms such as mathematical
        # letters (U+1D468 '𝑨') have no lower case of their own and decompose to 'A'.
        text = unicodedata.normalize("NFKD", text.translate(_SEARCH_EXTRA)).lower()
    return _SEARCH_DROP_RE.sub("", text)


def search_terms(query: str) -> list[str]:
    """A query's terms, folded; an entry must contain every one of them.
    Terms are split at spaces only, so a DOI or "self-supervised" stays one term."""
    return [term for term in (search_fold(t) for t in _SEARCH_SPLIT_RE.split(query)) if term]
