"""The local Crossref server's records: the catalog's papers, in the shape of
real /works records, plus decoys that a careless matcher would take.

Titles, authors, pages, volumes and DOIs follow the real papers where the
project's verified seed facts give them; where they do not, values are
plausible stand-ins, and every DOI we do not know (published versions of
preprints, every decoy) uses Crossref's test prefix 10.5555. The ORCID iD is
ORCID's documented example iD.
"""

from __future__ import annotations

from typing import Any

EXAMPLE_ORCID = "https://orcid.org/0000-0002-1825-0097"

SPRINGER = "Springer International Publishing"
LNCS = "Lecture Notes in Computer Science"


def _date(*parts: int) -> dict[str, Any]:
    return {"date-parts": [list(parts)]}


def work(doi: str, kind: str, title: str | list[str], issued: tuple[int, ...],
         authors: list[tuple[str, str]] | None = None, container: list[str] | None = None,
         publisher: str = "", orcid_first: bool = False, **extra: Any) -> dict[str, Any]:
    """A record with the fields and boilerplate real /works records carry."""
    author_list = []
    for i, (family, given) in enumerate(authors or []):
        person: dict[str, Any] = {"given": given, "family": family,
                                  "sequence": "first" if i == 0 else "additional",
                                  "affiliation": []}
        if i == 0 and orcid_first:
            person = {"ORCID": EXAMPLE_ORCID, "authenticated-orcid": False, **person}
        author_list.append(person)
    record: dict[str, Any] = {
        "indexed": {"date-parts": [[2026, 3, 11]], "date-time": "2026-03-11T23:54:25Z",
                    "timestamp": 1773273265337, "version": "3.50.1"},
        "reference-count": 30,
        "publisher": publisher,
        "content-domain": {"domain": [], "crossmark-restriction": False},
        "short-container-title": [],
        "DOI": doi,
        "type": kind,
        "created": {"date-parts": [[issued[0], 1, 5]], "date-time": f"{issued[0]}-01-05T10:00:00Z",
                    "timestamp": 1578218400000},
        "source": "Crossref",
        "is-referenced-by-count": 12,
        "title": title if isinstance(title, list) else [title],
        "prefix": doi.split("/")[0],
        "member": "297",
        "container-title": container or [],
        "original-title": [],
        "language": "en",
        "deposited": {"date-parts": [[2023, 5, 2]], "date-time": "2023-05-02T10:00:00Z",
                      "timestamp": 1683021600000},
        "score": 1,
        "resource": {"primary": {"URL": f"https://example.org/{doi}"}},
        "subtitle": [],
        "short-title": [],
        "issued": _date(*issued),
        "references-count": 30,
        "URL": f"https://doi.org/{doi}",
        "relation": {},
        "subject": [],
        "published": _date(*issued),
    }
    if author_list:
        record["author"] = author_list
    record.update({k.replace("_", "-"): v for k, v in extra.items()})
    return record


def _issn(print_: str, electronic: str | None = None) -> dict[str, Any]:
    types = [{"value": print_, "type": "print"}]
    if electronic:
        types.append({"value": electronic, "type": "electronic"})
    return {"ISSN": [t["value"] for t in types], "issn_type": types}


def _isbn(print_: str, electronic: str) -> dict[str, Any]:
    return {"ISBN": [print_, electronic],
            "isbn_type": [{"value": print_, "type": "print"},
                          {"value": electronic, "type": "electronic"}]}


HAGHIGHI = [("Haghighi", "Fatemeh"), ("Hosseinzadeh Taher", "Mohammad Reza"),
            ("Zhou", "Zongwei"), ("Gotway", "Michael B."), ("Liang", "Jianming")]
HERVELLA = [("Hervella", "Álvaro S."), ("Rouco", "José"), ("Novo", "Jorge"),
            ("Ortega", "Marcos")]

# -- the catalog's papers -----------------------------------------------------

GENUINE: list[dict[str, Any]] = [
    # A Springer chapter whose container-title lists the series first.
    work("10.1007/978-3-030-32251-9_42", "book-chapter",
         "Models Genesis: Generic Autodidactic Models for 3D Medical Image Analysis", (2019,),
         [("Zhou", "Zongwei"), ("Sodha", "Vatsal"), ("Rahman Siddiquee", "Md Mahfuzur"),
          ("Feng", "Ruibin"), ("Tajbakhsh", "Nima"), ("Gotway", "Michael B."),
          ("Liang", "Jianming")],
         [LNCS, "Medical Image Computing and Computer Assisted Intervention – MICCAI 2019"],
         SPRINGER, orcid_first=True, page="384-393", publisher_location="Cham",
         **_isbn("9783030322502", "9783030322519"), **_issn("0302-9743", "1611-3349")),
    # The series second, as most Springer chapters have it.
    work("10.1007/978-3-030-59710-8_14", "book-chapter",
         "Learning Semantics-Enriched Representation via Self-discovery, Self-classification, "
         "and Self-restoration", (2020, 9),
         HAGHIGHI,
         ["Medical Image Computing and Computer Assisted Intervention – MICCAI 2020", LNCS],
         SPRINGER, page="137-147", **_isbn("9783030597091", "9783030597108"),
         **_issn("0302-9743", "1611-3349")),
    work("10.1109/TMI.2021.3060634", "journal-article",
         "Transferable Visual Words: Exploiting the Semantics of Anatomical Patterns for "
         "Self-Supervised Learning", (2021, 9), HAGHIGHI, ["IEEE Transactions on Medical Imaging"],
         "Institute of Electrical and Electronics Engineers (IEEE)", orcid_first=True,
         volume="40", issue="10", page="2857-2868", **_issn("0278-0062", "1558-254X"),
         short_container_title=["IEEE Trans. Med. Imaging"]),
    work("10.1007/978-3-030-87196-3_6", "book-chapter",
         "Contrastive Learning with Continuous Proxy Meta-data for 3D MRI Classification",
         (2021,), [("Dufumier", "Benoit"), ("Gori", "Pietro"), ("Victor", "Julie"),
                   ("Grigis", "Antoine"), ("Duchesnay", "Edouard")],
         [LNCS, "Medical Image Computing and Computer Assisted Intervention – MICCAI 2021"],
         SPRINGER, page="58-68", **_isbn("9783030871956", "9783030871963")),
    # No authors in this record: an absent list must parse.
    work("10.3390/diagnostics12081805", "journal-article",
         "COVID-19 Infection Segmentation and Severity Assessment Using a Self-Supervised "
         "Learning Approach", (2022, 7, 23), None, ["Diagnostics"], "MDPI AG",
         volume="12", issue="8", article_number="1805", **_issn("2075-4418")),
    work("10.3390/diagnostics12051237", "journal-article",
         "Self-Supervised Learning Methods for Label-Efficient Dental Caries Classification",
         (2022, 5, 18),
         [("Taleb", "Aiham"), ("Rohrer", "Csaba"), ("Bergner", "Benjamin"),
          ("De Leon", "Guilherme"), ("Rodrigues", "Jonas Almeida"), ("Schwendicke", "Falk"),
          ("Lippert", "Christoph"), ("Krois", "Joachim")],
         ["Diagnostics"], "MDPI AG", volume="12", issue="5", article_number="1237",
         **_issn("2075-4418")),
    work("10.1007/978-3-031-25082-8_31", "book-chapter",
         "Self-supervised Pretraining for\u00a02D Medical Image Segmentation", (2023,),
         [("Kalapos", "András"), ("Gyires-Tóth", "Bálint")],
         [LNCS, "Computer Vision – ECCV 2022 Workshops"], "Springer Nature Switzerland",
         page="472-484", **_isbn("9783031250811", "9783031250828")),
    work("10.1007/978-3-319-67558-9_34", "book-chapter",
         "Self-supervised Learning for Spinal MRIs", (2017,),
         [("Jamaludin", "Amir"), ("Kadir", "Timor"), ("Zisserman", "Andrew")],
         ["Deep Learning in Medical Image Analysis and Multimodal Learning for Clinical "
          "Decision Support", LNCS], SPRINGER, page="294-302",
         **_isbn("9783319675572", "9783319675589")),
    # Elsevier articles, reached by the PII in their ScienceDirect links.
    work("10.1016/j.eswa.2021.115598", "journal-article",
         "Self-supervised multimodal reconstruction pre-training for retinal computer-aided "
         "diagnosis", (2021, 12), HERVELLA, ["Expert Systems with Applications"], "Elsevier BV",
         volume="185", article_number="115598", alternative_id=["S0957417421009982"],
         **_issn("0957-4174")),
    # An entity in the title: Crossref's titles are markup.
    work("10.1016/j.media.2020.101746", "journal-article",
         "Rubik&#x2019;s Cube+: A self-supervised feature learning framework for 3D medical "
         "image analysis", (2020, 8),
         [("Zhu", "Jiuwen"), ("Li", "Yuexiang"), ("Hu", "Yifan"), ("Ma", "Kai"),
          ("Zhou", "S. Kevin"), ("Zheng", "Yefeng")],
         ["Medical Image Analysis"], "Elsevier BV", volume="64", article_number="101746",
         page="101746", alternative_id=["S1361841520301109"], **_issn("1361-8415")),
    work("10.1016/j.asoc.2020.106210", "journal-article",
         "Learning the retinal anatomy from scarce annotated data using self-supervised "
         "multimodal reconstruction", (2020, 6), HERVELLA, ["Applied Soft Computing"],
         "Elsevier BV", volume="91", article_number="106210",
         alternative_id=["S1568494620301502"], **_issn("1568-4946")),
    work("10.1016/j.media.2019.101539", "journal-article",
         "Self-supervised learning for medical image analysis using image context restoration",
         (2019, 12),
         [("Chen", "Liang"), ("Bentley", "Paul"), ("Mori", "Kensaku"), ("Misawa", "Kazunari"),
          ("Fujiwara", "Michitaka"), ("Rueckert", "Daniel")],
         ["Medical Image Analysis"], "Elsevier BV", volume="58", article_number="101539",
         page="101539", alternative_id=["S1361841518304699"], **_issn("1361-8415")),
    # Found by title only.
    work("10.1109/TIP.2022.3148814", "journal-article",
         "Intra- and Inter-Slice Contrastive Learning for Point Supervised OCT Fluid "
         "Segmentation", (2022,),
         [("He", "Xingxin"), ("Fang", "Leyuan"), ("Tan", "Mingkui"), ("Chen", "Xiangdong")],
         ["IEEE Transactions on Image Processing"],
         "Institute of Electrical and Electronics Engineers (IEEE)", volume="31",
         page="1870-1881", **_issn("1057-7149", "1941-0042")),
    work("10.1109/TMI.2021.3056023", "journal-article",
         "Self-Path: Self-Supervision for Classification of Pathology Images With Limited "
         "Annotations", (2021, 10),
         [("Koohbanani", "Navid Alemi"), ("Unnikrishnan", "Balagopal"),
          ("Khurram", "Syed Ali"), ("Krishnaswamy", "Pavitra"), ("Rajpoot", "Nasir")],
         ["IEEE Transactions on Medical Imaging"],
         "Institute of Electrical and Electronics Engineers (IEEE)", volume="40", issue="10",
         page="2845-2856", **_issn("0278-0062", "1558-254X")),
    work("10.1109/ACCESS.2020.3021469", "journal-article",
         "Self-Supervised Learning Based on Spatial Awareness for Medical Image Analysis",
         (2020,), [("Nguyen", "Xuan-Bac"), ("Lee", "Guee Sang"), ("Kim", "Soo Hyung"),
                   ("Yang", "Hyung Jeong")],
         ["IEEE Access"], "Institute of Electrical and Electronics Engineers (IEEE)",
         volume="8", page="162973-162981", **_issn("2169-3536")),
    work("10.1109/ACCESS.2020.2994047", "journal-article",
         "Retinal Image Classification by Self-Supervised Fuzzy Clustering Network", (2020,),
         [("Luo", "Yueguo"), ("Pan", "Jing"), ("Fan", "Shaoshuai"), ("Du", "Zeyu"),
          ("Zhang", "Guanghua")],
         ["IEEE Access"], "Institute of Electrical and Electronics Engineers (IEEE)",
         volume="8", page="92352-92362", **_issn("2169-3536")),
    work("10.1109/ISBI45749.2020.9098666", "proceedings-article",
         "Self-Supervised Representation Learning for Ultrasound Video", (2020, 4),
         [("Jiao", "Jianbo"), ("Droste", "Richard"), ("Drukker", "Lior"),
          ("Papageorghiou", "Aris T."), ("Noble", "J. Alison")],
         ["2020 IEEE 17th International Symposium on Biomedical Imaging (ISBI)"], "IEEE",
         page="1847-1850", event={"name": "2020 IEEE 17th International Symposium on "
                                          "Biomedical Imaging (ISBI)",
                                  "location": "Iowa City, IA, USA"}),
    work("10.1109/CVPR52688.2022.02024", "proceedings-article",
         "ContIG: Self-supervised Multimodal Contrastive Learning for Medical Imaging with "
         "Genetics", (2022, 6),
         [("Taleb", "Aiham"), ("Kirchler", "Matthias"), ("Monti", "Remo"),
          ("Lippert", "Christoph")],
         ["2022 IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)"], "IEEE",
         page="20908-20921"),
    # A journal entry with an arXiv link: the title differs by the "PCRLv2" prefix.
    work("10.5555/tpami.pcrlv2", "journal-article",
         "A Unified Visual Information Preservation Framework for Self-supervised Pre-Training "
         "in Medical Image Analysis", (2023, 7),
         [("Zhou", "Hong-Yu"), ("Lu", "Chixiang"), ("Chen", "Chaoqi"), ("Yang", "Sibei"),
          ("Yu", "Yizhou")],
         ["IEEE Transactions on Pattern Analysis and Machine Intelligence"],
         "Institute of Electrical and Electronics Engineers (IEEE)", volume="45", issue="7",
         page="8020-8035", **_issn("0162-8828", "1939-3539")),
    # Published versions of arXiv entries (our DOIs: test prefix).
    work("10.5555/isbi2023.self-pretraining-mae", "proceedings-article",
         "Self Pre-Training with Masked Autoencoders for Medical Image Classification and "
         "Segmentation", (2023, 4),
         [("Zhou", "Lei"), ("Liu", "Huidong"), ("Bae", "Joseph"), ("He", "Junjun"),
          ("Samaras", "Dimitris"), ("Prasanna", "Prateek")],
         ["2023 IEEE 20th International Symposium on Biomedical Imaging (ISBI)"],
         "IEEE", page="1-6"),
    work("10.5555/iccv2021.big-self-supervised", "proceedings-article",
         "Big Self-Supervised Models Advance Medical Image Classification", (2021, 10),
         [("Azizi", "Shekoofeh"), ("Mustafa", "Basil"), ("Ryan", "Fiona"),
          ("Beaver", "Zachary"), ("Freyberg", "Jan"), ("Deaton", "Jonathan"),
          ("Loh", "Aaron"), ("Karthikesalingam", "Alan"), ("Kornblith", "Simon"),
          ("Chen", "Ting"), ("Natarajan", "Vivek"), ("Norouzi", "Mohammad")],
         ["2021 IEEE/CVF International Conference on Computer Vision (ICCV)"], "IEEE",
         page="3458-3468"),
]

# -- decoys: none of these may ever be written ---------------------------------

DECOYS: list[dict[str, Any]] = [
    # The journal extension of the ISBI 2020 conference paper: same title and
    # authors, a year later, a journal.
    work("10.5555/decoy.journal-extension", "journal-article",
         "Self-Supervised Representation Learning for Ultrasound Video", (2021, 3),
         [("Jiao", "Jianbo"), ("Droste", "Richard"), ("Drukker", "Lior"),
          ("Papageorghiou", "Aris T."), ("Noble", "J. Alison")],
         ["Medical Image Analysis"], "Elsevier BV", volume="69", article_number="101957",
         **_issn("1361-8415")),
    # The same title in the same journal, three years earlier, other authors.
    work("10.5555/decoy.same-title-2019", "journal-article",
         "Self-Supervised Learning for Few-Shot Medical Image Segmentation", (2019, 2),
         [("Ramirez", "Elena"), ("Okafor", "Chidi")],
         ["IEEE Transactions on Medical Imaging"],
         "Institute of Electrical and Electronics Engineers (IEEE)", volume="38", issue="2",
         page="101-110", **_issn("0278-0062", "1558-254X")),
    # A near-identical title by other authors, same journal and year.
    work("10.5555/decoy.near-identical", "journal-article",
         "Self-Supervised Learning Based on Spatial Awareness for Medical Image Analyses",
         (2020,), [("Moreau", "Camille"), ("Lindqvist", "Anders")], ["IEEE Access"],
         "Institute of Electrical and Electronics Engineers (IEEE)", volume="8",
         page="170101-170110", **_issn("2169-3536")),
    # A record with an empty title, at the DOI the catalog gives for a paper.
    work("10.1007/s11548-018-1772-0", "journal-article", [], (2018, 5),
         [("Ross", "Tobias")],
         ["International Journal of Computer Assisted Radiology and Surgery"],
         "Springer Science and Business Media LLC", volume="13", issue="6", page="925-933",
         **_issn("1861-6410", "1861-6429")),
    # A preprint-server copy of an arXiv paper: not a published version.
    work("10.5555/decoy.posted-content", "posted-content",
         "Big Self-Supervised Models Advance Medical Image Classification", (2021, 1),
         [("Azizi", "Shekoofeh"), ("Mustafa", "Basil")], [], "Preprints Inc."),
]

DECOY_DOIS = [str(d["DOI"]) for d in DECOYS]


def corpus() -> list[dict[str, Any]]:
    return [*GENUINE, *DECOYS]
