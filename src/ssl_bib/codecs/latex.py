"""LaTeX escaping for BibTeX and biblatex, one field value at a time.

Why field by field: running an encoder over whole entries (bibtexparser's
LatexEncodingMiddleware) also rewrites DOIs, URLs and the braces we add on
purpose. Here text fields are escaped, identifiers never are.

Choices that keep every consumer happy:
- `{` and `}` become `\\{` / `\\}` when they pair up in the value, and
  `{\\textbraceleft}` / `{\\textbraceright}` when they do not: BibTeX counts
  braces without looking at backslashes, so a lone `\\{` would leave the
  entry unbalanced (pandoc reads `\\{` but drops `\\textbraceleft`).
- `\\` becomes `\\textbackslash{}`, so `\\input{/etc/passwd}` or `\\write18{..}`
  in a title is printed as text and can never run.
- `--`, ``` `` ``` and `''` would be typeset as dashes and quotes: a `{}` between the
  characters keeps them literal.
- Non-ASCII (BibTeX only) goes through pylatexenc, but only where pylatexenc's
  LaTeX reads back as the same character; anything else stays UTF-8, which
  biber, pandoc and bibtexparser read, rather than turn into something else.
"""

from __future__ import annotations

import logging
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
# Braces that pair up in the text can be written `\{ \}`, which LaTeX and
# pandoc read and which keep BibTeX's count balanced.
_PAIRED_TABLE = str.maketrans({**_ASCII_ESCAPES, "{": r"\{", "}": r"\}"})
_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")
# TeX ligatures that would change the text: -- --- `` '' ?` !`
_LIGATURE_RE = re.compile(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")
_LIGATURE_HINT_RE = re.compile(r"--|``|''|[?!]`")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
# Any character that may need escaping; text without one is returned as is.
_ANY_WORK_RE = re.compile(r"[\\{}&%$#_~^`'?!\-]|[^\x00-\x7f]")


def escape(text: str, *, ascii_only: bool = True, paired: bool | None = None) -> str:
    """LaTeX for one plain-text value. `ascii_only` (BibTeX) also turns
    non-ASCII characters into LaTeX; biblatex keeps them as UTF-8. `paired`
    says whether the braces of the whole value pair up (computed if None)."""
    if not _ANY_WORK_RE.search(text):
        return text
    return _escape(text, ascii_only, paired)


# Names, venues and keywords repeat across a catalog: remember their LaTeX.
@lru_cache(maxsize=1 << 16)
def _escape(text: str, ascii_only: bool, paired: bool | None) -> str:
    if _SPECIAL_RE.search(text):
        if paired is None:
            paired = is_balanced(text)
        text = text.translate(_PAIRED_TABLE if paired else _ASCII_TABLE)
    if _LIGATURE_HINT_RE.search(text):
        text = _LIGATURE_RE.sub("{}", text)
    if ascii_only and not text.isascii():
        text = _NON_ASCII_RE.sub(_non_ascii, text)
    return text


def _non_ascii(match: re.Match[str]) -> str:
    return latex_for_char(match.group(0))


# LaTeX that every consumer reads back as the character: accents and letters
# of the Latin alphabets, and the text symbols pandoc knows (measured: pandoc
# silently drops the others, e.g. \\textendash, \\texttimes, \\DH, \\CYRA).
_ACCENTS = frozenset("'\"`^~=.HckruvdbtG")
_TEXT_MACROS = frozenset({
    "AE", "ae", "OE", "oe", "O", "o", "L", "l", "ss", "AA", "aa",
    "guillemotleft", "guillemotright", "guilsinglleft", "guilsinglright", "quotedblbase",
    "textbrokenbar", "textbullet", "textcopyright", "textdagger", "textdegree", "textdong",
    "textlira", "textonehalf", "textonequarter", "textparagraph", "textpertenthousand",
    "textpeso", "textquotedblleft", "textquotedblright", "textquoteleft", "textquoteright",
    "textregistered", "textsection", "textsterling", "textthreequarters", "textyen",
})
# Math pandoc reads as math; accents over Greek it does not.
_MATH_EXCLUDED = frozenset({"acute", "ddot", "grave", "tilde", "bar", "breve", "check"})
_MACRO_RE = re.compile(r"\\([A-Za-z]+|.)")
# `\\'\\i` (dotless i under an accent) reads back as "ı́" in pandoc; `\\'i` as "í".
_DOTLESS_I_RE = re.compile(r"(\\[`'^\"])\\i\b\s*")
# Dashes as TeX ligatures, braced so a neighbouring hyphen cannot join them.
_FIXED = {"\u2013": "{--}", "\u2014": "{---}"}


@lru_cache(maxsize=4096)
def latex_for_char(ch: str) -> str:
    """LaTeX for one non-ASCII character, braced, when every consumer reads it
    back as that character; otherwise the character itself (UTF-8 stays).
    Cached: a catalog uses few distinct characters."""
    if ch in _FIXED:
        return _FIXED[ch]
    latex: str = _encoder().unicode_to_latex(ch)
    if latex == ch:
        return ch
    latex = _DOTLESS_I_RE.sub(r"\1i", latex)
    macros = set(_MACRO_RE.findall(latex))
    if "ensuremath" in macros:
        if macros & _MATH_EXCLUDED:
            return ch
    elif not macros <= (_ACCENTS | _TEXT_MACROS):
        return ch
    if decode(latex) != ch:
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

    # pylatexenc logs a warning for some of its own macros; an export must not.
    logging.getLogger("pylatexenc").setLevel(logging.ERROR)
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
    """A word needs braces when a style's case change would alter it: a
    capital after its first letter (MRI, COVID-19, 3D, PCRLv2), a capital
    first letter anywhere but in the title's first word, or a lower-case
    first word (pandoc capitalises it: "mixup" would become "Mixup")."""
    if not first:
        return word != word.lower()  # it has a capital
    # BibTeX keeps the title's first character as it is, and no more.
    rest = word[1:]
    if rest != rest.lower():
        return True
    for ch in word:
        if ch.isalpha():
            return ch.islower()
    return False


_TRAILING_PUNCTUATION = ":;,.!?"


def protect_title(text: str, *, ascii_only: bool = True) -> str:
    """Escape a title and brace the runs of words that carry capitals, the way
    Better BibTeX does, so styles do not print "mri" or "covid-19"."""
    paired = is_balanced(text)
    out: list[str] = []
    plain: list[str] = []  # the current run of words left as they are
    run: list[str] = []  # the current run of words to brace

    def esc(value: str) -> str:
        return escape(value, ascii_only=ascii_only, paired=paired)

    def flush_plain() -> None:
        if plain:
            out.append(esc(" ".join(plain)))
            plain.clear()

    def flush_run() -> None:
        if run:
            group = esc(" ".join(run))
            # A group that starts with a command would be a BibTeX "special
            # character", whose letters styles do change: brace it twice.
            out.append("{{" + group + "}}" if group.startswith("\\") else "{" + group + "}")
            run.clear()

    for index, word in enumerate(text.split(" ")):
        if not _needs_protection(word, first=index == 0):
            flush_run()
            plain.append(word)
            continue
        flush_plain()
        # Punctuation that ends a word ends the braced run too, as in Better
        # BibTeX's "Models {Genesis}: {Generic ...}".
        core = word.rstrip(_TRAILING_PUNCTUATION)
        run.append(core)
        if len(core) < len(word):
            flush_run()
            out[-1] += esc(word[len(core):])
    flush_run()
    flush_plain()
    return " ".join(out)


_NOT_BRACES_RE = re.compile(r"[^{}]+")


def is_balanced(text: str) -> bool:
    """Braces balanced the way BibTeX counts them: every brace counts,
    backslash or not, and the depth never goes below zero."""
    if "{" not in text and "}" not in text:
        return True
    depth = 0
    # Only the braces matter: drop everything else at C speed first.
    for ch in _NOT_BRACES_RE.sub("", text):
        if ch == "{":
            depth += 1
        else:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
