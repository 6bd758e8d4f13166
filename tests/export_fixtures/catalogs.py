"""Catalogs for the export tests, built in code: authors with accents,
particles and organisations; titles with LaTeX specials and injections."""

from __future__ import annotations

from pathlib import Path

from ssl_bib.model import Catalog, CodeLink, Entry, Person, Venue

BUNDLED = Path(__file__).resolve().parents[2] / "entries.toml"


def venues() -> dict[str, Venue]:
    return {
        "MedIA": Venue("MedIA", "Medical Image Analysis", "journal"),
        "IEEE-TMI": Venue("IEEE-TMI", "IEEE Transactions on Medical Imaging", "journal"),
        "MICCAI": Venue("MICCAI", "International Conference on Medical Image Computing and "
                        "Computer Assisted Intervention", "conference"),
        "ArXiv": Venue("ArXiv", "arXiv", "preprint", listed=False),
        "bioRxiv": Venue("bioRxiv", "bioRxiv", "preprint", listed=False),
    }


def rich_catalog() -> Catalog:
    """Every field and every awkward case an export must survive."""
    entries = [
        Entry(key="hervellaSelfsupervisedMultimodal2021",
              title="Self-supervised multimodal reconstruction pre-training for retinal "
                    "computer-aided diagnosis",
              year=2021, month=12, venue="MedIA", categories=["Generative"],
              authors=[Person("Hervella", "Álvaro S."), Person("Rouco", "José"),
                       Person("Novo", "Jorge"), Person("Ortega", "Marcos")],
              container_title="Expert Systems with Applications", volume="185",
              article_number="115598", doi="10.1016/j.eswa.2021.115598",
              url="https://www.sciencedirect.com/science/article/pii/S0957417421009982",
              publisher="Elsevier", issn="0957-4174"),
        Entry(key="zhouModelsGenesisGeneric2019",
              title="Models Genesis: Generic Autodidactic Models for 3D Medical Image Analysis",
              year=2019, venue="MICCAI", categories=["Generative", "Predictive"],
              authors=[Person("Zhou", "Zongwei"), Person("Rahman Siddiquee", "Md Mahfuzur"),
                       Person("Gotway", "Michael B.")],
              container_title="Medical Image Computing and Computer Assisted Intervention – "
                              "MICCAI 2019",
              series="Lecture Notes in Computer Science", volume="11767", pages="384-393",
              publisher="Springer International Publishing", isbn="978-3-030-32251-9",
              doi="10.1007/978-3-030-32251-9_42",
              url="https://link.springer.com/chapter/10.1007/978-3-030-32251-9_42",
              code=[CodeLink("tensorflow", "https://github.com/MrGiovanni/ModelsGenesis"),
                    CodeLink("pytorch", "https://github.com/MrGiovanni/ModelsGenesis/tree/master/pytorch")]),
        Entry(key="vanderBergSpecial2020",
              # Dollars that are no math (pandoc's rule: the closing one follows a space).
              title=r"\input{/etc/passwd} and \write18{rm -rf ~} 100% of $x^2 $ & #1 "
                    "under_score {MRI} α-Synuclein x² COVID-19 -- ``quoted'' l'été",
              year=2020, month=3, venue="IEEE-TMI", categories=["Contrastive"],
              authors=[Person("van der Berg", "Anna"), Person("de la Cruz", "José María"),
                       Person("World Health Organization"), Person("Müller-Lüdenscheidt", "Jürgen"),
                       Person("Smith and Sons", "Jane, Jr.")],
              volume="39", issue="4", pages="101–110", abstract="First line.\nSecond\tline.",
              note="Oral presentation; 20% acceptance",
              url="https://example.org/a_b/%7Ec?x=1&y=2#frag"),
        Entry(key="chenKnowledgeBasedLearning2023",
              title="A Knowledge-based Learning Framework for Self-supervised Pre-training "
                    "Towards Enhanced Recognition of Medical Images",
              year=2023, venue="ArXiv", categories=["MAE", "Contrastive"],
              authors=[Person("Chen", "Wei"), Person("Li", "Chen")],
              arxiv="2211.14715", arxiv_class="cs.CV",
              code=[CodeLink("pytorch", "https://github.com/lichen14/TOWER")]),
        Entry(key="onlyTitle2018", title="Minimal", year=2018),
        Entry(key="medrxivPaper2021", title="A bioRxiv Preprint", year=2021, venue="bioRxiv",
              doi="10.1101/2021.01.01.425001", authors=[Person("Plato")]),
    ]
    categories = ["MAE", "Contrastive", "Generative", "Predictive"]
    return Catalog(entries=entries, venues=venues(), categories=categories)
