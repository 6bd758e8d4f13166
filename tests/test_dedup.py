"""dedup.py, directly: which catalog entry a paper is (the same identifier
with a similar title, or the same folded title), when it is only probably
the same, and that candidates come from shared rare words, not all pairs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib.dedup import (
    Index,
    find_probable,
    find_same,
    main_title,
    probable_same,
    title_similarity,
    url_key,
)
from ssl_bib.model import Entry
from ssl_bib.textnorm import normalize_title

GENESIS = Entry(key="genesis", title="Models Genesis: Generic Autodidactic Models for 3D "
                "Medical Image Analysis", year=2019, doi="10.1007/978-3-030-32251-9_42",
                alt_titles=["Models Genesis"])
MOCO = Entry(key="moco", title="MoCo Pretraining Improves Representation and "
             "Transferability of Chest X-ray Models", year=2021, arxiv="2010.05352",
             url="https://proceedings.mlr.press/v143/sowrirajan21a.html")


def _index(*entries: Entry) -> Index:
    return Index(entries or (GENESIS, MOCO))


def _paper(title: str, **ids: str) -> Entry:
    return Entry(key="", title=title, year=2021, **ids)  # type: ignore[arg-type]


def test_the_same_doi_with_a_similar_title_is_the_same_paper() -> None:
    found = find_same(_index(), _paper("Models genesis: generic autodidactic models for 3D "
                                       "medical image analysis.",
                                       doi="10.1007/978-3-030-32251-9_42".upper()))
    assert found.entry is GENESIS and found.several == [] and found.other_titles == []


def test_the_same_arxiv_id_in_any_version_and_the_same_link_match() -> None:
    assert find_same(_index(), _paper(MOCO.title, arxiv="2010.05352v3")).entry is MOCO
    assert find_same(_index(), _paper(MOCO.title, url="http://proceedings.mlr.press/v143/"
                                                      "sowrirajan21a.html/")).entry is MOCO


def test_an_identifier_on_a_clearly_different_title_is_another_paper() -> None:
    found = find_same(_index(), _paper("Federated Segmentation of Brain Tumours",
                                       doi="10.1007/978-3-030-32251-9_42"))
    assert found.entry is None and found.other_titles == [GENESIS]


def test_the_folded_title_or_an_alternative_title_matches_without_identifiers() -> None:
    assert find_same(_index(), _paper("MODELS GENESIS")).entry is GENESIS
    assert find_same(_index(), _paper("MoCo pretraining improves representation and "
                                      "transferability of chest X-ray models")).entry is MOCO
    assert find_same(_index(), _paper("Something New Entirely")).entry is None


def test_two_entries_matched_and_no_title_to_decide_is_unsure() -> None:
    first = Entry(key="first", title="Deep Learning for Chest X-ray Segmentation", year=2020,
                  doi="10.1000/first")
    second = Entry(key="second", title="Deep Learning for Chest X-ray Segmentation Tasks",
                   year=2021, url="https://example.org/second")
    index = _index(first, second)
    unsure = find_same(index, _paper("Deep learning for chest X-ray segmentation task",
                                     doi="10.1000/first", url="https://example.org/second"))
    assert unsure.entry is None and {e.key for e in unsure.several} == {"first", "second"}
    # The exact folded title decides between them.
    decided = find_same(index, _paper("Deep learning for chest X-ray segmentation",
                                      doi="10.1000/first", url="https://example.org/second"))
    assert decided.entry is first and decided.several == []


def test_near_identical_titles_are_probable_duplicates() -> None:
    index = _index()
    assert find_probable(index, "MoCo-CXR: MoCo Pretraining Improves Representation and "
                                "Transferability of Chest X-ray Models") is MOCO
    assert find_probable(index, "Models Genesis: Generic Autodidactic Model for 3D Medical "
                                "Image Analysis") is GENESIS          # a typo
    assert find_probable(index, "Models Genesis: a Different Subtitle Altogether") is GENESIS
    assert find_probable(index, "Contrastive Learning of Retinal Scans") is None


def test_titles_and_their_parts() -> None:
    assert main_title("Models Genesis: Generic Autodidactic Models") == "models genesis"
    assert main_title("Genesis: Generic") == ""          # one word before the colon
    assert main_title("No Subtitle Here") == ""
    assert title_similarity("abc def", "abc def") == 100.0
    assert probable_same("a study of things", "a study of things revisited")
    assert not probable_same("of things", "of things revisited")   # too short to say
    assert url_key(" HTTPS://Example.org/Paper/ ") == "example.org/paper"


def test_reindexing_after_a_merge_finds_the_new_identifier() -> None:
    entry = Entry(key="k", title="A Paper With No Identifier Yet", year=2020)
    index = _index(entry)
    assert find_same(index, _paper("Unrelated Title Words", doi="10.1000/xyz")).entry is None
    entry.doi = "10.1000/xyz"
    index.add(entry)
    assert find_same(index, _paper("A paper with no identifier yet",
                                   doi="10.1000/XYZ")).entry is entry


def test_fuzzy_candidates_share_rare_words_and_skip_common_ones() -> None:
    common = [Entry(key=f"c{i}", title=f"Self supervised learning variant {i} xq{i}",
                    year=2020) for i in range(250)]
    rare = Entry(key="rare", title="Self supervised learning for zebrafish echocardiography",
                 year=2020)
    index = _index(*common, rare)
    # "self", "supervised", "learning" are in 251 titles: too common to say anything.
    assert index.fuzzy_candidates("self supervised learning zebrafish echocardiography") == \
        [rare]
    assert index.fuzzy_candidates("self supervised learning") == []


def _plain_candidates(index: Index, entries: list[Entry], norm: str) -> list[Entry]:
    """fuzzy_candidates by its definition: the title's three rarest indexed
    words that are not too common (postings of at most _COMMON_POSTING),
    and the entries holding two of them (one word: every entry holding it);
    those holding the rarest word first, each group in catalog order."""
    from ssl_bib.dedup import _COMMON_POSTING, _indexed_words

    def words_of(entry: Entry) -> set[str]:
        titles = [normalize_title(t) for t in [entry.title, *entry.alt_titles]]
        main = main_title(entry.title)
        return {w for t in [*titles, main] if t for w in _indexed_words(t)}

    holders = {w: [e for e in entries if w in words_of(e)] for w in _indexed_words(norm)}
    rarest = sorted((w for w in _indexed_words(norm) if holders[w]),
                    key=lambda w: len(holders[w]))[:3]
    rarest = [w for w in rarest if len(holders[w]) <= _COMMON_POSTING]
    if len(rarest) == 1:
        return holders[rarest[0]]
    twice = [e for e in entries if sum(e in holders[w] for w in rarest) >= 2]
    return ([e for e in twice if e in holders[rarest[0]]]
            + [e for e in twice if e not in holders[rarest[0]]])


WORDS = ["zebrafish", "echo", "cardiac", "retina", "fundus", "lesion", "tumor", "brain",
         "mri", "xray", "dental", "wsi"]


@settings(max_examples=150, deadline=None)
@given(titles=st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6, unique=True),
                       min_size=1, max_size=60),
       query=st.lists(st.sampled_from(WORDS), min_size=1, max_size=6, unique=True),
       cap=st.sampled_from([2, 5, 200]))
def test_fuzzy_candidates_are_their_definition(titles: list[list[str]], query: list[str],
                                               cap: int) -> None:
    import ssl_bib.dedup as dedup

    entries = [Entry(key=f"e{i}", title=" ".join(words), year=2020)
               for i, words in enumerate(titles)]
    original = dedup._COMMON_POSTING
    dedup._COMMON_POSTING = cap
    try:
        index = Index(entries)
        norm = " ".join(query)
        assert index.fuzzy_candidates(norm) == _plain_candidates(index, entries, norm)
    finally:
        dedup._COMMON_POSTING = original
