"""Venues from Zotero items: a known venue is found however an item spells
it, and the spellings of a venue the catalog lacks become one new venue."""

from __future__ import annotations

import itertools
import random
from typing import Any

import pytest

from ssl_bib.model import Catalog, Venue
from ssl_bib.zotero.venues import derive, item_venue, resolve


def journal(title: str, abbrev: str = "", issn: str = "") -> dict[str, Any]:
    return {"itemType": "journalArticle", "publicationTitle": title,
            "journalAbbreviation": abbrev, "ISSN": issn}


def conference(proceedings: str = "", name: str = "") -> dict[str, Any]:
    return {"itemType": "conferencePaper", "proceedingsTitle": proceedings,
            "conferenceName": name}


def chapter(book: str) -> dict[str, Any]:
    return {"itemType": "bookSection", "bookTitle": book,
            "series": "Lecture Notes in Computer Science"}


def known() -> Catalog:
    return Catalog(venues={
        "MedIA": Venue("MedIA", "Medical Image Analysis", "journal"),
        "IEEE-TMI": Venue("IEEE-TMI", "IEEE Transactions on Medical Imaging", "journal",
                          aliases=["TMI"], issn="0278-0062"),
        "MICCAI": Venue("MICCAI", "International Conference on Medical Image Computing and "
                        "Computer Assisted Intervention", "conference"),
        "ECCV": Venue("ECCV", "European Conference on Computer Vision", "conference"),
        "ECCV Workshops": Venue("ECCV Workshops", "European Conference on Computer Vision "
                                "Workshops", "workshop"),
        "Pattern Recognition": Venue("Pattern Recognition", "Pattern Recognition", "journal"),
        "ArXiv": Venue("ArXiv", "arXiv", "preprint", listed=False),
    })


@pytest.mark.parametrize(("item", "venue"), [
    (journal("Medical Image Analysis"), "MedIA"),
    (journal("Medical image analysis"), "MedIA"),
    (journal("MEDICAL IMAGE ANALYSIS."), "MedIA"),
    (journal("", "MedIA"), "MedIA"),
    (journal("IEEE Trans. Med. Imaging", issn="1558-254X, 0278-0062"), "IEEE-TMI"),
    (journal("Some Title", "TMI"), "IEEE-TMI"),
    (conference("Medical Image Computing and Computer Assisted Intervention – MICCAI 2019"),
     "MICCAI"),
    (conference("", "MICCAI 2018"), "MICCAI"),
    (chapter("Medical Image Computing and Computer Assisted Intervention – MICCAI 2020"),
     "MICCAI"),
    (conference("Computer Vision – ECCV 2020 Workshops"), "ECCV Workshops"),
    (conference("Computer Vision – ECCV 2022"), "ECCV"),
    (journal("Pattern Recognition"), "Pattern Recognition"),
    (conference("Pattern Recognition"), None),  # a journal is no conference
    ({"itemType": "preprint", "repository": "arXiv"}, "ArXiv"),
    (journal("arXiv:2002.05709 [cs, stat]"), "ArXiv"),
    (journal("Journal of Something Else"), None),
    ({"itemType": "preprint", "repository": "arXiv", "extra": ""}, "ArXiv"),
])
def test_a_known_venue_is_found(item: dict[str, Any], venue: str | None) -> None:
    clue = item_venue(item)
    assert clue is not None
    assert resolve(known(), clue) == venue


def test_our_own_line_names_the_venue() -> None:
    clue = item_venue(conference("Anything at all"), explicit="MedIA")
    assert clue is not None and resolve(known(), clue) == "MedIA"


def test_an_item_that_names_no_venue() -> None:
    assert item_venue(journal("")) is None
    assert item_venue({"itemType": "book", "title": "A Book"}) is None


SPELLINGS = [
    journal("Medical image analysis", "Med Image Anal"),
    journal("Medical Image Analysis"),
    journal("Medical Image Analysis", "Medical Image Analysis"),
    chapter("Medical Image Computing and Computer Assisted Intervention – MICCAI 2019"),
    conference("Medical Image Computing and Computer Assisted Intervention – MICCAI 2020",
               "International Conference on Medical Image Computing and Computer-Assisted "
               "Intervention"),
    conference("", "MICCAI 2018"),
    conference("2021 IEEE 18th International Symposium on Biomedical Imaging (ISBI)"),
    conference("2020 IEEE 17th International Symposium on Biomedical Imaging (ISBI)"),
    conference("Proceedings of the Fourth Conference on Medical Imaging with Deep Learning",
               "MIDL 2021"),
    conference("Proceedings of the Fifth International Conference on Medical Imaging with "
               "Deep Learning", "MIDL 2022"),
    conference("Computer Vision – ECCV 2022 Workshops"),
    conference("Proceedings of the AAAI Conference on Artificial Intelligence", "AAAI-21"),
    conference("", "ECML PKDD 2021"),
    journal("BMC Medical Imaging"),
    journal("BMC Bioinformatics"),
    {"itemType": "preprint", "repository": "medRxiv"},
    journal("arXiv:1911.05722 [cs]"),
]


def _derived(items: list[dict[str, Any]]) -> dict[str, Venue]:
    catalog = Catalog()
    clues = [c for c in (item_venue(i) for i in items) if c is not None]
    derive(catalog, clues)
    return catalog.venues


def test_one_venue_per_venue_however_spelled() -> None:
    venues = _derived(SPELLINGS)
    assert set(venues) == {"Med Image Anal", "MICCAI", "ISBI", "MIDL", "ECCV Workshops",
                           "AAAI", "ECML PKDD", "BMC Medical Imaging", "BMC Bioinformatics",
                           "medRxiv", "arXiv"}
    media = venues["Med Image Anal"]
    assert (media.name, media.kind, media.aliases) == (
        "Medical Image Analysis", "journal", ["Medical image analysis"])
    miccai = venues["MICCAI"]
    assert miccai.name == "Medical Image Computing and Computer Assisted Intervention"
    assert miccai.aliases == ["International Conference on Medical Image Computing and "
                              "Computer-Assisted Intervention"]
    assert venues["ISBI"].name == "IEEE International Symposium on Biomedical Imaging"
    assert venues["MIDL"].kind == "conference"
    assert venues["ECCV Workshops"].kind == "workshop"
    assert venues["arXiv"].kind == venues["medRxiv"].kind == "preprint"
    # Every new venue is found again by the spellings it came from.
    catalog = Catalog(venues=venues)
    for item in SPELLINGS:
        clue = item_venue(item)
        assert clue is not None and resolve(catalog, clue) is not None, item


def test_the_same_items_in_any_order_give_the_same_venues() -> None:
    first = _derived(SPELLINGS)
    rng = random.Random(14)
    for _ in range(20):
        shuffled = list(SPELLINGS)
        rng.shuffle(shuffled)
        again = _derived(shuffled)
        assert {k: (v.name, v.kind, v.aliases) for k, v in again.items()} == \
            {k: (v.name, v.kind, v.aliases) for k, v in first.items()}


def test_known_venues_are_not_made_again_and_keys_never_clash() -> None:
    catalog = known()
    clues = [c for c in (item_venue(i) for i in [
        journal("Medical image analysis"), conference("", "MICCAI 2017"),
        journal("MICCAI"), journal("Nature Machine Intelligence")]) if c is not None]
    made = derive(catalog, clues)
    # "MICCAI" as a journal's title is no conference: a journal of its own,
    # under a key that is not the conference's.
    assert [(v.key, v.kind) for v in made] == [("MICCAI (2)", "journal"),
                                               ("Nature Machine Intelligence", "journal")]
    assert len(catalog.venues) == len(known().venues) + 2


@pytest.mark.parametrize("pair", list(itertools.combinations(
    [journal("Medical Image Analysis"), journal("Medical Physics"),
     journal("IEEE Transactions on Medical Imaging"),
     journal("IEEE Transactions on Image Processing"), journal("Journal of Imaging"),
     journal("Journal of Medical Imaging")], 2)))
def test_different_journals_stay_apart(pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
    assert len(_derived(list(pair))) == 2


HOSTILE = [" " * 20_000 + "x", "a" + " " * 20_000 + "2019x",
           "arXiv:" + "a" * 20_000 + " [" + "x" * 20_000,
           "(" * 20_000, "MICCAI " * 3_000 + "2019", "-" * 20_000 + "21x", "1" * 20_000,
           "Proceedings of the " * 1_000, "A" * 20_000]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_venue_text_ends_fast(text: str) -> None:
    """A venue field is anyone's text: reading, resolving and deriving a venue
    from 50 KB of it stays well under a second (a pattern that rescans a run
    of spaces from each of its characters takes minutes)."""
    import time

    started = time.monotonic()
    for item in (journal(text, text), conference(text, text), chapter(text)):
        clue = item_venue(item)
        assert clue is not None
        resolve(known(), clue)
        derive(Catalog(), [clue])
    assert time.monotonic() - started < 5.0
