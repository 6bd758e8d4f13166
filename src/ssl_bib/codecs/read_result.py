"""What every reader returns: entries in catalog types, each with the line it
came from, plus the problems met on the way. Readers never raise on content."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import SslBibError
from ..lazy_re import compiled
from ..model import CodeLink, Entry, EntryType, Venue
from ..problems import Problem
from ..records import FACTORY, DataMethods

# Readers of long files call it with how many characters they have read.
OnProgress = Callable[[int], None]


@dataclass(init=False, repr=False, eq=False)
class Record(DataMethods):
    """One paper as an input file gives it.

    `entry.key` is empty: keys are the catalog's business. `source_id` is the
    input's own id (a BibTeX key, a CSL id, a RIS ID). `venue_name` is the
    journal or proceedings name as written; the importer maps it to one of
    the catalog's venues. `kind` is what the input says the paper is."""

    entry: Entry
    line: int
    source_id: str | None = None
    venue_name: str | None = None
    kind: EntryType | None = None
    # A README row: `entry.venue` is the table's venue abbreviation and
    # `entry.year` / `entry.sections` are the year sections it is listed under.
    from_readme: bool = False

    def __init__(self, entry: Entry, line: int, source_id: str | None = None,
                 venue_name: str | None = None, kind: EntryType | None = None,
                 from_readme: bool = False) -> None:
        self.entry = entry
        self.line = line
        self.source_id = source_id
        self.venue_name = venue_name
        self.kind = kind
        self.from_readme = from_readme


@dataclass(init=False, repr=False, eq=False)
class ReadResult(DataMethods):
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Venues and categories the input names on its own (an awesome list's venue list).
    venues: dict[str, Venue] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)

    def __init__(self, records: list[Record] = FACTORY, problems: list[Problem] = FACTORY,
                 venues: dict[str, Venue] = FACTORY, categories: list[str] = FACTORY) -> None:
        self.records = [] if records is FACTORY else records
        self.problems = [] if problems is FACTORY else problems
        self.venues = {} if venues is FACTORY else venues
        self.categories = [] if categories is FACTORY else categories

    def error(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, "error", message))

    def warn(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, "warning", message))

    def unreadable(self, file: str, line: int, label: str, exc: Exception) -> None:
        """Report a record whose reading raised: readers map records inside
        `except Exception`, so that input nobody foresaw (nesting deep enough
        to exhaust Python's stack, a decoder's bug) costs that record only."""
        self.error(file, line, f"{label} cannot be read ({why(exc)}): skipped")


class TooDeep(SslBibError, ValueError):
    """Input nested deeper than a reader follows (braces, JSON arrays)."""


def why(exc: BaseException) -> str:
    """One line saying why input could not be read."""
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    if isinstance(exc, TooDeep):
        return str(exc)
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def split_lines(text: str) -> list[str]:
    """The lines of a text file as `grep -n`, editors' line numbers, json and
    bibtexparser count them: ended by "\n" only ("\r\n" loses its "\r").
    str.splitlines() also ends a line at U+2028, U+0085, form feeds and other
    separators, and a reader using it would report the wrong line."""
    return [line.removesuffix("\r") for line in text.split("\n")]


class LineCounter:
    """The line of each position a reader reaches, counted on from the last
    one asked: linear in the text, where `text.count("\n", 0, pos)` for each
    of 100,000 records reads the file 100,000 times."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:
        if pos < self.pos:
            return self.text.count("\n", 0, pos) + 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def split_keywords(text: str) -> list[str]:
    """"A, B; C" -> ["A", "B", "C"], keeping order, dropping repeats."""
    out: dict[str, None] = {}
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if part:
            out.setdefault(part, None)
    return list(out)


def year_of(text: str) -> int | None:
    """The year a date-ish string starts with ("2021", "2021-05-03", "2021/05//")."""
    digits = text.strip()[:4]
    return int(digits) if len(digits) == 4 and digits.isdigit() else None


MONTHS = {name: i for i, name in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


def month_of(text: str) -> int | None:
    value = text.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return MONTHS.get(value[:3])


# ISO 8601 / EDTF as biblatex and CSL's `raw` write dates: 2019, 2019-03,
# 2019-03-05, with EDTF's ?, ~ or % for uncertain, approximate, both, and
# XX for an unspecified month. biblatex's months 21-24 are seasons.
_ISO_DATE_RE = compiled(r"(\d{4})(?:-(\d{2}|XX))?+(?:-(?:\d{2}|XX))?+[?~%]?+"
                          r"(?:T[\d:.]*+(?:Z|[+-][\d:]++)?+)?+")
# A year standing alone in free text ("Spring 2019", "May 3, 2020").
_FREE_YEAR_RE = compiled(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_MONTH_WORD_RE = compiled(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*+\.?",
                            re.IGNORECASE)


def iso_date(text: str) -> tuple[int | None, int | None]:
    """(year, month) of a biblatex `date` or a CSL `raw` date: ISO 8601 /
    EDTF, the start of a range (`2019-03/2020-04`; `/2020` when the start is
    open), or a year and month name in free text ("Spring 2019", "May 2019").
    (None, None) when there is no year."""
    value = text.strip()
    parts = [p.strip() for p in value.split("/")]
    for part in parts if len(parts) == 2 else [value]:
        if part in ("", ".."):
            continue
        m = _ISO_DATE_RE.fullmatch(part)
        if m:
            month = m.group(2)
            number = int(month) if month and month.isdigit() else None
            return int(m.group(1)), number if number and 1 <= number <= 12 else None
        break
    return free_date(value)


def free_date(text: str) -> tuple[int | None, int | None]:
    """A year, and an English month name, anywhere in free text."""
    year = _FREE_YEAR_RE.search(text)
    if year is None:
        return None, None
    month = _MONTH_WORD_RE.search(text)
    return int(year.group(1)), month_of(month.group(1)) if month else None


def ris_date(text: str) -> tuple[int | None, int | None]:
    """(year, month) of a RIS date tag: "YYYY/MM/DD/other info" (PY, DA, Y1),
    with any part empty ("2021///"), or what other tools put there instead
    (ISO dates, "May 2021")."""
    value = text.strip()
    m = re.match(r"(\d{4})(?:[/-](\d{1,2})?+)?+", value)
    if m:
        month = int(m.group(2)) if m.group(2) else None
        return int(m.group(1)), month if month and 1 <= month <= 12 else None
    return free_date(value)


def normalize_pages(text: str) -> str:
    """"123--130" / "123–130" -> "123-130", the catalog's form."""
    value = " ".join(text.split())
    for dash in ("---", "--", "–", "—"):
        value = value.replace(dash, "-")
    return value.replace(" - ", "-")


# How our exporters (and people) write a code link as a note: "Code (pytorch): https://...".
_CODE_NOTE_RE = compiled(r"^code(?:\s*\((?P<label>[^)]*)\))?\s*:\s*(?P<url>https?://\S+)$",
                           re.IGNORECASE)


def code_from_note(text: str) -> CodeLink | None:
    m = _CODE_NOTE_RE.match(text.strip())
    if not m:
        return None
    return CodeLink(label=(m.group("label") or "").strip(), url=m.group("url"))


def split_note(text: str) -> tuple[str | None, list[CodeLink]]:
    """A note ending in "; Code (label): url" parts -> (the rest, the code links)."""
    parts = text.split("; ")
    code: list[CodeLink] = []
    while parts:
        link = code_from_note(parts[-1])
        if link is None:
            break
        code.insert(0, link)
        parts.pop()
    rest = "; ".join(parts).strip()
    return rest or None, code
