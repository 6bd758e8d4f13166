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

from ..json_out import dumps, dumps_line_bytes
from ..model import Catalog, Entry, Person
from ..richtext import to_csl
from . import fields as f
from .facts import facts
from .fields import clean

CSL_TYPES = {"article": "article-journal", "inproceedings": "paper-conference",
             "preprint": "article"}

# Every key this writer can emit; tests check each against the schema.
CSL_KEYS = ("id", "type", "title", "author", "container-title",
            "collection-title", "event-title", "issued", "volume", "issue", "page", "number",
            "publisher", "ISSN", "ISBN", "DOI", "URL", "keyword", "abstract", "note", "custom")


def write_csljson(catalog: Catalog, entries: Iterable[Entry],
                  on_entry: Callable[[], None] | None = None) -> str:
    return dumps(_items(catalog, entries, on_entry)) + "\n"


def write_csljson_bytes(catalog: Catalog, entries: Iterable[Entry],
                        on_entry: Callable[[], None] | None = None) -> bytes:
    """write_csljson's text as UTF-8, for a file (exporting.export_all)."""
    return dumps_line_bytes(_items(catalog, entries, on_entry))


def _items(catalog: Catalog, entries: Iterable[Entry],
           on_entry: Callable[[], None] | None) -> list[dict[str, Any]]:
    entries = list(entries)
    f.check_unique_keys(entries)
    return f.written(csl_item, catalog, entries, on_entry)


def csl_item(catalog: Catalog, entry: Entry) -> dict[str, Any]:
    fx = facts(catalog, entry)
    kind = fx.kind
    item: dict[str, Any] = {"id": entry.key, "type": CSL_TYPES[kind]}

    def put(name: str, value: str | None) -> None:
        if value and (value := clean(value)):
            item[name] = value

    # CSL keeps the title's rich text as the catalog does; math becomes CSL's
    # <sub>/<sup> and Unicode where it can (richtext.to_csl).
    put("title", to_csl(entry.title))
    persons = fx.persons
    if persons:
        item["author"] = [_name(p) for p in persons]
    # Keys are put in CSL_KEYS's order (the schema's), so no pass reorders them.
    # The facts' values are clean already; an item holds only those with a value.
    venue = fx.venue
    if kind != "preprint" and fx.container:
        item["container-title"] = fx.container
    if fx.series:
        item["collection-title"] = fx.series
    if kind == "inproceedings" and entry.container_title and venue and \
            venue != fx.container_title:
        item["event-title"] = venue
    parts = [entry.year, entry.month] if entry.month and 1 <= entry.month <= 12 else [entry.year]
    item["issued"] = {"date-parts": [parts]}
    if fx.volume:
        item["volume"] = fx.volume
    if fx.issue:
        item["issue"] = fx.issue
    first, last = fx.pages
    if first:
        item["page"] = f"{first}-{last}" if last else first
    if kind == "preprint" and entry.arxiv:
        # Zotero's form for a preprint: the server as publisher, its id as number.
        item["number"] = f"arXiv:{fx.identifier('arxiv')}"
        item["publisher"] = fx.publisher or "arXiv"
    else:
        if fx.article_number:
            item["number"] = fx.article_number
        publisher = fx.publisher if entry.publisher or kind != "preprint" else venue
        if publisher:
            item["publisher"] = publisher
    if fx.issn:
        item["ISSN"] = fx.issn
    if fx.isbn:
        item["ISBN"] = fx.isbn
    if entry.doi and (doi := fx.doi()):
        item["DOI"] = doi
    if url := fx.url():
        item["URL"] = url
    if fx.keywords:
        item["keyword"] = ", ".join(fx.keywords)
    if fx.abstract:
        item["abstract"] = fx.abstract
    # Code links also go into `note`: pandoc and Zotero drop `custom` on import
    # but keep the note, so the links survive every consumer.
    if fx.note:
        item["note"] = fx.note
    custom: dict[str, Any] = {}
    if entry.code:
        custom["code"] = [{"label": f.clean(c.label), "url": c.url.strip()}
                          for c in entry.code if c.url.strip()]
    if entry.arxiv:
        custom["arxiv"] = fx.identifier("arxiv")
    if custom:
        item["custom"] = custom
    return item


def _name(person: Person) -> dict[str, str]:
    """A CSL name: an organisation or single name as `literal`, else family,
    given and suffix."""
    if person.literal or not (person.given or person.suffix):
        return {"literal": person.family}
    name = {"family": person.family, "given": person.given}
    if person.suffix:
        name["suffix"] = person.suffix
    return name
