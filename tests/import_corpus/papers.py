"""The import corpus's papers, written by hand: what each paper is (the
expected title, year, first author, DOI and container after import) and, for
the papers that exercise a class of issue 12, how a format writes it.

The titles, people and DOIs are invented (DOIs under the test prefix
10.5555); the spellings are those of the formats' documentation. write_files.py
turns each paper into a record of each of the four formats (BibTeX, biblatex,
RIS, CSL-JSON) with templates of its own, never with ssl-bib's writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Name = tuple[str, str | None]  # (family, given); given None: an organisation's whole name


@dataclass(frozen=True)
class Paper:
    title: str
    year: int
    authors: tuple[Name, ...]
    container: str | None
    doi: str | None = None
    arxiv: str | None = None
    kind: str = "journal"  # journal | conference | preprint
    month: int | None = None
    # Per format ("bibtex", "biblatex", "ris", "csljson"): fields written as
    # given here instead of from the values above ("title", "author", ...).
    forms: dict[str, dict[str, str]] = field(default_factory=dict)
    # Per format: an expected title other than `title` (the catalog keeps a
    # CSL-JSON source's <sub> where BibTeX's source wrote math).
    expect: dict[str, str] = field(default_factory=dict)
    # Per format: an expected first author's family name other than the
    # first of `authors` (RIS cannot hold an organisation's name with a comma).
    expect_author: dict[str, str] = field(default_factory=dict)


def _as_written(title: str) -> dict[str, dict[str, str]]:
    """A title whose TeX (math) BibTeX and biblatex files write as it is."""
    return {"bibtex": {"title": title}, "biblatex": {"title": title}}


MEDIA = "Medical Image Analysis"
TMI = "IEEE Transactions on Medical Imaging"
MICCAI = "Medical Image Computing and Computer Assisted Intervention"
MIDL = "Medical Imaging with Deep Learning"
CBM = "Computers in Biology and Medicine"
SCIREP = "Scientific Reports"
JBHI = "IEEE Journal of Biomedical and Health Informatics"
RADIOLOGY = "Radiology: Artificial Intelligence"

PAPERS: list[Paper] = [
    # -- plain records: the formats' ordinary spellings ----------------------------
    Paper("Contrastive Pretraining for Chest Radiograph Classification", 2021,
          (("Okafor", "Chidi"), ("Lindqvist", "Maja")), MEDIA, "10.5555/corpus.001", month=3),
    Paper("Masked Image Modeling Improves Brain Tumour Segmentation", 2022,
          (("Ferreira", "Ana"), ("Kowalski", "Piotr")), TMI, "10.5555/corpus.002"),
    Paper("Rotation Prediction as a Pretext Task for Retinal Images", 2020,
          (("Nakamura", "Yui"),), MICCAI, "10.5555/corpus.003", kind="conference"),
    Paper("Self-Supervised Registration of Cardiac MRI Sequences", 2019,
          (("Haddad", "Omar"), ("Brennan", "Siobhan")), MIDL, "10.5555/corpus.004",
          kind="conference"),
    Paper("Learning Histopathology Representations Without Labels", 2023,
          (("Svensson", "Erik"),), CBM, "10.5555/corpus.005", month=11),
    Paper("Momentum Contrast for Dermoscopic Lesion Analysis", 2021,
          (("Adeyemi", "Tolu"), ("Rossi", "Giulia")), SCIREP, "10.5555/corpus.006"),
    Paper("A Denoising Autoencoder for Low-Dose CT", 2018,
          (("Petrov", "Ivan"),), TMI, "10.5555/corpus.007", month=7),
    Paper("Jigsaw Puzzles Teach Networks Anatomy", 2020,
          (("Moreau", "Camille"), ("Singh", "Arjun")), MICCAI, "10.5555/corpus.008",
          kind="conference"),
    Paper("Pretraining Vision Transformers on Unlabelled Mammograms", 2023,
          (("Olsen", "Freja"),), RADIOLOGY, "10.5555/corpus.009"),
    Paper("Cross-Modal Contrast Between Reports and Radiographs", 2022,
          (("Chen", "Mei"), ("Walker", "Tom")), JBHI, "10.5555/corpus.010", month=1),
    Paper("Few Labels Suffice for Polyp Detection After Pretraining", 2021,
          (("Ibrahim", "Sara"),), MEDIA, "10.5555/corpus.011"),
    Paper("Temporal Consistency as Supervision for Echocardiography", 2020,
          (("Dubois", "Luc"), ("Park", "Ji-woo")), MIDL, "10.5555/corpus.012",
          kind="conference"),
    Paper("A Benchmark of Pretext Tasks for Ultrasound", 2022,
          (("Garcia", "Lucia"),), CBM, "10.5555/corpus.013"),
    Paper("Self-Distillation for Whole Slide Image Retrieval", 2023,
          (("Novak", "Jan"), ("Eze", "Ngozi")), MEDIA, "10.5555/corpus.014", month=5),
    Paper("Context Restoration for Abdominal CT", 2019,
          (("Tanaka", "Hiro"),), MEDIA, "10.5555/corpus.015"),
    Paper("Pretrained Encoders Transfer Across Scanners", 2021,
          (("Kim", "Soo"), ("Andersen", "Lars")), TMI, "10.5555/corpus.016"),
    Paper("Graph Contrastive Learning on Vessel Trees", 2022,
          (("Hussain", "Ayesha"),), MICCAI, "10.5555/corpus.017", kind="conference"),
    Paper("Local Contrast for Dense Prediction in Pathology", 2023,
          (("Wright", "Ella"), ("Mensah", "Kofi")), SCIREP, "10.5555/corpus.018"),
    Paper("Learning From Unlabelled Fundus Photographs", 2020,
          (("Lopez", "Diego"),), JBHI, "10.5555/corpus.019", month=9),
    Paper("Representation Learning for Knee Osteoarthritis Grading", 2021,
          (("Keller", "Jonas"), ("Ahmed", "Farah")), RADIOLOGY, "10.5555/corpus.020"),
    Paper("Anatomical Priors Improve Self-Supervised Segmentation", 2022,
          (("Ivanova", "Olga"),), MEDIA, "10.5555/corpus.021"),
    Paper("Multi-View Contrast for Mammography Screening", 2023,
          (("Bianchi", "Marco"), ("Zhou", "Lin")), MIDL, "10.5555/corpus.022",
          kind="conference"),
    Paper("Predicting Slice Order in Volumetric Scans", 2019,
          (("Fischer", "Anna"),), MICCAI, "10.5555/corpus.023", kind="conference"),
    Paper("Frequency Masking for Spectral CT Pretraining", 2024,
          (("Oyelaran", "Bisi"), ("Hall", "Ruth")), TMI, "10.5555/corpus.024"),
    Paper("Semi-Supervised Learning Meets Pretext Tasks in Dermatology", 2021,
          (("Sato", "Kenji"),), CBM, "10.5555/corpus.025"),
    Paper("Instance Discrimination on Brain MRI", 2020,
          (("Richter", "Paul"), ("Cohen", "Dana")), MEDIA, "10.5555/corpus.026"),
    Paper("Label-Efficient Cell Detection", 2022,
          (("Mbeki", "Thabo"),), SCIREP, "10.5555/corpus.027", month=12),
    Paper("Pretraining on Synthetic Lesions", 2023,
          (("Larsen", "Ida"), ("Khan", "Imran")), JBHI, "10.5555/corpus.028"),
    Paper("Global and Local Features for Lung Nodule Classification", 2021,
          (("Popescu", "Ioana"),), MIDL, "10.5555/corpus.029", kind="conference"),
    Paper("Reconstruction Objectives for Photoacoustic Imaging", 2022,
          (("Schmidt", "Lena"), ("Diallo", "Awa")), TMI, "10.5555/corpus.030"),
    # -- preprints: arXiv ids, and arXiv's DataCite DOI, which is the id ---------
    Paper("Scaling Self-Supervised Pretraining to a Million Radiographs", 2023,
          (("Hernandez", "Pablo"), ("Aziz", "Nadia")), None, arxiv="2301.01234",
          kind="preprint"),
    Paper("A Survey of Pretext Tasks in Medical Imaging", 2022,
          (("Johansson", "Karl"),), None, arxiv="2205.05678", kind="preprint",
          forms={"ris": {"DO": "10.48550/arXiv.2205.05678"},
                 "csljson": {"DOI": "10.48550/arXiv.2205.05678"},
                 "bibtex": {"doi": "10.48550/arXiv.2205.05678"}}),
    Paper("Foundation Models for Pathology Need Less Data Than You Think", 2024,
          (("Wei", "Zhang"), ("Obi", "Chinwe")), None, arxiv="2402.09999", kind="preprint"),
    Paper("Contrastive Learning Under Domain Shift", 2021,
          (("Mendes", "Rita"),), None, arxiv="2106.11111", kind="preprint"),
    # -- LaTeX that must not lose a word (BibTeX and biblatex) ------------------------
    Paper("Deep Learning for MRI Reconstruction", 2021, (("Quinn", "Aoife"),), MEDIA,
          "10.5555/corpus.035",
          forms={"bibtex": {"title": r"Deep Learning for \mbox{MRI} Reconstruction"},
                 "biblatex": {"title": r"Deep Learning for \mbox{MRI} Reconstruction"}}),
    Paper("nnU-Net Pretraining in LaTeX and BibTeX Workflows", 2022, (("Bauer", "Max"),), TMI,
          "10.5555/corpus.036",
          forms={"bibtex": {"title": r"\texttt{nnU-Net} Pretraining in \LaTeX{} and \BibTeX\ "
                                     r"Workflows"},
                 "biblatex": {"title": r"\texttt{nnU-Net} Pretraining in \LaTeX\ and \BibTeX{} "
                                       r"Workflows"}}),
    Paper("Upright and Sans Serif Text in Titles", 2020, (("Young", "Grace"),), CBM,
          "10.5555/corpus.037",
          forms={"bibtex": {"title": r"\textup{Upright} and \textsf{Sans Serif} Text in Titles"},
                 "biblatex": {"title": r"\textup{Upright} and \textsf{Sans Serif} Text in "
                                       r"Titles"}}),
    Paper("A Tilde ~ and a Caret ^ in Titles", 2021, (("Zeller", "Kai"),), SCIREP,
          "10.5555/corpus.038",
          forms={"bibtex": {"title": r"A Tilde \~{} and a Caret \textasciicircum{} in Titles"},
                 "biblatex": {"title": r"A Tilde \textasciitilde{} and a Caret \^{} in Titles"}}),
    Paper("Café, Über and Çelik: Accents in Author Names and Titles", 2019,
          (("Müller", "Jörg"), ("Çelik", "Ayşe")), JBHI, "10.5555/corpus.039",
          forms={"bibtex": {"title": r"Caf{\'e}, \"{U}ber and \c{C}elik: Accents in Author "
                                     r"Names and Titles",
                            "author": r"M{\"u}ller, J{\"o}rg and {\c{C}}elik, Ay{\c{s}}e"},
                 "biblatex": {"title": r"Caf\'e, {\"U}ber and \c Celik: Accents in Author Names "
                                       r"and Titles",
                              "author": r"family={M\"uller}, given={J\"org} and "
                                        r"family={\c{C}elik}, given={Ay\c{s}e}"}}),
    Paper("Straße, Łódź and Øresund: Letters Without Accents", 2020,
          (("Łukasiewicz", "Jan"),), MEDIA, "10.5555/corpus.040",
          forms={"bibtex": {"title": r"Stra\ss e, \L{}\'od\'z and \O resund: Letters Without "
                                     r"Accents",
                            "author": r"{\L}ukasiewicz, Jan"},
                 "biblatex": {"title": r"Stra{\ss}e, {\L}{\'o}d{\'z} and {\O}resund: Letters "
                                       r"Without Accents",
                              "author": r"{\L}ukasiewicz, Jan"}}),
    Paper("Ranges 10–20 — and “Quotes” in Plain Fields", 2021, (("Moss", "Iris"),), CBM,
          "10.5555/corpus.041",
          forms={"bibtex": {"title": "Ranges 10--20 --- and ``Quotes'' in Plain Fields"},
                 "biblatex": {"title": "Ranges 10--20 --- and ``Quotes'' in Plain Fields"}}),
    Paper("Dashes – Everywhere — With 50% Fewer Labels", 2022, (("Fox", "Neil"),), SCIREP,
          "10.5555/corpus.042",
          forms={"bibtex": {"title": r"Dashes -- Everywhere --- With 50\% Fewer Labels"},
                 "biblatex": {"title": r"Dashes -- Everywhere --- With 50\% Fewer Labels"}}),
    Paper("Unknown Macros Keep Their Words", 2023, (("Lind", "Eva"),), MEDIA,
          "10.5555/corpus.043",
          forms={"bibtex": {"title": r"\zzcustom{Unknown} Macros \relax Keep \mymacro{Their} "
                                     r"Words"},
                 "biblatex": {"title": r"\NoCaseChange{Unknown} Macros Keep \foreignword{Their} "
                                       r"Words"}},
          expect={"biblatex": '<span class="nocase">Unknown</span> Macros Keep Their Words'}),
    Paper("Linked Project Pages in Notes", 2021, (("Reyes", "Marta"),), TMI,
          "10.5555/corpus.044",
          forms={"bibtex": {"note": r"see \href{https://example.org/project}{the project page}"},
                 "biblatex": {"note": r"code at \url{https://example.org/a_b%20c}"}}),
    # -- rich text: italics, bold, small caps, sub/superscripts, nocase --------------
    Paper("<i>Escherichia coli</i> Colonies Segmented Without Labels", 2022,
          (("Hart", "Owen"),), SCIREP, "10.5555/corpus.045",
          forms={"bibtex": {"title": r"\emph{Escherichia coli} Colonies Segmented Without "
                                     r"Labels"},
                 "biblatex": {"title": r"\textit{Escherichia coli} Colonies Segmented Without "
                                       r"Labels"}}),
    Paper("CO<sub>2</sub> Retention Predicted From Chest CT", 2021, (("Nilsen", "Per"),), CBM,
          "10.5555/corpus.046",
          forms={"bibtex": {"title": r"CO\textsubscript{2} Retention Predicted From Chest CT"},
                 "biblatex": {"title": r"CO\textsubscript{2} Retention Predicted From Chest CT"}}),
    Paper("<b>Bold</b> Claims and <span style=\"font-variant:small-caps;\">Small "
          "Capitals</span>", 2020, (("Grant", "Lily"),), MIDL, "10.5555/corpus.047",
          kind="conference",
          forms={"bibtex": {"title": r"\textbf{Bold} Claims and \textsc{Small Capitals}"},
                 "biblatex": {"title": r"{\bf Bold} Claims and {\scshape Small Capitals}"}}),
    Paper("Second-Order x<sup>2</sup> Losses for <span class=\"nocase\">iPhone</span> "
          "Photographs", 2023, (("Ortiz", "Raul"),), JBHI, "10.5555/corpus.048",
          forms={"bibtex": {"title": r"Second-Order x\textsuperscript{2} Losses for "
                                     r"\NoCaseChange{iPhone} Photographs"},
                 "biblatex": {"title": r"Second-Order x\textsuperscript{2} Losses for "
                                       r"\NoCaseChange{iPhone} Photographs"}}),
    # -- math: kept as math in the catalog ------------------------------------------
    Paper("Cu$_2$O Nanoparticles Imaged by Self-Supervised Microscopy", 2021,
          (("Becker", "Ute"),), SCIREP, "10.5555/corpus.049",
          forms={**_as_written("Cu$_2$O Nanoparticles Imaged by Self-Supervised Microscopy"),
                 "csljson": {"title": "Cu<sub>2</sub>O Nanoparticles Imaged by Self-Supervised "
                                      "Microscopy"},
                 "ris": {"TI": "Cu<sub>2</sub>O Nanoparticles Imaged by Self-Supervised "
                               "Microscopy"}},
          expect={"csljson": "Cu<sub>2</sub>O Nanoparticles Imaged by Self-Supervised "
                             "Microscopy",
                  "ris": "Cu<sub>2</sub>O Nanoparticles Imaged by Self-Supervised Microscopy"}),
    Paper(r"$\alpha$-Synuclein Aggregates in Unlabelled Brain Sections", 2022,
          (("Costa", "Pedro"),), MEDIA, "10.5555/corpus.050",
          forms={**_as_written(r"$\alpha$-Synuclein Aggregates in Unlabelled Brain Sections"),
                 "csljson": {"title": "α-Synuclein Aggregates in Unlabelled Brain Sections"},
                 "ris": {"TI": "α-Synuclein Aggregates in Unlabelled Brain Sections"}},
          expect={"csljson": "α-Synuclein Aggregates in Unlabelled Brain Sections",
                  "ris": "α-Synuclein Aggregates in Unlabelled Brain Sections"}),
    Paper(r"An $O(n \log n)$ Sampler for Contrastive Pairs", 2023, (("Aksoy", "Deniz"),),
          MIDL, "10.5555/corpus.051", kind="conference",
          forms=_as_written(r"An $O(n \log n)$ Sampler for Contrastive Pairs")),
    Paper("Pricing Annotation at $5 per Image and $10 per Volume", 2020,
          (("Webb", "Hugo"),), CBM, "10.5555/corpus.052",
          forms={"bibtex": {"title": r"Pricing Annotation at \$5 per Image and \$10 per Volume"},
                 "biblatex": {"title": r"Pricing Annotation at \$5 per Image and \$10 per "
                                       r"Volume"}}),
    # -- names: organisations with commas, particles, suffixes ---------------------
    Paper("Guidance on Self-Supervised Models in Clinical Use", 2023,
          (("Council on Imaging, Ethics and Law", None), ("Doe", "Jane")), RADIOLOGY,
          "10.5555/corpus.053",
          forms={"biblatex": {"author": "{Council on Imaging, Ethics and Law} and family=Doe, "
                                        "given=Jane"}},
          # RIS names are "Last, First" (its specification): the comma splits.
          expect_author={"ris": "Council on Imaging"}),
    Paper("A Consortium Report on Pretraining Data", 2022,
          (("The MONAI Consortium", None),), JBHI, "10.5555/corpus.054"),
    Paper("Particles in Family Names Stay With the Family", 2021,
          (("van der Berg", "Anna"), ("de la Cruz", "José")), MEDIA, "10.5555/corpus.055",
          forms={"biblatex": {"author": "family=Berg, given=Anna, prefix=van der, useprefix=true"
                                        " and family=Cruz, given=José, prefix=de la"}}),
    Paper("Suffixes Such as Junior Are No Given Names", 2020,
          (("King", "Martin"), ("Smith", "John")), TMI, "10.5555/corpus.056",
          forms={"bibtex": {"author": "King, Jr., Martin and Smith, John"},
                 "biblatex": {"author": "family=King, given=Martin, suffix=Jr. and "
                                        "family=Smith, given=John"}}),
    # -- BibTeX's @string and # ----------------------------------------------------
    Paper("Concatenated Titles Read Whole", 2021, (("Price", "Sam"),), TMI,
          "10.5555/corpus.057",
          forms={"bibtex": {"title": '"Concatenated " # {Titles} # " Read Whole"',
                            "journal": 'ieee # " Transactions on Medical Imaging"'},
                 "biblatex": {"title": '{Concatenated } # "Titles Read Whole"',
                              "journaltitle": "tmi"}}),
    Paper("Journals Named by Macros", 2022, (("Ngata", "Aroha"),), MEDIA, "10.5555/corpus.058",
          forms={"bibtex": {"journal": "media"}, "biblatex": {"journaltitle": "MEDIA"}}),
    # -- biblatex: subtitle, titleaddon, dates, journalsubtitle, ids -----------------
    Paper("Self-Supervised Learning. A Survey. Extended Version", 2021, (("Holt", "Ben"),),
          MEDIA, "10.5555/corpus.059",
          forms={"biblatex": {"title": "Self-Supervised Learning", "subtitle": "A Survey",
                              "titleaddon": "Extended Version"}}),
    Paper("Does Pretraining Help? Evidence From Twelve Datasets", 2022,
          (("Ueda", "Mai"),), TMI, "10.5555/corpus.060",
          forms={"biblatex": {"title": "Does Pretraining Help?",
                              "subtitle": "Evidence From Twelve Datasets"}}),
    Paper("Range Dates Count From Their Start", 2019, (("Vance", "Cleo"),), CBM,
          "10.5555/corpus.061", month=10,
          forms={"biblatex": {"date": "2019-10/2020-02", "year": "2020"}}),
    Paper("Open Ranges and Uncertain Years", 2020, (("Wolfe", "Ada"),), SCIREP,
          "10.5555/corpus.062", forms={"biblatex": {"date": "2020?/"}}),
    Paper("Alias Keys Keep Old Citations Working", 2023, (("Xu", "Bo"),), JBHI,
          "10.5555/corpus.063", forms={"biblatex": {"ids": "oldAliasKey2022, aliasKey:two"}}),
    # -- RIS: Zotero's and others' tag spellings -------------------------------------
    Paper("Titles Given as T1 With Primary Authors in A1", 2021, (("Yilmaz", "Emre"),), MEDIA,
          "10.5555/corpus.064",
          forms={"ris": {"T1": "Titles Given as T1 With Primary Authors in A1",
                         "A1": "Yilmaz, Emre", "JF": MEDIA, "Y1": "2021/04/15/"}}),
    Paper("An Abstract Over Several Lines", 2022, (("Zamora", "Luz"),), TMI,
          "10.5555/corpus.065",
          forms={"ris": {"AB": "First line of the abstract,\ncontinued on a second line\n"
                               "US - guided biopsy is mentioned here."}}),
    # -- CSL-JSON: literal names, issued forms, numbers --------------------------------
    Paper("Issued Dates Given as Raw Text", 2020, (("Abbott", "Nina"),), CBM,
          "10.5555/corpus.066", month=6,
          forms={"csljson": {"issued": '{"raw": "2020-06-30"}'}}),
    Paper("Seasons of Publication Written in Free Text", 2021, (("Byrne", "Cian"),), SCIREP,
          "10.5555/corpus.067", forms={"csljson": {"issued": '{"literal": "Spring 2021"}'}}),
    Paper("Date Parts Written as Strings", 2022, (("Cruz", "Ines"),), MIDL,
          "10.5555/corpus.068", kind="conference", month=2,
          forms={"csljson": {"issued": '{"date-parts": [["2022", "2"]]}'}}),
    # -- identifiers in the forms people write them -----------------------------------
    Paper("DOIs Written as Links", 2021, (("Dorsey", "Kim"),), MEDIA, "10.5555/corpus.069",
          forms={"bibtex": {"doi": "https://doi.org/10.5555/corpus.069"},
                 "biblatex": {"doi": "http://dx.doi.org/10.5555/corpus.069"},
                 "ris": {"DO": "https://doi.org/10.5555/corpus.069"},
                 "csljson": {"DOI": "doi:10.5555/corpus.069"}}),
    Paper("DOIs With Escaped Underscores", 2022, (("Ekwueme", "Obi"),), TMI,
          "10.5555/corpus_070",
          forms={"bibtex": {"doi": r"10.5555/corpus\_070"},
                 "biblatex": {"doi": r"10.5555/corpus\_070"}}),
    Paper("Links That Carry the DOI Alone", 2023, (("Foster", "Una"),), CBM, "10.5555/corpus.071",
          forms={"bibtex": {"doi": "", "url": "https://doi.org/10.5555/corpus.071"},
                 "biblatex": {"doi": "", "url": "https://doi.org/10.5555/corpus.071"},
                 "ris": {"DO": "", "UR": "https://doi.org/10.5555/corpus.071"},
                 "csljson": {"DOI": "", "URL": "https://doi.org/10.5555/corpus.071"}}),
    # -- more ordinary records, to have many of every kind ------------------------------
    Paper("Uncertainty-Aware Contrastive Learning for Prostate MRI", 2023,
          (("Gunnarsson", "Sif"), ("Hale", "Rob")), RADIOLOGY, "10.5555/corpus.072"),
    Paper("Learning Anatomy by Predicting Missing Slices", 2020, (("Ito", "Ren"),), MICCAI,
          "10.5555/corpus.073", kind="conference"),
    Paper("Self-Supervised Pretraining for Colonoscopy Video", 2021,
          (("Jensen", "Mads"), ("Kaur", "Simran")), MEDIA, "10.5555/corpus.074", month=8),
    Paper("Barlow Twins for Thoracic CT", 2022, (("Lam", "Vy"),), TMI, "10.5555/corpus.075"),
    Paper("Clustering Objectives for Cytology Slides", 2019, (("Mora", "Eli"),), CBM,
          "10.5555/corpus.076"),
]
