"""CSL-JSON writer: entries -> a JSON array, as pandoc, Quarto, Zotero and
citeproc read it.

Only keys the official CSL-JSON schema (csl-data.json, v1.0) allows are
written, each with the value type it allows: `id` and `type` always, dates as
{"date-parts": [[year, month]]}, names as {"family", "given"} or {"literal"}
for organisations. What CSL has no variable for (code links, the arXiv id)
goes into `custom`, the schema's place for extra data; code links are also
written into `note`, which pandoc and Zotero keep (they drop `custom`). Ids are the citation
keys, unique case-insensitively (citeproc-py lower-cases them).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..json_out import dumps
from ..model import Catalog, Entry, Person
from ..richtext import to_csl
from . import fields as f

CSL_TYPES = {"article": "article-journal", "inproceedings": "paper-conference",
             "preprint": "article"}

# Every key this writer can emit; tests check each against the schema.
CSL_KEYS = ("id", "type", "title", "author", "container-title",
            "collection-title", "event-title", "issued", "volume", "issue", "page", "number",
            "publisher", "ISSN", "ISBN", "DOI", "URL", "keyword", "abstract", "note", "custom")


def write_csljson(catalog: Catalog, entries: Iterable[Entry],
                  on_entry: Callable[[], None] | None = None) -> str:
    entries = list(entries)
    f.check_unique_keys(entries)
    items = [f.reported(csl_item(catalog, entry), on_entry) for entry in entries]
    return dumps(items) + "\n"


def csl_item(catalog: Catalog, entry: Entry) -> dict[str, Any]:
    kind = catalog.entry_type(entry)
    item: dict[str, Any] = {"id": entry.key, "type": CSL_TYPES[kind]}

    def put(name: str, value: str | None) -> None:
        value = f.clean(value)
        if value:
            item[name] = value

    # CSL keeps the title's rich text as the catalog does; math becomes CSL's
    # <sub>/<sup> and Unicode where it can (richtext.to_csl).
    put("title", to_csl(entry.title))
    persons = f.people(entry)
    if persons:
        item["author"] = [_name(p) for p in persons]
    venue = f.venue_name(catalog, entry)
    if kind == "preprint":
        if not entry.arxiv:
            put("publisher", entry.publisher or venue)
    else:
        put("container-title", f.container_title(catalog, entry))
        if kind == "inproceedings" and entry.container_title and venue != f.clean(
                entry.container_title):
            put("event-title", venue)
    put("collection-title", entry.series)
    parts = [entry.year, entry.month] if entry.month and 1 <= entry.month <= 12 else [entry.year]
    item["issued"] = {"date-parts": [parts]}
    put("volume", entry.volume)
    put("issue", entry.issue)
    first, last = f.page_range(entry.pages)
    if first:
        item["page"] = f"{first}-{last}" if last else first
    if kind == "preprint" and entry.arxiv:
        # Zotero's form for a preprint: the server as publisher, its id as number.
        item["publisher"] = f.clean(entry.publisher) or "arXiv"
        item["number"] = f"arXiv:{f.identifier(entry, 'arxiv')}"
    else:
        put("number", entry.article_number)
        if kind != "preprint":
            put("publisher", entry.publisher)
    put("ISSN", entry.issn)
    put("ISBN", entry.isbn)
    put("DOI", f.doi(entry))
    put("URL", f.url(entry))
    keywords = [c for c in (f.clean(c) for c in entry.categories) if c]
    if keywords:
        item["keyword"] = ", ".join(keywords)
    put("abstract", entry.abstract)
    # Code links also go into `note`: pandoc and Zotero drop `custom` on import
    # but keep the note, so the links survive every consumer.
    put("note", f.note_text(entry))
    custom: dict[str, Any] = {}
    if entry.code:
        custom["code"] = [{"label": f.clean(c.label), "url": c.url.strip()}
                          for c in entry.code if c.url.strip()]
    if entry.arxiv:
        custom["arxiv"] = f.identifier(entry, "arxiv")
    if custom:
        item["custom"] = custom
    return {key: item[key] for key in CSL_KEYS if key in item}


def _name(person: Person) -> dict[str, str]:
    """A CSL name: an organisation or single name as `literal`, else family,
    given and suffix."""
    if person.literal or not (person.given or person.suffix):
        return {"literal": person.family}
    name = {"family": person.family, "given": person.given}
    if person.suffix:
        name["suffix"] = person.suffix
    return name
