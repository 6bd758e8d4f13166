"""Property tests: arbitrary Unicode titles and names (LaTeX specials, math,
particles, organisations, empty optional fields) survive every format."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ssl_bib.codecs import fields as f
from ssl_bib.codecs.bibtex_write import write_biblatex, write_bibtex
from ssl_bib.codecs.csljson_write import write_csljson
from ssl_bib.codecs.latex import decode, escape, is_balanced, latex_for_char, protect_title
from ssl_bib.codecs.ris_write import write_ris
from ssl_bib.model import Catalog, CodeLink, Entry, Person
from tests.export_fixtures.catalogs import venues
from tests.export_fixtures.csl_rules import check_schema_rules
from tests.export_fixtures.roundtrip import check_bibtex, check_ris

SPECIALS = "{}\\%&#_$~^`'\"-@,= "
# Arbitrary Unicode (no surrogates, which no file can hold), with the LaTeX
# specials, math and accented letters made frequent.
any_char = st.characters(blacklist_categories=("Cs",))
tricky_char = st.sampled_from(list(SPECIALS) + list("αβΩx²³–—éÁüßøł’“”…中😀")
                              + ["\n", "\t", "\xa0"])
text = st.text(st.one_of(any_char, tricky_char, st.sampled_from("aAzZ09 ")), max_size=30)
title = text.filter(lambda t: f.clean(t) != "")
word = st.text(st.one_of(st.sampled_from("abcdefghijkLMNOPQRSTéüÁ"), tricky_char),
               min_size=1, max_size=10)
family = st.builds(lambda particle, name: particle + name,
                   st.sampled_from(["", "van der ", "de la ", "von ", "Mac"]), word)
person = st.one_of(
    st.builds(Person, family=family, given=st.one_of(st.just(""), word, text)),
    st.builds(Person, family=st.sampled_from(["World Health Organization", "Plato",
                                              "The MONAI Consortium"])),
)
optional = st.one_of(st.none(), text)
ident_chars = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789")
doi = st.one_of(st.none(), st.builds(lambda s: "10.1000/" + s,
                                     st.text(st.sampled_from("abcXYZ019._-()/<>;"), min_size=1,
                                             max_size=12)))
url = st.one_of(st.none(), st.builds(lambda s: "https://example.org/" + s,
                                     st.text(st.sampled_from("ab09_-%~#?&=.:/"), max_size=15)))
pages = st.one_of(st.none(), st.sampled_from(["1-10", "384–393", "e1001", "12"]))


@st.composite
def entries(draw: st.DrawFn) -> list[Entry]:
    count = draw(st.integers(1, 4))
    keys = draw(st.lists(st.text(ident_chars, min_size=1, max_size=8), min_size=count,
                         max_size=count, unique_by=str.casefold))
    result = []
    for key in keys:
        venue = draw(st.sampled_from([None, "MedIA", "MICCAI", "ArXiv"]))
        code_url = draw(url)
        result.append(Entry(
            key=key, title=draw(title), year=draw(st.integers(1900, 2100)),
            month=draw(st.one_of(st.none(), st.integers(1, 12))), venue=venue,
            authors=draw(st.lists(person, max_size=4)),
            categories=draw(st.lists(word, max_size=3)),
            container_title=draw(optional), series=draw(optional), volume=draw(optional),
            issue=draw(optional), pages=draw(pages), publisher=draw(optional),
            note=draw(optional), abstract=draw(optional), doi=draw(doi), url=draw(url),
            arxiv=draw(st.one_of(st.none(), st.just("2101.04909"))),
            arxiv_class=draw(st.one_of(st.none(), st.just("cs.CV"))),
            code=[CodeLink(draw(st.sampled_from(["pytorch", "", "jax & co"])), code_url)]
            if code_url else [],
        ))
    return result


# Every case the issue lists, always run (hypothesis may not draw them all):
# each LaTeX special, math, particles, an organisation, a single name, empty
# optional fields next to filled ones.
LISTED_TITLE = "{}\\%&#_$~^ α and x² in MRI: mixup} {"
LISTED = [
    Entry(key="listed", title=LISTED_TITLE, year=2020, month=3, venue="MICCAI",
          authors=[Person("van der Berg", "Anna"), Person("de la Cruz", "José"),
                   Person("World Health Organization"), Person("Plato")],
          categories=["Contrastive", "a & b, c"], container_title="", series=None,
          volume="", issue=None, pages="384–393", publisher="", note=None, abstract="",
          doi="10.1000/x_(y)", url="https://example.org/a_b%7E?x=1&y=2#f",
          arxiv="2101.04909", arxiv_class="cs.CV",
          code=[CodeLink("pytorch", "https://github.com/a/b_c")]),
    Entry(key="Empty", title="x²", year=1999, venue=None, authors=[]),
]


def catalog_of(items: list[Entry]) -> Catalog:
    return Catalog(entries=items, venues=venues())


common = settings(max_examples=80, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@common
@given(title)
@example(LISTED_TITLE)
def test_escaped_text_is_balanced_and_decodes_back(value: str) -> None:
    value = f.clean(value)
    for ascii_only in (True, False):
        for latex in (escape(value, ascii_only=ascii_only),
                      protect_title(value, ascii_only=ascii_only)):
            assert is_balanced(latex)
            assert decode(latex) == value
            assert "\\input" not in latex and "\\write" not in latex
    # BibTeX keeps UTF-8 only where no LaTeX reads back the same everywhere.
    assert all(latex_for_char(ch) == ch for ch in escape(value) if not ch.isascii())


@common
@given(entries())
@example(LISTED)
def test_bibtex_stays_balanced_and_parses_back_equal(items: list[Entry]) -> None:
    catalog = catalog_of(items)
    check_bibtex(catalog, write_bibtex(catalog, catalog.entries), biblatex=False)


@common
@given(entries())
@example(LISTED)
def test_biblatex_stays_balanced_and_parses_back_equal(items: list[Entry]) -> None:
    catalog = catalog_of(items)
    check_bibtex(catalog, write_biblatex(catalog, catalog.entries), biblatex=True)


@common
@given(entries())
@example(LISTED)
def test_ris_parses_back_equal(items: list[Entry]) -> None:
    catalog = catalog_of(items)
    check_ris(catalog, write_ris(catalog, catalog.entries))


@common
@given(entries())
@example(LISTED)
def test_csljson_keeps_to_the_schema(items: list[Entry]) -> None:
    catalog = catalog_of(items)
    data = json.loads(write_csljson(catalog, catalog.entries))
    check_schema_rules(data)
    for entry, item in zip(catalog.entries, data, strict=True):
        assert item["id"] == entry.key
        assert item["title"] == f.clean(entry.title)


title_chars = st.sampled_from("aZbY09 :;,.!?()/'\"+*=<>|@-`{}\\$_éÜßİǅ\U000F0001")


@settings(max_examples=1000, deadline=None)
@given(st.text(title_chars, max_size=40), st.booleans())
@example("Models Genesis: Generic Autodidactic Models for 3D Medical Image Analysis", True)
@example("x MRI-based! Foo Bar baz Qux.", True)
@example("U.S. Army", True)
@example(" A  B ", True)
@example("ǅ İ", False)
def test_titles_with_nothing_to_escape_are_braced_as_the_word_walk_braces_them(
        value: str, first: bool) -> None:
    """Most titles need no escaping and take a quicker way through
    protect_title: it must put exactly the braces the word-by-word walk puts,
    and send every title it cannot do to the walk."""
    from ssl_bib.codecs.latex import _protect_title, _protect_words

    for ascii_only in (True, False):
        assert _protect_title.__wrapped__(value, ascii_only, first, ()) == \
            _protect_words(value, ascii_only, first, ())


@settings(max_examples=1000, deadline=None)
@given(st.text(title_chars, max_size=40), st.booleans(), st.booleans())
@example("a--b", True, False)
@example("?`", False, True)
def test_a_value_escape_leaves_as_it_is_is_one_the_full_escape_leaves_so(
        value: str, ascii_only: bool, name: bool) -> None:
    from ssl_bib.codecs.latex import _escape

    assert escape(value, ascii_only=ascii_only, name=name) == \
        _escape.__wrapped__(value, ascii_only, None, name)


@common
@given(entries())
@example(LISTED)
def test_facts_shared_by_the_formats_of_one_export_change_no_text(items: list[Entry]) -> None:
    """export --all derives what the four formats have in common once per
    entry (codecs.facts.shared): every text, or the error refusing it, is
    what each format writes on its own."""
    from ssl_bib.codecs.facts import shared
    from ssl_bib.exporting import FORMATS, export

    catalog = catalog_of(items)

    def texts() -> list[str]:
        out = []
        for fmt in FORMATS:
            try:
                out.append(export(catalog, catalog.entries, fmt))
            except f.ExportError as exc:
                out.append(f"refused: {exc}")
        return out

    alone = texts()
    with shared():
        assert texts() == alone
        assert texts() == alone  # and again, every fact now kept


def test_one_export_of_every_format_validates_each_identifier_once_per_entry(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The facts keep each entry's DOI, link and arXiv id as written: the
    four formats of export --all check and encode each once, not once each."""
    from collections import Counter

    from ssl_bib.codecs.facts import shared
    from ssl_bib.exporting import FORMATS, export
    from ssl_bib.store import load
    from tests.export_fixtures.catalogs import BUNDLED

    calls: Counter[tuple[str, str, str]] = Counter()

    def counted(name: str, real: Any) -> Any:
        def counting(entry: Entry, *args: Any, **kwargs: Any) -> Any:
            calls[name, entry.key, repr((args, kwargs))] += 1
            return real(entry, *args, **kwargs)
        return counting

    for name in ("doi", "url", "identifier"):
        monkeypatch.setattr(f, name, counted(name, getattr(f, name)))
    catalog = load(BUNDLED).catalog
    with shared():
        for fmt in FORMATS:
            export(catalog, catalog.entries, fmt)
    assert {name for name, _, _ in calls} == {"doi", "url", "identifier"}
    assert max(calls.values()) == 1, calls.most_common(3)


def test_per_object_makes_once_per_object_holds_it_and_starts_over_past_its_limit() -> None:
    made: list[Person] = []
    cache = f.PerObject(lambda p: made.append(p) or p.family.upper(), limit=3)
    one, same_spelling = Person("Doe", "J"), Person("Doe", "J")
    assert [cache.get(p) for p in (one, one, same_spelling, one)] == ["DOE"] * 4
    assert made == [one, same_spelling]  # by identity: an equal person is another object
    assert [cache.get(Person(str(n))) for n in range(3)] == ["0", "1", "2"]  # past 3: over
    made.clear()
    cache.get(one)
    assert made == [one]
    # A remembered object is held, so no other object can take its id: each
    # temporary person below would otherwise be freed after its call and the
    # next one (CPython reuses the memory at once) met as the same object.
    names = f.PerObject(lambda p: p.family, limit=1000)
    assert [names.get(Person(str(n))) for n in range(200)] == [str(n) for n in range(200)]


title_pieces = st.lists(st.one_of(st.sampled_from(["<i>", "</i>", "<sub>", "</sub>", "$",
                                                    "\\alpha", "x^2", " "]), title_chars),
                        max_size=20).map("".join)


@settings(max_examples=1000, deadline=None)
@given(title_pieces)
@example("Cu$_2$O in <i>vivo</i> & 50% -- x^2 ~ y")
@example("<sub>2</sub> $\\alpha$ {x}")
def test_what_same_latex_in_both_allows_is_written_alike_by_bibtex_and_biblatex(
        value: str) -> None:
    from ssl_bib.codecs.latex import latex_title, same_latex_in_both

    if same_latex_in_both(value):
        assert latex_title(value, ascii_only=True) == latex_title(value, ascii_only=False)
        assert escape(value, ascii_only=True) == escape(value, ascii_only=False)


@settings(max_examples=1000, deadline=None)
@given(st.lists(person, min_size=1, max_size=4))
@example([Person("O'Brien", "A~B"), Person("Mac^Donald", "J")])
@example([Person("Smith & Sons"), Person("Doe", "J_R")])
def test_authors_written_ascii_without_brace_tilde_or_caret_are_alike_in_both(
        persons: list[Person]) -> None:
    """BibTeX's and biblatex's writers share the authors' LaTeX when the one
    made first came out ASCII with no brace, ~ or ^ (bibtex_write._names_latex):
    then the other must come out the same."""
    from ssl_bib.codecs.bibtex_write import _name
    from ssl_bib.codecs.latex import same_latex_in_both

    bibtex = " and ".join(_name(p, True) for p in persons)
    biblatex = " and ".join(_name(p, False) for p in persons)
    if same_latex_in_both(bibtex) or same_latex_in_both(biblatex):
        assert bibtex == biblatex


@common
@given(entries())
@example(LISTED)
def test_csl_items_keep_the_schema_order_of_keys(items: list[Entry]) -> None:
    from ssl_bib.codecs.csljson_write import CSL_KEYS, csl_item

    catalog = catalog_of(items)
    for entry in catalog.entries:
        try:
            item = csl_item(catalog, entry)
        except f.ExportError:
            continue
        assert list(item) == [key for key in CSL_KEYS if key in item]


def test_the_note_is_one_clean_line_even_when_a_code_link_hides_a_control_character() -> None:
    """A code link's URL is only stripped; the note BibTeX, biblatex and
    CSL-JSON write from it is cleaned like every value (RIS keeps one N1 per
    link as it is)."""
    entry = Entry(key="k", title="T", year=2020, note="see  also",
                  code=[CodeLink("pytorch", " https://x.org/a\x01b ")])
    catalog = Catalog(entries=[entry])
    for fmt in (write_bibtex, write_biblatex):
        assert "  note = {see also; Code (pytorch): https://x.org/ab}" in fmt(catalog, [entry])
    item = json.loads(write_csljson(catalog, [entry]))[0]
    assert item["note"] == "see also; Code (pytorch): https://x.org/ab"
    assert "N1  - Code (pytorch): https://x.org/a\x01b\n" in write_ris(catalog, [entry])


@common
@given(entries())
@example(LISTED)
def test_the_files_of_export_all_are_each_formats_text_in_utf8(items: list[Entry]) -> None:
    """export --all writes each format's text as UTF-8, CSL-JSON's from
    orjson's bytes without a text in between (Codec.bytes_writer)."""
    import tempfile
    from pathlib import Path

    from ssl_bib.exporting import FORMATS, export, export_all

    catalog = catalog_of(items)
    try:
        texts = {fmt.filename: export(catalog, catalog.entries, fmt.name)
                 for fmt in FORMATS.values()}
    except f.ExportError:
        return
    for fmt in FORMATS.values():
        assert fmt.bytes_writer()(catalog, catalog.entries) == texts[fmt.filename].encode()
    with tempfile.TemporaryDirectory() as folder:
        for path in export_all(catalog, catalog.entries, Path(folder)):
            assert path.read_bytes() == texts[path.name].encode("utf-8")
