"""identifiers.py, directly: each identifier's test, its normal form, how
two are compared, and where links hide them. (The gates that keep a bad
identifier out of every export are in test_identifier_gates.py; the link
forms design.md lists, in test_catalog_units.py.)"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssl_bib.identifiers import (
    arxiv_doi,
    doi_key,
    encode_url,
    ids_from_url,
    invalid_identifiers,
    is_arxiv,
    is_arxiv_class,
    is_doi,
    is_isbn,
    is_issn,
    is_pii,
    is_url,
    normalize_doi,
    pii_key,
    read_doi,
    strip_arxiv_version,
)
from ssl_bib.model import Entry


@pytest.mark.parametrize(("text", "ok"), [
    ("10.1016/j.media.2022.102464", True),
    ("10.1000.10/abc", True),                    # a subdivided registrant
    ("10.1002/(SICI)1097-4636(199711)37:2<230::AID-JBM12>3.0.CO;2-D", True),
    ("10.123/abc", False),                       # registrant of 3 digits
    ("10.1000/a b", False), ("10.1000/\\input{x}", False), ("10.1000/a{b}", False),
    ("10.1000/a^^5cinput", False), ("10.1000/a\u200b", False), ("doi:10.1000/x", False),
])
def test_a_doi_is_what_the_handbook_allows_minus_what_tex_acts_on(text: str, ok: bool) -> None:
    assert is_doi(text) is ok


@pytest.mark.parametrize(("text", "expected"), [
    ("https://doi.org/10.1016/J.MEDIA.2022.102464.", "10.1016/J.MEDIA.2022.102464"),
    ("http://dx.doi.org/10.1000/xyz", "10.1000/xyz"),
    ("doi: 10.1000/xyz;", "10.1000/xyz"),
    ("DOI:10.1000/%3Cx%3E", "10.1000/<x>"),
    ("  10.1000/xyz  ", "10.1000/xyz"),
    ("https://example.org/10.1000/xyz", None),
    ("not a doi", None),
])
def test_normalize_doi_gives_the_bare_doi(text: str, expected: str | None) -> None:
    assert normalize_doi(text) == expected


def test_dois_compare_case_insensitively() -> None:
    assert doi_key("10.1016/J.MEDIA.2022.1") == doi_key("10.1016/j.media.2022.1")
    assert doi_key("10.1016/j.media.2022.1") != doi_key("10.1016/j.media.2022.2")


@given(st.text(min_size=1, max_size=30))
def test_doi_keys_are_idempotent(text: str) -> None:
    assert doi_key(doi_key(text)) == doi_key(text)


def test_arxiv_datacite_dois_name_an_arxiv_id() -> None:
    assert arxiv_doi("2111.06377v3") == "10.48550/arXiv.2111.06377"
    assert read_doi("https://doi.org/10.48550/ARXIV.2111.06377") == (None, "2111.06377")
    assert read_doi("10.1109/TMI.2021.3060634") == ("10.1109/TMI.2021.3060634", None)
    assert read_doi("n/a") == (None, None)


@pytest.mark.parametrize(("text", "ok"), [
    ("2203.05573", True), ("2203.05573v3", True), ("1501.00001", True),
    ("math.GT/0309136", True), ("hep-ex/0307015v2", True),
    ("2203.055", False), ("arXiv:2203.05573", False), ("2203.05573 ", False),
])
def test_arxiv_ids_new_and_old(text: str, ok: bool) -> None:
    assert is_arxiv(text) is ok


def test_arxiv_versions_and_classes() -> None:
    assert strip_arxiv_version("2203.05573v12") == "2203.05573"
    assert strip_arxiv_version("math.GT/0309136v2") == "math.GT/0309136"
    assert all(is_arxiv_class(c) for c in ("cs.CV", "eess.IV", "q-bio.QM", "physics.med-ph",
                                           "astro-ph"))
    assert not any(is_arxiv_class(c) for c in ("cs CV", "CS.cv\\", "cs.", ""))


def test_piis_compare_without_punctuation() -> None:
    assert is_pii("S1361-8415(20)30110-9") and is_pii("S0031320321000133")
    assert not is_pii("S003132032100013")
    assert pii_key("S1361-8415(20)30110-9") == pii_key("s136184152030110 9") == \
        "S1361841520301109"


@pytest.mark.parametrize(("text", "issn", "isbn"), [
    ("1361-8415", True, False), ("1361841X", True, False), ("1361-841", False, False),
    ("978-3-030-32247-2", False, True), ("3-540-67866-X", False, True),
    ("-978303032247", False, False),
])
def test_issn_and_isbn(text: str, issn: bool, isbn: bool) -> None:
    assert is_issn(text) is issn and is_isbn(text) is isbn


def test_urls_are_http_and_have_a_host() -> None:
    assert is_url("https://example.org/a?b=c#d") and is_url("HTTP://EXAMPLE.ORG")
    assert not any(is_url(u) for u in ("ftp://example.org", "https://", "https:// x.org",
                                       "www.example.org", "javascript:alert(1)"))


def test_encode_url_leaves_nothing_live_in_tex() -> None:
    assert encode_url("https://x.org/a b\\c{d}^^e|f#g#h%zz%41é") == \
        "https://x.org/a%20b%5Cc%7Bd%7D%5E%5Ee%7Cf#g%23h%25zz%41%C3%A9"
    assert encode_url("https://x.org/é", ascii_only=False) == "https://x.org/é"


def test_invalid_identifiers_names_each_bad_field() -> None:
    entry = Entry(key="k", title="T", year=2021, doi="10.1000/ok", arxiv="2203.055",
                  issn="nope", isbn="")
    assert [(name, value) for name, value, _ in invalid_identifiers(entry)] == [
        ("arxiv", "2203.055"), ("issn", "nope")]
    assert [name for name, _, _ in invalid_identifiers({"pmlr": "v158", "ieee": "12a"})] == \
        ["ieee", "pmlr"]


def test_links_that_name_no_identifier_give_none() -> None:
    for url in ("https://arxiv.org/abs/not-an-id", "https://link.springer.com/book/x",
                "https://openreview.net/pdf", "http://[::1", ""):
        assert ids_from_url(url).as_dict() == {}
    assert ids_from_url("https://journals.doi.org/10.1000/xyz").doi == "10.1000/xyz"
