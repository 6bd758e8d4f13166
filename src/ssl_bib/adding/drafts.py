"""A Crossref work or an arXiv record -> a draft entry: every field the source
gives, each with its provenance ("crossref DATE" / "arxiv DATE"). The key,
venue and categories are the caller's to set.
"""

from __future__ import annotations

import datetime as dt
import re

from ..arxiv.feed import ArxivRecord
from ..crossref.fields import Work
from ..identifiers import is_doi
from ..lazy_re import compiled
from ..model import Entry, Person
from ..paper_ids import PaperId

# Author "names" that are groups, kept whole as one name ("H1 Collaboration").
_GROUP_RE = compiled(
    r"\b(collaboration|consortium|group|team|initiative|committee|project|network|alliance|"
    r"association|society|organi[sz]ation|institute|laboratory|council|investigators)\b",
    re.IGNORECASE)
_SUFFIX_RE = compiled(r"^(jr|sr|ii|iii|iv)\.?,?$", re.IGNORECASE)


def provenance_label(service: str, today: dt.date | None = None) -> str:
    """Where a value came from, and when: "arxiv 2026-11-30" (UTC date)."""
    day = today or dt.datetime.now(dt.UTC).date()
    return f"{service} {day.isoformat()}"


def _stamp(entry: Entry, label: str) -> Entry:
    """Record `label` as the provenance of every field the source filled."""
    for name in ("title", "year", "month", "authors", "doi", "arxiv", "arxiv_class", "url",
                 "volume", "issue", "pages", "article_number", "publisher", "container_title",
                 "series", "issn", "isbn"):
        if getattr(entry, name) not in (None, "", []):
            entry.provenance[name] = label
    return entry


def from_work(work: Work, paper: PaperId, today: dt.date | None = None) -> Entry:
    """A draft from a Crossref work; the DOI is the record's own."""
    doi = work.doi or paper.value
    # Never a link made of a DOI the catalog refuses (run.py leaves that DOI out).
    good = doi if is_doi(doi) else paper.value if paper.kind == "doi" else None
    link = paper.link or (f"https://doi.org/{good}" if good else None)
    entry = Entry(key="", title=work.full_title, year=work.year or 0, month=work.month,
                  authors=list(work.authors), doi=doi, url=link, volume=work.volume,
                  issue=work.issue, pages=work.pages, article_number=work.article_number,
                  publisher=work.publisher, container_title=work.container_title,
                  series=work.series, issn=work.issn, isbn=work.isbn,
                  entry_type=work.entry_type)
    if paper.kind == "pii":
        entry.pii = paper.value
    elif paper.kind == "ieee":
        entry.ieee = paper.value
    return _stamp(entry, provenance_label("crossref", today))


def from_arxiv(record: ArxivRecord, today: dt.date | None = None) -> Entry:
    """A draft from an arXiv record: the paper, not one version of it (the
    id and link carry no version; the year is the first version's)."""
    entry = Entry(key="", title=record.title, year=record.year or 0, month=record.month,
                  authors=[person_from_name(n) for n in record.authors],
                  arxiv=record.arxiv_id, arxiv_class=record.primary_class,
                  url=f"https://arxiv.org/abs/{record.arxiv_id}", publisher="arXiv")
    return _stamp(entry, provenance_label("arxiv", today))


def person_from_name(name: str) -> Person:
    """"Given Family" as arXiv writes names -> the catalog's person, split by
    BibTeX's rules (bibtexparser): lower-case particles go with the family
    name ("Ludwig van Beethoven" -> "van Beethoven, Ludwig"); a group such as
    "H1 Collaboration" stays one name, an organisation's (`{ literal = ... }`,
    which `check` does not take for a person written without a comma)."""
    name = " ".join(name.split())
    if _GROUP_RE.search(name):
        return Person.organisation(name)
    if " " not in name:
        return Person(family=name)
    # "Martin Luther King Jr.": BibTeX reads a suffix only after a comma.
    words = name.split()
    suffix = words.pop() if len(words) > 2 and _SUFFIX_RE.match(words[-1]) else ""
    name = " ".join(words)
    from bibtexparser.middlewares.names import parse_single_name_into_parts

    try:
        parts = parse_single_name_into_parts(name, strict=False)
    except Exception:  # noqa: BLE001 - a name bibtexparser cannot split stays whole
        return Person(family=name)
    family = " ".join([*parts.von, *parts.last])
    given = " ".join([*parts.first, *parts.jr, suffix]).strip()
    return Person(family=family or given, given=given if family else "")
