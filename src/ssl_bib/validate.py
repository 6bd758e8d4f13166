"""Check a loaded catalog: what `ssl-bib check` reports.

Errors make the catalog unusable or ambiguous (a duplicate key, an unknown
venue, a malformed DOI). Warnings are doubts about the data that a person
should look at (a DOI shared by different titles, a paper listed under two
years, a URL with a trailing dot); the tools still work on it.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable

from .gcpause import paused_gc
from .identifiers import (
    IDENTIFIER_FIELDS,
    doi_key,
    ids_from_url,
    invalid_identifiers,
    is_issn,
    is_url,
    strip_arxiv_version,
)
from .keys import KeyFormatError, validate_format
from .lazy_re import compiled
from .model import NAME_SUFFIXES, Entry, Person, plausible_year
from .problems import Problem, Severity
from .store import LoadedCatalog
from .textnorm import normalize_title

_KEY_RE = compiled(r"^[A-Za-z0-9_:\-]+$")
_ZOTERO_KEY_RE = compiled(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")
_TRAILING_PUNCT_RE = compiled(r"[.,;:!?)\]'\"]$")
# Names of proceedings series and publishers' book series: a series holds the
# papers of many venues, so as an entry's venue it hides where the paper was
# given (the seed's "PMLR" stood for MIDL, MLHC and ML4H papers alike).
PROCEEDINGS_SERIES: tuple[str, ...] = (
    "Proceedings of Machine Learning Research", "PMLR",
    "Lecture Notes in Computer Science", "LNCS",
    "Lecture Notes in Artificial Intelligence", "LNAI",
    "Lecture Notes in Bioinformatics", "LNBI",
    "Communications in Computer and Information Science", "CCIS",
    "CEUR Workshop Proceedings", "CEUR-WS",
    "ACM International Conference Proceeding Series", "ICPS",
    "JMLR Workshop and Conference Proceedings", "JMLR W&CP",
)


# The series' names as titles are compared (normalize_title(name) -> name),
# written out: computing them at each check loaded the html module for
# "W&CP" (2 ms of every start). tests/test_command_imports.py holds this
# table to normalize_title's output on PROCEEDINGS_SERIES.
SERIES_FORMS: dict[str, str] = {
    "proceedings of machine learning research": "Proceedings of Machine Learning Research",
    "pmlr": "PMLR",
    "lecture notes in computer science": "Lecture Notes in Computer Science",
    "lncs": "LNCS",
    "lecture notes in artificial intelligence": "Lecture Notes in Artificial Intelligence",
    "lnai": "LNAI",
    "lecture notes in bioinformatics": "Lecture Notes in Bioinformatics",
    "lnbi": "LNBI",
    "communications in computer and information science":
        "Communications in Computer and Information Science",
    "ccis": "CCIS",
    "ceur workshop proceedings": "CEUR Workshop Proceedings",
    "ceur ws": "CEUR-WS",
    "acm international conference proceeding series":
        "ACM International Conference Proceeding Series",
    "icps": "ICPS",
    "jmlr workshop and conference proceedings": "JMLR Workshop and Conference Proceedings",
    "jmlr w cp": "JMLR W&CP",
}

# Only links to these hosts carry a DOI or an arXiv id (identifiers.ids_from_url):
# other links need no parsing.
_MAY_HOLD_IDS_RE = compiled(r"doi\.org|link\.springer\.com|arxiv\.org", re.IGNORECASE)


class _Collector:
    def __init__(self, loaded: LoadedCatalog, errors_only: bool = False) -> None:
        self.loaded = loaded
        self.problems: list[Problem] = []
        self.category_names = ", ".join(loaded.catalog.categories)
        # Only errors wanted (output_errors): a warning is not even located.
        self.errors_only = errors_only

    def entry(self, severity: Severity, entry: Entry, field_name: str | None,
              message: str) -> None:
        if self.errors_only and severity != "error":
            return
        line = self.loaded.line_of(entry, field_name)
        self.problems.append(Problem(self.loaded.name, line, severity, message, key=entry.key))

    def venue(self, severity: Severity, key: str, message: str) -> None:
        line = self.loaded.venue_lines.get(key, 0)
        self.problems.append(Problem(self.loaded.name, line, severity, message, venue=key))


def check(loaded: LoadedCatalog) -> list[Problem]:
    """All problems: those found while reading, then these checks, by line."""
    with paused_gc():
        return _check(loaded)


def _check(loaded: LoadedCatalog) -> list[Problem]:
    out = _Collector(loaded)
    catalog = loaded.catalog
    try:
        validate_format(catalog.settings.key_format)
    except KeyFormatError as exc:
        out.problems.append(Problem(loaded.name, 0, "error", f"settings.key_format: {exc}"))
    known_categories = set(catalog.categories)
    this_year = _dt.date.today().year

    for venue in catalog.venues.values():
        if venue.url == "":
            out.venue("warning", venue.key, "the venue list gives it an empty link")
        elif venue.url and not is_url(venue.url):
            out.venue("error", venue.key, f"link {venue.url!r} is not an http(s) URL")
        if venue.issn is not None and not is_issn(venue.issn):
            out.venue("error", venue.key, f"issn {venue.issn!r} is not "
                      f"{IDENTIFIER_FIELDS['issn'][1]}")
        if not venue.listed:
            out.venue("warning", venue.key,
                      "used by the tables but missing from the list's venue list")
        series = next((SERIES_FORMS[n] for n in map(normalize_title, (venue.name, venue.key))
                       if n in SERIES_FORMS), None)
        if series is not None:
            out.venue("warning", venue.key,
                      f"names the proceedings series {series!r}, not a venue: give its "
                      "entries the conference or journal they appeared at")

    for entry in catalog.entries:
        _check_entry(out, entry, known_categories, set(catalog.venues), this_year)
    _check_unique(out, catalog.entries)
    return sorted(loaded.problems + out.problems, key=lambda p: (p.line, p.severity))


def _check_entry(out: _Collector, entry: Entry, categories: set[str], venues: set[str],
                 this_year: int) -> None:
    if not _KEY_RE.match(entry.key):
        out.entry("error", entry, "key",
                  f"key {entry.key!r} may hold only ASCII letters, digits and _ : -")
    for alias in entry.key_aliases:
        if not _KEY_RE.match(alias):
            out.entry("error", entry, "key_aliases",
                      f"key alias {alias!r} may hold only ASCII letters, digits and _ : -")
    if not plausible_year(entry.year, this_year):
        out.entry("error", entry, "year", f"year {entry.year} is not plausible")
    for number, person in enumerate(entry.authors, start=1):
        if not person.family.strip():
            out.entry("error", entry, "authors", f"author {number} has no family name "
                      "(a single name goes in family, an organisation in literal)")
        elif _unsplit(person):
            out.entry("warning", entry, "authors", _unsplit_message(number, person))
    if entry.venue is None:
        out.entry("warning", entry, None, "no venue")
    elif entry.venue not in venues:
        out.entry("error", entry, "venue",
                  f"unknown venue {entry.venue!r}: add it under [venues.{entry.venue}]")
    if not entry.categories:
        out.entry("warning", entry, "key", _no_category_message(entry, out.category_names))
    for category in entry.categories:
        if category not in categories:
            out.entry("error", entry, "categories",
                      f"unknown category {category!r}: add it to the top-level 'categories'")
    if len(entry.listed_sections()) > 1:
        years = ", ".join(str(y) for y in entry.listed_sections())
        out.entry("warning", entry, "sections", f"listed under more than one year: {years}")
    if entry.zotero_key is not None and not _ZOTERO_KEY_RE.match(entry.zotero_key):
        out.entry("error", entry, "zotero_key",
                  f"{entry.zotero_key!r} is not a Zotero item key (8 of 23456789A-Z, no O)")
    for name, value, what in invalid_identifiers(entry):
        out.entry("error", entry, name, f"{name} {value!r} is not {what}")
    urls = [("url", entry.url)] + [("code", link.url) for link in entry.code]
    for field_name, url in urls:
        if url is None:
            continue
        if not is_url(url):
            out.entry("error", entry, field_name, f"{url!r} is not an http(s) URL")
        elif _TRAILING_PUNCT_RE.search(url):
            out.entry("warning", entry, field_name,
                      f"URL {url!r} ends in {url[-1]!r}, likely not part of it")
    if entry.provenance.get("year") and any(y != entry.year for y in entry.sections):
        listed = ", ".join(str(y) for y in entry.sections if y != entry.year)
        out.entry("warning", entry, "sections",
                  f"listed under {listed}, but its recorded publication year is {entry.year} "
                  f"({entry.provenance['year']})")
    for doubt in entry.doubts:
        out.entry("warning", entry, "doubts", f"unverified: {doubt}")
    for link in entry.code:
        if not link.label.strip():
            out.entry("warning", entry, "code", f"code link {link.url} has no label")


# Name particles that begin a family name ("van der Berg", "de Bruijne").
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "da", "di", "du",
                        "la", "le", "ter", "ten", "dos", "das", "zu", "af", "bin", "ibn"})


def _unsplit(person: Person) -> bool:
    """A name of several words written without a comma ("Jane Doe"): read as
    one family name, which sorts, abbreviates and cites wrongly if it is a
    person's, and is no clearly marked organisation either."""
    return (not person.literal and not person.given and not person.suffix
            and len(person.family.split()) > 1)


def _unsplit_message(number: int, person: Person) -> str:
    from .toml_render import toml_string  # the writer's quoting, for the rare name

    name = " ".join(person.family.split())
    words = name.split()
    suffix = ""
    if len(words) > 2 and words[-1].casefold() in NAME_SUFFIXES:
        suffix, words = words[-1], words[:-1]
    start = next((i for i, w in enumerate(words[1:-1], start=1) if w in _PARTICLES),
                 len(words) - 1)
    family, given = " ".join(words[start:]), " ".join(words[:start])
    if suffix:
        person_form = (f"{{ family = {toml_string(family)}, given = {toml_string(given)}, "
                       f"suffix = {toml_string(suffix)} }}")
    else:
        person_form = toml_string(f"{family}, {given}")
    return (f"author {number} {name!r} has no comma, so it is read as one family name: "
            f"write a person as {person_form} (family, given), an organisation as "
            f"{{ literal = {toml_string(name)} }}")


def _no_category_message(entry: Entry, categories: str) -> str:
    """Why the entry has no category, in plain words: an entry that came from
    an awesome list's table had "NA" there; any other was added without one."""
    source = entry.provenance.get("entry", "")
    file = source.split(":", 1)[0].strip()
    if file.casefold().endswith((".md", ".markdown")):
        return (f"no category: the list it came from gives NA ({source}); give it one of "
                f"the catalog's categories ({categories})")
    return (f"no category: add categories = [...] with one or more of the catalog's "
            f"categories ({categories}); until then the list shows NA for it")


def _check_unique(out: _Collector, entries: list[Entry]) -> None:
    by_key = _Groups()
    by_doi = _Groups()
    by_arxiv = _Groups()
    by_title = _Groups()
    by_zotero = _Groups()
    for entry in entries:
        by_key.add(entry.key.casefold(), entry)
        if entry.zotero_key:
            by_zotero.add(entry.zotero_key, entry)
        if entry.doi:
            by_doi.add(doi_key(entry.doi), entry)
        if entry.arxiv:
            by_arxiv.add(strip_arxiv_version(entry.arxiv), entry)
        if entry.alt_titles:
            for title in {normalize_title(t) for t in [entry.title, *entry.alt_titles]}:
                by_title.add(title, entry)
        else:
            by_title.add(normalize_title(entry.title), entry)
    for group in by_key.shared():
        for entry in group[1:]:
            out.entry("error", entry, "key", f"key {entry.key!r} is already used by the entry "
                      f"at line {out.loaded.line_of(group[0])} (keys are compared "
                      "case-insensitively)")
    _check_aliases(out, entries)
    for group in by_zotero.shared():
        # A copied entry block: a sync would write both entries to one Zotero item.
        for entry in group[1:]:
            out.entry("error", entry, "zotero_key", f"zotero_key {entry.zotero_key} is also "
                      f"the Zotero item of entry {group[0].key}; remove it from the copy")
    for group in by_doi.shared():
        _shared(out, group, "doi", lambda e: f"DOI {e.doi}", _different_titles(group))
    _check_links(out, entries, by_doi, by_arxiv)
    for group in by_arxiv.shared():
        _shared(out, group, "arxiv", lambda e: f"arXiv id {e.arxiv}")
    for group in by_title.shared():
        _shared(out, group, "title", lambda e: "the same title")


class _Groups:
    """Entries by a value, keeping a list only for values two entries share:
    a list per value would cost 100,000 lists on a big catalog to find a few."""

    def __init__(self) -> None:
        self.first: dict[str, Entry] = {}
        self.groups: dict[str, list[Entry]] = {}

    def add(self, value: str, entry: Entry) -> None:
        first = self.first.setdefault(value, entry)
        if first is not entry:
            group = self.groups.get(value)
            if group is None:
                self.groups[value] = group = [first]
            group.append(entry)

    def get(self, value: str) -> list[Entry]:
        group = self.groups.get(value)
        if group is not None:
            return group
        first = self.first.get(value)
        return [first] if first is not None else []

    def shared(self) -> list[list[Entry]]:
        """The groups of two or more, in the order their values first appeared."""
        if not self.groups:
            return []
        return [self.groups[value] for value in self.first if value in self.groups]


def _check_aliases(out: _Collector, entries: list[Entry]) -> None:
    """An old key must name one entry only: `show`, `--aux` and biblatex's
    `ids` resolve it, so it may clash with no key and no other alias, with case
    ignored as BibTeX ignores it."""
    if not any(e.key_aliases for e in entries):
        return  # the usual case: no index of every key to build
    keys = {e.key.casefold(): e for e in reversed(entries)}
    aliases: dict[str, Entry] = {}
    for entry in entries:
        for alias in entry.key_aliases:
            folded = alias.casefold()
            owner = keys.get(folded)
            if owner is entry:
                what = "is the entry's own key"
            elif owner is not None:
                what = (f"is the key of entry {owner.key} (line "
                        f"{out.loaded.line_of(owner)})")
            elif folded in aliases:
                other = aliases[folded]
                what = ("is given twice" if other is entry else
                        f"is also an alias of entry {other.key} (line "
                        f"{out.loaded.line_of(other)})")
            else:
                aliases[folded] = entry
                continue
            out.entry("error", entry, "key_aliases", f"key alias {alias!r} {what} (keys and "
                      "aliases are compared case-insensitively)")


def _titles(entry: Entry) -> set[str]:
    return {normalize_title(t) for t in [entry.title, *entry.alt_titles]}


def _different_titles(group: list[Entry]) -> bool:
    """Whether some entries of the group share no title at all: then they are
    different papers, and a DOI names one paper."""
    return any(not _titles(a) & _titles(b) for a in group for b in group if a is not b)


def _shared(out: _Collector, group: list[Entry], field_name: str,
            what: Callable[[Entry], str], different_titles: bool = False) -> None:
    if len(group) < 2:
        return
    for entry in group:
        others = ", ".join(e.key for e in group if e is not entry)
        tail = (", whose titles differ: one DOI names one paper, so it is wrong for all but "
                "one of them" if different_titles else "")
        out.entry("warning", entry, field_name,
                  f"{what(entry)} is also given to {len(group) - 1} other "
                  f"entr{'y' if len(group) == 2 else 'ies'} ({others}){tail}")


def _check_links(out: _Collector, entries: list[Entry], by_doi: _Groups,
                 by_arxiv: _Groups) -> None:
    """A paper link that carries another entry's DOI or arXiv id points at
    that other paper (the seed linked the MAE paper to a COVID-19 paper)."""
    for entry in entries:
        url = entry.url
        if not url:
            continue
        # Fast path, as check runs on every entry: a link spelling out the
        # entry's own DOI or arXiv id carries no other paper's identifier.
        if (entry.doi and url.casefold().endswith(entry.doi.casefold())) or (
                entry.arxiv and entry.arxiv in url) or not _MAY_HOLD_IDS_RE.search(url):
            continue
        ids = ids_from_url(url)
        owners: list[tuple[str, list[Entry]]] = []
        if ids.doi and (entry.doi is None or doi_key(entry.doi) != doi_key(ids.doi)):
            owners.append((f"DOI {ids.doi}", by_doi.get(doi_key(ids.doi))))
        if ids.arxiv:
            arxiv = strip_arxiv_version(ids.arxiv)
            if entry.arxiv is None or strip_arxiv_version(entry.arxiv) != arxiv:
                owners.append((f"arXiv id {arxiv}", by_arxiv.get(arxiv)))
        for what, group in owners:
            for other in group:
                if other is not entry:
                    out.entry("warning", entry, "url",
                              f"link {entry.url} is {what}, the identifier of entry "
                              f"{other.key} {other.title[:60]!r}: it points at another paper")


def output_errors(loaded: LoadedCatalog, entries: list[Entry],
                  entry_checks: bool = True) -> list[Problem]:
    """The errors `check` reports that make a catalog unfit to write out
    these entries (an export, the README): every error found while reading
    that no loaded entry owns, such as an entry dropped for a value of the
    wrong type (it would be missing from the output without a word), those
    of the entries themselves found while reading, and (with `entry_checks`)
    each entry's own checks: an unknown venue or category, a malformed
    identifier."""
    with paused_gc():
        out = _Collector(loaded, errors_only=True)
        catalog = loaded.catalog
        categories, venues = set(catalog.categories), set(catalog.venues)
        this_year = _dt.date.today().year
        for entry in entries if entry_checks else ():
            _check_entry(out, entry, categories, venues, this_year)
        chosen = {entry.key for entry in entries}
        loaded_keys = {entry.key for entry in catalog.entries}
        found = [p for p in loaded.problems
                 if p.key in chosen or p.key is None or p.key not in loaded_keys]
        return sorted((p for p in found + out.problems if p.severity == "error"),
                      key=lambda p: (p.line, p.message))
