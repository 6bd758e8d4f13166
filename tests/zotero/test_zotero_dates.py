"""Zotero `date` fields in the forms people and translators write them: the
year and month ssl-bib reads from each, as Zotero itself reads them."""

from __future__ import annotations

import datetime as dt

import pytest

from ssl_bib.zotero.dates import year_month

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(("text", "expected"), [
    # ISO, as translators write it, with a time or without parts.
    ("2021-03-15", (2021, 3)), ("2021-03", (2021, 3)), ("2021", (2021, None)),
    ("2021/3/15", (2021, 3)), ("2021.03.15", (2021, 3)), ("2021-03-15T10:20:30Z", (2021, 3)),
    ("2021-03-15 10:20", (2021, 3)), ("2019-06", (2019, 6)),
    # Numbers in people's order: Zotero's default reads month first, and swaps
    # when the first cannot be a month; "MM/YYYY" is a month and a year.
    ("03/15/2021", (2021, 3)), ("15/03/2021", (2021, 3)), ("15.03.2021", (2021, 3)),
    ("1/2/2020", (2020, 1)), ("08/1993", (1993, 8)), ("06/2007", (2007, 6)),
    # Two-digit years: this century up to this year, else the last one.
    ("3/15/21", (2021, 3)), ("3/15/99", (1999, 3)), ("3/15/26", (2026, 3)),
    ("3/15/27", (1927, 3)),
    # Month names and abbreviations, anywhere.
    ("March 2021", (2021, 3)), ("Mar 2021", (2021, 3)), ("Sept. 2018", (2018, 9)),
    ("15 March 2021", (2021, 3)), ("March 15, 2021", (2021, 3)), ("May 01, 1980", (1980, 5)),
    ("January 07 , 2011", (2011, 1)), ("December 01, 2004", (2004, 12)),
    ("Published: 12 May 2022", (2022, 5)), ("dec 2019", (2019, 12)),
    # A year and no month: seasons, ranges, approximations, impossible months.
    ("Spring 2020", (2020, None)), ("Winter 2019/2020", (2019, None)),
    ("2020-2021", (2020, None)), ("c. 2019", (2019, None)), ("circa 2019", (2019, None)),
    ("2021-13-01", (2021, None)),
    # No year at all.
    ("", (None, None)), ("   ", (None, None)), ("n.d.", (None, None)),
    ("in press", (None, None)), ("forthcoming", (None, None)), ("'98", (None, None)),
])
def test_year_and_month(text: str, expected: tuple[int | None, int | None]) -> None:
    assert year_month(text, today=TODAY) == expected


def test_a_long_or_odd_text_ends_fast() -> None:
    """A date field is text from anyone: no pattern may take long on it."""
    import time

    for text in ("1" * 5000, "1-" * 5000, "/" * 5000 + "2021", "March " * 2000, "a1" * 5000):
        started = time.monotonic()
        year_month(text, today=TODAY)
        assert time.monotonic() - started < 0.5, text[:20]
