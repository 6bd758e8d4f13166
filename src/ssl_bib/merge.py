"""The one place that decides how values from another source meet the catalog.

Import, Crossref enrichment and Zotero sync all go through here:
- `fill`: two-way, for import and enrichment. Empty fields are filled and the
  source recorded in `provenance`; a curated value is never overwritten, a
  differing one is returned as a conflict.
- `three_way`: for sync. Against the base saved at the last sync, a field
  changed on one side is taken from that side; changed on both sides to
  different values, it is a conflict and left alone unless a side is preferred.
- `drop_corrected`: before either, what curation corrected away (a wrong DOI,
  year section, link or pages) is left out of what another source offers.
- `Conflict.describe` and `shown`: how a conflict and a value read in every
  report (import, enrich, sync), one line each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .identifiers import doi_key, ids_from_url, strip_arxiv_version
from .model import ENTRY_FIELDS, CodeLink, Correction, Entry, Person
from .records import FACTORY, DataMethods, FrozenDataMethods, set_field
from .textnorm import ascii_fold, normalize_title

# Fields a merge never touches: identity, bookkeeping, and the catalog's own
# curation records (they describe this catalog, not the paper).
UNMERGED = frozenset({"key", "key_aliases", "provenance", "zotero_key", "corrections",
                      "doubts"})
MERGEABLE = tuple(f for f in ENTRY_FIELDS if f not in UNMERGED)
# List fields where another source's items are added to ours, not compared.
UNION_FIELDS = frozenset({"categories", "alt_titles", "code", "sections"})

Prefer = Literal["local", "remote"] | None


@dataclass(frozen=True, init=False, repr=False, eq=False)
class Conflict(FrozenDataMethods):
    """A field whose value differs between the catalog and another source."""

    key: str
    field: str
    ours: Any
    theirs: Any
    source: str

    def __init__(self, key: str, field: str, ours: Any, theirs: Any, source: str) -> None:
        set_field(self, "key", key)
        set_field(self, "field", field)
        set_field(self, "ours", ours)
        set_field(self, "theirs", theirs)
        set_field(self, "source", source)

    def describe(self, with_key: bool = True, source: str | None = None) -> str:
        """`entry KEY: FIELD: catalog has X, SOURCE has Y`, the values cut
        short (shown()); `source` names the other side in words when its
        provenance label is not what a reader wants ("Crossref", not
        "crossref 2026-11-26")."""
        head = f"entry {self.key}: " if with_key else ""
        return (f"{head}{self.field}: catalog has {shown(self.ours)}, "
                f"{source or self.source} has {shown(self.theirs)}")


@dataclass(init=False, repr=False, eq=False)
class MergeResult(DataMethods):
    filled: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def __init__(self, filled: list[str] = FACTORY, conflicts: list[Conflict] = FACTORY) -> None:
        self.filled = [] if filled is FACTORY else filled
        self.conflicts = [] if conflicts is FACTORY else conflicts

    @property
    def changed(self) -> bool:
        return bool(self.filled)


def shown(value: Any, limit: int = 90) -> str:
    """A value on one line for a report, at most about `limit` characters:
    text quoted, a list bracketed ("[Doe, Jane; Roe, Ken]"), names as people
    read them; "..." where it was cut (notes and abstracts are long)."""
    if isinstance(value, list):
        text = "; ".join(_plain(v) for v in value)
        return "[" + (text if len(text) <= limit else text[: limit - 3] + "...") + "]"
    if isinstance(value, str):
        return repr(value if len(value) <= limit else value[: limit - 3] + "...")
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, Person):
        return value.display()
    if isinstance(value, CodeLink):
        return f"{value.label} {value.url}"
    return str(value)


def drop_corrected(entry: Entry, incoming: dict[str, Any]) -> list[tuple[Correction, Any]]:
    """Leave out of `incoming` what a correction of the entry replaced, and
    return each (correction, value left out): the list's README imported
    again must not bring back a wrong DOI, year section or link that
    curation fixed, nor Crossref a wrong DOI or pages it emptied; a source
    repeating a corrected value is no evidence against the correction."""
    dropped: list[tuple[Correction, Any]] = []
    for fix in entry.corrections:
        name, was = fix.field, fix.was
        value = incoming.get(name)
        if name in ("year", "sections"):
            wrong = {int(y) for y in re.findall(r"\d{4}", was)} - \
                {int(y) for y in re.findall(r"\d{4}", fix.now)}
            if incoming.get("year") in wrong:
                dropped.append((fix, incoming.pop("year")))
            if incoming.get("sections"):
                kept = [y for y in incoming["sections"] if y not in wrong]
                if kept != incoming["sections"]:
                    dropped.append((fix, [y for y in incoming["sections"] if y in wrong]))
                    incoming["sections"] = kept
        elif name == "code" and value:
            kept_links = [c for c in value if c.url != was]
            if len(kept_links) != len(value):
                dropped.append((fix, [c for c in value if c.url == was]))
                incoming["code"] = kept_links
        elif value is not None and not isinstance(value, list) and (
                str(value) == was or (name == "doi" and doi_key(str(value)) == doi_key(was))):
            dropped.append((fix, incoming.pop(name)))
    return dropped


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def comparable(field_name: str, value: Any) -> Any:
    """A value in the form two sources' values are compared in, so that
    formatting differences (case, accents, markup, a DOI's case) are no conflict."""
    if is_empty(value):
        return None
    if field_name in ("title", "container_title", "publisher", "series"):
        return normalize_title(str(value))
    if field_name == "alt_titles":
        return sorted(normalize_title(v) for v in value)
    if field_name == "doi":
        return doi_key(str(value))
    if field_name == "arxiv":
        return strip_arxiv_version(str(value))
    if field_name == "authors":
        return [ascii_fold(p.family).casefold().replace(" ", "") for p in value]
    if field_name == "pages":
        return str(value).replace("--", "-").replace("–", "-").replace(" ", "")
    if field_name in ("volume", "issue", "article_number", "issn", "isbn"):
        return str(value).strip().casefold()
    if field_name == "url":
        # Two links to the same identified paper are the same link
        # (ieeexplore.ieee.org/document/N and .../abstract/document/N).
        ids = ids_from_url(str(value)).as_dict()
        if ids:
            return tuple(sorted((k, v.casefold()) for k, v in ids.items()))
        return str(value).rstrip("/").removeprefix("https://").removeprefix("http://")
    if field_name in ("categories", "sections"):
        return sorted(value)
    return value


def same(field_name: str, a: Any, b: Any) -> bool:
    return bool(comparable(field_name, a) == comparable(field_name, b))


def _union(ours: list[Any], theirs: list[Any], field_name: str) -> list[Any]:
    out = list(ours)
    if field_name == "code":
        urls = {c.url.rstrip("/") for c in ours}
        out.extend(c for c in theirs if c.url.rstrip("/") not in urls)
    else:
        def marker(value: Any) -> Any:
            return normalize_title(value) if field_name == "alt_titles" else value

        seen = {marker(v) for v in ours}
        for v in theirs:
            if marker(v) not in seen:
                out.append(v)
                seen.add(marker(v))
    return out


def fill(entry: Entry, incoming: dict[str, Any], source: str,
         fields: set[str] | None = None) -> MergeResult:
    """Fill `entry`'s empty fields from `incoming` (field name -> value, in
    catalog types), record `source` as their provenance, and report every
    field where both have a value and they differ. Never overwrites.
    `fields` limits which fields may be filled."""
    result = MergeResult()
    # A month belongs to its year: a record dated in another year (a preprint's
    # later version, an online-first date) has no month for this entry's year.
    other_year = not is_empty(incoming.get("year")) and incoming["year"] != entry.year
    for name in MERGEABLE:
        if name not in incoming or (fields is not None and name not in fields):
            continue
        theirs = incoming[name]
        if is_empty(theirs) or (name == "month" and other_year):
            continue
        ours = getattr(entry, name)
        if name == "title":
            if not same(name, ours, theirs) and not any(
                    same(name, alt, theirs) for alt in entry.alt_titles):
                result.conflicts.append(Conflict(entry.key, name, ours, theirs, source))
            continue
        if name == "sections":
            # An entry with no `sections` is listed under its year: union with
            # that, and keep `sections` empty while it says no more than the year.
            merged = _union(entry.listed_sections(), theirs, name)
            if merged == [entry.year]:
                merged = []
            if merged != ours:
                entry.sections = merged
                entry.provenance.setdefault(name, source)
                result.filled.append(name)
            continue
        if name in UNION_FIELDS:
            merged = _union(ours, theirs, name)
            if merged != ours:
                setattr(entry, name, merged)
                entry.provenance.setdefault(name, source)
                result.filled.append(name)
            continue
        if is_empty(ours):
            setattr(entry, name, theirs)
            entry.provenance[name] = source
            result.filled.append(name)
        elif not same(name, ours, theirs):
            result.conflicts.append(Conflict(entry.key, name, ours, theirs, source))
    return result


@dataclass(init=False, repr=False, eq=False)
class ThreeWay(DataMethods):
    merged: dict[str, Any]
    conflicts: list[Conflict] = field(default_factory=list)
    # fields whose merged value differs from ours / from theirs
    changed_ours: list[str] = field(default_factory=list)
    changed_theirs: list[str] = field(default_factory=list)

    def __init__(self, merged: dict[str, Any], conflicts: list[Conflict] = FACTORY,
                 changed_ours: list[str] = FACTORY, changed_theirs: list[str] = FACTORY) -> None:
        self.merged = merged
        self.conflicts = [] if conflicts is FACTORY else conflicts
        self.changed_ours = [] if changed_ours is FACTORY else changed_ours
        self.changed_theirs = [] if changed_theirs is FACTORY else changed_theirs


def same_exact(field_name: str, a: Any, b: Any) -> bool:
    """Equality for sync, where a changed capital or given name is an edit:
    only emptiness, the order of categories and a DOI's case are not data."""
    a, b = (None if is_empty(a) else a), (None if is_empty(b) else b)
    if a is None or b is None:
        return a is b
    if field_name == "categories":
        return sorted(a) == sorted(b)
    if field_name == "doi":
        return doi_key(str(a)) == doi_key(str(b))
    return bool(a == b)


def _merge_sets(b: list[Any], o: list[Any], t: list[Any]) -> list[Any]:
    """A list merged as a set: what either side added, minus what either removed."""
    removed = [v for v in b if v not in o or v not in t]
    out = [v for v in o if v not in removed]
    out.extend(v for v in t if v not in b and v not in out)
    return out


# Lists merged as sets in `three_way(sets=True)`: an added category on each
# side is no conflict.
SET_FIELDS = frozenset({"categories", "code", "alt_titles"})


def three_way(key: str, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any],
              prefer: Prefer = None, source: str = "remote", exact: bool = False,
              sets: bool = False) -> ThreeWay:
    """Merge two edited copies of one record field by field against `base`.
    A conflict keeps our value in `merged` unless `prefer` picks a side.
    `exact` compares values as they are (sync) instead of normalised (import);
    `sets` merges SET_FIELDS item by item instead of as whole values."""
    eq = same_exact if exact else same
    out = ThreeWay(merged={})
    for name in sorted(set(base) | set(ours) | set(theirs)):
        b, o, t = base.get(name), ours.get(name), theirs.get(name)
        ours_changed = not eq(name, b, o)
        theirs_changed = not eq(name, b, t)
        if not theirs_changed or eq(name, o, t):
            value = o
        elif not ours_changed:
            value = t
        elif sets and name in SET_FIELDS:
            value = _merge_sets(list(b or []), list(o or []), list(t or []))
        else:
            out.conflicts.append(Conflict(key, name, o, t, source))
            value = t if prefer == "remote" else o
        out.merged[name] = value
        if not eq(name, value, o):
            out.changed_ours.append(name)
        if not eq(name, value, t):
            out.changed_theirs.append(name)
    return out
