"""Enrich catalog entries from Crossref: resolve each entry to a record, then
fill its empty fields through merge.fill() (the one merge engine).

Resolution order per entry:
1. its DOI (stored, or hidden in its link): /works/{doi}; the record's title
   must be the entry's, else "the DOI belongs to a different title" is
   reported and the entry falls through to a search;
2. its PII: filter=alternative-id:<PII>;
3. a query.bibliographic search (title, first author, year), re-ranked by
   crossref.match, which writes nothing unless it is sure.

Resolving (network, matching) runs in worker threads and touches no catalog
state; applying runs in the calling thread. Accepted results are saved as the
run goes (atomically, at most every `save_interval` seconds, and always at the
end, on Ctrl-C, on a crash and when the circuit breaker stops the run), so an
interrupted run keeps everything already accepted; store.save rebaselines after
each write, so each save re-renders only what changed since the last one.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Literal

from .crossref.client import CircuitOpen, CrossrefClient, CrossrefError
from .crossref.fields import PUBLISHED_TYPES, Work, parse_work
from .crossref.match import ID_TITLE_MIN, Decision, Scored, Wanted, decide, score
from .identifiers import doi_key, ids_from_url, invalid_identifiers, pii_key
from .merge import fill
from .model import Catalog, Entry
from .store import EntryUnwritable, LoadedCatalog, revert, save

# The fields enrichment may fill (`--fields` picks among them).
ENRICH_FIELDS: tuple[str, ...] = (
    "authors", "doi", "container_title", "series", "volume", "issue", "pages",
    "article_number", "publisher", "issn", "isbn", "month",
)

Status = Literal["matched", "upgrade", "ambiguous", "not-found", "error", "complete"]


@dataclass
class Resolution:
    """What Crossref says about one entry; no catalog change yet."""

    key: str
    status: Status
    via: str = ""                      # "DOI", "PII" or "search"
    work: Work | None = None
    candidates: list[Scored] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class EntryReport:
    key: str
    status: Status
    via: str = ""
    filled: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    reason: str = ""
    work: str = ""


@dataclass
class Summary:
    reports: list[EntryReport] = field(default_factory=list)
    stopped: str | None = None
    interrupted: bool = False
    requests: int = 0
    cache_hits: int = 0
    saved: bool = False

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.reports)

    @property
    def enriched(self) -> int:
        return sum(bool(r.filled) for r in self.reports)

    @property
    def fields_filled(self) -> int:
        return sum(len(r.filled) for r in self.reports)


def source_label(today: dt.date | None = None) -> str:
    """Provenance of every value filled today: "crossref YYYY-MM-DD" (UTC)."""
    day = today or dt.datetime.now(dt.UTC).date()
    return f"crossref {day.isoformat()}"


def wanted_for(entry: Entry, catalog: Catalog) -> Wanted:
    kind = catalog.entry_type(entry)
    venue = catalog.venues.get(entry.venue or "")
    names: tuple[str, ...] = ()
    if venue is not None and venue.kind != "preprint":
        names = (venue.key, venue.name, *venue.aliases)
    elif entry.venue and venue is None:
        names = (entry.venue,)
    years = tuple(dict.fromkeys([entry.year, *entry.sections]))
    return Wanted(key=entry.key, titles=(entry.title, *entry.alt_titles), years=years,
                  families=tuple(p.family for p in entry.authors), kind=kind,
                  venue_names=names)


def needs_work(entry: Entry, fields: tuple[str, ...]) -> bool:
    """Whether any of `fields` is still empty: complete entries cost nothing."""
    return any(getattr(entry, name) in (None, "", []) for name in fields)


def _by_identifier(wanted: Wanted, work: Work, label: str, value: str,
                   notes: list[str]) -> bool:
    """Accept a record reached through the entry's own identifier if its
    title is the entry's; otherwise report the mismatch."""
    checked = score(wanted, work, title_min=ID_TITLE_MIN, check_type=False,
                    check_venue=False, check_year=False)
    if checked.ok:
        return True
    if not work.title:
        notes.append(f"the Crossref record of {label} {value} has no title to check it against")
    elif checked.title_sim < ID_TITLE_MIN:
        notes.append(f"{label} {value} belongs to a different title: {work.full_title!r} "
                     f"(similarity {checked.title_sim:.2f}); not used")
    else:
        notes.append(f"the Crossref record of {label} {value}: "
                     f"{'; '.join(checked.problems)}; not used")
    return False


def resolve(entry: Entry, wanted: Wanted, client: CrossrefClient) -> Resolution:
    """Find the entry's Crossref record (runs in a worker thread)."""
    notes: list[str] = []
    link = ids_from_url(entry.url) if entry.url else None
    doi = entry.doi or (link.doi if link else None)
    if doi and not doi.casefold().startswith("10.48550/"):   # arXiv's are DataCite's
        record = client.work(doi)
        if record is None:
            notes.append(f"DOI {doi} is not known to Crossref")
        else:
            work = parse_work(record)
            if _by_identifier(wanted, work, "DOI", doi, notes):
                return Resolution(entry.key, _accepted(wanted, work), "DOI", work, notes=notes)
    pii = entry.pii or (link.pii if link else None)
    if pii:
        for record in client.by_alternative_id(pii):
            work = parse_work(record)
            if pii_key(pii) not in {pii_key(a) for a in work.alternative_ids}:
                continue
            if _by_identifier(wanted, work, "PII", pii, notes):
                if work.doi:
                    client.remember_work(work.doi, record)
                return Resolution(entry.key, _accepted(wanted, work), "PII", work, notes=notes)
    parts = [entry.title]
    # Only curated authors go into the query: authors filled from Crossref
    # would change the question, and the next run would miss the cache.
    if entry.authors and not entry.provenance.get("authors", "").startswith("crossref"):
        parts.append(entry.authors[0].family)
    parts.append(str(entry.year))
    records = client.search(" ".join(parts))
    works = [parse_work(r) for r in records]
    decision: Decision = decide(wanted, works)
    if decision.outcome == "match" and decision.best is not None:
        best = decision.best.work
        if best.doi:
            client.remember_work(best.doi, records[works.index(best)])
        return Resolution(entry.key, _accepted(wanted, best), "search", best,
                          candidates=decision.candidates, notes=notes)
    status: Status = "ambiguous" if decision.outcome == "ambiguous" else "not-found"
    return Resolution(entry.key, status, "search", candidates=decision.candidates,
                      notes=notes, reason=decision.reason)


def _accepted(wanted: Wanted, work: Work) -> Status:
    """A preprint's published version is reported, and applied on request; a
    preprint's own record (posted content, by its own DOI) fills it directly."""
    if wanted.kind == "preprint" and work.type in PUBLISHED_TYPES:
        return "upgrade"
    return "matched"


def apply(entry: Entry, resolution: Resolution, source: str, fields: tuple[str, ...],
          upgrade_preprints: bool) -> EntryReport:
    """Fill the entry from its resolved record through merge.fill()."""
    report = EntryReport(entry.key, resolution.status, resolution.via,
                         notes=list(resolution.notes), reason=resolution.reason,
                         candidates=[c.describe() for c in resolution.candidates])
    work = resolution.work
    if work is None:
        return report
    report.work = work.describe()
    if resolution.status == "upgrade" and not upgrade_preprints:
        report.reason = "published version found; apply it with --upgrade-preprints"
        return report
    incoming: dict[str, Any] = work.fields()
    _drop_corrected(entry, incoming, report.notes)
    for name, value, what in list(invalid_identifiers(incoming)):
        # Crossref's deposits are the publishers' text: a DOI with a space or
        # TeX in it would reach every export. Never written, only reported.
        del incoming[name]
        report.notes.append(f"{name}: Crossref has {_short(value)}, which is not {what}; "
                            "not filled")
    allowed = set(fields)
    if resolution.status == "upgrade" and work.entry_type and entry.entry_type is None:
        incoming["entry_type"] = work.entry_type
        allowed.add("entry_type")
    # The title is never written, only compared, so a difference is reported.
    incoming["title"] = work.full_title
    allowed.add("title")
    result = fill(entry, incoming, source, allowed)
    report.filled = result.filled
    for conflict in result.conflicts:
        report.notes.append(f"{conflict.field}: catalog has {_short(conflict.ours)}, "
                            f"Crossref has {_short(conflict.theirs)}; kept the catalog's")
    if work.year is not None and work.year != entry.year:
        report.notes.append(f"year: catalog (README section) has {entry.year}, "
                            f"Crossref's issued year is {work.year}; kept the catalog's")
    return report


def _drop_corrected(entry: Entry, incoming: dict[str, Any], notes: list[str]) -> None:
    """Never fill back a value that curation corrected away (a wrong DOI or
    pages that a correction emptied): Crossref repeating it is no evidence."""
    for fix in entry.corrections:
        value = incoming.get(fix.field)
        if value is None or isinstance(value, list):
            continue
        if (doi_key(str(value)) == doi_key(fix.was)) if fix.field == "doi" else \
                str(value) == fix.was:
            del incoming[fix.field]
            notes.append(f"{fix.field}: Crossref has {_short(value)}, which curation corrected "
                         f"to {_short(fix.now)}; not filled")


def _short(value: Any) -> str:
    if isinstance(value, list):
        text = "; ".join(getattr(v, "display", lambda v=v: str(v))() for v in value)
    else:
        text = str(value)
    return repr(text if len(text) <= 120 else text[:117] + "...")


def run(loaded: LoadedCatalog, entries: list[Entry], client: CrossrefClient,
        concurrency: int = 1, fields: tuple[str, ...] = ENRICH_FIELDS,
        upgrade_preprints: bool = False, dry_run: bool = False,
        source: str | None = None, save_interval: float = 2.0,
        on_done: Callable[[str], None] | None = None) -> Summary:
    """Resolve and apply every entry; save accepted results as they come."""
    source = source or source_label()
    summary = Summary()
    order = {e.key: i for i, e in enumerate(loaded.catalog.entries)}
    todo: list[Entry] = []
    for entry in entries:
        if needs_work(entry, fields):
            todo.append(entry)
        else:
            summary.reports.append(EntryReport(entry.key, "complete"))
            if on_done:
                on_done(entry.key)
    dirty = False
    last_save = time.monotonic()
    executor = ThreadPoolExecutor(max_workers=max(1, concurrency),
                                  thread_name_prefix="crossref")
    try:
        futures: dict[Future[Resolution], Entry] = {
            executor.submit(resolve, e, wanted_for(e, loaded.catalog), client): e
            for e in todo}
        for future in as_completed(futures):
            entry = futures[future]
            try:
                resolution = future.result()
            except CircuitOpen as exc:
                summary.stopped = str(exc)
                break
            except CrossrefError as exc:
                resolution = Resolution(entry.key, "error", reason=str(exc))
            report = apply(entry, resolution, source, fields, upgrade_preprints)
            summary.reports.append(report)
            if on_done:
                on_done(entry.key)
            if report.filled and not dry_run:
                dirty = True
                if time.monotonic() - last_save >= save_interval:
                    summary.saved |= _save(loaded, summary)
                    last_save, dirty = time.monotonic(), False
    except KeyboardInterrupt:
        summary.interrupted = True
        client.cancel()
    except BaseException:
        client.cancel()
        raise
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
        if dirty and not dry_run:
            summary.saved |= _save(loaded, summary)
    summary.reports.sort(key=lambda r: order.get(r.key, 0))
    summary.requests = client.requests
    summary.cache_hits = client.cache.hits if client.cache is not None else 0
    return summary


def _save(loaded: LoadedCatalog, summary: Summary) -> bool:
    """Save; an entry whose filled values the catalog cannot hold is put
    back as it was and reported, and the others are saved."""
    while True:
        try:
            return save(loaded)
        except EntryUnwritable as exc:
            revert(loaded, exc.key)
            for report in summary.reports:
                if report.key == exc.key:
                    report.status, report.filled = "error", []
                    report.reason = f"cannot be stored: {exc.detail}; nothing filled"
