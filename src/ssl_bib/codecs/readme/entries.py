"""README rows -> catalog entries and venues.

Rows naming the same paper (same normalised title) become one entry listed
under each of their year sections. Identifiers hidden in links are extracted;
the link itself is kept. Nothing the README does not say is filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...keys import DEFAULT_KEY_FORMAT, assign_key
from ...model import Entry, Venue
from ...textnorm import normalize_title
from .rows import ParsedList, Row
from .venues import KNOWN_UNLISTED_VENUES, guess_venue_kind


@dataclass
class ListEntries:
    entries: list[Entry] = field(default_factory=list)
    venues: dict[str, Venue] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    # entry key -> the README rows it came from
    rows: dict[str, list[Row]] = field(default_factory=dict)


def split_categories(cell: str | None, known: set[str]) -> list[str]:
    """"MAE/Contrastive" names two categories when both are known on their own;
    "Multiple-tasks/Multi-tasking" is one, since its parts never stand alone."""
    if not cell:
        return []
    if " / " in cell:
        # The renderer's form: spaced slashes always separate categories.
        return [p.strip() for p in cell.split(" / ") if p.strip()]
    if cell in known:
        return [cell]
    parts = [p.strip() for p in cell.split("/") if p.strip()]
    if len(parts) > 1 and all(p in known for p in parts):
        return parts
    return [cell]


def list_categories(rows: list[Row]) -> list[str]:
    """The categories a README uses, in order of first use."""
    alone = {r.category for r in rows if r.category and "/" not in r.category}
    for row in rows:
        if row.category and " / " in row.category:
            alone.update(p.strip() for p in row.category.split(" / ") if p.strip())
    seen: dict[str, None] = {}
    for row in rows:
        for category in split_categories(row.category, alone):
            seen.setdefault(category, None)
    return list(seen)


def list_venues(parsed: ParsedList) -> dict[str, Venue]:
    venues = {v.key: Venue(key=v.key, name=v.name, kind=v.kind, url=v.url)
              for v in parsed.venues}
    for row in parsed.rows:
        if row.venue and row.venue not in venues:
            name, kind = KNOWN_UNLISTED_VENUES.get(
                row.venue.lower(), (row.venue, guess_venue_kind(row.venue, row.venue)))
            venues[row.venue] = Venue(key=row.venue, name=name, kind=kind,  # type: ignore[arg-type]
                                      listed=False)
    return venues


def entry_from_row(row: Row, categories: list[str], key: str) -> Entry:
    """The entry a row lists (the identifiers its link carries are found by
    the normalisation every reader's records go through)."""
    return Entry(key=key, title=row.title, year=row.listed_year() or 0, venue=row.venue,
                 categories=categories, url=row.link, code=list(row.code))


def from_list(parsed: ParsedList, taken_keys: set[str] | None = None,
              key_format: str = DEFAULT_KEY_FORMAT) -> ListEntries:
    out = ListEntries(venues=list_venues(parsed), categories=list_categories(parsed.rows))
    known = set(out.categories)
    taken = set(taken_keys or ())
    by_title: dict[str, Entry] = {}
    for row in parsed.rows:
        norm = normalize_title(row.title)
        same = by_title.get(norm)
        if same is not None:
            year = row.listed_year()
            if year is not None and not same.year:
                same.year = year
            elif year is not None and year not in same.listed_sections():
                same.sections = [*same.listed_sections(), year]
            out.rows[same.key].append(row)
            continue
        entry = entry_from_row(row, split_categories(row.category, known), "")
        entry.key = assign_key(entry, taken, key_format)
        taken.add(entry.key)
        by_title[norm] = entry
        out.entries.append(entry)
        out.rows[entry.key] = [row]
    return out
