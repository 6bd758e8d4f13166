"""What a pull takes from a group besides its items, so that a new catalog
is complete: venues, categories and the order of the entries.

- From the catalog note (catalog_note.py), when the group has one: into a
  catalog with no entries yet, every venue and category it lists, in its
  order; into a catalog with entries, only the venues and categories the
  pulled items name (a venue or category the maintainer removed stays
  removed). A venue or category the catalog has is never changed: the
  catalog is the authority, the note its published copy.
- From the new items themselves: venues for the items no venue fits
  (venues.derive), and, when the group has no catalog note and the catalog
  no entries (or no categories) yet, the items' manual tags as categories,
  in the order the entries will have.
- The place of each new entry: the note's order when it knows the item (a
  new entry goes after the entry that precedes it there), else after the
  others, in the order the items were added to Zotero.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..model import Catalog, Entry
from . import venues
from .catalog_note import CatalogRecord
from .mapping import manual_tags


@dataclass
class Adopted:
    venues: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.venues or self.categories)


def added_order(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items in the order people added them to Zotero (dateAdded, then key)."""
    return sorted(items, key=lambda d: (str(d.get("dateAdded") or "~"), str(d.get("key"))))


def adopt(catalog: Catalog, record: CatalogRecord | None, new_items: list[dict[str, Any]],
          changed_items: list[dict[str, Any]], explicit: dict[str, str]) -> Adopted:
    """Give the catalog what the items need; returns what was added.
    `new_items` become entries this run (in their final order);
    `changed_items` are all items read this run; `explicit` maps an item key
    to the ssl-bib-venue line it carries."""
    out = Adopted()
    bootstrap = not catalog.entries
    if record is not None:
        _from_note(catalog, record, changed_items, explicit, bootstrap, out)
    clues = [c for c in (venues.item_venue(d, explicit.get(str(d.get("key")), ""))
                         for d in new_items) if c is not None]
    out.venues += [v.key for v in venues.derive(catalog, clues)]
    if record is None and (bootstrap or not catalog.categories):
        # A group people made: their tags are its categories. (A group ssl-bib
        # made names its categories in the note; other tags stay plain tags.)
        known = {c.casefold() for c in catalog.categories}
        for data in new_items:
            for tag in manual_tags(data):
                if tag.casefold() not in known:
                    known.add(tag.casefold())
                    catalog.categories.append(tag)
                    out.categories.append(tag)
    return out


def _from_note(catalog: Catalog, record: CatalogRecord, items: list[dict[str, Any]],
               explicit: dict[str, str], bootstrap: bool, out: Adopted) -> None:
    wanted = record.venues
    if not bootstrap:
        named = Catalog(venues={v.key: v for v in record.venues})
        keys = {venues.resolve(named, c) for c in (
            venues.item_venue(d, explicit.get(str(d.get("key")), "")) for d in items) if c}
        wanted = [v for v in record.venues if v.key in keys]
    for venue in wanted:
        if venue.key in catalog.venues or venues.by_name(catalog, venue.name) is not None:
            continue
        catalog.venues[venue.key] = copy.deepcopy(venue)
        out.venues.append(venue.key)
    known = {c.casefold() for c in catalog.categories}
    tags = {t.casefold() for d in items for t in manual_tags(d)}
    for category in record.categories:
        if category.casefold() not in known and (bootstrap or category.casefold() in tags):
            catalog.categories.append(category)
            known.add(category.casefold())
            out.categories.append(category)


def place(entries: list[Entry], new: list[Entry], order: list[str]) -> list[Entry]:
    """The catalog's entries with the new ones placed: each new entry the
    note's order knows goes right after the entry with the nearest smaller
    place in it (before all when there is none); the others follow all, in
    the order given."""
    if not new:
        return list(entries)
    position = {zkey: i for i, zkey in enumerate(order)}
    known = sorted((position[e.zotero_key], i) for i, e in enumerate(entries)
                   if e.zotero_key in position)
    places = [p for p, _ in known]
    after: dict[int, list[Entry]] = {}   # index in entries (-1: the front) -> new entries
    ranked = sorted((position[e.zotero_key], n) for n, e in enumerate(new)
                    if e.zotero_key in position)
    for place_in_order, n in ranked:
        at = bisect.bisect_left(places, place_in_order) - 1
        after.setdefault(known[at][1] if at >= 0 else -1, []).append(new[n])
    tail = [e for e in new if e.zotero_key not in position]
    out = list(after.get(-1, []))
    for index, entry in enumerate(entries):
        out.append(entry)
        out.extend(after.get(index, []))
    return out + tail
