"""Read an awesome list written as bullets rather than tables:

    ## 2020
    *Segmentation*
    - [ ] :star: [Title](https://paper). MICCAI 2020. [[Code](https://code)]

Each item becomes the same `Row` the table reader gives, so one path turns
both into entries. An italic line names the category of the items below it.
"""

from __future__ import annotations

import re

from ...lazy_re import compiled
from ...model import CodeLink
from ..read_result import split_lines
from .rows import ParsedList, Row, clean_url

_YEAR_HEADING_RE = compiled(r"^#{2,4}\s*(\d{4})\b")
_HEADING_RE = compiled(r"^#{1,6}\s")
_FENCE_RE = compiled(r"^\s*(```|~~~)")
# Linear patterns, as in tables.py: possessive quantifiers, and no search
# that can rescan the rest of the line from each of many starting points.
_ITEM_RE = compiled(
    r"\s*+[-*+]\s++(?:\[[ xX]\]\s*+)?+(?::[a-z_]++:\s*+)*+"
    r"\[(?P<title>(?:[^\[\]]++|\[[^\[\]]*+\])++)\]\((?P<url>[^)\s]*+)\)(?P<rest>.*)$")
_CODE_RE = compiled(r"\[\[(?P<label>[^\[\]]*+)\]\((?P<url>[^)\s]*+)\)\]")
_CATEGORY_RE = compiled(r"\s*+[*_](?P<name>[^*_]++)[*_]\s*+$")
_ACCEPTED_RE = compiled(r"^\((?:accepted|to appear)[^)]*+\)\s*+", re.IGNORECASE)
# Only where a run of spaces starts: `\s+` tried at every space of a long run
# would rescan the run from each.
_TRAILING_YEAR_RE = compiled(r"(?<!\s)\s++(?:19|20)\d{2}$")


def read(text: str, file: str) -> ParsedList:
    """Find bullet items in `## YYYY` sections. Never raises on content."""
    out = ParsedList()
    section: int | None = None
    category: str | None = None
    in_fence = False
    for i, raw in enumerate(split_lines(text), start=1):
        line = raw.rstrip()
        if _FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if _HEADING_RE.match(line):
            m = _YEAR_HEADING_RE.match(line)
            section = int(m.group(1)) if m else None
            category = None
            continue
        m = _CATEGORY_RE.match(line)
        if m and section is not None:
            category = " ".join(m.group("name").split())
            continue
        item = _ITEM_RE.match(line)
        if not item:
            continue
        if section is None:
            _warn(out, file, i, "list item outside any '## YYYY' section skipped: "
                  f"{item.group('title').strip()[:60]!r}")
            continue
        row = _row(item, i, len(out.rows) + 1, section, category, file, out)
        if row:
            out.rows.append(row)
    return out


def _warn(out: ParsedList, file: str, line: int, message: str) -> None:
    from ...problems import Problem

    out.problems.append(Problem(file, line, "warning", message))


def _row(item: re.Match[str], line: int, number: int, section: int, category: str | None,
         file: str, out: ParsedList) -> Row | None:
    title = " ".join(item.group("title").split())
    url = clean_url(item.group("url"))
    if not url:
        _warn(out, file, line, f"paper link of {title[:60]!r} is empty")
    rest = item.group("rest")
    code = [CodeLink(label=m.group("label").strip(), url=clean_url(m.group("url")))
            for m in _CODE_RE.finditer(rest) if m.group("url").strip()]
    venue = _CODE_RE.sub("", rest).strip().strip(".").strip()
    venue = _ACCEPTED_RE.sub("", venue)
    venue = _TRAILING_YEAR_RE.sub("", venue).strip().strip(".").strip()
    return Row(line=line, number=number, section=section, title=title, venue=venue or None,
               category=category, link=url or None, code=code)
