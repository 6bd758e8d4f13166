"""LaTeX escaping for BibTeX and biblatex, one field value at a time.

Why field by field: running an encoder over whole entries (bibtexparser's
LatexEncodingMiddleware) also rewrites DOIs, URLs and the braces we add on
purpose. Here text fields are escaped, identifiers never are.

Choices that keep every consumer happy:
- `{` and `}` become `\\{` / `\\}` when they pair up in the value, and
  `{\\textbraceleft}` / `{\\textbraceright}` when they do not: BibTeX counts
  braces without looking at backslashes, so a lone `\\{` would leave the
  entry unbalanced (pandoc reads `\\{` but drops `\\textbraceleft`). biblatex
  writes `\\textbraceleft{}` instead (biber's name initials, below).
- `\\` becomes `\\textbackslash{}`, so `\\input{/etc/passwd}` or `\\write18{..}`
  in a title is printed as text and can never run.
- `--`, ``` `` ``` and `''` would be typeset as dashes and quotes: a `{}` between the
  characters keeps them literal.
- Non-ASCII (BibTeX only) becomes LaTeX that pylatexenc (hence bibtexparser
  users), pybtex, pandoc and a LaTeX run with no extra package all read as the
  same character: pylatexenc's form where pandoc knows it, else a standard
  form pandoc does know (`\\ensuremath{\\times}` for ×, `\\texttwosuperior`
  for ², `\\ldots` for …). Characters with no such form stay UTF-8: Cyrillic
  (`\\CYRZH` needs the T2A encoding, pandoc drops it), CJK, emoji, capital
  Greek letters that look Latin (`\\Alpha` is no LaTeX command), and symbols
  only amssymb and the like define. biber, pandoc, bibtexparser, pybtex and
  XeLaTeX/LuaLaTeX read UTF-8; a missing package would stop a LaTeX run.
  The export reads these forms from a table (codecs.latex_chars) that
  tools/make_latex_chars.py makes with the rule itself (live_latex_for_char),
  so it loads no part of pylatexenc; a test holds the two equal.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from ..lazy_re import compiled
from .latex_chars import LATEX_FOR_CHAR

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
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
# In a BibTeX name, `~` and `^` are braced: abbrv.bst would abbreviate a
# given name `\textasciicircum{}Jo` to "t."; `{\textasciicircum{}}` is one
# "special character" to it.
_NAME_ESCAPES = {**_ASCII_ESCAPES, "~": r"{\textasciitilde{}}", "^": r"{\textasciicircum{}}"}
# biblatex (biber) differs: when it makes a name's initials (`familyi`,
# `giveni` in the .bbl) it takes a word that starts with `{\` for one letter
# and writes an unbalanced `}` (measured with biber 2.18: "Extra }" in every
# LaTeX run). There lone braces are written `\textbraceleft{}` and `~ ^` unbraced.
_BIBER_ESCAPES = {**_ASCII_ESCAPES, "{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
# Braces that pair up in the text can be written `\{ \}`, which LaTeX and
# pandoc read and which keep BibTeX's count balanced.
_PAIRED = {"{": r"\{", "}": r"\}"}
_TABLES = {  # (ascii_only, paired, name) -> table
    (True, False, False): str.maketrans(_ASCII_ESCAPES),
    (True, True, False): str.maketrans({**_ASCII_ESCAPES, **_PAIRED}),
    (True, False, True): str.maketrans(_NAME_ESCAPES),
    (True, True, True): str.maketrans({**_NAME_ESCAPES, **_PAIRED}),
    (False, False, False): str.maketrans(_BIBER_ESCAPES),
    (False, True, False): str.maketrans({**_BIBER_ESCAPES, **_PAIRED}),
    (False, False, True): str.maketrans(_BIBER_ESCAPES),
    (False, True, True): str.maketrans({**_BIBER_ESCAPES, **_PAIRED}),
}
_SPECIAL_RE = compiled(r"[\\{}&%$#_~^]")
# TeX ligatures that would change the text: -- --- `` '' ?` !`
_LIGATURE_RE = compiled(r"(?<=-)(?=-)|(?<=`)(?=`)|(?<=')(?=')|(?<=[?!])(?=`)")
_LIGATURE_HINT_RE = compiled(r"--|``|''|[?!]`")
_NON_ASCII_RE = compiled(r"[^\x00-\x7f]")
# Two characters that may make a TeX ligature (a superset of
# _LIGATURE_HINT_RE's pairs: one character class is searched much faster
# than its alternation, and hyphens are common).
_MAY_BE_LIGATURE_RE = compiled(r"[-`'?!][-`']")


# The characters BibTeX and biblatex escape differently (lone braces; ~ and ^
# in names), besides non-ASCII ones, which only BibTeX turns into LaTeX.
_ESCAPED_APART_RE = compiled(r"[{}~^]")


def same_latex_in_both(text: str) -> bool:
    """Whether escape, protect_title and latex_title give `text` the same
    LaTeX for BibTeX (ascii_only) and biblatex, as a name part too: an
    export of both may make it once."""
    return text.isascii() and not _ESCAPED_APART_RE.search(text)


def escape(text: str, *, ascii_only: bool = True, paired: bool | None = None,
           name: bool = False) -> str:
    """LaTeX for one plain-text value. `ascii_only` (BibTeX) also turns
    non-ASCII characters into LaTeX; biblatex (`ascii_only=False`, for biber)
    keeps them as UTF-8 and writes lone braces unbraced. `paired` says
    whether the braces of the whole value pair up (computed if None); `name`:
    the value is part of a BibTeX name."""
    if not (_SPECIAL_RE.search(text) or _MAY_BE_LIGATURE_RE.search(text)
            or (ascii_only and not text.isascii())):
        return text  # nothing to escape (most values): no call, no cache
    return _escape(text, ascii_only, paired, name)


# Names, venues and keywords repeat across a catalog: remember their LaTeX.
@lru_cache(maxsize=1 << 16)
def _escape(text: str, ascii_only: bool, paired: bool | None, name: bool = False) -> str:
    if _SPECIAL_RE.search(text):
        if paired is None:
            paired = is_balanced(text)
        text = text.translate(_TABLES[ascii_only, paired, name])
    if _MAY_BE_LIGATURE_RE.search(text) and _LIGATURE_HINT_RE.search(text):
        text = _LIGATURE_RE.sub("{}", text)
    if ascii_only and not text.isascii():
        if _MARK_RE.search(text):
            text = _MARKED_RE.sub(_marked, text)
        text = _NON_ASCII_RE.sub(_non_ascii, text)
    return text


# A letter with combining marks that have no precomposed character (x̃, q̇):
# written with LaTeX's accent commands, `{\~{x}}`, which LaTeX, pandoc and
# pylatexenc read. A mark LaTeX has no accent for, or on a base that is no
# ASCII letter, stays UTF-8 (README: what stays UTF-8).
_MARK_ACCENTS = {"\u0301": "'", "\u0300": "`", "\u0302": "^", "\u0308": '"', "\u0303": "~",
                 "\u0304": "=", "\u0307": ".", "\u0306": "u", "\u030c": "v", "\u030b": "H",
                 "\u0327": "c", "\u0328": "k", "\u030a": "r", "\u0323": "d", "\u0331": "b"}
_MARK_RE = compiled("[\u0300-\u036f]")
_MARKED_RE = compiled("(.)([\u0300-\u036f]++)", re.DOTALL)


def _marked(match: re.Match[str]) -> str:
    # Composed where Unicode has the character ("e" + U+0301 is "é"); only
    # the cluster, never the whole text: NFC also changes characters that
    # have no marks (U+F900, a CJK compatibility ideograph, becomes U+8C48).
    composed = unicodedata.normalize("NFC", match.group())
    if len(composed) == 1:
        return latex_for_char(composed)
    base, marks = match.group(1), match.group(2)
    if not re.fullmatch("[A-Za-z\u0131\u0237]", base) or \
            any(mark not in _MARK_ACCENTS for mark in marks):
        return match.group()
    latex = {"\u0131": r"\i", "\u0237": r"\j"}.get(base, base)
    for mark in marks:
        latex = f"\\{_MARK_ACCENTS[mark]}{{{latex}}}"
    return "{" + latex + "}"


def script_latex(ch: str) -> str | None:
    """LaTeX for a superscript or subscript digit, sign or parenthesis (⁴,
    ₂, ⁺, and ⁿ and ⁱ): math,
    `{\\ensuremath{^{4}}}`, which LaTeX and pandoc typeset raised or lowered;
    None for any other character."""
    from ..richtext import SCRIPT_CHARS

    if ch not in SCRIPT_CHARS:
        return None
    base, superscript = SCRIPT_CHARS[ch]
    return f"{{\\ensuremath{{{'^' if superscript else '_'}{{{base}}}}}}}"


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
# Math pandoc reads as math, limited to the symbols the LaTeX kernel defines
# (fontmath.ltx): pylatexenc also emits amssymb names (\\nexists, \\lneqq),
# other packages' (\\udots, \\mathbb) and its own (\\Alpha, \\allequal), which
# stop a LaTeX run that loads no such package. Math accents over Greek are
# kernel LaTeX but pandoc does not read them.
_KERNEL_MATH = frozenset("""
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu
    nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega
    pm mp times div ast star circ bullet cdot cap cup uplus sqcap sqcup vee wedge setminus
    wr diamond bigtriangleup bigtriangledown triangleleft triangleright oplus ominus otimes
    oslash odot bigcirc dagger ddagger amalg
    leq prec preceq ll subset subseteq sqsubseteq in vdash geq succ succeq gg supset
    supseteq sqsupseteq ni dashv equiv sim simeq asymp approx cong neq doteq propto models
    perp mid parallel bowtie smile frown notin not ne le ge
    leftarrow Leftarrow rightarrow Rightarrow leftrightarrow Leftrightarrow mapsto
    hookleftarrow hookrightarrow leftharpoonup leftharpoondown rightharpoonup
    rightharpoondown rightleftharpoons uparrow Uparrow downarrow Downarrow updownarrow
    Updownarrow nearrow searrow swarrow nwarrow longleftarrow longrightarrow to gets iff
    aleph hbar imath jmath ell wp Re Im prime emptyset nabla surd top bot angle forall
    exists neg lnot flat natural sharp backslash partial infty triangle clubsuit
    diamondsuit heartsuit spadesuit
    sum prod coprod int oint bigcap bigcup bigsqcup bigvee bigwedge bigodot bigotimes
    bigoplus biguplus lfloor rfloor lceil rceil langle rangle lmoustache rmoustache
    lgroup rgroup Vert vert ldots cdots vdots ddots
""".split())
# Where pylatexenc's form is a text macro pandoc drops (\\texttimes,
# \\textellipsis, \\textrightarrow...), the standard form every reader knows.
# Dashes are TeX ligatures, braced so a neighbouring hyphen cannot join them.
_PREFERRED = {
    "\u2013": "{--}", "\u2014": "{---}", "\u2026": r"{\ldots}",
    "\u00d7": r"{\ensuremath{\times}}", "\u00f7": r"{\ensuremath{\div}}",
    "\u00ac": r"{\ensuremath{\lnot}}",
    "\u2190": r"{\ensuremath{\leftarrow}}", "\u2191": r"{\ensuremath{\uparrow}}",
    "\u2192": r"{\ensuremath{\rightarrow}}", "\u2193": r"{\ensuremath{\downarrow}}",
    # pandoc reads these as a superscript digit, which it prints as ² and ³.
    "\u00b2": r"{\texttwosuperior}", "\u00b3": r"{\textthreesuperior}",
    "\u0131": r"{\i}", "\u0237": r"{\j}",
}
# Kernel math pandoc prints as another character (measured with pandoc 3.9:
# ς as 𝜍, ϱ as 𝜚, ∙ as •, ≇ as ≆, ⊥ as ⟂): these stay UTF-8.
_PANDOC_MISREADS = frozenset("\u03c2\u03f1\u2219\u2247\u22a5")
# (Patterns of the live rule only, compiled when it runs: the export reads the table.)
_MACRO = r"\\([A-Za-z]+|.)"
# `\\'\\i` (dotless i under an accent) reads back as "ı́" in pandoc; `\\'i` as "í".
_DOTLESS_I = r"(\\[`'^\"])\\i\b\s*"


def latex_for_char(ch: str) -> str:
    """LaTeX for one non-ASCII character, braced, when every consumer reads it
    back as that character; otherwise the character itself (UTF-8 stays).
    From the table live_latex_for_char made (codecs.latex_chars, which a test
    holds equal to it), so an export loads no part of pylatexenc."""
    return LATEX_FOR_CHAR.get(ch, ch)


def live_latex_for_char(ch: str) -> str:
    """latex_for_char's rule itself: pylatexenc's form (or ssl-bib's
    preferred one), kept only when pandoc and LaTeX's kernel know its macros
    and pylatexenc reads it back as `ch`. tools/make_latex_chars.py tables
    it; the export reads the table."""
    if ch not in _PREFERRED:
        script = script_latex(ch)
        if script is not None:
            return script
    latex: str = _PREFERRED.get(ch) or _encoder().unicode_to_latex(ch)
    if latex == ch or ch in _PANDOC_MISREADS:
        return ch
    latex = re.sub(_DOTLESS_I, r"\1i", latex)
    macros = set(re.findall(_MACRO, latex))
    if "ensuremath" in macros:
        if not macros - {"ensuremath"} <= _KERNEL_MATH:
            return ch
    elif ch not in _PREFERRED and not macros <= (_ACCENTS | _TEXT_MACROS):
        return ch
    if _pylatexenc_text(latex) != ch:  # bibtexparser's users read it with pylatexenc
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
    import logging

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


def _pylatexenc_text(latex: str) -> str:
    """A LaTeX value as pylatexenc (and so bibtexparser's users) read it."""
    text: str = _decoder().latex_to_text(latex)
    return text


def decode(latex: str) -> str:
    """A value we wrote, read back as `ssl-bib import` reads it: the
    catalog's text, a title's rich text and math included. Tests use it to
    prove an export reads back as the catalog."""
    from .latex_decode import decode as read

    return read(latex, rich=True)


def _needs_protection(word: str, first: bool) -> bool:
    """A word needs braces when a style's case change would alter it: a
    capital after its first letter (MRI, COVID-19, 3D, PCRLv2), a capital
    first letter anywhere but in the title's first word, or a lower-case
    first word (pandoc capitalises it: "mixup" would become "Mixup"). A word
    holding math or formatting is always braced: BibTeX would lower-case
    `$\\Omega$` and pandoc the letters of `\\emph{}`."""
    if _PLACEHOLDER_RE.search(word):
        return True
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


def protect_title(text: str, *, ascii_only: bool = True, first: bool = True,
                  pieces: list[str] | None = None) -> str:
    """Escape a title and brace the runs of words that carry capitals, the way
    Better BibTeX does, so styles do not print "mri" or "covid-19". `first`:
    the text starts the title. `pieces`: LaTeX already written (math,
    formatting) that the text holds as placeholder characters."""
    return _protect_title(text, ascii_only, first, tuple(pieces or ()))


def _protect(text: str, ascii_only: bool, first: bool, pieces: tuple[str, ...]) -> str:
    if not (pieces or (ascii_only and not text.isascii()) or _SPECIAL_OR_PLACEHOLDER_RE.search(text)
            or _MAY_BE_LIGATURE_RE.search(text)):
        return _protect_as_is(text, first)
    return _protect_words(text, ascii_only, first, pieces)


# Container titles and series recur across a catalog: remembered. A paper's
# title is protected once an export (latex_title; biblatex reuses BibTeX's
# where they agree), so latex_title does not pass through the cache: keeping
# 10,000 titles cost more than it saved (a quarter of the title's time).
_protect_title = lru_cache(maxsize=1 << 12)(_protect)


def _protect_as_is(text: str, first: bool) -> str:
    """protect_title for a text with nothing to escape (most titles): the
    words as they are, runs of those with a capital braced. The same braces
    as _protect_words (a test holds them equal), in a third of its time: a
    title is braced twice per export (BibTeX and biblatex)."""
    words = text.split(" ")
    out: list[str] = []
    run: list[str] = []
    if first:
        word = words[0]
        if _needs_protection(word, first=True):
            core = word.rstrip(_TRAILING_PUNCTUATION)
            if core is word:
                run.append(word)
            else:
                out.append("{" + core + "}" + word[len(core):])
        else:
            out.append(word)
        words = words[1:]
    for word in words:
        if word.lower() == word:  # no capital: as it is, and any run ends
            if run:
                out.append("{" + " ".join(run) + "}")
                run = []
            out.append(word)
            continue
        core = word.rstrip(_TRAILING_PUNCTUATION)
        if core is word:
            run.append(word)
        else:  # punctuation ends the run, outside its braces
            run.append(core)
            out.append("{" + " ".join(run) + "}" + word[len(core):])
            run = []
    if run:
        out.append("{" + " ".join(run) + "}")
    return " ".join(out)


def _protect_words(text: str, ascii_only: bool, first: bool, pieces: tuple[str, ...]) -> str:
    """protect_title, word by word, escaping each group."""
    paired = is_balanced(text)
    out: list[str] = []
    plain: list[str] = []  # the current run of words left as they are
    run: list[str] = []  # the current run of words to brace
    # Most titles need no escaping at all; then no piece of them does either
    # (a piece has no character, and no "--", that the whole lacks).
    as_is = not (_SPECIAL_RE.search(text) or _LIGATURE_HINT_RE.search(text)
                 or (ascii_only and not text.isascii()) or pieces)

    def esc(value: str) -> str:
        if as_is:
            return value
        escaped = escape(value, ascii_only=ascii_only, paired=paired)
        if pieces and _PLACEHOLDER_RE.search(escaped):
            escaped = _PLACEHOLDER_RE.sub(lambda m: pieces[ord(m.group()) - _PLACEHOLDER], escaped)
        return escaped

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
        if not _needs_protection(word, first=first and index == 0):
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


# Math and formatting in a title stand in the text as characters of the
# Private Use Area while its words are braced, and are written in after.
_PLACEHOLDER = 0xF0000
_PLACEHOLDER_RE = compiled("[\U000F0000-\U000FFFFD]")
# What makes a title need escaping or the placeholder walk, in two quick
# searches of one character class each: a special character or a
# placeholder; a pair that may be a TeX ligature.
_SPECIAL_OR_PLACEHOLDER_RE = compiled("[\\\\{}&%$#_~^\U000F0000-\U000FFFFD]")
# A sub- or superscript written as math: digits and signs.
_SCRIPT_MATH_RE = compiled(r"[0-9+\-=()]++")
_WRAP = {"i": "\\emph{", "b": "\\textbf{", "sc": "\\textsc{", "nocase": "{",
         "sup": "\\textsuperscript{", "sub": "\\textsubscript{"}


def latex_title(text: str, *, ascii_only: bool = True) -> str:
    """A catalog title (rich text: CSL's tags and `$...$` math, see
    richtext) as BibTeX: words braced as protect_title does, italics as
    `\\emph{}`, bold `\\textbf{}`, small capitals `\\textsc{}`, nocase as
    braces, a sub- or superscript of digits as math (`$_{2}$`), of anything
    else `\\textsubscript{}`; math written as math when it is safe to
    (richtext.is_safe_math: no macro that could read or write a file), else
    as the text it is."""
    from .. import richtext

    if not richtext.has_markup(text):
        return _protect(text, ascii_only, True, ())
    tokens = richtext.tokens(text)
    if all(t.kind == "text" for t in tokens):
        return _protect(text, ascii_only, True, ())
    pieces: list[str] = []
    top: list[str] = []
    # Open spans: (kind, what is written inside so far).
    stack: list[tuple[str, list[str]]] = []
    for token in tokens:
        if token.kind == "open":
            stack.append((token.value, []))
            continue
        if token.kind == "close":
            kind, inner = stack.pop()
            written = _span(kind, "".join(inner), ascii_only)
        elif token.kind == "math":
            written = _math(token.value, ascii_only)
        elif stack:
            kind = stack[-1][0]
            written = (escape(token.value, ascii_only=ascii_only) if kind != "i" else
                       protect_title(token.value, ascii_only=ascii_only, first=False))
        else:
            top.append(token.value)
            continue
        if stack:
            stack[-1][1].append(written)
        else:
            top.append(chr(_PLACEHOLDER + len(pieces)))
            pieces.append(written)
    return _protect("".join(top), ascii_only, True, tuple(pieces))


def _span(kind: str, inner: str, ascii_only: bool) -> str:
    if kind in ("sub", "sup") and _SCRIPT_MATH_RE.fullmatch(inner):
        return f"${'_' if kind == 'sub' else '^'}{{{inner}}}$"
    return _WRAP[kind] + inner + "}"


def _math(src: str, ascii_only: bool) -> str:
    from ..richtext import is_safe_math

    if is_safe_math(src):
        return f"${src}$"
    # Math that is not safe to hand to TeX is written as the text it is.
    return escape(f"${src}$", ascii_only=ascii_only)


_NOT_BRACES_RE = compiled(r"[^{}]+")


def brace_depth(text: str) -> int:
    """How deep braces nest in `text` (unbalanced ones counted as they come)."""
    if "{" not in text:
        return 0
    depth = deepest = 0
    for ch in _NOT_BRACES_RE.sub("", text):
        depth += 1 if ch == "{" else -1
        deepest = max(deepest, depth)
    return deepest


# Every byte but the braces'. In UTF-8 a brace is one byte that no other
# character's bytes contain (those of a multibyte character are all >= 0x80).
_NOT_BRACE_BYTES = bytes(b for b in range(256) if b not in b"{}")


def is_balanced(text: str) -> bool:
    """Braces balanced the way BibTeX counts them: every brace counts,
    backslash or not, and the depth never goes below zero.

    Checked in C (every written value with a brace is checked: titles,
    booktitles, series): the braces alone, as bytes, with each innermost
    pair `{}` removed until none is left; balanced text leaves nothing."""
    if "{" not in text and "}" not in text:
        return True
    braces = text.encode("utf-8", "surrogatepass").translate(None, _NOT_BRACE_BYTES)
    while b"{}" in braces:
        braces = braces.replace(b"{}", b"")
    return not braces
