"""A Crossref work record (the `message` of /works/{doi}, or one item of a
work-list) -> plain values in the catalog's types.

Crossref's records are loose: titles carry JATS/HTML markup and entities,
dates can be `[[null]]`, any list can be empty or missing, and a Springer
chapter's `container-title` lists the book series ("Lecture Notes in Computer
Science") and the proceedings in either order. Everything here tolerates that
and never raises on a record that is merely incomplete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..lazy_re import compiled
from ..model import EntryType, Person
from ..records import FACTORY, DataMethods

# `[^<>]`: from each `<` of a run with no `>`, `[^>]` would scan to the end.
_TAG_RE = compiled(r"<[^<>]++>")
# Inline formatting never stands for a space ("H<sub>2</sub>O"); other tags may.
_INLINE_TAG_RE = compiled(
    r"</?(i|b|em|strong|sub|sup|scp|sc|u|italic|bold|span|tt|monospace|small)\b[^<>]*+>",
    re.IGNORECASE)
_SPACE_RE = compiled(r"\s+")
_ORCID_RE = compiled(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])$", re.IGNORECASE)

# Book series that Crossref puts in `container-title` next to the volume's own
# title. The proceedings are the venue; the series is kept apart.
_SERIES_RE = compiled(
    r"^(lecture notes (in|of)\b|communications in computer and information science"
    r"|studies in (computational intelligence|health technology|big data)"
    r"|advances in intelligent systems and computing|smart innovation"
    r"|ifip advances in|lecture notes of the institute|springer proceedings in"
    r"|learning and analytics in intelligent systems)", re.IGNORECASE)

# Crossref work types -> the catalog's entry types. Anything else (posted
# content, datasets, reference entries, ...) is no published paper for us.
CROSSREF_TYPES: dict[str, EntryType] = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "book-chapter": "inproceedings",
    "posted-content": "preprint",
}
PUBLISHED_TYPES = frozenset({"journal-article", "proceedings-article", "book-chapter"})


def clean_text(value: Any) -> str:
    """Drop markup (`<i>`, `<scp>`, MathML), decode entities (`&amp;`, `&#x27;`)
    and collapse whitespace: Crossref titles are XML fragments, not text."""
    if not isinstance(value, str):
        return ""
    text = _TAG_RE.sub(" ", _INLINE_TAG_RE.sub("", value))
    if "&" in text:  # else unescape changes nothing, and html need not load
        import html

        # Twice: some deposits double-escape ("&amp;amp;").
        text = html.unescape(html.unescape(text))
    text = _SPACE_RE.sub(" ", text).strip()
    # Markup removal leaves a space before punctuation ("<i>x</i>, y").
    return re.sub(r" ([,.;:!?)])", r"\1", text).replace("( ", "(")


def _texts(value: Any) -> list[str]:
    """A Crossref list-of-strings field, cleaned, empties dropped."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    out = [clean_text(v) for v in value]
    return [v for v in out if v]


def is_series(title: str) -> bool:
    return bool(_SERIES_RE.match(title))


def _date_parts(work: dict[str, Any], *names: str) -> tuple[int | None, int | None]:
    """(year, month) from the first of `names` that holds a usable date."""
    for name in names:
        node = work.get(name)
        if not isinstance(node, dict):
            continue
        parts = node.get("date-parts")
        if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
            continue
        first = parts[0]
        year = first[0] if first and isinstance(first[0], int) else None
        if year is None:
            continue
        month = first[1] if len(first) > 1 and isinstance(first[1], int) else None
        if month is not None and not 1 <= month <= 12:
            month = None
        return year, month
    return None, None


# A person whose name the HTTP conduct had to drop (it held lone surrogates,
# text no file can hold): the author list is not used at all rather than
# filled without them, or with their given name taken for a family name.
_UNREADABLE = Person(family="")


def _person(raw: Any) -> Person | None:
    if not isinstance(raw, dict):
        return None
    if any(name in raw and raw[name] is None for name in ("family", "given", "name")):
        return _UNREADABLE
    family = clean_text(raw.get("family"))
    given = clean_text(raw.get("given"))
    orcid = None
    m = _ORCID_RE.search(str(raw.get("ORCID") or ""))
    if m:
        orcid = m.group(1).upper()
    if not family:
        # Consortia come as {"name": ...}, kept whole; a lone given name is the name.
        name = clean_text(raw.get("name"))
        if name:
            return Person.organisation(name, orcid)
        family, given = given, ""
    if not family:
        return None
    return Person.named(family, given, clean_text(raw.get("suffix")), orcid)


def _pick_typed(work: dict[str, Any], typed: str, plain: str) -> str | None:
    """One ISSN/ISBN: the print one when the record says which, else the first."""
    entries = work.get(typed)
    if isinstance(entries, list):
        for item in entries:
            if isinstance(item, dict) and item.get("type") == "print" and item.get("value"):
                return str(item["value"])
    values = _texts(work.get(plain))
    return values[0] if values else None


@dataclass(init=False, repr=False, eq=False)
class Work(DataMethods):
    """The parts of a Crossref work that matching and filling need."""

    doi: str | None
    type: str
    title: str
    subtitle: str = ""
    year: int | None = None
    month: int | None = None
    authors: list[Person] = field(default_factory=list)
    container_title: str | None = None
    series: str | None = None
    # every venue-like string of the record, for venue comparison
    venue_names: list[str] = field(default_factory=list)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    article_number: str | None = None
    publisher: str | None = None
    issn: str | None = None
    isbn: str | None = None
    alternative_ids: list[str] = field(default_factory=list)
    score: float | None = None

    def __init__(self, doi: str | None, type: str, title: str, subtitle: str = "",
                 year: int | None = None, month: int | None = None,
                 authors: list[Person] = FACTORY, container_title: str | None = None,
                 series: str | None = None, venue_names: list[str] = FACTORY,
                 volume: str | None = None, issue: str | None = None,
                 pages: str | None = None, article_number: str | None = None,
                 publisher: str | None = None, issn: str | None = None,
                 isbn: str | None = None, alternative_ids: list[str] = FACTORY,
                 score: float | None = None) -> None:
        self.doi = doi
        self.type = type
        self.title = title
        self.subtitle = subtitle
        self.year = year
        self.month = month
        self.authors = [] if authors is FACTORY else authors
        self.container_title = container_title
        self.series = series
        self.venue_names = [] if venue_names is FACTORY else venue_names
        self.volume = volume
        self.issue = issue
        self.pages = pages
        self.article_number = article_number
        self.publisher = publisher
        self.issn = issn
        self.isbn = isbn
        self.alternative_ids = [] if alternative_ids is FACTORY else alternative_ids
        self.score = score

    @property
    def entry_type(self) -> EntryType | None:
        return CROSSREF_TYPES.get(self.type)

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    def describe(self) -> str:
        """One line naming the record, for reports."""
        venue = self.container_title or self.series or "?"
        who = self.authors[0].family if self.authors else "?"
        return (f"{self.doi or 'no DOI'} ({self.type or '?'}, {self.year or '?'}, {who}, "
                f"{venue}): {self.full_title or '(no title)'}")

    def fields(self) -> dict[str, Any]:
        """Catalog field name -> value, for merge.fill(). Only what Crossref
        states; never `title`, `year` or `venue` (those are curated)."""
        out: dict[str, Any] = {
            "authors": list(self.authors),
            "doi": self.doi,
            "container_title": self.container_title,
            "series": self.series,
            "volume": self.volume,
            "issue": self.issue,
            "pages": self.pages,
            "article_number": self.article_number,
            "publisher": self.publisher,
            "issn": self.issn,
            "isbn": self.isbn,
            "month": self.month,
        }
        return {k: v for k, v in out.items() if v not in (None, "", [])}


def _str_field(work: dict[str, Any], name: str) -> str | None:
    value = work.get(name)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    text = clean_text(value)
    return text or None


def parse_work(work: dict[str, Any]) -> Work:
    """Read one Crossref work record. Tolerates any missing or empty part."""
    titles = _texts(work.get("title"))
    subtitles = _texts(work.get("subtitle"))
    kind = str(work.get("type") or "")
    containers = _texts(work.get("container-title"))
    series = [c for c in containers if is_series(c)]
    volumes = [c for c in containers if not is_series(c)]
    if kind == "book-chapter" or series:
        container = volumes[0] if volumes else None
        series_name = series[0] if series else None
    else:
        container = containers[0] if containers else None
        series_name = None
    event = work.get("event")
    event_name = clean_text(event.get("name")) if isinstance(event, dict) else ""
    venue_names = [*containers, *_texts(work.get("short-container-title"))]
    if event_name:
        venue_names.append(event_name)
    year, month = _date_parts(work, "issued", "published", "published-print",
                              "published-online")
    people = [_person(a) for a in work.get("author") or []] \
        if isinstance(work.get("author"), list) else []
    authors = [] if any(p is _UNREADABLE for p in people) else [p for p in people if p]
    doi = _str_field(work, "DOI")
    issn = _pick_typed(work, "issn-type", "ISSN")
    if kind != "journal-article":
        # A chapter's ISSN is its book series', not the proceedings'.
        issn = None
    isbn = _pick_typed(work, "isbn-type", "ISBN") if kind != "journal-article" else None
    score = work.get("score")
    return Work(
        doi=doi, type=kind, title=titles[0] if titles else "",
        subtitle=subtitles[0] if subtitles else "", year=year, month=month,
        authors=authors, container_title=container, series=series_name,
        venue_names=venue_names, volume=_str_field(work, "volume"),
        issue=_str_field(work, "issue"), pages=_str_field(work, "page"),
        article_number=_str_field(work, "article-number"),
        publisher=_str_field(work, "publisher"), issn=issn, isbn=isbn,
        alternative_ids=_texts(work.get("alternative-id")),
        score=float(score) if isinstance(score, int | float) else None,
    )
