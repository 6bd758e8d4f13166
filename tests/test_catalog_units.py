"""Identifiers, text folding, citation keys and the merge engine."""

from __future__ import annotations

import pytest

from ssl_bib.identifiers import ids_from_url, is_arxiv, is_doi, normalize_doi
from ssl_bib.keys import KeyFormatError, assign_key, base_key, validate_format
from ssl_bib.merge import fill, three_way
from ssl_bib.model import Entry, Person
from ssl_bib.textnorm import ascii_fold, normalize_title


@pytest.mark.parametrize(("url", "expected"), [
    ("https://doi.org/10.1109/TMI.2021.3060634", {"doi": "10.1109/TMI.2021.3060634"}),
    ("http://dx.doi.org/10.1007/978-3-030-87196-3_6", {"doi": "10.1007/978-3-030-87196-3_6"}),
    ("https://link.springer.com/chapter/10.1007/978-3-030-32251-9_42",
     {"doi": "10.1007/978-3-030-32251-9_42"}),
    ("https://link.springer.com/article/10.1007/s11548-018-1772-0",
     {"doi": "10.1007/s11548-018-1772-0"}),
    ("https://arxiv.org/abs/2211.14715", {"arxiv": "2211.14715"}),
    ("https://arxiv.org/pdf/2104.04323.pdf", {"arxiv": "2104.04323"}),
    ("https://arxiv.org/abs/2007.09886v2", {"arxiv": "2007.09886v2"}),
    ("https://www.sciencedirect.com/science/article/abs/pii/S0031320321000133",
     {"pii": "S0031320321000133"}),
    ("https://www.sciencedirect.com/science/article/pii/S0010482522000944",
     {"pii": "S0010482522000944"}),
    ("https://ieeexplore.ieee.org/abstract/document/9709199", {"ieee": "9709199"}),
    ("https://ieeexplore.ieee.org/document/8759553/", {"ieee": "8759553"}),
    ("https://proceedings.mlr.press/v158/truong21a.html", {"pmlr": "v158/truong21a"}),
    ("https://openreview.net/forum?id=kQ2SOflIOVC", {"openreview": "kQ2SOflIOVC"}),
    ("https://openaccess.thecvf.com/content/CVPR2022/html/x.html", {}),
    ("https://www.nature.com/articles/s42256-020-00247-1", {}),
    ("not a url at all", {}),
])
def test_ids_from_url(url: str, expected: dict[str, str]) -> None:
    assert ids_from_url(url).as_dict() == expected


def test_identifier_syntax() -> None:
    assert is_doi("10.1016/j.media.2022.102464")
    assert not is_doi("doi:10.1/x") and not is_doi("10.1/x")
    assert normalize_doi("https://doi.org/10.1016/J.MEDIA.2022.102464.") == \
        "10.1016/J.MEDIA.2022.102464"
    assert normalize_doi("doi: 10.1000/xyz123") == "10.1000/xyz123"
    assert is_arxiv("2203.05573") and is_arxiv("2203.05573v3") and is_arxiv("math.GT/0309136")
    assert not is_arxiv("2203.055") and not is_arxiv("arXiv:2203.05573")


def test_normalize_title_folds_case_punctuation_latex_html_unicode() -> None:
    a = normalize_title("Rubik’s Cube+: A Self-Supervised Feature Learning Framework")
    b = normalize_title("Rubik's {C}ube+ -- a self-supervised <i>feature</i> learning framework")
    assert a == b == "rubik s cube a self supervised feature learning framework"
    assert normalize_title(r"Caf\'{e} na\"ive &amp; more") == "cafe naive more"
    assert ascii_fold("Łukasz Gößmann Ørsted") == "Lukasz Gossmann Orsted"


def test_keys_follow_the_better_bibtex_formula() -> None:
    entry = Entry(key="", title="Models Genesis: Generic Autodidactic Models for 3D Medical "
                  "Image Analysis", year=2019, authors=[Person("Zhou", "Zongwei")])
    assert base_key(entry) == "zhouModelsGenesisGeneric2019"
    no_author = Entry(key="", title="A Multi-Task Self-Supervised Learning Framework", year=2020)
    assert base_key(no_author) == "MultiTaskSelf2020"
    accented = Entry(key="", title="Über Rubik’s Würfel", year=2001,
                     authors=[Person("Gößmann-Ñúñez", "J")])
    assert base_key(accented) == "gossmannnunezUberRubiksWurfel2001"
    assert base_key(entry, "{Author}_{title:2}_{year}") == "Zhou_modelsgenesis_2019"
    particle = Entry(key="", title="Deep Things", year=2020, authors=[Person("van der Berg", "J")])
    assert base_key(particle) == "bergDeepThings2020"


def test_keys_are_unique_case_insensitively() -> None:
    entry = Entry(key="", title="Deep Learning Things", year=2020)
    taken = {"DeepLearningThings2020", "deeplearningthings2020A"}
    assert assign_key(entry, taken) == "DeepLearningThings2020b"
    taken = {"DeepLearningThings2020"} | {f"DeepLearningThings2020{c}"
                                          for c in "abcdefghijklmnopqrstuvwxyz"}
    assert assign_key(entry, taken) == "DeepLearningThings2020aa"


def test_key_format_validation() -> None:
    validate_format("{author}{Title:3}{year}")
    with pytest.raises(KeyFormatError):
        validate_format("{author}{journal}")
    with pytest.raises(KeyFormatError):
        validate_format("{author} {year}")


def test_fill_fills_empty_fields_and_reports_conflicts() -> None:
    entry = Entry(key="k", title="Self-supervised Learning for Spinal MRIs", year=2017,
                  doi="10.1007/978-3-319-67558-9_34", categories=["Contrastive"])
    result = fill(entry, {"title": "Self-Supervised Learning for Spinal {MRIs}",
                          "doi": "10.1007/978-3-319-67558-9_34".upper(),
                          "pages": "294-302", "year": 2018,
                          "authors": [Person("Jamaludin", "Amir")],
                          "categories": ["Contrastive", "Predictive"]}, "crossref 2026-11-26")
    assert sorted(result.filled) == ["authors", "categories", "pages"]
    assert [(c.field, c.ours, c.theirs) for c in result.conflicts] == [("year", 2017, 2018)]
    assert entry.pages == "294-302" and entry.year == 2017
    assert entry.categories == ["Contrastive", "Predictive"]
    assert entry.provenance == {"pages": "crossref 2026-11-26", "authors": "crossref 2026-11-26",
                                "categories": "crossref 2026-11-26"}


def test_links_to_the_same_identified_paper_are_no_conflict() -> None:
    entry = Entry(key="k", title="T", year=2020, url="https://ieeexplore.ieee.org/document/9098527")
    same_paper = fill(entry, {"url": "https://ieeexplore.ieee.org/abstract/document/9098527/"}, "x")
    assert same_paper.conflicts == []
    other = fill(entry, {"url": "https://ieeexplore.ieee.org/document/9098528"}, "x")
    assert [c.field for c in other.conflicts] == ["url"]


def test_three_way_merge() -> None:
    base = {"title": "T", "pages": "1-2", "volume": "3", "note": None}
    ours = {"title": "T (ours)", "pages": "1-2", "volume": "4", "note": None}
    theirs = {"title": "T", "pages": "1-9", "volume": "5", "note": "n"}
    merged = three_way("k", base, ours, theirs)
    assert merged.merged == {"title": "T (ours)", "pages": "1-9", "volume": "4", "note": "n"}
    assert [c.field for c in merged.conflicts] == ["volume"]
    assert sorted(merged.changed_ours) == ["note", "pages"]
    assert sorted(merged.changed_theirs) == ["title", "volume"]
    assert three_way("k", base, ours, theirs, prefer="remote").merged["volume"] == "5"


def test_read_doi_splits_arxiv_datacite_dois() -> None:
    from ssl_bib.identifiers import read_doi

    assert read_doi("https://doi.org/10.1016/j.media.2022.102464") == (
        "10.1016/j.media.2022.102464", None)
    assert read_doi("10.48550/arXiv.2203.05573") == (None, "2203.05573")
    assert read_doi("not a doi") == (None, None)
