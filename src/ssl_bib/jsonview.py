"""Entries as JSON objects: the stable shape of `list --json` and `show --json`;
and the reports of enrich, import and zotero as `--json` prints them.

Field names are the catalog's own. Empty values are null or [], never absent,
so consumers can rely on every key being there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import ENTRY_FIELDS, Catalog, CodeLink, Correction, Entry, Person

if TYPE_CHECKING:
    from .crossref.enrich import Summary as EnrichSummary
    from .importer import Outcome as ImportOutcome
    from .merge import Conflict
    from .zotero.report import Report as ZoteroReport

# Fields that are not written as they are held (strings, ints, None) or as a
# copy (lists of strings, the provenance table).
_CONVERTED = frozenset({"authors", "code", "corrections", "sections", "entry_type"})


def entry_to_json(entry: Entry, catalog: Catalog) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ENTRY_FIELDS:
        if name not in _CONVERTED:
            value = getattr(entry, name)
            out[name] = value.copy() if type(value) in (list, dict) else value
        elif name == "authors":
            out[name] = [p.display() for p in entry.authors]
            out["orcids"] = {p.display(): p.orcid for p in entry.authors if p.orcid}
        elif name == "code":
            out[name] = [{"label": c.label, "url": c.url} for c in entry.code]
        elif name == "corrections":
            out[name] = [{"field": c.field, "was": c.was, "now": c.now, "why": c.why}
                         for c in entry.corrections]
        elif name == "sections":
            out[name] = entry.listed_sections()
        else:
            out[name] = catalog.entry_type(entry)
    venue = catalog.venues.get(entry.venue or "")
    out["venue_name"] = venue.name if venue else None
    return out


# -- the reports of the commands that change the catalog (`--json`) ---------------
#
# One JSON object on standard output, in place of the report lines; the summary
# and progress still go to standard error. Keys are always there (empty values
# are null, 0 or []), so a script can rely on them.


def value_to_json(value: Any) -> Any:
    """A field's value as JSON: people as "Family, Given", code links and
    corrections as objects."""
    if isinstance(value, list | tuple):
        return [value_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): value_to_json(v) for k, v in value.items()}
    if isinstance(value, Person):
        return value.display()
    if isinstance(value, CodeLink):
        return {"label": value.label, "url": value.url}
    if isinstance(value, Correction):
        return {"field": value.field, "was": value.was, "now": value.now, "why": value.why}
    return value


def conflict_to_json(conflict: Conflict) -> dict[str, Any]:
    return {"key": conflict.key, "field": conflict.field,
            "catalog": value_to_json(conflict.ours), "other": value_to_json(conflict.theirs),
            "source": conflict.source}


def enrich_to_json(summary: EnrichSummary, diff: str | None) -> dict[str, Any]:
    return {
        "entries": [{"key": r.key, "status": r.status, "via": r.via or None,
                     "filled": list(r.filled), "record": r.work or None,
                     "reason": r.reason or None, "candidates": list(r.candidates),
                     "disagreements": list(r.notes)} for r in summary.reports],
        "enriched": summary.enriched, "fields_filled": summary.fields_filled,
        "ambiguous": summary.count("ambiguous"), "not_found": summary.count("not-found"),
        "errors": summary.count("error"),
        "published_versions": sum(r.status == "upgrade" for r in summary.reports),
        "requests": summary.requests, "cache_hits": summary.cache_hits,
        "stopped": summary.stopped, "interrupted": summary.interrupted,
        "dry_run": diff is not None, "diff": diff,
    }


def import_to_json(outcome: ImportOutcome, written: bool, diff: str | None) -> dict[str, Any]:
    return {
        "added": [{"key": e.key, "title": e.title, "source": e.provenance.get("entry")}
                  for e in outcome.added],
        "merged": [{"key": e.key, "fields": list(fields)} for e, fields in outcome.merged],
        "unchanged": outcome.unchanged, "skipped": outcome.skipped,
        "conflicts": [conflict_to_json(c) for c in outcome.conflicts],
        "problems": [p.as_dict() for p in outcome.problems],
        "written": written, "dry_run": diff is not None, "diff": diff,
    }


def zotero_to_json(report: ZoteroReport) -> dict[str, Any]:
    return {
        "catalog": {action: list(keys) for action, keys in report.catalog.items()},
        "zotero": {action: list(keys) for action, keys in report.zotero.items()},
        "conflicts": [conflict_to_json(c) for c in report.conflicts],
        "notes": list(report.notes), "failures": list(report.failures),
        "requests": report.requests, "dry_run": report.dry_run,
    }
