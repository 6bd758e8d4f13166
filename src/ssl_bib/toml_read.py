"""Turn the parsed entries.toml document into model objects, reporting every
value of the wrong type or shape as a located problem instead of raising."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .model import (
    ENTRY_FIELDS,
    ENTRY_TYPES,
    STRING_FIELDS,
    VENUE_KINDS,
    Catalog,
    CodeLink,
    Correction,
    Entry,
    EntryType,
    Person,
    Settings,
    Venue,
    VenueKind,
)
from .problems import Problem

# Where things are in the file: filled by the store's line scan.
LineOf = Callable[[str], int]


@dataclass
class Conversion:
    catalog: Catalog
    problems: list[Problem] = field(default_factory=list)


class _Reporter:
    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file, self.problems = file, problems

    def error(self, line: int, message: str, key: str | None = None) -> None:
        self.problems.append(Problem(self.file, line, "error", message, key))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_seconds(value: object) -> bool:
    """A number of seconds for a wait limit: more than 0, at most a day."""
    return isinstance(value, int | float) and not isinstance(value, bool) \
        and 0 < value <= 86400


_PERSON_KEYS = frozenset({"family", "given", "suffix", "orcid"})


def _person(value: object) -> Person | None:
    if type(value) is str:
        # Inline of Person.parse: this runs once per author of every entry.
        family, sep, given = value.partition(",")
        if sep:
            return Person(family.strip(), given.strip())
        return Person(value.strip()) if value.strip() else None
    if not isinstance(value, dict) or not all(type(v) is str for v in value.values()):
        return None
    orcid = value.get("orcid")
    if "literal" in value:
        if set(value) - {"literal", "orcid"} or not value["literal"]:
            return None
        return Person(family=value["literal"], orcid=orcid, literal=True)
    if "family" not in value or set(value) - _PERSON_KEYS:
        return None
    return Person(family=value["family"], given=value.get("given", ""), orcid=orcid,
                  suffix=value.get("suffix", ""))


def _correction(value: object) -> Correction | None:
    if (isinstance(value, dict) and set(value) == {"field", "was", "now", "why"}
            and all(isinstance(v, str) for v in value.values())):
        return Correction(field=value["field"], was=value["was"], now=value["now"],
                          why=value["why"])
    return None


def _code_link(value: object) -> CodeLink | None:
    if (isinstance(value, dict) and set(value) == {"label", "url"}
            and isinstance(value["label"], str) and isinstance(value["url"], str)):
        return CodeLink(label=value["label"], url=value["url"])
    return None


def convert_entry(raw: dict[str, Any], line_of: LineOf, report: _Reporter,
                  index: int) -> Entry | None:
    """One [[entries]] table -> Entry; None when it lacks what every entry needs."""
    key = raw.get("key")
    label = key if isinstance(key, str) else None
    ok = True
    for name in ("key", "title"):
        if not isinstance(raw.get(name), str) or not raw[name].strip():
            report.error(line_of(name), f"'{name}' must be a non-empty string", label)
            ok = False
    if not _is_int(raw.get("year")):
        report.error(line_of("year"), "'year' must be an integer such as 2021", label)
        ok = False
    if not ok:
        return None
    entry = Entry(key=raw["key"], title=raw["title"], year=raw["year"])
    for name, value in raw.items():
        if name in _REQUIRED:
            continue
        if type(value) is str and name in STRING_FIELDS:  # the common case, kept fast
            setattr(entry, name, value)
            continue
        if name not in _KNOWN_FIELDS:
            report.error(line_of(name), f"unknown field '{name}'", label)
            continue
        converted = _convert_field(name, value)
        if converted is _BAD:
            report.error(line_of(name), f"'{name}' {_EXPECTED[name]}", label)
            continue
        setattr(entry, name, converted)
    return entry


_BAD = object()
_REQUIRED = frozenset({"key", "title", "year"})
_KNOWN_FIELDS = frozenset(ENTRY_FIELDS)

_EXPECTED = {
    **{name: "must be a string" for name in STRING_FIELDS},
    "month": "must be an integer from 1 to 12",
    "entry_type": f"must be one of {', '.join(ENTRY_TYPES)}",
    "categories": "must be a list of strings",
    "alt_titles": "must be a list of strings",
    "key_aliases": "must be a list of strings",
    "sections": "must be a list of years (integers)",
    "authors": "must be a list of \"Family, Given\" strings, { family, given, suffix, orcid } "
               "tables or { literal = \"Organisation\" } tables",
    "code": "must be a list of { label = \"...\", url = \"...\" } tables",
    "provenance": "must be a table of field = \"source\" strings",
    "corrections": "must be a list of { field, was, now, why } tables of strings",
    "doubts": "must be a list of strings",
}


def _convert_field(name: str, value: Any) -> Any:
    if name in STRING_FIELDS:
        return value if isinstance(value, str) else _BAD
    if name == "month":
        return value if _is_int(value) and 1 <= value <= 12 else _BAD
    if name == "entry_type":
        return value if value in ENTRY_TYPES else _BAD
    if name in ("categories", "alt_titles", "doubts", "key_aliases"):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return list(value) if ok else _BAD
    if name == "sections":
        ok = isinstance(value, list) and all(_is_int(v) for v in value)
        return list(value) if ok else _BAD
    if name == "authors":
        if not isinstance(value, list):
            return _BAD
        people = [_person(v) for v in value]
        return _BAD if any(p is None for p in people) else people
    if name == "code":
        if not isinstance(value, list):
            return _BAD
        links = [_code_link(v) for v in value]
        return _BAD if any(c is None for c in links) else links
    if name == "corrections":
        if not isinstance(value, list):
            return _BAD
        fixes = [_correction(v) for v in value]
        return _BAD if any(c is None for c in fixes) else fixes
    if name == "provenance":
        ok = isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
        return dict(value) if ok else _BAD
    return _BAD


def convert_venue(key: str, raw: object, line: int, report: _Reporter) -> Venue | None:
    if not isinstance(raw, dict):
        report.error(line, f"venue '{key}' must be a table")
        return None
    name, kind = raw.get("name"), raw.get("kind")
    if not isinstance(name, str) or not name.strip():
        report.error(line, f"venue '{key}' needs a non-empty 'name'")
        return None
    if kind not in VENUE_KINDS:
        report.error(line, f"venue '{key}': 'kind' must be one of {', '.join(VENUE_KINDS)}")
        return None
    venue = Venue(key=key, name=name, kind=_as_kind(kind))
    for field_name, value in raw.items():
        if field_name in ("name", "kind"):
            continue
        if field_name in ("url", "issn") and isinstance(value, str):
            setattr(venue, field_name, value)
        elif field_name == "listed" and isinstance(value, bool):
            venue.listed = value
        elif (field_name == "aliases" and isinstance(value, list)
              and all(isinstance(v, str) for v in value)):
            venue.aliases = list(value)
        else:
            report.error(line, f"venue '{key}': bad or unknown field '{field_name}'")
    return venue


def _as_kind(kind: str) -> VenueKind:
    for known in VENUE_KINDS:
        if kind == known:
            return known
    raise ValueError(kind)


def as_entry_type(value: str) -> EntryType | None:
    for known in ENTRY_TYPES:
        if value == known:
            return known
    return None


def convert_settings(raw: object, line: int, report: _Reporter) -> Settings:
    settings = Settings()
    if raw is None:
        return settings
    if not isinstance(raw, dict):
        report.error(line, "[settings] must be a table")
        return settings
    for name, value in raw.items():
        if name == "key_format" and isinstance(value, str):
            settings.key_format = value
        elif name == "crossref_mailto" and isinstance(value, str):
            settings.crossref_mailto = value
        elif name == "crossref_concurrency" and _is_int(value) and 1 <= value <= 16:
            settings.crossref_concurrency = value
        elif name == "zotero_group" and _is_int(value):
            settings.zotero_group = value
        elif name == "max_wait" and _is_seconds(value):
            settings.max_wait = float(value)
        elif name in ("zotero_api_key", "api_key"):
            report.error(line, f"settings.{name}: never store the API key in the catalog; "
                               "use ZOTERO_API_KEY or --api-key-file")
        else:
            report.error(line, f"settings: bad or unknown field '{name}'")
    return settings
