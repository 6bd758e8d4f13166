"""Reading an awesome-list README: its tables and bullet lists -> records,
one per paper (the reading half of the package; `render` writes)."""

from __future__ import annotations

from ..read_result import OnProgress, ReadResult, Record
from . import bullets, tables
from .entries import from_list
from .rows import ParsedList


def read(text: str, file: str, progress: OnProgress | None = None) -> ReadResult:
    """An awesome-list README (tables and/or bullets) -> records, one per
    paper. `progress` is not called: a README is read in a moment."""
    listed_tables = tables.read(text, file)
    listed_bullets = bullets.read(text, file)
    parsed = ParsedList(
        venues=listed_tables.venues,
        rows=sorted([*listed_tables.rows, *listed_bullets.rows], key=lambda r: r.line),
        problems=sorted([*listed_tables.problems, *listed_bullets.problems],
                        key=lambda p: p.line))
    for number, row in enumerate(parsed.rows, start=1):
        row.number = number
    listed = from_list(parsed)
    out = ReadResult(problems=parsed.problems, venues=listed.venues,
                     categories=listed.categories)
    for entry in listed.entries:
        rows = listed.rows[entry.key]
        if len(rows) > 1:
            out.warn(file, rows[1].line, f"{entry.title[:60]!r} is listed again "
                     f"(first at line {rows[0].line}): one entry, listed under "
                     f"{', '.join(str(s) for s in entry.listed_sections())}")
        entry.key = ""
        out.records.append(Record(entry=entry, line=rows[0].line, from_readme=True))
    return out
