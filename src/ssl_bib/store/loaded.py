"""The loaded catalog (LoadedCatalog): the data, the text it was read from,
where each entry sits, and each entry's state as read, which tells a save
what a command changed."""

from __future__ import annotations

import copy
import dataclasses
import operator
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import toml_parse
from ..model import Catalog, Entry, Settings, Venue
from ..problems import Problem
from ..records import FACTORY, DataMethods, FrozenDataMethods, set_field
from .spans import EntrySpan


@dataclass(frozen=True, init=False, repr=False, eq=False)
class DiskState(FrozenDataMethods):
    """What the catalog file held when this process last read or wrote it,
    which a save compares with the file before replacing it: its size, its
    mtime and its text, whose UTF-8 is exactly the file's bytes (the text
    was strictly decoded from them, or encoded into them). The text is the
    one the catalog holds anyway: no copy, and no hash of every file read."""

    size: int
    mtime_ns: int
    text: str = field(repr=False)

    def __init__(self, size: int, mtime_ns: int, text: str) -> None:
        set_field(self, "size", size)
        set_field(self, "mtime_ns", mtime_ns)
        set_field(self, "text", text)

    def holds(self, data: bytes, info: os.stat_result) -> bool:
        """Whether the file, read now as `data`, is still this. Size and
        mtime tell a change at once; equal ones are confirmed by the content
        itself, since a same-size edit within one timestamp tick fools them."""
        return (len(data) == self.size and info.st_mtime_ns == self.mtime_ns
                and data == self.text.encode("utf-8"))


@dataclass(init=False, repr=False, eq=False)
class LoadedCatalog(DataMethods):
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

    def __init__(self, path: Path, text: str, catalog: Catalog, spans: list[EntrySpan],
                 venue_lines: dict[str, int], problems: list[Problem],
                 snapshots: list[tuple[Any, ...]] | None = None,
                 pristine_head: tuple[Any, ...] = (), loaded_entries: list[Entry] = FACTORY,
                 disk: DiskState | None = None, force: bool = False,
                 _lines: list[str] | None = None, _by_id: dict[int, EntrySpan] | None = None,
                 _by_key: dict[str, EntrySpan] | None = None) -> None:
        self.path = path
        self.text = text
        self.catalog = catalog
        self.spans = spans
        self.venue_lines = venue_lines
        self.problems = problems
        self.snapshots = snapshots
        self.pristine_head = pristine_head
        self.loaded_entries = [] if loaded_entries is FACTORY else loaded_entries
        self.disk = disk
        self.force = force
        self._lines = _lines
        self._by_id = _by_id
        self._by_key = _by_key

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
            from .read import parse_text  # read builds this class: imported when run

            self.snapshots = parse_text(self.text, self.path).states()
        return self.snapshots

    def nothing_to_save(self) -> bool:
        """Whether a save would write nothing, told without the writing side:
        the file is on disk, its entries are the ones read, in their order,
        each as read (its snapshot), and the head as read. (A save finds the
        same; this spares a command that changed nothing, such as an import
        of papers the catalog has, loading the splice and the writers.)"""
        entries, loaded = self.catalog.entries, self.loaded_entries
        return (self.disk is not None and self.snapshots is not None
                and len(entries) == len(loaded) == len(self.snapshots)
                and all(map(operator.is_, entries, loaded))
                and all(map(unchanged, entries, self.snapshots))
                and head_view(self.catalog) == self.pristine_head)

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
            from ..toml_scan import split_lines

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
scalar_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(Entry)
                                 if f.name not in _CONTAINER_FIELDS))
container_fields = operator.attrgetter(*_CONTAINER_FIELDS)


_COPY = operator.methodcaller("copy")


def entry_state(entry: Entry) -> tuple[Any, ...]:
    """Every field of an entry, its lists and tables copied, so that a later
    change in place does not reach the copy. `unchanged(entry, state)` holds
    exactly when the entry equals the one the state was taken of. Taken only
    for catalogs loaded for update (see load)."""
    return scalar_fields(entry), tuple(map(_COPY, container_fields(entry)))


def unchanged(entry: Entry, state: tuple[Any, ...]) -> bool:
    """Next to free for an unchanged entry, all in C: its values are the very
    objects held in the state, which Python compares by identity first."""
    return bool(scalar_fields(entry) == state[0] and container_fields(entry) == state[1])


def head_state(catalog: Catalog) -> tuple[Any, ...]:
    """The head (schema, categories, settings, venues) copied, so that a later
    change in place does not reach the copy: the pristine head of a load."""
    return (catalog.schema, list(catalog.categories), copy.deepcopy(catalog.settings),
            copy.deepcopy(catalog.venues))


def head_view(catalog: Catalog) -> tuple[Any, ...]:
    """The head as it is now, nothing copied: equal to a pristine head exactly
    when head_state(catalog) would be (a deep copy of the venues took longer
    than the rest of a check of the bundled catalog)."""
    return (catalog.schema, list(catalog.categories), catalog.settings, catalog.venues)
