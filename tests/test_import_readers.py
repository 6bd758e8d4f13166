"""The BibTeX, RIS and CSL-JSON readers: fields in catalog types, malformed
records reported with file:line while the rest of the file is still read."""

from __future__ import annotations

import json

from ssl_bib.codecs import registry
from ssl_bib.model import CodeLink, Person

BIB = r"""@article{good1,
  title = {Rubik{\textquoteright}s {C}ube+: a \& b {MoCo}},
  author = {M{\"u}ller, J{\"o}rg and van der Berg, Anna and {Medical AI Lab}},
  journal = {Medical Image Analysis},
  year = {2020}, month = aug,
  volume = {64}, number = {3}, pages = {101--110},
  doi = {https://doi.org/10.1016/J.MEDIA.2020.101746},
  url = {https://example.org/a_b%20c},
  keywords = {Contrastive, Predictive},
  note = {Seen in print; Code (pytorch): https://github.com/x/y; Code: https://github.com/x/z}
}

@article{broken,
  title = {Unbalanced {brace,
  year = 2021
}

@misc{pre2,
  title = "A preprint",
  author = "Smith, J.",
  year = 2021,
  eprint = {2101.05224}, archivePrefix = {arXiv}, primaryClass = {cs.CV}
}

@online{bl3,
  title = {Biblatex one},
  date = {2019-05-03},
  journaltitle = {Journal X},
  eprint = {1901.00001v2}, eprinttype = {arxiv}
}

@article{good1, title = {Duplicate key}, year = 2000}
"""


def test_bibtex_fields_and_latex_decoded() -> None:
    result = registry.read(BIB, "refs.bib", "bibtex")
    first = result.records[0]
    entry = first.entry
    assert first.line == 1 and first.source_id == "good1" and first.kind == "article"
    assert entry.title == "Rubik’s Cube+: a & b MoCo"
    assert entry.authors == [Person("Müller", "Jörg"), Person("van der Berg", "Anna"),
                             Person.organisation("Medical AI Lab")]
    assert first.venue_name == "Medical Image Analysis"
    assert (entry.year, entry.month, entry.volume, entry.issue, entry.pages) == (
        2020, 8, "64", "3", "101-110")
    assert entry.doi == "10.1016/J.MEDIA.2020.101746"
    assert entry.url == "https://example.org/a_b%20c"  # never LaTeX-decoded
    assert entry.categories == ["Contrastive", "Predictive"]
    assert entry.note == "Seen in print"
    assert entry.code == [CodeLink("pytorch", "https://github.com/x/y"),
                          CodeLink("", "https://github.com/x/z")]


def test_bibtex_malformed_record_reported_and_rest_read() -> None:
    result = registry.read(BIB, "refs.bib", "bibtex")
    assert [r.source_id for r in result.records] == ["good1", "pre2", "bl3"]
    errors = [(p.line, p.severity) for p in result.problems]
    assert errors == [(13, "error"), (32, "error")]
    assert "malformed record" in result.problems[0].message
    assert "duplicate citation key 'good1'" in result.problems[1].message
    assert result.problems[0].format().startswith("refs.bib:13: error:")


def test_bibtex_arxiv_and_biblatex_fields() -> None:
    records = {r.source_id: r for r in registry.read(BIB, "refs.bib", "bibtex").records}
    pre = records["pre2"]
    assert (pre.entry.arxiv, pre.entry.arxiv_class, pre.kind) == ("2101.05224", "cs.CV",
                                                                  "preprint")
    bl = records["bl3"]
    assert (bl.entry.year, bl.entry.month, bl.entry.arxiv) == (2019, 5, "1901.00001v2")
    assert bl.venue_name == "Journal X"


RIS = """TY  - JOUR
ID  - rec1
AU  - Zhou, Zongwei
AU  - Sodha, Vatsal
TI  - Models Genesis
T2  - Medical Image Analysis
PY  - 2021
DA  - 2021/01/
VL  - 67
IS  - 2
SP  - 101840
EP  - 101850
DO  - 10.1016/j.media.2020.101840
UR  - https://doi.org/10.1016/j.media.2020.101840
KW  - Generative
N1  - Code (tensorflow): https://github.com/MrGiovanni/ModelsGenesis
N1  - sources: https://example.org
ER  -

TY  - CONF
TI  - Missing its end
PY  - 2020

TY  - UNPB
TI  - An arXiv preprint
PY  - 2020
DO  - 10.48550/arXiv.2010.06107
UR  - https://arxiv.org/abs/2010.06107
ER  -
stray text
TY  - JOUR
TI  - Never ended either
"""


def test_ris_fields_and_records_without_er() -> None:
    result = registry.read(RIS, "x.ris", "ris")
    assert [r.entry.title for r in result.records] == ["Models Genesis", "An arXiv preprint"]
    first = result.records[0]
    e = first.entry
    assert (first.line, first.source_id, first.kind, first.venue_name) == (
        1, "rec1", "article", "Medical Image Analysis")
    assert e.authors == [Person("Zhou", "Zongwei"), Person("Sodha", "Vatsal")]
    assert (e.year, e.month, e.volume, e.issue, e.pages) == (2021, 1, "67", "2", "101840-101850")
    assert e.doi == "10.1016/j.media.2020.101840" and e.categories == ["Generative"]
    assert e.code == [CodeLink("tensorflow", "https://github.com/MrGiovanni/ModelsGenesis")]
    assert e.note == "sources: https://example.org"
    second = result.records[1].entry
    assert (second.arxiv, second.doi) == ("2010.06107", None)
    assert [(p.line, p.severity) for p in result.problems] == [
        (20, "error"), (30, "warning"), (31, "error")]
    assert "no ER" in result.problems[0].message


def test_csljson_items_lines_and_bad_items() -> None:
    items = [
        {"id": "a", "type": "article-journal", "title": "First",
         "author": [{"family": "Doe", "given": "Jane"}, {"literal": "Consortium"}],
         "issued": {"date-parts": [[2021, 7]]}, "container-title": "Diagnostics",
         "DOI": "10.3390/diagnostics12081805", "number": "1805", "page": "1–9",
         "keyword": "MAE, Contrastive",
         "custom": {"code": [{"label": "pytorch", "url": "https://github.com/a/b"}]}},
        "not an object",
        {"id": "c", "type": "article", "title": "Preprint", "number": "arXiv:2101.04909",
         "issued": {"date-parts": [[2021]]}},
        {"id": "d", "type": "article"},
    ]
    text = json.dumps(items, indent=1)
    result = registry.read(text, "x.json", "csljson")
    assert [r.source_id for r in result.records] == ["a", "c"]
    a = result.records[0]
    assert a.line == 2 and a.kind == "article" and a.venue_name == "Diagnostics"
    assert a.entry.authors == [Person("Doe", "Jane"), Person.organisation("Consortium")]
    assert (a.entry.year, a.entry.month, a.entry.article_number, a.entry.pages) == (
        2021, 7, "1805", "1-9")
    assert a.entry.categories == ["MAE", "Contrastive"]
    assert a.entry.code == [CodeLink("pytorch", "https://github.com/a/b")]
    assert result.records[1].entry.arxiv == "2101.04909"
    lines = text.splitlines()
    assert [p.severity for p in result.problems] == ["error", "error"]
    assert lines[result.problems[0].line - 1].strip().startswith('"not an object"')
    assert "no title" in result.problems[1].message


def test_csljson_not_an_array_and_broken_json() -> None:
    result = registry.read('{"id": "a"}', "obj.json", "csljson")
    assert not result.records
    assert result.problems[0].format() == (
        "obj.json:1: error: CSL-JSON must be an array of items, this is an object")
    broken = '[\n {"id": "a", "type": "book", "title": "T", "issued": {"date-parts": [[2020]]}},\n'\
        ' {"id": "b", "title": \n]'
    result = registry.read(broken, "broken.json", "csljson")
    assert [r.source_id for r in result.records] == ["a"]
    assert result.problems[0].line == 4 and result.problems[0].severity == "error"
