"""Entries as JSON objects: the stable shape of `list --json` and `show --json`.

Field names are the catalog's own. Empty values are null or [], never absent,
so consumers can rely on every key being there.
"""

from __future__ import annotations

from typing import Any

from .model import ENTRY_FIELDS, Catalog, Entry


def entry_to_json(entry: Entry, catalog: Catalog) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ENTRY_FIELDS:
        value = getattr(entry, name)
        if name == "authors":
            out[name] = [p.display() for p in value]
            out["orcids"] = {p.display(): p.orcid for p in value if p.orcid}
        elif name == "code":
            out[name] = [{"label": c.label, "url": c.url} for c in value]
        elif name == "corrections":
            out[name] = [{"field": c.field, "was": c.was, "now": c.now, "why": c.why}
                         for c in value]
        elif name == "sections":
            out[name] = entry.listed_sections()
        elif name == "entry_type":
            out[name] = catalog.entry_type(entry)
        elif isinstance(value, list | dict):
            out[name] = type(value)(value)
        else:
            out[name] = value
    venue = catalog.venues.get(entry.venue or "")
    out["venue_name"] = venue.name if venue else None
    return out
