"""An identifier -> a draft entry, from the service that describes it.

- a DOI: Crossref's /works/{doi} (the existing client: cache, etiquette,
  backoff); arXiv's DataCite DOIs go to arXiv;
- a ScienceDirect PII: Crossref's `alternative-id` filter, as enrich does;
- an IEEE Xplore document number: a Crossref search within IEEE's prefix,
  accepted only for the record whose DOI ends in the number (IEEE's
  conference DOIs do) or whose full-text link names it (`arnumber=N`);
- an MDPI link (ISSN/volume/issue/article): a Crossref search within the
  journal's ISSN, accepted only for the record with that volume, issue and
  article number;
- an arXiv id: the arXiv API; when the record names a published version
  (`arxiv:doi`, or `arxiv:journal_ref` that a Crossref search confirms), that
  version is looked up and offered, never swapped in;
- PMLR and OpenReview pages: no service describes them (no DOIs, not in
  Crossref), so they map to a record only when the catalog already has it.

A search is never trusted on its ranking: a record is taken only when the
identifier itself is in it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..arxiv.client import ArxivClient, ArxivError, ArxivRefused, ArxivStopped
from ..arxiv.feed import ArxivRecord
from ..crossref.client import CircuitOpen, CrossrefClient, CrossrefError
from ..crossref.fields import CROSSREF_TYPES, PUBLISHED_TYPES, Work, parse_work
from ..crossref.match import ID_TITLE_MIN, Wanted, decide, score
from ..errors import SslBibError
from ..identifiers import doi_key, pii_key
from ..model import Entry
from ..paper_ids import PaperId
from . import drafts
from .venues import VenueClues, clues_of


class AddError(SslBibError):
    """This paper cannot be added; `exit_code` is the exit status it deserves."""

    exit_code = 1


class NotFound(AddError):
    """The service answered: it has no such paper."""


class ServiceDown(AddError):
    """A service cannot be reached or stopped answering: the run stops."""


class Refused(AddError):
    """The service said the identifier is malformed."""

    exit_code = 2


@dataclass
class Published:
    """A published version of an arXiv paper, found through Crossref."""

    doi: str
    work: Work
    via: str                     # "arxiv:doi" or "arxiv:journal_ref"

    def describe(self) -> str:
        venue = self.work.container_title or self.work.series or "?"
        return f"{venue}, {self.work.year or '?'}: {self.work.full_title!r}"


@dataclass
class Found:
    """A paper as a service describes it, before it meets the catalog."""

    paper: PaperId
    entry: Entry
    source: str                              # "crossref" | "arxiv"
    clues: VenueClues | None = None          # Crossref's venue names; None for arXiv
    published: Published | None = None
    notes: list[str] = field(default_factory=list)


class Sources:
    """The services, created on first use (an arXiv-only run never loads
    habanero, a DOI-only run never paces for arXiv)."""

    def __init__(self, crossref: Callable[[], CrossrefClient],
                 arxiv: Callable[[], ArxivClient], today: dt.date | None = None) -> None:
        self._make_crossref, self._make_arxiv = crossref, arxiv
        self._crossref: CrossrefClient | None = None
        self._arxiv: ArxivClient | None = None
        self.today = today

    @property
    def crossref(self) -> CrossrefClient:
        if self._crossref is None:
            self._crossref = self._make_crossref()
        return self._crossref

    @property
    def arxiv(self) -> ArxivClient:
        if self._arxiv is None:
            self._arxiv = self._make_arxiv()
        return self._arxiv

    def cancel(self) -> None:
        """Stop the clients made so far: a wait (arXiv's pace, a backoff)
        ends now, and nothing more is sent."""
        for client in (self._arxiv, self._crossref):
            if client is not None:
                client.cancel()

    def close(self) -> None:
        if self._arxiv is not None:
            self._arxiv.close()
        if self._crossref is not None:
            self._crossref.close()

    def resolve(self, paper: PaperId) -> Found:
        """The paper's draft. Raises AddError."""
        try:
            if paper.kind == "arxiv":
                return self._arxiv_paper(paper)
            if paper.kind == "doi":
                record = self.crossref.work(paper.value)
                if record is None:
                    raise NotFound(f"Crossref has no record of DOI {paper.value}")
                return self._from_crossref(paper, record)
            if paper.kind == "pii":
                return self._from_crossref(paper, self._by_pii(paper))
            if paper.kind == "ieee":
                return self._from_crossref(paper, self._by_ieee(paper))
            if paper.kind == "mdpi":
                return self._from_crossref(paper, self._by_mdpi(paper))
        except CircuitOpen as exc:
            raise ServiceDown(str(exc)) from None
        except ArxivStopped as exc:
            raise ServiceDown(str(exc)) from None
        except ArxivRefused as exc:
            raise Refused(str(exc)) from None
        except (CrossrefError, ArxivError) as exc:
            raise AddError(str(exc)) from None
        site = "PMLR" if paper.kind == "pmlr" else "OpenReview"
        raise NotFound(f"{paper.describe()} is not in the catalog, and no service describes "
                       f"it: {site} gives papers no DOI and is not in Crossref. Add the paper "
                       "by its arXiv id or DOI and give this page with --link")

    # -- Crossref ---------------------------------------------------------------

    def _from_crossref(self, paper: PaperId, record: dict[str, Any]) -> Found:
        work = parse_work(record)
        if work.type not in CROSSREF_TYPES:
            raise AddError(f"{paper.describe()} is a {work.type or 'record of unknown type'} "
                           "in Crossref, not a paper: the catalog lists journal articles, "
                           "proceedings papers, book chapters and preprints")
        if not work.title:
            raise AddError(f"Crossref's record of {paper.describe()} has no title")
        if work.year is None:
            raise AddError(f"Crossref's record of {paper.describe()} has no date")
        entry = drafts.from_work(work, paper, self.today)
        return Found(paper, entry, "crossref", clues=clues_of(record, work.type))

    def _by_pii(self, paper: PaperId) -> dict[str, Any]:
        wanted = pii_key(paper.value)
        found = [r for r in self.crossref.by_alternative_id(paper.value)
                 if wanted in {pii_key(str(a)) for a in r.get("alternative-id") or []}]
        return self._only(paper, found, "no record has this PII as its alternative id")

    def _by_ieee(self, paper: PaperId) -> dict[str, Any]:
        number = paper.value
        records = self.crossref.search(number, rows=20, filters={"prefix": "10.1109"},
                                       extra_select=("link",))

        def names_it(record: dict[str, Any]) -> bool:
            if str(record.get("DOI") or "").endswith(f".{number}"):
                return True
            return any(re.search(rf"[?&]arnumber={number}\b", str(link.get("URL") or ""))
                       for link in record.get("link") or [] if isinstance(link, dict))

        return self._only(paper, [r for r in records if names_it(r)],
                          "no IEEE record names this document number")

    def _by_mdpi(self, paper: PaperId) -> dict[str, Any]:
        issn, volume, issue, article = paper.parts
        records = self.crossref.search(f"{volume} {issue} {article}", rows=20,
                                       filters={"issn": issn})

        def is_it(record: dict[str, Any]) -> bool:
            numbers = {str(record.get("article-number") or ""),
                       str(record.get("page") or "").split("-")[0]}
            return (issn in {str(i).upper() for i in record.get("ISSN") or []}
                    and str(record.get("volume") or "") == volume
                    and str(record.get("issue") or "") == issue and article in numbers)

        return self._only(paper, [r for r in records if is_it(r)],
                          f"no record of ISSN {issn} has volume {volume}, issue {issue}, "
                          f"article {article}")

    @staticmethod
    def _only(paper: PaperId, found: list[dict[str, Any]], none: str) -> dict[str, Any]:
        unique = list({doi_key(str(r.get("DOI") or i)): r for i, r in enumerate(found)}.values())
        if not unique:
            raise NotFound(f"Crossref cannot resolve {paper.describe()} ({none}); add the "
                           "paper by its DOI, shown on the publisher's page")
        if len(unique) > 1:
            dois = ", ".join(str(r.get("DOI")) for r in unique)
            raise AddError(f"{paper.describe()} names several Crossref records ({dois}); "
                           "add the paper by its DOI")
        return unique[0]

    # -- arXiv ------------------------------------------------------------------

    def _arxiv_paper(self, paper: PaperId) -> Found:
        record = self.arxiv.lookup(paper.value)
        if record is None:
            raise NotFound(f"arXiv has no paper {paper.value}")
        if not record.title or record.year is None:
            raise AddError(f"arXiv's record of {paper.value} has no title or date")
        found = Found(paper, drafts.from_arxiv(record, self.today), "arxiv")
        found.published = self._published(record, found.notes)
        return found

    def _published(self, record: ArxivRecord, notes: list[str]) -> Published | None:
        """The published version arXiv points to, confirmed by Crossref, or
        None (with a note saying why)."""
        wanted = Wanted(key=record.arxiv_id, titles=(record.title,),
                        years=(record.year or 0,), kind="preprint",
                        families=tuple(drafts.person_from_name(a).family
                                       for a in record.authors[:1]))
        if record.doi:
            raw = self.crossref.work(record.doi)
            if raw is None:
                notes.append(f"arXiv names DOI {record.doi} for the published version; "
                             "Crossref has no record of it")
                return None
            work = parse_work(raw)
            checked = score(wanted, work, title_min=ID_TITLE_MIN, check_type=False,
                            check_venue=False, check_year=False)
            if work.type not in PUBLISHED_TYPES or not checked.ok:
                why = "; ".join(checked.problems) or f"it is a {work.type}"
                notes.append(f"arXiv names DOI {record.doi} for the published version, but "
                             f"its Crossref record does not fit ({why}): not offered")
                return None
            return Published(work.doi or record.doi, work, "arxiv:doi")
        if record.journal_ref:
            query = " ".join(p for p in (record.title, *wanted.families,
                                         str(record.year or "")) if p)
            works = [parse_work(r) for r in self.crossref.search(query)]
            decision = decide(wanted, works)
            if decision.outcome == "match" and decision.best and decision.best.work.doi:
                return Published(decision.best.work.doi, decision.best.work,
                                 "arxiv:journal_ref")
            notes.append(f"arXiv gives the journal reference {record.journal_ref!r}; no "
                         "Crossref record confirms it, so the paper is added as a preprint")
        return None
