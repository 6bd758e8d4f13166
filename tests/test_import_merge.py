"""Matching records to the catalog and merging them through merge.fill():
DOI, arXiv id, folded title, exact URL; probable duplicates reported, never
silently added; keys by the catalog's rule; provenance recorded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ssl_bib import importer, store
from ssl_bib.codecs import registry
from ssl_bib.codecs.normalize import normalize
from ssl_bib.codecs.read_result import ReadResult, Record
from ssl_bib.model import Catalog, CodeLink, Entry, Person, Venue

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT.parent / "shared" / "reference" / "seed-facts.csl.json"


def _catalog() -> Catalog:
    venues = {"MedIA": Venue("MedIA", "Medical Image Analysis", "journal"),
              "MICCAI": Venue("MICCAI", "International Conference on Medical Image Computing "
                              "and Computer Assisted Intervention", "conference"),
              "ArXiv": Venue("ArXiv", "arXiv", "preprint")}
    entries = [
        Entry(key="ModelsGenesis2019", title="Models Genesis: Generic Autodidactic Models for "
              "3D Medical Image Analysis", year=2019, venue="MICCAI",
              doi="10.1007/978-3-030-32251-9_42", volume="11767",
              url="https://link.springer.com/chapter/10.1007/978-3-030-32251-9_42"),
        Entry(key="MoCo2020", title="MoCo Pretraining Improves Representation and "
              "Transferability of Chest X-ray Models", year=2020, venue="ArXiv",
              arxiv="2010.05352"),
        Entry(key="Rubik2020", title="Rubik’s Cube+: A self-supervised feature learning "
              "framework for 3D medical image analysis", year=2020, venue="MedIA",
              categories=["Predictive"]),
        Entry(key="Covid2022", title="COVID-19 Infection Segmentation and Severity Assessment",
              year=2022, url="https://doi.org/10.3390/diagnostics12081805",
              doi="10.3390/diagnostics12081805"),
    ]
    return Catalog(entries=entries, venues=venues, categories=["Predictive"])


def _run(catalog: Catalog, *entries: Entry, venue_name: str | None = None,
         on_duplicate: importer.OnDuplicate = "merge") -> importer.Outcome:
    result = ReadResult(records=[Record(entry=e, line=10 + i, venue_name=venue_name)
                                 for i, e in enumerate(entries)])
    normalize(result, "in.bib")  # as every reader's records are
    runner = importer.Importer(catalog, on_duplicate=on_duplicate)
    runner.run(result, "in.bib")
    return runner.outcome


def test_doi_match_fills_empty_fields_and_reports_conflicts() -> None:
    catalog = _catalog()
    incoming = Entry(key="", title="Models genesis: generic autodidactic models for 3D "
                     "medical image analysis", year=2019, doi="10.1007/978-3-030-32251-9_42",
                     authors=[Person("Zhou", "Zongwei")], pages="384--393", volume="11768")
    outcome = _run(catalog, incoming)
    entry = catalog.entries[0]
    assert outcome.summary() == ("added 0, merged 1, unchanged 0, conflicts 1, skipped 0")
    assert entry.authors == [Person("Zhou", "Zongwei")] and entry.pages == "384-393"
    assert entry.volume == "11767"  # curated: never overwritten
    assert outcome.conflicts[0].describe() == (
        "entry ModelsGenesis2019: volume: catalog has '11767', in.bib:10 has '11768'")
    assert entry.provenance == {"authors": "in.bib:10", "pages": "in.bib:10"}
    assert entry.key == "ModelsGenesis2019" and len(catalog.entries) == 4


def test_arxiv_match_ignores_version_and_title_folding_matches() -> None:
    catalog = _catalog()
    by_arxiv = Entry(key="", title="MoCo pretraining improves representation and "
                     "transferability of chest X-ray models", year=2020, arxiv="2010.05352v3",
                     code=[CodeLink("pytorch", "https://github.com/stanfordmlgroup/MoCo-CXR")])
    by_title = Entry(key="", title=r"Rubik's {C}ube+: a self-supervised feature learning "
                     "framework for <i>3D</i> medical image analysis", year=2020,
                     categories=["Contrastive"])
    outcome = _run(catalog, by_arxiv, by_title)
    assert outcome.summary().startswith("added 0, merged 2")
    assert catalog.entries[1].code == [
        CodeLink("pytorch", "https://github.com/stanfordmlgroup/MoCo-CXR")]
    assert catalog.entries[2].categories == ["Predictive", "Contrastive"]
    assert catalog.categories == ["Predictive", "Contrastive"]


def test_probable_duplicates_are_reported_with_both_entries_not_added() -> None:
    catalog = _catalog()
    prefixed = Entry(key="", title="MoCo-CXR: MoCo Pretraining Improves Representation and "
                     "Transferability of Chest X-ray Models", year=2021)
    no_subtitle = Entry(key="", title="Models Genesis", year=2019)
    typo = Entry(key="", title="Rubiks Cube+: A self-supervised feature-learning framework "
                 "for 3D medical image analyses", year=2020)
    outcome = _run(catalog, prefixed, no_subtitle, typo)
    assert len(catalog.entries) == 4
    assert outcome.summary() == "added 0, merged 0, unchanged 0, conflicts 0, skipped 3"
    messages = [p.message for p in outcome.problems]
    assert "probable duplicate" in messages[0] and "MoCo2020" in messages[0]
    assert "'MoCo-CXR: MoCo Pretraining" in messages[0] and "'MoCo Pretraining" in messages[0]
    assert "ModelsGenesis2019" in messages[1]  # the title without its subtitle
    assert "Rubik2020" in messages[2]
    assert [p.line for p in outcome.problems] == [10, 11, 12]


def test_subtitle_on_the_catalog_side_only() -> None:
    catalog = _catalog()
    catalog.entries[0].title = "Models Genesis"
    longer = Entry(key="", title="Models Genesis: Generic Autodidactic Models for 3D Medical "
                   "Image Analysis", year=2019)
    outcome = _run(catalog, longer)
    assert outcome.skipped == 1 and "ModelsGenesis2019" in outcome.problems[0].message


def test_add_anyway_and_skip() -> None:
    catalog = _catalog()
    prefixed = Entry(key="", title="MoCo-CXR: MoCo Pretraining Improves Representation and "
                     "Transferability of Chest X-ray Models", year=2021)
    outcome = _run(catalog, prefixed, on_duplicate="add")
    assert [e.key for e in outcome.added] == ["MoCoCXRMoCo2021"] and len(catalog.entries) == 5
    again = Entry(key="", title="Models Genesis: Generic Autodidactic Models for 3D Medical "
                  "Image Analysis", year=2019, pages="1-2")
    outcome = _run(catalog, again, on_duplicate="skip")
    assert outcome.skipped == 1 and catalog.entries[0].pages is None


def test_shared_doi_with_a_different_title_is_a_different_paper() -> None:
    catalog = _catalog()
    other = Entry(key="", title="Self Pre-training with Masked Autoencoders", year=2023,
                  doi="10.3390/DIAGNOSTICS12081805",
                  url="https://doi.org/10.3390/diagnostics12081805",
                  authors=[Person("Zhou", "Lei")])
    outcome = _run(catalog, other, venue_name="Medical Image Analysis")
    assert [e.key for e in outcome.added] == ["zhouSelfPreTraining2023"]
    assert "shares a DOI" in outcome.problems[0].message and "Covid2022" in \
        outcome.problems[0].message
    added = catalog.entries[-1]
    assert added.venue == "MedIA" and added.container_title is None  # resolved by name
    assert added.provenance == {"entry": "in.bib:10"}


def test_new_venue_names_become_venues_and_keys_follow_the_rule() -> None:
    catalog = _catalog()
    a = Entry(key="", title="Brand New Study of Things", year=2024,
              authors=[Person("Müller", "Jörg")])
    b = Entry(key="", title="Brand New Study of Other Stuff", year=2024,
              authors=[Person("Muller", "J.")])
    result = ReadResult(records=[
        Record(entry=a, line=1, venue_name="Journal of Testing (JT)", kind="article"),
        Record(entry=b, line=2, venue_name="Workshop on Tests", kind="inproceedings")])
    runner = importer.Importer(catalog)
    runner.run(result, "x.ris")
    assert [e.key for e in runner.outcome.added] == ["mullerBrandNewStudy2024",
                                                     "mullerBrandNewStudy2024a"]
    assert catalog.venues["JT"].name == "Journal of Testing"
    assert (catalog.venues["JT"].kind, catalog.venues["JT"].listed) == ("journal", False)
    assert catalog.venues["Workshop on Tests"].kind == "conference"
    assert catalog.entries[-1].entry_type is None  # the venue's kind already says it


def test_fuzzy_candidates_come_from_rare_words_not_all_pairs() -> None:
    common = [Entry(key=f"k{i}", title=f"Self-supervised learning study number{i}", year=2020)
              for i in range(1500)]
    index = importer.Index(common)
    # "self", "supervised", "learning", "study" are in 1500 titles: no candidates from them.
    assert index.fuzzy_candidates("self supervised learning study") == []
    assert [e.key for e in index.fuzzy_candidates("self supervised learning study number7")] \
        == ["k7"]


def test_fuzzy_candidates_share_two_of_the_three_rarest_words() -> None:
    titles = {"e1": "zebra quokka first", "e2": "quokka ibex second", "e3": "zebra third one",
              "e4": "zebra ibex fourth", "e5": "zebra quokka ibex"}
    index = importer.Index([Entry(key=k, title=t, year=2020) for k, t in titles.items()])
    # Postings: quokka {e1, e2, e5}, ibex {e2, e4, e5}, zebra {e1, e3, e4, e5}; e3
    # shares one word only. Order: first seen in the rarest postings.
    assert [e.key for e in index.fuzzy_candidates("zebra quokka ibex")] == [
        "e1", "e2", "e5", "e4"]
    assert [e.key for e in index.fuzzy_candidates("zebra unknown")] == ["e1", "e3", "e4", "e5"]


def test_seed_facts_match_the_bundled_catalog(tmp_path: Path) -> None:
    copy = tmp_path / "entries.toml"
    # The uncurated seed catalog: the facts were gathered for it.
    shutil.copy(ROOT / "tests" / "fixtures" / "seed-catalog.toml", copy)
    loaded = store.load(copy)
    before = len(loaded.catalog.entries)
    text = FACTS.read_text(encoding="utf-8")
    assert len(json.loads(text)) == 45
    outcome = importer.import_texts(loaded.catalog, [(FACTS.name, text, "csljson")])
    # Every item is a paper already listed: 43 entries gain facts, 2 items are
    # the second listing of a paper whose first listing already filled it.
    assert outcome.added == [] and outcome.skipped == 0 and outcome.errors == 0
    assert len(outcome.merged) == 43 and outcome.unchanged == 2
    assert len(loaded.catalog.entries) == before
    fields = sorted({c.field for c in outcome.conflicts})
    # Notes are not merged into listed entries (they annotate the record), so
    # only titles and years conflict.
    assert fields == ["title", "year"]
    assert len(outcome.conflicts) == 8
    store.save(loaded)
    again = store.load(copy).catalog
    pcrl = again.find("PCRLv2UnifiedVisual2023")
    assert pcrl is not None and pcrl.pages == "8020-8035" and pcrl.volume == "45"
    assert pcrl.provenance["pages"] == "seed-facts.csl.json:117 (seed-row-4)"
    assert pcrl.title.startswith("PCRLv2")  # the curated title stays


def test_detect_format() -> None:
    assert registry.detect(Path("a.bib"), "@article{x,}").name == "bibtex"
    assert registry.detect(Path("a.biblatex"), "@online{x,}").name == "biblatex"
    assert registry.detect(Path("refs.txt"), "TY  - JOUR\nER  - \n").name == "ris"
    assert registry.detect(Path("items"), ' [{"id": "a"}]').name == "csljson"
    assert registry.detect(Path("README"), "# List\n\n## 2020\n").name == "markdown"
    # The content wins over a misleading extension.
    assert registry.detect(Path("refs.json"), "@article{x,}").name == "bibtex"
    # A README that opens with a badge link and quotes its BibTeX citation in
    # a code block (as the SaeedShurrab list does) is still a README.
    readme = ("[![Awesome](https://awesome.re/badge.svg)](https://awesome.re/)\n\n"
              "```\n@article{shurrab2022self,\n  title={A survey},\n}\n```\n\n"
              "## 2022\n\n| Paper title | Paper link |\n| --- | --- |\n| T | NA |\n")
    assert registry.detect(Path("README.md"), readme).name == "markdown"
    assert registry.detect(Path("README"), readme).name == "markdown"
    assert registry.detect(Path("refs.bib"), "% from Zotero\n@article{x,}").name == "bibtex"
    assert registry.detect(Path("refs.biblatex"), "% x\n@online{x,}").name == "biblatex"


def test_readme_categories_split_by_the_catalogs_own_categories() -> None:
    catalog = _catalog()
    catalog.categories = ["MAE", "Contrastive", "Multiple-tasks/Multi-tasking"]
    text = ("## 2024\n\n| Paper title | Journal/Conference | Category | Paper link | Code link |\n"
            "| --- | --- | --- | --- | --- |\n"
            "| A new masked paper | MICCAI | MAE/Contrastive | NA | NA |\n"
            "| A multi-task paper | MICCAI | Multiple-tasks/Multi-tasking | NA | NA |\n")
    outcome = importer.import_texts(catalog, [("README.md", text, "markdown")])
    assert [e.categories for e in outcome.added] == [
        ["MAE", "Contrastive"], ["Multiple-tasks/Multi-tasking"]]
    assert catalog.categories == ["MAE", "Contrastive", "Multiple-tasks/Multi-tasking"]


def test_values_the_catalog_cannot_hold_are_reported_and_left_out() -> None:
    catalog = _catalog()
    odd = Entry(key="", title="A paper with odd links", year=2021, url="www.example.org/paper",
                arxiv="not-an-id", code=[CodeLink("pytorch", "github.com/x/y"),
                                         CodeLink("tf", "https://github.com/x/z")])
    outcome = _run(catalog, odd)
    added = outcome.added[0]
    assert (added.url, added.arxiv, added.code) == (None, None,
                                                    [CodeLink("tf", "https://github.com/x/z")])
    assert [p.message.split(": ")[1].strip() for p in outcome.problems] == [
        "link 'www.example.org/paper' is not an http(s) URL",
        "code link 'github.com/x/y' is not an http(s) URL",
        "arxiv 'not-an-id' is not an arXiv id (2203.05573, math.GT/0309136)"]


def test_readme_rows_merge_into_existing_entries() -> None:
    catalog = _catalog()
    text = ("## 2021\n\n| Paper title | Journal/Conference | Category | Paper link | Code link |\n"
            "| --- | --- | --- | --- | --- |\n"
            "| Models Genesis: Generic Autodidactic Models for 3D Medical Image Analysis | "
            "NewConf | Generative | [Link](https://link.springer.com/chapter/10.1007/"
            "978-3-030-32251-9_42) | [keras](https://github.com/MrGiovanni/ModelsGenesis) |\n")
    outcome = importer.import_texts(catalog, [("README.md", text, "markdown")])
    entry = catalog.entries[0]
    assert outcome.summary() == "added 0, merged 1, unchanged 0, conflicts 1, skipped 0"
    assert entry.code == [CodeLink("keras", "https://github.com/MrGiovanni/ModelsGenesis")]
    assert entry.sections == [2019, 2021] and entry.year == 2019  # listed again, under 2021
    assert entry.categories == ["Generative"]
    assert [(c.field, c.ours, c.theirs) for c in outcome.conflicts] == [
        ("venue", "MICCAI", "NewConf")]
    assert "NewConf" not in catalog.venues


def test_a_month_of_another_year_is_not_merged() -> None:
    """A record dated in another year (a later arXiv version, an online-first
    date) is a year conflict; its month belongs to that other year and would
    give the entry a date nobody published it on."""
    catalog = _catalog()
    later = Entry(key="", title="MoCo Pretraining Improves Representation and "
                  "Transferability of Chest X-ray Models", year=2021, month=8,
                  arxiv="2010.05352", authors=[Person("Sowrirajan", "Hari")])
    outcome = _run(catalog, later)
    moco = catalog.entries[1]
    assert (moco.year, moco.month) == (2020, None)
    assert "month" not in moco.provenance
    assert [(c.field, c.theirs) for c in outcome.conflicts] == [("year", 2021)]
    assert moco.authors == [Person("Sowrirajan", "Hari")]  # the rest still merges
    same_year = Entry(key="", title=moco.title, year=2020, month=10, arxiv="2010.05352")
    _run(catalog, same_year)
    assert moco.month == 10


def test_a_venue_named_with_its_editions_year_resolves_to_the_venue() -> None:
    """CSL event titles and container titles name the edition: "... (MLHC 2020)",
    "AAAI-20", "ECML PKDD 2021". The venue behind them is the catalog's."""
    venues = importer.VenueMap(Catalog(venues={
        "MLHC": Venue("MLHC", "Machine Learning for Healthcare", "conference"),
        "AAAI": Venue("AAAI", "AAAI Conference on Artificial Intelligence", "conference"),
        "ECML PKDD": Venue("ECML PKDD", "European Conference on Machine Learning and "
                           "Principles and Practice of Knowledge Discovery in Databases",
                           "conference"),
        "ICCV": Venue("ICCV", "International Conference on Computer Vision", "conference")}))
    assert venues.resolve("Machine Learning for Healthcare Conference (MLHC 2020)",
                          "inproceedings", False) == "MLHC"
    assert venues.resolve("The Thirty-Fourth AAAI Conference on Artificial Intelligence "
                          "(AAAI-20)", "inproceedings", False) == "AAAI"
    assert venues.resolve("European Conference on Machine Learning and Principles and "
                          "Practice of Knowledge Discovery in Databases 2021",
                          "inproceedings", False) == "ECML PKDD"
    assert venues.resolve("ICCV'21", None, False) == "ICCV"
    assert venues.resolve("2021 IEEE/CVF International Conference on Computer Vision (ICCV)",
                          None, False) == "ICCV"
    # A year alone is not a venue, and a number that is part of a name stays.
    assert venues.resolve("2020", None, False) is None
    assert venues.resolve("MLHC 2020 Workshop on Something", None, False) is None


def test_an_event_title_with_the_editions_year_is_a_venue_conflict() -> None:
    catalog = _catalog()
    catalog.venues["MLHC"] = Venue("MLHC", "Machine Learning for Healthcare", "conference")
    catalog.venues["PMLR"] = Venue("PMLR", "Proceedings of Machine Learning Research",
                                   "conference")
    catalog.entries.append(Entry(key="Dicom2020", title="Self-Supervised Pretraining with "
                                 "DICOM metadata in Ultrasound Imaging", year=2020,
                                 venue="PMLR"))
    text = json.dumps([{"id": "x", "type": "paper-conference", "title": "Self-Supervised "
                        "Pretraining with DICOM metadata in Ultrasound Imaging",
                        "issued": {"date-parts": [[2020, 9, 18]]},
                        "container-title": "Proceedings of the 5th Machine Learning for "
                        "Healthcare Conference",
                        "event-title": "Machine Learning for Healthcare Conference (MLHC 2020)"}])
    outcome = importer.import_texts(catalog, [("facts.json", text, "csljson")])
    assert [(c.field, c.ours, c.theirs) for c in outcome.conflicts] == [
        ("venue", "PMLR", "MLHC")]
    assert catalog.entries[-1].venue == "PMLR"  # reported, never overwritten
