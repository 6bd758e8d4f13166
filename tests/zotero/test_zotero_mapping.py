"""Entry <-> Zotero item: every catalog field survives, Zotero's own data stays."""

from __future__ import annotations

import dataclasses

import pytest

from ssl_bib.model import CodeLink, Entry, Person
from ssl_bib.store import load
from ssl_bib.zotero import extra
from ssl_bib.zotero.mapping import MapContext, build_item, entry_fields, item_fields
from ssl_bib.zotero.schema import ITEM_FIELDS
from tests.zotero.zotero_fake_server import CREATOR_TYPES, FIELDS, PROPERTIES
from tests.zotero.zotero_helpers import BUNDLED


@pytest.fixture(scope="module")
def ctx() -> MapContext:
    return MapContext(load(BUNDLED).catalog, {y: f"YEAR{y}AB"[:8] for y in range(2010, 2030)})


def _round_trip(entry: Entry, ctx: MapContext) -> dict[str, object]:
    item = build_item(entry, ctx, None)
    allowed = FIELDS[str(item["itemType"])] | PROPERTIES
    assert set(item) <= allowed, set(item) - allowed  # only fields of its type
    for creator in item["creators"]:
        assert creator["creatorType"] in CREATOR_TYPES[str(item["itemType"])]
    back = item_fields(item, ctx)
    assert back is not None
    return back


def test_our_field_table_agrees_with_the_servers() -> None:
    for itype, fields in ITEM_FIELDS.items():
        assert fields == FIELDS[itype], itype


def test_every_bundled_entry_round_trips(ctx: MapContext) -> None:
    for entry in ctx.catalog.entries:
        assert _round_trip(entry, ctx) == entry_fields(entry), entry.key


HARD = Entry(
    key="hardCase2021", title='A "Quoted" Title: with\\backslash', year=2021, month=6,
    venue="MedIA", categories=["Predictive", "MAE"], alt_titles=["Old title", "Older title"],
    sections=[2022, 2021], authors=[Person("van der Berg", "Anna", "0000-0002-1825-0097"),
                                    Person.organisation("WHO Consortium")],
    url="https://example.org/p", doi="10.1016/j.media.2021.1", arxiv="2101.00001v2",
    arxiv_class="cs.CV", pii="S1361841521000001", ieee="9000001", pmlr="v1/x",
    openreview="abcXYZ", code=[CodeLink("pytorch", "https://github.com/a/b"),
                               CodeLink("tensor flow 2", "https://github.com/c/d")],
    volume="70", issue="2", pages="101--112", article_number="102001",
    publisher="Elsevier", container_title="Medical Image Analysis", series="S",
    issn="1361-8415", isbn="978-3-16-148410-0", abstract="Line one.\nLine two.",
    note='  "starts with a quote" and ends with space ')


@pytest.mark.parametrize("entry_type", [None, "article", "inproceedings", "preprint"])
def test_hard_values_round_trip_in_every_item_type(ctx: MapContext, entry_type: str) -> None:
    entry = dataclasses.replace(HARD, entry_type=entry_type)
    back = _round_trip(entry, ctx)
    expected = entry_fields(entry)
    if entry_type == "article":  # the venue's own type: not worth writing down
        expected["entry_type"] = None
    assert back == expected


def test_unknown_venue_and_no_venue(ctx: MapContext) -> None:
    entry = Entry(key="k", title="T", year=2020, venue=None, container_title="Some Journal")
    assert _round_trip(entry, ctx) == entry_fields(entry)
    entry = Entry(key="k", title="T", year=2020, arxiv="2001.00001")
    assert _round_trip(entry, ctx) == entry_fields(entry)


def test_zotero_own_data_is_kept(ctx: MapContext) -> None:
    entry = ctx.catalog.entries[5]
    remote = build_item(entry, ctx, None)
    remote.update({
        "extra": "PMID: 123\n" + str(remote["extra"]), "date": "2021-06-03",
        "tags": [*remote["tags"], {"tag": "to read", "type": 1}],
        "collections": [*remote["collections"], "MYOWNCOL"], "language": "en",
        "creators": [*remote["creators"], {"creatorType": "editor", "name": "E"}],
    })
    remote["date"] = f"{entry.year}-06-03"
    entry.month = 6
    rebuilt = build_item(entry, ctx, remote)
    assert rebuilt["date"] == f"{entry.year}-06-03"  # same year and month: left as it was
    assert rebuilt["extra"].startswith("PMID: 123\n")
    assert {"tag": "to read", "type": 1} in rebuilt["tags"]
    assert "MYOWNCOL" in rebuilt["collections"] and rebuilt["language"] == "en"
    assert {"creatorType": "editor", "name": "E"} in rebuilt["creators"]


def test_extra_lines() -> None:
    ours = [("note", "two\nlines"), ("code", "https://x y"), ("arXiv", "2101.1")]
    text = extra.join(ours, ["Original Date: 1999", "tex.foo: bar"])
    assert text.splitlines()[:2] == ["Original Date: 1999", "tex.foo: bar"]
    assert "arXiv: 2101.1" in text.splitlines()
    assert extra.split(text) == (ours, ["Original Date: 1999", "tex.foo: bar"])


def test_a_zotero_item_becomes_catalog_fields(ctx: MapContext) -> None:
    fields = item_fields({
        "itemType": "conferencePaper", "title": "X", "date": "March 2019",
        "proceedingsTitle": "International Conference on Medical Image Computing and "
                            "Computer Assisted Intervention",
        "DOI": "https://doi.org/10.1007/ABC", "tags": [{"tag": "contrastive"}],
        "creators": [{"creatorType": "author", "firstName": "Z.", "lastName": "Zhou"}],
    }, ctx)
    assert fields is not None
    assert (fields["year"], fields["venue"], fields["doi"]) == (2019, "MICCAI", "10.1007/ABC")
    assert fields["categories"] == ["Contrastive"] and fields["container_title"] is None
    assert fields["authors"] == [Person("Zhou", "Z.")]
    assert item_fields({"itemType": "book", "title": "B", "date": "2020"}, ctx) is None
    assert item_fields({"itemType": "preprint", "title": "No date"}, ctx) is None

