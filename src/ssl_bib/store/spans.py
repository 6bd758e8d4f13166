"""Where one entry sits in the catalog's text (EntrySpan), and the line of
one of its fields, found only when a problem report asks for it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..lazy_re import compiled
from ..records import DataMethods


@dataclass(init=False, repr=False, eq=False)
class EntrySpan(DataMethods):
    """Where one entry sits. Character offsets: its table is text[start_at:
    end_at], and text[lead_at:start_at] are the comments and blank lines just
    before it. `start` is the 0-based line of its [[entries]] header."""

    lead_at: int
    start_at: int
    end_at: int
    start: int

    def __init__(self, lead_at: int, start_at: int, end_at: int, start: int) -> None:
        self.lead_at = lead_at
        self.start_at = start_at
        self.end_at = end_at
        self.start = start

    def field_line(self, text: str, field_name: str) -> int:
        """0-based line of a field's first line; the table's header line if absent.
        Found on demand: only problem reports need it. A search for the
        field's key at a line start answers where that cannot be fooled
        (quick_field_line); else the table's statements are walked by TOML's
        rules, and the lines of the last span walked are kept (a check reports
        an entry's problems one after another); a cache on every span cost
        tens of MB on a big catalog."""
        quick = self.quick_field_line(text, field_name)
        if quick is not None:
            return quick
        return self.exact_field_line(text, field_name)

    def quick_field_line(self, text: str, field_name: str) -> int | None:
        """The field's line from the first line of the table that starts with
        its key (bare or quoted, alone or dotted) and `=` or `.`; None where
        that may be wrong, for exact_field_line to decide.

        Why it is right: the table was parsed, so it is valid TOML, and in
        valid TOML a line starts inside a value only in a multi-line string
        or a multi-line array or inline table. No such line can start with a
        key and `=` or `.` except in a multi-line string (an array's items
        are values, which never start so), so a table with no triple quote
        before the match is answered by the match. A line starting with `[`
        before it may be a sub-table ([entries.provenance]), whose keys are
        not the entry's: then, and when nothing matches (a key written with
        escapes, or no such field), the exact walk decides."""
        m = _field_key_re(field_name).search(text, self.start_at, self.end_at)
        if m is None:
            return None
        at = m.start()
        if text.find('"""', self.start_at, at) >= 0 or text.find("'''", self.start_at, at) >= 0:
            return None
        first_line_end = text.find("\n", self.start_at, at)
        if first_line_end >= 0 and _BRACKET_LINE_RE.search(text, first_line_end, at):
            return None
        return self.start + text.count("\n", self.start_at, at)

    def exact_field_line(self, text: str, field_name: str) -> int:
        """field_line by a walk of the table's statements (toml_scan)."""
        global _FIELD_LINES
        if _FIELD_LINES[0] is not self:
            from ..toml_scan import statement_keys

            lines: dict[str, int] = {}
            headers = 0
            for offset, key, is_header in statement_keys(text[self.start_at:self.end_at]):
                headers += is_header
                if headers > 1:
                    break                 # a sub-table such as [entries.provenance]
                if not is_header:
                    lines.setdefault(key[0], self.start + offset)
            _FIELD_LINES = (self, lines)
        return _FIELD_LINES[1].get(field_name, self.start)


_FIELD_LINES: tuple[EntrySpan | None, dict[str, int]] = (None, {})
# A line whose first non-blank character is "[": a table header, or an item
# of a multi-line array.
_BRACKET_LINE_RE = compiled(r"\n[ \t]*\[")


@functools.lru_cache(maxsize=256)
def _field_key_re(field_name: str) -> re.Pattern[str]:
    """A statement whose key is `field_name` or starts with it (a dotted
    key), bare or quoted, at a line start (see EntrySpan.quick_field_line)."""
    name = re.escape(field_name)
    return re.compile(rf"^[ \t]*(?:{name}|\"{name}\"|'{name}')[ \t]*[=.]", re.MULTILINE)
