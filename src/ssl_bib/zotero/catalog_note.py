"""The catalog note: what the catalog holds besides its entries, kept in the group.

A push sends each entry as an item, but a catalog is more than its entries:
its venue list (full names, links, aliases, venues no entry uses yet), its
categories in their order, and the order of its entries (the README lists
them in it). Zotero has no place for these, so push and sync keep them in
one standalone note of the group, which `zotero pull` into a new catalog
reads back: the pulled catalog renders the same README as the pushed one.

The note is readable in Zotero (a heading, a line saying what it is, the
data as JSON in a code block) and is read back however Zotero's note editor
rewraps its HTML. The catalog stays the authority: pull only adds what the
catalog lacks (venues, categories, the place of a new entry), and the next
push writes the note again from the catalog.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import SslBibError
from ..identifiers import is_issn, is_url
from ..lazy_re import compiled
from ..model import VENUE_KINDS, Catalog, Venue

MARKER = "ssl-bib-catalog"
SCHEMA = 1
HEADING = "ssl-bib catalog"
_TAG_RE = compiled(r"<[^<>]*+>")  # stops at the next "<": linear on "<<<<..."


class NoteError(SslBibError, ValueError):
    """The note is ours but cannot be read (edited by hand, or cut short)."""


@dataclass
class CatalogRecord:
    """What the note holds."""

    venues: list[Venue] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # Zotero keys of the entries, in order

    def to_json(self) -> dict[str, Any]:
        venues = []
        for v in self.venues:
            one: dict[str, Any] = {"key": v.key, "name": v.name, "kind": v.kind}
            if v.url is not None:
                one["url"] = v.url
            if not v.listed:
                one["listed"] = False
            if v.aliases:
                one["aliases"] = list(v.aliases)
            if v.issn:
                one["issn"] = v.issn
            venues.append(one)
        return {MARKER: SCHEMA, "categories": list(self.categories), "venues": venues,
                "order": " ".join(self.order)}


def of_catalog(catalog: Catalog) -> CatalogRecord:
    """The record of a catalog: its venues and categories, and the Zotero keys
    of its entries in file order (entries not in Zotero yet have none)."""
    return CatalogRecord(venues=list(catalog.venues.values()),
                         categories=list(catalog.categories),
                         order=[e.zotero_key for e in catalog.entries if e.zotero_key])


def render(record: CatalogRecord) -> str:
    """The note's HTML."""
    data = json.dumps(record.to_json(), ensure_ascii=False, indent=1)
    return (f"<h1>{HEADING}</h1>\n<p>Written by ssl-bib (<code>zotero push</code>, "
            "<code>zotero sync</code>): the catalog's venues, categories and the order of "
            "its entries, which <code>zotero pull</code> into a new catalog reads back. "
            "Edit them in entries.toml: the next push writes this note again.</p>\n"
            f"<pre>{html.escape(data, quote=False)}</pre>")


def is_catalog_note(data: dict[str, Any]) -> bool:
    """Whether an item is a catalog note: a standalone note holding our marker."""
    note = data.get("note")
    if data.get("itemType") != "note" or data.get("parentItem") or not isinstance(note, str):
        return False
    return MARKER in note


def read(note_html: str) -> CatalogRecord:
    """The record in a catalog note's HTML; NoteError when it cannot be read."""
    text = html.unescape(_TAG_RE.sub("", note_html))
    start = text.find("{")
    while start >= 0 and MARKER not in text[start:start + 40]:
        start = text.find("{", start + 1)
    if start < 0:
        raise NoteError("it holds no ssl-bib data")
    try:
        doc, _end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise NoteError(f"its data is not valid JSON ({exc.msg})") from None
    if not isinstance(doc, dict) or doc.get(MARKER) != SCHEMA:
        raise NoteError(f"it is of another version ({doc.get(MARKER)!r})"
                        if isinstance(doc, dict) else "its data is not an object")
    return CatalogRecord(venues=_venues(doc.get("venues")),
                         categories=_strings(doc.get("categories"), "categories"),
                         order=_order(doc.get("order")))


def _strings(value: Any, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise NoteError(f"its {what} are not a list of names")
    return list(dict.fromkeys(value))


def _order(value: Any) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, str):
        raise NoteError("its order is not a list of item keys")
    from .wire import is_key

    keys = value.split()
    if not all(is_key(k) for k in keys):
        raise NoteError("its order holds something that is no Zotero item key")
    return list(dict.fromkeys(keys))


def _venues(value: Any) -> list[Venue]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise NoteError("its venues are not a list")
    out: list[Venue] = []
    for number, one in enumerate(value, start=1):
        if not isinstance(one, dict):
            raise NoteError(f"its venue {number} is not an object")
        key, name, kind = one.get("key"), one.get("name"), one.get("kind")
        url, listed, issn = one.get("url"), one.get("listed", True), one.get("issn")
        aliases = one.get("aliases", [])
        if not (isinstance(key, str) and key.strip() and isinstance(name, str)):
            raise NoteError(f"its venue {number} has no key or name")
        if kind not in VENUE_KINDS:
            raise NoteError(f"its venue {key!r} is of no kind the catalog knows ({kind!r})")
        if not (url is None or isinstance(url, str)) or not isinstance(listed, bool) or not (
                issn is None or isinstance(issn, str)):
            raise NoteError(f"its venue {key!r} has a link, listing or ISSN of the wrong type")
        # What `check` would refuse in the catalog is refused here (an empty
        # link is the list's own habit: `check` only warns of it).
        if url and not is_url(url):
            raise NoteError(f"its venue {key!r} has a link that is not an http(s) URL")
        if issn and not is_issn(issn):
            raise NoteError(f"its venue {key!r} has an ISSN that is none")
        out.append(Venue(key=key, name=name, kind=kind, url=url, listed=listed,
                         aliases=_strings(aliases, f"venue {key!r} aliases"), issn=issn))
    return out
