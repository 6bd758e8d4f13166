"""merge.py, the one rule set import, enrichment and sync follow: fill what
is empty, never overwrite a curated value, leave out what curation corrected
away, and say every conflict the same way; each rule tested directly, then
through each of its three users."""

from __future__ import annotations

from typing import Any

import pytest

from ssl_bib.crossref.enrich import Resolution, apply
from ssl_bib.crossref.fields import Work
from ssl_bib.importer import import_texts
from ssl_bib.merge import Conflict, drop_corrected, fill, same, shown, three_way
from ssl_bib.model import Catalog, CodeLink, Correction, Entry, Person, Venue

# -- fill: two-way, import and enrichment ------------------------------------------


def test_fill_never_overwrites_and_records_where_each_value_came_from() -> None:
    entry = Entry(key="k", title="T", year=2020, volume="7", provenance={"volume": "curated"})
    result = fill(entry, {"volume": "8", "issue": "2", "pages": "", "doi": None}, "src")
    assert result.filled == ["issue"] and entry.volume == "7" and entry.issue == "2"
    assert entry.provenance == {"volume": "curated", "issue": "src"}
    assert result.conflicts == [Conflict("k", "volume", "7", "8", "src")]


def test_fill_only_compares_the_title_and_accepts_an_alternative_title() -> None:
    entry = Entry(key="k", title="Old Name", year=2020, alt_titles=["The New Name"])
    assert fill(entry, {"title": "the new name"}, "src").conflicts == []
    other = fill(entry, {"title": "Something Else"}, "src")
    assert [c.field for c in other.conflicts] == ["title"] and entry.title == "Old Name"


def test_fill_adds_to_list_fields_instead_of_comparing_them() -> None:
    entry = Entry(key="k", title="T", year=2020, categories=["MAE"], alt_titles=["A b"],
                  code=[CodeLink("pytorch", "https://github.com/a/b")])
    result = fill(entry, {"categories": ["MAE", "Contrastive"], "alt_titles": ["a B", "C"],
                          "code": [CodeLink("github", "https://github.com/a/b/"),
                                   CodeLink("jax", "https://github.com/c/d")]}, "src")
    assert sorted(result.filled) == ["alt_titles", "categories", "code"]
    assert entry.categories == ["MAE", "Contrastive"] and entry.alt_titles == ["A b", "C"]
    assert [c.url for c in entry.code] == ["https://github.com/a/b", "https://github.com/c/d"]
    assert result.conflicts == []


def test_fill_keeps_sections_empty_while_they_say_no_more_than_the_year() -> None:
    entry = Entry(key="k", title="T", year=2020)
    assert fill(entry, {"sections": [2020]}, "readme").filled == [] and entry.sections == []
    assert fill(entry, {"sections": [2021]}, "readme").filled == ["sections"]
    assert entry.sections == [2020, 2021]


def test_a_month_belongs_to_its_year() -> None:
    entry = Entry(key="k", title="T", year=2020)
    assert fill(entry, {"year": 2019, "month": 5}, "src").filled == [] and entry.month is None
    assert fill(entry, {"year": 2020, "month": 5}, "src").filled == ["month"]


def test_fill_only_the_fields_asked_for() -> None:
    entry = Entry(key="k", title="T", year=2020)
    result = fill(entry, {"pages": "1-2", "volume": "3"}, "src", fields={"pages"})
    assert result.filled == ["pages"] and entry.volume is None


@pytest.mark.parametrize(("name", "a", "b"), [
    ("doi", "10.1000/ABC", "10.1000/abc"),
    ("pages", "1--10", "1–10"),
    ("title", "Rubik’s Cube+", "rubik's {C}ube+"),
    ("authors", [Person("Müller", "J.")], [Person("Muller", "Jürgen")]),
    ("url", "https://ieeexplore.ieee.org/document/1", "http://ieeexplore.ieee.org/abstract/document/1/"),
    ("categories", ["A", "B"], ["B", "A"]),
])
def test_formatting_differences_are_no_conflict(name: str, a: Any, b: Any) -> None:
    assert same(name, a, b)


# -- drop_corrected: what curation fixed stays fixed --------------------------------


def _corrected(*fixes: Correction) -> Entry:
    return Entry(key="k", title="T", year=2021, corrections=list(fixes))


def test_a_corrected_value_is_left_out_whatever_its_case() -> None:
    entry = _corrected(Correction("doi", "10.1016/J.X.2021.1", "", "another paper's DOI"),
                       Correction("pages", "384-393", "", "wrong pages"))
    incoming: dict[str, Any] = {"doi": "10.1016/j.x.2021.1", "pages": "384-393", "volume": "2"}
    dropped = drop_corrected(entry, incoming)
    assert incoming == {"volume": "2"}
    assert [(fix.field, value) for fix, value in dropped] == [("doi", "10.1016/j.x.2021.1"),
                                                               ("pages", "384-393")]


def test_a_corrected_year_section_and_link_are_left_out() -> None:
    entry = _corrected(Correction("sections", "2020", "2021", "listed under the wrong year"),
                       Correction("code", "https://github.com/wrong/repo", "", "not its code"))
    incoming: dict[str, Any] = {"year": 2020, "sections": [2020, 2022],
                                "code": [CodeLink("pytorch", "https://github.com/wrong/repo"),
                                         CodeLink("jax", "https://github.com/right/repo")]}
    dropped = drop_corrected(entry, incoming)
    assert "year" not in incoming and incoming["sections"] == [2022]
    assert [c.url for c in incoming["code"]] == ["https://github.com/right/repo"]
    assert [fix.field for fix, _ in dropped] == ["sections", "sections", "code"]


def test_a_value_other_than_the_corrected_one_stays() -> None:
    entry = _corrected(Correction("pages", "384-393", "", "wrong pages"))
    incoming: dict[str, Any] = {"pages": "384-394"}
    assert drop_corrected(entry, incoming) == [] and incoming == {"pages": "384-394"}


# -- three_way: sync against the last synced copy -----------------------------------


def test_a_side_that_changed_wins_and_both_changing_alike_is_no_conflict() -> None:
    base = {"pages": "1-2", "volume": "3", "issue": "1"}
    ours = {"pages": "1-2", "volume": "4", "issue": "2"}
    theirs = {"pages": "1-9", "volume": "3", "issue": "2"}
    merged = three_way("k", base, ours, theirs, exact=True)
    assert merged.merged == {"pages": "1-9", "volume": "4", "issue": "2"}
    assert merged.conflicts == [] and merged.changed_ours == ["pages"]
    assert merged.changed_theirs == ["volume"]


def test_both_changing_differently_is_a_conflict_a_preferred_side_settles() -> None:
    base, ours, theirs = {"volume": "3"}, {"volume": "4"}, {"volume": "5"}
    kept = three_way("k", base, ours, theirs, source="Zotero", exact=True)
    assert kept.merged == {"volume": "4"}
    assert kept.conflicts == [Conflict("k", "volume", "4", "5", "Zotero")]
    assert three_way("k", base, ours, theirs, prefer="remote").merged == {"volume": "5"}
    assert three_way("k", base, ours, theirs, prefer="local").merged == {"volume": "4"}


def test_exact_comparison_sees_a_changed_capital_normalised_does_not() -> None:
    base, ours, theirs = {"title": "A title"}, {"title": "A title"}, {"title": "A Title"}
    assert three_way("k", base, ours, theirs, exact=True).changed_ours == ["title"]
    assert three_way("k", base, ours, theirs).changed_ours == []


def test_sets_merge_item_by_item() -> None:
    base = {"categories": ["A", "B"]}
    ours = {"categories": ["A", "B", "C"]}          # added C
    theirs = {"categories": ["A", "D"]}             # removed B, added D
    merged = three_way("k", base, ours, theirs, exact=True, sets=True)
    assert merged.merged == {"categories": ["A", "C", "D"]} and merged.conflicts == []
    whole = three_way("k", base, ours, theirs, exact=True)
    assert [c.field for c in whole.conflicts] == ["categories"]


# -- how a value and a conflict read, everywhere ------------------------------------


def test_values_read_on_one_line_cut_short() -> None:
    assert shown("10.1/x") == "'10.1/x'" and shown(2020) == "2020" and shown(None) == "None"
    assert shown([Person("Doe", "Jane"), Person.organisation("Acme, Inc.")]) == \
        "[Doe, Jane; Acme, Inc.]"
    assert shown([CodeLink("pytorch", "https://github.com/a/b")]) == \
        "[pytorch https://github.com/a/b]"
    long = shown("x" * 500)
    assert long == repr("x" * 87 + "...") and len(long) == 92
    assert shown("line one\nline two") == "'line one\\nline two'"


def test_a_conflict_reads_the_same_for_every_source() -> None:
    conflict = Conflict("k", "volume", "7", "8", "crossref 2026-11-26")
    assert conflict.describe() == "entry k: volume: catalog has '7', crossref 2026-11-26 has '8'"
    assert conflict.describe(with_key=False, source="Crossref") == \
        "volume: catalog has '7', Crossref has '8'"


# -- the three users follow the rules ---------------------------------------------


def _work(**values: Any) -> Work:
    return Work(doi=values.pop("doi", "10.1000/xyz"), type="journal-article", title="Paper Title",
                year=2021, **values)


def test_enrichment_keeps_curated_values_and_corrections() -> None:
    entry = Entry(key="k", title="Paper Title", year=2021, volume="7",
                  corrections=[Correction("pages", "1-10", "", "another paper's pages")])
    report = apply(entry, Resolution("k", "matched", "DOI", _work(volume="8", pages="1-10",
                                                                  issue="3")),
                   "crossref 2026-11-26", ("volume", "pages", "issue", "doi"), False)
    assert sorted(report.filled) == ["doi", "issue"] and entry.pages is None
    assert entry.volume == "7"
    assert report.notes == [
        "pages: Crossref has '1-10', which curation corrected to ''; not filled",
        "volume: catalog has '7', Crossref has '8'; kept the catalog's"]


def test_import_keeps_curated_values_and_corrections() -> None:
    catalog = Catalog(venues={"MedIA": Venue("MedIA", "Medical Image Analysis", "journal")},
                      entries=[Entry(key="k", title="Paper Title", year=2021, venue="MedIA",
                                     doi="10.1000/xyz", volume="7", corrections=[
                                         Correction("pages", "1-10", "", "wrong pages")])])
    bib = ("@article{x, title={Paper Title}, journal={Medical Image Analysis}, year={2021},\n"
           "  doi={10.1000/xyz}, volume={8}, pages={1--10}, number={3}}\n")
    outcome = import_texts(catalog, [("in.bib", bib, "bibtex")])
    entry = catalog.entries[0]
    assert outcome.merged == [(entry, ["issue"])] and entry.pages is None
    assert entry.volume == "7" and entry.provenance == {"issue": "in.bib:1 (x)"}
    assert [c.describe() for c in outcome.conflicts] == [
        "entry k: volume: catalog has '7', in.bib:1 (x) has '8'"]
