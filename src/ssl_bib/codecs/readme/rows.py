"""What the README readers give: rows and listed venues as the README writes
them, and the Markdown they share (cells, links, escapes). Turning rows into
catalog entries is entries.py's job."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...lazy_re import compiled
from ...model import CodeLink, VenueKind
from ...problems import Problem

# Every pattern here sees a README line, whatever its length: each is linear
# (possessive quantifiers over alternatives that cannot both match a
# character), so no line can make a match backtrack.
#
# [label](url): a label may hold escaped brackets but no other `[` (so a
# search started at each of 40,000 `[` ends at the next one), a URL one level
# of parentheses and backslash escapes (the renderer writes a lone `)` `\)`).
LINK_RE = compiled(
    r"\[(?P<label>(?:\\.|[^\[\]\\])*+)\]\((?P<url>(?:\\.|[^()\s\\]|\([^()\s]*+\))*+)\)")
# CommonMark backslash escapes: any ASCII punctuation.
_ESCAPE_RE = compiled(r"\\([!-/:-@\[-`{-~])")
_EMPTY_MARKERS = frozenset({"", "na", "n/a", "-", "none", "—"})


@dataclass
class ListedVenue:
    """A venue from the list's "List of Journals / Conferences"."""

    key: str
    name: str
    kind: VenueKind
    url: str | None
    line: int


@dataclass
class Row:
    """One paper row of a year table, as the README gives it."""

    line: int
    number: int          # 1-based, counting paper rows from the top of the file
    section: int | None  # the year heading it stands under, if any
    title: str
    venue: str | None
    category: str | None
    link: str | None
    code: list[CodeLink] = field(default_factory=list)
    year: int | None = None  # a table's Year column

    def listed_year(self) -> int | None:
        """The year the README lists the paper under: its section, else its Year cell."""
        return self.section if self.section is not None else self.year


@dataclass
class ParsedList:
    venues: list[ListedVenue] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def unescape(text: str) -> str:
    """Markdown cell text -> the text it shows (backslash escapes removed)."""
    return _ESCAPE_RE.sub(r"\1", text)


def clean_url(url: str) -> str:
    """A link destination as a CommonMark reader takes it: `<...>` unwrapped,
    backslash escapes removed."""
    url = url.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1]
    return unescape(url)


def is_empty_cell(text: str) -> bool:
    return text.strip().lower() in _EMPTY_MARKERS
