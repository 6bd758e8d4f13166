"""toml_render, directly: whatever it renders, TOML reads back as the same
catalog data, in the stable, diff-friendly style entries.toml is reviewed in."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given, settings

from ssl_bib.model import Entry, Person
from ssl_bib.store import parse_text
from ssl_bib.toml_read import entry_from_table
from ssl_bib.toml_render import render_catalog, render_entry, render_venue, toml_string
from tests.strategies import catalogs, entries, venues


@settings(max_examples=300, deadline=None)
@given(entry=entries())
def test_any_entry_renders_to_one_table_that_reads_back_the_same(entry: Entry) -> None:
    text = render_entry(entry)
    document = tomllib.loads(text)
    assert list(document) == ["entries"] and len(document["entries"]) == 1
    assert entry_from_table(document["entries"][0]) == entry
    assert text.startswith("[[entries]]\n") and text.endswith("\n")


@settings(max_examples=150, deadline=None)
@given(catalog=catalogs())
def test_any_catalog_renders_to_a_file_that_loads_as_the_same_catalog(catalog: object) -> None:
    loaded = parse_text(render_catalog(catalog), Path("entries.toml"))  # type: ignore[arg-type]
    assert loaded.problems == []
    assert loaded.catalog == catalog


@settings(max_examples=100, deadline=None)
@given(venue=venues)
def test_any_venue_reads_back(venue: object) -> None:
    rendered = tomllib.loads(render_venue(venue))  # type: ignore[arg-type]
    assert list(rendered["venues"]) == [venue.key]  # type: ignore[attr-defined]


@given(text=entries().map(lambda e: e.title))
def test_a_toml_string_is_one_line_and_reads_back(text: str) -> None:
    literal = toml_string(text)
    assert "\n" not in literal
    assert tomllib.loads(f"x = {literal}")["x"] == text


def test_fields_come_in_the_models_order_and_only_valueless_ones_are_left_out() -> None:
    entry = Entry(key="k", title="T", year=2021, doi="10.1000/x", venue="MedIA",
                  authors=[Person("Doe", "Jane")], volume="", categories=[], pages=None,
                  provenance={"doi": "crossref 2026-01-01", "authors": "in.bib:3"})
    assert render_entry(entry) == (
        '[[entries]]\nkey = "k"\ntitle = "T"\nyear = 2021\nvenue = "MedIA"\n'
        'authors = ["Doe, Jane"]\ndoi = "10.1000/x"\nvolume = ""\n'
        'provenance.authors = "in.bib:3"\nprovenance.doi = "crossref 2026-01-01"\n')


def test_names_are_written_in_the_shortest_form_that_reads_back() -> None:
    entry = Entry(key="k", title='A "quoted" title\\ with a backslash', year=2021,
                  authors=[Person("Doe", "Jane"), Person("Smith", "John", suffix="Jr."),
                           Person.organisation("Acme, Inc.")])
    text = render_entry(entry)
    assert text == render_entry(entry)
    assert 'title = "A \\"quoted\\" title\\\\ with a backslash"\n' in text
    # A "Family, Given" string where it says all; a table otherwise; one a
    # line once the array is too long for one.
    assert ('authors = [\n    "Doe, Jane",\n    { family = "Smith", given = "John", '
            'suffix = "Jr." },\n    { literal = "Acme, Inc." },\n]\n') in text
