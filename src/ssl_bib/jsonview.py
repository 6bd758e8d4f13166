"""Entries as JSON objects: the stable shape of `list --json` and `show --json`.

Field names are the catalog's own. Empty values are null or [], never absent,
so consumers can rely on every key being there.
"""

from __future__ import annotations

from typing import Any

from .model import ENTRY_FIELDS, Catalog, Entry

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
