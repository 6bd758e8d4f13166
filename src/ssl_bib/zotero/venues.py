"""Which venue a Zotero item appeared at, and the venues a group needs.

People spell a venue many ways in Zotero: "Medical image analysis" and
"Medical Image Analysis"; "Medical Image Computing and Computer Assisted
Intervention – MICCAI 2019" one year and "MICCAI 2018" the next; a
journalAbbreviation on some items and none on others. An item's venue is
read, in this order, from our `ssl-bib-venue` extra line (a catalog key),
journalAbbreviation or conferenceName, then the slot of its type
(publicationTitle, proceedingsTitle, bookTitle, repository).

`resolve` finds a venue the catalog knows, by the same rules `ssl-bib add`
uses for Crossref's names (adding/venues.py: an ISSN, a name or abbreviation
without its year, an acronym, a near-identical name). `derive` gives the
items no known venue fits new venues: the spellings of one venue are
gathered into one (each item joining the first venue it fits), which takes
the most common full name (the best-capitalised of its spellings), an
abbreviation from the items (the most common journalAbbreviation or
conference acronym, else the name itself) and keeps its other spellings as
aliases, so the next pull finds it again by any of them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..adding.venues import (
    AmbiguousVenue,
    VenueClues,
    acronyms_in,
    looks_like_acronym,
    match,
    plain_name,
)
from ..lazy_re import compiled
from ..model import Catalog, Venue, VenueKind
from ..textnorm import normalize_title

# The slot that names an item type's venue in full.
VENUE_SLOT = {"journalArticle": "publicationTitle", "conferencePaper": "proceedingsTitle",
              "bookSection": "bookTitle", "preprint": "repository"}
# The slot that holds its short form, where the type has one.
ABBREV_SLOT = {"journalArticle": "journalAbbreviation", "conferencePaper": "conferenceName"}

# Zotero's arXiv translator saved preprints as journal articles until Zotero 6
# (2021): publicationTitle "arXiv:2002.05709 [cs, stat]". Many groups hold them.
# Possessive throughout, each run of spaces taken whole where it starts: the
# text is anyone's, and a pattern that rescans a run from each of its
# characters takes minutes on 50 KB of spaces.
LEGACY_ARXIV_RE = compiled(
    r"\s*+arXiv\s*+:\s*+(?P<id>[\w./-]++)(?:\s*+\[[^\]]*+\])?+\s*+", re.IGNORECASE)
_YEAR_TAIL_RE = compiled(r"(?<![\s'’-])[\s'’-]*+(?:(?:19|20)\d{2}|'?\d{2})\s*+$")
_TRAILING_ABBR_RE = compiled(r"\(([^()]{2,30})\)\s*+$")


@dataclass(frozen=True)
class ItemVenue:
    """What one item says about its venue."""

    kind: VenueKind
    explicit: str = ""                   # our ssl-bib-venue line: a catalog key
    names: tuple[str, ...] = ()          # full names, as written
    short: tuple[str, ...] = ()          # journalAbbreviation, an acronym-like conferenceName
    issns: tuple[str, ...] = ()
    abbrev: str = ""                     # journalAbbreviation or conferenceName as written

    @property
    def workshop(self) -> bool:
        return self.kind == "workshop"

    def clues(self) -> VenueClues:
        acronyms = [_without_year(s) for s in self.short if looks_like_acronym(_without_year(s))]
        acronyms += [m.group(1) for n in self.names if (m := _TRAILING_ABBR_RE.search(n))]
        return VenueClues(kind=self.kind, names=list(self.names), short_names=list(self.short),
                          acronyms=list(dict.fromkeys(a for a in acronyms if a)),
                          issns=list(self.issns), workshop=self.workshop)

    def spellings(self) -> list[str]:
        return [*self.names, *self.short]


def is_short_form(text: str) -> bool:
    """An abbreviation rather than a name: up to three words, one an acronym
    ("MICCAI 2019", "ECML PKDD", "ECCV Workshops", "IEEE ISBI")."""
    words = _without_year(text).split()
    return 0 < len(words) <= 3 and any(looks_like_acronym(w) for w in words)


def _without_year(text: str) -> str:
    """"MICCAI 2019" -> "MICCAI", "AAAI-20" -> "AAAI"; a name stays as it is."""
    stripped = _YEAR_TAIL_RE.sub("", text).strip()
    return stripped or text.strip()


def is_legacy_arxiv(data: dict[str, Any]) -> bool:
    return data.get("itemType") == "journalArticle" and bool(
        LEGACY_ARXIV_RE.fullmatch(str(data.get("publicationTitle") or "")))


def kind_of(data: dict[str, Any], names: list[str]) -> VenueKind:
    itype = data.get("itemType")
    if itype == "preprint" or is_legacy_arxiv(data):
        return "preprint"
    if itype == "journalArticle":
        return "journal"
    return "workshop" if any("workshop" in n.casefold() for n in names) else "conference"


def item_venue(data: dict[str, Any], explicit: str = "") -> ItemVenue | None:
    """The venue clues of an item of a type the catalog holds; None when it
    names no venue at all."""
    itype = str(data.get("itemType") or "")
    if itype not in VENUE_SLOT:
        return None
    slot = " ".join(str(data.get(VENUE_SLOT[itype]) or "").split())
    abbrev = " ".join(str(data.get(ABBREV_SLOT.get(itype, "")) or "").split())
    if is_legacy_arxiv(data):
        return ItemVenue("preprint", explicit, names=("arXiv",))
    names: list[str] = [slot] if slot else []
    short: list[str] = []
    if abbrev:
        # A conference's name field holds its acronym ("MICCAI 2019", "ECML
        # PKDD") or its name ("International Conference on ...").
        (short if itype == "journalArticle" or is_short_form(abbrev) else names).append(abbrev)
    issns = tuple(i.upper() for i in re.findall(r"\b\d{4}-?\d{3}[\dXx]\b",
                                                str(data.get("ISSN") or "")))
    if not (names or short or explicit):
        return None
    return ItemVenue(kind_of(data, [*names, *short]), explicit, tuple(names), tuple(short),
                     issns, abbrev)


def resolve(catalog: Catalog, clue: ItemVenue) -> str | None:
    """The key of the catalog venue the item names, or None."""
    if clue.explicit:
        found = by_name(catalog, clue.explicit)
        if found is not None:
            return found
    if clue.abbrev in catalog.venues:
        return clue.abbrev  # where ssl-bib writes the key, whatever the item's type
    try:
        venue = match(catalog, clue.clues())
    except AmbiguousVenue:
        return None
    return venue.key if venue is not None else None


def by_name(catalog: Catalog, text: str) -> str | None:
    """A venue by its key, else by key, name or alias compared as titles are."""
    if text in catalog.venues:
        return text
    wanted = normalize_title(text)
    for venue in catalog.venues.values():
        if wanted in {normalize_title(n) for n in (venue.key, venue.name, *venue.aliases)}:
            return venue.key
    return None


@dataclass
class _Cluster:
    """The items of one new venue, and a stand-in venue later items are matched to."""

    stand_in: Venue
    members: list[ItemVenue] = field(default_factory=list)

    def take(self, clue: ItemVenue) -> None:
        self.members.append(clue)
        forms = [f for s in clue.spellings() for f in (s, plain_name(s), _without_year(s))]
        if clue.kind in ("conference", "workshop"):
            # "MICCAI 2018" joins "... Intervention – MICCAI 2019" by its acronym.
            # Not for journals: "BMC Medical Imaging" is no "BMC Bioinformatics".
            forms += [*clue.clues().acronyms, *(a for n in clue.names for a in acronyms_in(n))]
        for form in forms:
            if form and form not in self.stand_in.aliases and form != self.stand_in.name:
                self.stand_in.aliases.append(form)


def derive(catalog: Catalog, clues: list[ItemVenue]) -> list[Venue]:
    """New venues for the clues no catalog venue fits, added to the catalog
    (in the order they were first met); returns them."""
    scratch = Catalog()
    clusters: list[_Cluster] = []
    by_explicit: dict[str, _Cluster] = {}
    for clue in clues:
        if resolve(catalog, clue) is not None:
            continue
        cluster = by_explicit.get(clue.explicit) if clue.explicit else None
        if cluster is None:
            try:
                found = match(scratch, clue.clues())
            except AmbiguousVenue:
                found = None
            cluster = next((c for c in clusters if c.stand_in is found), None)
        if cluster is None:
            key = f"venue {len(clusters)}"
            stand_in = Venue(key=key, name=(clue.names or clue.short or (clue.explicit,))[0],
                             kind=clue.kind)
            cluster = _Cluster(stand_in)
            clusters.append(cluster)
            scratch.venues[key] = stand_in
        if clue.explicit:
            by_explicit.setdefault(clue.explicit, cluster)
        cluster.take(clue)
    made = []
    for cluster in clusters:
        venue = _finish(cluster.members, catalog)
        catalog.venues[venue.key] = venue
        made.append(venue)
    return made


def _finish(members: list[ItemVenue], catalog: Catalog) -> Venue:
    """The venue of one cluster: a function of its members, not of their
    order, so the same group always gives the same venues."""
    kinds = Counter(m.kind for m in members)
    kind = min(kinds, key=lambda k: (-kinds[k], k))
    conference = kind in ("conference", "workshop")
    full = [n for m in members for n in full_or_plain(m, conference) if n]
    name = _best_spelling(full)
    # Key candidates by tier: our own line, the item's short form (a journal
    # abbreviation; a conference's "ECML PKDD", "MICCAI 2019"), an acronym in
    # its names ("... (ISBI)", "... – MICCAI 2019").
    tiers: list[list[str]] = [[m.explicit for m in members if m.explicit]]
    if kind == "journal":
        # A journalAbbreviation that only repeats the name abbreviates nothing.
        names = {normalize_title(n) for n in full}
        tiers.append([s for m in members for s in m.short if normalize_title(s) not in names])
    elif conference:
        tiers.append([_without_year(s) for m in members for s in m.short])
        acronyms = [a for m in members for n in m.names
                    for a in [*(x.group(1) for x in [_TRAILING_ABBR_RE.search(n)] if x),
                              *acronyms_in(n)]]
        # "ECCV" -> "ECCV Workshops" (the conference keeps "ECCV"); "ICCVW" says it already.
        tiers.append([f"{a} Workshops" if kind == "workshop" and not a.endswith("W") else a
                      for a in acronyms])
    ranked: list[str] = []
    for tier in tiers:
        counts = Counter(k for k in tier if k)
        ranked += sorted(counts, key=lambda k: (-counts[k], k))
    name = name or (ranked[0] if ranked else "Unknown venue")
    key = _free_key([*ranked, name], catalog)
    spellings = [s for m in members
                 for s in (*full_or_plain(m, conference),
                           *(_without_year(s) if conference else s for s in m.short))]
    aliases = sorted({s for s in spellings if s and s not in (name, key)})
    issns = sorted({i for m in members for i in m.issns})
    return Venue(key=key, name=name, kind=kind, aliases=aliases,
                 issn=issns[0] if issns else None, url=None)


def full_or_plain(member: ItemVenue, conference: bool) -> list[str]:
    """An item's full venue names; a conference's without its year, edition
    and "Proceedings of"."""
    return [" ".join((plain_name(n) or n if conference else n).split()) for n in member.names]


def _best_spelling(spellings: list[str]) -> str:
    """The most common spelling (compared as titles are); of its forms, the
    one with the most capitals ("Medical Image Analysis" over "Medical image
    analysis"); ties go to the first in sorted order."""
    if not spellings:
        return ""
    groups: dict[str, list[str]] = {}
    for spelling in spellings:
        groups.setdefault(normalize_title(spelling), []).append(spelling)
    best = min(groups.values(), key=lambda g: (-len(g), min(g)))
    return min(set(best), key=lambda s: (-sum(ch.isupper() for ch in s), s))


def _free_key(candidates: list[str], catalog: Catalog) -> str:
    taken = {k.casefold() for k in catalog.venues}
    for candidate in candidates:
        if candidate and candidate.casefold() not in taken:
            return candidate
    base = candidates[-1]
    n = 2
    while f"{base} ({n})".casefold() in taken:
        n += 1
    return f"{base} ({n})"
