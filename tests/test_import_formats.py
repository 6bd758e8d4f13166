"""What each format's documentation says a file may hold, read as it says.

BibTeX: the BibTeX book and btxdoc (@string, `#`, the month macros, @preamble
and @comment). biblatex: the biblatex manual (date, its ranges and EDTF
markers, subtitle and titleaddon as the standard styles print them,
journaltitle, eprint/eprinttype/eprintclass, ids) and biber's (the extended
name format). RIS: the RIS specification's tag line and dates
("YYYY/MM/DD/other") and what Zotero reads (one space). CSL-JSON: the schema
(csl-data.json) and the specification's rich text, names and dates."""

from __future__ import annotations

import json

import pytest

from ssl_bib.codecs import registry
from ssl_bib.codecs.read_result import ReadResult, Record
from ssl_bib.model import Person


def _one(text: str, fmt: str) -> Record:
    result = registry.read(text, "in", fmt)
    assert [p for p in result.problems if p.severity == "error"] == [], result.problems
    assert len(result.records) == 1, result.records
    return result.records[0]


def _read(text: str, fmt: str) -> ReadResult:
    return registry.read(text, "in", fmt)


# -- BibTeX ----------------------------------------------------------------------

def test_bibtex_string_macros_and_concatenation() -> None:
    text = """@string{jn = "Journal of"}
@STRING{Med = {Medical Imaging}}
@preamble{"\\newcommand{\\noopsort}[1]{} "}
@comment{@article{ignored, title = {Not a record}}}
@article{a,
  title = "Macro " # "concatenation" # { with {Braces}},
  author = "Doe, Jane" # " and " # "Roe, Richard",
  journal = jn # " " # med,
  month = aug,
  year = 20 # 21
}
"""
    record = _one(text, "bibtex")
    assert record.entry.title == "Macro concatenation with Braces"
    assert record.entry.authors == [Person("Doe", "Jane"), Person("Roe", "Richard")]
    assert record.venue_name == "Journal of Medical Imaging"  # names are case-insensitive
    assert (record.entry.year, record.entry.month) == (2021, 8)


def test_bibtex_string_redefined_and_undefined() -> None:
    text = """@string{v = {First}}
@article{a, title = v, year = 2020}
@string{v = {Second}}
@article{b, title = v # { and } # nowhere, year = 2020}
"""
    result = _read(text, "bibtex")
    assert [r.entry.title for r in result.records] == ["First", "Second and nowhere"]
    (warning,) = result.problems
    assert (warning.line, warning.severity) == (4, "warning")
    assert "'nowhere' is not defined" in warning.message and "kept as its name" in warning.message


def test_bibtex_text_between_blocks_and_comments_are_not_records() -> None:
    text = """Some words before any entry.
@comment{jabref-meta: databaseType:bibtex;}
% a line comment
@preamble{ "\\makeatletter" }
@misc{a, title = {Only record}, year = 2020}
"""
    assert _one(text, "bibtex").entry.title == "Only record"


# -- biblatex --------------------------------------------------------------------

@pytest.mark.parametrize(("date", "year", "month"), [
    ("2019-03-05", 2019, 3), ("2019-03", 2019, 3), ("2019", 2019, None),
    ("2019-03/2020-04", 2019, 3),  # a range: its start
    ("2019/", 2019, None), ("/2020", 2020, None),  # open ranges
    ("2019?", 2019, None), ("2019-03~", 2019, 3), ("2019-22", 2019, None),  # EDTF, season
])
def test_biblatex_date_wins_over_year(date: str, year: int, month: int | None) -> None:
    record = _one(f"@article{{a, title = {{T}}, date = {{{date}}}, year = {{1999}}}}", "biblatex")
    assert (record.entry.year, record.entry.month) == (year, month)


def test_biblatex_date_that_is_no_date_falls_back_to_year() -> None:
    result = _read("@article{a, title = {T}, date = {in press}, year = {2021}}", "biblatex")
    assert result.records[0].entry.year == 2021
    assert "date 'in press' is no date" in result.problems[0].message


def test_biblatex_title_parts_journaltitle_eprint_and_ids() -> None:
    text = """@article{a,
  title = {Self-Supervised Learning},
  subtitle = {A Survey},
  titleaddon = {Extended Version},
  journaltitle = {Medical Image Analysis},
  journalsubtitle = {Special Issue},
  eprint = {2101.05224v2}, eprinttype = {arxiv}, eprintclass = {cs.CV},
  ids = {oldKey2020, other:key},
  date = {2021}
}
@article{b, title = {Does It Work?}, subtitle = {Yes}, date = {2021}}
"""
    result = _read(text, "biblatex")
    first, second = result.records
    # biblatex's standard styles: \\subtitlepunct and \\newunitpunct are a period.
    assert first.entry.title == "Self-Supervised Learning. A Survey. Extended Version"
    assert second.entry.title == "Does It Work? Yes"
    assert first.venue_name == "Medical Image Analysis. Special Issue"
    assert (first.entry.arxiv, first.entry.arxiv_class) == ("2101.05224v2", "cs.CV")
    assert first.entry.key_aliases == ["oldKey2020", "other:key"]


@pytest.mark.parametrize(("names", "people"), [
    ("family=Goethe, given=Johann Wolfgang", [Person("Goethe", "Johann Wolfgang")]),
    ("given={Jean-Paul}, family=Sartre and family=Doe, given=Jane",
     [Person("Sartre", "Jean-Paul"), Person("Doe", "Jane")]),
    ('family=Beethoven, given=Ludwig, prefix=van, useprefix=true',
     [Person("van Beethoven", "Ludwig")]),
    ("family=King, given=Martin Luther, suffix=Jr.",
     [Person("King", "Martin Luther", suffix="Jr.")]),
    ("family={M{\\\"u}ller}, given=J{\\\"o}rg", [Person("Müller", "Jörg")]),
])
def test_biblatex_extended_name_format(names: str, people: list[Person]) -> None:
    record = _one(f"@article{{a, title = {{T}}, author = {{{names}}}, date = {{2020}}}}",
                  "biblatex")
    assert record.entry.authors == people


def test_bibtex_literal_names_stay_whole() -> None:
    record = _one("@report{a, title = {T}, year = 2020, author = {{Council on X, Y} and "
                  "{World Health Organization} and Doe, Jane}}", "bibtex")
    assert record.entry.authors == [Person.organisation("Council on X, Y"),
                                    Person.organisation("World Health Organization"),
                                    Person("Doe", "Jane")]


# -- RIS -------------------------------------------------------------------------

@pytest.mark.parametrize("spacing", ["  - ", " - ", "   - ", "  -  "])
def test_ris_tag_spacing(spacing: str) -> None:
    text = "\n".join(f"{tag}{spacing}{value}" for tag, value in (
        ("TY", "JOUR"), ("AU", "Doe, Jane"), ("TI", "A Title"), ("PY", "2021"),
        ("DO", "10.1000/x"))) + f"\nER{spacing.rstrip()}\n"
    record = _one(text, "ris")
    assert (record.entry.title, record.entry.year, record.entry.doi, record.kind) == (
        "A Title", 2021, "10.1000/x", "article")
    assert record.entry.authors == [Person("Doe", "Jane")]


def test_ris_continuation_lines_are_not_tags() -> None:
    text = ("TY  - JOUR\nTI  - Scans\nAB  - We use imaging.\nUS - guided biopsies are text here\n"
            "PY  - 2020\nER  - \n")
    record = _one(text, "ris")
    assert "US - guided" in (record.entry.abstract or "")


@pytest.mark.parametrize(("tags", "year", "month"), [
    ("PY  - 2021///", 2021, None),
    ("Y1  - 2021/05/03/Spring", 2021, 5),
    ("DA  - 2021/07/", 2021, 7),
    ("PY  - 2021\nDA  - 2021/02/28", 2021, 2),
    ("DA  - 2019-11-02", 2019, 11),
    ("PY  - May 2018", 2018, 5),
])
def test_ris_dates(tags: str, year: int, month: int | None) -> None:
    record = _one(f"TY  - JOUR\nTI  - T\n{tags}\nER  - \n", "ris")
    assert (record.entry.year, record.entry.month) == (year, month)


def test_ris_title_keeps_zotero_rich_text() -> None:
    record = _one("TY  - JOUR\nT1  - CO<sub>2</sub> in <i>E. coli</i>\nA1  - Roe, R.\n"
                  "JF  - Journal\nPY  - 2020\nER  - \n", "ris")
    assert record.entry.title == "CO<sub>2</sub> in <i>E. coli</i>"
    assert record.entry.authors == [Person("Roe", "R.")] and record.venue_name == "Journal"


# -- CSL-JSON --------------------------------------------------------------------

def _csl(**fields: object) -> str:
    item = {"id": "a", "type": "article-journal", "title": "T",
            "issued": {"date-parts": [[2020]]}, **fields}
    return json.dumps([item])


def test_csljson_rich_text_title_and_plain_other_fields() -> None:
    title = ('<i>E. coli</i> and CO<sub>2</sub>: <span class="nocase">iPhone</span> '
             '<b>bold</b> x<sup>2</sup> <span style="font-variant:small-caps;">Sc</span>')
    record = _one(_csl(title=title, **{"container-title": "Journal of H<sub>2</sub>O"}),
                  "csljson")
    assert record.entry.title == title
    assert record.venue_name == "Journal of H₂O"


def test_csljson_literal_names() -> None:
    record = _one(_csl(author=[{"literal": "Council on X, Y"}, {"family": "Doe", "given": "J."},
                               {"family": "Beethoven", "non-dropping-particle": "van",
                                "given": "Ludwig"}]), "csljson")
    assert record.entry.authors == [Person.organisation("Council on X, Y"), Person("Doe", "J."),
                                    Person("van Beethoven", "Ludwig")]


@pytest.mark.parametrize(("issued", "year", "month"), [
    ({"date-parts": [[2021, 6, 1]]}, 2021, 6),
    ({"date-parts": [["2021", "6"]]}, 2021, 6),
    ({"raw": "2021-06-01"}, 2021, 6),
    ({"raw": "June 2021"}, 2021, 6),
    ({"literal": "Spring 2021"}, 2021, None),
    ({"date-parts": [[2019], [2020]]}, 2019, None),  # a range: its start
])
def test_csljson_issued_forms(issued: dict[str, object], year: int, month: int | None) -> None:
    record = _one(_csl(issued=issued), "csljson")
    assert (record.entry.year, record.entry.month) == (year, month)


# -- one normalisation for every format -------------------------------------------

@pytest.mark.parametrize(("fmt", "text"), [
    ("bibtex", "@article{a, title = {T}, year = 2021, doi = {10.48550/arXiv.2101.05224}}"),
    ("ris", "TY  - JOUR\nTI  - T\nPY  - 2021\nDO  - 10.48550/arXiv.2101.05224\nER  - \n"),
    ("csljson", _csl(DOI="https://doi.org/10.48550/arXiv.2101.05224")),
])
def test_an_arxiv_datacite_doi_is_the_arxiv_id_in_every_format(fmt: str, text: str) -> None:
    record = _one(text, fmt)
    assert (record.entry.doi, record.entry.arxiv) == (None, "2101.05224")


@pytest.mark.parametrize(("fmt", "text"), [
    ("bibtex", "@article{a, title = {T}, year = 2021, pages = {101--110},\n"
               "  url = {https://doi.org/10.1016/j.media.2020.101840}}"),
    ("ris", "TY  - JOUR\nTI  - T\nPY  - 2021\nSP  - 101\nEP  - 110\n"
            "UR  - https://doi.org/10.1016/j.media.2020.101840\nER  - \n"),
    ("csljson", _csl(page="101–110", URL="https://doi.org/10.1016/j.media.2020.101840")),
    ("markdown", "## 2021\n\n| Paper title | Paper link |\n| --- | --- |\n"
                 "| T | [Link](https://doi.org/10.1016/j.media.2020.101840) |\n"),
])
def test_links_and_pages_are_normalised_alike(fmt: str, text: str) -> None:
    entry = _one(text, fmt).entry
    assert entry.doi == "10.1016/j.media.2020.101840"
    assert entry.pages in ("101-110", None)
