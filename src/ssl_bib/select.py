"""Entry filters shared by `list` and `export`."""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Catalog, Entry
from .problems import InputError


@dataclass
class Filters:
    keys: list[str] = field(default_factory=list)
    year: int | None = None
    venue: str | None = None
    category: str | None = None
    search: str | None = None

    def active(self) -> bool:
        return bool(self.keys or self.year or self.venue or self.category or self.search)


def select(catalog: Catalog, filters: Filters, file: str = "entries.toml") -> list[Entry]:
    """Entries matching every given filter, in catalog order. `--key` names
    entries outright and must name real ones (an unknown key is an error)."""
    entries = catalog.entries
    if filters.keys:
        wanted: list[Entry] = []
        for key in filters.keys:
            entry = catalog.find(key)
            if entry is None:
                raise InputError(file, 0, f"no entry with key {key!r}")
            if entry not in wanted:
                wanted.append(entry)
        order = {id(e): i for i, e in enumerate(catalog.entries)}
        entries = sorted(wanted, key=lambda e: order[id(e)])
    if filters.year is not None:
        year = filters.year
        entries = [e for e in entries if e.year == year or year in e.sections]
    if filters.venue:
        wanted_venue = filters.venue.casefold()
        names = {key for key, v in catalog.venues.items()
                 if wanted_venue in {key.casefold(), v.name.casefold(),
                                     *(a.casefold() for a in v.aliases)}}
        entries = [e for e in entries if e.venue in names
                   or (e.venue or "").casefold() == wanted_venue]
    if filters.category:
        wanted_category = filters.category.casefold()
        entries = [e for e in entries if wanted_category in {c.casefold() for c in e.categories}]
    if filters.search:
        needle = filters.search.casefold()
        entries = [e for e in entries if needle in _haystack(e, catalog)]
    return entries


def _haystack(entry: Entry, catalog: Catalog) -> str:
    venue = catalog.venues.get(entry.venue or "")
    parts = [entry.key, *entry.key_aliases, entry.title, *entry.alt_titles,
             *(p.display() for p in entry.authors),
             entry.doi or "", entry.arxiv or "", entry.venue or "", venue.name if venue else ""]
    return "\n".join(parts).casefold()
