"""CSL-JSON: inside the CSL-JSON schema's rules, rendered by citeproc-py.

The rules below are the ones of the official schema (csl-data.json, v1.0)
that this writer relies on, written out by hand: the schema file itself is
not part of the repository.
"""

from __future__ import annotations

import json

from ssl_bib.codecs.csljson_write import CSL_KEYS, write_csljson
from ssl_bib.model import Catalog, Entry
from ssl_bib.store import load
from tests.export_fixtures.catalogs import BUNDLED, rich_catalog
from tests.export_fixtures.consumers import citeproc_render
from tests.export_fixtures.csl_rules import SCHEMA_KEYS, check_schema_rules


def test_writer_keys_are_all_schema_keys() -> None:
    assert set(CSL_KEYS) <= set(SCHEMA_KEYS)


def test_rich_catalog_keeps_to_the_schema() -> None:
    catalog = rich_catalog()
    items = json.loads(write_csljson(catalog, catalog.entries))
    check_schema_rules(items)
    assert [i["type"] for i in items] == ["article-journal", "paper-conference",
                                          "article-journal", "article", "article-journal",
                                          "article"]


def test_bundled_catalog_keeps_to_the_schema_and_renders() -> None:
    catalog = load(BUNDLED).catalog
    text = write_csljson(catalog, catalog.entries)
    check_schema_rules(json.loads(text))
    rendered = citeproc_render(text)
    assert len(rendered) == len(catalog.entries)


def test_citeproc_renders_every_item() -> None:
    catalog = rich_catalog()
    rendered = citeproc_render(write_csljson(catalog, catalog.entries))
    assert len(rendered) == len(catalog.entries)
    assert any("Hervella, Á.S." in r or "Hervella, Á. S." in r for r in rendered), rendered
    assert any(r.startswith("Plato (2021)") for r in rendered), rendered


def test_fields_in_detail() -> None:
    catalog = rich_catalog()
    items = {i["id"]: i for i in json.loads(write_csljson(catalog, catalog.entries))}
    genesis = items["zhouModelsGenesisGeneric2019"]
    assert genesis["container-title"] == (
        "Medical Image Computing and Computer Assisted Intervention – MICCAI 2019")
    assert genesis["event-title"] == ("International Conference on Medical Image Computing and "
                                      "Computer Assisted Intervention")
    assert genesis["collection-title"] == "Lecture Notes in Computer Science"
    assert genesis["page"] == "384-393"
    assert genesis["custom"]["code"][0] == {
        "label": "tensorflow", "url": "https://github.com/MrGiovanni/ModelsGenesis"}
    assert genesis["keyword"] == "Generative, Predictive"
    special = items["vanderBergSpecial2020"]
    assert special["issued"] == {"date-parts": [[2020, 3]]}
    assert special["author"][2] == {"literal": "World Health Organization"}
    assert special["author"][0] == {"family": "van der Berg", "given": "Anna"}
    assert special["abstract"] == "First line. Second line."
    preprint = items["chenKnowledgeBasedLearning2023"]
    assert (preprint["publisher"], preprint["number"]) == ("arXiv", "arXiv:2211.14715")
    assert items["onlyTitle2018"] == {"id": "onlyTitle2018", "type": "article-journal",
                                      "title": "Minimal", "issued": {"date-parts": [[2018]]}}


def test_schema_rules_catch_a_bad_item() -> None:
    # The checker itself must be able to fail.
    for bad in ([{"id": "a"}], [{"id": "a", "type": "article", "year": 2020}],
                [{"id": "a", "type": "article", "issued": {"date-parts": [2020]}}],
                [{"id": "a", "type": "article"}, {"id": "A", "type": "article"}]):
        try:
            check_schema_rules(bad)
        except (AssertionError, TypeError):
            continue
        raise AssertionError(f"accepted {bad}")


def test_empty_catalog_is_an_empty_array() -> None:
    assert json.loads(write_csljson(Catalog(), [])) == []
    catalog = Catalog(entries=[Entry(key="x", title="T", year=2020)])
    assert json.loads(write_csljson(catalog, catalog.entries))[0]["type"] == "article-journal"
