"""The year and month of a Zotero `date` field, read as Zotero reads it.

Zotero keeps `date` as the text people typed or a translator wrote ("March
2021", "2021-03-15", "15/03/2021", "Spring 2020", "May 01, 1980", "08/1993",
"c. 2019") and parses it when it needs parts (its `strToDate`; the API's
`meta.parsedDate`). The catalog needs the year, and the month when there is
one, so this follows the same rules, written from Zotero's documented
behaviour:

1. a numeric date: year first when its first number has 3 or 4 digits
   (2021-03-15, 2021/3, 2021.03.15), else month/day/year as Zotero's default
   (US) locale reads it, day and month swapped when the first number cannot
   be a month (15/03/2021), "MM/YYYY" as month and year; two-digit years are
   of this century up to this year, else of the last one (3/15/21 -> 2021);
2. otherwise a year anywhere in the text (3 or 4 digits standing alone),
   and an English month name or its abbreviation ("Mar.", "Sept") for the
   month; a season has no month.

A text with no year ("in press", "n.d.", "") has none: the caller reports it.
"""

from __future__ import annotations

import datetime as _dt
import re

from ..lazy_re import compiled

# The numeric forms: a number, then up to two more, each after one of - / .
# (the separators must agree), and nothing numeric glued to either end.
_NUMERIC_RE = compiled(
    r"^(?P<before>.*?)\b(?P<a>\d{1,4})"
    r"(?:(?P<sep1>[-/.])(?P<b>\d{1,2}))?"
    r"(?:(?P<sep2>[-/.])(?P<c>\d{1,4}))?"
    r"(?P<after>(?:\b|\D).*?)$")
_YEAR_RE = compiled(r"(?<![\d])(\d{3,4})(?![\d])")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MONTH_RE = compiled(r"\b(" + "|".join(
    f"{m[:3]}(?:{m[3:]}|{'t' if m == 'september' else ''})?" for m in _MONTHS) + r")\b\.?",
    re.IGNORECASE)
# An ISO date-time ("2021-03-15T10:20:30Z", "2021-03-15 10:20"): the time is no date part.
_TIME_RE = compiled(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d++)?)?(?:Z|[+-]\d{2}:?\d{2})?\s*+$")


def year_month(text: str, today: _dt.date | None = None) -> tuple[int | None, int | None]:
    """(year, month) of a Zotero date; month None when the date has none,
    year None when it has no year at all."""
    text = _TIME_RE.sub("", " ".join(text.split()))
    if not text:
        return None, None
    this_year = (today or _dt.date.today()).year
    numeric = _numeric(text, this_year)
    if numeric is not None:
        return numeric
    m = _YEAR_RE.search(text)
    if m is None:
        return None, None
    year = int(m.group(1))
    rest = text[:m.start()] + " " + text[m.end():]
    month = _MONTH_RE.search(rest)
    return year, (_month_number(month.group(1)) if month else None)


def _numeric(text: str, this_year: int) -> tuple[int | None, int | None] | None:
    m = _NUMERIC_RE.match(text)
    if m is None:
        return None
    a, b, c = m.group("a"), m.group("b"), m.group("c")
    sep1, sep2 = m.group("sep1"), m.group("sep2")
    if sep1 and sep2 and sep1 != sep2:
        return None  # "2021-03/15" is no date Zotero reads as one
    whole = bool(a and b and c)
    if not whole and (m.group("before").strip() or m.group("after").strip()):
        return None  # a lone number inside words: left to the year search
    if not (b or c):
        return None
    year: int | None
    month: int | None
    day: int | None
    if len(a) >= 3:
        year, month, day = int(a), int(b) if b else None, int(c) if c else None
    elif b is None:
        month, year, day = int(a), int(c), None                   # "08/1993"
    else:
        month, day, year = int(a), int(b), int(c) if c else None  # US order
        if month > 12 and day <= 12:
            month, day = day, month
    if year is None or (month is not None and not 1 <= month <= 12) or (day or 0) > 31:
        return None
    if len(c or a) <= 2 and year < 100:
        century = this_year - this_year % 100
        year += century if year <= this_year % 100 else century - 100
    return year, month


def _month_number(name: str) -> int:
    return next(i for i, m in enumerate(_MONTHS, 1) if m.startswith(name[:3].lower()))
