"""The catalog's data model: plain typed dataclasses, no I/O.

Every other module speaks in these types. Field names here are the field names
of entries.toml and of `ssl-bib list --json`, so a reader can map one to the
other without a table.

Their `__init__` is written out and their repr, equality and hash come from
records.py: the dataclass decorator generating them took 3.5 ms of the start
of every command that reads a catalog (see records.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .records import FACTORY as _FACTORY
from .records import DataMethods, FrozenDataMethods
from .records import set_field as _set

VenueKind = Literal["journal", "conference", "preprint", "workshop"]
VENUE_KINDS: tuple[VenueKind, ...] = ("journal", "conference", "preprint", "workshop")

# What an entry is, for the exporters: derived from its venue's kind unless the
# entry says otherwise (a journal's preprint, say).
EntryType = Literal["article", "inproceedings", "preprint"]
ENTRY_TYPES: tuple[EntryType, ...] = ("article", "inproceedings", "preprint")
# The publication an entry is when only its venue's kind says so.
_TYPE_OF_VENUE: dict[VenueKind, EntryType] = {
    "journal": "article", "conference": "inproceedings", "workshop": "inproceedings",
    "preprint": "preprint"}


# Generational and similar suffixes, as BibTeX's "von Last, Jr, First" and
# CSL's `suffix` carry them ("Smith, Jr." from Crossref means family Smith).
NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "vi", "2nd",
                           "3rd", "4th", "esq", "esq."})


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class Person(FrozenDataMethods):
    """An author: a person (family, given, suffix such as "Jr.") or, with
    `literal`, an organisation or any name never to be split ("Acme, Inc.",
    "Council on X, Y"), held whole in `family`. `given` is empty for
    single-name authors."""

    family: str
    given: str = ""
    orcid: str | None = None
    suffix: str = ""
    literal: bool = False

    def __init__(self, family: str, given: str = "", orcid: str | None = None,
                 suffix: str = "", literal: bool = False) -> None:
        _set(self, "family", family)
        _set(self, "given", given)
        _set(self, "orcid", orcid)
        _set(self, "suffix", suffix)
        _set(self, "literal", literal)

    @classmethod
    def parse(cls, text: str) -> Person:
        """Read the catalog's "Family, Given" form; no comma means one name."""
        family, sep, given = text.partition(",")
        if not sep:
            return cls(family=text.strip())
        return cls(family=family.strip(), given=given.strip())

    @classmethod
    def named(cls, family: str, given: str = "", suffix: str = "",
              orcid: str | None = None) -> Person:
        """A person from another source's parts, whitespace tidied, and a
        suffix that a source left inside the family or given name
        ("Smith, Jr.", "John, Jr.") moved to `suffix`."""
        family, given, suffix = _tidy(family), _tidy(given), _tidy(suffix)
        for part in ("family", "given"):
            value = family if part == "family" else given
            head, sep, tail = value.rpartition(",")
            if sep and not suffix and tail.strip().casefold() in NAME_SUFFIXES and head.strip():
                suffix = tail.strip()
                if part == "family":
                    family = head.strip()
                else:
                    given = head.strip()
        if not family and given:
            family, given = given, ""
        return cls(family=family, given=given, orcid=orcid, suffix=suffix)

    @classmethod
    def organisation(cls, name: str, orcid: str | None = None) -> Person:
        """A name kept whole (an organisation, a consortium)."""
        return cls(family=_tidy(name), orcid=orcid, literal=True)

    @classmethod
    def parse_listed(cls, text: str) -> Person:
        """The "Last, First, Suffix" form of RIS and similar lists."""
        parts = [p.strip() for p in text.split(",")]
        if len(parts) == 3 and parts[2].casefold() in NAME_SUFFIXES:
            return cls.named(parts[0], parts[1], parts[2])
        family, _, given = text.partition(",")
        return cls.named(family, given)

    def display(self) -> str:
        """The name for people to read: "Family, Given" ("Family, Given, Jr.")."""
        if self.literal or not (self.given or self.suffix):
            return self.family
        return ", ".join(p for p in (self.family, self.given, self.suffix) if p)

    def is_plain(self) -> bool:
        """Whether the "Family, Given" string says all there is: no suffix,
        ORCID or literal flag, and reading the string back gives this person
        (a comma or an outer space in a part would not)."""
        return (not self.literal and not self.suffix and self.orcid is None
                and "," not in self.family and "," not in self.given
                and self.family == self.family.strip() and self.given == self.given.strip()
                and bool(self.family))


def _tidy(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class CodeLink(FrozenDataMethods):
    """A code repository of a paper, labelled by framework as the list does."""

    label: str
    url: str

    def __init__(self, label: str, url: str) -> None:
        _set(self, "label", label)
        _set(self, "url", url)


@dataclass(frozen=True, slots=True, init=False, repr=False, eq=False)
class Correction(FrozenDataMethods):
    """A change curation made to what the list said, kept visible in the entry:
    which field, what the list said, what it says now, and why."""

    field: str
    was: str
    now: str
    why: str

    def __init__(self, field: str, was: str, now: str, why: str) -> None:
        _set(self, "field", field)
        _set(self, "was", was)
        _set(self, "now", now)
        _set(self, "why", why)


@dataclass(init=False, repr=False, eq=False)
class Venue(DataMethods):
    """A journal or conference, keyed by the abbreviation the list's tables use."""

    key: str
    name: str
    kind: VenueKind
    url: str | None = None
    # False for venues the tables use but the list's venue list lacks.
    listed: bool = True
    aliases: list[str] = field(default_factory=list)
    issn: str | None = None

    def __init__(self, key: str, name: str, kind: VenueKind, url: str | None = None,
                 listed: bool = True, aliases: list[str] = _FACTORY,
                 issn: str | None = None) -> None:
        self.key = key
        self.name = name
        self.kind = kind
        self.url = url
        self.listed = listed
        self.aliases = [] if aliases is _FACTORY else aliases
        self.issn = issn


@dataclass(slots=True, init=False, repr=False, eq=False)
class Entry(DataMethods):
    """One paper. Only `key`, `title` and `year` are required."""

    key: str
    title: str
    year: int
    venue: str | None = None
    # Keys the entry had before `ssl-bib keys refresh` gave it a new one: papers
    # already cite them, so they keep resolving (biblatex `ids`, `--aux`, `show`).
    key_aliases: list[str] = field(default_factory=list)
    entry_type: EntryType | None = None
    categories: list[str] = field(default_factory=list)
    # Other titles the paper is listed under (an earlier name, a list's typo).
    alt_titles: list[str] = field(default_factory=list)
    # README year sections the paper is listed in, when they are not just `year`.
    sections: list[int] = field(default_factory=list)
    authors: list[Person] = field(default_factory=list)
    url: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    arxiv_class: str | None = None
    pii: str | None = None
    ieee: str | None = None
    pmlr: str | None = None
    openreview: str | None = None
    code: list[CodeLink] = field(default_factory=list)
    month: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    article_number: str | None = None
    publisher: str | None = None
    container_title: str | None = None
    series: str | None = None
    issn: str | None = None
    isbn: str | None = None
    abstract: str | None = None
    note: str | None = None
    zotero_key: str | None = None
    # Seed errors fixed by curation, each with its evidence.
    corrections: list[Correction] = field(default_factory=list)
    # Doubts nobody could settle yet ("no verified record"); `check` reports each.
    doubts: list[str] = field(default_factory=list)
    # field name -> where its value came from ("seed README row 12", "crossref 2026-11-26").
    provenance: dict[str, str] = field(default_factory=dict)

    def __init__(
            self, key: str, title: str, year: int, venue: str | None = None,
            key_aliases: list[str] = _FACTORY, entry_type: EntryType | None = None,
            categories: list[str] = _FACTORY, alt_titles: list[str] = _FACTORY,
            sections: list[int] = _FACTORY, authors: list[Person] = _FACTORY,
            url: str | None = None, doi: str | None = None, arxiv: str | None = None,
            arxiv_class: str | None = None, pii: str | None = None, ieee: str | None = None,
            pmlr: str | None = None, openreview: str | None = None,
            code: list[CodeLink] = _FACTORY, month: int | None = None,
            volume: str | None = None, issue: str | None = None, pages: str | None = None,
            article_number: str | None = None, publisher: str | None = None,
            container_title: str | None = None, series: str | None = None,
            issn: str | None = None, isbn: str | None = None, abstract: str | None = None,
            note: str | None = None, zotero_key: str | None = None,
            corrections: list[Correction] = _FACTORY, doubts: list[str] = _FACTORY,
            provenance: dict[str, str] = _FACTORY) -> None:
        self.key = key
        self.title = title
        self.year = year
        self.venue = venue
        self.key_aliases = [] if key_aliases is _FACTORY else key_aliases
        self.entry_type = entry_type
        self.categories = [] if categories is _FACTORY else categories
        self.alt_titles = [] if alt_titles is _FACTORY else alt_titles
        self.sections = [] if sections is _FACTORY else sections
        self.authors = [] if authors is _FACTORY else authors
        self.url = url
        self.doi = doi
        self.arxiv = arxiv
        self.arxiv_class = arxiv_class
        self.pii = pii
        self.ieee = ieee
        self.pmlr = pmlr
        self.openreview = openreview
        self.code = [] if code is _FACTORY else code
        self.month = month
        self.volume = volume
        self.issue = issue
        self.pages = pages
        self.article_number = article_number
        self.publisher = publisher
        self.container_title = container_title
        self.series = series
        self.issn = issn
        self.isbn = isbn
        self.abstract = abstract
        self.note = note
        self.zotero_key = zotero_key
        self.corrections = [] if corrections is _FACTORY else corrections
        self.doubts = [] if doubts is _FACTORY else doubts
        self.provenance = {} if provenance is _FACTORY else provenance

    def listed_sections(self) -> list[int]:
        """The README year sections this entry appears in."""
        return self.sections or [self.year]


# Field names in the order they are written to entries.toml and to JSON.
ENTRY_FIELDS: tuple[str, ...] = (
    "key", "key_aliases", "title", "alt_titles", "year", "sections", "month", "venue", "entry_type",
    "categories", "authors", "url", "doi", "arxiv", "arxiv_class", "pii", "ieee", "pmlr",
    "openreview", "code", "volume", "issue", "pages", "article_number", "publisher",
    "container_title", "series", "issn", "isbn", "abstract", "note", "zotero_key", "corrections",
    "doubts", "provenance",
)

# Fields holding an optional plain string.
STRING_FIELDS: frozenset[str] = frozenset({
    "venue", "url", "doi", "arxiv", "arxiv_class", "pii", "ieee", "pmlr", "openreview",
    "volume", "issue", "pages", "article_number", "publisher", "container_title", "series",
    "issn", "isbn", "abstract", "note", "zotero_key",
})


FIRST_YEAR = 1800


def plausible_year(year: int, this_year: int) -> bool:
    """A publication year the catalog accepts: 1800 to next year."""
    return FIRST_YEAR <= year <= this_year + 1


@dataclass(init=False, repr=False, eq=False)
class Settings(DataMethods):
    """The catalog's [settings] table. Never holds secrets."""

    key_format: str = "{author}{Title:3}{year}"
    crossref_mailto: str | None = None
    # Requests to Crossref in flight at once (enrich); None means 1.
    crossref_concurrency: int | None = None
    zotero_group: int | None = None
    # The longest Retry-After/Backoff wait (seconds) a run waits out; None: 60.
    max_wait: float | None = None

    def __init__(self, key_format: str = "{author}{Title:3}{year}",
                 crossref_mailto: str | None = None, crossref_concurrency: int | None = None,
                 zotero_group: int | None = None, max_wait: float | None = None) -> None:
        self.key_format = key_format
        self.crossref_mailto = crossref_mailto
        self.crossref_concurrency = crossref_concurrency
        self.zotero_group = zotero_group
        self.max_wait = max_wait


@dataclass(init=False, repr=False, eq=False)
class Catalog(DataMethods):
    """Everything entries.toml holds, in file order."""

    entries: list[Entry] = field(default_factory=list)
    venues: dict[str, Venue] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)
    settings: Settings = field(default_factory=Settings)
    schema: int = 1

    def __init__(self, entries: list[Entry] = _FACTORY, venues: dict[str, Venue] = _FACTORY,
                 categories: list[str] = _FACTORY, settings: Settings = _FACTORY,
                 schema: int = 1) -> None:
        self.entries = [] if entries is _FACTORY else entries
        self.venues = {} if venues is _FACTORY else venues
        self.categories = [] if categories is _FACTORY else categories
        self.settings = Settings() if settings is _FACTORY else settings
        self.schema = schema

    def by_key(self) -> dict[str, Entry]:
        return {e.key: e for e in self.entries}

    def taken_keys(self) -> list[str]:
        """Every key and old key (alias) in use: a new key must be none of them."""
        return [k for e in self.entries for k in (e.key, *e.key_aliases)]

    def find(self, key: str) -> Entry | None:
        """Find an entry by citation key or by one of its old keys
        (`key_aliases`), case-insensitively as BibTeX does."""
        folded = key.casefold()
        for entry in self.entries:
            if entry.key.casefold() == folded:
                return entry
        for entry in self.entries:
            if any(alias.casefold() == folded for alias in entry.key_aliases):
                return entry
        return None

    def entry_type(self, entry: Entry) -> EntryType:
        """What kind of publication an entry is, from its own type or its venue."""
        if entry.entry_type:
            return entry.entry_type
        venue = self.venues.get(entry.venue) if entry.venue else None
        if venue is None:
            return "preprint" if entry.arxiv else "article"
        return _TYPE_OF_VENUE[venue.kind]
