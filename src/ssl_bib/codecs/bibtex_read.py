"""Read BibTeX and biblatex into catalog entries.

bibtexparser 2 splits the file (tolerantly: a broken block is collected, the
rest is still read); values are then read the way BibTeX reads them
(bibtex_values: @string macros and `#` concatenation) and LaTeX is decoded
(latex_decode) only in text fields, never in url, doi or eprint, where a
backslash or a brace is data. Both dialects are read by one reader: biblatex's
fields (journaltitle, date, subtitle, titleaddon, eprinttype, ids) and its
extended name format are simply more things to look at. @preamble and
@comment blocks, and text between blocks, are not records and are ignored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from ..identifiers import is_arxiv
from ..lazy_re import compiled
from ..model import Entry, EntryType, Person
from .bibtex_values import Macros, split_top_level
from .latex_decode import decode
from .read_result import (
    LineCounter,
    OnProgress,
    ReadResult,
    Record,
    iso_date,
    month_of,
    split_keywords,
    split_note,
    year_of,
)

_CONFERENCE_TYPES = frozenset({"inproceedings", "conference", "incollection", "inbook"})
_PREPRINT_TYPES = frozenset({"misc", "online", "unpublished", "preprint", "techreport", "report",
                             "electronic", "www"})
# Identifier fields hold data, not LaTeX; a .bib written by hand may still
# escape their `_` or `%` (`10.1000/a\_b`), which stand for the character.
_ESCAPED_RE = compiled(r"\\([_%#&$~])")
_URL_MACRO_RE = compiled(r"^\\(?:url|href)\s*+\{([^{}]*+)\}")
_HTTP_RE = compiled(r"^https?://\S++$")


# The file is parsed a block-aligned piece at a time: progress can be shown,
# and each piece's parsed blocks are freed once mapped (a 50 MB file no longer
# holds every block of bibtexparser's in memory at once).
CHUNK = 1 << 18
# A line that starts a block (spaces, `@type`, `{` or `(`: bibtexparser's
# block start at a line start) ends any block still open there, as
# bibtexparser's error recovery does: cutting the text before such a line
# changes nothing (tests/test_reader_robustness.py fuzzes this).
_BLOCK_START_RE = compiled(r"\n(?=[^\S\n]*+@\w*+[ \t]*+[{(])")


def read(text: str, file: str, progress: OnProgress | None = None,
         chunk: int = CHUNK) -> ReadResult:
    """Parse BibTeX/biblatex text. Never raises on content. `progress` is
    called with the number of characters read so far."""
    import bibtexparser

    # bibtexparser logs each failed block; we report them ourselves, located.
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    out = ReadResult()
    lines = LineCounter(text)
    macros = Macros()  # @string macros so far: a later piece uses them too
    keys: set[str] = set()  # keys so far: a key used again in a later piece is a duplicate
    for start, end in _pieces(text, chunk):
        piece = text[start:end]
        # No middleware: values come as written, and are read below in file
        # order, each with the macros defined before it, as BibTeX reads them.
        library = bibtexparser.parse_string(piece, parse_stack=[])  # type: ignore[attr-defined]
        line_of = _block_lines(library.blocks, piece, lines.at(start))
        for block in library.blocks:
            kind, line = type(block).__name__, line_of(block)
            duplicate = getattr(block, "ignore_error_block", None)
            if kind == "DuplicateBlockKeyBlock" and type(duplicate).__name__ == "String":
                # @string again: BibTeX takes the new value from here on.
                _define(duplicate, line, file, macros, out)
            elif kind in ("ParsingFailedBlock", "DuplicateBlockKeyBlock"):
                _failed(block, line, file, out)
            elif kind == "String":
                _define(block, line, file, macros, out)
            elif kind == "Entry":
                _entry(block, line, file, macros, keys, out)
        if progress is not None:
            progress(end)
    out.problems.sort(key=lambda p: p.line)
    return out


def _define(block: Any, line: int, file: str, macros: Macros, out: ReadResult) -> None:
    undefined = macros.define(str(block.key), str(block.value))
    for name in undefined:
        out.warn(file, line, f"@string {block.key!r} uses the undefined macro {name!r}: "
                 "kept as its name")


def _entry(item: Any, line: int, file: str, macros: Macros, keys: set[str],
           out: ReadResult) -> None:
    if item.key in keys:
        out.error(file, line, f"duplicate citation key {item.key!r}: record skipped")
        return
    keys.add(item.key)
    try:
        fields: dict[str, str] = {}
        for field in item.fields:
            value, undefined = macros.resolve(str(field.value))
            name = field.key.lower()
            fields.setdefault(name, value)
            for macro in undefined:
                if name != "month":
                    out.warn(file, line, f"record {item.key!r}: {name}: the macro {macro!r} "
                             "is not defined (no @string): kept as its name")
        record = _record(item.entry_type.lower(), item.key, fields, line, file, out)
    except Exception as exc:  # noqa: BLE001 - see ReadResult.unreadable
        out.unreadable(file, line, f"record {item.key!r}", exc)
        return
    if record is not None:
        out.records.append(record)


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


class _Fields:
    """One entry's field values (macros resolved), read three ways."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def text(self, *names: str, rich: bool = False) -> str | None:
        """The first non-empty field of `names`, LaTeX decoded."""
        for name in names:
            value = self.values.get(name, "").strip()
            if value:
                return decode(value, rich=rich) or None
        return None

    def raw(self, *names: str) -> str | None:
        """The first non-empty field of `names`, braces dropped (numbers, dates)."""
        for name in names:
            value = " ".join(self.values.get(name, "").replace("{", "").replace("}", "").split())
            if value:
                return value
        return None

    def data(self, name: str) -> str | None:
        """An identifier or link: escapes undone, a \\url wrapper taken off."""
        value = self.values.get(name, "").strip()
        m = _URL_MACRO_RE.match(value)
        value = m.group(1) if m else value
        value = _ESCAPED_RE.sub(r"\1", value.replace("{", "").replace("}", ""))
        return " ".join(value.split()) or None


def _record(entry_type: str, key: str, values: dict[str, str], line: int, file: str,
            out: ReadResult) -> Record | None:
    fields = _Fields(values)
    title = _joined(fields.text("title", rich=True), fields.text("subtitle", rich=True),
                    fields.text("titleaddon", rich=True))
    if not title:
        out.error(file, line, f"record {key!r} has no title: skipped")
        return None
    year, month = _date(fields, f"record {key!r}", line, file, out)
    # 0 = unknown: fine for a paper already in the catalog, not for a new one.
    entry = Entry(key="", title=title, year=year or 0, month=month)
    entry.authors = _people(values.get("author", ""))
    entry.doi = fields.data("doi")
    entry.url = fields.data("url")
    eprint = fields.data("eprint")
    prefix = (fields.raw("archiveprefix", "eprinttype") or "").lower()
    if eprint and (prefix == "arxiv" or (not prefix and is_arxiv(eprint))):
        entry.arxiv = eprint
        entry.arxiv_class = fields.raw("primaryclass", "eprintclass")
    entry.volume = fields.raw("volume")
    entry.issue = fields.raw("number", "issue")
    entry.pages = fields.raw("pages")
    entry.article_number = fields.raw("eid")
    entry.publisher = fields.text("publisher")
    entry.series = fields.text("series")
    entry.issn = fields.raw("issn")
    entry.isbn = fields.raw("isbn")
    entry.abstract = fields.text("abstract")
    entry.note, entry.code = split_note(fields.text("note") or "")
    entry.categories = split_keywords(fields.text("keywords") or "")
    # biblatex's `ids`: other keys documents cite this entry by.
    entry.key_aliases = split_keywords(fields.raw("ids") or "")
    kind: EntryType | None = None
    if entry_type == "article":
        kind = "article"
    elif entry_type in _CONFERENCE_TYPES:
        kind = "inproceedings"
    elif entry_type in _PREPRINT_TYPES and entry.arxiv:
        kind = "preprint"
    return Record(entry=entry, line=line, source_id=key, venue_name=_venue(fields, entry),
                  kind=kind)


def _date(fields: _Fields, label: str, line: int, file: str,
          out: ReadResult) -> tuple[int | None, int | None]:
    """(year, month): biblatex's `date` wins over `year`, as biblatex and
    pandoc read them; `month` when the date has none."""
    year = month = None
    date = fields.raw("date")
    if date:
        year, month = iso_date(date)
        if year is None:
            out.warn(file, line, f"{label}: date {date!r} is no date: the year field is "
                     "read instead")
    year_text = fields.raw("year")
    if year is None and year_text:
        year = year_of(year_text) or iso_date(year_text)[0]
    month_text = fields.raw("month")
    if month is None and month_text:
        month = month_of(month_text)
    return year, month


def _venue(fields: _Fields, entry: Entry) -> str | None:
    """The venue's name as written. biblatex names the conference apart from
    its proceedings (eventtitle: the proceedings become the container title);
    a preprint server is named by howpublished or organization, unless
    howpublished holds the paper's link (@misc{..., howpublished = {\\url{...}}})."""
    container = _joined(fields.text("journaltitle", "journal"),
                        fields.text("journalsubtitle")) or \
        _joined(fields.text("booktitle"), fields.text("booksubtitle"),
                fields.text("booktitleaddon"))
    event = fields.text("eventtitle")
    if event:
        entry.container_title = container
        return event
    howpublished = fields.text("howpublished")
    if howpublished and _HTTP_RE.match(howpublished):
        entry.url = entry.url or howpublished
        howpublished = None
    return container or howpublished or fields.text("organization")


def _joined(title: str | None, *more: str | None) -> str | None:
    """A title and its biblatex subtitle and title addon, as biblatex prints
    them: each after a period and a space (`\\newunitpunct`), or after a
    space alone when the text before already ends in punctuation."""
    if not title:
        return None
    out = title
    for part in more:
        if part:
            out += (" " if out.rstrip()[-1:] in ".?!:;," else ". ") + part
    return out


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


# biblatex's extended name format: `family=Goethe, given=Johann Wolfgang,
# prefix=von, useprefix=true` (biber's documentation, "Extended name format").
_EXTENDED_PART_RE = compiled(r"\s*+([A-Za-z-]++)\s*+=\s*+(.*)", re.DOTALL)
_EXTENDED_KEYS = frozenset({"family", "given", "prefix", "suffix", "useprefix", "family-i",
                            "given-i", "prefix-i", "suffix-i", "sortingnamekeytemplatename"})


def _extended_name(name: str) -> Person | None:
    """A name in biblatex's extended format, or None when it is not one."""
    if "=" not in name:
        return None
    parts: dict[str, str] = {}
    for part in split_top_level(name, ",", quotes=False):
        m = _EXTENDED_PART_RE.fullmatch(part)
        if not m or m.group(1).lower() not in _EXTENDED_KEYS:
            return None
        value = m.group(2).strip()
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        parts[m.group(1).lower()] = decode(value)
    family = " ".join(p for p in (parts.get("prefix"), parts.get("family")) if p)
    if not family and not parts.get("given"):
        return None
    return Person.named(family, parts.get("given", ""), parts.get("suffix", ""))


def _people(text: str) -> list[Person]:
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
        extended = _extended_name(name)
        if extended is not None:
            people.append(extended)
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
