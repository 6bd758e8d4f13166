"""What curating the seed asked of `import`: notes of incoming records are not
merged into listed entries, a preprint's repository is not the publisher of a
published entry, values a correction replaced do not come back, old venue
labels resolve through aliases, and re-importing the facts and the list into
the curated catalog changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from ssl_bib import importer, store
from ssl_bib.cli import cli
from ssl_bib.model import Catalog, Correction, Entry, Venue

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
FACTS = SHARED / "reference" / "seed-facts.csl.json"
SEED_README = SHARED / "seed" / "awesome-ssl-medical-imaging.md"


def _catalog(*entries: Entry) -> Catalog:
    return Catalog(entries=list(entries), categories=["Contrastive"], venues={
        "MedIA": Venue("MedIA", "Medical Image Analysis", "journal"),
        "ArXiv": Venue("ArXiv", "arXiv", "preprint", listed=False),
        "NeurIPS": Venue("NeurIPS", "Conference on Neural Information Processing Systems",
                         "conference", aliases=["NIPS"]),
    })


def _csl(*items: dict[str, object]) -> str:
    return json.dumps(list(items))


def test_a_records_note_is_not_merged_but_kept_for_a_new_entry() -> None:
    catalog = _catalog(Entry(key="a2021", title="Alpha Study of Things", year=2021,
                             venue="MedIA"))
    text = _csl(
        {"id": "r1", "type": "article-journal", "title": "Alpha Study of Things",
         "issued": {"date-parts": [[2021]]}, "volume": "7",
         "note": "sources: https://example.org | doubtful: pages"},
        {"id": "r2", "type": "article-journal", "title": "Completely Different Beta Paper",
         "issued": {"date-parts": [[2022]]}, "note": "Seen in print"})
    outcome = importer.import_texts(catalog, [("facts.json", text, "csljson")])
    assert outcome.conflicts == []
    alpha, beta = catalog.entries
    assert (alpha.volume, alpha.note) == ("7", None)
    assert "note" not in alpha.provenance
    assert beta.note == "Seen in print"


def test_a_preprints_publisher_is_not_merged_into_a_published_entry() -> None:
    journal = Entry(key="a2021", title="Alpha Study of Things", year=2021, venue="MedIA")
    preprint = Entry(key="b2021", title="Beta Study of Things", year=2021, venue="ArXiv")
    catalog = _catalog(journal, preprint)
    text = _csl(*({"id": key, "type": "article", "title": title, "publisher": "arXiv",
                   "number": f"arXiv:2101.0000{n}", "author": [{"family": "Doe", "given": "J"}]}
                  for n, (key, title) in enumerate([("r1", "Alpha Study of Things"),
                                                    ("r2", "Beta Study of Things")], 1)))
    importer.import_texts(catalog, [("facts.json", text, "csljson")])
    assert (journal.publisher, [p.family for p in journal.authors]) == (None, ["Doe"])
    assert preprint.publisher == "arXiv"


def test_values_a_correction_replaced_are_not_brought_back() -> None:
    entry = Entry(
        key="mae2023", title="Masked Autoencoders for Images", year=2023, venue="NeurIPS",
        categories=["Contrastive"],
        url="https://arxiv.org/abs/2203.05573",
        corrections=[
            Correction("doi", "10.3390/d12", "", "another paper's DOI (https://x.org)"),
            Correction("url", "https://doi.org/10.3390/d12", "https://arxiv.org/abs/2203.05573",
                       "another paper's DOI (https://x.org)"),
            Correction("venue", "ArXiv", "NeurIPS", "published there (https://x.org)"),
            Correction("year", "2022", "2023", "published then (https://x.org)")])
    catalog = _catalog(entry)
    readme = """## 2022

| Paper title | Journal/Conference | Category | Paper link | Code link |
| --- | --- | --- | --- | --- |
| Masked Autoencoders for Images | ArXiv | Contrastive | [Link](https://doi.org/10.3390/d12) | NA |
"""
    outcome = importer.import_texts(catalog, [("README.md", readme, "markdown")])
    assert outcome.conflicts == [] and outcome.merged == []
    assert (entry.doi, entry.url, entry.venue, entry.listed_sections()) == (
        None, "https://arxiv.org/abs/2203.05573", "NeurIPS", [2023])
    # Another section of the list is still news.
    outcome = importer.import_texts(catalog, [("README.md", readme.replace("2022", "2021"),
                                               "markdown")])
    assert entry.listed_sections() == [2023, 2021]


def test_an_old_venue_label_resolves_through_the_aliases() -> None:
    catalog = _catalog()
    readme = """## 2020

| Paper title | Journal/Conference | Category | Paper link | Code link |
| --- | --- | --- | --- | --- |
| Gamma Methods for Medical Imaging | NIPS | Contrastive | [Link](https://example.org/g) | NA |
"""
    importer.import_texts(catalog, [("README.md", readme, "markdown")])
    [entry] = catalog.entries
    assert entry.venue == "NeurIPS"
    assert "NIPS" not in catalog.venues


def test_the_facts_and_the_list_again_change_nothing_in_the_curated_catalog(
        tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    shutil.copy(REPO / "entries.toml", catalog)
    before = catalog.read_bytes()
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "import", str(FACTS),
                                      str(SEED_README)])
    assert result.exit_code == 0, result.stderr
    # The one conflict left is deliberate: the facts' 2019 is the arXiv preprint's
    # year; the listed ISBI 2020 version is unconfirmed and kept, with a doubt.
    assert "conflict: entry prakashLeveragingSelfSupervised2020: year: catalog has 2020" \
        in result.stderr
    assert "added 0, merged 0, unchanged 108, conflicts 1, skipped 0" in result.stderr
    assert catalog.read_bytes() == before
    leveraging = store.load(catalog).catalog.find("LeveragingSelfSupervised2020")
    assert leveraging is not None and any("ISBI 2020" in d for d in leveraging.doubts)
