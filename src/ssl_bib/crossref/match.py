"""Is this Crossref record the entry's paper? Our own re-ranking of search results.

Crossref's relevance score ranks, it does not decide: the top hit for a title
is often the journal extension of the conference paper, the same title from
another year, or a near-identical title by other people. A candidate is
accepted only when every check holds (title, year, authors, type, venue) and
no other candidate that also passes is nearly as good. Everything else is
"ambiguous" and reported with its candidates; nothing is written for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..records import FACTORY, DataMethods, FrozenDataMethods, set_field
from ..textnorm import ascii_fold, normalize_title
from .fields import PUBLISHED_TYPES, Work

# Tuned on the decoys of tests/crossref: the near-identical title by other
# authors scores 0.95-0.99 against the real title, unrelated titles with a
# shared phrase stay below 0.8.
TITLE_MIN = 0.9
# Looser for a record reached by the entry's own DOI or PII: the identifier
# is the evidence, the title only guards against a DOI pasted on the wrong row.
ID_TITLE_MIN = 0.8
# Below this a search result is noise, not a candidate worth showing.
PLAUSIBLE_MIN = 0.8
# Two passing candidates closer than this are a near-tie: ask a person.
TIE_MARGIN = 0.05
VENUE_MIN = 85

Outcome = Literal["match", "ambiguous", "none"]
Kind = Literal["article", "inproceedings", "preprint"]

# Crossref types acceptable for each kind of catalog entry.
_COMPATIBLE: dict[str, frozenset[str]] = {
    "article": frozenset({"journal-article"}),
    "inproceedings": frozenset({"proceedings-article", "book-chapter"}),
    # A preprint is matched only to a published version of it.
    "preprint": PUBLISHED_TYPES,
}


_KIND_NAMES = {"article": "a journal entry", "inproceedings": "a conference entry",
               "preprint": "a preprint's published version"}


@dataclass(frozen=True, init=False, repr=False, eq=False)
class Wanted(FrozenDataMethods):
    """What the catalog knows about an entry, as the matcher needs it."""

    key: str
    titles: tuple[str, ...]
    years: tuple[int, ...]
    families: tuple[str, ...] = ()
    kind: Kind = "article"
    # venue abbreviation, full name, aliases; empty when unknown or arXiv
    venue_names: tuple[str, ...] = ()

    def __init__(self, key: str, titles: tuple[str, ...], years: tuple[int, ...],
                 families: tuple[str, ...] = (), kind: Kind = "article",
                 venue_names: tuple[str, ...] = ()) -> None:
        set_field(self, "key", key)
        set_field(self, "titles", titles)
        set_field(self, "years", years)
        set_field(self, "families", families)
        set_field(self, "kind", kind)
        set_field(self, "venue_names", venue_names)


@dataclass(init=False, repr=False, eq=False)
class Scored(DataMethods):
    work: Work
    title_sim: float
    problems: list[str] = field(default_factory=list)

    def __init__(self, work: Work, title_sim: float, problems: list[str] = FACTORY) -> None:
        self.work = work
        self.title_sim = title_sim
        self.problems = [] if problems is FACTORY else problems

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        verdict = "passes" if self.ok else "; ".join(self.problems)
        return f"[{self.title_sim:.2f}] {self.work.describe()} -- {verdict}"


@dataclass(init=False, repr=False, eq=False)
class Decision(DataMethods):
    outcome: Outcome
    best: Scored | None = None
    candidates: list[Scored] = field(default_factory=list)
    reason: str = ""

    def __init__(self, outcome: Outcome, best: Scored | None = None,
                 candidates: list[Scored] = FACTORY, reason: str = "") -> None:
        self.outcome = outcome
        self.best = best
        self.candidates = [] if candidates is FACTORY else candidates
        self.reason = reason


def family_key(name: str) -> str:
    return ascii_fold(name).casefold().replace(" ", "").replace("-", "").replace("'", "")


def title_similarity(ours: tuple[str, ...], work: Work) -> float:
    """Best normalised similarity (0..1) between any of our titles and the
    record's title, with or without its subtitle."""
    from rapidfuzz import fuzz

    theirs = [t for t in {normalize_title(work.title), normalize_title(work.full_title)} if t]
    best = 0.0
    for mine in ours:
        a = normalize_title(mine)
        if not a:
            continue
        for b in theirs:
            best = max(best, fuzz.ratio(a, b) / 100.0)
    return best


def venue_compatible(names: tuple[str, ...], work: Work) -> bool | None:
    """True/False when both sides name a venue, None when one side is silent."""
    from rapidfuzz import fuzz

    theirs = [normalize_title(v) for v in work.venue_names if v]
    mine = [normalize_title(n) for n in names if n]
    if not theirs or not mine:
        return None
    for m in mine:
        for t in theirs:
            # An abbreviation ("MICCAI", "ISBI") appearing as a word counts.
            if " " not in m and len(m) >= 3 and m in t.split():
                return True
            if fuzz.token_set_ratio(m, t) >= VENUE_MIN:
                return True
    return False


def score(wanted: Wanted, work: Work, title_min: float = TITLE_MIN,
          check_type: bool = True, check_venue: bool = True,
          check_year: bool = True) -> Scored:
    """Score one record against the entry, listing every failed check."""
    sim = title_similarity(wanted.titles, work)
    scored = Scored(work, sim)
    problems = scored.problems
    if not work.title:
        problems.append("the record has no title")
    elif sim < title_min:
        problems.append(f"title similarity {sim:.2f} < {title_min:.2f}")
    if not check_year:
        pass
    elif work.year is None:
        problems.append("the record has no date")
    else:
        # A preprint's published version may come out a year or two later.
        late = 2 if wanted.kind == "preprint" else 1
        if not any(y - 1 <= work.year <= y + late for y in wanted.years):
            problems.append(f"year {work.year} is not within 1 of "
                            f"{'/'.join(str(y) for y in wanted.years)}")
    if wanted.families:
        ours = {family_key(f) for f in wanted.families}
        if not work.authors:
            problems.append("the record lists no authors to compare")
        elif not ours & {family_key(p.family) for p in work.authors}:
            problems.append("no author family name in common")
    if check_type and work.type not in _COMPATIBLE[wanted.kind]:
        problems.append(f"type {work.type or '?'} does not fit {_KIND_NAMES[wanted.kind]}")
    if check_venue and wanted.kind != "preprint" and \
            venue_compatible(wanted.venue_names, work) is False:
        problems.append(f"venue {work.container_title or work.venue_names[0]!r} "
                        f"is not {wanted.venue_names[0]!r}")
    return scored


def decide(wanted: Wanted, works: list[Work]) -> Decision:
    """Pick the entry's paper among search results, or say why not."""
    seen: set[str] = set()
    scored: list[Scored] = []
    for work in works:
        marker = (work.doi or "").casefold() or f"#{len(scored)}"
        if marker in seen:
            continue
        seen.add(marker)
        scored.append(score(wanted, work))
    scored.sort(key=lambda s: (not s.ok, -s.title_sim))
    plausible = [s for s in scored if s.title_sim >= PLAUSIBLE_MIN]
    passing = [s for s in scored if s.ok]
    if not passing:
        if not plausible:
            return Decision("none", candidates=scored[:3], reason="no record with a similar title")
        return Decision("ambiguous", candidates=plausible[:5],
                        reason="no candidate passes every check")
    best = passing[0]
    rivals = [s for s in passing[1:] if best.title_sim - s.title_sim < TIE_MARGIN]
    if rivals:
        return Decision("ambiguous", best=None, candidates=[best, *rivals][:5],
                        reason=f"near-tie between {1 + len(rivals)} candidates")
    return Decision("match", best=best, candidates=[best])
