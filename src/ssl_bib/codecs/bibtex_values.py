"""BibTeX field values as BibTeX itself reads them: `{...}` and `"..."`
pieces, numbers and @string macros, joined by `#`.

bibtexparser 2 splits a file into blocks but leaves a value such as
`"Macro " # jn # {, vol. 3}` as written (its string middleware replaces only a
value that is one macro name, and knows nothing of `#`). This module gives the
value BibTeX would, with the macros defined before it in the file, the way the
BibTeX book describes @string: case-insensitive names, concatenation with `#`,
and the month macros `jan` ... `dec` that every standard style defines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..lazy_re import compiled
from ..records import FACTORY, DataMethods

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH_MACROS = {name[:3].lower(): name for name in MONTHS}
# One piece of a value between `#`s, at the top level: the scanner keeps the
# depth of braces itself.
_PART_RE = compiled(r'[{}"#]|[^{}"#]++')
_NAME_RE = compiled(r"[^\s\"#%'(),={}]++")


@dataclass(init=False, repr=False, eq=False)
class Macros(DataMethods):
    """The @string macros a file has defined so far (names folded to lower case)."""

    values: dict[str, str] = field(default_factory=dict)

    def __init__(self, values: dict[str, str] = FACTORY) -> None:
        self.values = {} if values is FACTORY else values

    def define(self, name: str, raw: str) -> list[str]:
        """Define `name` from its raw value; the undefined macros it used."""
        value, undefined = self.resolve(raw)
        self.values[name.strip().lower()] = value
        return undefined

    def resolve(self, raw: str) -> tuple[str, list[str]]:
        """The value of a raw field value, and the names of macros it uses
        that are not defined (kept as their name: no word is lost)."""
        text = raw.strip()
        if "#" not in text:
            # The common case: one braced or quoted piece, a number, a macro.
            single = _single(text)
            if single is not None:
                return single, []
        undefined: list[str] = []
        out: list[str] = []
        for part in split_top_level(text, "#"):
            out.append(self._piece(part, undefined))
        return "".join(out), undefined

    def _piece(self, part: str, undefined: list[str]) -> str:
        part = part.strip()
        single = _single(part)
        if single is not None:
            return single
        name = part.lower()
        if name in self.values:
            return self.values[name]
        if name in _MONTH_MACROS:
            return _MONTH_MACROS[name]
        if _NAME_RE.fullmatch(part):
            undefined.append(part)
        return part


def _single(text: str) -> str | None:
    """The content of `{...}` or `"..."` that is the whole text, the text of
    a number; None for anything else (a macro name, a concatenation)."""
    if len(text) >= 2 and text[0] == "{" and text[-1] == "}" and _closes_at_end(text):
        return text[1:-1]
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"' and _quote_closes_at_end(text):
        return text[1:-1]
    if text.isdigit():
        return text
    return None


def _closes_at_end(text: str) -> bool:
    depth = 0
    for m in _PART_RE.finditer(text):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return m.end() == len(text)
    return False


def _quote_closes_at_end(text: str) -> bool:
    depth = 0
    for m in _PART_RE.finditer(text, 1):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif token == '"' and depth == 0:
            return m.end() == len(text)
    return False


def split_top_level(text: str, separator: str, quotes: bool = True) -> list[str]:
    """The pieces of `text` between the `separator`s that stand outside
    braces (and, with `quotes`, outside a quoted string): a value's `#`s,
    a biblatex extended name's commas."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    for m in _PART_RE.finditer(text) if separator == "#" else re.finditer(
            r'[{}"' + re.escape(separator) + r']|[^{}"' + re.escape(separator) + "]++", text):
        token = m.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif token == '"' and depth == 0 and quotes:
            quoted = not quoted
        elif token == separator and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(token)
    parts.append("".join(current))
    return parts
