"""LaTeX escaping for BibTeX and biblatex, one field value at a time.

Why field by field: running an encoder over whole entries (bibtexparser's
LatexEncodingMiddleware) also rewrites DOIs, URLs and the braces we add on
purpose. Here text fields are escaped, identifiers never are.

Choices that keep every consumer happy:
- `{` and `}` become `{\\textbraceleft}` / `{\\textbraceright}`, not `\\{`:
  BibTeX counts braces without looking at backslashes, so a lone `\\{` would
  leave the entry unbalanced.
- `\\` becomes `\\textbackslash{}`, so `\\input{/etc/passwd}` or `\\write18{..}`
  in a title is printed as text and can never run.
- `--`, ``` `` ``` and `''` would be typeset as dashes and quotes: a `{}` between the
  characters keeps them literal.
- Non-ASCII (BibTeX only) goes through pylatexenc, but only where pylatexenc's
  LaTeX reads back as the same character; anything else stays UTF-8, which
  biber, pandoc and bibtexparser read, rather than turn into something else.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# The ten ASCII characters LaTeX treats specially.
_ASCII_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"{\textbraceleft}",
    "}": r"{\textbraceright}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"{\textasciitilde}",
    "^": r"{\textasciicircum}",
}
_ASCII_TABLE = str.maketrans(_ASCII_ESCAPES)
_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")
# TeX ligatures that would change the text: -- --- `` '' ?` !`
_LIGATURE_RE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")
_LIGATURE_HINT_RE = re.compile(r"--|``|''|[?!]`")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def escape(text: str, *, ascii_only: bool = True) -> str:
    """LaTeX for one plain-text value. `ascii_only` (BibTeX) also turns
    non-ASCII characters into LaTeX; biblatex keeps them as UTF-8."""
    if _SPECIAL_RE.search(text):
        text = text.translate(_ASCII_TABLE)
    if _LIGATURE_HINT_RE.search(text):
        text = _LIGATURE_RE.sub("{}", text)
    if ascii_only and not text.isascii():
        text = _NON_ASCII_RE.sub(_non_ascii, text)
    return text


def _non_ascii(match: re.Match[str]) -> str:
    return latex_for_char(match.group(0))


@lru_cache(maxsize=4096)
def latex_for_char(ch: str) -> str:
    """pylatexenc's LaTeX for one character, braced, if it reads back as that
    character; otherwise the character itself. Cached: a catalog uses few."""
    latex = _encoder().unicode_to_latex(ch)
    if latex == ch or decode(latex) != ch:
        return ch
    return latex


@lru_cache(maxsize=1)
def _encoder() -> Any:
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    # braces-all: `{\'e}` keeps BibTeX from splitting the accent from its
    # letter and from changing its case.
    return UnicodeToLatexEncoder(non_ascii_only=True, replacement_latex_protection="braces-all",
                                 unknown_char_policy="keep", unknown_char_warning=False)


@lru_cache(maxsize=1)
def _decoder() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    context = get_default_latex_context_db().filter_context()
    # pylatexenc reads these as look-alike characters (U+02C6, ...); LaTeX and
    # pandoc print the ASCII characters.
    context.add_context_category("ssl-bib", prepend=True, macros=[
        MacroTextSpec("textasciicircum", "^"),
        MacroTextSpec("textbraceleft", "{"),
        MacroTextSpec("textbraceright", "}"),
        MacroTextSpec("textasciitilde", "~"),
        MacroTextSpec("textbackslash", "\\"),
    ])
    return LatexNodes2Text(latex_context=context, math_mode="text", keep_comments=False)


def decode(latex: str) -> str:
    """Plain text of a LaTeX value, as a reader of the output would get it.
    Used to choose safe character encodings, and by tests to read back."""
    text: str = _decoder().latex_to_text(latex)
    return text


def _needs_protection(word: str, first: bool) -> bool:
    """A word needs braces when a BibTeX style's lower-casing would change it:
    a capital after its first letter (MRI, COVID-19, 3D, PCRLv2), or a capital
    first letter anywhere but in the title's first word."""
    if word.islower() or not any(ch.isupper() for ch in word):
        return False
    if not first:
        return True
    # First word: BibTeX keeps its first character, so only later capitals matter.
    return any(ch.isupper() for ch in word[1:])


def protect_title(text: str, *, ascii_only: bool = True) -> str:
    """Escape a title and brace the runs of words that carry capitals, the way
    Better BibTeX does, so styles do not print "mri" or "covid-19"."""
    words = text.split(" ")
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            group = " ".join(run)
            # A group that starts with a command would be a BibTeX "special
            # character", whose letters styles do change: brace it twice.
            out.append("{{" + group + "}}" if group.startswith("\\") else "{" + group + "}")
            run.clear()

    for index, word in enumerate(words):
        escaped = escape(word, ascii_only=ascii_only)
        if _needs_protection(word, first=index == 0):
            run.append(escaped)
        else:
            flush()
            out.append(escaped)
    flush()
    return " ".join(out)


def is_balanced(text: str) -> bool:
    """Braces balanced the way BibTeX counts them: every brace counts,
    backslash or not, and the depth never goes below zero."""
    if "{" not in text and "}" not in text:
        return True
    depth = 0
    for ch in text:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
