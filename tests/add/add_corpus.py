"""Crossref records for `ssl-bib add`, beside tests/crossref's corpus: papers
not in the catalog yet, and records that exercise the venue rules.

Real DOIs carry their papers' titles, authors and venues; values not known
for sure are left out rather than guessed (a record without pages is a real
Crossref shape). Records that exist only for tests use the test prefix 10.5555.
"""

from __future__ import annotations

from typing import Any

from tests.crossref.crossref_corpus import corpus as enrich_corpus
from tests.crossref.crossref_corpus import work

IEEE = "Institute of Electrical and Electronics Engineers (IEEE)"
LNCS = "Lecture Notes in Computer Science"
CVPR_2022 = "2022 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"
ISBI_2020 = "2020 IEEE 17th International Symposium on Biomedical Imaging (ISBI)"

ADD_RECORDS: list[dict[str, Any]] = [
    # The issue's own example DOI: a CVPR paper (known venue by "(CVPR)").
    work("10.1109/CVPR52688.2022.01553", "proceedings-article",
         "Masked Autoencoders Are Scalable Vision Learners", (2022, 6),
         [("He", "Kaiming"), ("Chen", "Xinlei"), ("Xie", "Saining"), ("Li", "Yanghao"),
          ("Dollár", "Piotr"), ("Girshick", "Ross")], [CVPR_2022], "IEEE"),
    # The journal version of Models Genesis, named by arXiv 2004.07882.
    work("10.1016/j.media.2020.101840", "journal-article", "Models Genesis", (2021, 1),
         [("Zhou", "Zongwei"), ("Sodha", "Vatsal"), ("Pang", "Jiaxuan"),
          ("Gotway", "Michael B."), ("Liang", "Jianming")], ["Medical Image Analysis"],
         "Elsevier BV", volume="67", article_number="101840", page="101840",
         ISSN=["1361-8415"], issn_type=[{"value": "1361-8415", "type": "print"}],
         short_container_title=["Medical Image Analysis"]),
    # A journal the catalog does not list yet: a new venue.
    work("10.1038/s41551-022-00914-1", "journal-article",
         "Self-supervised learning in medicine and healthcare", (2022, 8),
         [("Krishnan", "Rayan"), ("Rajpurkar", "Pranav"), ("Topol", "Eric J.")],
         ["Nature Biomedical Engineering"], "Springer Science and Business Media LLC",
         volume="6", issue="12", page="1346-1352", ISSN=["2157-846X"],
         issn_type=[{"value": "2157-846X", "type": "electronic"}],
         short_container_title=["Nat. Biomed. Eng"]),
    # A Springer MICCAI chapter (the venue by the acronym in its container).
    work("10.1007/978-3-030-32226-7_72", "book-chapter",
         "How to Learn from Unlabeled Volume Data: Self-supervised 3D Context Feature "
         "Learning", (2019,),
         [("Blendowski", "Maximilian"), ("Nickisch", "Hannes"), ("Heinrich", "Mattias P.")],
         ["Medical Image Computing and Computer Assisted Intervention – MICCAI 2019", LNCS],
         "Springer International Publishing", ISSN=["0302-9743", "1611-3349"]),
    # An ISBI paper reached by its IEEE Xplore document number.
    work("10.1109/ISBI45749.2020.9098369", "proceedings-article",
         "Self-Supervision vs. Transfer Learning: Robust Biomedical Image Analysis Against "
         "Adversarial Attacks", (2020, 4),
         [("Anand", "Deepak"), ("Tank", "Darshan"), ("Tibrewal", "Harshvardhan"),
          ("Sethi", "Amit")], [ISBI_2020], "IEEE",
         event={"name": ISBI_2020, "location": "Iowa City, IA, USA"},
         link=[{"URL": "http://xplorestaging.ieee.org/ielx7/9091353/9098314/09098369.pdf"
                       "?arnumber=9098369", "content-type": "unspecified",
                "content-version": "vor", "intended-application": "similarity-checking"}]),
    # -- test-only records (prefix 10.5555) ------------------------------------------
    # A journal known by ISSN only: Crossref spells the name differently.
    work("10.5555/tmi.by-issn", "journal-article",
         "Sparse-View CT Reconstruction with Self-Supervised Priors", (2024, 2),
         [("Okafor", "Ada"), ("Lindqvist", "Nils")], ["IEEE Trans Med Imag"], IEEE,
         volume="43", issue="2", page="700-711", ISSN=["0278-0062", "1558-254X"],
         issn_type=[{"value": "0278-0062", "type": "print"},
                    {"value": "1558-254X", "type": "electronic"}]),
    # A new conference venue: the event's acronym is its abbreviation.
    work("10.5555/cbms.2023.00042", "proceedings-article",
         "Self-Supervised Pretraining for Dermoscopy Lesion Classification", (2023, 6),
         [("Moreau", "Camille")],
         ["2023 IEEE 36th International Symposium on Computer-Based Medical Systems (CBMS)"],
         "IEEE", event={"name": "2023 IEEE 36th International Symposium on Computer-Based "
                                "Medical Systems (CBMS)", "acronym": "CBMS 2023",
                        "location": "L'Aquila, Italy"}),
    # A workshop paper: never filed under its main conference.
    work("10.5555/eccvw.2022.7", "book-chapter",
         "Patch-Level Contrastive Learning for Endoscopy Video Frames", (2023,),
         [("Ito", "Haruki")], [LNCS, "Computer Vision – ECCV 2022 Workshops"],
         "Springer Nature Switzerland"),
    # Not a paper.
    work("10.5555/dataset.ct-volumes", "dataset", "A Set of Annotated CT Volumes", (2022,),
         [("Berg", "Jonas")], [], "Zenodo"),
    # The published version of arXiv 2405.05555, found through its journal reference.
    work("10.5555/media.2025.103300", "journal-article",
         "Anatomy-Aware Masked Image Modelling for Chest Radiographs", (2025, 1),
         [("Almeida", "Sofia"), ("Novak", "Peter")], ["Medical Image Analysis"],
         "Elsevier BV", volume="99", article_number="103300", ISSN=["1361-8415"]),
]


def corpus() -> list[dict[str, Any]]:
    return [*enrich_corpus(), *ADD_RECORDS]
