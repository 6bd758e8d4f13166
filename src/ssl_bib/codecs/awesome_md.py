"""Read an awesome-list README: its venue list and its `## YYYY` paper tables.

The reader keeps every row's line and reports each oddity instead of failing:
a README typed by hand is messy, and nothing in it may be dropped silently.
It returns raw rows; turning them into catalog entries is the importer's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import CodeLink, VenueKind
from ..problems import Problem
from .read_result import split_lines

_YEAR_HEADING_RE = re.compile(r"^#{2,4}\s*(\d{4})\b")
_HEADING_RE = re.compile(r"^#{1,6}\s")
_VENUE_LIST_HEADING_RE = re.compile(r"^#{1,6}\s*List of Journals", re.IGNORECASE)
# Every pattern here sees a README line, whatever its length: each is linear
# (possessive quantifiers over alternatives that cannot both match a
# character), so no line can make a match backtrack (a 5 KB venue line took
# 90 s, a 40 KB link cell 56 s, before).
#
# `- **[Full Name (ABBR)](url)**` or `- **Full Name (ABBR)**`; the plain name
# keeps its trailing spaces, which the caller strips.
_VENUE_ITEM_RE = re.compile(
    r"\s*+[-*]\s++\*\*\s*+(?:\[(?P<linked>(?:\\.|[^\]\\])*+)\]\((?P<url>(?:\\.|[^)\\])*+)\)"
    r"|(?P<plain>(?:\\.|[^*\\])++))\s*+\*\*\s*+$")
# [label](url): a label may hold escaped brackets but no other `[` (so a
# search started at each of 40,000 `[` ends at the next one), a URL one level
# of parentheses and backslash escapes (the renderer writes a lone `)` `\)`).
_LINK_RE = re.compile(
    r"\[(?P<label>(?:\\.|[^\[\]\\])*+)\]\((?P<url>(?:\\.|[^()\s\\]|\([^()\s]*+\))*+)\)")
# CommonMark backslash escapes: any ASCII punctuation.
_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SEPARATOR_CELL_RE = re.compile(r"^:?-{3,}:?$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
# A line holding only a markdown link, left behind when a table row was split.
_STRAY_LINK_RE = re.compile(r"\s*+\[[^\]]*+\]\([^)]*+\)\s*+$")
_TRAILING_PUNCTUATION = ".,;:"
_EMPTY_MARKERS = frozenset({"", "na", "n/a", "-", "none", "—"})

_CONFERENCE_WORDS_RE = re.compile(
    r"\b(conference|symposium|proceedings|congress|meeting)\b", re.IGNORECASE)
_WORKSHOP_RE = re.compile(r"\bworkshop\b", re.IGNORECASE)
# Acronyms of conferences whose names carry none of the words above.
_CONFERENCE_ACRONYMS = frozenset({
    "CVPR", "ICCV", "ECCV", "ICML", "ICLR", "NIPS", "NEURIPS", "MICCAI", "ISBI", "IPMI", "MIDL",
    "AAAI", "IJCAI", "ICASSP", "WACV", "BMVC", "KDD", "PMLR", "ML4H", "MLHC",
})
_PREPRINT_RE = re.compile(r"^(arxiv|biorxiv|medrxiv)$", re.IGNORECASE)


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
    section: int         # the year heading it stands under
    title: str
    venue: str | None
    category: str | None
    link: str | None
    code: list[CodeLink] = field(default_factory=list)


@dataclass
class ParsedList:
    venues: list[ListedVenue] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def guess_venue_kind(key: str, name: str) -> VenueKind:
    """journal unless the name or acronym says conference, workshop or preprint."""
    if _PREPRINT_RE.match(key) or _PREPRINT_RE.match(name):
        return "preprint"
    if _WORKSHOP_RE.search(name):
        return "workshop"
    if _CONFERENCE_WORDS_RE.search(name) or key.upper() in _CONFERENCE_ACRONYMS:
        return "conference"
    return "journal"


def split_name_abbr(text: str) -> tuple[str, str] | None:
    """("Medical Image Analysis", "MedIA") from "Medical Image Analysis
    (MedIA)": the last parenthesised part, when it ends the text and holds
    no parenthesis; None otherwise. Scanned from the end, in linear time."""
    body = text.rstrip()
    if not body.endswith(")"):
        return None
    start = body.rfind("(", 0, len(body) - 1)
    abbr = body[start + 1:-1]
    if start < 0 or ")" in abbr or not abbr.strip():
        return None
    return body[:start].strip(), abbr.strip()


def split_cells(line: str) -> list[str]:
    """Cells of a table row; `\\|` is a literal pipe, not a cell border."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [c.strip().replace("\\|", "|") for c in cells]


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


_COLUMN_NAMES = {
    "title": ("paper title", "title", "paper"),
    "venue": ("journal/conference", "venue", "journal", "conference"),
    "category": ("category", "categories", "type"),
    "link": ("paper link", "link", "paper url", "url"),
    "code": ("code link", "code", "code url"),
}


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        text = cell.strip().lower()
        for column, names in _COLUMN_NAMES.items():
            if column not in found and text in names:
                found[column] = i
    # Typos in headers ("Code ink", "Paper Link:"): fall back to the first word.
    for i, cell in enumerate(header):
        words = cell.strip().lower().split()
        for column, names in _COLUMN_NAMES.items():
            if column not in found and i not in found.values() and words and any(
                    n.split()[0] == words[0] for n in names) and len(words) <= 3:
                found[column] = i
    return found


def read(text: str, file: str) -> ParsedList:
    """Parse a README. Never raises on content: oddities become problems."""
    out = ParsedList()
    lines = split_lines(text)
    section: int | None = None
    in_venue_list = False
    columns: dict[str, int] | None = None
    number = 0
    in_fence = False

    def warn(line: int, message: str) -> None:
        out.problems.append(Problem(file, line, "warning", message))

    def error(line: int, message: str) -> None:
        out.problems.append(Problem(file, line, "error", message))

    for i, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if _HEADING_RE.match(line):
            in_venue_list = bool(_VENUE_LIST_HEADING_RE.match(line))
            m = _YEAR_HEADING_RE.match(line)
            section = int(m.group(1)) if m else None
            columns = None
            continue
        if in_venue_list:
            venue = _read_venue_item(line, i)
            if venue:
                out.venues.append(venue)
                if venue.url == "":
                    warn(i, f"venue {venue.key} has an empty link")
            continue
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not line.lstrip().startswith("|"):
            columns = None if line.strip() else columns
            if section is not None and _STRAY_LINK_RE.match(line):
                warn(i, f"link outside a table ignored: {line.strip()[:80]!r}")
            continue
        cells = split_cells(line)
        if all(not c for c in cells):
            if columns:
                warn(i, "empty table row skipped")
            continue
        if all(_SEPARATOR_CELL_RE.match(c.replace(" ", "")) for c in cells if c):
            continue
        if columns is None:
            columns = _columns(cells)
            if "title" not in columns:
                warn(i, "table without a 'Paper title' column skipped")
                columns = {}
            continue
        if not columns:
            continue
        if section is None:
            error(i, "paper row outside any '## YYYY' section")
            continue
        needed = max(columns.values()) + 1
        if len(cells) < needed:
            error(i, f"table row has {len(cells)} cells, the table has {needed}")
            continue
        number += 1
        row = _read_row(cells, columns, i, number, section, warn)
        if row:
            out.rows.append(row)
    return out


def _read_venue_item(line: str, number: int) -> ListedVenue | None:
    m = _VENUE_ITEM_RE.match(line)
    if not m:
        return None
    label = unescape(
        (m.group("linked") if m.group("linked") is not None else m.group("plain")).strip())
    url = m.group("url")
    name, key = split_name_abbr(label) or (label, label)
    return ListedVenue(key=key, name=name, kind=guess_venue_kind(key, name),
                       url=clean_url(url) if url is not None else None, line=number)


def _read_row(cells: list[str], columns: dict[str, int], line: int, number: int, section: int,
              warn: object) -> Row | None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    report = warn  # a callable(line, message); typed loosely to keep the reader small
    title = " ".join(cell("title").split())
    if not title or is_empty_cell(title):
        report(line, "row without a title skipped")  # type: ignore[operator]
        return None
    title = unescape(title)
    venue_text = unescape(cell("venue")) if not is_empty_cell(cell("venue")) else ""
    category = unescape(cell("category")) if not is_empty_cell(cell("category")) else ""
    link_text = cell("link")
    link: str | None = None
    if not is_empty_cell(link_text):
        m = _LINK_RE.search(link_text)
        if m and m.group("url").strip():
            link = clean_url(m.group("url"))
        elif link_text.startswith("http"):
            link = clean_url(link_text)
        else:
            report(line, f"paper link {link_text!r} has no URL")  # type: ignore[operator]
    code: list[CodeLink] = []
    for part in _BR_RE.split(cell("code")):
        if is_empty_cell(part):
            continue
        links = list(_LINK_RE.finditer(part))
        if not links:
            report(line, f"code cell {part.strip()!r} has no link")  # type: ignore[operator]
        for m in links:
            if m.group("url").strip():
                code.append(CodeLink(label=unescape(m.group("label").strip()),
                                     url=clean_url(m.group("url"))))
            else:
                report(line, f"code link {m.group('label')!r} has an empty URL")  # type: ignore[operator]
    for url in [link or "", *(c.url for c in code)]:
        if url and url[-1] in _TRAILING_PUNCTUATION:
            report(line, f"URL {url!r} ends with {url[-1]!r}: kept as written")  # type: ignore[operator]
    return Row(line=line, number=number, section=section, title=title,
               venue=None if is_empty_cell(venue_text) else venue_text,
               category=None if is_empty_cell(category) else category,
               link=link, code=code)
