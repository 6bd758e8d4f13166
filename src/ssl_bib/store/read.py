"""Reading a catalog: the file's bytes to a LoadedCatalog, every problem
reported with file:line, the bad value left out and the rest kept.

Reads use a compiled TOML parser (toml_parse), a few tables at a time where
the file has the usual shape (parts), else the whole document."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import toml_parse
from ..gcpause import paused_gc
from ..lazy_re import compiled
from ..model import Catalog, Entry, Settings, Venue
from ..problems import InputError, Problem
from ..toml_read import ProblemLog, convert_entry, convert_settings, convert_venue
from . import parts
from .loaded import DiskState, LoadedCatalog, entry_state, head_state
from .spans import EntrySpan

if TYPE_CHECKING:
    from ..toml_scan import Layout


SCHEMA_VERSION = 1


_TOML_ERROR_LINE_RE = compiled(r"\(at line (\d+), column \d+\)")


def parse_text(text: str, path: Path, *, for_update: bool = True) -> LoadedCatalog:
    """Parse catalog text. Raises InputError for text that is not TOML or not a
    catalog. `for_update` takes each entry's snapshot now (see load)."""
    with paused_gc():
        return _parse_text(text, path, for_update)


def _parse_text(text: str, path: Path, for_update: bool) -> LoadedCatalog:
    quick = parts.quick_spans(text)
    if quick is not None:
        spans, venue_lines, settings_line = quick
        try:
            head = parts.parse_head(text, spans)
            return _build(text, path, (spans, venue_lines, None), head,
                          parts.parse_tables(text, spans), for_update, settings_line)
        except parts.WholeDocumentNeeded:
            pass
    try:
        scanned: tuple[list[EntrySpan], dict[str, int], Layout] | None = parts.entry_spans(text)
    except Exception:  # noqa: BLE001 - text the scan cannot walk: the parser says why
        scanned = None
    if scanned is not None and parts.only_entries_after_head(scanned[2]):
        spans = scanned[0]
        try:
            head = parts.parse_head(text, spans)
            return _build(text, path, scanned, head, parts.parse_tables(text, spans), for_update)
        except parts.WholeDocumentNeeded:
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
    return _build(text, path, scanned or parts.entry_spans(text), doc, doc.get("entries", []),
                  for_update)


def _build(text: str, path: Path,
           scanned: tuple[list[EntrySpan], dict[str, int], Layout | None],
           doc: dict[str, Any], raw_entries: Any, for_update: bool,
           settings_line: int | None = None) -> LoadedCatalog:
    """The catalog from the parsed head (`doc`) and the entry tables (a list
    from the whole document, or an iterator from parse_tables)."""
    name = path.name
    spans, venue_lines, scanned_layout = scanned
    known: list[Layout] = [scanned_layout] if scanned_layout is not None else []

    def layout() -> Layout:  # the exact scan, only to locate a problem in the head
        if not known:
            from ..toml_scan import scan

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
                         pristine_head=head_state(catalog), loaded_entries=list(entries))


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
    from ..toml_scan import parse_key, statement_keys

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
