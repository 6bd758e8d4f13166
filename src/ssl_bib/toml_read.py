"""Turn the parsed entries.toml document into model objects, reporting every
value of the wrong type or shape as a located problem instead of raising."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
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
from .records import FACTORY, DataMethods

# Where things are in the file: filled by the store's line scan.
LineOf = Callable[[str], int]


@dataclass(init=False, repr=False, eq=False)
class Conversion(DataMethods):
    catalog: Catalog
    problems: list[Problem] = field(default_factory=list)

    def __init__(self, catalog: Catalog, problems: list[Problem] = FACTORY) -> None:
        self.catalog = catalog
        self.problems = [] if problems is FACTORY else problems


class ProblemLog:
    """Where the converters put what they find wrong: located errors of
    one file, appended to `problems`."""

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
        return _person_text(value)
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


# Authors recur across a catalog: one Person per spelling, shared (it is
# frozen), saves the parsing and the memory of a copy per entry.
@lru_cache(maxsize=1 << 16)
def _person_text(value: str) -> Person | None:
    family, sep, given = value.partition(",")  # Person.parse, inlined
    if sep:
        return Person(family.strip(), given.strip())
    return Person(value.strip()) if value.strip() else None


_CORRECTION_KEYS = frozenset({"field", "was", "now", "why"})
_STR_ONLY = frozenset({str})


def _all_str(values: Iterable[object]) -> bool:
    """Whether every value is a str, as the parser makes them: in C, since
    it runs for every list and table of every entry."""
    return {*map(type, values)} <= _STR_ONLY


def _correction(value: object) -> Correction | None:
    if (type(value) is dict and value.keys() == _CORRECTION_KEYS
            and _all_str(value.values())):
        return Correction(field=value["field"], was=value["was"], now=value["now"],
                          why=value["why"])
    return None


def _code_link(value: object) -> CodeLink | None:
    if (isinstance(value, dict) and set(value) == {"label", "url"}
            and isinstance(value["label"], str) and isinstance(value["url"], str)):
        return CodeLink(label=_shared(value["label"]), url=value["url"])
    return None


def convert_entry(raw: dict[str, Any], line_of: LineOf, report: ProblemLog,
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
    # Converted values, then one constructor call: this runs for every entry
    # of the catalog on every command.
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if type(value) is str and name in _PLAIN_STRINGS:  # the common case, kept fast
            values[name] = _shared(value) if name in _RECURRING else value
            continue
        convert = _CONVERTERS.get(name)
        if convert is None:
            report.error(line_of(name), f"unknown field '{name}'", label)
            continue
        converted = convert(value)
        if converted is _BAD:
            report.error(line_of(name), f"'{name}' {_EXPECTED[name]}", label)
            continue
        values[name] = converted
    return Entry(**values)


_BAD = object()
_PLAIN_STRINGS = frozenset({"key", "title", *STRING_FIELDS})
# Fields whose values recur across a catalog (a venue, a publisher, a
# provenance source): one string object per value instead of one per entry
# keeps a 100,000-entry catalog within a few times its file size in memory.
_RECURRING = frozenset({"venue", "publisher", "container_title", "series", "issn"})


@lru_cache(maxsize=1 << 14)
def _shared(value: str) -> str:
    """The first string seen equal to `value` (a bounded intern table)."""
    return value

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


def _strings(value: Any) -> Any:
    if type(value) is list and _all_str(value):
        return list(value)
    return _BAD


def _shared_strings(value: Any) -> Any:
    if type(value) is list and _all_str(value):
        return list(map(_shared, value))
    return _BAD


def _authors(value: Any) -> Any:
    if type(value) is not list:
        return _BAD
    # The usual list, "Family, Given" strings, converted in C.
    items = list(map(_person_text, value)) if _all_str(value) else list(map(_person, value))
    return items if all(items) else _BAD


def _converted_items(convert: Callable[[object], Any]) -> Callable[[Any], Any]:
    """A converter for a list whose items `convert` turns into objects (None: bad)."""
    def convert_list(value: Any) -> Any:
        if type(value) is not list:
            return _BAD
        items = [convert(v) for v in value]
        # all(): objects are true, None is not, and no __eq__ is called.
        return items if all(items) else _BAD
    return convert_list


def _provenance(value: Any) -> Any:
    if type(value) is dict and _all_str(value.values()):
        return dict(zip(map(_shared, value), map(_shared, value.values()), strict=True))
    return _BAD


# Field name -> converter: the value as the Entry holds it, or _BAD. The
# required key/title/year are checked before.
_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    **{name: lambda v: v if isinstance(v, str) else _BAD for name in STRING_FIELDS},
    "key": lambda v: v, "title": lambda v: v, "year": lambda v: v,
    "month": lambda v: v if _is_int(v) and 1 <= v <= 12 else _BAD,
    "entry_type": lambda v: v if v in ENTRY_TYPES else _BAD,
    "categories": _shared_strings, "alt_titles": _strings, "doubts": _strings,
    "key_aliases": _strings,
    "sections": lambda v: (list(v) if isinstance(v, list) and all(_is_int(y) for y in v)
                           else _BAD),
    "authors": _authors,
    "code": _converted_items(_code_link),
    "corrections": _converted_items(_correction),
    "provenance": _provenance,
}
assert set(_CONVERTERS) == set(ENTRY_FIELDS), "every entry field has a converter"


def entry_from_table(raw: dict[str, Any]) -> Entry | None:
    """An [[entries]] table as tomllib read it, back to the entry it holds,
    problems ignored: for tables already reported once (the store compares
    and restores entries this way)."""
    return convert_entry(raw, lambda _field: 0, ProblemLog("", []), 0)


def convert_venue(key: str, raw: object, line: int, report: ProblemLog) -> Venue | None:
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


def convert_settings(raw: object, line: int, report: ProblemLog) -> Settings:
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
