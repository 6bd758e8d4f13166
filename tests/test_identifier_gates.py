"""Identifiers are validated strictly wherever they enter or leave the catalog:
`check` reports them, `import` refuses them with file:line and keeps the
record, and every exporter refuses (or, for URLs, percent-encodes) what could
carry TeX into a .bib file. The DOI rule: "10." + a registrant code + "/" + a
suffix of printable characters with no whitespace, backslash, braces or `^^`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib import importer
from ssl_bib.cli import cli
from ssl_bib.codecs.bibtex_write import write_biblatex, write_bibtex
from ssl_bib.codecs.fields import ExportError
from ssl_bib.exporting import FORMATS, export
from ssl_bib.identifiers import encode_url, invalid_identifiers, is_doi, normalize_doi
from ssl_bib.model import Catalog, Entry

HOSTILE_DOIS = [
    r"10.1234/\input{/tmp/probe.tex}",     # TeX through the DOI (issue 10's example)
    "10.1234/{x}",                          # braces
    "10.1234/^^5cinput^^7b/tmp/probe^^7d",  # TeX's ^^ notation for \ { }
    "10.1234/a b",                          # whitespace
    "10.1234/a\u2028b", "10.1234/a\u00a0b",  # Unicode line and no-break spaces
    "10.1234/a\u200bb",                     # a format character
    "10.1234/a\x00b", "10.1234/a\tb",       # control characters
    "10.12/short", "11.1234/x", "10.1234/", "10.1234", "doi 10.1234/x",
]
REAL_DOIS = [
    "10.1007/978-3-030-32251-9_42",
    "10.1016/j.media.2022.102464",
    "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0",  # Wiley SICI
    "10.1207/s15327809jls0203&4_2",          # Crossref's own examples of odd suffixes
    "10.1000.10/123456",                     # a subdivided registrant code
    "10.1234/a%b#c~d$e",                     # inert inside \url and \doi
    "10.1234/ünïcode",
]


@pytest.mark.parametrize("doi", HOSTILE_DOIS)
def test_hostile_dois_are_no_dois(doi: str) -> None:
    assert not is_doi(doi)
    assert normalize_doi(doi) is None
    assert normalize_doi("https://doi.org/" + doi) is None


@pytest.mark.parametrize("doi", REAL_DOIS)
def test_real_dois_are_dois(doi: str) -> None:
    assert is_doi(doi)


@pytest.mark.parametrize(("field", "good", "bad"), [
    ("arxiv", "2203.05573v2", r"2203.05573\input{x}"),
    ("arxiv_class", "physics.med-ph", r"cs.CV}\input{x}"),
    ("arxiv_class", "q-bio.QM", "cs CV"),
    ("pii", "S0031320321000133", "S00313203{x}"),
    ("ieee", "9709199", "9709199/../x"),
    ("pmlr", "v158/truong21a", "v158/../../x"),
    ("openreview", "kQ2SOflIOVC", "kQ2 SOfl"),
    ("issn", "1361-8415", r"1361-8415\par"),
    ("isbn", "978-3-030-32247-2", "978-3-030"),
    ("isbn", "0-306-40615-2", "-0306406152"),
])
def test_every_identifier_field_has_a_strict_test(field: str, good: str, bad: str) -> None:
    assert list(invalid_identifiers({field: good})) == []
    assert [name for name, _, _ in invalid_identifiers({field: bad})] == [field]


def test_check_reports_each_bad_identifier_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text('schema = 1\n\n[[entries]]\nkey = "A2020"\ntitle = "A"\nyear = 2020\n'
                    'doi = \'10.1234/\\input{/tmp/probe.tex}\'\n'
                    'arxiv_class = "cs.CV}"\n'
                    'isbn = "12"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--catalog", str(path), "check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert ("entries.toml:7: entry A2020: error: doi '10.1234/\\\\input{/tmp/probe.tex}' is "
            "not a DOI (10.NNNN/... with no whitespace, backslash, braces or ^^)") in lines
    assert any(line.startswith("entries.toml:8: entry A2020: error: arxiv_class 'cs.CV}'")
               for line in lines)
    assert any(line.startswith("entries.toml:9: entry A2020: error: isbn '12'")
               for line in lines)


def test_check_reports_a_venue_issn_that_is_none(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text('schema = 1\n\n[venues.J]\nname = "J"\nkind = "journal"\n'
                    'issn = "1361-84{15}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--catalog", str(path), "check"])
    assert result.exit_code == 1
    assert "entries.toml:3: venue J: error: issn '1361-84{15}' is not an ISSN (1361-8415)" \
        in result.output.splitlines()


BIB_RECORD = """@article{{a,
  title = {{A hostile record}},
  author = {{Doe, Jane}},
  journal = {{Journal of Tests}},
  year = {{2021}},
  doi = {{{doi}}},
  eprint = {{2203.05573}},
  primaryClass = {{{cls}}}
}}

@article{{b,
  title = {{A good record}},
  year = {{2021}},
  doi = {{10.1000/good}}
}}
"""


@pytest.mark.parametrize("fmt", ["bibtex", "ris", "csljson"])
def test_import_refuses_the_doi_keeps_the_record_and_names_the_line(tmp_path: Path,
                                                                   fmt: str) -> None:
    hostile = r"10.1234/\input{/tmp/probe.tex}"
    if fmt == "bibtex":
        # A BibTeX value may hold balanced braces: the reader sees them as data.
        text, name, line = BIB_RECORD.format(doi=hostile, cls=r"cs.CV\input"), "in.bib", 1
    elif fmt == "ris":
        text = (f"TY  - JOUR\nTI  - A hostile record\nPY  - 2021\nDO  - {hostile}\nER  - \n\n"
                "TY  - JOUR\nTI  - A good record\nPY  - 2021\nDO  - 10.1000/good\nER  - \n")
        name, line = "in.ris", 1
    else:
        text = json.dumps([{"id": "a", "type": "article-journal", "title": "A hostile record",
                            "issued": {"date-parts": [[2021]]}, "DOI": hostile},
                           {"id": "b", "type": "article-journal", "title": "A good record",
                            "issued": {"date-parts": [[2021]]}, "DOI": "10.1000/good"}],
                          indent=1)
        name, line = "in.json", 2
    catalog = Catalog()
    outcome = importer.import_texts(catalog, [(name, text, fmt)])  # type: ignore[list-item]
    titles = {e.title: e for e in catalog.entries}
    assert set(titles) == {"A hostile record", "A good record"}
    assert titles["A hostile record"].doi is None
    assert titles["A good record"].doi == "10.1000/good"
    assert titles["A hostile record"].arxiv_class is None
    located = [p for p in outcome.problems if "input" in p.message]
    assert located and all((p.file, p.line) == (name, line) for p in located)
    assert outcome.errors == 0  # a refused value is a warning: the record is imported


def test_import_refuses_identifiers_hidden_in_links() -> None:
    row = ("## 2021\n\n| Paper title | Journal/Conference | Category | Paper link | Code link |\n"
           "| --- | --- | --- | --- | --- |\n"
           "| A paper | MICCAI | Contrastive | [Link](https://doi.org/10.1234/%5Cinput%7Bx%7D) "
           "| NA |\n")
    catalog = Catalog()
    importer.import_texts(catalog, [("README.md", row, "markdown")])
    (entry,) = catalog.entries
    assert entry.doi is None and entry.url == "https://doi.org/10.1234/%5Cinput%7Bx%7D"


@pytest.mark.parametrize("field", ["doi", "arxiv", "arxiv_class"])
def test_every_exporter_refuses_an_identifier_that_could_carry_tex(field: str) -> None:
    values = {"doi": r"10.1234/\input{x}", "arxiv": r"2203.0557\input{x}",
              "arxiv_class": r"cs\input{x}"}
    entry = Entry(key="x2020", title="T", year=2020, **{field: values[field]})
    if field == "arxiv_class":
        entry.arxiv = "2203.05573"
    catalog = Catalog(entries=[entry])
    for fmt in ("bibtex", "biblatex") if field == "arxiv_class" else FORMATS:
        with pytest.raises(ExportError) as info:
            export(catalog, catalog.entries, fmt)
        assert (info.value.key, info.value.field) == ("x2020", field)


@pytest.mark.parametrize(("url", "encoded"), [
    (r"https://x.org/a\input{/tmp/probe.tex}", "https://x.org/a%5Cinput%7B/tmp/probe.tex%7D"),
    ("https://x.org/^^5cinput", "https://x.org/%5E%5E5cinput"),
    ("https://x.org/a%20b?q=100%", "https://x.org/a%20b?q=100%25"),
    ("https://x.org/a%2", "https://x.org/a%252"),
    ("https://x.org/p#frag#more", "https://x.org/p#frag%23more"),
    ("https://x.org/a|b<c>\"d`", "https://x.org/a%7Cb%3Cc%3E%22d%60"),
    ("https://x.org/café", "https://x.org/caf%C3%A9"),
    ("https://x.org/a_b~c&d=$e", "https://x.org/a_b~c&d=$e"),
])
def test_urls_are_percent_encoded_on_export_only(url: str, encoded: str) -> None:
    assert encode_url(url) == encoded
    entry = Entry(key="u2020", title="T", year=2020, url=url)
    catalog = Catalog(entries=[entry])
    for text in (write_bibtex(catalog, catalog.entries),
                 write_biblatex(catalog, catalog.entries)):
        assert f"  url = {{{encoded}}}" in text
    assert entry.url == url


URL_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF), max_size=40)


@settings(max_examples=500, deadline=None)
@given(URL_TEXT)
def test_an_encoded_url_holds_nothing_tex_acts_on(tail: str) -> None:
    """Whatever the URL, its encoded form has no backslash, brace, `^`,
    whitespace or non-ASCII, every `%` starts an escape, at most one `#`, and
    decoding gives the original back."""
    from urllib.parse import unquote

    url = "https://x.org/" + tail
    encoded = encode_url(url)
    assert encoded.isascii() and encoded.isprintable()
    assert not set(encoded) & set("\\{}^ \t|<>\"`")
    assert encoded.count("#") <= 1
    for i, ch in enumerate(encoded):
        if ch == "%":
            assert len(encoded[i + 1:i + 3]) == 2 and all(
                c in "0123456789ABCDEFabcdef" for c in encoded[i + 1:i + 3])
    if "%" not in url:  # a URL's own escapes stay escapes: decoding them changes the text
        assert unquote(encoded) == url


URL_PIECES = st.text(st.sampled_from("aZ09-._~:/?[]@!$&'()*+,;=%#fF \\{}^|<>\"`é\u2028"),
                     max_size=20)


@settings(max_examples=1000, deadline=None)
@given(URL_PIECES, st.booleans())
def test_a_url_left_as_it_is_is_one_the_character_walk_leaves_so(url: str,
                                                                  ascii_only: bool) -> None:
    """encode_url returns the usual link untouched without walking it: only
    where the walk would change nothing."""
    from ssl_bib.identifiers import _encode_each

    assert encode_url(url, ascii_only=ascii_only) == _encode_each(url, ascii_only)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30))
def test_what_is_a_doi_is_inert_in_tex_text(suffix: str) -> None:
    """A value is_doi accepts never holds what makes TeX read a command or a
    group, even where a style prints the DOI as plain text."""
    doi = "10.1234/" + suffix
    if is_doi(doi):
        assert not set(doi) & set("\\{}") and "^^" not in doi
        assert doi.isprintable() and not any(ch.isspace() for ch in doi)
