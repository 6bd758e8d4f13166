"""The head of the file (settings, categories, venues) edited in place with
tomlkit, which keeps its comments: slow, but the head is small and is
edited only when it changed."""

from __future__ import annotations

from .. import toml_parse
from ..model import Catalog
from ..toml_render import render_head, render_venue


def edit_head(head: str, catalog: Catalog) -> str:
    """Apply changed settings, categories and venues to the head, keeping its
    comments: tomlkit is slow but the head is small."""
    import tomlkit

    try:
        doc = tomlkit.parse(head)
    except Exception:  # noqa: BLE001 - an unparseable head is re-rendered whole
        return render_head(catalog) + "\n"
    doc["schema"] = catalog.schema
    doc["categories"] = catalog.categories
    settings = tomlkit.table()
    settings["key_format"] = catalog.settings.key_format
    if catalog.settings.crossref_mailto:
        settings["crossref_mailto"] = catalog.settings.crossref_mailto
    if catalog.settings.crossref_concurrency is not None:
        settings["crossref_concurrency"] = catalog.settings.crossref_concurrency
    if catalog.settings.zotero_group is not None:
        settings["zotero_group"] = catalog.settings.zotero_group
    if catalog.settings.max_wait is not None:
        settings["max_wait"] = catalog.settings.max_wait
    if doc.get("settings") != settings:
        doc["settings"] = settings
    venues = doc.get("venues")
    if not isinstance(venues, dict):
        # Absent, or not a table at all (check reports that): write a real one.
        if venues is not None:
            del doc["venues"]
        venues = tomlkit.table(is_super_table=True)
        doc["venues"] = venues
    for key in list(venues):
        if key not in catalog.venues:
            del venues[key]
    for key, venue in catalog.venues.items():
        fresh = toml_parse.loads(render_venue(venue))["venues"][key]
        if venues.get(key) != fresh:
            table = tomlkit.table()
            for name, value in fresh.items():
                table[name] = value
            venues[key] = table
    text = tomlkit.dumps(doc)
    # End as the old head ended, so the first entry's lead lines sit as before.
    trailing = len(head) - len(head.rstrip("\n"))
    return text.rstrip("\n") + "\n" * max(trailing, 1)
