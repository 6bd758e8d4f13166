"""RIS writer: entries -> text, through rispy's writer.

rispy's stock writer puts a numbered line ("1.") before each record, which
pandoc and several importers reject, so a subclass drops it. Every value is
one line (codecs.fields.clean): a line break inside a value would end the tag.

Tags follow what Zotero's RIS import reads back into the right fields:
TY first (JOUR, CONF, or UNPB for a preprint), ID the citation key (pandoc
uses it as the item id), one AU per author "Family, Given", TI, T2 the full
journal name or conference name (JO would be read as an abbreviation), C3 the
proceedings title, T3 the series, PY, DA, VL, IS, SP/EP, PB, SN, DO bare, UR,
one KW per category, one N1 per code link, AB, ER last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from ..model import Catalog, Entry
from ..richtext import to_unicode
from . import fields as f
from .facts import facts
from .fields import clean

RIS_TYPES = {"article": "JOUR", "inproceedings": "CONF", "preprint": "UNPB"}


@lru_cache(maxsize=1)
def _writer() -> Any:
    from rispy.config import LIST_TYPE_TAGS, TAG_KEY_MAPPING
    from rispy.writer import RisWriter

    class HeaderlessRisWriter(RisWriter):  # type: ignore[misc]
        """rispy's writer without the "1." line before each record, and
        quicker at the same lines: each is its PATTERN filled by an f-string
        rather than str.format (half of rispy's time on a big export), and
        list tags are a set."""

        def set_header(self, count: int) -> str:
            return ""

        def _format_line(self, tag: str, value: str = "") -> str:
            return f"{tag}  - {value}"

    return HeaderlessRisWriter(mapping=TAG_KEY_MAPPING, list_tags=frozenset(LIST_TYPE_TAGS))


def write_ris(catalog: Catalog, entries: Iterable[Entry],
              on_entry: Callable[[], None] | None = None) -> str:
    entries = list(entries)
    f.check_unique_keys(entries)
    records = f.written(ris_record, catalog, entries, on_entry)
    text: str = _writer().formats(records)
    return text


def ris_record(catalog: Catalog, entry: Entry) -> dict[str, Any]:
    """One record as rispy's field names, in the order the tags are written."""
    fx = facts(catalog, entry)
    kind = fx.kind
    record: dict[str, Any] = {"type_of_reference": RIS_TYPES[kind], "id": entry.key}

    def put(name: str, value: str | None) -> None:
        if value and (value := clean(value)):
            record[name] = value

    persons = fx.persons
    if persons:
        # "Last, First, Suffix" (the RIS specification's AU form); a single
        # or organisation name alone.
        record["authors"] = [p.family if p.literal else p.display() for p in persons]
    # RIS has no markup: the title's formatting goes, its math and sub- and
    # superscripts become Unicode where they can (richtext.to_unicode).
    put("title", to_unicode(entry.title))
    venue = fx.venue
    if kind == "inproceedings":
        # Zotero reads T2 as the conference name and C3 as the proceedings title.
        put("secondary_title", venue or entry.container_title)
        if entry.container_title and f.clean(entry.container_title) != venue:
            put("custom3", entry.container_title)
    else:
        put("secondary_title", fx.container)
    put("tertiary_title", entry.series)
    record["year"] = str(entry.year)
    if entry.month and 1 <= entry.month <= 12:
        record["date"] = f"{entry.year:04d}/{entry.month:02d}/"
    put("volume", entry.volume)
    put("number", entry.issue)
    first, last = fx.pages
    if not first:
        first = f.clean(entry.article_number)
    if first:
        record["start_page"] = first
    if last:
        record["end_page"] = last
    if kind == "preprint" and entry.arxiv and not f.clean(entry.publisher):
        record["publisher"] = "arXiv"
    put("publisher", entry.publisher)
    put("issn", entry.issn or entry.isbn)
    put("doi", f.doi(entry))
    link = f.clean(f.url(entry))
    if link:
        record["urls"] = [link]
    if fx.keywords:
        record["keywords"] = list(fx.keywords)
    if fx.notes:
        record["notes"] = list(fx.notes)
    put("abstract", entry.abstract)
    return record
