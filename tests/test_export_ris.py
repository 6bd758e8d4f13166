"""RIS: read back by rispy; TY first, ER last, no numbered headers."""

from __future__ import annotations

import re
import warnings

import pytest

from benchmarks.synth import synth_catalog
from ssl_bib.codecs.ris_write import write_ris
from ssl_bib.model import Catalog, Entry
from ssl_bib.store import load
from tests.export_fixtures.catalogs import BUNDLED, rich_catalog
from tests.export_fixtures.roundtrip import check_ris


def test_rich_catalog_reads_back_equal() -> None:
    catalog = rich_catalog()
    check_ris(catalog, write_ris(catalog, catalog.entries))


def test_bundled_catalog_reads_back_equal() -> None:
    catalog = load(BUNDLED).catalog
    check_ris(catalog, write_ris(catalog, catalog.entries))


def test_conference_record_tags() -> None:
    catalog = rich_catalog()
    text = write_ris(catalog, [catalog.entries[1]])
    assert text.splitlines() == [
        "TY  - CONF",
        "ID  - zhouModelsGenesisGeneric2019",
        "AU  - Zhou, Zongwei",
        "AU  - Rahman Siddiquee, Md Mahfuzur",
        "AU  - Gotway, Michael B.",
        "TI  - Models Genesis: Generic Autodidactic Models for 3D Medical Image Analysis",
        "T2  - International Conference on Medical Image Computing and Computer Assisted "
        "Intervention",
        "C3  - Medical Image Computing and Computer Assisted Intervention – MICCAI 2019",
        "T3  - Lecture Notes in Computer Science",
        "PY  - 2019",
        "VL  - 11767",
        "SP  - 384",
        "EP  - 393",
        "PB  - Springer International Publishing",
        "SN  - 978-3-030-32251-9",
        "DO  - 10.1007/978-3-030-32251-9_42",
        "UR  - https://link.springer.com/chapter/10.1007/978-3-030-32251-9_42",
        "KW  - Generative",
        "KW  - Predictive",
        "N1  - Code (tensorflow): https://github.com/MrGiovanni/ModelsGenesis",
        "N1  - Code (pytorch): https://github.com/MrGiovanni/ModelsGenesis/tree/master/pytorch",
        "ER  - ",
    ]
    assert text.endswith("ER  - \n")


def test_values_are_one_line_and_preprints_name_their_server() -> None:
    catalog = rich_catalog()
    text = write_ris(catalog, catalog.entries)
    assert "AB  - First line. Second line." in text
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) or line == ""
               for line in text.splitlines())
    preprint = write_ris(catalog, [catalog.find("chenKnowledgeBasedLearning2023")])  # type: ignore[list-item]
    assert preprint.startswith("TY  - UNPB\n")
    assert "PB  - arXiv\n" in preprint and "UR  - https://arxiv.org/abs/2211.14715\n" in preprint
    assert write_ris(catalog, []) == ""


def test_the_quicker_line_formatting_writes_what_rispy_writes() -> None:
    """The writer fills rispy's own line pattern faster; the text must be
    exactly what rispy's stock writer (headerless) makes of the records."""
    from rispy.config import TAG_KEY_MAPPING
    from rispy.writer import RisWriter

    from ssl_bib.codecs.ris_write import _writer, ris_record

    class Stock(RisWriter):  # type: ignore[misc]
        def set_header(self, count: int) -> str:
            return ""

    for catalog in (load(BUNDLED).catalog, rich_catalog(), synth_catalog(300)):
        records = [ris_record(catalog, entry) for entry in catalog.entries]
        assert _writer().formats(records) == Stock(mapping=TAG_KEY_MAPPING).formats(records)
    assert Stock.PATTERN == "{tag}  - {value}"
    # Every branch of rispy's record loop, under every setting of the writer:
    # list, delimited, unknown ("UK") and ignored tags, and a label with no tag.
    records = [{"type_of_reference": "JOUR", "id": "a", "authors": ["X, Y", "Z"],
                "urls": ["https://a.org", "https://b.org"], "title": "T", "year": "2020",
                "unknown_tag": {"ZZ": ["one", "two"]}, "notes": ["n"], "no_such_label": "v",
                "keywords": []},
               {"id": "b", "title": "U", "no_such_label": "w"}, {}]
    quick = type(_writer())
    for settings in ({}, {"list_tags": ["AU", "N1"], "delimiter_tags_mapping": {"UR": " ; "}},
                     {"ignore": ["TI", "N1"]}, {"skip_unknown_tags": True},
                     {"enforce_list_tags": False, "list_tags": ["AU"]}):
        for some in (records, records[:1], []):
            with warnings.catch_warnings(record=True) as theirs:
                warnings.simplefilter("always")
                expected = Stock(mapping=TAG_KEY_MAPPING, **settings).formats(some)
            with warnings.catch_warnings(record=True) as ours:
                warnings.simplefilter("always")
                assert quick(mapping=TAG_KEY_MAPPING, **settings).formats(some) == expected
            assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]


def test_an_authors_listed_name_is_remembered_per_person(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from ssl_bib.codecs import ris_write
    from ssl_bib.model import Person

    people = [Person("Doe", "Jane"), Person("Doe", "Jane", suffix="Jr."), Person("Plato"),
              Person("Doe", suffix="III"), Person("Acme, Inc.", literal=True)]
    assert [ris_write._LISTED_NAMES.get(p) for p in people] == [
        "Doe, Jane", "Doe, Jane, Jr.", "Plato", "Doe, III", "Acme, Inc."]
    made: list[Person] = []
    monkeypatch.setattr(ris_write, "_LISTED_NAMES", ris_write.f.PerObject(
        lambda p: made.append(p) or ris_write._listed_name(p)))
    catalog = Catalog(entries=[Entry(key=f"k{n}", title="T", year=2020, authors=people)
                               for n in range(3)])
    assert write_ris(catalog, catalog.entries).count("AU  - Doe, Jane, Jr.") == 3
    assert made == people
