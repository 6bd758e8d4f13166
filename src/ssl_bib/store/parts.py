"""Where each table of the catalog's text is, and the text read a few tables
at a time: the quick look at header lines (quick_spans), the TOML-true scan
(entry_spans, toml_scan) for any other shape, and the batched parse that
proves the quick look right (parse_head, parse_tables).

Why it is apart from read: it is the one part of reading that knows the
file's shape, and the one tests drive directly (test_store_layout)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .. import toml_parse
from ..errors import SslBibError
from ..lazy_re import compiled
from .spans import EntrySpan

if TYPE_CHECKING:
    from ..toml_scan import Layout


def entry_spans(text: str) -> tuple[list[EntrySpan], dict[str, int], Layout]:
    """Each [[entries]] table's extent and each venue table's line, from a
    scan that agrees with TOML on what a line and a table are. A sub-table of
    an entry ([entries.provenance]) belongs to it; comments and blank lines
    right before a table belong to that table."""
    from ..toml_scan import scan

    layout = scan(text)
    spans: list[EntrySpan] = []
    venue_lines: dict[str, int] = {}
    open_span: EntrySpan | None = None
    for table in layout.tables:
        path = table.path
        if path[0] == "entries" and len(path) > 1:
            continue
        if open_span is not None:
            open_span.end_at = table.lead_at
            open_span = None
        if path == ("entries",) and table.array:
            lead_at = spans[-1].end_at if spans else table.lead_at
            open_span = EntrySpan(lead_at, table.start_at, table.start_at, table.line)
            spans.append(open_span)
        elif path[0] == "venues" and len(path) > 1:
            venue_lines.setdefault(path[1], table.line + 1)
    if open_span is not None:
        open_span.end_at = layout.tail_at
    return spans, venue_lines, layout


# The quick scan (see quick_spans): an [[entries]] header from its brackets to
# the end of its line, found by its literal "[[" at C speed, and any other line
# whose first non-blank character is "[", matched from the newline before it.
_ENTRY_HEADER_RE = compiled(r"\[\[[ \t]*entries[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?$",
                              re.MULTILINE)
_OTHER_BRACKET_LINE_RE = compiled(
    r"\n[ \t]*\[(?![ \t]*\[[ \t]*entries[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?$)", re.MULTILINE)


def quick_spans(text: str) -> tuple[list[EntrySpan], dict[str, int], int] | None:
    """The entries' spans, the venue tables' lines and the [settings] line of
    a catalog in the usual shape (a head, then [[entries]] tables only), from
    a look at header lines alone; None for any other shape.

    Why: the TOML-true scan (toml_scan) costs more to compile its patterns
    than click takes to import, at every start. This one can be fooled by a
    multi-line string holding a header-like line, so it is only trusted
    once parse_tables has proven every span (see there)."""
    found: list[tuple[int, bool]] = []
    for m in _ENTRY_HEADER_RE.finditer(text):
        at = text.rfind("\n", 0, m.start()) + 1
        if not text[at:m.start()].strip(" \t"):  # only blanks before it: a header line
            found.append((at, True))
    if text.lstrip(" \t").startswith("["):
        first_line = "\n" + text.partition("\n")[0]
        found += [(0, False)] if _OTHER_BRACKET_LINE_RE.match(first_line) else []
    found += [(m.start() + 1, False) for m in _OTHER_BRACKET_LINE_RE.finditer(text)]
    found.sort()
    spans: list[EntrySpan] = []
    venue_lines: dict[str, int] = {}
    settings_line = 0
    line, counted = 0, 0
    for at, is_entry in found:
        line += text.count("\n", counted, at)
        counted = at
        if is_entry:
            if spans:  # the previous table ends where this one's comments begin
                spans[-1].end_at = _back_over_comments(text, at, spans[-1].start_at)
            spans.append(EntrySpan(at, at, -1, line))
            continue
        if spans:
            return None  # a line starting with "[" after the first entry: not the usual shape
        header = text[at:text.find("\n", at) % (len(text) + 1)].rstrip("\r")
        try:
            path = tuple(toml_parse.loads(header.split("#")[0] if "]" in header else header))
        except (toml_parse.TOMLDecodeError, RecursionError):
            continue  # the continuation of an array
        parsed = toml_parse.loads(header.split("#")[0])
        if path == ("venues",):
            for key in parsed["venues"]:
                venue_lines.setdefault(key, line + 1)
        elif path == ("settings",) and not settings_line:
            settings_line = line + 1
    if not spans:
        return None
    spans[-1].end_at = _back_over_comments(text, len(text), spans[-1].start_at)
    spans[0].lead_at = _back_over_comments(text, spans[0].start_at, 0)
    for previous, span in zip(spans, spans[1:], strict=False):
        span.lead_at = previous.end_at
    return spans, venue_lines, settings_line


def _back_over_comments(text: str, at: int, floor: int) -> int:
    """From offset `at` (a line start, or the end of the text), step back over
    blank and comment lines, not above offset `floor`.

    A line holding three quotes in a row is not stepped over even if it
    starts with "#": it may be the last line of a multi-line string, its
    closing quotes after a "#" that is text, and the lines above it inside
    the string. So the walk never enters a value, which parse_tables
    relies on."""
    while at > floor:
        previous = text.rfind("\n", 0, at - 1) + 1
        content = text[previous:at].strip()
        if content and (not content.startswith("#") or '"""' in content
                        or "'''" in content):
            break
        at = max(previous, floor)
    return at


def only_entries_after_head(layout: Layout) -> bool:
    """Whether every table from the first [[entries]] on is an entry or a
    table inside one (see parse_head)."""
    paths = [table.path for table in layout.tables]
    first = next((i for i, p in enumerate(paths) if p == ("entries",)), len(paths))
    return all(p[0] == "entries" for p in paths[first:])


class WholeDocumentNeeded(SslBibError):
    """The file cannot be read a few tables at a time: parse it whole."""


def parse_head(text: str, spans: list[EntrySpan]) -> dict[str, Any]:
    """The head of a catalog in the usual shape, parsed alone.

    Why the file is read in parts: parsed whole, a 100,000-entry catalog
    exists twice at its peak, as the parser's tables and as entries (17x the
    file size in memory); read a few tables at a time, each table is dropped
    once its entry is made, and the parser is faster too. It is the same
    document when the file is a head followed by [[entries]] tables only
    (with tables inside them): the parts cover the whole text, the head does
    not touch `entries`, and each part holds exactly the tables the scan saw
    in it. Anything else, and any syntax error, raises WholeDocumentNeeded,
    so errors read exactly as they always did."""
    try:
        head = toml_parse.loads(text[:spans[0].lead_at] if spans else text)
        if spans and toml_parse.loads(text[spans[-1].end_at:]):  # the tail: comments only
            raise WholeDocumentNeeded
    except (toml_parse.TOMLDecodeError, RecursionError):
        raise WholeDocumentNeeded from None
    if "entries" in head:
        raise WholeDocumentNeeded
    return head


# Tables parsed per call: few enough that their parsed form is small next to
# the entries made of it, enough to make the cost of a call vanish.
_TABLES_AT_ONCE = 64


def parse_tables(text: str, spans: list[EntrySpan]) -> Iterator[Any]:
    """The [[entries]] tables, parsed a batch at a time (see parse_head).

    This also proves the spans of the quick scan (quick_spans), which finds
    every real [[entries]] header line and may add look-alikes inside
    multi-line strings: a batch, from a span's lead to a span's end, must
    read as exactly one [[entries]] table per span in it. A look-alike in a
    batch makes it read as fewer tables, or a string cut at the batch's end
    makes it not read at all, so the first batch holding one is refused; the
    batches before it end where tables end, so each starts where one does.
    (As sure as parsing each span alone, and 64 times fewer parser calls.)"""
    for at in range(0, len(spans), _TABLES_AT_ONCE):
        batch = spans[at:at + _TABLES_AT_ONCE]
        try:
            chunk = toml_parse.loads(text[batch[0].lead_at:batch[-1].end_at])
        except (toml_parse.TOMLDecodeError, RecursionError):
            raise WholeDocumentNeeded from None
        tables = chunk.get("entries")
        if len(chunk) != 1 or type(tables) is not list or len(tables) != len(batch):
            raise WholeDocumentNeeded
        yield from tables
