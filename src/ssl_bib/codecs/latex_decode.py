"""LaTeX in BibTeX field values -> the text it prints, losing no word.

Why our own decoder and not pylatexenc's LatexNodes2Text: that one is built
to render documents, and in a bibliography it loses words. It drops the
arguments of macros it knows but has no text rule for (`\\mbox{MRI}`,
`\\texttt`, `\\textup`, `\\textsf`), prints `\\LaTeX` and `\\TeX` as nothing,
`\\~{}` as nothing and `\\textasciicircum` as U+02C6, raises IndexError on
`\\href`, recurses once per brace (a deep title exhausts the stack), and is
slow enough that only fields with a backslash went through it, so `--` was an
en dash in one title and two hyphens in the next. pylatexenc stays our table
of symbols: the character each symbol macro prints.

The rules, one pass over the value, linear in its length:
- a macro we know prints what LaTeX prints: accents compose with their letter
  (`{\\'e}`, `\\"{u}`, `\\c c`; an empty one, `\\~{}`, is the character
  itself), symbols and letters (`\\ss`, `\\textasciicircum`, `\\LaTeX`),
  text formatting its argument (`\\emph`, `\\textbf`, `\\mbox`, `\\texttt`),
  `\\url{...}` its URL as written, `\\href{url}{text}` its text;
- a macro we do not know prints nothing itself, and its arguments are read
  as text: no word of them is lost;
- `--`, `---`, ``` `` ``` and `''` are the dashes and quotes TeX makes of
  them, in every field whatever else it holds; `~` is a space; `%` stays (a
  .bib is data, and "50% faster" means fifty per cent);
- math (`$...$`, `\\(...\\)`) is kept as `$...$` in a title, whose rich
  text keeps math (see richtext), and elsewhere becomes the Unicode it stands
  for when it has one;
- in a title, italics, bold, small capitals and sub/superscripts become the
  catalog's rich-text tags (`<i>`, `<b>`, ...); elsewhere they are plain text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..lazy_re import compiled
from ..records import FACTORY, DataMethods
from .latex import brace_depth
from .read_result import TooDeep

# richtext (1.2 ms to load) is imported where a value's formatting or math
# needs it: most BibTeX values have none.
if TYPE_CHECKING:
    from .. import richtext


# No title nests braces this deep; deeper is surely no bibliography data.
MAX_BRACE_DEPTH = 100

# Accent macros -> the combining mark they put on their letter, and the
# character they print with an empty argument (`\\~{}` is a tilde).
_ACCENTS: dict[str, tuple[str, str]] = {
    "'": ("\u0301", "\u00b4"), "`": ("\u0300", "`"), "^": ("\u0302", "^"),
    '"': ("\u0308", "\u00a8"), "~": ("\u0303", "~"), "=": ("\u0304", "\u00af"),
    ".": ("\u0307", "\u02d9"), "u": ("\u0306", "\u02d8"), "v": ("\u030c", "\u02c7"),
    "H": ("\u030b", "\u02dd"), "c": ("\u0327", "\u00b8"), "k": ("\u0328", "\u02db"),
    "r": ("\u030a", "\u02da"), "d": ("\u0323", "."), "b": ("\u0331", "_"),
    "t": ("\u0361", ""), "G": ("\u030f", ""), "U": ("\u030e", ""),
}
# Letters a macro alone prints (TeX swallows the space after them: Stra\\ss e).
# Checked first: pylatexenc's table has look-alikes for some of these.
_TEXT_SYMBOLS: dict[str, str] = {
    "textasciicircum": "^", "textasciitilde": "~", "textbackslash": "\\",
    "textbraceleft": "{", "textbraceright": "}", "textunderscore": "_", "textdollar": "$",
    "textless": "<", "textgreater": ">", "textbar": "|", "textquotesingle": "'",
    "textquotedbl": '"', "textasciigrave": "`", "textendash": "\u2013",
    "textemdash": "\u2014", "textellipsis": "\u2026", "ldots": "\u2026", "dots": "\u2026",
    "S": "\u00a7", "P": "\u00b6", "copyright": "\u00a9", "dag": "\u2020", "ddag": "\u2021",
    "pounds": "\u00a3", "euro": "\u20ac", "texteuro": "\u20ac", "textmu": "\u00b5",
    "textperiodcentered": "\u00b7", "slash": "/", "textslash": "/",
    "texttwosuperior": "\u00b2", "textthreesuperior": "\u00b3", "textonesuperior": "\u00b9",
    "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "LaTeXe": "LaTeX2\u03b5",
    "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX",
    "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "AmSTeX": "AmS-TeX", "BibLaTeX": "BibLaTeX",
    "biber": "Biber", "i": "\u0131", "j": "\u0237",
}
# Macros that print a space or nothing, and take no argument.
_SPACES = {" ": " ", ",": " ", ";": " ", ":": " ", ">": " ", "quad": " ", "qquad": " ",
           "enspace": " ", "thinspace": " ", "enskip": " ", "newline": " ", "\\": " ",
           "par": " ", "linebreak": " ", "break": " ", "nobreakspace": " ", "space": " ",
           "!": "", "/": "", "-": "", "@": "", "relax": "", "protect": "", "noindent": "",
           "null": "", "allowbreak": "", "nobreak": "", "hfill": "", "unskip": "",
           "ignorespaces": "", "xspace": "", "leavevmode": "", "sloppy": "", "centering": "",
           "selectfont": "", "normalfont": "", "upshape": "", "rmfamily": "", "sffamily": "",
           "ttfamily": "", "mdseries": "", "normalsize": "", "small": "", "footnotesize": "",
           "scriptsize": "", "tiny": "", "large": "", "Large": "", "LARGE": "", "huge": "",
           "Huge": "", "rm": "", "sf": "", "tt": "", "up": "", "md": ""}
# Control symbols that print their own character.
_ESCAPED = frozenset("&%$#_{}|")
# Text formatting: its argument printed; in a title, wrapped in rich-text tags.
_WRAPPERS: dict[str, richtext.Kind | None] = {
    "emph": "i", "textit": "i", "textsl": "i", "mathit": "i",
    "textbf": "b", "mathbf": "b", "textsc": "sc", "textsuperscript": "sup",
    "textsubscript": "sub", "NoCaseChange": "nocase",
    "mbox": None, "hbox": None, "fbox": None, "makebox": None, "text": None, "textrm": None,
    "textup": None, "textsf": None, "texttt": None, "textmd": None, "textnormal": None,
    "mathrm": None, "mathsf": None, "mathtt": None, "underline": None, "uline": None,
    "emph*": "i", "textls": None, "foreignlanguage": None, "enquote": None, "mkbibquote": None,
    "mkbibemph": "i", "mkbibitalic": "i", "mkbibbold": "b", "textnumero": None,
}
# Declarations that switch a style until their group ends ({\\em x}).
_SWITCHES: dict[str, richtext.Kind] = {"em": "i", "it": "i", "itshape": "i", "sl": "i",
                                       "slshape": "i", "bf": "b", "bfseries": "b",
                                       "sc": "sc", "scshape": "sc"}
# Case changes applied to their argument.
_CASES: dict[str, Callable[[str], str]] = {
    "MakeUppercase": str.upper, "uppercase": str.upper, "MakeTextUppercase": str.upper,
    "MakeLowercase": str.lower, "lowercase": str.lower, "MakeTextLowercase": str.lower}
# Macros whose first argument is not printed: a dimension, a colour, a
# label, an environment's name, a language.
_DROP_FIRST = frozenset({"hspace", "vspace", "hspace*", "vspace*", "kern", "hskip", "vskip",
                         "label", "index", "begin", "end", "textcolor", "color", "colorbox",
                         "foreignlanguage", "selectlanguage", "hyphenation", "phantom",
                         "hphantom", "vphantom", "rule", "raisebox", "setlength",
                         "nocite", "pagecolor"})
# Ligatures TeX makes from ASCII in text.
_LIGATURES = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d",
              "?`": "\u00bf", "!`": "\u00a1"}

_TOKEN_RE = compiled(
    r"\\(?:[A-Za-z]++\*?+|.|$)"          # a control word or symbol
    r"|---|--|``|''|\?`|!`"              # ligatures
    r"|\$\$|[{}$~]"                      # groups, math, ties
    r"|\s++"                             # spaces
    r"|[^\\{}$~\s\-`'?!]++"              # a run of plain text
    r"|.", re.DOTALL)
# Whether a value needs more than whitespace tidying.
_WORK_RE = compiled(r"[\\{}$~]|--|``|''|[?!]`")


def decode(value: str, rich: bool = False) -> str:
    """The text a LaTeX field value prints, whitespace collapsed. `rich`
    (titles) keeps formatting as rich-text tags and math as `$...$`."""
    if not _WORK_RE.search(value):
        return " ".join(value.split())
    depth = brace_depth(value)
    if depth > MAX_BRACE_DEPTH:
        raise TooDeep(f"braces nested {depth} deep, more than the {MAX_BRACE_DEPTH} read")
    text = _Decoder(value, rich).run()
    return " ".join(text.split())


@lru_cache(maxsize=1)
def symbols() -> dict[str, str]:
    """Symbol macro -> what it prints: ours, then pylatexenc's tables (as
    written out in latex_symbols: building them live cost 3.5 ms)."""
    from .latex_symbols import PYLATEXENC_SYMBOLS

    return {**PYLATEXENC_SYMBOLS, **_TEXT_SYMBOLS}


def live_pylatexenc_symbols() -> dict[str, str]:
    """The symbol macros of pylatexenc's default tables and what each prints
    (its simplified replacement text): what tools/make_latex_symbols.py
    writes into latex_symbols, and tests/test_latex_symbols.py compares."""
    from pylatexenc.latex2text import get_default_latex_context_db

    table: dict[str, str] = {}
    db = get_default_latex_context_db()
    for category in ("latex-base", "advanced-symbols"):
        for name, spec in db.d[category]["macros"].items():
            repl = getattr(spec, "simplify_repl", None)
            if isinstance(repl, str) and repl and "%" not in repl and name != "today":
                table.setdefault(name, repl)
    return table


@dataclass(init=False, repr=False, eq=False)
class _Frame(DataMethods):
    """An open brace group: what to write when it closes."""

    start: int                       # where its output starts in `out`
    close: str = ""                  # a closing tag
    accent: str | None = None        # an accent for its first letter
    case: str | None = None          # a macro of _CASES
    drop: bool = False               # its content is not printed
    fallback: str = ""               # printed when the group prints nothing
    switches: list[str] = field(default_factory=list)  # tags {\\em ...} opened inside

    def __init__(self, start: int, close: str = "", accent: str | None = None,
                 case: str | None = None, drop: bool = False, fallback: str = "",
                 switches: list[str] = FACTORY) -> None:
        self.start = start
        self.close = close
        self.accent = accent
        self.case = case
        self.drop = drop
        self.fallback = fallback
        self.switches = [] if switches is FACTORY else switches


class _Decoder:
    """One value, decoded by one pass over its tokens."""

    def __init__(self, value: str, rich: bool) -> None:
        self.src = value
        self.rich = rich
        self.pos = 0
        self.out: list[str] = []
        self.frames: list[_Frame] = [_Frame(0)]
        # What the last macro waits for: its argument (a group or one token).
        self.pending: _Frame | None = None
        # Closers (`$`, `]`...) looked for from a position and not found: no
        # later search finds them either, so none is made (linear time).
        self.no_closer: dict[str, int] = {}

    def run(self) -> str:
        src = self.src
        while self.pos < len(src):
            m = _TOKEN_RE.match(src, self.pos)
            assert m is not None  # the pattern's last branch matches any character
            self.pos = m.end()
            self.token(m.group())
        while len(self.frames) > 1:  # unbalanced: close what is open
            self.close_group()
        self.close_switches(self.frames[0])
        if self.pending is not None:
            self.apply(self.pending, "")
        return "".join(self.out)

    # -- tokens ----------------------------------------------------------------

    def token(self, tok: str) -> None:
        if self.pending is not None and tok.isspace():
            return  # TeX skips spaces before an undelimited argument
        if self.pending is not None:
            frame, self.pending = self.pending, None
            if tok == "{":
                self.open_group(frame)
                return
            if tok == "}":
                self.apply(frame, "")
                self.close_group()
                return
            # One token is the argument: of a run of text, its first character.
            if not tok.startswith("\\") and len(tok) > 1 and tok not in _LIGATURES \
                    and tok != "$$":
                self.apply(frame, tok[0])
                self.pos -= len(tok) - 1
                return
            at = len(self.out)
            self.token(tok)
            produced = "".join(self.out[at:])
            del self.out[at:]
            self.apply(frame, produced)
            return
        if tok == "{":
            self.open_group(_Frame(len(self.out)))
        elif tok == "}":
            if len(self.frames) > 1:
                self.close_group()
        elif tok == "$" or tok == "$$":
            self.math(tok)
        elif tok == "~":
            self.out.append(" ")
        elif tok in _LIGATURES:
            self.out.append(_LIGATURES[tok])
        elif tok.startswith("\\"):
            self.macro(tok[1:])
        elif tok.isspace():
            self.out.append(" ")
        else:
            self.out.append(tok)

    def macro(self, name: str) -> None:
        if name == "":  # a backslash ending the value
            self.out.append("\\")
            return
        if name in ("(", "["):
            self.math("\\" + name)
            return
        if name in _ACCENTS and (len(name) == 1):
            self.pending = _Frame(len(self.out), accent=name)
            return
        if name in ("url", "nolinkurl", "path", "doi"):
            self.out.append(_url_text(self.raw_argument()))
            return
        if name in ("verb", "verb*"):
            self.verb()
            return
        if name == "href":
            # \href{url}{text} prints its text; the URL stands in for none.
            self.pending = _Frame(len(self.out), fallback=_url_text(self.raw_argument()))
            self.skip_spaces()
            return
        if name == "ensuremath":
            # How BibTeX writers (ours too) spell a symbol in text: the
            # character it stands for, math only when there is none.
            from .. import richtext

            src = " ".join(self.raw_argument().split())
            self.out.append(richtext.math_to_unicode(src) or (f"${src}$" if src else ""))
            return
        if name in _WRAPPERS or name in _CASES or name in _DROP_FIRST:
            self.argument(name)
            return
        if name in _SPACES:
            self.out.append(_SPACES[name])
        elif name in _ESCAPED:
            self.out.append(name)
        elif name in _SWITCHES:
            if self.rich:
                from .. import richtext

                kind = _SWITCHES[name]
                self.out.append(richtext.OPEN_TAG[kind])
                self.frames[-1].switches.append(richtext.CLOSE_TAGS[kind])
        elif name in symbols():
            printed = symbols()[name]
            self.out.append(printed)
            # TeX swallows the space after a control word; a human who wrote
            # "\LaTeX and" meant the space, one who wrote "Stra\ss e" did not.
            if not (len(printed) > 1 or not printed.isalpha()):
                self.skip_spaces()
            return
        # Unknown, or a control word that prints nothing: its name goes, and
        # TeX skips the spaces after a control word; what follows is text.
        if name[-1:].isalpha():
            self.skip_spaces()

    def argument(self, name: str) -> None:
        """A macro whose argument is printed (formatting, a case change) or
        not (a length, a colour): the frame its argument fills."""
        frame = _Frame(len(self.out))
        if name in _CASES:
            frame.case = name
        elif name in _DROP_FIRST:
            self.skip_optional()
            frame.drop = True
        else:
            kind = _WRAPPERS[name]
            if kind is not None and self.rich:
                from .. import richtext

                self.out.append(richtext.OPEN_TAG[kind])
                frame.start = len(self.out)
                frame.close = richtext.CLOSE_TAGS[kind]
        self.pending = frame
        self.skip_spaces()

    # -- groups and arguments -------------------------------------------------------

    def open_group(self, frame: _Frame) -> None:
        self.frames.append(frame)
        if len(self.frames) > MAX_BRACE_DEPTH + 2:
            raise TooDeep(f"braces nested deeper than the {MAX_BRACE_DEPTH} read")

    def close_group(self) -> None:
        frame = self.frames.pop()
        self.close_switches(frame)
        self.finish(frame)

    def close_switches(self, frame: _Frame) -> None:
        while frame.switches:
            self.out.append(frame.switches.pop())

    def finish(self, frame: _Frame) -> None:
        """Apply what a closed group or argument asks for to its output."""
        if frame.drop:
            del self.out[frame.start:]
            return
        if frame.accent is not None:
            produced = "".join(self.out[frame.start:])
            del self.out[frame.start:]
            self.out.append(_accented(frame.accent, produced))
        elif frame.case is not None:
            produced = "".join(self.out[frame.start:])
            del self.out[frame.start:]
            self.out.append(_changed_case(_CASES[frame.case], produced))
        if frame.fallback and not "".join(self.out[frame.start:]).strip():
            self.out.append(frame.fallback)
        if frame.close:
            if not "".join(self.out[frame.start:]):  # nothing inside: no empty tags
                del self.out[frame.start - 1:]
            else:
                self.out.append(frame.close)

    def apply(self, frame: _Frame, produced: str) -> None:
        """A one-token argument (or none at the end of the value)."""
        frame.start = len(self.out)
        self.out.append(produced)
        self.finish(frame)

    def skip_spaces(self) -> None:
        while self.pos < len(self.src) and self.src[self.pos].isspace():
            self.pos += 1

    def skip_optional(self) -> None:
        """An optional argument `[...]`, not printed (a length, a colour model)."""
        self.skip_spaces()
        if self.src.startswith("[", self.pos) and self.pos < self.no_closer.get("]", len(
                self.src) + 1):
            end = self.src.find("]", self.pos)
            if end >= 0:
                self.pos = end + 1
            else:
                self.no_closer["]"] = self.pos

    def raw_argument(self) -> str:
        """A `{...}` argument as written (a URL: `%`, `_`, `#` are data), or
        the next character when there is no brace."""
        self.skip_spaces()
        src = self.src
        if not src.startswith("{", self.pos):
            if self.pos < len(src):
                self.pos += 1
                return src[self.pos - 1]
            return ""
        depth = 0
        for index in range(self.pos, len(src)):
            ch = src[index]
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    raw = src[self.pos + 1:index]
                    self.pos = index + 1
                    return raw
        raw = src[self.pos + 1:]
        self.pos = len(src)
        return raw

    def verb(self) -> None:
        """`\\verb|text|`: the text between the two delimiters, as written."""
        if self.pos >= len(self.src):
            return
        delimiter = self.src[self.pos]
        end = self.src.find(delimiter, self.pos + 1)
        if end < 0:
            end = len(self.src)
        self.out.append(self.src[self.pos + 1:end])
        self.pos = end + 1

    # -- math ------------------------------------------------------------------

    def math(self, opener: str) -> None:
        closer = {"$": "$", "$$": "$$", "\\(": "\\)", "\\[": "\\]"}[opener]
        end = self._math_close(closer)
        if end < 0:
            # No closing dollar: a dollar sign as text.
            self.out.append(opener.lstrip("\\"))
            return
        src = self.src[self.pos:end]
        self.pos = end + len(closer)
        self.out.append(self.math_text(src))

    def _math_close(self, closer: str) -> int:
        """Where the math opened before `pos` closes; -1 when it never does.
        A search that failed is not repeated: no later one can succeed."""
        src, at = self.src, self.pos
        if at >= self.no_closer.get(closer, len(src) + 1):
            return -1
        while True:
            end = src.find(closer, at)
            if end < 0:
                self.no_closer[closer] = self.pos
                return -1
            backslashes = 0
            while end - backslashes > 0 and src[end - backslashes - 1] == "\\":
                backslashes += 1
            if closer.startswith("\\") or backslashes % 2 == 0:
                return end
            at = end + 1

    def math_text(self, src: str) -> str:
        """Math in the catalog: in a title, `$...$` (math survives); elsewhere
        the Unicode it stands for, or `$...$` when it has none."""
        src = " ".join(src.split())
        if not src:
            return ""
        script = _SCRIPT_MATH_RE.fullmatch(src)
        if script and self.rich:
            # `$_{2}$`: how a sub- or superscript of digits is written to
            # BibTeX (ours too, for CSL's <sub>): the rich text it stands for.
            tag = "sub" if script.group(1) == "_" else "sup"
            return f"<{tag}>{script.group(2)}</{tag}>"
        if not self.rich:
            from .. import richtext

            converted = richtext.math_to_unicode(src)
            if converted is not None:
                return converted
        return f"${src}$"


def _accented(accent: str, text: str) -> str:
    """`text` with the accent's mark on its first character, composed."""
    mark, alone = _ACCENTS[accent]
    if not text or text.isspace():
        return alone + text
    first = {"\u0131": "i", "\u0237": "j"}.get(text[0], text[0])
    return unicodedata.normalize("NFC", first + mark) + text[1:]


_TAG_RE = compiled(r"(<[^<>]*+>)")
_SCRIPT_MATH_RE = compiled(r"([_^])\{([0-9+\-=()]++)\}")
_URL_ESCAPE_RE = compiled(r"\\([%#&_])")


def _changed_case(change: Callable[[str], str], text: str) -> str:
    """Upper- or lower-case text, its rich-text tags left as they are."""
    return "".join(part if part.startswith("<") else change(part)
                   for part in _TAG_RE.split(text))


def _url_text(raw: str) -> str:
    """A URL as `\\url` prints it: `\\%` and the like written escaped in a
    .bib stand for the character."""
    return _URL_ESCAPE_RE.sub(r"\1", raw.strip())
