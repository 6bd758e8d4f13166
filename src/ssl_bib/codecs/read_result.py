"""What every reader returns: entries in catalog types, each with the line it
came from, plus the problems met on the way. Readers never raise on content."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import CodeLink, Entry, EntryType, Venue
from ..problems import Problem


@dataclass
class Record:
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


@dataclass
class ReadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Venues and categories the input names on its own (an awesome list's venue list).
    venues: dict[str, Venue] = field(default_factory=dict)
    categories: list[str] = field(default_factory=list)

    def error(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, "error", message))

    def warn(self, file: str, line: int, message: str) -> None:
        self.problems.append(Problem(file, line, "warning", message))


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


def normalize_pages(text: str) -> str:
    """"123--130" / "123–130" -> "123-130", the catalog's form."""
    value = " ".join(text.split())
    for dash in ("---", "--", "–", "—"):
        value = value.replace(dash, "-")
    return value.replace(" - ", "-")


# How our exporters (and people) write a code link as a note: "Code (pytorch): https://...".
_CODE_NOTE_RE = re.compile(r"^code(?:\s*\((?P<label>[^)]*)\))?\s*:\s*(?P<url>https?://\S+)$",
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
