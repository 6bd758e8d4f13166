"""The catalog store: read entries.toml, know where everything is, write it back.

Reading uses a compiled TOML parser, tomllib where it is missing (toml_parse),
a few tables at a time, plus one scan for where each table is. Writing
splices: entries that did not change keep their original bytes, comments
included; only changed entries are re-rendered. The head of the file
(settings, venues) is edited with tomlkit, which keeps its comments, and only
when it changed.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import operator
import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import toml_parse
from .errors import SslBibError
from .gcpause import paused_gc
from .model import Catalog, Entry, Settings, Venue
from .problems import InputError, Problem
from .toml_read import (
    ProblemLog,
    convert_entry,
    convert_settings,
    convert_venue,
    entry_from_table,
)
from .toml_render import render_catalog, render_entry, render_head, render_venue

# Imported where first needed, not at every start: toml_scan compiles big
# patterns; file_lock (with socket), atomic and rebase serve only commands
# that write, and a read-only command never loads them.
if TYPE_CHECKING:
    from .toml_scan import Layout

SCHEMA_VERSION = 1
T = TypeVar("T")

_TOML_ERROR_LINE_RE = re.compile(r"\(at line (\d+), column \d+\)")


class WriteRefused(SslBibError):
    """The catalog was not written, for a reason that is no fault of its text
    (read-only, locked, changed meanwhile). One line; nothing was written."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class DiskState:
    """What the catalog file held when this process last read or wrote it,
    which a save compares with the file before replacing it: its size, its
    mtime and its text, whose UTF-8 is exactly the file's bytes (the text
    was strictly decoded from them, or encoded into them). The text is the
    one the catalog holds anyway: no copy, and no hash of every file read."""

    size: int
    mtime_ns: int
    text: str = field(repr=False)

    def holds(self, data: bytes, info: os.stat_result) -> bool:
        """Whether the file, read now as `data`, is still this. Size and
        mtime tell a change at once; equal ones are confirmed by the content
        itself, since a same-size edit within one timestamp tick fools them."""
        return (len(data) == self.size and info.st_mtime_ns == self.mtime_ns
                and data == self.text.encode("utf-8"))


@dataclass
class EntrySpan:
    """Where one entry sits. Character offsets: its table is text[start_at:
    end_at], and text[lead_at:start_at] are the comments and blank lines just
    before it. `start` is the 0-based line of its [[entries]] header."""

    lead_at: int
    start_at: int
    end_at: int
    start: int

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
            from .toml_scan import statement_keys

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
_BRACKET_LINE_RE = re.compile(r"\n[ \t]*\[")


@functools.lru_cache(maxsize=256)
def _field_key_re(field_name: str) -> re.Pattern[str]:
    """A statement whose key is `field_name` or starts with it (a dotted
    key), bare or quoted, at a line start (see EntrySpan.quick_field_line)."""
    name = re.escape(field_name)
    return re.compile(rf"^[ \t]*(?:{name}|\"{name}\"|'{name}')[ \t]*[=.]", re.MULTILINE)


@dataclass
class LoadedCatalog:
    """A catalog with what is needed to report on it and splice it back."""

    path: Path
    text: str
    catalog: Catalog
    spans: list[EntrySpan]
    venue_lines: dict[str, int]
    problems: list[Problem]
    # Each entry's state as read or last written (entry_state), aligned with
    # `spans`, to tell which entries a command changed: comparing it with the
    # entry costs next to nothing for an unchanged one, so a one-entry change
    # to a big file stays fast.
    # None until needed when loaded for reading only (load(for_update=False)).
    snapshots: list[tuple[Any, ...]] | None = field(default=None, repr=False)
    pristine_head: tuple[Any, ...] = ()
    # The entry objects as loaded, in file order, aligned with `spans`.
    loaded_entries: list[Entry] = field(default_factory=list)
    # The file as last read or written; None for a catalog not on disk yet.
    disk: DiskState | None = None
    # Write even a read-only catalog (the command's --force-write).
    force: bool = False
    _lines: list[str] | None = field(default=None, repr=False, compare=False)
    _by_id: dict[int, EntrySpan] | None = field(default=None, repr=False, compare=False)
    _by_key: dict[str, EntrySpan] | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.path.name

    # The data, read through, so that the loaded catalog reads as a Catalog
    # does (the library's `load` returns this object).
    @property
    def entries(self) -> list[Entry]:
        return self.catalog.entries

    @property
    def venues(self) -> dict[str, Venue]:
        return self.catalog.venues

    @property
    def categories(self) -> list[str]:
        return self.catalog.categories

    @property
    def settings(self) -> Settings:
        return self.catalog.settings

    def find(self, key: str) -> Entry | None:
        """The entry with this key or old key (Catalog.find)."""
        return self.catalog.find(key)

    def states(self) -> list[tuple[Any, ...]]:
        """The snapshots, taken now from the text if the catalog was loaded
        for reading only: the text is still as read, so this is exact."""
        if self.snapshots is None:
            self.snapshots = parse_text(self.text, self.path).states()
        return self.snapshots

    @property
    def raw_entries(self) -> Sequence[dict[str, Any]]:
        """The entry tables of the text as last read or written, aligned with
        `spans`, parsed on demand: only a re-rendered, moved or removed entry
        and a rebase need them, and keeping them all would double the memory
        of a big catalog."""
        return _RawTables(self.text, self.spans)

    @property
    def lines(self) -> list[str]:
        """The file's lines as TOML counts them (LF only)."""
        if self._lines is None:
            from .toml_scan import split_lines

            self._lines = split_lines(self.text)
        return self._lines

    def forget_positions(self) -> None:
        """Drop the cached lines and entry positions: the text or the entries
        changed (a save, a rebase, a revert)."""
        self._lines = self._by_id = self._by_key = None

    def line_of(self, entry: Entry | str, field_name: str | None = None) -> int:
        """1-based line of an entry (or one of its fields), given the entry or
        its key; 0 for an entry that is not in the file (yet)."""
        if self._by_id is None:
            pairs = list(zip(self.loaded_entries, self.spans, strict=True))
            self._by_id = {id(e): s for e, s in pairs}
            self._by_key = {}
            for e, s in pairs:
                self._by_key.setdefault(e.key, s)
        span = None
        if not isinstance(entry, str):
            span = self._by_id.get(id(entry))
        if span is None:
            span = (self._by_key or {}).get(entry if isinstance(entry, str) else entry.key)
        if span is None:
            return 0
        if field_name:
            return span.field_line(self.text, field_name) + 1
        return span.start + 1


class _RawTables(Sequence[dict[str, Any]]):
    def __init__(self, text: str, spans: list[EntrySpan]) -> None:
        self.text, self.spans = text, spans

    def __len__(self) -> int:
        return len(self.spans)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        span = self.spans[index]
        tables = toml_parse.loads(self.text[span.start_at:span.end_at]).get("entries")
        return tables[0] if isinstance(tables, list) and tables else {}


# An entry's fields in two groups: those holding lists or tables (they can
# change in place) and the others (strings, numbers, None).
_CONTAINER_FIELDS = tuple(f.name for f in dataclasses.fields(Entry)
                          if f.default_factory in (list, dict))
_SCALARS = operator.attrgetter(*(f.name for f in dataclasses.fields(Entry)
                                 if f.name not in _CONTAINER_FIELDS))
_CONTAINERS = operator.attrgetter(*_CONTAINER_FIELDS)


_COPY = operator.methodcaller("copy")


def entry_state(entry: Entry) -> tuple[Any, ...]:
    """Every field of an entry, its lists and tables copied, so that a later
    change in place does not reach the copy. `unchanged(entry, state)` holds
    exactly when the entry equals the one the state was taken of. Taken only
    for catalogs loaded for update (see load)."""
    return _SCALARS(entry), tuple(map(_COPY, _CONTAINERS(entry)))


def unchanged(entry: Entry, state: tuple[Any, ...]) -> bool:
    """Next to free for an unchanged entry, all in C: its values are the very
    objects held in the state, which Python compares by identity first."""
    return bool(_SCALARS(entry) == state[0] and _CONTAINERS(entry) == state[1])


def _head_state(catalog: Catalog) -> tuple[Any, ...]:
    return (catalog.schema, list(catalog.categories), copy.deepcopy(catalog.settings),
            copy.deepcopy(catalog.venues))


def _entry_spans(text: str) -> tuple[list[EntrySpan], dict[str, int], Layout]:
    """Each [[entries]] table's extent and each venue table's line, from a
    scan that agrees with TOML on what a line and a table are. A sub-table of
    an entry ([entries.provenance]) belongs to it; comments and blank lines
    right before a table belong to that table."""
    from .toml_scan import scan

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


def parse_text(text: str, path: Path, *, for_update: bool = True) -> LoadedCatalog:
    """Parse catalog text. Raises InputError for text that is not TOML or not a
    catalog. `for_update` takes each entry's snapshot now (see load)."""
    with paused_gc():
        return _parse_text(text, path, for_update)


def _parse_text(text: str, path: Path, for_update: bool) -> LoadedCatalog:
    quick = _quick_spans(text)
    if quick is not None:
        spans, venue_lines, settings_line = quick
        try:
            head = _parse_head(text, spans)
            return _build(text, path, (spans, venue_lines, None), head,
                          _parse_tables(text, spans), for_update, settings_line)
        except _WholeDocumentNeeded:
            pass
    try:
        scanned: tuple[list[EntrySpan], dict[str, int], Layout] | None = _entry_spans(text)
    except Exception:  # noqa: BLE001 - text the scan cannot walk: the parser says why
        scanned = None
    if scanned is not None and _only_entries_after_head(scanned[2]):
        spans = scanned[0]
        try:
            head = _parse_head(text, spans)
            return _build(text, path, scanned, head, _parse_tables(text, spans), for_update)
        except _WholeDocumentNeeded:
            pass
    try:
        doc = toml_parse.loads(text)
    except toml_parse.TOMLDecodeError as exc:
        m = _TOML_ERROR_LINE_RE.search(str(exc))
        message = _TOML_ERROR_LINE_RE.sub("", str(exc)).strip()
        raise InputError(path.name, int(m.group(1)) if m else 0,
                         f"not valid TOML: {message}") from None
    except RecursionError:  # tomllib recurses per nested array or inline table
        raise InputError(path.name, _deep_line(text), "not valid TOML: arrays or tables "
                         "nested too deeply to read") from None
    return _build(text, path, scanned or _entry_spans(text), doc, doc.get("entries", []),
                  for_update)


# The quick scan (see _quick_spans): an [[entries]] header from its brackets to
# the end of its line, found by its literal "[[" at C speed, and any other line
# whose first non-blank character is "[", matched from the newline before it.
_ENTRY_HEADER_RE = re.compile(r"\[\[[ \t]*entries[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?$",
                              re.MULTILINE)
_OTHER_BRACKET_LINE_RE = re.compile(
    r"\n[ \t]*\[(?![ \t]*\[[ \t]*entries[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?$)", re.MULTILINE)


def _quick_spans(text: str) -> tuple[list[EntrySpan], dict[str, int], int] | None:
    """The entries' spans, the venue tables' lines and the [settings] line of
    a catalog in the usual shape (a head, then [[entries]] tables only), from
    a look at header lines alone; None for any other shape.

    Why: the TOML-true scan (toml_scan) costs more to compile its patterns
    than click takes to import, at every start. This one can be fooled by a
    multi-line string holding a header-like line, so it is only trusted
    once _parse_tables has proven every span (see there)."""
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
    the string. So the walk never enters a value, which _parse_tables
    relies on."""
    while at > floor:
        previous = text.rfind("\n", 0, at - 1) + 1
        content = text[previous:at].strip()
        if content and (not content.startswith("#") or '"""' in content
                        or "'''" in content):
            break
        at = max(previous, floor)
    return at


def _only_entries_after_head(layout: Layout) -> bool:
    """Whether every table from the first [[entries]] on is an entry or a
    table inside one (see _parse_head)."""
    paths = [table.path for table in layout.tables]
    first = next((i for i, p in enumerate(paths) if p == ("entries",)), len(paths))
    return all(p[0] == "entries" for p in paths[first:])


class _WholeDocumentNeeded(SslBibError):
    """The file cannot be read a few tables at a time: parse it whole."""


def _parse_head(text: str, spans: list[EntrySpan]) -> dict[str, Any]:
    """The head of a catalog in the usual shape, parsed alone.

    Why the file is read in parts: parsed whole, a 100,000-entry catalog
    exists twice at its peak, as the parser's tables and as entries (17x the
    file size in memory); read a few tables at a time, each table is dropped
    once its entry is made, and the parser is faster too. It is the same
    document when the file is a head followed by [[entries]] tables only
    (with tables inside them): the parts cover the whole text, the head does
    not touch `entries`, and each part holds exactly the tables the scan saw
    in it. Anything else, and any syntax error, raises _WholeDocumentNeeded,
    so errors read exactly as they always did."""
    try:
        head = toml_parse.loads(text[:spans[0].lead_at] if spans else text)
        if spans and toml_parse.loads(text[spans[-1].end_at:]):  # the tail: comments only
            raise _WholeDocumentNeeded
    except (toml_parse.TOMLDecodeError, RecursionError):
        raise _WholeDocumentNeeded from None
    if "entries" in head:
        raise _WholeDocumentNeeded
    return head


# Tables parsed per call: few enough that their parsed form is small next to
# the entries made of it, enough to make the cost of a call vanish.
_TABLES_AT_ONCE = 64


def _parse_tables(text: str, spans: list[EntrySpan]) -> Iterator[Any]:
    """The [[entries]] tables, parsed a batch at a time (see _parse_head).

    This also proves the spans of the quick scan (_quick_spans), which finds
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
            raise _WholeDocumentNeeded from None
        tables = chunk.get("entries")
        if len(chunk) != 1 or type(tables) is not list or len(tables) != len(batch):
            raise _WholeDocumentNeeded
        yield from tables


def _build(text: str, path: Path,
           scanned: tuple[list[EntrySpan], dict[str, int], Layout | None],
           doc: dict[str, Any], raw_entries: Any, for_update: bool,
           settings_line: int | None = None) -> LoadedCatalog:
    """The catalog from the parsed head (`doc`) and the entry tables (a list
    from the whole document, or an iterator from _parse_tables)."""
    name = path.name
    spans, venue_lines, scanned_layout = scanned
    known: list[Layout] = [scanned_layout] if scanned_layout is not None else []

    def layout() -> Layout:  # the exact scan, only to locate a problem in the head
        if not known:
            from .toml_scan import scan

            known.append(scan(text))
        return known[0]

    problems: list[Problem] = []
    report = ProblemLog(name, problems)
    catalog = _head(doc, text, layout, venue_lines, settings_line, report)
    if not isinstance(raw_entries, list | Iterator) or (
            isinstance(raw_entries, list) and len(raw_entries) != len(spans)):
        raise InputError(name, _top_line(text, layout(), "entries"),
                         "entries must be written as [[entries]] tables")
    entries: list[Entry] = []
    kept_spans: list[EntrySpan] = []
    for index, (raw, span) in enumerate(zip(raw_entries, spans, strict=True)):
        def line_of(field_name: str, span: EntrySpan = span) -> int:
            return span.field_line(text, field_name) + 1

        entry = convert_entry(raw, line_of, report, index)
        if entry is not None:
            entries.append(entry)
            kept_spans.append(span)
        if isinstance(raw_entries, list):
            raw_entries[index] = None  # its strings live on in the entry; the table can go
    catalog.entries = entries
    return LoadedCatalog(path=path, text=text, catalog=catalog, spans=kept_spans,
                         venue_lines=venue_lines, problems=problems,
                         snapshots=[entry_state(e) for e in entries] if for_update else None,
                         pristine_head=_head_state(catalog), loaded_entries=list(entries))


def _head(doc: dict[str, Any], text: str, layout: Callable[[], Layout],
          venue_lines: dict[str, int], settings_line: int | None,
          report: ProblemLog) -> Catalog:
    """Everything above the entries (schema, categories, settings, venues),
    as a Catalog with no entries yet: a value of the wrong shape reported and
    left out, an unknown schema refused (InputError). `layout` is called
    only to locate a problem."""
    name = report.file
    schema = doc.get("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        raise InputError(name, _top_line(text, layout(), "schema"),
                         f"schema {schema!r} is not one this ssl-bib reads "
                         f"(it reads schema {SCHEMA_VERSION})")
    categories = doc.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        report.error(_top_line(text, layout(), "categories"),
                     "'categories' must be a list of strings")
        categories = []
    if settings_line is None:
        settings_line = _top_line(text, layout(), "[settings]")
    settings = convert_settings(doc.get("settings"), settings_line, report)
    venues: dict[str, Venue] = {}
    raw_venues = doc.get("venues", {})
    if not isinstance(raw_venues, dict):
        report.error(_top_line(text, layout(), "venues"), "'venues' must be a table of tables")
        raw_venues = {}
    for key, raw in raw_venues.items():
        venue = convert_venue(key, raw, venue_lines.get(key, 0), report)
        if venue:
            venues[key] = venue
    known_top = {"schema", "categories", "settings", "venues", "entries"}
    for top in doc:
        if top not in known_top:
            report.error(_top_line(text, layout(), top), f"unknown top-level key '{top}'")
    return Catalog(venues=venues, categories=list(categories), settings=settings,
                   schema=schema)


def _deep_line(text: str) -> int:
    """The line where brackets first nest 100 deep (strings not told apart:
    this only points at an error tomllib already found)."""
    depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        for ch in line:
            depth += 1 if ch in "[{" else -1 if ch in "]}" else 0
            if depth > 100:
                return number
    return 0


def _top_line(text: str, layout: Layout, what: str) -> int:
    """1-based line of a top-level key or table (`"[settings]"`), for reports;
    0 when it is not found."""
    from .toml_scan import parse_key, statement_keys

    if what.startswith("["):
        path = parse_key(what.strip("[]"))
        return next((t.line + 1 for t in layout.tables if t.path == path), 0)
    for table in layout.tables:
        if table.path[0] == what:
            return table.line + 1
    head = text[:layout.tables[0].lead_at] if layout.tables else text
    return next((line + 1 for line, key, _ in statement_keys(head) if key[0] == what), 0)


def load(path: Path, *, for_update: bool = False) -> LoadedCatalog:
    """Read and parse a catalog file. Raises InputError with file:line on failure.

    `for_update`: the command will change and save it, so each entry's
    snapshot is taken now and a one-entry save of a big catalog stays fast.
    Without it (reading only) no snapshot is kept, which saves time and a
    sixth of the memory; a save still works, taking them from the text."""
    path = Path(path)
    try:
        # Asked before opening: opening a pipe would wait for a writer.
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise InputError(str(path), 0, "not a regular file (a folder, device or pipe); "
                             "a catalog is a file")
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            raw = handle.read()
    except FileNotFoundError:
        raise InputError(str(path), 0, "no such catalog file "
                         "(give --catalog PATH or set SSL_BIB_CATALOG)") from None
    except OSError as exc:
        raise InputError(str(path), 0, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(path.name, line, "not UTF-8 text") from None
    disk = DiskState(len(raw), info.st_mtime_ns, text)
    del raw  # the bytes are not needed while the text is parsed (a big file's peak)
    loaded = parse_text(text, path, for_update=for_update)
    loaded.disk = disk
    return loaded


def new_catalog(path: Path) -> LoadedCatalog:
    """An empty catalog that does not exist on disk yet (import bootstraps it)."""
    catalog = Catalog(settings=Settings())
    return LoadedCatalog(path=Path(path), text="", catalog=catalog, spans=[], venue_lines={},
                         problems=[], pristine_head=())


def refuse_unwritable(path: Path, force: bool = False) -> None:
    """Refuse, as editors do, a catalog that is read-only (no write bit, or
    not writable by us) unless forced; and anything that is not a regular
    file. Raises WriteRefused. A link is judged by the file it points to."""
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused(f"{path}: not a regular file (a folder, device or pipe); "
                           "nothing was written")
    if not force and (info.st_mode & 0o222 == 0 or not os.access(target, os.W_OK)):
        raise WriteRefused(f"{path}: the catalog is read-only (mode "
                           f"{stat.S_IMODE(info.st_mode):o}); nothing was written "
                           "(give --force-write to write it anyway)")


@contextlib.contextmanager
def editing(path: Path, command: str, force: bool = False,
            bootstrap: bool = False) -> Iterator[LoadedCatalog]:
    """The catalog, for a command that changes it: locked against other
    writers for the whole block, refused up front if read-only (unless
    `force`), loaded inside the lock; save() it as often as needed within.
    With `bootstrap`, a missing file is a new, empty catalog.

    Raises WriteRefused (read-only, or the lock not had in time: the message
    names the holder) and InputError (the file does not read)."""
    from . import file_lock

    path = Path(path)
    refuse_unwritable(path, force)
    try:
        with file_lock.locked(path, command):
            fresh = bootstrap and not os.path.lexists(path)
            loaded = new_catalog(path) if fresh else load(path, for_update=True)
            loaded.force = force
            yield loaded
    except file_lock.LockTimeout as exc:
        raise WriteRefused(f"{exc}; nothing was written") from None


def diff(loaded: LoadedCatalog) -> str:
    """The unified diff a save would write, for --dry-run."""
    new_text = render(loaded)
    if new_text == loaded.text:
        return ""  # nothing would be written: no diff to make
    import difflib

    from .toml_scan import split_lines_keepends

    return "".join(difflib.unified_diff(
        split_lines_keepends(loaded.text), split_lines_keepends(new_text),
        fromfile=f"a/{loaded.name}", tofile=f"b/{loaded.name}"))


def render(loaded: LoadedCatalog) -> str:
    """The file's new text: unchanged entries verbatim, changed ones re-rendered."""
    with paused_gc():
        return _render(loaded).text


@dataclass
class _Rendered:
    text: str
    changed: bool
    # Each entry's state (entry_state) and where it sits, aligned with
    # catalog.entries; None for a whole new file (it is parsed to check it).
    states: list[tuple[Any, ...]] | None = None
    spans: list[EntrySpan] | None = None
    # Whether settings, categories or venues changed (the head is rewritten).
    head_changed: bool = True


def _render(loaded: LoadedCatalog) -> _Rendered:
    """Splice: the head and unchanged entries keep their bytes, changed and
    new entries are rendered. Every old piece whose neighbourhood changes
    (re-rendered, removed, moved, followed by a new entry) is first proven
    to be exactly its entry's table (_prove_span), so a boundary the scan
    got wrong can never cut a value in two."""
    catalog = loaded.catalog
    if not loaded.text:
        return _Rendered(render_catalog(catalog), True)
    text = loaded.text if loaded.text.endswith("\n") else loaded.text + "\n"
    spans = loaded.spans
    first = spans[0].lead_at if spans else len(text)
    last = spans[-1].end_at if spans else len(text)
    head = text[:first]
    changed = head_changed = _head_state(catalog) != loaded.pristine_head
    if changed:
        head = _edit_head(head, catalog)
    if (in_place := _splice_in_place(loaded, text, head, changed)) is not None:
        return in_place
    old_index = _old_index(loaded)
    used: set[int] = set()            # each old text is used at most once
    out = [head]
    pos, line = len(head), head.count("\n")
    states: list[tuple[Any, ...]] = []
    new_spans: list[EntrySpan] = []
    order: list[int] = []            # old index of each entry written verbatim, else -1
    old_states = loaded.states()
    for entry in catalog.entries:
        i = old_index(entry)
        if i >= 0 and i not in used:
            used.add(i)
            span, state = spans[i], old_states[i]
            lead = text[span.lead_at:span.start_at]
            if unchanged(entry, state):
                body = text[span.start_at:span.end_at]
                order.append(i)
            else:
                _prove_span(loaded, text, i)
                body, state = _render_checked(entry, loaded), entry_state(entry)
                order.append(-1)
        else:
            lead = "\n" if not out[-1].endswith("\n\n") else ""
            body, state = _render_checked(entry, loaded), entry_state(entry)
            order.append(-1)
        lead_at, start_at = pos, pos + len(lead)
        line += lead.count("\n")
        new_spans.append(EntrySpan(lead_at, start_at, start_at + len(body), line))
        line += body.count("\n")
        pos = start_at + len(body)
        out.append(lead)
        out.append(body)
        states.append(state)
    out.append(text[last:])
    _prove_neighbourhoods(loaded, text, order, used)
    changed = changed or order != list(range(len(spans)))
    if not changed:
        return _Rendered(loaded.text, False, states, new_spans, False)
    return _Rendered("".join(out), True, states, new_spans, head_changed)


def _old_index(loaded: LoadedCatalog) -> Callable[[Entry], int]:
    """Where each entry's old text is: matched by identity (it was edited in
    place), else by key (it was replaced); -1 for a new entry."""
    index_of = {id(e): i for i, e in enumerate(loaded.loaded_entries)}
    by_key: dict[str, int] = {}
    for i, e in enumerate(loaded.loaded_entries):
        by_key.setdefault(e.key, i)

    def old_index(entry: Entry) -> int:
        i = index_of.get(id(entry), -1)
        return i if i >= 0 else by_key.get(entry.key, -1)

    return old_index


def _prove_neighbourhoods(loaded: LoadedCatalog, text: str, order: list[int],
                          used: set[int]) -> None:
    """Prove each old piece whose surroundings change: a removed entry's, and
    a verbatim one's that moved or got a new neighbour. `order` holds the old
    index of each entry written verbatim, in the new order (-1: re-rendered);
    `used` the old indexes kept."""
    count = len(loaded.spans)
    for i in set(range(count)) - used:
        _prove_span(loaded, text, i)          # removed: it must be exactly that entry
    for k, i in enumerate(order):
        if i < 0:
            continue
        before = order[k - 1] if k else -2    # -2: the head / the tail
        after = order[k + 1] if k + 1 < len(order) else -2
        if before != (i - 1 if i else -2) or after != (i + 1 if i + 1 < count else -2):
            _prove_span(loaded, text, i)      # moved, or a neighbour changed


_END_AT, _LEAD_AT = operator.attrgetter("end_at"), operator.attrgetter("lead_at")
_STATE_SCALARS = operator.itemgetter(0)
_STATE_CONTAINERS = operator.itemgetter(1)


def _splice_in_place(loaded: LoadedCatalog, text: str, head: str,
                     head_changed: bool) -> _Rendered | None:
    """_render for the usual save: the entries are the ones loaded, in their
    order, some changed in place (enrich, zotero pull, an edit). The same
    text and proofs as the entry-by-entry splice below, but the unchanged
    entries are found all at once in C and copied as the stretches of text
    between changed ones: on a big catalog the walk cost more than the rest
    of the save. None when the entries were added, removed, replaced or
    moved, or the spans do not tile the text (an entry that did not read):
    then the walk decides."""
    entries, spans = loaded.catalog.entries, loaded.spans
    count = len(spans)
    if (not count or len(entries) != count or len(loaded.loaded_entries) != count
            or not all(map(operator.is_, entries, loaded.loaded_entries))
            or list(map(_END_AT, spans[:-1])) != list(map(_LEAD_AT, spans[1:]))):
        return None
    old_states = loaded.states()
    same = map(operator.and_,
               map(operator.eq, map(_SCALARS, entries), map(_STATE_SCALARS, old_states)),
               map(operator.eq, map(_CONTAINERS, entries), map(_STATE_CONTAINERS, old_states)))
    edited = [i for i, kept in enumerate(same) if not kept]
    if not edited and not head_changed:
        return _Rendered(loaded.text, False, list(old_states), list(spans), False)
    # Each re-rendered piece is proven, then its unchanged neighbours, in the
    # walk's order (so the same error is raised first).
    states = list(old_states)
    bodies: dict[int, str] = {}
    for i in edited:
        _prove_span(loaded, text, i)
        bodies[i] = _render_checked(entries[i], loaded)
        states[i] = entry_state(entries[i])
    neighbours = {n for e in edited for n in (e - 1, e + 1) if 0 <= n < count} - set(edited)
    for i in sorted(neighbours):
        _prove_span(loaded, text, i)
    spliced, new_spans = _splice(text, head, spans, bodies)
    return _Rendered(spliced, True, states, new_spans, head_changed)


def _splice(text: str, head: str, spans: list[EntrySpan],
            bodies: dict[int, str]) -> tuple[str, list[EntrySpan]]:
    """The text with the head and the entries of `bodies` (index -> new
    table, in order) replaced, the rest copied as stretches; and the spans
    of the new text (those after a change shifted, the others kept)."""
    out = [head]
    shift = len(head) - spans[0].lead_at
    line_shift = head.count("\n") - text.count("\n", 0, spans[0].lead_at)
    new_spans = list(spans)

    def move(first: int, stop: int) -> None:  # the verbatim entries first..stop-1
        if shift or line_shift:
            for k in range(first, stop):
                old = spans[k]
                new_spans[k] = EntrySpan(old.lead_at + shift, old.start_at + shift,
                                         old.end_at + shift, old.start + line_shift)

    copied_from, verbatim_from = spans[0].lead_at, 0
    for i, body in bodies.items():
        move(verbatim_from, i)
        span = spans[i]
        out.append(text[copied_from:span.start_at])
        out.append(body)
        start_at = span.start_at + shift
        new_spans[i] = EntrySpan(span.lead_at + shift, start_at, start_at + len(body),
                                 span.start + line_shift)
        shift += len(body) - (span.end_at - span.start_at)
        line_shift += body.count("\n") - text.count("\n", span.start_at, span.end_at)
        copied_from, verbatim_from = span.end_at, i + 1
    move(verbatim_from, len(spans))
    out.append(text[copied_from:])
    return "".join(out), new_spans


def _prove_span(loaded: LoadedCatalog, text: str, index: int) -> None:
    """Prove that an old piece of the file is exactly entry `index`'s table
    (it reads, alone, as one [[entries]] table holding that entry as it was
    read), with only comments and blank lines before it; else refuse the write."""
    span = loaded.spans[index]
    try:
        doc = toml_parse.loads(text[span.start_at:span.end_at])
        tables = doc.get("entries")
        ok = (len(doc) == 1 and isinstance(tables, list) and len(tables) == 1
              and isinstance(toml_parse.loads(text[span.lead_at:span.start_at]), dict))
        if ok:
            alone = entry_from_table(tables[0])  # type: ignore[index]
            ok = alone is not None and unchanged(alone, loaded.states()[index])
    except toml_parse.TOMLDecodeError:
        ok = False
    if not ok:
        key = loaded.loaded_entries[index].key
        raise InputError(loaded.name, span.start + 1,
                         f"entry {key}: ssl-bib cannot tell exactly where this entry's text "
                         "ends, so it cannot be rewritten safely; nothing was written")


def _render_checked(entry: Entry, loaded: LoadedCatalog) -> str:
    """Render one entry and prove it reads back, alone, as one [[entries]]
    table holding the same entry (the splice proofs in _render make sure it
    also reads so in place)."""
    text = render_entry(entry)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _unwritable(loaded, entry, "it holds a lone surrogate, which is not Unicode "
                          "text") from None
    problems: list[Problem] = []
    doc = toml_parse.loads(text)
    tables = doc.get("entries")
    if len(doc) != 1 or not isinstance(tables, list) or len(tables) != 1:
        raise _unwritable(loaded, entry, "it does not render as one table")
    raw: dict[str, Any] = tables[0]
    back = convert_entry(raw, lambda _field: 0, ProblemLog(loaded.name, problems), 0)
    if back != entry or problems:
        raise _unwritable(loaded, entry,
                          problems[0].message if problems else "it reads back differently")
    return text


class EntryUnwritable(InputError):
    """One entry cannot be written as it is: `key` says which, `source`
    where it came from ("in.bib:12", when known), `detail` why."""

    def __init__(self, file: str, line: int, key: str, source: str, detail: str) -> None:
        self.key, self.source, self.detail = key, source, detail
        where = f" (from {source})" if source else ""
        super().__init__(file, line, f"entry {key}{where}: cannot be written: {detail}; "
                                     "nothing was written")


def _unwritable(loaded: LoadedCatalog, entry: Entry, detail: str) -> EntryUnwritable:
    # Where an imported entry came from: "in.bib:12 (its key there)".
    source = entry.provenance.get("entry", "").split(" (")[0]
    return EntryUnwritable(loaded.name, loaded.line_of(entry), entry.key, source, detail)


def revert(loaded: LoadedCatalog, key: str) -> None:
    """Undo this command's changes to entry `key`: back to the entry as last
    read or written, or out of the catalog if it is new. For a command that
    drops the one record it could not store and keeps the rest."""
    entries = loaded.catalog.entries
    at = next(i for i, e in enumerate(entries) if e.key == key)
    old = next((i for i, e in enumerate(loaded.loaded_entries) if e.key == key), None)
    if old is None:
        del entries[at]
        return
    original = entry_from_table(loaded.raw_entries[old])
    assert original is not None
    entries[at] = loaded.loaded_entries[old] = original
    loaded.forget_positions()


def keep_storable(loaded: LoadedCatalog,
                  action: Callable[[], T]) -> tuple[T, list[EntryUnwritable]]:
    """Run `action` (save, render or diff) until it succeeds, each entry the
    catalog cannot hold put back as it was last read or written (a new one
    left out: revert) and returned with why. For a command that keeps the
    other records when one cannot be stored (import, enrich)."""
    dropped: list[EntryUnwritable] = []
    while True:
        try:
            return action(), dropped
        except EntryUnwritable as exc:
            revert(loaded, exc.key)
            dropped.append(exc)


def _edit_head(head: str, catalog: Catalog) -> str:
    """Apply changed settings, categories and venues to the head, keeping its
    comments: tomlkit is slow but the head is small."""
    import tomlkit

    try:
        doc = tomlkit.parse(head)
    except Exception:  # noqa: BLE001 - an unparseable head is re-rendered whole
        return render_head(catalog) + "\n"
    doc["schema"] = catalog.schema
    doc["categories"] = catalog.categories
    settings = tomlkit.table()
    settings["key_format"] = catalog.settings.key_format
    if catalog.settings.crossref_mailto:
        settings["crossref_mailto"] = catalog.settings.crossref_mailto
    if catalog.settings.crossref_concurrency is not None:
        settings["crossref_concurrency"] = catalog.settings.crossref_concurrency
    if catalog.settings.zotero_group is not None:
        settings["zotero_group"] = catalog.settings.zotero_group
    if catalog.settings.max_wait is not None:
        settings["max_wait"] = catalog.settings.max_wait
    if doc.get("settings") != settings:
        doc["settings"] = settings
    venues = doc.get("venues")
    if not isinstance(venues, dict):
        # Absent, or not a table at all (check reports that): write a real one.
        if venues is not None:
            del doc["venues"]
        venues = tomlkit.table(is_super_table=True)
        doc["venues"] = venues
    for key in list(venues):
        if key not in catalog.venues:
            del venues[key]
    for key, venue in catalog.venues.items():
        fresh = toml_parse.loads(render_venue(venue))["venues"][key]
        if venues.get(key) != fresh:
            table = tomlkit.table()
            for name, value in fresh.items():
                table[name] = value
            venues[key] = table
    text = tomlkit.dumps(doc)
    # End as the old head ended, so the first entry's lead lines sit as before.
    trailing = len(head) - len(head.rstrip("\n"))
    return text.rstrip("\n") + "\n" * max(trailing, 1)


def save(loaded: LoadedCatalog) -> bool:
    """Write the catalog back atomically if anything changed, and return
    whether it wrote. Refuses to write text it cannot read back as the same
    catalog. Afterwards `loaded` describes the written file, so a command may
    save again and again (enrich saves as it goes) and each save re-renders
    only what changed since the last one.

    Under the catalog's lock, and only if the file is still what was loaded
    (or last written): if someone changed it meanwhile, this command's own
    changes are re-based onto theirs (rebase.py), or nothing is written and
    WriteRefused says why. A link is written through to its target."""
    from .atomic import write_through

    refuse_unwritable(loaded.path, loaded.force)
    with _write_lock(loaded.path):
        for _attempt in range(3):
            with paused_gc():
                rendered = _render(loaded)
            if not rendered.changed:
                return False
            text = _verified(loaded, rendered)
            data = text.encode("utf-8")
            try:
                # Checked once more right before the rename, after the fsync.
                target = write_through(loaded.path, data,
                                       before_replace=lambda: _unchanged_on_disk(loaded))
                break
            except _ChangedMeanwhile as changed:
                _rebase_onto_disk(loaded, changed.current)
        else:
            raise WriteRefused(f"{loaded.path}: the file keeps changing while ssl-bib writes "
                               "it; nothing was written")
        loaded.disk = DiskState(len(data), os.stat(target).st_mtime_ns, text)
    assert rendered.states is not None and rendered.spans is not None
    _rebaseline(loaded, rendered.text, rendered.states, rendered.spans, rendered.head_changed)
    return True


class _ChangedMeanwhile(SslBibError):
    def __init__(self, current: tuple[bytes, os.stat_result] | None) -> None:
        self.current = current


def _unchanged_on_disk(loaded: LoadedCatalog) -> None:
    current = _disk_now(loaded.path)
    if current is None and loaded.disk is None:
        return  # a new catalog, still not there
    if current is None or loaded.disk is None or not loaded.disk.holds(*current):
        raise _ChangedMeanwhile(current)


def _verified(loaded: LoadedCatalog, rendered: _Rendered) -> str:
    """A new file or an edited head is proven by reading the whole text back."""
    if rendered.states is None or rendered.head_changed:
        check = parse_text(rendered.text, loaded.path)
        if check.catalog != loaded.catalog:
            raise InputError(loaded.name, 0, "the catalog would not read back as the same "
                             "data; nothing was written")
        rendered.states, rendered.spans = check.states(), check.spans
        loaded.venue_lines = check.venue_lines
    return rendered.text


@contextlib.contextmanager
def _write_lock(path: Path) -> Iterator[None]:
    from . import file_lock

    try:
        with file_lock.locked(path):
            yield
    except file_lock.LockTimeout as exc:
        raise WriteRefused(f"{exc}; nothing was written") from None


def _disk_now(path: Path) -> tuple[bytes, os.stat_result] | None:
    """The file as it is now, and its stat (None: there is none)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read()
    except FileNotFoundError:
        return None
    return data, info


def _rebase_onto_disk(loaded: LoadedCatalog,
                      current: tuple[bytes, os.stat_result] | None) -> None:
    """Someone changed the file since we read it: take their text as the new
    starting point and re-apply this command's changes onto it."""
    if current is None:
        if loaded.disk is None:
            return
        raise WriteRefused(f"{loaded.path}: the catalog was removed while ssl-bib was "
                           "working on it; nothing was written")
    from .rebase import RebaseConflict, rebase

    data, info = current
    try:
        theirs = parse_text(data.decode("utf-8"), loaded.path)
    except (UnicodeDecodeError, InputError) as exc:
        detail = exc.format() if isinstance(exc, InputError) else "it is not UTF-8 text"
        raise WriteRefused(f"{loaded.path} was changed meanwhile and no longer reads "
                           f"({detail}); nothing was written") from None
    new_errors = sum(p.severity == "error" for p in theirs.problems) - \
        sum(p.severity == "error" for p in loaded.problems)
    if new_errors > 0:
        first = next(p for p in theirs.problems if p.severity == "error")
        raise WriteRefused(f"{loaded.path} was changed meanwhile and now has errors "
                           f"({first.format()}); nothing was written")
    try:
        rebase(_baseline(loaded), loaded.catalog, theirs.catalog)
    except RebaseConflict as exc:
        raise WriteRefused(f"{loaded.path} was changed meanwhile: {exc}; nothing was "
                           "written (run the command again)") from None
    mine = {e.key: e for e in loaded.catalog.entries}
    loaded.text, loaded.spans = theirs.text, theirs.spans
    loaded.snapshots, loaded.venue_lines = theirs.states(), theirs.venue_lines
    loaded.pristine_head = theirs.pristine_head
    loaded.loaded_entries = [mine.get(e.key, e) for e in theirs.loaded_entries]
    loaded.disk = DiskState(len(data), info.st_mtime_ns, theirs.text)
    loaded.forget_positions()


def _baseline(loaded: LoadedCatalog) -> Catalog:
    """The catalog as last read or written, before this command's changes."""
    entries = [e for e in map(entry_from_table, loaded.raw_entries) if e is not None]
    if not loaded.pristine_head:
        return Catalog(entries=entries)
    schema, categories, settings, venues = copy.deepcopy(loaded.pristine_head)
    return Catalog(entries=entries, venues=venues, categories=categories,
                   settings=settings, schema=schema)


def _rebaseline(loaded: LoadedCatalog, text: str, states: list[tuple[Any, ...]],
                spans: list[EntrySpan], head_changed: bool) -> None:
    loaded.text, loaded.spans = text, spans
    loaded.snapshots = states
    loaded.loaded_entries = list(loaded.catalog.entries)
    if head_changed:  # else the copy kept is still equal to the head, and still a copy
        loaded.pristine_head = _head_state(loaded.catalog)
    loaded.forget_positions()
