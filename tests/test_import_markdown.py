"""The awesome-list reader on every kind of mess met in real lists (our own
fixtures in tests/import_fixtures/ reproduce each one): every non-empty paper
row becomes an entry or a reported problem with its line."""

from __future__ import annotations

from pathlib import Path

from ssl_bib import importer
from ssl_bib.model import Catalog, CodeLink

FIXTURES = Path(__file__).parent / "import_fixtures"


def _bootstrap(name: str) -> tuple[Catalog, importer.Outcome]:
    catalog = Catalog()
    text = (FIXTURES / name).read_text(encoding="utf-8")
    outcome = importer.import_texts(catalog, [(name, text, "markdown")], bootstrap=True)
    return catalog, outcome


def test_messy_table_every_row_is_an_entry_or_a_problem() -> None:
    catalog, outcome = _bootstrap("messy_table.md")
    # 7 paper rows (lines 22, 24, 25, 26, 28, 39, 40); 28 and 39 are one paper.
    assert [e.title for e in catalog.entries] == [
        "Transferable Visual Words: Exploiting the Semantics of Anatomical Patterns",
        "DeepSMILE: Contrastive pre-training on H&E slides",
        "Rubik’s Cube+: a “self-supervised” framework",
        "Twin self-supervision for SD-OCT images",
        "A row with too few cells",
        "Shared across years",
        "Auto-GAN: Collaborative Learning",
    ]
    assert [(p.line, p.severity) for p in outcome.problems] == [
        (9, "warning"),   # venue with an empty link
        (23, "warning"),  # empty padding row
        (26, "warning"),  # URL with a trailing dot
        (27, "warning"),  # too few cells: read as GitHub reads them, the rest empty
        (30, "warning"),  # stray link lines left outside the table
        (32, "warning"),
        (38, "warning"),  # empty padding row
        (40, "warning"),  # [Link]() without a URL
        (39, "warning"),  # the same paper listed again under 2021
    ]
    assert "table row has 2 cells, the table has 5" in outcome.problems[3].message
    assert outcome.summary().startswith("added 7, merged 0")


def test_messy_table_cells() -> None:
    catalog, _ = _bootstrap("messy_table.md")
    by_title = {e.title.split(":")[0]: e for e in catalog.entries}
    assert by_title["Transferable Visual Words"].code == [
        CodeLink("tensorflow", "https://github.com/example/TransVW/keras"),
        CodeLink("pytorch", "https://github.com/example/TransVW/pytorch")]
    assert by_title["DeepSMILE"].code == [
        CodeLink("DLUP, VISSL, pytorch", "https://github.com/example/hissl")]
    twin = by_title["Twin self-supervision for SD-OCT images"]
    assert twin.code == [CodeLink("tensorflow & pytorch", "https://github.com/example/TS-SSL.")]
    assert twin.categories == [] and twin.ieee == "9343323"  # N/A category, id from the link
    rubik = by_title["Rubik’s Cube+"]
    assert rubik.code == [] and rubik.pii == "S1361841520301109"
    assert rubik.key == "RubiksCubeSelf2022"
    shared = by_title["Shared across years"]
    assert (shared.year, shared.sections, shared.arxiv) == (2022, [2022, 2021], "2101.05224")
    # "Contrastive/Predictive" names two categories, each used alone elsewhere.
    assert shared.categories == ["Contrastive", "Predictive"]
    assert by_title["Transferable Visual Words"].categories == ["Multiple-tasks/Multi-tasking"]
    assert by_title["Auto-GAN"].url is None and by_title["Auto-GAN"].venue == "AAAI"


def test_venue_list_in_both_forms() -> None:
    catalog, _ = _bootstrap("messy_table.md")
    venues = [(v.key, v.name, v.url, v.listed, v.kind) for v in catalog.venues.values()]
    assert venues == [
        ("MedIA", "Medical Image Analysis",
         "https://www.journals.elsevier.com/medical-image-analysis/", True, "journal"),
        ("IEEE Access", "IEEE Access", "https://ieeeaccess.ieee.org/", True, "journal"),
        ("CBM", "Computer in Biology and Medicine", "", True, "journal"),
        ("MICCAI", "International Conference on Medical Image Computing and Computer "
         "Assisted Intervention", None, True, "conference"),
        ("Proceedings of the AAAI Conference on Artificial Intelligence",
         "Proceedings of the AAAI Conference on Artificial Intelligence", None, True,
         "conference"),
        ("AAAI", "AAAI", None, False, "conference"),  # used by a row, not in the list
    ]
    assert catalog.categories == ["Multiple-tasks/Multi-tasking", "Contrastive", "Predictive",
                                  "Generative"]


def test_bullet_list() -> None:
    catalog, outcome = _bootstrap("bullets.md")
    got = [(e.title, e.year, e.venue, e.categories, e.url) for e in catalog.entries]
    assert got == [
        ("SMORE: A Self-Supervised Anti-Aliasing Algorithm for MRI", 2021, "TMI", [],
         "https://ieeexplore.ieee.org/document/9253710"),
        ("Context Matters: Graph-based Representation Learning", 2021, "AAAI", [],
         "https://arxiv.org/abs/2012.06457"),
        ("3D Self-Supervised Methods for Medical Imaging", 2020, "NeurIPS",
         ["Representation Learning"], "https://arxiv.org/abs/2006.03829"),
        ("Rubik’s Cube+: A self-supervised framework", 2020, "Medical Image Analysis",
         ["Representation Learning"],
         "https://www.sciencedirect.com/science/article/abs/pii/S1361841520301109"),
        ("Self-supervised Depth Estimation in Knee Arthroscopy", 2020, "MICCAI",
         ["Segmentation"], None),
        ("AF-SEG: An Annotation-Free Approach", 2020, "ISBI", ["Segmentation"],
         "https://ieeexplore.ieee.org/abstract/document/9098535"),
        ("Exploiting unlabeled endoscopic video", 2018, None, [],
         "https://arxiv.org/abs/1711.09726"),
    ]
    assert catalog.entries[1].code == [CodeLink("Code", "https://github.com/example/context")]
    assert [(p.line, p.message.split(":")[0]) for p in outcome.problems] == [
        (14, "paper link of 'Self-supervised Depth Estimation in Knee Arthroscopy' is empty"),
        (16, "paper link of 'AF-SEG"),
        (23, "list item outside any '## YYYY' section skipped"),
        (16, "'AF-SEG"),
    ]
    assert "listed again (first at line 15)" in outcome.problems[3].message
    assert catalog.venues["ISBI"].kind == "conference"
