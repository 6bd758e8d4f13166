"""Names that the "Family, Given" string cannot say: a comma in a family
name ("Smith, Jr."), a suffix, an organisation with a comma ("Acme, Inc.",
"Council on X, Y"), an outer space. Stored as { family, given, suffix } or
{ literal } tables; read from and written to every format; proven with the
real consumers (pybtex, bibtexparser, citeproc-py, pandoc).

Expected values are written by hand from the formats' documentation: BibTeX's
"von Last, Jr, First" form, CSL's name variables (family, given, suffix,
literal, particles), RIS's "Last, First, Suffix", Crossref's author objects
(given, family, suffix, name), Zotero's creators (name = single field).
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib.cli import cli
from ssl_bib.codecs import bibtex_read, csljson_read, ris_read
from ssl_bib.codecs.bibtex_write import write_biblatex, write_bibtex
from ssl_bib.codecs.csljson_write import write_csljson
from ssl_bib.codecs.ris_write import write_ris
from ssl_bib.crossref.fields import parse_work
from ssl_bib.model import Catalog, Entry, Person
from ssl_bib.store import load, save
from ssl_bib.zotero.mapping import _authors, _creators
from tests.export_fixtures.consumers import (
    bibtexparser_entries,
    citeproc_render,
    pandoc_csl,
    pybtex_entries,
)

SMITH = Person(family="Smith", given="John", suffix="Jr.")
ACME = Person.organisation("Acme, Inc.")
COUNCIL = Person.organisation("Council on X, Y")
VON = Person(family="von Neumann", given="John")
COMMA_FAMILY = Person(family="Ruiz, de la", given="Ana")   # a family no suffix explains


def _entry(*authors: Person) -> Entry:
    return Entry(key="k2021", title="A paper", year=2021, authors=list(authors),
                 entry_type="article", container_title="A Journal")


# -- the catalog ------------------------------------------------------------------


def test_ambiguous_names_are_stored_as_tables(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text("schema = 1\n", encoding="utf-8")
    loaded = load(path)
    loaded.catalog.entries.append(_entry(Person("Doe", "Jane"), SMITH, ACME, COUNCIL,
                                         COMMA_FAMILY, Person(" Lead", "Space")))
    save(loaded)
    authors = tomllib.loads(path.read_text(encoding="utf-8"))["entries"][0]["authors"]
    assert authors == ["Doe, Jane", {"family": "Smith", "given": "John", "suffix": "Jr."},
                       {"literal": "Acme, Inc."}, {"literal": "Council on X, Y"},
                       {"family": "Ruiz, de la", "given": "Ana"},
                       {"family": " Lead", "given": "Space"}]
    assert load(path).catalog.entries[0].authors == loaded.catalog.entries[0].authors


name_part = st.text(st.characters(blacklist_categories=("Cs",)), max_size=15)
orcids = st.none() | st.just("0000-0002-1825-0097")
people = st.builds(Person, family=name_part, given=name_part, suffix=name_part,
                   orcid=orcids) | \
    st.builds(lambda name, orcid: Person(family=name, orcid=orcid, literal=True),
              name_part.filter(bool), orcids)


@settings(max_examples=300, deadline=None)
@given(authors=st.lists(people, max_size=4))
def test_any_name_round_trips_through_the_catalog(authors: list[Person]) -> None:
    from ssl_bib.store import parse_text
    from ssl_bib.toml_render import render_catalog

    catalog = Catalog(entries=[_entry(*authors)])
    loaded = parse_text(render_catalog(catalog), Path("entries.toml"))
    assert loaded.problems == []
    assert loaded.catalog.entries[0].authors == authors


# -- readers ----------------------------------------------------------------------


def test_bibtex_reads_suffixes_particles_and_braced_literals() -> None:
    text = ("@article{a, title = {T}, year = {2021}, author = {Smith, Jr., John and "
            "{Council on X, Y} and von Neumann, John and {Acme, Inc.}}}\n")
    result = bibtex_read.read(text, "in.bib")
    assert result.records[0].entry.authors == [SMITH, COUNCIL, VON, ACME]


def test_csljson_reads_every_name_variable() -> None:
    item = {"id": "a", "type": "article-journal", "title": "T",
            "issued": {"date-parts": [[2021]]},
            "author": [{"family": "Smith", "given": "John", "suffix": "Jr."},
                       {"family": "Smith, Jr.", "given": "John"},
                       {"literal": "Acme, Inc."},
                       {"family": "Neumann", "given": "John", "non-dropping-particle": "von"},
                       {"family": " Lead ", "given": " Space"}]}
    result = csljson_read.read(json.dumps([item]), "in.json")
    assert result.records[0].entry.authors == [SMITH, SMITH, ACME, VON,
                                               Person("Lead", "Space")]


def test_ris_reads_last_first_suffix() -> None:
    text = "TY  - JOUR\nTI  - T\nPY  - 2021\nAU  - Smith, John, Jr.\nAU  - Doe, Jane\nER  - \n"
    result = ris_read.read(text, "in.ris")
    assert result.records[0].entry.authors == [SMITH, Person("Doe", "Jane")]


def test_crossref_reads_suffix_and_organisation_names() -> None:
    work = parse_work({"title": ["T"], "type": "journal-article", "author": [
        {"given": "John", "family": "Smith", "suffix": "Jr.", "sequence": "first"},
        {"given": "John", "family": "Smith, Jr.", "sequence": "additional"},
        {"name": "Acme, Inc.", "sequence": "additional"}]})
    assert work.authors == [SMITH, SMITH, ACME]


def test_zotero_creators_round_trip() -> None:
    creators = _creators([SMITH, ACME, Person("Doe", "Jane")], [])
    assert creators == [
        {"creatorType": "author", "firstName": "John, Jr.", "lastName": "Smith"},
        {"creatorType": "author", "name": "Acme, Inc."},
        {"creatorType": "author", "firstName": "Jane", "lastName": "Doe"}]
    assert _authors(creators, []) == [SMITH, ACME, Person("Doe", "Jane")]


# -- writers, read by the real consumers ---------------------------------------------


def test_bibtex_names_as_pybtex_and_bibtexparser_read_them() -> None:
    text = write_bibtex(Catalog(), [_entry(SMITH, ACME, COUNCIL, VON)])
    persons = pybtex_entries(text)["k2021"].persons["author"]
    assert [(p.last_names, p.first_names, p.lineage_names) for p in persons] == [
        (["Smith"], ["John"], ["Jr."]),
        (["{Acme, Inc.}"], [], []),
        (["{Council on X, Y}"], [], []),
        (["Neumann"], ["John"], []),
    ]
    assert persons[3].prelast_names == ["von"]
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    value = bibtexparser_entries(text)["k2021"]["author"]
    names = split_multiple_persons_names(value)
    assert names[1:3] == ["{Acme, Inc.}", "{Council on X, Y}"]
    first = parse_single_name_into_parts(names[0])
    assert (first.last, first.first, first.jr) == (["Smith"], ["John"], ["Jr."])


def test_biblatex_names_as_pandoc_reads_them() -> None:
    text = write_biblatex(Catalog(), [_entry(SMITH, ACME, COUNCIL)])
    items, err = pandoc_csl(text, "biblatex")
    assert items[0]["author"] == [{"family": "Smith", "given": "John", "suffix": "Jr."},
                                  {"literal": "Acme, Inc."}, {"literal": "Council on X, Y"}]
    items, err = pandoc_csl(write_bibtex(Catalog(), [_entry(SMITH, ACME)]), "bibtex")
    assert items[0]["author"] == [{"family": "Smith", "given": "John", "suffix": "Jr."},
                                  {"literal": "Acme, Inc."}]


def test_csljson_names_as_citeproc_and_pandoc_read_them() -> None:
    text = write_csljson(Catalog(), [_entry(SMITH, ACME)])
    assert json.loads(text)[0]["author"] == [
        {"family": "Smith", "given": "John", "suffix": "Jr."}, {"literal": "Acme, Inc."}]
    rendered = citeproc_render(text)[0]
    assert rendered.startswith("Smith, J., Jr. and Acme, Inc.") or \
        ("Smith" in rendered and "Jr." in rendered and "Acme, Inc." in rendered), rendered
    items, _ = pandoc_csl(text, "csljson")
    assert items[0]["author"] == [{"family": "Smith", "given": "John", "suffix": "Jr."},
                                  {"literal": "Acme, Inc."}]


def test_ris_names_as_rispy_reads_them() -> None:
    import rispy

    text = write_ris(Catalog(), [_entry(SMITH, Person("Doe", "Jane"))])
    record = rispy.loads(text)[0]
    assert record["authors"] == ["Smith, John, Jr.", "Doe, Jane"]


# -- one bad record never costs the others ---------------------------------------------

BAD_BATCH = [
    {"id": "good", "type": "article-journal", "title": "A good paper on lesions",
     "issued": {"date-parts": [[2021]]},
     "author": [{"family": "Smith, Jr.", "given": "John"}, {"literal": "Acme, Inc."}]},
    {"id": "bad", "type": "article-journal", "title": "A bad \ud800 paper on tumours",
     "issued": {"date-parts": [[2021]]}},
    {"id": "old", "type": "article-journal", "title": "An ancient paper on anatomy",
     "issued": {"date-parts": [[1500]]}},
]


def _import(tmp_path: Path, *args: str) -> tuple[int, str, Path]:
    path = tmp_path / "entries.toml"
    if not path.exists():
        path.write_text("schema = 1\n", encoding="utf-8")
    source = tmp_path / "in.json"
    # One record a line: the good one on line 2, the bad on 3, the old on 4.
    source.write_text("[\n" + ",\n".join(json.dumps(item) for item in BAD_BATCH) + "\n]\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["--catalog", str(path), "import", *args, str(source)])
    return result.exit_code, result.output, path


def test_names_with_commas_no_longer_cost_the_file(tmp_path: Path) -> None:
    code, out, path = _import(tmp_path, "--keep-going")
    assert code == 0, out
    entries = load(path).catalog.entries
    assert [e.title for e in entries] == ["A good paper on lesions"]
    assert entries[0].authors == [SMITH, ACME]


def test_a_record_that_cannot_be_stored_is_dropped_with_its_line(tmp_path: Path) -> None:
    code, out, path = _import(tmp_path, "--keep-going")
    lines = out.splitlines()
    assert any(line.startswith("in.json:4: error: ") and "year 1500" in line for line in lines)
    assert any(line.startswith("in.json:3: error: ") and "surrogate" in line
               for line in lines), out
    assert "wrote" in out


def test_without_keep_going_nothing_is_written_and_dry_run_agrees(tmp_path: Path) -> None:
    code, out, path = _import(tmp_path)
    assert code == 2 and "nothing was written" in out
    assert path.read_text(encoding="utf-8") == "schema = 1\n"
    code, out, path = _import(tmp_path, "--dry-run")
    assert code == 2
    code, out, path = _import(tmp_path, "--dry-run", "--keep-going")
    assert code == 0 and path.read_text(encoding="utf-8") == "schema = 1\n"


def test_check_reports_an_author_without_a_name(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text('schema = 1\n\n[[entries]]\nkey = "a2021"\ntitle = "A"\nyear = 2021\n'
                    'authors = ["Doe, Jane", { family = " ", given = "Ann" }]\n',
                    encoding="utf-8")
    result = CliRunner().invoke(cli, ["--catalog", str(path), "check"])
    assert result.exit_code == 1
    assert "entries.toml:7: entry a2021: error: author 2 has no family name" in result.output
