"""Read BibTeX and biblatex into catalog entries.

bibtexparser 2 splits the file (tolerantly: a broken block is collected, the
rest is still read); we map fields ourselves and decode LaTeX with pylatexenc
only in text fields, never in url, doi or eprint, where a backslash or a
brace is data. Both dialects are read by one reader: biblatex names
(journaltitle, date, eprinttype) are simply more fields to look at.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from ..identifiers import is_arxiv, normalize_doi
from ..model import Entry, EntryType, Person
from .read_result import (
    ReadResult,
    Record,
    month_of,
    normalize_pages,
    split_keywords,
    split_note,
    year_of,
)

_CONFERENCE_TYPES = frozenset({"inproceedings", "conference", "incollection", "inbook"})
_PREPRINT_TYPES = frozenset({"misc", "online", "unpublished", "preprint", "techreport", "report",
                             "electronic", "www"})
_LATEX_CHARS_RE = re.compile(r"[\\$~%]")


class _Decoder:
    """LaTeX -> Unicode, with pylatexenc built once and only when needed."""

    def __init__(self) -> None:
        self._converter: Any = None

    def __call__(self, value: str) -> str:
        if not _LATEX_CHARS_RE.search(value):
            # Braces alone only protect case: drop them without the slow path.
            return " ".join(value.replace("{", "").replace("}", "").split())
        if self._converter is None:
            from pylatexenc.latex2text import LatexNodes2Text

            self._converter = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
        return " ".join(str(self._converter.latex_to_text(value)).split())


def read(text: str, file: str) -> ReadResult:
    """Parse BibTeX/biblatex text. Never raises on content."""
    import bibtexparser

    # bibtexparser logs each failed block; we report them ourselves, located.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    out = ReadResult()
    library = bibtexparser.parse_string(text)  # type: ignore[attr-defined]
    decode = _Decoder()
    for block in library.failed_blocks:
        line = (block.start_line or 0) + 1
        name = type(block).__name__
        raw_text = block.raw or ""
        if name == "DuplicateBlockKeyBlock":
            out.error(file, line, f"duplicate citation key {getattr(block, 'key', '')!r}: "
                      "record skipped")
        else:
            first = raw_text.strip().splitlines()[0][:60] if raw_text.strip() else ""
            out.error(file, line, f"malformed record {first!r} (unbalanced brace, quote or "
                      "missing comma?): record skipped")
    for item in library.entries:
        fields = {f.key.lower(): str(f.value) for f in item.fields}
        record = _record(item.entry_type.lower(), item.key, fields,
                         (item.start_line or 0) + 1, file, out, decode)
        if record is not None:
            out.records.append(record)
    return out


def _record(entry_type: str, key: str, fields: dict[str, str], line: int, file: str,
            out: ReadResult, decode: _Decoder) -> Record | None:
    def text(*names: str) -> str | None:
        for name in names:
            value = fields.get(name, "").strip()
            if value:
                return decode(value)
        return None

    def raw(*names: str) -> str | None:
        for name in names:
            value = " ".join(fields.get(name, "").replace("{", "").replace("}", "").split())
            if value:
                return value
        return None

    title = text("title")
    if not title:
        out.error(file, line, f"record {key!r} has no title: skipped")
        return None
    year = None
    if raw("year"):
        year = year_of(raw("year") or "")
    if year is None and raw("date"):
        year = year_of(raw("date") or "")
    # 0 = unknown: fine for a paper already in the catalog, not for a new one.
    entry = Entry(key="", title=title, year=year or 0)
    month = month_of(raw("month") or "") if raw("month") else None
    date = raw("date")
    if month is None and date and len(date) >= 7 and date[4] in "-/":
        month = month_of(date[5:7])
    entry.month = month
    entry.authors = _people(fields.get("author", ""), decode)
    doi_text = raw("doi")
    if doi_text:
        entry.doi = normalize_doi(doi_text)
        if entry.doi is None:
            out.warn(file, line, f"record {key!r}: doi {doi_text!r} is not a DOI: ignored")
    entry.url = raw("url")
    eprint = raw("eprint")
    prefix = (raw("archiveprefix", "eprinttype") or "").lower()
    if eprint and (prefix == "arxiv" or (not prefix and is_arxiv(eprint))):
        eprint = eprint.removeprefix("arXiv:").removeprefix("arxiv:")
        if is_arxiv(eprint):
            entry.arxiv = eprint
            entry.arxiv_class = raw("primaryclass", "eprintclass")
        else:
            out.warn(file, line, f"record {key!r}: eprint {eprint!r} is not an arXiv id: ignored")
    entry.volume = raw("volume")
    entry.issue = raw("number", "issue")
    pages = raw("pages")
    entry.pages = normalize_pages(pages) if pages else None
    entry.article_number = raw("eid")
    entry.publisher = text("publisher")
    entry.series = text("series")
    entry.issn = raw("issn")
    entry.isbn = raw("isbn")
    entry.abstract = text("abstract")
    entry.note, entry.code = split_note(text("note") or "")
    keywords = text("keywords")
    entry.categories = split_keywords(keywords) if keywords else []
    kind: EntryType | None = None
    if entry_type == "article":
        kind = "article"
    elif entry_type in _CONFERENCE_TYPES:
        kind = "inproceedings"
    elif entry_type in _PREPRINT_TYPES and entry.arxiv:
        kind = "preprint"
    # biblatex names the conference apart from its proceedings (eventtitle);
    # a preprint server is named by howpublished / organization.
    container = text("journaltitle", "journal", "booktitle")
    venue_name = text("eventtitle")
    if venue_name:
        entry.container_title = container
    else:
        venue_name = container or text("howpublished", "organization")
    return Record(entry=entry, line=line, source_id=key, venue_name=venue_name, kind=kind)


def _whole_braced(name: str) -> bool:
    """`{...}` where the first brace closes at the very end: a name BibTeX
    never splits (`{Council on X, Y}`, `{Acme {GmbH}}`)."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, ch in enumerate(name):
        depth += (ch == "{") - (ch == "}")
        if depth == 0:
            return index == len(name) - 1
    return False


def _people(text: str, decode: _Decoder) -> list[Person]:
    if not text.strip():
        return []
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    people = []
    for name in split_multiple_persons_names(" ".join(text.split())):
        if _whole_braced(name):
            # An organisation, {Lab Name} or {Council on X, Y}: one literal name.
            people.append(Person.organisation(decode(name)))
            continue
        try:
            parts = parse_single_name_into_parts(name, strict=False)
        except Exception:  # noqa: BLE001 - a name bibtexparser cannot split stays whole
            people.append(Person.organisation(decode(name)))
            continue
        family = decode(" ".join([*parts.von, *parts.last]))
        given = decode(" ".join(parts.first))
        suffix = decode(" ".join(parts.jr))
        people.append(Person.named(family, given, suffix))
    return people
