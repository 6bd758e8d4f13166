"""The catalog store: read entries.toml, know where everything is, write it back.

Reading uses a compiled TOML parser, tomllib where it is missing (toml_parse),
plus one cheap scan for line numbers. Writing splices: entries that did not change
keep their original bytes, comments included; only changed entries are
re-rendered. The head of the file (settings, venues) is edited with tomlkit,
which keeps its comments, and only when it changed.
"""

from __future__ import annotations

import copy
import dataclasses
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import toml_parse
from .atomic import write_atomic
from .gcpause import paused_gc
from .model import Catalog, Entry, Settings, Venue
from .problems import InputError, Problem
from .toml_read import _Reporter, convert_entry, convert_settings, convert_venue
from .toml_render import render_catalog, render_entry, render_head, render_venue

SCHEMA_VERSION = 1

# A table header line; an array element such as `["a", "b"],` is not one.
_TABLE_HEADER_RE = re.compile(r"^\s*\[\[?\s*[A-Za-z0-9_\"'.\- ]+\s*\]\]?\s*(#.*)?$")
_TOML_ERROR_LINE_RE = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass
class EntrySpan:
    """Where one entry sits: lines [start, end) hold its table, 0-based;
    `lead` is where the comments and blank lines just before it begin. The
    `*_at` fields are the same places as offsets into the text, so a write
    copies an unchanged entry with one slice."""

    lead: int
    start: int
    end: int
    lead_at: int = 0
    start_at: int = 0
    end_at: int = 0

    def field_line(self, text: str, field_name: str) -> int:
        """0-based line of a field's first line; the table's header line if absent.
        Found on demand, in the entry's own text: only problem reports need it."""
        found = _field_re(field_name).search(text, self.start_at, self.end_at)
        return self.start + text.count("\n", self.start_at, found.start()) if found else self.start


@lru_cache(maxsize=256)
def _field_re(field_name: str) -> re.Pattern[str]:
    """A line that sets `field_name` (`name =`, `"name" =`, `name.sub =`)."""
    return re.compile(r'^[ \t]*"?' + re.escape(field_name) + r'"?[ \t]*[=.]', re.MULTILINE)


@dataclass
class LoadedCatalog:
    """A catalog with what is needed to report on it and splice it back."""

    path: Path
    text: str
    catalog: Catalog
    spans: list[EntrySpan]
    venue_lines: dict[str, int]
    problems: list[Problem]
    # Each entry's state as loaded (entry_state), aligned with `spans`, to tell
    # which entries a command changed: comparing two tuples per entry at save
    # time keeps a one-entry change to a big file fast.
    snapshots: list[tuple[Any, ...]] = field(default_factory=list, repr=False)
    pristine_head: tuple[Any, ...] = ()
    # The entry objects as loaded, in file order, aligned with `spans`.
    loaded_entries: list[Entry] = field(default_factory=list)
    _lines: list[str] | None = field(default=None, repr=False, compare=False)
    _by_id: dict[int, EntrySpan] | None = field(default=None, repr=False, compare=False)
    _by_key: dict[str, EntrySpan] | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def lines(self) -> list[str]:
        """The file's lines, for locating fields on demand: split only when a
        problem has to be located."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

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


# An entry's fields in two groups: those holding lists or tables (they can
# change in place) and the others (strings, numbers, None).
_CONTAINER_FIELDS = tuple(f.name for f in dataclasses.fields(Entry)
                          if f.default_factory in (list, dict))
_SCALARS = operator.attrgetter(*(f.name for f in dataclasses.fields(Entry)
                                 if f.name not in _CONTAINER_FIELDS))
_CONTAINERS = operator.attrgetter(*_CONTAINER_FIELDS)


def _frozen(value: Any) -> Any:
    """A list as a tuple (all empty ones are the same object: no memory), a
    table as a copy (compared regardless of order, as the entry compares)."""
    return tuple(value) if type(value) is list else dict(value) if value else None


def entry_state(entry: Entry) -> tuple[Any, ...]:
    """Every field of an entry, its lists and tables copied, so that a later
    change in place does not reach the copy. `unchanged(entry, state)` holds
    exactly when the entry equals the one the state was taken of."""
    return _SCALARS(entry), tuple(map(_frozen, _CONTAINERS(entry)))


def unchanged(entry: Entry, state: tuple[Any, ...]) -> bool:
    """Cheap for an unchanged entry: its values are the very objects held in
    the state, which Python compares by identity first."""
    return bool(_SCALARS(entry) == state[0]
                and tuple(map(_frozen, _CONTAINERS(entry))) == state[1])


def _head_state(catalog: Catalog) -> tuple[Any, ...]:
    return (catalog.schema, list(catalog.categories), copy.deepcopy(catalog.settings),
            copy.deepcopy(catalog.venues))


# An [[entries]] header from its brackets to the end of its line (found by its
# literal "[[" at C speed; _scan checks that only blanks stand before it).
_ENTRY_HEADER_RE = re.compile(r"\[\[[ \t]*entries[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?$",
                              re.MULTILINE)
# Any other line whose first non-blank character is "[": a table header or the
# continuation of an array; _TABLE_HEADER_RE tells them apart. Matched from the
# newline before it (a literal, found at C speed); the text is searched from
# a newline put in front of it.
_OTHER_BRACKET_LINE_RE = re.compile(
    r"\n[ \t]*\[(?![ \t]*\[[ \t]*entries[ \t]*\]\][ \t]*(?:#[^\n]*)?\r?$)", re.MULTILINE)


def _scan(text: str) -> tuple[list[EntrySpan], dict[str, int], int, bool]:
    """Find each [[entries]] table's lines, each venue table's line, where the
    head of the file ends (a line index), and whether only [[entries]] tables
    follow the head. Lines end at "\n", as in TOML. Two regular expressions
    find the headers, so the lines in between cost nothing in Python."""
    only_entries_after_head = True
    spans: list[EntrySpan] = []
    venue_lines: dict[str, int] = {}
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
    line, counted = 0, 0
    for at, is_entry in found:
        line += text.count("\n", counted, at)
        counted = at
        if is_entry:
            if spans and spans[-1].end < 0:
                _close(text, spans[-1], line, at)
            spans.append(EntrySpan(lead=line, start=line, end=-1, lead_at=at, start_at=at))
            continue
        header = text[at:text.find("\n", at) % (len(text) + 1)].rstrip("\r")
        if not _TABLE_HEADER_RE.match(header):
            continue
        if spans:
            only_entries_after_head = False
            if spans[-1].end < 0:
                _close(text, spans[-1], line, at)
        if header.lstrip().startswith("[venues"):
            try:
                parsed = toml_parse.loads(header.split("#")[0] if "]" in header else header)
            except toml_parse.TOMLDecodeError:
                continue
            for key in parsed.get("venues", {}):
                venue_lines[key] = line + 1
    last = line + text.count("\n", counted) + (0 if text.endswith("\n") else 1)
    if spans and spans[-1].end < 0:
        _close(text, spans[-1], last, len(text))
    # Each entry's lead starts where the previous entry's table ended; the
    # first one's takes the comments and blank lines just above it.
    for previous, span in zip(spans, spans[1:], strict=False):
        span.lead, span.lead_at = previous.end, previous.end_at
    if spans:
        spans[0].lead, spans[0].lead_at = _back_over_comments(text, spans[0].start,
                                                              spans[0].start_at, 0)
    return spans, venue_lines, spans[0].lead if spans else last, only_entries_after_head


def _close(text: str, span: EntrySpan, next_line: int, next_at: int) -> None:
    """End an entry's table before the next table, leaving out the comments
    and blank lines right before that table: they belong to it."""
    span.end, span.end_at = _back_over_comments(text, next_line, next_at, span.start + 1)


def _back_over_comments(text: str, line: int, at: int, floor: int) -> tuple[int, int]:
    """From the start of line `line` (offset `at`), step back over blank and
    comment lines, not above line `floor`: the line and offset reached."""
    while line > floor:
        previous = text.rfind("\n", 0, at - 1) + 1
        content = text[previous:at].strip()
        if content and not content.startswith("#"):
            break
        line, at = line - 1, previous
    return line, at


def parse_text(text: str, path: Path) -> LoadedCatalog:
    """Parse catalog text. Raises InputError for text that is not TOML or not a catalog."""
    with paused_gc():
        return _parse_text(text, path)


def _parse_text(text: str, path: Path) -> LoadedCatalog:
    spans, venue_lines, _, only_entries_after_head = _scan(text)
    if only_entries_after_head:
        try:
            head = _parse_head(text, spans)
            return _build(text, path, spans, venue_lines, head, _parse_tables(text, spans))
        except _WholeDocumentNeeded:
            pass
    try:
        doc = toml_parse.loads(text)
    except toml_parse.TOMLDecodeError as exc:
        m = _TOML_ERROR_LINE_RE.search(str(exc))
        message = _TOML_ERROR_LINE_RE.sub("", str(exc)).strip()
        raise InputError(path.name, int(m.group(1)) if m else 0,
                         f"not valid TOML: {message}") from None
    return _build(text, path, spans, venue_lines, doc, doc.get("entries", []))


def _build(text: str, path: Path, spans: list[EntrySpan], venue_lines: dict[str, int],
           doc: dict[str, Any], raw_entries: Any) -> LoadedCatalog:
    """The catalog from the parsed head (`doc`) and entry tables."""
    name = path.name
    problems: list[Problem] = []
    report = _Reporter(name, problems)

    schema = doc.get("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        raise InputError(name, _top_line(text, "schema"),
                         f"schema {schema!r} is not one this ssl-bib reads "
                         f"(it reads schema {SCHEMA_VERSION})")
    categories = doc.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        report.error(_top_line(text, "categories"), "'categories' must be a list of strings")
        categories = []
    settings = convert_settings(doc.get("settings"), _top_line(text, "[settings]"), report)
    venues: dict[str, Venue] = {}
    raw_venues = doc.get("venues", {})
    if not isinstance(raw_venues, dict):
        report.error(_top_line(text, "venues"), "'venues' must be a table of tables")
        raw_venues = {}
    for key, raw in raw_venues.items():
        venue = convert_venue(key, raw, venue_lines.get(key, 0), report)
        if venue:
            venues[key] = venue
    known_top = {"schema", "categories", "settings", "venues", "entries"}
    for top in doc:
        if top not in known_top:
            report.error(_top_line(text, top), f"unknown top-level key '{top}'")

    if isinstance(raw_entries, list):
        if len(raw_entries) != len(spans):
            raise InputError(name, _top_line(text, "entries"),
                             "entries must be written as [[entries]] tables")
    elif not isinstance(raw_entries, Iterator):
        raise InputError(name, _top_line(text, "entries"),
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
    catalog = Catalog(entries=entries, venues=venues, categories=list(categories),
                      settings=settings, schema=schema)
    return LoadedCatalog(path=path, text=text, catalog=catalog, spans=kept_spans,
                         venue_lines=venue_lines, problems=problems,
                         snapshots=[entry_state(e) for e in entries],
                         pristine_head=_head_state(catalog), loaded_entries=list(entries))


class _WholeDocumentNeeded(Exception):
    """The file cannot be read a few tables at a time: parse it whole."""


def _parse_head(text: str, spans: list[EntrySpan]) -> dict[str, Any]:
    """The head of a catalog in the usual shape, parsed alone.

    Why the file is read in parts: parsed whole, a 100,000-entry catalog
    exists twice at its peak, as the parser's tables and as entries (17x the
    file size in memory); read a few tables at a time, each table is dropped
    once its entry is made, and the parser is faster too. It is the same
    document when the file is a head followed by [[entries]] tables only (the
    scan saw no other table header after the first entry, everything between
    the tables is comments, the head does not touch `entries`, each part
    holds exactly its tables). Anything else, and any syntax error, raises
    _WholeDocumentNeeded, so errors read exactly as they always did."""
    try:
        head = toml_parse.loads(text[:spans[0].start_at] if spans else text)
    except toml_parse.TOMLDecodeError:
        raise _WholeDocumentNeeded from None
    if "entries" in head:
        raise _WholeDocumentNeeded
    return head


def _parse_tables(text: str, spans: list[EntrySpan]) -> Iterator[Any]:
    """The [[entries]] tables, parsed a batch at a time (see _parse_head)."""
    for at in range(0, len(spans), _TABLES_AT_ONCE):
        batch = spans[at:at + _TABLES_AT_ONCE]
        try:
            chunk = toml_parse.loads(text[batch[0].start_at:batch[-1].end_at])
        except toml_parse.TOMLDecodeError:
            raise _WholeDocumentNeeded from None
        tables = chunk.get("entries")
        if len(chunk) != 1 or type(tables) is not list or len(tables) != len(batch):
            raise _WholeDocumentNeeded
        yield from tables


# Tables parsed per call: few enough that their parsed form is small next to
# the entries made of it, enough to make the cost of a call vanish.
_TABLES_AT_ONCE = 64


def _top_line(text: str, what: str) -> int:
    """1-based line of the first line that starts (after blanks) with `what`; 0 if none."""
    match = re.search(r"^[ \t]*" + re.escape(what), text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def load(path: Path) -> LoadedCatalog:
    """Read and parse a catalog file. Raises InputError with file:line on failure."""
    path = Path(path)
    try:
        raw = path.read_bytes()
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
    del raw  # the bytes are not needed while the text is parsed (a big file's peak)
    return parse_text(text, path)


def new_catalog(path: Path) -> LoadedCatalog:
    """An empty catalog that does not exist on disk yet (import bootstraps it)."""
    catalog = Catalog(settings=Settings())
    return LoadedCatalog(path=Path(path), text="", catalog=catalog, spans=[], venue_lines={},
                         problems=[], pristine_head=())


def render(loaded: LoadedCatalog) -> str:
    """The file's new text: unchanged entries verbatim, changed ones re-rendered."""
    with paused_gc():
        return _render(loaded)[0]


def _render(loaded: LoadedCatalog) -> tuple[str, _Layout | None]:
    """The new text and, unless it is a new file, where each entry now sits
    and its state (aligned with catalog.entries), known without a new parse."""
    catalog = loaded.catalog
    if not loaded.text:
        return render_catalog(catalog), None
    old = loaded.text if loaded.text.endswith("\n") else loaded.text + "\n"

    def stop(span: EntrySpan) -> int:
        # An entry that ends the text without a newline gets one.
        return span.end_at + (span.end_at == len(loaded.text) < len(old))

    spans = loaded.spans
    first = spans[0].lead_at if spans else len(old)
    last = stop(spans[-1]) if spans else len(old)
    head = old[:first]
    if _head_state(catalog) != loaded.pristine_head:
        head = _edit_head(head, catalog)
    # Match each entry to its old text by identity (it was edited in place),
    # else by key (it was replaced); each old text is used at most once.
    triples = list(zip(loaded.loaded_entries, loaded.snapshots, spans, strict=True))
    by_id = {id(e): (state, s) for e, state, s in triples}
    by_key: dict[str, tuple[tuple[Any, ...], EntrySpan]] = {}
    for e, state, s in triples:
        by_key.setdefault(e.key, (state, s))
    used: set[int] = set()
    layout = _Layout(head)
    for entry in catalog.entries:
        found = by_id.get(id(entry)) or by_key.get(entry.key)
        if found is not None and id(found[1]) not in used:
            state, span = found
            used.add(id(span))
            lead = old[span.lead_at:span.start_at]
            if unchanged(entry, state):  # its text as it was
                layout.add(lead, old[span.start_at:stop(span)], state, span.end - span.start)
            else:
                layout.add(lead, _render_checked(entry, loaded.name), entry_state(entry))
        else:
            text = _render_checked(entry, loaded.name)
            layout.add("\n" if not layout.ends_in_blank_line() else "", text,
                       entry_state(entry))
    return layout.finish(old[last:]), layout


class _Layout:
    """The new text, piece by piece, and where each entry lands in it: lines
    and offsets are counted as the pieces are put together, so a write need
    not scan the text it wrote."""

    def __init__(self, head: str) -> None:
        self.pieces = [head]
        self.at = len(head)
        self.line = head.count("\n")
        self.spans: list[EntrySpan] = []
        self.snapshots: list[tuple[Any, ...]] = []

    def ends_in_blank_line(self) -> bool:
        return not self.pieces[-1] or self.pieces[-1].endswith("\n\n")

    def add(self, lead: str, table: str, state: tuple[Any, ...],
            table_lines: int | None = None) -> None:
        lead_line, lead_at = self.line, self.at
        self.line += lead.count("\n")
        self.at += len(lead)
        start, start_at = self.line, self.at
        self.line += table.count("\n") if table_lines is None else table_lines
        self.at += len(table)
        self.spans.append(EntrySpan(lead=lead_line, start=start, end=self.line,
                                    lead_at=lead_at, start_at=start_at, end_at=self.at))
        self.snapshots.append(state)
        self.pieces += (lead, table)

    def finish(self, tail: str) -> str:
        self.pieces.append(tail)
        text = "".join(self.pieces)
        if self.spans:
            # As _scan reads it: the first lead takes the comments above it.
            first = self.spans[0]
            first.lead, first.lead_at = _back_over_comments(text, first.start,
                                                            first.start_at, 0)
        return text


def _render_checked(entry: Entry, name: str) -> str:
    """Render one entry and prove it reads back as the same entry, so a write
    can never produce a file the store cannot read (checked per entry, not
    per file, to keep a one-entry change to a big file fast)."""
    text = render_entry(entry)
    problems: list[Problem] = []
    raw = toml_parse.loads(text)["entries"][0]
    back = convert_entry(raw, lambda _field: 0, _Reporter(name, problems), 0)
    if back != entry or problems:
        detail = problems[0].message if problems else "it reads back differently"
        raise InputError(name, 0, f"entry {entry.key}: cannot be written: {detail}; "
                         "nothing was written")
    return text


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
    only what changed since the last one."""
    with paused_gc():
        text, layout = _render(loaded)
    if text == loaded.text:
        return False
    if layout is None or _head_state(loaded.catalog) != loaded.pristine_head:
        # A new file or an edited head: prove the whole file reads back.
        check = parse_text(text, loaded.path)
        if check.catalog != loaded.catalog:
            raise InputError(loaded.name, 0, "the catalog would not read back as the same "
                             "data; nothing was written")
        write_atomic(loaded.path, text)
        _rebaseline(loaded, text, check.spans, check.snapshots, check.venue_lines)
        return True
    write_atomic(loaded.path, text)
    _rebaseline(loaded, text, layout.spans, layout.snapshots, loaded.venue_lines)
    return True


def _rebaseline(loaded: LoadedCatalog, text: str, spans: list[EntrySpan],
                snapshots: list[tuple[Any, ...]], venue_lines: dict[str, int]) -> None:
    if len(spans) != len(loaded.catalog.entries):
        # Cannot happen for text we rendered; fall back to a full read.
        fresh = parse_text(text, loaded.path)
        spans, snapshots, venue_lines = fresh.spans, fresh.snapshots, fresh.venue_lines
    loaded.text, loaded._lines, loaded.spans = text, None, spans
    loaded.venue_lines = venue_lines
    loaded.snapshots = snapshots
    loaded.loaded_entries = list(loaded.catalog.entries)
    loaded.pristine_head = _head_state(loaded.catalog)
    loaded._by_id = loaded._by_key = None
