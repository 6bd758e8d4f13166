"""BibTeX and biblatex: read back by bibtexparser 2 and strict pybtex."""

from __future__ import annotations

import pytest

from ssl_bib.codecs.bibtex_write import write_biblatex, write_bibtex
from ssl_bib.codecs.fields import ExportError
from ssl_bib.model import Catalog, Entry, Person
from ssl_bib.store import load
from tests.export_fixtures.catalogs import BUNDLED, rich_catalog
from tests.export_fixtures.consumers import bibtexparser_entries
from tests.export_fixtures.roundtrip import check_bibtex


@pytest.mark.parametrize("biblatex", [False, True], ids=["bibtex", "biblatex"])
def test_rich_catalog_reads_back_equal(biblatex: bool) -> None:
    catalog = rich_catalog()
    text = (write_biblatex if biblatex else write_bibtex)(catalog, catalog.entries)
    check_bibtex(catalog, text, biblatex=biblatex)


@pytest.mark.parametrize("biblatex", [False, True], ids=["bibtex", "biblatex"])
def test_bundled_catalog_reads_back_equal(biblatex: bool) -> None:
    catalog = load(BUNDLED).catalog
    text = (write_biblatex if biblatex else write_bibtex)(catalog, catalog.entries)
    check_bibtex(catalog, text, biblatex=biblatex)


def test_bibtex_is_ascii_and_biblatex_keeps_utf8() -> None:
    catalog = rich_catalog()
    bibtex = write_bibtex(catalog, catalog.entries)
    biblatex = write_biblatex(catalog, catalog.entries)
    assert bibtex.isascii()
    assert "x{\\texttwosuperior}" in bibtex
    assert r"Hervella, {\'A}lvaro S." in bibtex
    assert "Hervella, Álvaro S." in biblatex
    assert "{\\ensuremath{\\alpha}}" in bibtex and "α" in biblatex


def test_injection_comes_out_as_text() -> None:
    catalog = rich_catalog()
    for text in (write_bibtex(catalog, catalog.entries),
                 write_biblatex(catalog, catalog.entries)):
        assert "\\input" not in text and "\\write18" not in text
        assert r"\textbackslash{}input\{/etc/passwd\}" in text
        assert r"\textbackslash{}write18\{rm -rf" in text


def test_specials_are_escaped_and_identifiers_are_not() -> None:
    catalog = rich_catalog()
    text = write_bibtex(catalog, catalog.entries)
    assert r"100\% of \$x\textasciicircum{}2 \$ \& \#1 under\_score" in text
    assert "-{}- `{}`quoted'{}'" in text  # no en dash, no curly quotes
    assert "  url = {https://example.org/a_b/%7Ec?x=1&y=2#frag}," in text
    assert "  doi = {10.1007/978-3-030-32251-9_42}," in text
    assert "\\url" not in text
    assert "pages = {384--393}" in text and "pages = {101--110}" in text


def test_title_words_with_capitals_are_braced() -> None:
    catalog = rich_catalog()
    text = write_bibtex(catalog, catalog.entries)
    assert ("title = {Models {Genesis}: {Generic Autodidactic Models} for "
            "{3D Medical Image Analysis}}") in text
    assert "{COVID-19}" in text
    assert "{\\{MRI\\} {\\ensuremath{\\alpha}}-Synuclein}" in text


def test_names_particles_and_organisations() -> None:
    catalog = rich_catalog()
    text = write_bibtex(catalog, catalog.entries)
    author = bibtexparser_entries(text)["vanderBergSpecial2020"]["author"]
    assert author.startswith("van der Berg, Anna and de la Cruz, Jos{\\'e} Mar{\\'i}a and "
                             "{World Health Organization} and ")
    assert "{Smith and Sons}, {Jane, Jr.}" in author
    assert "author = {{Plato}}" in text


def test_entry_types_and_preprint_fields() -> None:
    catalog = rich_catalog()
    bibtex = bibtexparser_entries(write_bibtex(catalog, catalog.entries))
    biblatex = bibtexparser_entries(write_biblatex(catalog, catalog.entries))
    preprint = bibtex["chenKnowledgeBasedLearning2023"]
    assert preprint["ENTRYTYPE"] == "misc"
    assert (preprint["eprint"], preprint["archivePrefix"], preprint["primaryClass"]) == (
        "2211.14715", "arXiv", "cs.CV")
    online = biblatex["chenKnowledgeBasedLearning2023"]
    assert online["ENTRYTYPE"] == "online"
    assert (online["eprint"], online["eprinttype"], online["eprintclass"]) == (
        "2211.14715", "arxiv", "cs.CV")
    assert bibtex["medrxivPaper2021"]["howpublished"] == "bioRxiv"
    assert biblatex["hervellaSelfsupervisedMultimodal2021"]["journaltitle"] == (
        "Expert Systems with Applications")
    assert biblatex["hervellaSelfsupervisedMultimodal2021"]["eid"] == "115598"
    assert bibtex["hervellaSelfsupervisedMultimodal2021"]["pages"] == "115598"
    assert bibtex["zhouModelsGenesisGeneric2019"]["series"] == (
        "Lecture {Notes} in {Computer Science}")


def test_missing_fields_are_omitted() -> None:
    catalog = rich_catalog()
    text = write_bibtex(catalog, [catalog.find("onlyTitle2018")])  # type: ignore[list-item]
    # `key`: what plain and plainnat sort and label by without an author.
    # misc: an article without a journal name would make styles warn.
    assert text == ("@misc{onlyTitle2018,\n  title = {Minimal},\n  year = {2018},\n"
                    "  key = {Minimal}\n}\n")


def test_a_brace_in_a_url_is_percent_encoded_not_written() -> None:
    catalog = Catalog(entries=[Entry(key="bad2020", title="T", year=2020,
                                     url="https://example.org/{oops")])
    for text in (write_bibtex(catalog, catalog.entries),
                 write_biblatex(catalog, catalog.entries)):
        assert "  url = {https://example.org/%7Boops}" in text
    assert catalog.entries[0].url == "https://example.org/{oops"  # the catalog keeps its own


def test_an_unsafe_identifier_is_refused() -> None:
    catalog = Catalog(entries=[Entry(key="bad2020", title="T", year=2020,
                                     doi="10.1234/{oops")])
    with pytest.raises(ExportError) as info:
        write_bibtex(catalog, catalog.entries)
    assert (info.value.key, info.value.field) == ("bad2020", "doi")
    assert "is not a DOI" in str(info.value)


def test_keys_clashing_case_insensitively_are_refused() -> None:
    catalog = Catalog(entries=[Entry(key="a2020", title="T", year=2020),
                               Entry(key="A2020", title="U", year=2020)])
    with pytest.raises(ExportError, match="case is ignored"):
        write_biblatex(catalog, catalog.entries)


def test_key_with_bibtex_syntax_is_refused() -> None:
    catalog = Catalog(entries=[Entry(key="a b,{", title="T", year=2020)])
    with pytest.raises(ExportError, match="citation key"):
        write_bibtex(catalog, catalog.entries)


def test_unpaired_braces_stay_balanced() -> None:
    catalog = Catalog(entries=[Entry(key="brace2020", title="One } two { three {", year=2020,
                                     authors=[Person("Brace}", "A{")])])
    text = write_bibtex(catalog, catalog.entries)
    assert "One {\\textbraceright} two {\\textbraceleft} three {\\textbraceleft}" in text
    check_bibtex(catalog, text, biblatex=False)


def test_doi_is_bare_in_every_format() -> None:
    import json

    import rispy

    from ssl_bib.codecs.csljson_write import write_csljson
    from ssl_bib.codecs.ris_write import write_ris

    catalog = Catalog(entries=[Entry(key="d2020", title="T", year=2020,
                                     doi=" https://doi.org/10.1000/A_b(1) ")])
    bare = "10.1000/A_b(1)"
    assert bibtexparser_entries(write_bibtex(catalog, catalog.entries))["d2020"]["doi"] == bare
    assert bibtexparser_entries(write_biblatex(catalog, catalog.entries))["d2020"]["doi"] == bare
    assert rispy.loads(write_ris(catalog, catalog.entries))[0]["doi"] == bare
    assert json.loads(write_csljson(catalog, catalog.entries))[0]["DOI"] == bare


@pytest.mark.parametrize(("field", "value"), [("doi", "not a doi"), ("doi", "doi.org/x"),
                                              ("url", "https://example.org/a b"),
                                              ("url", "www.example.org")])
def test_broken_identifiers_are_refused(field: str, value: str) -> None:
    from ssl_bib.exporting import FORMATS, export

    catalog = Catalog(entries=[Entry(key="x2020", title="T", year=2020, **{field: value})])
    for fmt in FORMATS:
        with pytest.raises(ExportError) as info:
            export(catalog, catalog.entries, fmt)
        assert (info.value.key, info.value.field) == ("x2020", field)


def test_a_preprint_servers_publisher_is_its_biblatex_organization() -> None:
    """biber's @online has no `publisher`: a preprint server's name goes to
    `organization` (the venue's, else the publisher's), arXiv's to none
    (eprinttype names it); BibTeX's @misc keeps howpublished and publisher."""
    from ssl_bib.model import Venue

    catalog = Catalog(venues={"medRxiv": Venue("medRxiv", "medRxiv", "preprint")}, entries=[
        Entry(key="venueAndPublisher", title="T", year=2021, venue="medRxiv",
              publisher="Cold Spring Harbor Laboratory"),
        Entry(key="publisherOnly", title="T", year=2021, entry_type="preprint",
              publisher="Research Square"),
        Entry(key="arxivPublisher", title="T", year=2021, entry_type="preprint",
              arxiv="2101.00001", publisher="arXiv"),
    ])
    biblatex = bibtexparser_entries(write_biblatex(catalog, catalog.entries))
    assert biblatex["venueAndPublisher"]["organization"] == "medRxiv"
    assert "publisher" not in biblatex["venueAndPublisher"]
    assert biblatex["publisherOnly"]["organization"] == "Research Square"
    assert "organization" not in biblatex["arxivPublisher"]
    assert "publisher" not in biblatex["arxivPublisher"]
    bibtex = bibtexparser_entries(write_bibtex(catalog, catalog.entries))
    assert (bibtex["venueAndPublisher"]["howpublished"], bibtex["venueAndPublisher"][
        "publisher"]) == ("medRxiv", "Cold Spring Harbor Laboratory")


def test_an_unbalanced_value_is_refused_after_the_entrys_other_errors(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A value with unbalanced braces would swallow every entry after it: it
    is refused, naming its field, but an invalid identifier of the same
    entry is what is reported first (as the writer finds it first)."""
    from ssl_bib.codecs import bibtex_write

    monkeypatch.setattr(bibtex_write, "protect_title", lambda text, ascii_only: text + "}")
    catalog = Catalog(entries=[Entry(key="b2020", title="T", year=2020, series="S",
                                     entry_type="article", container_title="J")])
    for writer in (write_bibtex, write_biblatex):
        with pytest.raises(ExportError) as info:
            writer(catalog, catalog.entries)
        assert (info.value.field, info.value.message) == ("series", "unbalanced braces in 'S}'")
    catalog.entries[0].doi = "not a doi"
    with pytest.raises(ExportError) as info:
        write_bibtex(catalog, catalog.entries)
    assert info.value.field == "doi"
