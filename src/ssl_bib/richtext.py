"""Rich text in catalog titles: what of a title's formatting the catalog keeps.

A title from Zotero, CSL-JSON or BibTeX can carry formatting that is part of
its meaning: an italic species name, "CO<sub>2</sub>", math such as
`Cu$_2$O` or `$\\alpha$-helix`, a word whose case styles must leave alone.
The catalog keeps it in the two forms its sources already share:

- CSL's rich-text tags, exactly as the CSL-JSON specification and Zotero
  write them: `<i>`, `<b>`, `<sup>`, `<sub>`, `<span class="nocase">` and
  `<span style="font-variant:small-caps;">`. A tag is markup only when it is
  one of these and is closed in order; anything else with `<` is text.
- TeX math between dollars, recognised by pandoc's rule (tex_math_dollars):
  the opening `$` has a non-space character right after it, the closing one a
  non-space character right before it and no digit right after it. So
  `Cu$_2$O` holds math and "from $5 to $10" does not. (A dollar sign that
  a .bib escaped, `\\$`, is a plain `$` here: beside real math in the same
  title it may pair up with it; titles hardly ever hold both.)

Each writer turns these into its format (BibTeX `\\emph{}` and math, CSL's
tags, Unicode for RIS); `plain` gives the bare text that comparing, keys and
search use. Pure functions, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .lazy_re import compiled
from .records import DataMethods, FrozenDataMethods, set_field

Kind = Literal["i", "b", "sup", "sub", "nocase", "sc"]

# The tags of CSL rich text, as written, and what each one is.
OPEN_TAGS: dict[str, Kind] = {
    "<i>": "i", "<b>": "b", "<sup>": "sup", "<sub>": "sub",
    '<span class="nocase">': "nocase", '<span style="font-variant:small-caps;">': "sc",
}
CLOSE_TAGS: dict[Kind, str] = {
    "i": "</i>", "b": "</b>", "sup": "</sup>", "sub": "</sub>", "nocase": "</span>",
    "sc": "</span>",
}
OPEN_TAG: dict[Kind, str] = {kind: tag for tag, kind in OPEN_TAGS.items()}
# One token of a title: a tag (CSL's spellings, and the small-caps span with
# or without its final semicolon), a dollar, or a run of anything else.
_TOKEN_RE = compiled(
    r'<(?:/?(?:i|b|sup|sub)|/span|span class="nocase"|'
    r'span style="font-variant:\s*+small-caps;?+")>|\$|[^<$]++|<')
_SMALL_CAPS_RE = compiled(r'<span style="font-variant:\s*+small-caps;?+">')


@dataclass(frozen=True, init=False, repr=False, eq=False)
class Token(FrozenDataMethods):
    """One piece of a title: `text`, `math` (the TeX between the dollars),
    `open` or `close` (value: the kind of span)."""

    kind: Literal["text", "math", "open", "close"]
    value: str

    def __init__(self, kind: Literal["text", "math", "open", "close"], value: str) -> None:
        set_field(self, "kind", kind)
        set_field(self, "value", value)


def has_markup(text: str) -> bool:
    """Whether `text` may hold tags or math: the fast test before `tokens`."""
    return "<" in text or "$" in text


def tokens(text: str) -> list[Token]:
    """The title as text, math and paired tags. A tag that is never closed,
    or closed out of order, and a `$` that starts no math are text."""
    pieces = _pieces(text)
    # Pair the tags: an open tag counts only when its close comes in order.
    stack: list[int] = []
    paired: set[int] = set()
    for index, (kind, value) in enumerate(pieces):
        if kind == "open":
            stack.append(index)
        elif kind == "close":
            if stack and CLOSE_TAGS[pieces[stack[-1]][1]] == value:  # type: ignore[index]
                paired.update((stack.pop(), index))
            else:
                stack.clear()  # out of order: what is open stays text
    out: list[Token] = []
    for index, (kind, value) in enumerate(pieces):
        if kind in ("open", "close") and index not in paired:
            kind, value = "text", value if kind == "close" else OPEN_TAG[value]  # type: ignore[index]
        if kind == "text" and out and out[-1].kind == "text":
            out[-1] = Token("text", out[-1].value + value)
        else:
            out.append(Token(kind, value))  # type: ignore[arg-type]
    return out


def _pieces(text: str) -> list[tuple[str, str]]:
    """(kind, value) pieces before pairing: tags, math, text."""
    raw = [m.group() for m in _TOKEN_RE.finditer(text)]
    closers = _closers(raw)
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(raw):
        piece = raw[i]
        if piece == "$":
            end = _math_end(raw, i, closers)
            if end is not None:
                out.append(("math", "".join(raw[i + 1:end])))
                i = end + 1
                continue
            out.append(("text", "$"))
        elif piece in OPEN_TAGS or _SMALL_CAPS_RE.fullmatch(piece):
            out.append(("open", OPEN_TAGS.get(piece, "sc")))
        elif piece.startswith("</") and piece.endswith(">"):
            out.append(("close", piece))
        else:
            out.append(("text", piece))
        i += 1
    return out


def _closers(raw: list[str]) -> list[int | None]:
    """For each piece, the index of the first `$` at or after it that may
    close math (a non-space character before it, no backslash): found from
    the right in one pass, so that finding each opener's closer is constant
    time (a title of 10,000 "$a " stays linear)."""
    out: list[int | None] = [None] * (len(raw) + 1)
    for index in range(len(raw) - 1, -1, -1):
        before = raw[index - 1] if index else ""
        may_close = raw[index] == "$" and before[-1:] not in ("", "\\") and \
            not before[-1:].isspace() and before != "$"
        out[index] = index if may_close else out[index + 1]
    return out


def _math_end(raw: list[str], start: int, closers: list[int | None]) -> int | None:
    """The index of the `$` that closes math opened at raw[start], by
    pandoc's rule; None when this `$` opens none."""
    after = raw[start + 1] if start + 1 < len(raw) else ""
    if not after or after == "$" or after[0].isspace():
        return None
    if start > 0 and raw[start - 1].endswith("\\"):
        return None  # `\$` is a dollar sign
    end = closers[start + 1]
    if end is None:
        return None
    following = raw[end + 1] if end + 1 < len(raw) else ""
    return None if following[:1].isdigit() else end


def plain(text: str) -> str:
    """The title's text without markup: tags dropped, a sub- or superscript
    as Unicode when it has a form (CO₂), math as the Unicode it stands for
    (`Cu$_2$O` -> "Cu₂O") or else its TeX. What titles are compared, keyed
    and searched by."""
    if not has_markup(text):
        return text
    return _flatten(text, lambda src: math_to_unicode(src) or src)


def to_unicode(text: str) -> str:
    """For formats without markup (RIS): tags dropped, a sub- or superscript
    of digits and signs as Unicode (CO₂, x²), math as Unicode when it has a
    Unicode form, else kept as `$TeX$`."""
    if not has_markup(text):
        return text
    return _flatten(text, lambda src: math_to_unicode(src) or f"${src}$")


def strip_tags(text: str) -> str:
    """Tags dropped, a sub- or superscript as Unicode when it has a form,
    math left as it is: CSL rich text in a field that is not a title."""
    if "<" not in text:
        return text
    return _flatten(text, lambda src: f"${src}$")


def _flatten(text: str, math: Callable[[str], str]) -> str:
    out: list[str] = []
    script: list[tuple[str, int]] = []  # open sub/sup, and where its text starts
    for token in tokens(text):
        if token.kind == "text":
            out.append(token.value)
        elif token.kind == "math":
            out.append(math(token.value))
        elif token.kind == "open" and token.value in ("sub", "sup"):
            script.append((token.value, len(out)))
        elif token.kind == "close" and token.value in ("</sub>", "</sup>") and script:
            kind, at = script.pop()
            scripted = to_script("".join(out[at:]), kind == "sup")
            if scripted is not None:
                out[at:] = [scripted]
    return "".join(out)


def to_csl(text: str) -> str:
    """For CSL-JSON: the tags stay, math becomes CSL's rich text (`<sub>`,
    `<sup>`, Unicode symbols) when it can, else stays `$TeX$` as pandoc
    writes it."""
    if "$" not in text:
        return text
    out: list[str] = []
    for token in tokens(text):
        if token.kind == "math":
            converted = math_to_csl(token.value)
            out.append(converted if converted is not None else f"${token.value}$")
        elif token.kind == "open":
            out.append(OPEN_TAG[token.value])  # type: ignore[index]
        else:
            out.append(token.value)
    return "".join(out)


# -- sub- and superscripts -----------------------------------------------------

_SUPERSCRIPTS = dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", strict=True))
_SUBSCRIPTS = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True))
SCRIPT_CHARS = {**{v: (k, True) for k, v in _SUPERSCRIPTS.items()},
                **{v: (k, False) for k, v in _SUBSCRIPTS.items()}}


def to_script(text: str, superscript: bool) -> str | None:
    """Text as Unicode super- or subscript characters; None when a character
    has none (only digits, signs, parentheses, and n and i raised, do)."""
    table = _SUPERSCRIPTS if superscript else _SUBSCRIPTS
    text = text.replace("\u2212", "-")
    if not text or any(ch not in table for ch in text):
        return None
    return "".join(table[ch] for ch in text)


# -- math ----------------------------------------------------------------------

_MATH_TOKEN_RE = compiled(r"\\[A-Za-z]++|\\.|\s++|.", re.DOTALL)
# Macros whose argument is printed as it is (fonts, text inside math).
_MATH_FONTS = frozenset({"mathrm", "mathit", "mathbf", "mathsf", "mathtt", "mathnormal",
                         "text", "textrm", "textit", "textbf", "textup", "mbox",
                         "operatorname", "boldsymbol", "bm", "mathup"})
_MATH_SPACES = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "quad": " ", "qquad": " ",
                "left": "", "right": "", "big": "", "Big": "", "bigl": "", "bigr": "",
                "Bigl": "", "Bigr": "", "displaystyle": "", "textstyle": "", "limits": "",
                "nolimits": ""}
_MATH_OPERATORS = frozenset({"log", "ln", "exp", "sin", "cos", "tan", "min", "max", "arg",
                             "lim", "sup", "inf", "det", "dim", "ker", "deg", "gcd", "Pr",
                             "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan"})
_MATH_ESCAPES = {"{": "{", "}": "}", "%": "%", "#": "#", "&": "&", "_": "_", "$": "$",
                 "|": "‖"}


@lru_cache(maxsize=1)
def math_symbols() -> dict[str, str]:
    """Math macro -> the Unicode character it prints (\\alpha -> α, \\leq -> ≤),
    from pylatexenc's tables: the symbols of LaTeX and amssymb."""
    from pylatexenc.latex2text import get_default_latex_context_db

    table: dict[str, str] = {}
    db = get_default_latex_context_db()
    for category in ("latex-base", "advanced-symbols"):
        for name, spec in db.d[category]["macros"].items():
            repl = getattr(spec, "simplify_repl", None)
            if isinstance(repl, str) and len(repl) == 1 and not repl.isascii():
                table.setdefault(name, repl)
    table.update({"to": "→", "gets": "←", "lnot": "¬", "ne": "≠", "le": "≤", "ge": "≥",
                  "colon": ":", "vert": "|", "Vert": "‖", "lbrace": "{", "rbrace": "}",
                  "backslash": "\\", "prime": "′", "ldots": "…", "cdots": "⋯",
                  "varnothing": "∅", "emptyset": "∅"})
    return table


@dataclass(init=False, repr=False, eq=False)
class _MathItem(DataMethods):
    """One printed piece of math: plain text, or a sub/superscript of items."""

    text: str = ""
    script: Literal["sub", "sup"] | None = None
    inner: list[_MathItem] | None = None

    def __init__(self, text: str = "", script: Literal["sub", "sup"] | None = None,
                 inner: list[_MathItem] | None = None) -> None:
        self.text = text
        self.script = script
        self.inner = inner


def _math_items(src: str) -> list[_MathItem] | None:
    """Math as printed pieces, or None when some part has no text form."""
    raw = _MATH_TOKEN_RE.findall(src)
    items, end = _math_group(raw, 0, False)
    return items if items is not None and end == len(raw) else None


def _math_group(raw: list[str], pos: int, braced: bool) -> tuple[list[_MathItem] | None, int]:
    """Items from raw[pos] up to the closing brace (when `braced`) or the end.
    Recursion is bounded: callers refuse math deeper than MAX_MATH_DEPTH."""
    items: list[_MathItem] = []
    symbols = math_symbols()
    negated: int | None = None  # after `\not`: the next symbol is struck through
    while pos < len(raw):
        if negated is not None and len(items) > negated:
            items[-1].text += "\u0338"
            negated = None
        tok = raw[pos]
        pos += 1
        if tok == "}":
            return (items, pos) if braced else (None, pos)
        if tok == "{":
            inner, pos = _math_group(raw, pos, True)
            if inner is None:
                return None, pos
            items.extend(inner)
        elif tok in ("_", "^"):
            inner, pos = _math_argument(raw, pos)
            if inner is None:
                return None, pos
            items.append(_MathItem(script="sub" if tok == "_" else "sup", inner=inner))
        elif tok.startswith("\\"):
            name = tok[1:]
            if name in _MATH_FONTS:
                inner, pos = _math_argument(raw, pos)
                if inner is None:
                    return None, pos
                items.extend(inner)
            elif name == "not":
                negated = len(items)
            elif name in _MATH_SPACES:
                if _MATH_SPACES[name]:
                    items.append(_MathItem(" "))
            elif name in _MATH_OPERATORS:
                items.append(_MathItem(name))
            elif name in _MATH_ESCAPES:
                items.append(_MathItem(_MATH_ESCAPES[name]))
            elif name in symbols:
                items.append(_MathItem(symbols[name]))
            else:
                return None, pos
        elif tok.isspace():
            items.append(_MathItem(" "))
        elif tok in "#%&~\\":
            return None, pos
        else:
            items.append(_MathItem(tok))
    if negated is not None and len(items) > negated:
        items[-1].text += "\u0338"
    return (None, pos) if braced else (items, pos)


def _math_argument(raw: list[str], pos: int) -> tuple[list[_MathItem] | None, int]:
    """The argument after `_`, `^` or a font macro: a group or one token."""
    while pos < len(raw) and raw[pos].isspace():
        pos += 1
    if pos >= len(raw):
        return None, pos
    if raw[pos] == "{":
        return _math_group(raw, pos + 1, True)
    items, _ = _math_group(raw[pos:pos + 1], 0, False)
    return items, pos + 1


MAX_MATH_DEPTH = 20


def _too_deep(src: str) -> bool:
    depth = deepest = 0
    for ch in src:
        if ch == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == "}":
            depth -= 1
    return deepest > MAX_MATH_DEPTH


def _tidy(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


def math_to_unicode(src: str) -> str | None:
    """`_2` -> "₂", `\\alpha` -> "α", `x^2 + 1` -> "x² + 1"; None when the
    math has no plain Unicode form (a fraction, a subscript of letters)."""
    return _math_text(src, csl=False)


def math_to_csl(src: str) -> str | None:
    """Math as CSL rich text: scripts as `<sub>`/`<sup>`, symbols as Unicode;
    None when it has no such form."""
    return _math_text(src, csl=True)


def _math_text(src: str, csl: bool) -> str | None:
    items = None if _too_deep(src) else _math_items(src)
    out = _render(items, csl) if items is not None else None
    return _tidy(out) if out is not None and out.strip() else None


def _render(items: list[_MathItem], csl: bool) -> str | None:
    out: list[str] = []
    for item in items:
        if item.script is None:
            out.append(item.text)
            continue
        inner = _render(item.inner or [], csl)
        if inner is None:
            return None
        inner = _tidy(inner)
        if csl:
            out.append(f"<{item.script}>{inner}</{item.script}>")
            continue
        scripted = to_script(inner, item.script == "sup")
        if scripted is None:
            return None
        out.append(scripted)
    return "".join(out)


# -- math that may be written into LaTeX as it is --------------------------------

# Macros math may use when it is written into BibTeX or biblatex unescaped:
# symbols, fonts, operators and layout. None of them reads a file, defines a
# macro or writes: math using any other is written as text instead.
_SAFE_MATH_MACROS = frozenset({
    "frac", "dfrac", "tfrac", "sqrt", "hat", "tilde", "bar", "vec", "dot", "ddot", "check",
    "breve", "acute", "grave", "widehat", "widetilde", "overline", "underline", "overbrace",
    "underbrace", "mathbb", "mathcal", "mathfrak", "mathscr", "pmod", "bmod", "mod",
    "ensuremath", "cdot", "circ", "sum", "prod", "int", "oint", "infty", "partial",
    "rm", "bf", "it", "cal",
}) | _MATH_FONTS | frozenset(_MATH_SPACES) | _MATH_OPERATORS
_SAFE_MATH_TOKEN_RE = compiled(
    r"\\([A-Za-z]++)|\\([,;:! {}|_%#&$])|([A-Za-z0-9\s+\-*/=<>()\[\].,;:!?'|^_{}~])|(.)",
    re.DOTALL)


def is_safe_math(src: str) -> bool:
    """Whether math can be written into a .bib unescaped: printable ASCII,
    balanced braces, no `%`, `#`, `&` or `^^`, and only macros of
    `_SAFE_MATH_MACROS` or math symbols LaTeX or amssymb define."""
    if not src.strip() or not src.isascii() or "^^" in src or _too_deep(src):
        return False
    depth = 0
    symbols = math_symbols()
    for m in _SAFE_MATH_TOKEN_RE.finditer(src):
        name, symbol, plain_char, other = m.groups()
        if other is not None:
            return False
        if name is not None and name not in _SAFE_MATH_MACROS and name not in symbols:
            return False
        if plain_char == "{":
            depth += 1
        elif plain_char == "}":
            depth -= 1
            if depth < 0:
                return False
        del symbol
    return depth == 0
