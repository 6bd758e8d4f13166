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
from collections.abc import Callable, Iterator
from typing import Any

from ..identifiers import is_arxiv, normalize_doi
from ..model import Entry, EntryType, Person
from .latex import brace_depth
from .read_result import (
    LineCounter,
    OnProgress,
    ReadResult,
    Record,
    TooDeep,
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


# pylatexenc recurses once per group: past ~250 nested braces it exhausts
# Python's stack. No title nests more than a few.
MAX_BRACE_DEPTH = 100


class _Decoder:
    """LaTeX -> Unicode, with pylatexenc built once and only when needed."""

    def __init__(self) -> None:
        self._converter: Any = None

    def __call__(self, value: str) -> str:
        if not _LATEX_CHARS_RE.search(value):
            # Braces alone only protect case: drop them without the slow path.
            return " ".join(value.replace("{", "").replace("}", "").split())
        depth = brace_depth(value)
        if depth > MAX_BRACE_DEPTH:
            raise TooDeep(f"braces nested {depth} deep, more than the {MAX_BRACE_DEPTH} read")
        if self._converter is None:
            from pylatexenc.latex2text import LatexNodes2Text

            self._converter = LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)
        return " ".join(str(self._converter.latex_to_text(value)).split())


# The file is parsed a block-aligned piece at a time: progress can be shown,
# and each piece's parsed blocks are freed once mapped (a 50 MB file no longer
# holds every block of bibtexparser's in memory at once).
CHUNK = 1 << 18
# A line that starts a block (spaces, `@type`, `{` or `(`: bibtexparser's
# block start at a line start) ends any block still open there, as
# bibtexparser's error recovery does: cutting the text before such a line
# changes nothing (tests/test_reader_robustness.py fuzzes this).
_BLOCK_START_RE = re.compile(r"\n(?=[^\S\n]*+@\w*+[ \t]*+[{(])")


def read(text: str, file: str, progress: OnProgress | None = None,
         chunk: int = CHUNK) -> ReadResult:
    """Parse BibTeX/biblatex text. Never raises on content. `progress` is
    called with the number of characters read so far."""
    import bibtexparser
    from bibtexparser.library import Library

    # bibtexparser logs each failed block; we report them ourselves, located.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    out = ReadResult()
    decode = _Decoder()
    lines = LineCounter(text)
    strings: list[Any] = []  # @string blocks so far: visible to every later piece
    keys: set[str] = set()  # keys so far: a key used again in a later piece is a duplicate
    for start, end in _pieces(text, chunk):
        piece = text[start:end]
        known = {id(s) for s in strings}
        library = bibtexparser.parse_string(  # type: ignore[attr-defined]
            piece, library=Library(strings))
        line_of = _block_lines([b for b in library.blocks if id(b) not in known], piece,
                               lines.at(start))
        strings = library.strings
        for block in library.failed_blocks:
            _failed(block, line_of(block), file, out)
        for item in library.entries:
            line = line_of(item)
            if item.key in keys:
                out.error(file, line, f"duplicate citation key {item.key!r}: record skipped")
                continue
            keys.add(item.key)
            try:
                fields = {f.key.lower(): str(f.value) for f in item.fields}
                record = _record(item.entry_type.lower(), item.key, fields, line, file, out,
                                 decode)
            except Exception as exc:  # noqa: BLE001 - see ReadResult.unreadable
                out.unreadable(file, line, f"record {item.key!r}", exc)
                continue
            if record is not None:
                out.records.append(record)
        if progress is not None:
            progress(end)
    out.problems.sort(key=lambda p: p.line)
    return out


def _pieces(text: str, size: int) -> Iterator[tuple[int, int]]:
    """(start, end) of pieces of about `size` characters, each cut before a
    line that starts a block."""
    start = 0
    while start < len(text):
        cut = _BLOCK_START_RE.search(text, min(start + size, len(text)))
        end = cut.end() if cut else len(text)
        yield start, end
        start = end


def _block_lines(blocks: list[Any], piece: str, first: int) -> Callable[[Any], int]:
    """The file's line number of each block of a piece whose first line is
    `first`, found from where the block's text is in the piece. Not from
    bibtexparser's start_line alone: it does not count a line break right
    after a backslash (`\\\\` ending a line of an abstract), and every block
    after one would be reported a line too early. Its count is never ahead,
    so a block's text is looked for from that line on."""
    starts = [0, *(m.end() for m in re.finditer("\n", piece))]
    lines = LineCounter(piece)
    found: dict[int, int] = {}
    cursor = 0
    for block in blocks:
        hint = starts[min(block.start_line or 0, len(starts) - 1)]
        at = piece.find(block.raw, max(cursor, hint)) if block.raw else -1
        if at >= 0:
            found[id(block)] = first + lines.at(at) - 1
            cursor = at + 1  # a failed block's text runs into the next block's start
    return lambda block: found.get(id(block), first + (block.start_line or 0))


def _failed(block: Any, line: int, file: str, out: ReadResult) -> None:
    if type(block).__name__ == "DuplicateBlockKeyBlock":
        out.error(file, line, f"duplicate citation key {getattr(block, 'key', '')!r}: "
                  "record skipped")
        return
    first = (block.raw or "").lstrip()[:200].split("\n", 1)[0][:60].rstrip()
    out.error(file, line, f"malformed record {first!r} (unbalanced brace, quote or "
              "missing comma?): record skipped")


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
