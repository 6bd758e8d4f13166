"""Read RIS into catalog entries.

We cut the file into records ourselves (TY ... ER), keeping each record's
line, because rispy silently drops a record that lacks its ER; rispy then
parses each record's tags.
"""

from __future__ import annotations

import re
from typing import Any

from ..identifiers import is_arxiv, read_doi
from ..model import Entry, EntryType, Person
from .read_result import (
    OnProgress,
    ReadResult,
    Record,
    code_from_note,
    month_of,
    normalize_pages,
    split_lines,
    year_of,
)

_TAG_RE = re.compile(r"^([A-Z][A-Z0-9])  -( |$)")
_JOURNAL_TYPES = frozenset({"JOUR", "JFULL", "EJOUR", "MGZN", "NEWS"})
_CONFERENCE_TYPES = frozenset({"CONF", "CPAPER", "CHAP"})
_ARXIV_URL_RE = re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/(.+?)(?:\.pdf)?/?$")


def read(text: str, file: str, progress: OnProgress | None = None) -> ReadResult:
    """Parse RIS text. Never raises on content. `progress` is called with
    the number of characters read, after each record."""
    out = ReadResult()
    start: int | None = None
    chunk: list[str] = []
    done = 0
    for number, raw in enumerate(split_lines(text.lstrip("\ufeff")), start=1):
        done += len(raw) + 1
        line = raw.rstrip()
        m = _TAG_RE.match(line)
        tag = m.group(1) if m else None
        if tag == "TY":
            if start is not None:
                out.error(file, start, "record has no ER line before the next TY: skipped")
            start, chunk = number, [line]
        elif start is None:
            if line.strip():
                out.warn(file, number, f"text outside a record ignored: {line.strip()[:60]!r}")
        else:
            chunk.append(line)
            if tag == "ER":
                _parse_record("\n".join(chunk) + "\n", start, file, out)
                if progress is not None:
                    progress(done)
                start, chunk = None, []
    if start is not None:
        out.error(file, start, "record has no ER line (file ends): skipped")
    return out


def _parse_record(chunk: str, line: int, file: str, out: ReadResult) -> None:
    import rispy

    try:
        parsed = rispy.loads(chunk)
    except Exception as exc:  # noqa: BLE001 - rispy raises bare exceptions on odd input
        out.error(file, line, f"record cannot be read: {exc}: skipped")
        return
    if not parsed:
        out.error(file, line, "record cannot be read: skipped")
        return
    try:
        record = _record(parsed[0], line, file, out)
    except Exception as exc:  # noqa: BLE001 - see ReadResult.unreadable
        out.unreadable(file, line, "record", exc)
        return
    if record is not None:
        out.records.append(record)


def _first(item: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = item.get(name)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return None


def _record(item: dict[str, Any], line: int, file: str, out: ReadResult) -> Record | None:
    title = _first(item, "title", "primary_title")
    if not title:
        out.error(file, line, "record has no TI (title): skipped")
        return None
    date = _first(item, "year", "publication_year", "date") or ""
    year = year_of(date) or 0  # 0 = unknown: the importer will not add such a record
    entry = Entry(key="", title=title, year=year)
    full_date = _first(item, "date", "publication_year") or ""
    parts = re.split(r"[/-]", full_date)
    if len(parts) > 1 and parts[1]:
        entry.month = month_of(parts[1])
    people = [*item.get("authors", []), *item.get("first_authors", [])]
    entry.authors = [Person.parse_listed(p) for p in people if isinstance(p, str) and p.strip()]
    doi_text = _first(item, "doi")
    if doi_text:
        doi, arxiv = read_doi(doi_text)
        if doi or arxiv:
            entry.doi, entry.arxiv = doi, arxiv
        else:
            out.warn(file, line, f"DO {doi_text!r} is not a DOI: ignored")
    urls = [u.strip() for u in item.get("urls", []) if isinstance(u, str) and u.strip()]
    entry.url = urls[0] if urls else None
    for url in urls:
        m = _ARXIV_URL_RE.match(url)
        if m and is_arxiv(m.group(1)) and not entry.arxiv:
            entry.arxiv = m.group(1)
    entry.volume = _first(item, "volume")
    entry.issue = _first(item, "number")
    start, end = _first(item, "start_page"), _first(item, "end_page")
    if start:
        entry.pages = normalize_pages(f"{start}-{end}" if end and end != start else start)
    entry.publisher = _first(item, "publisher")
    entry.series = _first(item, "tertiary_title")
    entry.abstract = _first(item, "abstract", "notes_abstract")
    serial = _first(item, "issn")
    if serial:
        if len(re.sub(r"[^0-9Xx]", "", serial)) > 8:
            entry.isbn = serial
        else:
            entry.issn = serial
    entry.categories = list(dict.fromkeys(
        k.strip() for k in item.get("keywords", []) if isinstance(k, str) and k.strip()))
    notes: list[str] = []
    for note in item.get("notes", []):
        if not isinstance(note, str) or not note.strip():
            continue
        link = code_from_note(note)
        if link is not None:
            entry.code.append(link)
        else:
            notes.append(" ".join(note.split()))
    entry.note = "; ".join(notes) or None
    kind_tag = (_first(item, "type_of_reference") or "").upper()
    kind: EntryType | None = None
    if kind_tag in _JOURNAL_TYPES:
        kind = "article"
    elif kind_tag in _CONFERENCE_TYPES:
        kind = "inproceedings"
    elif entry.arxiv:
        kind = "preprint"
    # Our writer keeps an exact container title apart from the venue, in C3.
    entry.container_title = _first(item, "custom3")
    venue_name = _first(item, "secondary_title", "alternate_title3", "journal_name",
                        "alternate_title1", "alternate_title2")
    return Record(entry=entry, line=line, source_id=_first(item, "id"), venue_name=venue_name,
                  kind=kind)
