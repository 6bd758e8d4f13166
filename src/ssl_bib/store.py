"""The catalog store: read entries.toml, know where everything is, write it back.

Reading uses a compiled TOML parser, tomllib where it is missing (toml_parse),
plus one cheap scan for line numbers. Writing splices: entries that did not change
keep their original bytes, comments included; only changed entries are
re-rendered. The head of the file (settings, venues) is edited with tomlkit,
which keeps its comments, and only when it changed.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
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

_ENTRY_HEADER_RE = re.compile(r"^\s*\[\[\s*entries\s*\]\]\s*(#.*)?$")
# A table header line; an array element such as `["a", "b"],` is not one.
_TABLE_HEADER_RE = re.compile(r"^\s*\[\[?\s*[A-Za-z0-9_\"'.\- ]+\s*\]\]?\s*(#.*)?$")
_FIELD_RE = re.compile(r'^\s*"?([A-Za-z0-9_\-]+)"?\s*[=.]')
_TOML_ERROR_LINE_RE = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass
class EntrySpan:
    """Where one entry sits: lines [start, end) hold its table, 0-based;
    `lead` is where the comments and blank lines just before it begin."""

    lead: int
    start: int
    end: int
    _field_lines: dict[str, int] | None = None

    def field_line(self, lines: list[str], field_name: str) -> int:
        """0-based line of a field's first line; the table's header line if absent.
        Found on demand: only problem reports need it."""
        if self._field_lines is None:
            self._field_lines = {}
            for j in range(self.start + 1, self.end):
                m = _FIELD_RE.match(lines[j])
                if m:
                    self._field_lines.setdefault(m.group(1), j)
        return self._field_lines.get(field_name, self.start)


@dataclass
class LoadedCatalog:
    """A catalog with what is needed to report on it and splice it back."""

    path: Path
    text: str
    catalog: Catalog
    spans: list[EntrySpan]
    venue_lines: dict[str, int]
    problems: list[Problem]
    # The entry tables as the TOML parser read them, to tell which entries a command
    # changed: converting them again at save time is far cheaper than
    # deep-copying every entry at load time.
    raw_entries: list[dict[str, Any]] = field(default_factory=list)
    pristine_head: tuple[Any, ...] = ()
    # The entry objects as loaded, in file order, aligned with `spans`.
    loaded_entries: list[Entry] = field(default_factory=list)
    # The file's lines, for locating fields on demand.
    lines: list[str] = field(default_factory=list, repr=False)
    _by_id: dict[int, EntrySpan] | None = field(default=None, repr=False, compare=False)
    _by_key: dict[str, EntrySpan] | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.path.name

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
            return span.field_line(self.lines, field_name) + 1
        return span.start + 1


def _head_state(catalog: Catalog) -> tuple[Any, ...]:
    return (catalog.schema, list(catalog.categories), copy.deepcopy(catalog.settings),
            copy.deepcopy(catalog.venues))


def _scan(lines: list[str]) -> tuple[list[EntrySpan], dict[str, int], int]:
    """Find each [[entries]] table's lines, each venue table's line, and where
    the head of the file ends."""
    spans: list[EntrySpan] = []
    venue_lines: dict[str, int] = {}
    headers = [i for i, line in enumerate(lines)
               if (line.startswith("[") or (line[:1] in " \t" and line.lstrip().startswith("[")))
               and _TABLE_HEADER_RE.match(line)]
    head_end = len(lines)
    for n, i in enumerate(headers):
        line = lines[i]
        nxt = headers[n + 1] if n + 1 < len(headers) else len(lines)
        if _ENTRY_HEADER_RE.match(line):
            head_end = min(head_end, i)
            end = nxt
            # Comments and blank lines right before the next table belong to it.
            while end > i + 1 and (not lines[end - 1].strip() or
                                   lines[end - 1].lstrip().startswith("#")):
                end -= 1
            spans.append(EntrySpan(lead=i, start=i, end=end))
        elif line.lstrip().startswith("[venues"):
            try:
                parsed = toml_parse.loads(line.split("#")[0] if "]" in line else line)
            except toml_parse.TOMLDecodeError:
                continue
            for key in parsed.get("venues", {}):
                venue_lines[key] = i + 1
    # Each entry's lead starts where the previous entry's table ended.
    for n, span in enumerate(spans):
        if n > 0:
            span.lead = spans[n - 1].end
        else:
            lead = span.start
            while lead > 0 and (not lines[lead - 1].strip() or
                                lines[lead - 1].lstrip().startswith("#")):
                lead -= 1
            span.lead = lead
    if spans:
        head_end = spans[0].lead
    return spans, venue_lines, head_end


def parse_text(text: str, path: Path) -> LoadedCatalog:
    """Parse catalog text. Raises InputError for text that is not TOML or not a catalog."""
    with paused_gc():
        return _parse_text(text, path)


def _parse_text(text: str, path: Path) -> LoadedCatalog:
    name = path.name
    try:
        doc = toml_parse.loads(text)
    except toml_parse.TOMLDecodeError as exc:
        m = _TOML_ERROR_LINE_RE.search(str(exc))
        message = _TOML_ERROR_LINE_RE.sub("", str(exc)).strip()
        raise InputError(name, int(m.group(1)) if m else 0,
                         f"not valid TOML: {message}") from None
    lines = text.splitlines()
    spans, venue_lines, _ = _scan(lines)
    problems: list[Problem] = []
    report = _Reporter(name, problems)

    schema = doc.get("schema", SCHEMA_VERSION)
    if schema != SCHEMA_VERSION:
        raise InputError(name, _top_line(lines, "schema"),
                         f"schema {schema!r} is not one this ssl-bib reads "
                         f"(it reads schema {SCHEMA_VERSION})")
    categories = doc.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        report.error(_top_line(lines, "categories"), "'categories' must be a list of strings")
        categories = []
    settings = convert_settings(doc.get("settings"), _top_line(lines, "[settings]"), report)
    venues: dict[str, Venue] = {}
    raw_venues = doc.get("venues", {})
    if not isinstance(raw_venues, dict):
        report.error(_top_line(lines, "venues"), "'venues' must be a table of tables")
        raw_venues = {}
    for key, raw in raw_venues.items():
        venue = convert_venue(key, raw, venue_lines.get(key, 0), report)
        if venue:
            venues[key] = venue
    known_top = {"schema", "categories", "settings", "venues", "entries"}
    for top in doc:
        if top not in known_top:
            report.error(_top_line(lines, top), f"unknown top-level key '{top}'")

    raw_entries = doc.get("entries", [])
    if not isinstance(raw_entries, list) or len(raw_entries) != len(spans):
        raise InputError(name, _top_line(lines, "entries"),
                         "entries must be written as [[entries]] tables")
    entries: list[Entry] = []
    kept_spans: list[EntrySpan] = []
    kept_raw: list[dict[str, Any]] = []
    for index, (raw, span) in enumerate(zip(raw_entries, spans, strict=True)):
        def line_of(field_name: str, span: EntrySpan = span) -> int:
            return span.field_line(lines, field_name) + 1

        entry = convert_entry(raw, line_of, report, index)
        if entry is not None:
            entries.append(entry)
            kept_spans.append(span)
            kept_raw.append(raw)
    catalog = Catalog(entries=entries, venues=venues, categories=list(categories),
                      settings=settings, schema=schema)
    return LoadedCatalog(path=path, text=text, catalog=catalog, spans=kept_spans,
                         venue_lines=venue_lines, problems=problems,
                         raw_entries=kept_raw, pristine_head=_head_state(catalog), lines=lines,
                         loaded_entries=list(entries))


def _top_line(lines: list[str], what: str) -> int:
    for i, line in enumerate(lines):
        if line.lstrip().startswith(what):
            return i + 1
    return 0


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
    return parse_text(text, path)


def new_catalog(path: Path) -> LoadedCatalog:
    """An empty catalog that does not exist on disk yet (import bootstraps it)."""
    catalog = Catalog(settings=Settings())
    return LoadedCatalog(path=Path(path), text="", catalog=catalog, spans=[], venue_lines={},
                         problems=[], raw_entries=[], pristine_head=())


def render(loaded: LoadedCatalog) -> str:
    """The file's new text: unchanged entries verbatim, changed ones re-rendered."""
    with paused_gc():
        return _render(loaded)[0]


def _render(loaded: LoadedCatalog) -> tuple[str, list[dict[str, Any]] | None]:
    """The new text and, when known without a full parse, each entry's table as
    the TOML parser reads it (aligned with catalog.entries)."""
    catalog = loaded.catalog
    if not loaded.text:
        return render_catalog(catalog), None
    lines = loaded.text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    spans = loaded.spans
    first = spans[0].lead if spans else len(lines)
    last = spans[-1].end if spans else len(lines)
    head = "".join(lines[:first])
    if _head_state(catalog) != loaded.pristine_head:
        head = _edit_head(head, catalog)
    # Match each entry to its old text by identity (it was edited in place),
    # else by key (it was replaced); each old text is used at most once.
    triples = list(zip(loaded.loaded_entries, loaded.raw_entries, spans, strict=True))
    by_id = {id(e): (raw, s) for e, raw, s in triples}
    by_key: dict[str, tuple[dict[str, Any], EntrySpan]] = {}
    for e, raw, s in triples:
        by_key.setdefault(e.key, (raw, s))
    used: set[int] = set()
    quiet = _Reporter(loaded.name, [])
    out = [head]
    raws: list[dict[str, Any]] = []
    for entry in catalog.entries:
        found = by_id.get(id(entry)) or by_key.get(entry.key)
        if found is not None and id(found[1]) not in used:
            raw, span = found
            used.add(id(span))
            lead = "".join(lines[span.lead:span.start])
            if entry == convert_entry(raw, lambda _field: 0, quiet, 0):
                out.append(lead + "".join(lines[span.start:span.end]))
                raws.append(raw)
                continue
            text, raw = _render_checked(entry, loaded.name)
            out.append(lead + text)
        else:
            sep = "\n" if out[-1] and not out[-1].endswith("\n\n") else ""
            text, raw = _render_checked(entry, loaded.name)
            out.append(sep + text)
        raws.append(raw)
    out.append("".join(lines[last:]))
    return "".join(out), raws


def _render_checked(entry: Entry, name: str) -> tuple[str, dict[str, Any]]:
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
    return text, raw


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
        text, raws = _render(loaded)
    if text == loaded.text:
        return False
    if raws is None or _head_state(loaded.catalog) != loaded.pristine_head:
        # A new file or an edited head: prove the whole file reads back.
        check = parse_text(text, loaded.path)
        if check.catalog != loaded.catalog:
            raise InputError(loaded.name, 0, "the catalog would not read back as the same "
                             "data; nothing was written")
        raws = check.raw_entries
    write_atomic(loaded.path, text)
    _rebaseline(loaded, text, raws)
    return True


def _rebaseline(loaded: LoadedCatalog, text: str, raws: list[dict[str, Any]]) -> None:
    lines = text.splitlines()
    spans, venue_lines, _ = _scan(lines)
    if len(spans) != len(loaded.catalog.entries) or len(raws) != len(spans):
        # Cannot happen for text we rendered; fall back to a full read.
        fresh = parse_text(text, loaded.path)
        spans, raws, venue_lines = fresh.spans, fresh.raw_entries, fresh.venue_lines
    loaded.text, loaded.lines, loaded.spans = text, lines, spans
    loaded.venue_lines = venue_lines
    loaded.raw_entries = raws
    loaded.loaded_entries = list(loaded.catalog.entries)
    loaded.pristine_head = _head_state(loaded.catalog)
    loaded._by_id = loaded._by_key = None
