"""Read an awesome-list README's tables: its venue list and its paper tables.

The reader keeps every row's line and reports each oddity instead of failing:
a README typed by hand is messy, and nothing in it may be dropped silently.
Tables are read as GitHub reads them (GitHub Flavored Markdown's table
extension): leading and trailing pipes are optional, `\\|` is a pipe inside a
cell, a row with fewer cells than the header gets empty ones and a row with
more has the extra ones ignored (each said, with its line). Two things are
read more leniently than GitHub renders them: a blank line does not end a
table, and a table whose delimiter row is missing is still a table. A row
with a title is a paper, under its `## YYYY` section or with a Year column.
Turning rows into catalog entries is entries.py's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ...lazy_re import compiled
from ...model import CodeLink
from ...problems import Problem
from ..read_result import split_lines
from .rows import LINK_RE, ListedVenue, ParsedList, Row, clean_url, is_empty_cell, unescape
from .venues import guess_venue_kind, split_name_abbr

_YEAR_HEADING_RE = compiled(r"^#{2,4}\s*(\d{4})\b")
_HEADING_RE = compiled(r"^#{1,6}\s")
_VENUE_LIST_HEADING_RE = compiled(r"^#{1,6}\s*List of Journals", re.IGNORECASE)
# Every pattern here sees a README line, whatever its length: each is linear
# (possessive quantifiers over alternatives that cannot both match a
# character), so no line can make a match backtrack (a 5 KB venue line took
# 90 s, a 40 KB link cell 56 s, before).
#
# `- **[Full Name (ABBR)](url)**` or `- **Full Name (ABBR)**`; the plain name
# keeps its trailing spaces, which the caller strips.
_VENUE_ITEM_RE = compiled(
    r"\s*+[-*]\s++\*\*\s*+(?:\[(?P<linked>(?:\\.|[^\]\\])*+)\]\((?P<url>(?:\\.|[^)\\])*+)\)"
    r"|(?P<plain>(?:\\.|[^*\\])++))\s*+\*\*\s*+$")
_BR_RE = compiled(r"<br\s*/?>", re.IGNORECASE)
# GFM's delimiter cell: hyphens, a colon at either end for alignment.
_SEPARATOR_CELL_RE = compiled(r"^:?-+:?$")
_FENCE_RE = compiled(r"^\s*(```|~~~)")
# A line holding only a markdown link, left behind when a table row was split.
_STRAY_LINK_RE = compiled(r"\s*+\[[^\]]*+\]\([^)]*+\)\s*+$")
# A pipe that is a cell border: not escaped by a backslash.
_BORDER_RE = compiled(r"(?<!\\)\|")
_TRAILING_PUNCTUATION = ".,;:"
_YEAR_CELL_RE = compiled(r"(?<!\d)((?:19|20)\d\d)(?!\d)")

Report = Callable[[int, str], None]


_COLUMN_NAMES = {
    "title": ("paper title", "title", "paper", "paper name"),
    "venue": ("journal/conference", "venue", "journal", "conference", "publication",
              "published in"),
    "year": ("year", "date", "published"),
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


def _is_table_line(line: str, lines: list[str], index: int, continues: bool) -> bool:
    """A line starting with a pipe; or, without a leading pipe, a line with
    a cell border that directly `continues` a table, or a table's header:
    the next line (lines[index]) a delimiter row of as many cells (GFM)."""
    if line.lstrip().startswith("|"):
        return True
    return bool(_BORDER_RE.search(line)) and (continues or _heads_table(line, lines, index))


def _fitted(cells: list[str], width: int, line: int, report: Report) -> list[str]:
    """A row's cells as GitHub reads them: as many as the header has, empty
    ones added or extra ones ignored, each time said."""
    if len(cells) < width:
        report(line, f"table row has {len(cells)} cells, the table has {width}: the missing "
               "cells are read as empty")
        return cells + [""] * (width - len(cells))
    if len(cells) > width:
        report(line, f"table row has {len(cells)} cells, the table has {width}: the extra "
               f"cells are ignored ({' | '.join(cells[width:])[:60]!r})")
        return cells[:width]
    return cells


def _heads_table(line: str, lines: list[str], index: int) -> bool:
    """Whether `line` is a table's header: the next line (lines[index]) is a
    delimiter row with as many cells."""
    if index >= len(lines):
        return False
    delimiter = split_cells(lines[index])
    return _is_delimiter_row(delimiter) and len(delimiter) == len(split_cells(line))


def _is_delimiter_row(cells: list[str]) -> bool:
    filled = [c.replace(" ", "") for c in cells if c.strip()]
    return bool(filled) and all(_SEPARATOR_CELL_RE.match(c) for c in filled)


def _venue_line(line: str, number: int, out: ParsedList,
                warn: Callable[[int, str], None]) -> None:
    """A line of the venue list: its venue, when it is one."""
    venue = _read_venue_item(line, number)
    if venue:
        out.venues.append(venue)
        if venue.url == "":
            warn(number, f"venue {venue.key} has an empty link")


def read(text: str, file: str) -> ParsedList:
    """Parse a README. Never raises on content: oddities become problems."""
    out = ParsedList()
    lines = split_lines(text)
    section: int | None = None
    in_venue_list = False
    columns: dict[str, int] | None = None
    width = 0  # cells of the table's header
    last_table_line = 0  # the last line read as part of a table
    number = 0
    in_fence = False

    def warn(line: int, message: str) -> None:
        out.problems.append(Problem(file, line, "warning", message))

    for i, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if _HEADING_RE.match(line):
            in_venue_list = bool(_VENUE_LIST_HEADING_RE.match(line))
            m = _YEAR_HEADING_RE.match(line)
            section = int(m.group(1)) if m else None
            columns = None
            continue
        if in_venue_list:
            _venue_line(line, i, out, warn)
            continue
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not _is_table_line(line, lines, i, bool(columns) and last_table_line == i - 1):
            columns = None if line.strip() else columns
            if section is not None and _STRAY_LINK_RE.match(line):
                warn(i, f"link outside a table ignored: {line.strip()[:80]!r}")
            continue
        last_table_line = i
        cells = split_cells(line)
        if all(not c for c in cells):
            if columns:
                warn(i, "empty table row skipped")
            continue
        if _is_delimiter_row(cells):
            continue
        if columns is None:
            columns, width = _columns(cells), len(cells)
            if "title" not in columns:
                warn(i, "table without a 'Paper title' column skipped")
                columns = {}
            continue
        if not columns:
            continue
        cells = _fitted(cells, width, i, warn)
        number += 1
        row = _read_row(cells, columns, i, number, section, warn)
        if row:
            out.rows.append(row)
    return out


def split_cells(line: str) -> list[str]:
    """Cells of a table row; `\\|` is a literal pipe, not a cell border."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return [c.strip().replace("\\|", "|") for c in _BORDER_RE.split(body)]


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


def _read_row(cells: list[str], columns: dict[str, int], line: int, number: int,
              section: int | None, report: Report) -> Row | None:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    title = " ".join(cell("title").split())
    if not title or is_empty_cell(title):
        report(line, "row without a title skipped")
        return None
    title = unescape(title)
    venue_text = unescape(cell("venue")) if not is_empty_cell(cell("venue")) else ""
    category = unescape(cell("category")) if not is_empty_cell(cell("category")) else ""
    year_match = _YEAR_CELL_RE.search(cell("year"))
    link_text = cell("link")
    link: str | None = None
    if not is_empty_cell(link_text):
        m = LINK_RE.search(link_text)
        if m and m.group("url").strip():
            link = clean_url(m.group("url"))
        elif link_text.startswith("http"):
            link = clean_url(link_text)
        else:
            report(line, f"paper link {link_text!r} has no URL")
    code: list[CodeLink] = []
    for part in _BR_RE.split(cell("code")):
        if is_empty_cell(part):
            continue
        links = list(LINK_RE.finditer(part))
        if not links:
            report(line, f"code cell {part.strip()!r} has no link")
        for m in links:
            if m.group("url").strip():
                code.append(CodeLink(label=unescape(m.group("label").strip()),
                                     url=clean_url(m.group("url"))))
            else:
                report(line, f"code link {m.group('label')!r} has an empty URL")
    for url in [link or "", *(c.url for c in code)]:
        if url and url[-1] in _TRAILING_PUNCTUATION:
            report(line, f"URL {url!r} ends with {url[-1]!r}: kept as written")
    return Row(line=line, number=number, section=section, title=title,
               venue=None if is_empty_cell(venue_text) else venue_text,
               category=None if is_empty_cell(category) else category,
               link=link, code=code,
               year=int(year_match.group(1)) if year_match else None)
