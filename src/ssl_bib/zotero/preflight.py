"""Whether a catalog may be synced, decided before anything is asked of
Zotero: a catalog with errors would send (or overwrite) broken data, and two
entries with one zotero_key (a copied entry block) would be two papers fighting
over one item. Both are refused with the file and line to fix."""

from __future__ import annotations

from ..problems import InputError
from ..store import LoadedCatalog


def refuse_unsyncable(loaded: LoadedCatalog) -> None:
    """Raise InputError (exit 2) for a catalog that read with errors, or
    with a zotero_key that two entries hold."""
    errors = [p for p in loaded.problems if p.severity == "error"]
    if errors:
        raise errors[0].as_error(f" (and {len(errors) - 1} more; `ssl-bib check` lists them); "
                                 "fix the catalog before syncing")
    seen: dict[str, str] = {}
    for entry in loaded.catalog.entries:
        if not entry.zotero_key:
            continue
        folded = entry.zotero_key.upper()
        if folded in seen:
            raise InputError(loaded.name, loaded.line_of(entry, "zotero_key"),
                             f"entry {entry.key}: zotero_key {entry.zotero_key!r} is also "
                             f"entry {seen[folded]}'s; remove it from the copy, and sync gives "
                             "it its own item")
        seen[folded] = entry.key
