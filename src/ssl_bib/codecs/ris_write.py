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

import functools
import warnings
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from ..model import Catalog, Entry, Person
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
        quicker at the same lines (a test holds them to the stock writer's):
        each line is its PATTERN filled by an f-string rather than
        str.format, and a record's lines are made in one loop over its
        fields, each label's tag and kind looked up once, instead of a chain
        of generators that rebuilds the tags to skip for every record (rispy's
        machinery was most of the RIS time of a big export)."""

        def set_header(self, count: int) -> str:
            return ""

        def _format_line(self, tag: str, value: str = "") -> str:
            return f"{tag}  - {value}"

        def formats(self, references: list[dict[str, Any]]) -> str:
            if not self.enforce_list_tags:  # a label's branch would hang on its value
                return str(super().formats(references))
            lines: list[str] = []
            separator = self.SEPARATOR
            last = len(references) - 1
            for index, ref in enumerate(references):
                self._reference_lines(ref, lines)
                if separator is not None and index < last:
                    lines.append(separator)
            lines.append("")  # the stock writer's extra line: the text ends with a newline
            return str(self.NEWLINE.join(lines))

        def _reference_lines(self, ref: dict[str, Any], lines: list[str]) -> None:
            """rispy's _format_reference, without a header, into `lines`."""
            kind_of = self._kinds
            lines.append(f"{self.START_TAG}  - {self._get_reference_type(ref)}")
            for label, value in ref.items():
                known = kind_of.get(label)
                if known is None:
                    known = self._kind(label)
                    if known[0]:  # a label with no tag warns each time, as rispy's
                        kind_of[label] = known
                tag, kind = known
                if kind == _PLAIN:
                    lines.append(f"{tag}  - {value}")
                elif kind == _LIST:
                    lines.extend([f"{tag}  - {item}" for item in value])
                elif kind == _UNKNOWN:
                    for unknown_tag, items in value.items():
                        lines.extend([f"{unknown_tag}  - {item}" for item in items])
                elif kind == _DELIMITED:
                    lines.append(f"{tag}  - {self.delimiter_map[tag].join(value)}")
                # _SKIPPED (TY, ignored tags) and unmapped labels write nothing
            lines.append(f"{self.END_TAG}  - ")

        @functools.cached_property
        def _kinds(self) -> dict[str, tuple[str, int]]:
            return {}

        def _kind(self, label: str) -> tuple[str, int]:
            """How rispy writes a label: its tag, and which of its branches."""
            tag = self._rev_mapping.get(label.lower())
            if tag is None:
                warnings.warn(UserWarning(f"label `{label}` not exported"), stacklevel=4)
                return "", _SKIPPED
            skipped = [self.START_TAG, *self.ignore]
            if self.skip_unknown_tags:
                skipped.append(self.UNKNOWN_TAG)
            if tag in skipped:
                return tag, _SKIPPED
            if tag in self.list_tags:
                return tag, _LIST
            if tag == self.UNKNOWN_TAG:
                return tag, _UNKNOWN
            if tag in self.delimiter_map:
                return tag, _DELIMITED
            return tag, _PLAIN

    return HeaderlessRisWriter(mapping=TAG_KEY_MAPPING, list_tags=frozenset(LIST_TYPE_TAGS))


# The branches of rispy's _format_reference a label takes.
_SKIPPED, _PLAIN, _LIST, _UNKNOWN, _DELIMITED = range(5)


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
        record["authors"] = list(map(_LISTED_NAMES.get, persons))
    # RIS has no markup: the title's formatting goes, its math and sub- and
    # superscripts become Unicode where they can (richtext.to_unicode).
    put("title", to_unicode(entry.title))
    # The facts' values are clean already; a record holds only those with a value.
    venue, container_title = fx.venue, fx.container_title
    if kind == "inproceedings":
        # Zotero reads T2 as the conference name and C3 as the proceedings title.
        if venue or container_title:
            record["secondary_title"] = venue or container_title
        if container_title and container_title != venue:
            record["custom3"] = container_title
    elif fx.container:
        record["secondary_title"] = fx.container
    if fx.series:
        record["tertiary_title"] = fx.series
    record["year"] = str(entry.year)
    if entry.month and 1 <= entry.month <= 12:
        record["date"] = f"{entry.year:04d}/{entry.month:02d}/"
    if fx.volume:
        record["volume"] = fx.volume
    if fx.issue:
        record["number"] = fx.issue
    first, last = fx.pages
    if not first:
        first = fx.article_number
    if first:
        record["start_page"] = first
    if last:
        record["end_page"] = last
    if fx.publisher:
        record["publisher"] = fx.publisher
    elif kind == "preprint" and entry.arxiv:
        record["publisher"] = "arXiv"
    issn = fx.issn if entry.issn else fx.isbn
    if issn:
        record["issn"] = issn
    if entry.doi and (doi := fx.doi()):
        record["doi"] = doi
    link = fx.url()
    if link:
        record["urls"] = [link]
    if fx.keywords:
        record["keywords"] = list(fx.keywords)
    if fx.notes:
        record["notes"] = list(fx.notes)
    if fx.abstract:
        record["abstract"] = fx.abstract
    return record


def _listed_name(person: Person) -> str:
    return person.family if person.literal else person.display()


# Authors recur across a catalog (display joins its parts): made once each.
_LISTED_NAMES = f.PerObject(_listed_name)
