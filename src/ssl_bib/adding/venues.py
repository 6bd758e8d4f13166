"""Which catalog venue a new paper belongs to, or the new venue it needs.

Crossref names venues loosely: "2020 IEEE 17th International Symposium on
Biomedical Imaging (ISBI)", "Medical Image Computing and Computer Assisted
Intervention – MICCAI 2019", "Computer Vision – ECCV 2022 Workshops", "IEEE
Trans. Med. Imaging". A known venue is reused when, in this order:
1. a journal's ISSN is the venue's;
2. a name, stripped of years, ordinals and a trailing "(ABBR)", is the venue's
   abbreviation, full name or an alias;
3. an acronym of the record ("(ISBI)", the event's acronym, "MICCAI 2019") is
   the venue's abbreviation or alias;
4. a stripped name is nearly the venue's (similarity 0.92).
Only venues of a fitting kind take part (a journal article never lands in a
conference, so "Pattern Recognition" is not CVPR), a workshop paper is never
filed under its main conference, and a rule that finds two venues decides
nothing: the user names one with --venue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..crossref.fields import clean_text, is_series
from ..errors import SslBibError
from ..identifiers import is_issn
from ..lazy_re import compiled
from ..model import Catalog, Venue, VenueKind
from ..textnorm import normalize_title

# Words in venue names that name an organiser, not a venue.
_NOT_ACRONYMS = frozenset({"IEEE", "ACM", "CVF", "SPIE", "IAPR", "IFIP", "SIAM", "ISCA", "IET",
                           "LNCS", "LNAI", "CCIS", "MDPI", "PMLR", "JMLR", "USA", "UK"})
_YEAR_RE = compiled(r"(?<![\d.])(?:19|20)\d{2}(?![\d.])")
# An edition's number: "17th", and the words ("Fourth", "Twenty-Second").
_ORDINAL_RE = compiled(
    r"\b(?:\d++(?:st|nd|rd|th)|(?:(?:twenty|thirty|forty|fifty)[- ]?)?(?:first|second|third|"
    r"fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth|"
    r"fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth)|twentieth|"
    r"thirtieth|fortieth|fiftieth)\b", re.IGNORECASE)
# Each starts only where a run of spaces starts (`(?<!\s)`) and takes the run
# whole: tried at every space of a long run, `\s*` rescanned the run from each
# (50 KB of spaces in a container title: 20 s).
_TRAILING_ABBR_RE = compiled(r"(?<!\s)\s*+\(([^()]{2,30})\)\s*+$")
_DASH_TAIL_RE = compiled(
    r"(?<!\s)\s++[–—-]\s++[A-Z][A-Za-z]++(?:\s++(?:19|20)\d{2})?\b.*$")
_TOKEN_RE = compiled(r"[A-Za-z0-9][A-Za-z0-9\-]*")
NAME_SIMILARITY = 0.92

KIND_OF_TYPE: dict[str, VenueKind] = {
    "journal-article": "journal", "proceedings-article": "conference",
    "book-chapter": "conference", "posted-content": "preprint",
}
_FITS: dict[VenueKind, frozenset[VenueKind]] = {
    "journal": frozenset({"journal"}),
    "conference": frozenset({"conference", "workshop"}),
    "workshop": frozenset({"workshop"}),
    "preprint": frozenset({"preprint"}),
}


class AmbiguousVenue(SslBibError):
    """More than one catalog venue fits the record."""


@dataclass
class VenueClues:
    """What a Crossref record says about where the paper appeared."""

    kind: VenueKind
    names: list[str] = field(default_factory=list)       # full names, most telling first
    short_names: list[str] = field(default_factory=list)  # short-container-title
    acronyms: list[str] = field(default_factory=list)     # the event's acronym, "(ABBR)"s
    issns: list[str] = field(default_factory=list)
    workshop: bool = False


def clues_of(record: dict[str, Any], work_type: str) -> VenueClues:
    """Read a Crossref work record's venue clues."""
    kind = KIND_OF_TYPE.get(work_type, "journal")
    containers = [clean_text(c) for c in _strings(record.get("container-title"))]
    containers = [c for c in containers if c and not is_series(c)]
    event = record.get("event") if isinstance(record.get("event"), dict) else {}
    event_name = clean_text(event.get("name")) if event else ""
    names = [*containers, event_name] if kind != "journal" else containers
    if work_type == "posted-content":
        names += [clean_text(i.get("name")) for i in record.get("institution") or []
                  if isinstance(i, dict)]
        names.append(clean_text(record.get("publisher")))
    names = list(dict.fromkeys(n for n in names if n))
    acronyms = []
    if event and clean_text(event.get("acronym")):
        acronyms.append(_YEAR_RE.sub("", clean_text(event.get("acronym"))).strip(" '-"))
    for name in names:
        m = _TRAILING_ABBR_RE.search(name)
        if m:
            acronyms.append(_YEAR_RE.sub("", m.group(1)).strip(" '-"))
    workshop = kind != "journal" and any("workshop" in n.lower() for n in names)
    if workshop:
        kind = "workshop"
    issns = []
    if kind == "journal":
        for value in _strings(record.get("ISSN")):
            issns.append(value.upper())
        for item in record.get("issn-type") or []:
            if isinstance(item, dict) and item.get("value"):
                issns.append(str(item["value"]).upper())
        issns = [i for i in issns if is_issn(i)]  # a venue's ISSN is an identifier too
    short = [clean_text(s) for s in _strings(record.get("short-container-title"))]
    return VenueClues(kind=kind, names=names, short_names=[s for s in short if s],
                      acronyms=[a for a in dict.fromkeys(acronyms) if a],
                      issns=list(dict.fromkeys(issns)), workshop=workshop)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def plain_name(name: str) -> str:
    """A venue name without the parts that change every year: "2020 IEEE 17th
    International Symposium on Biomedical Imaging (ISBI)" -> "IEEE
    International Symposium on Biomedical Imaging"."""
    text = _TRAILING_ABBR_RE.sub("", name)
    text = _DASH_TAIL_RE.sub("", text)
    text = _ORDINAL_RE.sub("", _YEAR_RE.sub("", text))
    text = re.sub(r"^\s*proceedings of (the )?", "", text, flags=re.IGNORECASE)
    return " ".join(text.split()).strip(" ,.:;–—-")


def acronyms_in(name: str) -> list[str]:
    return [t for t in _TOKEN_RE.findall(name)
            if len(t) >= 3 and sum(ch.isupper() for ch in t) >= 2 and t not in _NOT_ACRONYMS
            and not t.isdigit()]


def looks_like_acronym(text: str) -> bool:
    return " " not in text and len(text) >= 3 and sum(ch.isupper() for ch in text) >= 2


def _fits(venue: Venue, clues: VenueClues) -> bool:
    if clues.workshop:
        return venue.kind == "workshop"
    return venue.kind in _FITS[clues.kind]


def match(catalog: Catalog, clues: VenueClues) -> Venue | None:
    """The catalog venue the clues name, None for a venue the catalog lacks.
    Raises AmbiguousVenue when one rule finds several."""
    venues = list(catalog.venues.values())
    if clues.issns:
        found = [v for v in venues if v.issn and v.issn.upper() in clues.issns]
        if found:
            return _one(found)
    fitting = [v for v in venues if _fits(v, clues)]
    names = [*clues.names, *clues.short_names]
    wanted = {normalize_title(n) for n in names} | {normalize_title(plain_name(n))
                                                    for n in names}
    wanted.discard("")
    found = [v for v in fitting
             if wanted & {normalize_title(n) for n in (v.key, v.name, *v.aliases)}]
    if found:
        return _one(found)
    acronyms = {a.casefold() for a in clues.acronyms}
    for name in clues.names:
        acronyms |= {a.casefold() for a in acronyms_in(name)}
    found = []
    for venue in fitting:
        own = [n for n in (venue.key, *venue.aliases) if looks_like_acronym(n)]
        if clues.workshop:
            # "ECCV Workshops": the workshop venue named after its conference.
            own += [t for n in (venue.key, *venue.aliases) for t in acronyms_in(n)]
        if acronyms & {n.casefold() for n in own}:
            found.append(venue)
    if found:
        return _one(found)
    from rapidfuzz import fuzz

    plain = [normalize_title(plain_name(n)) for n in clues.names]
    found = [v for v in fitting
             if any(fuzz.ratio(p, normalize_title(plain_name(n))) / 100 >= NAME_SIMILARITY
                    for p in plain if p for n in (v.name, *v.aliases))]
    return _one(found) if found else None


def _one(found: list[Venue]) -> Venue:
    unique = list({v.key: v for v in found}.values())
    if len(unique) > 1:
        raise AmbiguousVenue(", ".join(v.key for v in unique))
    return unique[0]


def new_venue(catalog: Catalog, clues: VenueClues) -> Venue:
    """A venue for the clues: the container's (or event's) full name, Crossref's
    short container title or the event's acronym as the abbreviation, the kind
    from the work type. Its key never clashes with another venue's."""
    full = clues.names[0] if clues.names else "Unknown venue"
    name = full if clues.kind in ("journal", "preprint") else (plain_name(full) or full)
    if clues.kind == "journal":
        candidates = [*clues.short_names, *clues.acronyms]
    else:
        candidates = [*clues.acronyms, *(a for n in clues.names for a in acronyms_in(n)),
                      *(_YEAR_RE.sub("", s).strip() for s in clues.short_names)]
    candidates.append(name)
    taken = {k.casefold() for k in catalog.venues}
    key = next((c for c in candidates if c and c.casefold() not in taken), None)
    if key is None:
        n = 2
        while f"{name} ({n})".casefold() in taken:
            n += 1
        key = f"{name} ({n})"
    return Venue(key=key, name=name, kind=clues.kind,
                 issn=clues.issns[0] if clues.issns else None)


def preprint_venue(catalog: Catalog) -> Venue:
    """The catalog's arXiv venue (a preprint venue named arXiv), else a new one
    the caller adds."""
    for venue in catalog.venues.values():
        names = {normalize_title(n) for n in (venue.key, venue.name, *venue.aliases)}
        if venue.kind == "preprint" and "arxiv" in names:
            return venue
    return Venue(key="arXiv", name="arXiv", kind="preprint")


def find(catalog: Catalog, text: str) -> Venue | None:
    """The venue a user names (`--venue`): its key, then case-insensitively its
    key, full name or an alias."""
    if text in catalog.venues:
        return catalog.venues[text]
    wanted = normalize_title(text)
    for venue in catalog.venues.values():
        if wanted in {normalize_title(n) for n in (venue.key, venue.name, *venue.aliases)}:
            return venue
    return None
