"""Which entries a command works on: the filters of `list`, `export`, `enrich`
and `render site`, in one place so that every command (and the site's search
box, which runs the same rules in JavaScript) selects the same entries.

Values of one filter are alternatives (`--year 2019 --year 2021`: either
year); different filters must all hold (`--year 2019 --venue MICCAI`: both).
A venue or category the catalog does not know is an error with a suggestion,
not an empty result: a typo should not look like "no papers".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from .errors import UsageError
from .model import Catalog, Entry
from .problems import InputError
from .textnorm import search_fold, search_terms


class UnknownFilterValue(InputError):
    """A --venue or --category the catalog does not have (a usage error)."""


# "..", or a hyphen or en dash as people write ranges by hand. Possessive:
# four `\s*` side by side, the groups between them empty, split a run of
# spaces every way (400 spaces: 27 s). Compiled on first use (re's cache).
_YEAR_RANGE = r"^\s*+(\d{1,4})?+\s*+(\.\.|-|–)?+\s*+(\d{1,4})?+\s*+$"


# A named tuple and a plain class, not dataclasses: every list and export
# loads this module, and a dataclass compiles each of its methods at import
# (0.3-0.5 ms a class).
class YearRange(NamedTuple):
    """An inclusive range of years; an open end is None (`2019..`, `..2021`)."""

    first: int | None
    last: int | None

    @classmethod
    def parse(cls, text: str) -> YearRange:
        """`2019`, `2019..2021` (or `2019-2021`), `2019..` or `..2021`;
        ValueError otherwise."""
        match = re.match(_YEAR_RANGE, text)
        if not match or not (match[1] or match[3]) or (match[2] is None and match[3]):
            raise UsageError(f"{text!r} is not a year or a range YEAR..YEAR "
                             f"(either end may be left open: 2019.., ..2021)")
        first = int(match[1]) if match[1] else None
        last = int(match[3]) if match[3] else None
        if match[2] is None:
            last = first
        if first is not None and last is not None and first > last:
            raise UsageError(f"{text!r}: the range ends before it starts")
        return cls(first, last)

    def __contains__(self, year: object) -> bool:
        if not isinstance(year, int):
            return False
        return (self.first is None or year >= self.first) and \
            (self.last is None or year <= self.last)

    def __str__(self) -> str:
        if self.first == self.last:
            return str(self.first)
        return f"{'' if self.first is None else self.first}.." \
               f"{'' if self.last is None else self.last}"


class Filters:
    """What to select; empty lists and None select everything."""

    __slots__ = ("keys", "years", "venues", "categories", "search", "has_code")

    def __init__(self, keys: list[str] | None = None, years: list[YearRange] | None = None,
                 venues: list[str] | None = None, categories: list[str] | None = None,
                 search: str | None = None, has_code: bool = False) -> None:
        self.keys = [] if keys is None else keys
        self.years = [] if years is None else years
        self.venues = [] if venues is None else venues
        self.categories = [] if categories is None else categories
        self.search = search
        self.has_code = has_code

    def active(self) -> bool:
        return bool(self.keys or self.years or self.venues or self.categories
                    or search_terms(self.search or "") or self.has_code)

    def describe(self) -> str:
        """The filters as command-line options, for messages."""
        import shlex  # here: messages are rare, and every command imports this module

        parts: list[str] = []
        parts += [f"--key {shlex.quote(k)}" for k in self.keys]
        parts += [f"--year {y}" for y in self.years]
        parts += [f"--venue {shlex.quote(v)}" for v in self.venues]
        parts += [f"--category {shlex.quote(c)}" for c in self.categories]
        if self.search:
            parts.append(f"--search {shlex.quote(self.search)}")
        if self.has_code:
            parts.append("--has-code")
        return " ".join(parts)


def entry_years(entry: Entry) -> set[int]:
    """The years a year filter matches an entry by: its publication year and
    every README year section it is listed under."""
    return {entry.year, *entry.sections}


def search_text(entry: Entry, catalog: Catalog) -> str:
    """What --search looks in, folded: key and old keys, titles, authors in both name orders,
    venue abbreviation, name and aliases, container title, and identifiers
    (also as `doi:...` and `arXiv:...`). Fields are separated by a space,
    which no folded term contains, so a term never matches across two."""
    venue = catalog.venues.get(entry.venue or "")
    parts = [entry.key, *entry.key_aliases, entry.title, *entry.alt_titles]
    for person in entry.authors:
        parts += [f"{person.family} {person.given}", f"{person.given} {person.family}"]
    parts += [entry.venue or "", entry.container_title or ""]
    if venue:
        parts += [venue.name, *venue.aliases]
    if entry.doi:
        parts.append(f"doi:{entry.doi}")
    if entry.arxiv:
        parts.append(f"arXiv:{entry.arxiv}")
    parts += [entry.pii or "", entry.ieee or "", entry.pmlr or "", entry.openreview or ""]
    return " ".join(folded for folded in (search_fold(p) for p in parts) if folded)


def matches_search(haystack: str, terms: Iterable[str]) -> bool:
    return all(term in haystack for term in terms)


def select(catalog: Catalog, filters: Filters, file: str = "entries.toml") -> list[Entry]:
    """Entries matching every given filter, in catalog order. A key must name
    an entry, a venue or category must be one the catalog has (InputError /
    UnknownFilterValue otherwise)."""
    entries = catalog.entries
    if filters.keys:
        wanted: set[int] = set()
        for key in filters.keys:
            entry = catalog.find(key)
            if entry is None:
                raise InputError(file, 0, f"no entry with key {key!r}")
            wanted.add(id(entry))
        entries = [e for e in entries if id(e) in wanted]
    if filters.years:
        ranges = filters.years
        entries = [e for e in entries if any(y in r for y in entry_years(e) for r in ranges)]
    if filters.venues:
        venue_keys = resolve_venues(catalog, filters.venues, file)
        entries = [e for e in entries if e.venue in venue_keys]
    if filters.categories:
        categories = resolve_categories(catalog, filters.categories, file)
        entries = [e for e in entries if categories.intersection(e.categories)]
    if filters.has_code:
        entries = [e for e in entries if e.code]
    terms = search_terms(filters.search or "")
    if terms:
        entries = [e for e in entries if matches_search(search_text(e, catalog), terms)]
    return entries


def resolve_venues(catalog: Catalog, asked: Iterable[str], file: str) -> set[str]:
    """The venue keys the asked names mean: each one an abbreviation, full
    name or alias (case, accents and punctuation ignored)."""
    names: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    for key, venue in catalog.venues.items():
        for name in (key, venue.name, *venue.aliases):
            names.setdefault(search_fold(name), set()).add(key)
            shown.setdefault(name, key)
    for entry in catalog.entries:  # a venue the [venues] table lacks (check reports it)
        if entry.venue:
            names.setdefault(search_fold(entry.venue), set()).add(entry.venue)
            shown.setdefault(entry.venue, entry.venue)
    return _resolve("venue", asked, names, shown, file)


def resolve_categories(catalog: Catalog, asked: Iterable[str], file: str) -> set[str]:
    """The categories the asked names mean, case and punctuation ignored."""
    names: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    for category in [*catalog.categories, *(c for e in catalog.entries for c in e.categories)]:
        names.setdefault(search_fold(category), set()).add(category)
        shown.setdefault(category, category)
    return _resolve("category", asked, names, shown, file)


def _resolve(what: str, asked: Iterable[str], names: dict[str, set[str]],
             shown: dict[str, str], file: str) -> set[str]:
    found: set[str] = set()
    for value in asked:
        hits = names.get(search_fold(value)) if search_fold(value) else None
        if not hits:
            raise UnknownFilterValue(file, 0, f"no {what} {value!r}; {_suggest(value, shown)}")
        found |= hits
    return found


def _suggest(value: str, shown: dict[str, str]) -> str:
    """"did you mean X?" from the closest names (each shown as the key it
    stands for; only those about as close as the best), or the whole list
    when nothing is close."""
    import difflib

    wanted = value.casefold()
    scores: dict[str, float] = {}
    for name, key in shown.items():
        score = difflib.SequenceMatcher(None, wanted, name.casefold()).ratio()
        scores[key] = max(score, scores.get(key, 0.0))
    best = max(scores.values(), default=0.0)
    keys = [k for k, s in sorted(scores.items(), key=lambda ks: -ks[1])
            if s >= max(0.6, best - 0.1)][:3]
    if keys:
        return "did you mean " + " or ".join(repr(k) for k in keys) + "?"
    known = sorted(set(shown.values()), key=str.casefold)
    return "the catalog has " + (", ".join(known) if known else "none")
