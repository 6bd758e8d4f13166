"""What every export format derives from an entry the same way: one-line text,
the venue's full name, the container title, page ranges, code-link notes.

Writers call these so BibTeX, biblatex, RIS and CSL-JSON agree on every value.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from itertools import repeat
from typing import Any, Generic, TypeVar

from ..errors import SslBibError
from ..identifiers import IDENTIFIER_FIELDS, encode_url, is_doi, is_url, normalize_doi
from ..lazy_re import compiled
from ..model import Catalog, Entry, Person

# Only where a run of spaces starts: split tries every position.
_PAGE_SPLIT_RE = compiled(r"(?<!\s)\s*+(?:-++|–|—)\s*+")


class ExportError(SslBibError):
    """An entry that cannot be written without producing a broken file."""

    exit_code = 2

    def __init__(self, key: str, field: str | None, message: str) -> None:
        self.key, self.field, self.message = key, field, message
        where = f"entry {key}" + (f", field {field}" if field else "")
        super().__init__(f"{where}: {message}")


T = TypeVar("T")


def written(write: Callable[[Catalog, Entry], T], catalog: Catalog, entries: list[Entry],
            on_entry: Callable[[], None] | None) -> list[T]:
    """Each entry's written form, `write(catalog, entry)`, telling `on_entry`
    after each one (the writers' progress, for a bar). Without a bar the loop
    runs in C: 40,000 calls to report nothing cost an export --all 30 ms."""
    if on_entry is None:
        return list(map(write, repeat(catalog), entries))
    done = []
    for entry in entries:
        done.append(write(catalog, entry))
        on_entry()
    return done


def clean(text: str | None) -> str:
    """One line of text: control characters dropped, whitespace runs (line
    breaks included) collapsed to one space. Every writer exports this form,
    since no format keeps a line break inside a value."""
    if not text:
        return ""
    # Fast path: str.isprintable() is False for control and format characters,
    # line breaks, tabs and every space but " ".
    if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
        return text
    return _clean_slow(text)


def _clean_slow(text: str) -> str:
    kept = "".join(ch for ch in text if ch.isspace() or _category(ch)[0] != "C")
    return " ".join(kept.split())


@lru_cache(maxsize=4096)
def _category(ch: str) -> str:
    return unicodedata.category(ch)


R = TypeVar("R")


class PerObject(Generic[R]):
    """`make(obj)`, remembered per object, for what recurs across a catalog
    as the same object: an author, whom the catalog reader makes once per
    spelling (toml_read) and who is immutable. Keyed by identity, not by
    value: a person's hash runs the dataclass's __hash__ over its five fields
    in Python, which cost more than what an lru_cache saved. Each object is
    held while remembered, so its id cannot be reused meanwhile; past
    `limit` objects the memory starts over."""

    __slots__ = ("_make", "_known", "_limit")

    def __init__(self, make: Callable[[Any], R], limit: int = 1 << 16) -> None:
        self._make, self._limit = make, limit
        self._known: dict[int, tuple[Any, R]] = {}

    def get(self, obj: Any) -> R:
        known = self._known.get(id(obj))
        if known is None:
            if len(self._known) >= self._limit:
                self._known.clear()
            known = self._known[id(obj)] = (obj, self._make(obj))
        return known[1]

    def clear(self) -> None:
        self._known.clear()


def people(entry: Entry) -> list[Person]:
    """The entry's authors as clean one-line names; nameless ones dropped, a
    given name alone becomes a single name so it is never lost."""
    return [p for p in map(_CLEAN_PEOPLE.get, entry.authors) if p is not None]


def _clean_person(person: Person) -> Person | None:
    family, given = clean(person.family), clean(person.given)
    suffix = clean(person.suffix)
    if family is person.family and given is person.given and suffix is person.suffix and family:
        return person  # already clean: no copy
    if not family:
        if not given:
            return None
        family, given = given, ""
    return replace(person, family=family, given=given, suffix=suffix)


# People recur across a catalog, and each export format asks for them again.
_CLEAN_PEOPLE = PerObject(_clean_person)


def venue_name(catalog: Catalog, entry: Entry) -> str:
    """The venue's full name ("Medical Image Analysis"), or "" for none."""
    if not entry.venue:
        return ""
    venue = catalog.venues.get(entry.venue)
    return clean(venue.name if venue else entry.venue)


def container_title(catalog: Catalog, entry: Entry) -> str:
    """The journal or proceedings title a consumer prints: the entry's exact
    container title when known, else the venue's full name."""
    return clean(entry.container_title) or venue_name(catalog, entry)


def page_range(pages: str | None) -> tuple[str, str]:
    """("384", "393") from "384-393", "384--393" or "384–393"; ("e12", "") for one page."""
    text = clean(pages)
    if not text:
        return "", ""
    parts = _PAGE_SPLIT_RE.split(text, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        return parts[0], parts[1]
    return text, ""


def url(entry: Entry, *, ascii_only: bool = False) -> str:
    """The entry's link, or its arXiv abstract page when it has only an id,
    with what URLs may not hold as they are percent-encoded (see
    identifiers.encode_url; `ascii_only` for BibTeX, where non-ASCII would
    reach TeX). A value that is no http(s) URL (a space in it, say) is
    refused: readers would cut it or reject it."""
    if entry.url:
        link = entry.url.strip()
        if not is_url(link):
            raise ExportError(entry.key, "url", f"{entry.url!r} is not an http(s) URL")
        return encode_url(link, ascii_only=ascii_only)
    if entry.arxiv:
        return f"https://arxiv.org/abs/{identifier(entry, 'arxiv')}"
    return ""


def doi(entry: Entry) -> str:
    """The entry's DOI, bare ("10.1016/..."), or "". A doi.org link or a
    "doi:" prefix is reduced to the DOI; anything else is refused."""
    if not entry.doi:
        return ""
    value = entry.doi.strip()
    if is_doi(value):
        return value
    bare = normalize_doi(value)
    if bare is None:
        raise ExportError(entry.key, "doi", f"{entry.doi!r} is not "
                          f"{IDENTIFIER_FIELDS['doi'][1]}")
    return bare


def identifier(entry: Entry, name: str) -> str:
    """An identifier field (arxiv, arxiv_class, pii...) as it is written:
    exporters write identifiers unescaped, so one that fails its test (and
    might carry TeX or a line break) is refused, never written."""
    value = (getattr(entry, name) or "").strip()
    test, what = IDENTIFIER_FIELDS[name]
    if value and not test(value):
        raise ExportError(entry.key, name, f"{getattr(entry, name)!r} is not {what}")
    return value


def code_notes(entry: Entry) -> list[str]:
    """One human-readable note per code link: "Code (pytorch): https://...".
    Notes are what every reference manager and style keeps and prints."""
    notes = []
    for link in entry.code:
        label = clean(link.label)
        target = link.url.strip()
        if not target:
            continue
        notes.append(f"Code ({label}): {target}" if label else f"Code: {target}")
    return notes


def note_text(entry: Entry) -> str:
    """The entry's note followed by its code links, as one line."""
    parts = [clean(entry.note), *code_notes(entry)]
    return "; ".join(p for p in parts if p)


def check_unique_keys(entries: list[Entry], aliases: bool = False) -> None:
    """Citation keys must differ case-insensitively: BibTeX, biber and
    citeproc-py all fold case, so two keys differing only in case collide.
    With `aliases` (biblatex's `ids`), an entry's old keys count as its keys."""
    names = [entry.key for entry in entries]
    if aliases:
        names += [alias for entry in entries for alias in entry.key_aliases]
    if len({name.casefold() for name in names}) == len(names):
        return  # no two alike (the rule, checked in C); else find and name the first clash
    seen: dict[str, str] = {}
    for entry in entries:
        for name in (entry.key, *(entry.key_aliases if aliases else ())):
            folded = name.casefold()
            if folded in seen:
                if name == entry.key:
                    raise ExportError(entry.key, "key", f"same key as {seen[folded]!r} when "
                                      "case is ignored")
                raise ExportError(entry.key, "key_aliases", f"old key {name!r} is the same "
                                  f"as {seen[folded]!r} when case is ignored")
            seen[folded] = name
