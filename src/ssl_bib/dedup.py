"""Finding the same paper twice: an index of entries by DOI, arXiv id, folded
title and link (dict lookups, constant time each), and fuzzy title matching
whose candidates come from shared rare title words, never from all pairs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .identifiers import doi_key, strip_arxiv_version
from .keys import FUNCTION_WORDS
from .model import Entry
from .records import FACTORY, DataMethods
from .textnorm import normalize_title

# A title this similar (0-100) to an entry's is the same paper listed twice.
FUZZY_THRESHOLD = 88
# An identifier shared with an entry whose title is this different is a wrong link.
ID_TITLE_THRESHOLD = 60
# Title words shared by more entries than this say nothing about identity; the
# cap also bounds the fuzzy work per record, so matching N records stays O(N).
_COMMON_POSTING = 200


def _indexed_words(norm: str) -> list[str]:
    """The words of a folded title the fuzzy index files it under."""
    return [w for w in dict.fromkeys(norm.split()) if len(w) > 2 and w not in FUNCTION_WORDS]


def url_key(url: str) -> str:
    """The form links are compared in: no scheme, no trailing slash, any case."""
    return url.strip().lower().rstrip("/").removeprefix("https://").removeprefix("http://")


class Index:
    """Entries by DOI, arXiv id, normalised title and URL (dicts: each lookup
    is constant time), and by title word for fuzzy candidates, so matching N
    records costs O(N), never all pairs."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        # value -> {id(entry): entry}: ordered, and re-indexing an entry is O(1).
        self.by_doi: dict[str, dict[int, Entry]] = {}
        self.by_arxiv: dict[str, dict[int, Entry]] = {}
        self.by_title: dict[str, dict[int, Entry]] = {}
        self.by_url: dict[str, dict[int, Entry]] = {}
        self.by_word: dict[str, dict[int, Entry]] = {}
        self.norms: dict[int, list[str]] = {}
        self.mains: dict[int, str] = {}
        # id(entry) -> when it was first indexed (postings keep that order)
        self.order: dict[int, int] = {}
        for entry in entries:
            self.add(entry)

    @staticmethod
    def _put(table: dict[str, dict[int, Entry]], key: str, entry: Entry) -> None:
        table.setdefault(key, {})[id(entry)] = entry

    def add(self, entry: Entry) -> None:
        """Index an entry (again, after a merge filled its identifiers)."""
        self.order.setdefault(id(entry), len(self.order))
        if entry.doi:
            self._put(self.by_doi, doi_key(entry.doi), entry)
        if entry.arxiv:
            self._put(self.by_arxiv, strip_arxiv_version(entry.arxiv).lower(), entry)
        if entry.url:
            self._put(self.by_url, url_key(entry.url), entry)
        norms = [normalize_title(t) for t in [entry.title, *entry.alt_titles]]
        self.norms[id(entry)] = norms
        main = main_title(entry.title)
        if main:
            self.mains[id(entry)] = main
            for word in _indexed_words(main):
                self._put(self.by_word, word, entry)
        for norm in norms:
            self._put(self.by_title, norm, entry)
            for word in _indexed_words(norm):
                self._put(self.by_word, word, entry)

    def fuzzy_candidates(self, norm: str) -> list[Entry]:
        """Entries sharing at least two of the title's three rarest words
        (one, for titles of one or two words): those with the rarest word
        first, each group in the order the entries were first indexed."""
        postings = sorted((self.by_word[w] for w in _indexed_words(norm) if w in self.by_word),
                          key=len)
        postings = [p for p in postings[:3] if len(p) <= _COMMON_POSTING]
        if not postings:
            return []
        if len(postings) == 1:
            return list(postings[0].values())
        first, second = postings[0], postings[1]
        # Ids in at least two postings: intersections of the key views, in C,
        # each walking its smaller side (a posting can hold 200 entries; the
        # answer, usually none or one).
        both = first.keys() & second.keys()
        if len(postings) > 2:
            third = postings[2].keys()
            both |= (first.keys() & third) | (second.keys() & third)
        if not both:
            return []
        # Sorted, not found by walking the postings in Python: 40-60 us a
        # title once postings fill up (a 100,000-entry import), against 5-10.
        in_first = both & first.keys()
        at = self.order.__getitem__
        return ([first[i] for i in sorted(in_first, key=at)]
                + [second[i] for i in sorted(both - in_first, key=at)])


def title_similarity(a: str, b: str) -> float:
    """0-100: how alike two normalised titles are."""
    from rapidfuzz import fuzz

    return float(fuzz.ratio(a, b))


def main_title(title: str) -> str:
    """The folded title before its subtitle ("Models Genesis: Generic..." ->
    "models genesis"); "" when it has no subtitle."""
    m = re.match(r"^(.+?)(?::\s|\s[-–—]\s)", title)
    return normalize_title(m.group(1)) if m and len(m.group(1).split()) >= 2 else ""


def probable_same(a: str, b: str) -> bool:
    """Near-identical titles: a typo, a subtitle on one side only, a prefix
    such as "MoCo-CXR:" on one side only."""
    if title_similarity(a, b) >= FUZZY_THRESHOLD:
        return True
    short, long_ = sorted((a, b), key=len)
    words = short.split()
    return len(words) >= 3 and (long_.startswith(short + " ") or long_.endswith(" " + short))


@dataclass(init=False, repr=False, eq=False)
class Sameness(DataMethods):
    """Which catalog entry an incoming paper is, by identifier and title."""

    entry: Entry | None = None
    # several entries match and no title decides: unsure
    several: list[Entry] = field(default_factory=list)
    # entries sharing an identifier (DOI, arXiv id, link) whose title clearly
    # differs: taken as other papers (one of the two carries a wrong identifier)
    other_titles: list[Entry] = field(default_factory=list)

    def __init__(self, entry: Entry | None = None, several: list[Entry] = FACTORY,
                 other_titles: list[Entry] = FACTORY) -> None:
        self.entry = entry
        self.several = [] if several is FACTORY else several
        self.other_titles = [] if other_titles is FACTORY else other_titles


def find_same(index: Index, entry: Entry, norm: str | None = None) -> Sameness:
    """The entry of `index` that is `entry`'s paper: the same DOI, arXiv id or
    link with a similar title, or the same folded title (alt_titles count).
    `norm` is the entry's folded title, when the caller has it."""
    norm = normalize_title(entry.title) if norm is None else norm
    by_title = list(index.by_title.get(norm, {}).values())
    by_id: list[Entry] = []
    if entry.doi:
        by_id += index.by_doi.get(doi_key(entry.doi), {}).values()
    if entry.arxiv:
        by_id += index.by_arxiv.get(strip_arxiv_version(entry.arxiv).lower(), {}).values()
    if entry.url:
        by_id += index.by_url.get(url_key(entry.url), {}).values()
    out = Sameness()
    candidates: dict[int, Entry] = {id(e): e for e in by_title}
    for other in {id(e): e for e in by_id}.values():
        if id(other) in candidates:
            continue
        best = max(title_similarity(norm, t) for t in index.norms[id(other)])
        if best >= ID_TITLE_THRESHOLD or probable_same(norm, index.norms[id(other)][0]):
            candidates[id(other)] = other
        elif not by_title:
            out.other_titles.append(other)
    if len(candidates) > 1 and len(by_title) == 1:
        out.entry = by_title[0]
    elif len(candidates) > 1:
        out.several = list(candidates.values())
    else:
        out.entry = next(iter(candidates.values()), None)
    return out


def find_probable(index: Index, title: str, norm: str | None = None) -> Entry | None:
    """An entry whose title is near-identical to `title` (a typo, a subtitle or
    a prefix on one side only): a probable duplicate, for a person to judge."""
    norm = normalize_title(title) if norm is None else norm
    main = main_title(title)
    queries = [norm] if main in (norm, "") else [norm, main]
    for query in queries:
        for other in index.fuzzy_candidates(query):
            for known in index.norms[id(other)]:
                if probable_same(norm, known) or (main and main == known) or (
                        norm == index.mains.get(id(other))):
                    return other
    return None
