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
    """One entry's values as every format writes them (codecs.fields): its
    text fields as one clean line each (made once here, not by each writer
    for each field), the identifiers as written (validated or encoded on
    first use, so each writer still meets a bad one where it did), and its
    title's and authors' LaTeX, which BibTeX makes and biblatex may reuse
    (`latex`, `names`)."""

    __slots__ = ("catalog", "entry", "kind", "title", "persons", "venue", "container",
                 "container_title", "series", "volume", "issue", "pages_text", "pages",
                 "article_number", "publisher", "issn", "isbn", "abstract",
                 "keywords", "note", "notes", "latex", "names", "_written")

    def __init__(self, catalog: Catalog, entry: Entry) -> None:
        self.catalog, self.entry = catalog, entry
        self.kind: EntryType = catalog.entry_type(entry)
        clean = f.clean
        self.title = clean(entry.title)
        self.persons: list[Person] = f.people(entry)
        self.venue = f.venue_name(catalog, entry)
        # Every text field as one clean line, "" for none (most are none: no call).
        self.container_title = clean(entry.container_title) if entry.container_title else ""
        self.container = self.container_title or self.venue
        self.series = clean(entry.series) if entry.series else ""
        self.volume = clean(entry.volume) if entry.volume else ""
        self.issue = clean(entry.issue) if entry.issue else ""
        self.pages_text = clean(entry.pages) if entry.pages else ""
        self.article_number = clean(entry.article_number) if entry.article_number else ""
        self.publisher = clean(entry.publisher) if entry.publisher else ""
        self.issn = clean(entry.issn) if entry.issn else ""
        self.isbn = clean(entry.isbn) if entry.isbn else ""
        self.abstract = clean(entry.abstract) if entry.abstract else ""
        self.keywords = [c for c in map(clean, entry.categories) if c]
        note = clean(entry.note) if entry.note else ""
        if entry.code:
            self.notes = [n for n in (note, *f.code_notes(entry)) if n]
        else:
            self.notes = [note] if note else []
        # One clean line (a code link's URL is only stripped in `notes`, as RIS writes it).
        self.note = clean("; ".join(self.notes))
        self.pages = f.page_range(self.pages_text) if self.pages_text else ("", "")
        # The title's LaTeX, by ascii_only (None: the same for both).
        self.latex: dict[bool | None, str] = {}
        # The authors' LaTeX as a writer made it, and for which ascii_only.
        self.names: tuple[str, bool] | None = None
        # Identifiers as written, by what was asked (see written()).
        self._written: dict[str, str] = {}

    def doi(self) -> str:
        """fields.doi as one clean line: the bare DOI, or ""; ExportError
        for a bad one."""
        known = self._written.get("doi")
        if known is None:
            known = self._written["doi"] = f.clean(f.doi(self.entry))
        return known

    def url(self, ascii_only: bool = False) -> str:
        """fields.url as one clean line: the link as written, or "";
        ExportError for a bad one."""
        name = "url-ascii" if ascii_only else "url"
        known = self._written.get(name)
        if known is None:
            known = self._written[name] = f.clean(f.url(self.entry, ascii_only=ascii_only))
        return known

    def identifier(self, name: str) -> str:
        """fields.identifier (arxiv, arxiv_class...); ExportError for a bad one."""
        known = self._written.get(name)
        if known is None:
            known = self._written[name] = f.identifier(self.entry, name)
        return known
