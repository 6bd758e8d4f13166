"""Golden exports of three real papers, written by hand (see
tests/export_golden/README.md for what each was compared with)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssl_bib.exporting import export
from ssl_bib.model import Catalog, CodeLink, Entry, Person
from tests.export_fixtures.catalogs import venues

GOLDEN = Path(__file__).parent / "export_golden"
SUFFIX = {"bibtex": ".bib", "biblatex": ".biblatex.bib", "ris": ".ris", "csljson": ".json"}


def _people(*names: str) -> list[Person]:
    return [Person.parse(name) for name in names]


PAPERS = {
    "journal": Entry(
        key="haghighiTransferableVisualWords2021",
        title="Transferable Visual Words: Exploiting the Semantics of Anatomical Patterns for "
              "Self-Supervised Learning",
        year=2021, venue="IEEE-TMI", categories=["Multiple-tasks/Multi-tasking"],
        authors=_people("Haghighi, Fatemeh", "Hosseinzadeh Taher, Mohammad Reza",
                        "Zhou, Zongwei", "Gotway, Michael B.", "Liang, Jianming"),
        volume="40", issue="10", pages="2857-2868", issn="0278-0062",
        doi="10.1109/TMI.2021.3060634", url="https://doi.org/10.1109/TMI.2021.3060634",
        code=[CodeLink("tensorflow", "https://github.com/fhaghighi/TransVW/tree/master/keras"),
              CodeLink("pytorch", "https://github.com/fhaghighi/TransVW/tree/master/pytorch")]),
    "miccai": Entry(
        key="zhouModelsGenesisGeneric2019",
        title="Models Genesis: Generic Autodidactic Models for 3D Medical Image Analysis",
        year=2019, venue="MICCAI", categories=["Generative"],
        authors=_people("Zhou, Zongwei", "Sodha, Vatsal", "Rahman Siddiquee, Md Mahfuzur",
                        "Feng, Ruibin", "Tajbakhsh, Nima", "Gotway, Michael B.",
                        "Liang, Jianming"),
        container_title="Medical Image Computing and Computer Assisted Intervention – MICCAI 2019",
        series="Lecture Notes in Computer Science", volume="11767", pages="384-393",
        publisher="Springer International Publishing", doi="10.1007/978-3-030-32251-9_42",
        url="https://link.springer.com/chapter/10.1007/978-3-030-32251-9_42",
        code=[CodeLink("tensorflow", "https://github.com/MrGiovanni/ModelsGenesis")]),
    "arxiv": Entry(
        key="xiePGLPriorGuided2020",
        title="PGL: Prior-Guided Local Self-supervised Learning for 3D Medical Image Segmentation",
        year=2020, venue="ArXiv", categories=["Contrastive"],
        authors=_people("Xie, Yutong", "Zhang, Jianpeng", "Liao, Zehui", "Xia, Yong",
                        "Shen, Chunhua"),
        url="https://arxiv.org/abs/2011.12640", arxiv="2011.12640", arxiv_class="cs.CV",
        code=[CodeLink("pytorch", "https://github.com/YtongXie/PGL")]),
}


@pytest.mark.parametrize("fmt", list(SUFFIX))
@pytest.mark.parametrize("paper", list(PAPERS))
def test_golden(paper: str, fmt: str) -> None:
    catalog = Catalog(entries=[PAPERS[paper]], venues=venues())
    expected = (GOLDEN / f"{paper}{SUFFIX[fmt]}").read_text(encoding="utf-8")
    assert export(catalog, catalog.entries, fmt) == expected
