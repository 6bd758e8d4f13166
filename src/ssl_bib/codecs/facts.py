"""What the export formats derive from an entry alike, derived once per entry
while several formats of the same entries are written.

`export --all` writes BibTeX, biblatex, RIS and CSL-JSON of the same entries:
each writer made the same clean title, authors, venue and container names,
keywords and notes again (and BibTeX and biblatex the same LaTeX title),
a third of their time on a big catalog. Inside `shared()` the first writer
to ask for an entry's facts keeps them for the others; outside it (one
format) they are made for the call and dropped, as before.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from ..model import Catalog, Entry, EntryType, Person
from . import fields as f

# id(entry) -> its facts, while shared() is open; the facts hold the entry,
# so an id is never reused for another entry meanwhile.
_SHARED: dict[int, Facts] | None = None


@contextlib.contextmanager
def shared() -> Iterator[None]:
    """Keep each entry's facts for the block (writers of several formats)."""
    global _SHARED
    outer = _SHARED
    if outer is None:
        _SHARED = {}
    try:
        yield
    finally:
        _SHARED = outer


def facts(catalog: Catalog, entry: Entry) -> Facts:
    """The entry's facts: kept ones inside shared(), else made now."""
    if _SHARED is None:
        return Facts(catalog, entry)
    known = _SHARED.get(id(entry))
    if known is None or known.catalog is not catalog:
        known = _SHARED[id(entry)] = Facts(catalog, entry)
    return known


class Facts:
    """One entry's values as every format writes them (codecs.fields), and
    its title's and authors' LaTeX, which BibTeX makes and biblatex may
    reuse (`latex`, `names`)."""

    __slots__ = ("catalog", "entry", "kind", "title", "persons", "venue", "container",
                 "keywords", "note", "notes", "pages", "latex", "names")

    def __init__(self, catalog: Catalog, entry: Entry) -> None:
        self.catalog, self.entry = catalog, entry
        self.kind: EntryType = catalog.entry_type(entry)
        self.title = f.clean(entry.title)
        self.persons: list[Person] = f.people(entry)
        self.venue = f.venue_name(catalog, entry)
        self.container = f.clean(entry.container_title) or self.venue
        self.keywords = [c for c in map(f.clean, entry.categories) if c]
        code = f.code_notes(entry) if entry.code else []
        note = f.clean(entry.note)
        self.notes = [n for n in (note, *code) if n]
        self.note = "; ".join(self.notes)
        self.pages = f.page_range(entry.pages) if entry.pages else ("", "")
        # The title's LaTeX, by ascii_only (None: the same for both).
        self.latex: dict[bool | None, str] = {}
        # The authors' LaTeX as a writer made it, and for which ascii_only.
        self.names: tuple[str, bool] | None = None
