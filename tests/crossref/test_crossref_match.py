"""The matcher's decisions on hand-made candidates: each check can reject,
near-ties are ambiguous, and nothing unsure is accepted."""

from __future__ import annotations

from typing import Any

from ssl_bib.crossref.fields import parse_work
from ssl_bib.crossref.match import Wanted, decide, title_similarity, venue_compatible
from tests.crossref.crossref_corpus import work

TITLE = "Self-Supervised Learning Based on Spatial Awareness for Medical Image Analysis"
ACCESS = ("IEEE Access", "IEEE Access")


def rec(doi: str, title: str = TITLE, year: int = 2020, kind: str = "journal-article",
        authors: list[tuple[str, str]] | None = None, container: str = "IEEE Access",
        **extra: Any) -> Any:
    return parse_work(work(doi, kind, title, (year,),
                           authors if authors is not None else [("Nguyen", "Xuan-Bac")],
                           [container] if container else [], "IEEE", **extra))


GENUINE = rec("10.1109/ACCESS.2020.3021469")
NEAR_TWIN = rec("10.5555/twin", TITLE[:-8] + "Analyses", authors=[("Moreau", "Camille")])


def wanted(**kw: Any) -> Wanted:
    base: dict[str, Any] = {"key": "k", "titles": (TITLE,), "years": (2020,),
                            "kind": "article", "venue_names": ACCESS}
    base.update(kw)
    return Wanted(**base)


def test_exact_title_alone_is_accepted() -> None:
    decision = decide(wanted(), [GENUINE])
    assert decision.outcome == "match"
    assert decision.best is not None and decision.best.work.doi == GENUINE.doi


def test_near_identical_title_by_others_is_a_near_tie_without_authors() -> None:
    decision = decide(wanted(), [GENUINE, NEAR_TWIN])
    assert decision.outcome == "ambiguous"
    assert {c.work.doi for c in decision.candidates} == {GENUINE.doi, NEAR_TWIN.doi}
    assert "near-tie" in decision.reason


def test_a_shared_family_name_breaks_the_tie() -> None:
    decision = decide(wanted(families=("Nguyen", "Lee")), [NEAR_TWIN, GENUINE])
    assert decision.outcome == "match"
    assert decision.best is not None and decision.best.work.doi == GENUINE.doi


def test_no_shared_family_name_rejects_even_an_exact_title() -> None:
    decision = decide(wanted(families=("Okafor",)), [GENUINE])
    assert decision.outcome == "ambiguous"
    assert "no author family name in common" in decision.candidates[0].problems


def test_family_names_compare_without_accents_or_spaces() -> None:
    other = rec("10.5555/x", authors=[("Gyires-Tóth", "Bálint"), ("De Leon", "G.")])
    assert decide(wanted(families=("Gyires-Toth",)), [other]).outcome == "match"
    assert decide(wanted(families=("de leon",)), [other]).outcome == "match"


def test_same_title_another_year_is_rejected() -> None:
    old = rec("10.5555/old", year=2017)
    decision = decide(wanted(), [old])
    assert decision.outcome == "ambiguous"
    assert decision.best is None
    assert "year 2017 is not within 1 of 2020" in decision.candidates[0].problems


def test_year_within_one_or_any_listed_section_passes() -> None:
    assert decide(wanted(), [rec("10.5555/a", year=2021)]).outcome == "match"
    assert decide(wanted(years=(2022, 2020)), [rec("10.5555/b", year=2019)]).outcome == "match"
    assert decide(wanted(), [rec("10.5555/c", year=2022)]).outcome == "ambiguous"


def test_a_record_without_a_date_is_not_accepted() -> None:
    undated = parse_work({**work("10.5555/nodate", "journal-article", TITLE, (2020,),
                                 [("Nguyen", "X")], ["IEEE Access"]),
                          "issued": {"date-parts": [[None]]}, "published": {}})
    decision = decide(wanted(), [undated])
    assert decision.outcome == "ambiguous"
    assert "the record has no date" in decision.candidates[0].problems


def test_journal_extension_of_a_conference_paper_is_rejected() -> None:
    conference = wanted(kind="inproceedings",
                        venue_names=("ISBI", "IEEE International Symposium on Biomedical "
                                             "Imaging"))
    extension = rec("10.5555/ext", year=2021, container="Medical Image Analysis")
    decision = decide(conference, [extension])
    assert decision.outcome == "ambiguous"
    problems = decision.candidates[0].problems
    assert any(p.startswith("type journal-article does not fit") for p in problems)
    assert any(p.startswith("venue ") for p in problems)
    proceedings = rec("10.5555/conf", kind="proceedings-article",
                      container="2020 IEEE 17th International Symposium on Biomedical "
                                "Imaging (ISBI)")
    assert decide(conference, [extension, proceedings]).outcome == "match"


def test_venue_must_be_compatible() -> None:
    elsewhere = rec("10.5555/else", container="Pattern Recognition Letters")
    assert decide(wanted(), [elsewhere]).outcome == "ambiguous"
    silent = rec("10.5555/silent", container="")
    assert decide(wanted(), [silent]).outcome == "match"      # nothing to compare


def test_venue_names_match_loosely_but_not_blindly() -> None:
    tmi = rec("10.5555/tmi", container="IEEE Transactions on Medical Imaging")
    assert venue_compatible(("IEEE-TMI", "IEEE Transaction on Medical Imaging"), tmi)
    miccai = rec("10.5555/m", kind="book-chapter", container="Medical Image Computing and "
                 "Computer Assisted Intervention – MICCAI 2019")
    assert venue_compatible(("MICCAI", "International Conference on Medical Image "
                             "Computing and Computer Assisted Intervention"), miccai)
    assert not venue_compatible(("MedIA", "Medical Image Analysis"), tmi)


def test_title_threshold() -> None:
    assert title_similarity((TITLE,), GENUINE) == 1.0
    assert title_similarity(("Self supervised learning based on spatial awareness for "
                             "medical image analysis",), GENUINE) == 1.0
    shorter = rec("10.5555/short", "Self-Supervised Learning Based on Spatial Awareness")
    assert title_similarity((TITLE,), shorter) < 0.9
    assert decide(wanted(), [shorter]).outcome == "none"


def test_alt_titles_and_subtitles_count() -> None:
    split = parse_work({**work("10.5555/sub", "journal-article", "Models Genesis", (2019,),
                               [("Zhou", "Z")], ["IEEE Access"]),
                        "subtitle": ["Generic Autodidactic Models for 3D Medical Image "
                                     "Analysis"]})
    w = wanted(titles=("Models Genesis: Generic Autodidactic Models for 3D Medical Image "
                       "Analysis",), years=(2019,))
    assert decide(w, [split]).outcome == "match"
    alt = wanted(titles=("Some other listing", TITLE))
    assert decide(alt, [GENUINE]).outcome == "match"


def test_empty_title_never_matches() -> None:
    blank = rec("10.5555/blank", title="")
    decision = decide(wanted(), [blank])
    assert decision.outcome == "none"
    assert "the record has no title" in decision.candidates[0].problems


def test_duplicates_of_one_doi_are_no_tie() -> None:
    assert decide(wanted(), [GENUINE, GENUINE]).outcome == "match"


def test_a_clearly_better_title_beats_a_passing_runner_up() -> None:
    runner_up = rec("10.5555/ru", TITLE.replace("Spatial Awareness", "Spatial Priors"))
    assert decide(wanted(), [runner_up]).outcome == "match"      # it passes on its own
    decision = decide(wanted(), [runner_up, GENUINE])
    assert decision.outcome == "match"
    assert decision.best is not None and decision.best.work.doi == GENUINE.doi


def test_preprints_match_published_versions_only() -> None:
    preprint = wanted(kind="preprint", venue_names=(), years=(2021,))
    posted = rec("10.5555/posted", kind="posted-content", year=2021, container="")
    assert decide(preprint, [posted]).outcome == "ambiguous"
    published = rec("10.5555/pub", kind="proceedings-article", year=2023,
                    container="Some Conference")
    # A published version may come two years after the preprint, not three.
    assert decide(preprint, [published]).outcome == "match"
    later = rec("10.5555/late", kind="proceedings-article", year=2024, container="X")
    assert decide(preprint, [later]).outcome == "ambiguous"
