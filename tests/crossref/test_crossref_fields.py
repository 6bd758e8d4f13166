"""Crossref records -> catalog fields. The fixtures in fixtures/ are our own
records written in the shapes of recorded real responses: a journal article
with markup in its title and a consortium author, an undated proceedings
paper with an event, a Springer chapter listing its series first, a chapter
with two ISBNs, a scored work-list of mixed types, a `select`-trimmed list,
the 400 validation failure and the 404 body."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ssl_bib.conduct import Policy
from ssl_bib.crossref.client import CrossrefClient, CrossrefError
from ssl_bib.crossref.fields import clean_text, parse_work
from ssl_bib.merge import fill
from ssl_bib.model import Entry, Person
from ssl_bib.store import load, parse_text, save
from tests.crossref.crossref_server import CrossrefServer

FIXTURES = Path(__file__).parent / "fixtures"
WORK_FILES = sorted(FIXTURES.glob("work*.json"))


def works_in(path: Path) -> list[dict[str, Any]]:
    envelope = json.loads(path.read_text(encoding="utf-8"))
    assert envelope["status"] == "ok"
    assert envelope["message-version"] == "1.0.0"
    if envelope["message-type"] == "work":
        return [envelope["message"]]
    assert envelope["message-type"] == "work-list"
    return list(envelope["message"]["items"])


def fixture_work(name: str) -> Any:
    return parse_work(works_in(FIXTURES / name)[0])


MINIMAL = """\
schema = 1
categories = []

[[entries]]
key = "x2020"
title = "A paper"
year = 2020
"""


@pytest.mark.parametrize("path", WORK_FILES, ids=lambda p: p.name)
def test_every_fixture_shape_fills_an_entry_that_round_trips(path: Path,
                                                             tmp_path: Path) -> None:
    works = works_in(path)
    assert works
    for i, raw in enumerate(works):
        fields = parse_work(raw).fields()
        catalog_path = tmp_path / f"entries{i}.toml"
        catalog_path.write_text(MINIMAL, encoding="utf-8")
        loaded = parse_text(MINIMAL, catalog_path)
        entry = loaded.catalog.entries[0]
        result = fill(entry, fields, "crossref 2026-01-01")
        assert sorted(result.filled) == sorted(fields)
        save(loaded)
        assert load(catalog_path).catalog.entries[0] == entry


@pytest.mark.parametrize("path", WORK_FILES, ids=lambda p: p.name)
def test_every_fixture_shape_passes_through_the_client_and_the_server(
        path: Path, tmp_path: Path) -> None:
    works = [w for w in works_in(path) if w.get("DOI")]
    with CrossrefServer(works) as server:
        client = CrossrefClient(server.url, cache=None, policy=Policy(attempts=1))
        for raw in works:
            record = client.work(raw["DOI"])
            assert record == raw
            assert parse_work(record).doi == raw["DOI"]


def test_journal_article_fields() -> None:
    work = fixture_work("work-journal-article.json")
    assert work.title == "Learning in situ segmentation of 3D scans & reports"
    assert work.type == "journal-article"
    assert (work.year, work.month) == (2021, 2)
    assert work.authors == [
        Person("Kowalska", "Anna", "0000-0002-1825-0097"),
        Person("Müller-Lüdenscheidt", "Jürgen"),
        Person.organisation("The Example Imaging Consortium"),
    ]
    assert work.fields() == {
        "authors": work.authors, "doi": "10.5555/fixture.journal.2021",
        "container_title": "Medical Image Analysis", "volume": "68", "issue": "2",
        "pages": "101-117", "publisher": "Elsevier BV", "issn": "1361-8415", "month": 2}
    assert work.alternative_ids == ["S136184152000000X"]


def test_undated_proceedings_paper_with_event() -> None:
    work = fixture_work("work-proceedings-undated.json")
    assert work.year is None and work.month is None
    assert work.container_title == "Example Workshop on Imaging, 2003. Proceedings."
    assert "Example Workshop on Imaging, 2003." in work.venue_names
    assert work.isbn == "0769519210"
    assert work.issn is None
    assert "month" not in work.fields()


def test_springer_chapter_keeps_the_series_apart() -> None:
    work = fixture_work("work-chapter-series-first.json")
    assert work.container_title == ("Medical Image Computing and Computer Assisted "
                                    "Intervention – MICCAI 2020")
    assert work.series == "Lecture Notes in Computer Science"
    # The ISSN of a chapter is its series'; the ISBN is the volume's print one.
    assert work.issn is None
    assert work.isbn == "9783030000000"
    assert work.year == 2020


def test_chapter_with_several_isbns_takes_the_print_one() -> None:
    work = fixture_work("work-chapter-multiple-isbn.json")
    assert work.isbn == "9783034899999"
    assert work.publisher == "Birkhäuser Basel"
    assert work.series is None
    assert work.container_title == "Collected Problems: Theory, Numerics, Applications"


def test_scored_work_list_items() -> None:
    items = [parse_work(w) for w in works_in(FIXTURES / "work-list-scored.json")]
    by_doi = {w.doi: w for w in items}
    assert [w.score for w in items][:2] == [127.5, 99.2]
    assert by_doi["10.5555/wl.1"].issn == "1433-2833"
    series_second = by_doi["10.5555/wl.3"]
    assert series_second.container_title == "Semantic Evaluation Challenges"
    assert series_second.series == "Communications in Computer and Information Science"
    series_first = by_doi["10.5555/wl.4"]
    assert series_first.container_title == "Intelligent Tools for a Scientific Platform"
    assert series_first.series == "Studies in Computational Intelligence"
    posted = by_doi["10.5555/wl.5"]
    assert posted.container_title is None
    assert posted.authors[0].orcid == "0000-0002-1825-0097"
    assert by_doi["10.5555/wl.7"].title == ""
    assert by_doi["10.5555/wl.7"].authors == [Person("Solo")]


def test_select_trimmed_items_parse() -> None:
    items = [parse_work(w) for w in works_in(FIXTURES / "work-list-select.json")]
    assert [w.title for w in items] == ["Communicating Ecology", "Ecosystem Ecology", ""]
    assert items[2].fields() == {"doi": "10.5555/sel.3"}


def test_series_only_chapter_has_no_container() -> None:
    raw = {"DOI": "10.5555/only-series", "type": "book-chapter", "title": ["T"],
           "container-title": ["Lecture Notes in Computer Science"]}
    work = parse_work(raw)
    assert work.container_title is None
    assert work.series == "Lecture Notes in Computer Science"


def test_garbage_never_raises() -> None:
    for raw in ({}, {"title": None, "author": [None, 3, {}], "issued": {"date-parts": []}},
                {"issued": {"date-parts": [["2020"]]}, "volume": 12, "page": None,
                 "issn-type": "x", "ISBN": "123", "container-title": "One"}):
        work = parse_work(raw)   # type: ignore[arg-type]
        assert work.fields() is not None


@pytest.mark.parametrize("raw, clean", [
    ("Deep <i>in vivo</i> imaging", "Deep in vivo imaging"),
    ("Cats &amp; dogs", "Cats & dogs"),
    ("Double &amp;amp; escaped", "Double & escaped"),
    ("<scp>MRI</scp>:  a\n   review", "MRI: a review"),
    ("H<sub>2</sub>O maps", "H2O maps"),
    ("Title<p>Second part</p>", "Title Second part"),
    ("Rubik&#x2019;s Cube+", "Rubik’s Cube+"),
])
def test_clean_text(raw: str, clean: str) -> None:
    assert clean_text(raw) == clean


def test_error_bodies_of_the_real_service(tmp_path: Path) -> None:
    failure = json.loads((FIXTURES / "validation-failure.json").read_text(encoding="utf-8"))
    assert failure["message-type"] == "validation-failure"
    assert (FIXTURES / "not-found.txt").read_text(encoding="utf-8") == "Resource not found."
    with CrossrefServer([]) as server:
        client = CrossrefClient(server.url, cache=None, policy=Policy(attempts=1))
        assert client.work("10.5555/nothing") is None
        with pytest.raises(CrossrefError, match="refused"):
            client._get("x", {}, "/works/10.5555/a", {"query.title": "t"})


def test_fill_never_overwrites_and_reports() -> None:
    entry = Entry(key="k", title="A paper", year=2020, pages="1-2")
    work = fixture_work("work-journal-article.json")
    result = fill(entry, work.fields(), "crossref 2026-01-01")
    assert entry.pages == "1-2"
    assert [c.field for c in result.conflicts] == ["pages"]
    assert entry.provenance["volume"] == "crossref 2026-01-01"
    assert "pages" not in entry.provenance
