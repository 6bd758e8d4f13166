"""`check`: what it reports on crafted catalogs and on the bundled one."""

from __future__ import annotations

from pathlib import Path

from ssl_bib.store import load
from ssl_bib.validate import check
from tests.catalog_texts import HEAD, entry, line_of, problems_of

REPO = Path(__file__).resolve().parents[1]
# The uncurated catalog generated from the seed (entries.toml before curation).
SEED = REPO / "tests" / "fixtures" / "seed-catalog.toml"

def test_clean_catalog_has_no_problems(tmp_path: Path) -> None:
    assert problems_of(tmp_path, HEAD + entry("a2021", "Alpha")) == []


def test_duplicate_key_is_an_error_at_the_second_entry(tmp_path: Path) -> None:
    text = HEAD + entry("a2021", "Alpha") + entry("A2021", "Beta")
    found = problems_of(tmp_path, text)
    line = line_of(text, 'key = "A2021"')
    assert any(p.startswith(f"entries.toml:{line}: entry A2021: error: key 'A2021' is already "
                            "used") for p in found), found


def test_unknown_venue_and_category_are_errors(tmp_path: Path) -> None:
    text = HEAD + entry("a2021", "Alpha").replace('"MedIA"', '"TMI"').replace(
        '["Contrastive"]', '["Contrastive", "Generative"]')
    found = problems_of(tmp_path, text)
    assert f"entries.toml:{line_of(text, 'venue = ')}: entry a2021: error: unknown venue 'TMI':" \
           " add it under [venues.TMI]" in found
    assert any("error: unknown category 'Generative'" in p for p in found)


def test_identifier_syntax(tmp_path: Path) -> None:
    text = HEAD + entry("a2021", "Alpha", 'doi = "https://doi.org/10.1/x"\narxiv = "21.1"\n'
                                          'url = "ftp//nope"\n')
    found = problems_of(tmp_path, text)
    assert any("error: doi 'https://doi.org/10.1/x' is not a DOI" in p for p in found)
    assert any("error: arxiv '21.1' is not an arXiv id" in p for p in found)
    assert any("error: 'ftp//nope' is not an http(s) URL" in p for p in found)


def test_zotero_keys_are_well_formed_and_unique(tmp_path: Path) -> None:
    text = (HEAD + entry("a2021", "Alpha", 'zotero_key = "ABCD2345"\n')
            + entry("b2021", "Beta", 'zotero_key = "ABCD2345"\n')
            + entry("c2021", "Gamma", 'zotero_key = "abcd0123"\n'))
    found = problems_of(tmp_path, text)
    assert f"entries.toml:{line_of(text, 'zotero_key', 1)}: entry b2021: error: zotero_key " \
           "ABCD2345 is also the Zotero item of entry a2021; remove it from the copy" in found
    assert any("entry c2021: error: 'abcd0123' is not a Zotero item key" in p for p in found)
    assert not any(": entry a2021:" in p for p in found)


def test_doubts_are_reported_as_unverified(tmp_path: Path) -> None:
    text = HEAD + entry("a2021", "Alpha", 'doubts = ["no verified record of this paper"]\n')
    found = problems_of(tmp_path, text)
    assert found == [f"entries.toml:{line_of(text, 'doubts = ')}: entry a2021: warning: "
                     "unverified: no verified record of this paper"]


def test_shared_doi_arxiv_and_title_are_warnings(tmp_path: Path) -> None:
    text = (HEAD + entry("a2021", "Alpha", 'doi = "10.1000/ABC"\narxiv = "2101.00001"\n')
            + entry("b2021", "Beta", 'doi = "10.1000/abc"\narxiv = "2101.00001v2"\n')
            + entry("c2021", "ALPHA!"))
    found = problems_of(tmp_path, text)
    assert any(p.startswith(f"entries.toml:{line_of(text, 'doi = ', 1)}: entry b2021: warning: "
                            "DOI 10.1000/abc is also given to 1 other entry (a2021)")
               for p in found), found
    assert any("entry a2021: warning: arXiv id 2101.00001 is also given" in p for p in found)
    assert any("entry c2021: warning: the same title is also given to 1 other entry (a2021)"
               in p for p in found)
    assert not any("error" in p for p in found)


def test_bundled_catalog_reports_the_seed_problems_as_warnings() -> None:
    loaded = load(SEED)
    problems = check(loaded)
    assert [p for p in problems if p.severity == "error"] == []
    text = "\n".join(p.format() for p in problems)
    lines = SEED.read_text(encoding="utf-8").splitlines()
    for problem in problems:
        assert problem.line > 0, problem.format()
        assert problem.line <= len(lines)
    # The DOI link the list gives to three rows (rows 1, 2 and 5: two entries here).
    assert "DOI 10.3390/diagnostics12081805 is also given to 1 other entry" in text
    # "How Transferable are Self-supervised Features ..." under 2022 and 2021.
    assert "listed under more than one year: 2022, 2021" in text
    assert "URL 'https://github.com/ZhangYH0502/TS-SSL.' ends in '.'" in text
    assert "venue ArXiv: warning: used by the tables but missing from the list's venue list" in text
    assert "venue TPAMI: warning: used by the tables but missing" in text
    assert "venue CBM: warning: the venue list gives it an empty link" in text
    assert "no category: the list it came from gives NA (awesome-ssl-medical-imaging.md:69)" in text
    # Each warning points at the line that holds the value it is about.
    for problem in problems:
        if "ends in '.'" in problem.message:
            assert "TS-SSL." in lines[problem.line - 1]
        if "listed under more than one year" in problem.message:
            assert lines[problem.line - 1].startswith("sections = ")


def test_bundled_catalog_shape() -> None:
    catalog = load(SEED).catalog
    assert len(catalog.entries) == 62
    assert len({e.key.casefold() for e in catalog.entries}) == 62
    mae = catalog.entries[0]
    assert mae.title.endswith("for Medical Image Classification and Segmentation")
    assert mae.alt_titles == [
        "Self Pre-training with Masked Autoencoders for Medical Image Analysis"]
    transferable = [e for e in catalog.entries if e.title.startswith("How Transferable")]
    assert len(transferable) == 1 and transferable[0].listed_sections() == [2022, 2021]
    assert catalog.categories == ["MAE", "Contrastive", "Multiple-tasks/Multi-tasking",
                                  "Generative", "Predictive"]
    assert mae.categories == ["MAE", "Contrastive"]
    # Every venue the tables use is known, with a full name.
    assert {e.venue for e in catalog.entries} <= set(catalog.venues)
    assert catalog.venues["TPAMI"].name == \
        "IEEE Transactions on Pattern Analysis and Machine Intelligence"
    assert catalog.venues["MICCAI"].kind == "conference"
    assert catalog.venues["DLMIA"].kind == "workshop"
    assert catalog.venues["ArXiv"].kind == "preprint"
    assert catalog.venues["MedIA"].kind == "journal"
    # Identifiers hidden in links are extracted; the link is kept.
    by_url = {e.url: e for e in catalog.entries}
    springer = by_url["https://link.springer.com/chapter/10.1007/978-3-030-32251-9_42"]
    assert springer.doi == "10.1007/978-3-030-32251-9_42"
    assert by_url["https://arxiv.org/pdf/2104.04323.pdf"].arxiv == "2104.04323"
    assert by_url["https://www.sciencedirect.com/science/article/abs/pii/S0031320321000133"]\
        .pii == "S0031320321000133"
    assert by_url["https://ieeexplore.ieee.org/abstract/document/9709199"].ieee == "9709199"
    assert by_url["https://openreview.net/forum?id=kQ2SOflIOVC"].openreview == "kQ2SOflIOVC"
    # Order within a year follows the seed.
    years = [e.year for e in catalog.entries]
    assert years == sorted(years, reverse=True)
    assert [e.key for e in catalog.entries if e.year == 2017] == [
        "SelfSupervisedLearning2017", "SelfSupervisedDeep2017"]
    # Nothing invented: the seed names no authors.
    assert all(not e.authors for e in catalog.entries)


def test_the_errors_an_export_stops_for_are_checks_errors(tmp_path: Path) -> None:
    """output_errors (what export and render refuse to write from) finds,
    without locating any warning, exactly the errors check finds for the
    entries, on their lines."""
    from ssl_bib.validate import output_errors

    text = HEAD + entry("a2021", "A", 'doubts = ["no record"]\ndoi = "not a doi"\n') + \
        entry("b2021", "B", 'doubts = ["x", "y"]\nurl = "https://x.org/a."\n') + \
        entry("c2021", "C", 'zotero_key = "bad"\n')
    path = tmp_path / "entries.toml"
    path.write_text(text, encoding="utf-8")
    loaded = load(path)
    everything = check(loaded)
    errors = output_errors(loaded, loaded.catalog.entries)
    assert errors == [p for p in everything if p.severity == "error" and p.key]
    assert len(errors) == 2 and any(p.severity == "warning" for p in everything)
    assert errors[0].line == line_of(text, "doi = ")
