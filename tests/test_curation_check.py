"""What curating the seed showed `check` must catch, each on a small crafted catalog:
one DOI on two different papers, a link carrying another entry's identifier, a
year section that contradicts a recorded publication year, and a proceedings
series used as a venue."""

from __future__ import annotations

from pathlib import Path

from tests.catalog_texts import HEAD, entry, line_of, problems_of

# -- one DOI, different titles ----------------------------------------------------

def test_a_doi_shared_by_different_titles_says_the_titles_differ(tmp_path: Path) -> None:
    text = (HEAD + entry("mae2023", "Masked Autoencoders for Images", 'doi = "10.3390/d12"\n')
            + entry("covid2022", "COVID-19 Infection Segmentation", 'doi = "10.3390/D12"\n'))
    found = problems_of(tmp_path, text)
    assert found == [
        f"entries.toml:{line_of(text, 'doi = ', 0)}: entry mae2023: warning: DOI 10.3390/d12 "
        "is also given to 1 other entry (covid2022), whose titles differ: one DOI names one "
        "paper, so it is wrong for all but one of them",
        f"entries.toml:{line_of(text, 'doi = ', 1)}: entry covid2022: warning: DOI 10.3390/D12 "
        "is also given to 1 other entry (mae2023), whose titles differ: one DOI names one "
        "paper, so it is wrong for all but one of them",
    ]


def test_a_doi_shared_by_the_same_paper_twice_is_not_called_different(
        tmp_path: Path) -> None:
    # The same paper listed twice (one title as the other's alternative title):
    # a duplicate, not a wrong DOI.
    text = (HEAD + entry("a2021", "Alpha Paper", 'doi = "10.1000/x"\n')
            + entry("b2021", "Alpha Paper, Long Version",
                    'alt_titles = ["Alpha Paper"]\ndoi = "10.1000/x"\n'))
    found = problems_of(tmp_path, text)
    doi = [p for p in found if "DOI 10.1000/x" in p]
    assert len(doi) == 2
    assert not any("titles differ" in p for p in doi)


# -- a link that is another entry's identifier ---------------------------------------

def test_a_link_carrying_another_entrys_doi_is_reported(tmp_path: Path) -> None:
    text = (HEAD + entry("mae2023", "Masked Autoencoders for Images",
                         'url = "https://doi.org/10.3390/diagnostics12081805"\n')
            + entry("covid2022", "COVID-19 Infection Segmentation",
                    'doi = "10.3390/diagnostics12081805"\n'))
    found = problems_of(tmp_path, text)
    assert found == [
        f"entries.toml:{line_of(text, 'url = ')}: entry mae2023: warning: link "
        "https://doi.org/10.3390/diagnostics12081805 is DOI 10.3390/diagnostics12081805, the "
        "identifier of entry covid2022 'COVID-19 Infection Segmentation': it points at another "
        "paper"]


def test_a_springer_or_arxiv_link_to_another_entry_is_reported(tmp_path: Path) -> None:
    text = (HEAD + entry("a2021", "Alpha",
                         'url = "https://link.springer.com/chapter/10.1007/978-3-030-1_2"\n')
            + entry("b2021", "Beta", 'doi = "10.1007/978-3-030-1_2"\n')
            + entry("c2021", "Gamma", 'url = "https://arxiv.org/pdf/2101.00001v2.pdf"\n')
            + entry("d2021", "Delta", 'arxiv = "2101.00001"\n'))
    found = problems_of(tmp_path, text)
    assert [p.split(": warning: ")[0].split(": entry ")[1] for p in found] == ["a2021", "c2021"]
    assert "the identifier of entry b2021 'Beta'" in found[0]
    assert "is arXiv id 2101.00001, the identifier of entry d2021 'Delta'" in found[1]


def test_a_link_to_the_entrys_own_identifier_is_fine(tmp_path: Path) -> None:
    text = HEAD + entry("a2021", "Alpha", 'url = "https://doi.org/10.1000/x"\ndoi = "10.1000/x"\n'
                        'arxiv = "2101.00001"\n') + entry(
        "b2021", "Beta", 'url = "https://arxiv.org/abs/2101.00002"\n')
    assert problems_of(tmp_path, text) == []


# -- a section year against a recorded publication year -----------------------------------

def test_a_section_other_than_the_recorded_year_is_reported(tmp_path: Path) -> None:
    text = HEAD + entry("a2021", "Alpha", 'sections = [2022]\n'
                        'provenance.year = "seed-facts.csl.json:178 (seed-row-6)"\n')
    found = problems_of(tmp_path, text)
    assert found == [
        f"entries.toml:{line_of(text, 'sections = ')}: entry a2021: warning: listed under 2022, "
        "but its recorded publication year is 2021 (seed-facts.csl.json:178 (seed-row-6))"]


def test_a_section_year_without_a_recorded_year_is_only_the_lists_word(
        tmp_path: Path) -> None:
    # No source says when it was published: the section is all there is.
    text = HEAD + entry("a2021", "Alpha", 'sections = [2022]\n')
    assert not any("recorded publication year" in p for p in problems_of(tmp_path, text))
    text = HEAD + entry("b2021", "Beta", 'provenance.year = "crossref 2026-11-26"\n')
    assert problems_of(tmp_path, text) == []


# -- a proceedings series as a venue ---------------------------------------------------------

def test_a_proceedings_series_as_venue_is_reported(tmp_path: Path) -> None:
    text = HEAD + """
[venues.PMLR]
name = "Proceedings of Machine Learning Research"
kind = "conference"

[venues.LNCS]
name = "Springer LNCS"
kind = "conference"

[venues.MIDL]
name = "Medical Imaging with Deep Learning"
kind = "conference"
""" + entry("a2021", "Alpha")
    found = problems_of(tmp_path, text)
    assert found == [
        f"entries.toml:{line_of(text, '[venues.PMLR]')}: venue PMLR: warning: names the "
        "proceedings series 'Proceedings of Machine Learning Research', not a venue: give its "
        "entries the conference or journal they appeared at",
        f"entries.toml:{line_of(text, '[venues.LNCS]')}: venue LNCS: warning: names the "
        "proceedings series 'LNCS', not a venue: give its entries the conference or journal "
        "they appeared at",
    ]
