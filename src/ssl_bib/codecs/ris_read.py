"""Read RIS into catalog entries.

We cut the file into records ourselves (TY ... ER), keeping each record's
line, because rispy silently drops a record that lacks its ER; rispy then
parses each record's tags. The specification writes a tag as two characters,
two spaces, a dash and a space (`TY  - JOUR`); Zotero and others also read
one space or three (`TY - JOUR`), and so do we, for the tags RIS defines (a
line of an abstract that happens to start "US - guided" stays text). Dates
come from PY, Y1 or DA ("YYYY/MM/DD/other"); the title keeps the rich text
Zotero writes into it (`<i>`, `<sub>`).
"""

from __future__ import annotations

import re
from typing import Any

from ..lazy_re import compiled
from ..model import Entry, EntryType, Person
from .read_result import OnProgress, ReadResult, Record, code_from_note, ris_date, split_lines

# A tag line as the specification writes it, and as other tools also do.
_TAG_RE = compiled(r"^([A-Z][A-Z0-9])  -(?: |$)")
_LOOSE_TAG_RE = compiled(r"^([A-Z][A-Z0-9]) {0,3}-(?: *+|$)")
_JOURNAL_TYPES = frozenset({"JOUR", "JFULL", "EJOUR", "MGZN", "NEWS"})
_CONFERENCE_TYPES = frozenset({"CONF", "CPAPER", "CHAP"})


def _known_tags() -> frozenset[str]:
    from rispy.config import TAG_KEY_MAPPING

    return frozenset(TAG_KEY_MAPPING) | {"T1", "Y1", "CT", "BT", "J1", "C1", "C2", "C4", "C5",
                                         "C6", "C7", "C8", "U1", "U2", "U3", "U4", "U5",
                                         "M2", "L3", "DB", "DP", "CN", "CA", "NV", "RI"}


def _tag_line(line: str, known: frozenset[str]) -> tuple[str | None, str]:
    """(tag, the line as the specification writes it) for a tag line;
    (None, line) for text (a value's continuation, or text outside records)."""
    m = _TAG_RE.match(line)
    if m:
        return m.group(1), line
    m = _LOOSE_TAG_RE.match(line)
    if m and m.group(1) in known:
        return m.group(1), f"{m.group(1)}  - {line[m.end():]}".rstrip()
    return None, line


def read(text: str, file: str, progress: OnProgress | None = None) -> ReadResult:
    """Parse RIS text. Never raises on content. `progress` is called with
    the number of characters read, after each record."""
    out = ReadResult()
    start: int | None = None
    chunk: list[str] = []
    done = 0
    known = _known_tags()
    for number, raw in enumerate(split_lines(text.lstrip("\ufeff")), start=1):
        done += len(raw) + 1
        tag, line = _tag_line(raw.rstrip(), known)
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
    year, month = _date(item)
    entry = Entry(key="", title=title, year=year or 0, month=month)
    people = [*item.get("authors", []), *item.get("first_authors", [])]
    entry.authors = [Person.parse_listed(p) for p in people if isinstance(p, str) and p.strip()]
    entry.doi = _first(item, "doi")
    urls = [u.strip() for u in item.get("urls", []) if isinstance(u, str) and u.strip()]
    entry.url = urls[0] if urls else None
    entry.volume = _first(item, "volume")
    entry.issue = _first(item, "number")
    start, end = _first(item, "start_page"), _first(item, "end_page")
    if start:
        entry.pages = f"{start}-{end}" if end and end != start else start
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
    _notes(item, entry)
    kind_tag = (_first(item, "type_of_reference") or "").upper()
    # Other links of the record: an arXiv abstract page names the preprint.
    for url in urls[1:]:
        arxiv = _ARXIV_URL_RE.match(url)
        if arxiv and not entry.arxiv:
            entry.arxiv = arxiv.group(1)
    kind: EntryType | None = None
    if kind_tag in _JOURNAL_TYPES:
        kind = "article"
    elif kind_tag in _CONFERENCE_TYPES:
        kind = "inproceedings"
    elif entry.arxiv or _ARXIV_URL_RE.match(entry.url or "") or \
            "10.48550/arxiv." in (entry.doi or "").lower():
        kind = "preprint"
    # Our writer keeps an exact container title apart from the venue, in C3.
    entry.container_title = _first(item, "custom3")
    venue_name = _first(item, "secondary_title", "alternate_title3", "journal_name",
                        "alternate_title1", "alternate_title2")
    return Record(entry=entry, line=line, source_id=_first(item, "id"), venue_name=venue_name,
                  kind=kind)


_ARXIV_URL_RE = compiled(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/([^/?#]+?)(?:\.pdf)?/?$")


def _date(item: dict[str, Any]) -> tuple[int | None, int | None]:
    """(year, month) from PY (the year), Y1 (the primary date) or DA (the
    date), each "YYYY/MM/DD/other"; the first tag that has a part gives it."""
    year = month = None
    for name in ("year", "publication_year", "date"):
        value = _first(item, name)
        if value:
            found_year, found_month = ris_date(value)
            year = year or found_year
            month = month or found_month
    return year, month


def _notes(item: dict[str, Any], entry: Entry) -> None:
    """N1 notes: "Code (label): url" ones are code links, the rest the note."""
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
