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
state; applying runs in the calling thread. An entry whose questions are all
answered by the cache (a rerun's) is resolved in the calling thread first:
it makes no request, and a thread with a future per entry cost more than
resolving it; only entries that must ask Crossref go to the workers. Nothing here writes a file: the
caller's checkpoint keeps accepted results as the run goes (at most every
`save_interval` seconds, and always at the end, on Ctrl-C, on a crash and
when the circuit breaker stops the run), so an interrupted run keeps
everything already accepted. The command line's checkpoint is store.save,
which rebaselines after each write, so each save re-renders only what
changed since the last one.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Literal

from ..errors import UsageError
from ..identifiers import ids_from_url, invalid_identifiers, pii_key
from ..merge import drop_corrected, fill, shown
from ..model import Catalog, Entry
from ..records import FACTORY, DataMethods
from .client import CircuitOpen, CrossrefClient, CrossrefError
from .fields import PUBLISHED_TYPES, Work, parse_work
from .match import ID_TITLE_MIN, Decision, Scored, Wanted, decide, score

if TYPE_CHECKING:
    from concurrent.futures import Future

# The fields enrichment may fill (`--fields` picks among them).
ENRICH_FIELDS: tuple[str, ...] = (
    "authors", "doi", "container_title", "series", "volume", "issue", "pages",
    "article_number", "publisher", "issn", "isbn", "month",
)



def check_fields(asked: Iterable[str]) -> tuple[str, ...]:
    """The fields to fill, each one of ENRICH_FIELDS; UsageError otherwise."""
    chosen = tuple(dict.fromkeys(f.strip() for f in asked if f.strip()))
    unknown = [f for f in chosen if f not in ENRICH_FIELDS]
    if unknown or not chosen:
        raise UsageError(f"unknown field {', '.join(unknown) or '(none)'}; choose from "
                         f"{', '.join(ENRICH_FIELDS)}")
    return chosen


Status = Literal["matched", "upgrade", "ambiguous", "not-found", "error", "complete"]


@dataclass(init=False, repr=False, eq=False)
class Resolution(DataMethods):
    """What Crossref says about one entry; no catalog change yet."""

    key: str
    status: Status
    via: str = ""                      # "DOI", "PII" or "search"
    work: Work | None = None
    candidates: list[Scored] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reason: str = ""

    def __init__(self, key: str, status: Status, via: str = "", work: Work | None = None,
                 candidates: list[Scored] = FACTORY, notes: list[str] = FACTORY,
                 reason: str = "") -> None:
        self.key = key
        self.status = status
        self.via = via
        self.work = work
        self.candidates = [] if candidates is FACTORY else candidates
        self.notes = [] if notes is FACTORY else notes
        self.reason = reason


@dataclass(init=False, repr=False, eq=False)
class EntryReport(DataMethods):
    key: str
    status: Status
    via: str = ""
    filled: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)
    reason: str = ""
    work: str = ""

    def __init__(self, key: str, status: Status, via: str = "",
                 filled: list[str] = FACTORY, notes: list[str] = FACTORY,
                 candidates: list[str] = FACTORY, reason: str = "", work: str = "") -> None:
        self.key = key
        self.status = status
        self.via = via
        self.filled = [] if filled is FACTORY else filled
        self.notes = [] if notes is FACTORY else notes
        self.candidates = [] if candidates is FACTORY else candidates
        self.reason = reason
        self.work = work


@dataclass(init=False, repr=False, eq=False)
class Summary(DataMethods):
    reports: list[EntryReport] = field(default_factory=list)
    stopped: str | None = None
    interrupted: bool = False
    requests: int = 0
    cache_hits: int = 0
    saved: bool = False

    def __init__(self, reports: list[EntryReport] = FACTORY, stopped: str | None = None,
                 interrupted: bool = False, requests: int = 0, cache_hits: int = 0,
                 saved: bool = False) -> None:
        self.reports = [] if reports is FACTORY else reports
        self.stopped = stopped
        self.interrupted = interrupted
        self.requests = requests
        self.cache_hits = cache_hits
        self.saved = saved

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
    for fix, value in drop_corrected(entry, incoming):
        report.notes.append(f"{fix.field}: Crossref has {shown(value)}, which curation "
                            f"corrected to {shown(fix.now)}; not filled")
    for name, value, what in list(invalid_identifiers(incoming)):
        # Crossref's deposits are the publishers' text: a DOI with a space or
        # TeX in it would reach every export. Never written, only reported.
        del incoming[name]
        report.notes.append(f"{name}: Crossref has {shown(value)}, which is not {what}; "
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
        report.notes.append(f"{conflict.describe(with_key=False, source='Crossref')}; "
                            "kept the catalog's")
    if work.year is not None and work.year != entry.year:
        report.notes.append(f"year: catalog (README section) has {entry.year}, "
                            f"Crossref's issued year is {work.year}; kept the catalog's")
    return report


@dataclass(init=False, repr=False, eq=False)
class Checkpointed(DataMethods):
    """What a checkpoint did: whether it wrote, and the entries it could not
    store (key -> why), which it put back as they were."""

    saved: bool
    dropped: dict[str, str] = field(default_factory=dict)

    def __init__(self, saved: bool, dropped: dict[str, str] = FACTORY) -> None:
        self.saved = saved
        self.dropped = {} if dropped is FACTORY else dropped


# Called as accepted results pile up, and at the end: the caller keeps them
# (store.save for the command line). Enrichment itself writes nothing.
Checkpoint = Callable[[], Checkpointed]


def run(catalog: Catalog, entries: list[Entry], client: CrossrefClient,
        concurrency: int = 1, fields: tuple[str, ...] = ENRICH_FIELDS,
        upgrade_preprints: bool = False, checkpoint: Checkpoint | None = None,
        source: str | None = None, save_interval: float = 2.0,
        on_done: Callable[[str], None] | None = None) -> Summary:
    """Resolve and apply every entry, changing `catalog`'s entries in place.
    `checkpoint` (none for a dry run) is called at most every
    `save_interval` seconds while accepted results come in, and once at the
    end, on Ctrl-C, on a crash and when the run stops early."""
    source = source or source_label()
    summary = Summary()
    order = {e.key: i for i, e in enumerate(catalog.entries)}
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

    def accept(entry: Entry, resolution: Resolution) -> None:
        nonlocal dirty, last_save
        report = apply(entry, resolution, source, fields, upgrade_preprints)
        summary.reports.append(report)
        if on_done:
            on_done(entry.key)
        if report.filled and checkpoint is not None:
            dirty = True
            if time.monotonic() - last_save >= save_interval:
                _checkpoint(checkpoint, summary)
                last_save, dirty = time.monotonic(), False

    executor = None
    try:
        # An entry whose questions the cache answers (a rerun's) is resolved
        # here: no request, so no worker (a thread and a future per entry cost
        # more than resolving it). The others go to the workers, in order.
        asking: list[Entry] = []
        for entry in todo:
            known = client.from_cache(partial(_resolve_with, entry, catalog))
            if known is None:
                asking.append(entry)
            else:
                accept(entry, known)
        if asking:
            from concurrent.futures import ThreadPoolExecutor, as_completed

            executor = ThreadPoolExecutor(max_workers=max(1, concurrency),
                                          thread_name_prefix="crossref")
            futures: dict[Future[Resolution], Entry] = {
                executor.submit(resolve, e, wanted_for(e, catalog), client): e
                for e in asking}
            for future in as_completed(futures):
                entry = futures[future]
                try:
                    resolution = future.result()
                except CircuitOpen as exc:
                    summary.stopped = str(exc)
                    break
                except CrossrefError as exc:
                    resolution = Resolution(entry.key, "error", reason=str(exc))
                accept(entry, resolution)
    except KeyboardInterrupt:
        summary.interrupted = True
        client.cancel()
    except BaseException:
        client.cancel()
        raise
    finally:
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        if dirty and checkpoint is not None:
            _checkpoint(checkpoint, summary)
    summary.reports.sort(key=lambda r: order.get(r.key, 0))
    summary.requests = client.requests
    summary.cache_hits = client.cache.hits if client.cache is not None else 0
    return summary


def _resolve_with(entry: Entry, catalog: Catalog, client: CrossrefClient) -> Resolution:
    return resolve(entry, wanted_for(entry, catalog), client)


def _checkpoint(checkpoint: Checkpoint, summary: Summary) -> None:
    """Keep what was accepted; an entry the caller could not store was put
    back as it was, and its report says so."""
    done = checkpoint()
    summary.saved |= done.saved
    for report in summary.reports:
        if report.key in done.dropped:
            report.status, report.filled = "error", []
            report.reason = f"cannot be stored: {done.dropped[report.key]}; nothing filled"
