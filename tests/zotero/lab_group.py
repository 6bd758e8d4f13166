"""A Zotero group filled by hand, the way lab members fill one.

Written item by item from the Zotero schema (item types, their fields and
creator types) and the shape of the API's answers: what Zotero's translators
save (Springer chapters as book sections under a "– MICCAI 2019" book title
with the volume editors; arXiv papers as preprints, or, before Zotero 6, as
journal articles titled "arXiv:1911.05722 [cs]"; PubMed records with MeSH
headings as automatic tags), and what people do by hand: the same journal
spelled two ways, a venue's year in its name, dates typed in every form,
items with no date or no title, notes and PDFs as children, books, theses
and web pages beside the papers, an item in the trash, a paper added twice.
No `ssl-bib-*` extra line anywhere: ssl-bib never touched this group.

`fill(server, group)` adds it and returns each item's Zotero key by a short
name; UNPULLABLE names the items that cannot become entries, with the reason
the pull gives.
"""

from __future__ import annotations

from typing import Any

from tests.zotero.zotero_fake_server import FakeZotero


def _person(last: str, first: str, role: str = "author") -> dict[str, str]:
    return {"creatorType": role, "firstName": first, "lastName": last}


def _org(name: str) -> dict[str, str]:
    return {"creatorType": "author", "name": name}


def _tags(*manual: str, auto: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [{"tag": t} for t in manual] + [{"tag": t, "type": 1} for t in auto]


MESH = ("Humans", "Deep Learning", "Image Processing, Computer-Assisted")
LNCS = "Lecture Notes in Computer Science"
MICCAI_EDITORS = [_person("Shen", "Dinggang", "editor"), _person("Liu", "Tianming", "editor")]

# name -> (item data, year collection names)
ITEMS: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {
    "media-2021": ({
        "itemType": "journalArticle", "title": "Contrastive Pretraining for Chest X-ray Triage",
        "publicationTitle": "Medical Image Analysis", "journalAbbreviation": "Med. Image Anal.",
        "volume": "70", "pages": "101993", "date": "2021-03-15",
        "DOI": "10.1016/j.media.2021.101993", "ISSN": "1361-8415",
        "url": "https://www.sciencedirect.com/science/article/pii/S1361841521000393",
        "libraryCatalog": "ScienceDirect", "accessDate": "2021-04-02T10:11:12Z",
        "creators": [_person("Okafor", "Adaeze"), _person("Lindqvist", "Per")],
        "tags": _tags("Contrastive", auto=MESH)}, ("2021",)),
    "media-2022": ({
        "itemType": "journalArticle", "title": "Masked Volume Modelling for CT Segmentation",
        "publicationTitle": "Medical image analysis", "date": "March 2022",
        "creators": [_person("Brandt", "Jonas"), _person("Sato", "Haruka")],
        "tags": _tags("contrastive", "MAE")}, ("2022",)),
    "tmi-2021": ({
        "itemType": "journalArticle", "title": "Rotation Prediction Pretext Tasks for MRI",
        "publicationTitle": "IEEE Transactions on Medical Imaging",
        "journalAbbreviation": "IEEE Trans. Med. Imaging", "date": "15/03/2021",
        "ISSN": "0278-0062", "volume": "40", "issue": "3", "pages": "1012-1023",
        "creators": [_person("Moreau", "Camille"), _person("Ivanova", "Olga")],
        "tags": _tags("Predictive")}, ("2021",)),
    "tmi-2020": ({
        "itemType": "journalArticle", "title": "Self-Supervised Registration of Cardiac Cine MRI",
        "publicationTitle": "IEEE transactions on medical imaging", "date": "2020-12",
        "creators": [_person("Novak", "Petr")],
        "tags": _tags(auto=MESH)}, ("2020",)),          # only automatic tags
    "miccai-2019": ({
        "itemType": "conferencePaper", "title": "Jigsaw Puzzles for Histology Pretraining",
        "proceedingsTitle": "Medical Image Computing and Computer Assisted Intervention – "
                            "MICCAI 2019", "conferenceName": "MICCAI 2019", "date": "2019",
        "series": LNCS, "pages": "384-393", "publisher": "Springer International Publishing",
        "place": "Cham", "creators": [_person("Haddad", "Rania"), *MICCAI_EDITORS],
        "tags": _tags("Predictive")}, ("2019",)),
    "miccai-2020-chapter": ({
        "itemType": "bookSection", "title": "Momentum Contrast for Endoscopy Video",
        "bookTitle": "Medical Image Computing and Computer Assisted Intervention – MICCAI 2020",
        "series": LNCS, "volume": "12261", "pages": "241-251", "date": "2020-10-02",
        "DOI": "10.1007/978-3-030-59710-8_24", "ISBN": "978-3-030-59710-8",
        "publisher": "Springer International Publishing", "place": "Cham",
        "libraryCatalog": "Springer Link",
        "creators": [_person("Ferreira", "Tiago"), _person("Kowalski", "Anna"),
                     _person("Martel", "Anne L.", "editor"),
                     _person("Abolmaesumi", "Purang", "editor")],
        "tags": _tags("Contrastive", auto=("Endoscopy", "Self-supervised learning"))},
        ("2020",)),
    "miccai-2018": ({
        "itemType": "conferencePaper", "title": "Context Restoration for Ultrasound",
        "conferenceName": "MICCAI 2018", "date": "September 2018",
        "creators": [_person("Yilmaz", "Emre")], "tags": _tags("Generative")}, ()),
    "cvpr-2020": ({
        "itemType": "conferencePaper", "title": "Visual Pretraining at Scale for Radiology",
        "proceedingsTitle": "2020 IEEE/CVF Conference on Computer Vision and Pattern "
                            "Recognition (CVPR)", "conferenceName": "CVPR 2020",
        "date": "June 2020", "pages": "9729-9738", "DOI": "10.1109/CVPR42600.2020.00975",
        "creators": [_person("Park", "Min-jun")], "tags": _tags("Contrastive")}, ("2020",)),
    "iccv-2021": ({
        "itemType": "conferencePaper", "title": "Emerging Properties of Ultrasound Transformers",
        "proceedingsTitle": "Proceedings of the IEEE/CVF International Conference on Computer "
                            "Vision (ICCV)", "date": "2021", "pages": "9650-9660",
        "creators": [_person("Castillo", "Lucía")], "tags": _tags("Contrastive")}, ("2021",)),
    "iccvw-2021": ({
        "itemType": "conferencePaper", "title": "Multi-Task Pretext Learning for Fundus Images",
        "proceedingsTitle": "2021 IEEE/CVF International Conference on Computer Vision "
                            "Workshops (ICCVW)", "date": "Oct 2021",
        "creators": [_person("Andersen", "Freja")],
        "tags": _tags("Multi-tasking")}, ("2021",)),
    "icml-2020": ({
        "itemType": "conferencePaper", "title": "A Simple Framework for Contrastive Pathology",
        "proceedingsTitle": "Proceedings of the 37th International Conference on Machine "
                            "Learning", "conferenceName": "ICML 2020",
        "series": "Proceedings of Machine Learning Research", "volume": "119",
        "date": "2020-11-21", "url": "https://proceedings.mlr.press/v119/demo20a.html",
        "creators": [_person("Nguyen", "Thi Mai"), _person("Schmidt", "Karl")],
        "tags": _tags("Contrastive")}, ("2020",)),
    "neurips-2020": ({
        "itemType": "conferencePaper", "title": "Bootstrapped Latents for Dermatology",
        "proceedingsTitle": "Advances in Neural Information Processing Systems",
        "volume": "33", "date": "2020", "pages": "21271-21284",
        "creators": [_person("Oyelaran", "Tunde")], "tags": _tags("Contrastive")}, ("2020",)),
    "iclr-2021": ({
        "itemType": "conferencePaper", "title": "Denoising Pretraining for Low-Dose CT",
        "conferenceName": "International Conference on Learning Representations",
        "date": "2021", "url": "https://openreview.net/forum?id=AbCdEfGhIjK",
        "creators": [_person("Rossi", "Giulia")], "tags": _tags("Generative")}, ("2021",)),
    "isbi-2021": ({
        "itemType": "conferencePaper", "title": "Patch Ordering for Retinal OCT",
        "proceedingsTitle": "2021 IEEE 18th International Symposium on Biomedical Imaging "
                            "(ISBI)", "date": "13 April 2021", "pages": "1-5",
        "creators": [_person("Lee", "Ji-woo")], "tags": _tags("Predictive")}, ("2021",)),
    "isbi-2020": ({
        "itemType": "conferencePaper", "title": "Colorization as Pretext for Dermoscopy",
        "proceedingsTitle": "2020 IEEE 17th International Symposium on Biomedical Imaging "
                            "(ISBI)", "date": "04/2020",
        "creators": [_person("Dubois", "Marc")], "tags": _tags("Generative")}, ("2020",)),
    "midl-2021": ({
        "itemType": "conferencePaper", "title": "Self-Distillation for Mammography",
        "proceedingsTitle": "Proceedings of the Fourth Conference on Medical Imaging with "
                            "Deep Learning", "conferenceName": "MIDL 2021", "date": "3/15/21",
        "series": "Proceedings of Machine Learning Research", "volume": "143",
        "creators": [_person("Kaur", "Simran")], "tags": _tags("Contrastive")}, ("2021",)),
    "arxiv-preprint": ({
        "itemType": "preprint", "title": "Masked Autoencoders for 3D Brain MRI",
        "repository": "arXiv", "archiveID": "arXiv:2111.06377", "date": "2021-11-11",
        "url": "http://arxiv.org/abs/2111.06377", "DOI": "10.48550/arXiv.2111.06377",
        "extra": "Read for the journal club", "libraryCatalog": "arXiv.org",
        "creators": [_person("He", "Kai"), _person("Chen", "Xin")],
        "tags": _tags("MAE", auto=("Computer Science - Computer Vision and Pattern "
                                   "Recognition",))}, ("2021",)),
    "arxiv-old-style": ({
        "itemType": "journalArticle", "title": "Momentum Contrast for Unsupervised Radiograph "
                                               "Representations",
        "publicationTitle": "arXiv:1911.05722 [cs]", "date": "2019-11-13",
        "url": "http://arxiv.org/abs/1911.05722", "extra": "arXiv: 1911.05722",
        "libraryCatalog": "arXiv.org", "accessDate": "2020-01-05T09:00:00Z",
        "creators": [_person("Fan", "Hao")], "tags": _tags("Contrastive")}, ("2019",)),
    "medrxiv": ({
        "itemType": "preprint", "title": "Self-Supervised Triage of COVID-19 Radiographs",
        "repository": "medRxiv", "date": "c. 2020", "DOI": "10.1101/2020.05.01.20087000",
        "creators": [_org("COVID Imaging Consortium")],
        "tags": _tags("Contrastive")}, ("2020",)),
    "cbm-org": ({
        "itemType": "journalArticle", "title": "Federated Self-Supervision for Skin Lesions",
        "publicationTitle": "Computers in Biology and Medicine", "date": "2022-01",
        "DOI": "https://doi.org/10.1016/j.compbiomed.2021.105139", "volume": "141",
        "creators": [_org("Skin Imaging Collaboration"), _person("Okoye", "Chidi")],
        "tags": _tags("Contrastive")}, ("2022",)),
    "bad-values": ({
        "itemType": "journalArticle", "title": "Pretext Tasks for Pathology Slides: A Review",
        "publicationTitle": "Diagnostics", "date": "2021-13-01", "DOI": "n/a",
        "url": "www.example.org/review", "creators": [_person("Silva", "Ana")],
        "tags": _tags("Predictive")}, ("2021",)),
    "range-date": ({
        "itemType": "journalArticle", "title": "Longitudinal Self-Supervision in Oncology",
        "publicationTitle": "Nature Machine Intelligence", "date": "2020-2021",
        "creators": [_person("Weber", "Lena")], "tags": _tags("Predictive")}, ()),
    "season-date": ({
        "itemType": "journalArticle", "title": "Cross-Modal Pretraining for PET/CT",
        "publicationTitle": "Nature Machine Intelligence", "date": "Spring 2020",
        "creators": [_person("Ahmed", "Sara")], "tags": _tags("Multi-tasking")}, ()),
    "iso-time": ({
        "itemType": "journalArticle", "title": "Contrastive Learning of Ultrasound Video",
        "publicationTitle": "Medical Image Analysis", "date": "2022-06-30T08:15:00Z",
        "creators": [_person("Tan", "Wei Ling")], "tags": _tags("Contrastive")}, ("2022",)),
    "bbt-key": ({
        "itemType": "journalArticle", "title": "Generative Pretraining for Cardiac MRI",
        "publicationTitle": "Medical Image Analysis", "date": "May 01, 2022",
        "extra": "Citation Key: mendes2022generative\ntex.note: shared by Ana",
        "creators": [_person("Mendes", "Rui")], "tags": _tags("Generative")}, ("2022",)),
    "duplicate-a": ({
        "itemType": "journalArticle", "title": "Contrastive Learning of Global and Local "
                                               "Features for Prostate MRI",
        "publicationTitle": "Medical Image Analysis", "date": "2022",
        "DOI": "10.1016/j.media.2022.102400", "creators": [_person("Costa", "Ines")],
        "tags": _tags("Contrastive")}, ("2022",)),
    "duplicate-b": ({
        "itemType": "journalArticle", "title": "Contrastive learning of global and local "
                                               "features for prostate MRI",
        "publicationTitle": "Medical image analysis", "date": "2022",
        "DOI": "10.1016/J.MEDIA.2022.102400", "creators": [_person("Costa", "Inês")],
        "tags": _tags("contrastive")}, ()),
    # -- what cannot become an entry --------------------------------------------------
    "no-date": ({
        "itemType": "journalArticle", "title": "An Undated Manuscript on Pretext Tasks",
        "publicationTitle": "Medical Image Analysis", "date": "",
        "creators": [_person("Unknown", "Author")], "tags": _tags("Predictive")}, ()),
    "in-press": ({
        "itemType": "journalArticle", "title": "Accepted Paper on Self-Supervised Fundus",
        "publicationTitle": "IEEE Transactions on Medical Imaging", "date": "in press",
        "creators": [_person("Park", "Soo")], "tags": _tags("Contrastive")}, ()),
    "no-title": ({
        "itemType": "conferencePaper", "title": "", "proceedingsTitle": "MICCAI 2021",
        "date": "2021", "creators": [_person("Blank", "Bo")]}, ()),
    "book": ({
        "itemType": "book", "title": "Deep Learning for Medical Image Analysis",
        "date": "2017", "publisher": "Academic Press", "ISBN": "978-0-12-810408-8",
        "creators": [_person("Zhou", "S. Kevin", "editor"),
                     _person("Greenspan", "Hayit", "editor")]}, ()),
    "thesis": ({
        "itemType": "thesis", "title": "Self-Supervised Representation Learning in Radiology",
        "university": "Example University", "thesisType": "PhD Thesis", "date": "2022",
        "creators": [_person("Olsen", "Mads")]}, ()),
    "webpage": ({
        "itemType": "webpage", "title": "Awesome Self-Supervised Medical Imaging",
        "websiteTitle": "GitHub", "url": "https://github.com/example/awesome-ssl",
        "accessDate": "2023-01-01T00:00:00Z", "creators": []}, ()),
    "standalone-note": ({
        "itemType": "note", "note": "<p>Reading group plan: MAE papers first.</p>",
        "tags": _tags("MAE")}, ()),
    "trashed": ({
        "itemType": "journalArticle", "title": "A Retracted Study",
        "publicationTitle": "Medical Image Analysis", "date": "2020", "deleted": 1,
        "creators": [_person("Gone", "Ann")], "tags": _tags("Contrastive")}, ()),
}
# Children: (parent name, data).
CHILDREN: list[tuple[str, dict[str, Any]]] = [
    ("media-2021", {"itemType": "note", "note": "<p>Compare with the 2022 follow-up.</p>"}),
    ("media-2022", {"itemType": "attachment", "linkMode": "imported_url",
                    "title": "Full Text PDF", "contentType": "application/pdf",
                    "filename": "Brandt - 2022 - Masked Volume Modelling.pdf",
                    "url": "https://example.org/brandt2022.pdf", "md5": None,
                    "mtime": None, "charset": ""}),
    ("miccai-2020-chapter", {"itemType": "attachment", "linkMode": "linked_url",
                             "title": "Springer Link", "contentType": "text/html",
                             "url": "https://link.springer.com/chapter/10.1007/"
                                    "978-3-030-59710-8_24"}),
    ("miccai-2020-chapter", {"itemType": "note", "note": "<p>Code on request.</p>",
                             "tags": _tags("to-discuss")}),
]
UNPULLABLE: dict[str, str] = {
    "no-date": "it has no date",
    "in-press": "its date 'in press' names no year",
    "no-title": "it has no title",
    "book": "a book; the catalog holds",
    "thesis": "a thesis; the catalog holds",
    "webpage": "a webpage; the catalog holds",
    "standalone-note": "a standalone note; the catalog holds",
}
COLLECTIONS = ("2019", "2020", "2021", "2022")


def fill(server: FakeZotero, group: int) -> dict[str, str]:
    """Add the group's collections and items; returns name -> Zotero key."""
    years = {name: server.add_collection(group, name) for name in COLLECTIONS}
    projects = server.add_collection(group, "Projects")
    reading = server.add_collection(group, "Reading group", parent=projects)
    keys: dict[str, str] = {}
    for number, (name, (data, in_years)) in enumerate(ITEMS.items()):
        item = dict(data)
        item["collections"] = [years[y] for y in in_years]
        if name in ("arxiv-preprint", "media-2022"):
            item["collections"].append(reading)
        # Added over two years, in this order (the order entries land in).
        item["dateAdded"] = f"2022-{1 + number // 28:02d}-{1 + number % 28:02d}T12:00:00Z"
        keys[name] = server.add_item(group, item)
    for parent, data in CHILDREN:
        server.add_item(group, {**data, "parentItem": keys[parent]})
    return keys


PAPERS = [name for name in ITEMS if name not in UNPULLABLE and name != "trashed"]
