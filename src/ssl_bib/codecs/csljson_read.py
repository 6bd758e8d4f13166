"""Read CSL-JSON (an array of items, as Zotero, pandoc and citeproc use) into
catalog entries. The items are decoded one at a time so each keeps its line,
and an item that cannot be used is reported while the others are still read.

Per the CSL-JSON schema and the CSL specification: a title keeps CSL's rich
text (`<i>`, `<b>`, `<sup>`, `<sub>`, `<span class="nocase">`, small caps:
the catalog's own form, see richtext); other text fields keep its text (a
sub- or superscript as Unicode); a name is `literal` or family, particles,
given and suffix; `issued` is `date-parts`, or `raw` or `literal` text."""

from __future__ import annotations

import json
import re
from typing import Any

from .. import richtext
from ..identifiers import is_arxiv
from ..lazy_re import compiled
from ..model import CodeLink, Entry, EntryType, Person
from .read_result import (
    LineCounter,
    OnProgress,
    ReadResult,
    Record,
    iso_date,
    split_keywords,
    split_note,
    why,
)

_JOURNAL_TYPES = frozenset({"article-journal", "article-magazine", "article-newspaper"})
_CONFERENCE_TYPES = frozenset({"paper-conference", "chapter"})
_ARXIV_NUMBER_RE = compiled(r"^arxiv:\s*(\S+)$", re.IGNORECASE)
_WS_RE = compiled(r"\s*")
_SURROGATE_RE = compiled("[\ud800-\udfff]")
_SURROGATE_ESCAPE_RE = compiled(r"\\u[dD][89a-fA-F]")


def _not_an_array(body: str, file: str, out: ReadResult) -> None:
    """Why a text that does not start as an array is no CSL-JSON: not JSON at
    all (with its line), or JSON of another kind."""
    try:
        value = json.loads(body)
    except json.JSONDecodeError as exc:
        out.error(file, exc.lineno, f"not valid JSON: {exc.msg}")
        return
    except (RecursionError, ValueError) as exc:  # nesting, a number of 5,000 digits
        out.error(file, 1, f"not valid JSON: {why(exc)}")
        return
    what = type(value).__name__.replace("dict", "an object").replace("str", "a string")
    out.error(file, 1, f"CSL-JSON must be an array of items, this is {what}")


def read(text: str, file: str, progress: OnProgress | None = None) -> ReadResult:
    """Parse CSL-JSON text. Never raises on content. `progress` is called
    with the number of characters read, after each item."""
    out = ReadResult()
    decoder = json.JSONDecoder()
    start = _WS_RE.match(text.lstrip("\ufeff"), 0)
    body = text.lstrip("\ufeff")
    pos = start.end() if start else 0
    if pos >= len(body) or body[pos] != "[":
        _not_an_array(body, file, out)
        return out
    pos += 1
    lines = LineCounter(body)
    while True:
        pos = _skip_ws(body, pos)
        if pos < len(body) and body[pos] == "]":
            break
        line = lines.at(pos)
        begin = pos
        try:
            item, pos = decoder.raw_decode(body, pos)
        except json.JSONDecodeError as exc:
            out.error(file, exc.lineno, f"not valid JSON: {exc.msg}; the rest of the file "
                      "is not read")
            return out
        except (RecursionError, ValueError) as exc:
            # Valid JSON json cannot hold (nested 100,000 deep): skip the item whole.
            end = value_end(body, pos)
            if end is None:
                out.error(file, line, f"not valid JSON: {why(exc)}, and the item never "
                          "ends; the rest of the file is not read")
                return out
            out.unreadable(file, line, "item", exc)
            pos = end
        else:
            # A surrogate can only come from a \\udXXX escape in the text.
            escapes = _SURROGATE_ESCAPE_RE.search(body, begin, pos) is not None
            try:
                _item(item, line, file, out, escapes)
            except Exception as exc:  # noqa: BLE001 - see ReadResult.unreadable
                out.unreadable(file, line, "item", exc)
        if progress is not None:
            progress(pos)
        pos = _skip_ws(body, pos)
        if pos < len(body) and body[pos] == ",":
            pos += 1
            continue
        if pos < len(body) and body[pos] == "]":
            break
        out.error(file, lines.at(pos), "not valid JSON: expected ',' or ']' after an item; "
                  "the rest of the file is not read")
        return out
    return out


def _skip_ws(text: str, pos: int) -> int:
    m = _WS_RE.match(text, pos)
    return m.end() if m else pos


# A JSON string (escapes included), or one bracket: all value_end needs to see.
_JSON_TOKEN_RE = compiled(r'"(?:[^"\\]|\\.)*+"|[\[\]{}]')


def value_end(text: str, pos: int) -> int | None:
    """Where the JSON array or object starting at `pos` ends, found without
    recursion (brackets counted outside strings); None if it never does."""
    depth = 0
    for match in _JSON_TOKEN_RE.finditer(text, pos):
        token = match.group()
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth == 0:
                return match.end()
    return None


def _surrogate_at(item: Any) -> str | None:
    """The first string of a decoded item holding a lone surrogate (JSON may
    write "\\ud800", which is no character: no UTF-8 file can hold it), as a
    path such as `author[0].family`; None when there is none. Walked with a
    stack: the item may be nested as deep as json could read."""
    stack: list[tuple[str, Any]] = [("", item)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _SURROGATE_RE.search(value):
                return path or "the item"
        elif isinstance(value, dict):
            for key, child in value.items():
                if not str(key).isascii() and _SURROGATE_RE.search(str(key)):
                    return f"{path}.{key!a}".lstrip(".")
                stack.append((f"{path}.{key}".lstrip("."), child))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(value))
    return None


def _str(item: dict[str, Any], name: str) -> str | None:
    """A text field: rich text tags dropped (a sub- or superscript kept as Unicode)."""
    value = _rich(item, name)
    return richtext.strip_tags(value) if value else None


def _rich(item: dict[str, Any], name: str) -> str | None:
    """A text field as it is, rich text included (titles)."""
    value = item.get(name)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _date_parts(value: Any) -> list[int]:
    """[year, month?] of a CSL date: `date-parts` (numbers or numeric
    strings), else `raw` (ISO 8601/EDTF or free text) or `literal` text."""
    if not isinstance(value, dict):
        return []
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        out = []
        for part in parts[0]:
            try:
                out.append(int(part))
            except (TypeError, ValueError, OverflowError):  # OverflowError: 1e999
                break
        if out:
            return out
    for name in ("raw", "literal"):
        text = value.get(name)
        if isinstance(text, str):
            year, month = iso_date(text)
            if year is not None:
                return [year, month] if month else [year]
    return []


def _item(item: Any, line: int, file: str, out: ReadResult, escapes: bool = True) -> None:
    if not isinstance(item, dict):
        out.error(file, line, "item is not a JSON object: skipped")
        return
    ident = _str(item, "id")
    label = f"item {ident!r}" if ident else "item"
    where = _surrogate_at(item) if escapes else None
    if where is not None:
        out.error(file, line, f"{label}: {where} holds a lone surrogate (a \\ud800-\\udfff "
                  "escape that is half a character): skipped")
        return
    title = _rich(item, "title")
    if not title:
        out.error(file, line, f"{label} has no title: skipped")
        return
    # No year is fine for a paper already in the catalog; the importer refuses
    # to add one without (year 0 = unknown).
    parts = _date_parts(item.get("issued")) or [0]
    entry = Entry(key="", title=title, year=parts[0])
    if len(parts) > 1 and 1 <= parts[1] <= 12:
        entry.month = parts[1]
    authors = item.get("author")
    for person in authors if isinstance(authors, list) else []:
        if isinstance(person, dict):
            name = _person(person)
            if name is not None:
                entry.authors.append(name)
    entry.doi = _str(item, "DOI")
    entry.url = _str(item, "URL")
    _number(item, entry)
    entry.volume = _str(item, "volume")
    entry.issue = _str(item, "issue")
    entry.pages = _str(item, "page")
    entry.publisher = _str(item, "publisher")
    entry.series = _str(item, "collection-title")
    entry.issn = _str(item, "ISSN")
    entry.isbn = _str(item, "ISBN")
    entry.abstract = _str(item, "abstract")
    entry.categories = split_keywords(_str(item, "keyword") or "")
    _note_and_custom(item, entry)
    kind: EntryType | None = None
    kind_text = _str(item, "type") or ""
    if kind_text in _JOURNAL_TYPES:
        kind = "article"
    elif kind_text in _CONFERENCE_TYPES:
        kind = "inproceedings"
    elif entry.arxiv or "10.48550/arxiv." in (entry.doi or "").lower():
        kind = "preprint"
    venue_name = _str(item, "event-title")
    if venue_name:  # a conference named apart from its proceedings
        entry.container_title = _str(item, "container-title")
    else:
        venue_name = _str(item, "container-title")
    out.records.append(Record(entry=entry, line=line, source_id=ident,
                              venue_name=venue_name,
                              kind=kind))


def _number(item: dict[str, Any], entry: Entry) -> None:
    """`number`: Zotero's "arXiv:ID" for a preprint, else an article number."""
    number = _str(item, "number")
    arxiv_number = _ARXIV_NUMBER_RE.match(number or "")
    if arxiv_number and is_arxiv(arxiv_number.group(1)):
        entry.arxiv = entry.arxiv or arxiv_number.group(1)
    elif number:
        entry.article_number = number


def _note_and_custom(item: dict[str, Any], entry: Entry) -> None:
    """The note, and code links kept in `custom` or, as our exporters also
    write them for consumers that drop `custom`, at the end of the note."""
    entry.note, note_code = split_note(_str(item, "note") or "")
    custom = item.get("custom")
    entry.code = _code(custom)
    known = {c.url for c in entry.code}
    entry.code += [c for c in note_code if c.url not in known]
    if isinstance(custom, dict) and isinstance(custom.get("arxiv"), str) and not entry.arxiv:
        entry.arxiv = custom["arxiv"].strip() or None


def _code(custom: Any) -> list[CodeLink]:
    """Code links kept in `custom` (CSL's extension point): a list under
    "code" of {label, url} objects or plain URLs."""
    if not isinstance(custom, dict):
        return []
    raw = custom.get("code")
    links = []
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            label = item.get("label")
            links.append(CodeLink(label=label if isinstance(label, str) else "",
                                  url=item["url"]))
        elif isinstance(item, str) and item.strip():
            links.append(CodeLink(label="", url=item.strip()))
    return links


def _person(person: dict[str, Any]) -> Person | None:
    """A CSL name: `literal` whole; else family with its particles, given and
    suffix, as the CSL specification splits them."""
    literal = _str(person, "literal")
    family = " ".join(p for p in (_str(person, "dropping-particle"),
                                  _str(person, "non-dropping-particle"),
                                  _str(person, "family")) if p)
    if literal and not family:
        return Person.organisation(literal)
    given = _str(person, "given") or ""
    if not family and not given:
        return None
    return Person.named(family, given, _str(person, "suffix") or "")
