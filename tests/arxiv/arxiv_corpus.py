"""The local arXiv server's papers: our own fixtures, shaped on the API manual.

hep-ex/0307015 is the manual's own example (its title, author, comment,
journal reference and dates as the manual prints them). The others are real
arXiv ids of papers on self-supervised learning; titles and authors follow
the papers, dates and versions are plausible stand-ins. Papers that exist only
for tests use ids from 2401 on with made-up titles.
"""

from __future__ import annotations

from tests.arxiv.arxiv_server import Paper

MANUAL_H1 = Paper(
    "hep-ex/0307015",
    "Multi-Electron Production at High Transverse Momenta in ep Collisions at HERA",
    ["H1 Collaboration"], "2003-07-07T13:46:39-04:00", primary="hep-ex",
    summary="Multi-electron production is studied at high electron transverse momentum in "
            "positron- and electron-proton collisions using the H1 detector at HERA.",
    comment="23 pages, 8 figures and 4 tables", journal_ref="Eur.Phys.J. C31 (2003) 17-29")

MAE = Paper("2111.06377", "Masked Autoencoders Are Scalable Vision Learners",
            ["Kaiming He", "Xinlei Chen", "Saining Xie", "Yanghao Li", "Piotr Dollár",
             "Ross Girshick"], "2021-11-11T18:46:40Z", versions=3,
            updated="2021-12-19T18:27:05Z", primary="cs.CV", comment="Tech report")

MODELS_GENESIS = Paper(
    "2004.07882", "Models Genesis",
    ["Zongwei Zhou", "Vatsal Sodha", "Jiaxuan Pang", "Michael B. Gotway", "Jianming Liang"],
    "2020-04-16T18:42:54Z", versions=2, updated="2020-12-17T01:02:03Z", primary="eess.IV",
    categories=["eess.IV", "cs.CV"], doi="10.1016/j.media.2020.101840",
    comment="Medical Image Analysis (MedIA)")

CONTEXT_MATTERS = Paper(
    "2012.06457",
    "Context Matters: Graph-based Self-supervised Representation Learning for Medical Images",
    ["Li Sun", "Ke Yu", "Kayhan Batmanghelich"], "2020-12-11T16:26:07Z", primary="cs.CV",
    comment="Accepted by AAAI 2021")

MOCO_CXR = Paper(
    "2010.05352",
    "MoCo-CXR: MoCo Pretraining Improves Representation and Transferability of Chest X-ray "
    "Models", ["Hari Sowrirajan", "Jingbo Yang", "Andrew Y. Ng", "Pranav Rajpurkar"],
    "2020-10-11T05:41:27Z", versions=3, updated="2021-05-18T00:00:00Z", primary="cs.CV")

SSL_3D = Paper(
    "2006.03829", "3D Self-Supervised Methods for Medical Imaging",
    ["Aiham Taleb", "Winfried Loetzsch", "Noel Danz", "Julius Severin", "Thomas Gaertner",
     "Benjamin Bergner", "Christoph Lippert"], "2020-06-06T09:56:58Z", versions=2,
    primary="cs.CV")

SIMCLR = Paper(
    "2002.05709", "A Simple Framework for Contrastive Learning of Visual Representations",
    ["Ting Chen", "Simon Kornblith", "Mohammad Norouzi", "Geoffrey Hinton"],
    "2020-02-13T18:50:45Z", versions=3, updated="2020-07-01T00:09:08Z", primary="cs.LG",
    categories=["cs.LG", "cs.CV", "stat.ML"], comment="ICML'2020")

# -- test-only papers ------------------------------------------------------------

# A long title, hard-wrapped by the server, with markup and an entity to clean.
WRAPPED = Paper(
    "2403.00001",
    "Learning to Segment <i>Anything</i> in Three-Dimensional Ultrasound &amp; MRI Volumes "
    "with Very Few Labels: A Self-Supervised Approach",
    ["Ana María García-López", "Ludwig van der Berg", "Martin Luther King Jr.",
     "ImageNet Consortium"], "2024-03-01T12:00:00Z", versions=4,
    updated="2024-06-01T12:00:00Z", primary="eess.IV")

# arXiv names a DOI that Crossref does not know.
DOI_UNKNOWN = Paper("2401.01234", "Self-Supervised Registration of Retinal Fundus Images",
                    ["Chen Wei", "Laura Fischer"], "2024-01-03T10:00:00Z", primary="eess.IV",
                    doi="10.5555/not-in-crossref")

# arXiv names a DOI whose Crossref record is another paper.
DOI_WRONG = Paper("2402.04321", "Contrastive Pretraining for Histopathology Slide Retrieval",
                  ["Marta Rossi", "Jonas Berg"], "2024-02-07T10:00:00Z", primary="cs.CV",
                  doi="10.1109/ACCESS.2020.2994047")

# A journal reference only; Crossref's search finds the published version.
JREF_FOUND = Paper("2405.05555", "Anatomy-Aware Masked Image Modelling for Chest Radiographs",
                   ["Sofia Almeida", "Peter Novak"], "2024-05-05T10:00:00Z",
                   primary="eess.IV", journal_ref="Med. Image Anal. 99 (2025) 103300")

PAPERS = [MANUAL_H1, MAE, SIMCLR, MODELS_GENESIS, CONTEXT_MATTERS, MOCO_CXR, SSL_3D, WRAPPED,
          DOI_UNKNOWN, DOI_WRONG, JREF_FOUND]
