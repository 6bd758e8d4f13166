"""CSL-JSON: inside the CSL-JSON schema's rules, rendered by citeproc-py.

The rules below are the ones of the official schema (csl-data.json, v1.0)
that this writer relies on, written out by hand: the schema file itself is
not part of the repository.
"""

from __future__ import annotations

import json
from typing import Any

from export_fixtures.catalogs import BUNDLED, rich_catalog
from export_fixtures.consumers import citeproc_render
from ssl_bib.codecs.csljson_write import CSL_KEYS, write_csljson
from ssl_bib.model import Catalog, Entry
from ssl_bib.store import load

STRING = "string"
STRING_OR_NUMBER = "string-or-number"
NAMES = "names"
DATE = "date"
OBJECT = "object"
# Top-level keys the schema allows that a writer like ours may use, with the
# value type the schema gives each. ("additionalProperties": false)
SCHEMA_KEYS: dict[str, str] = {
    "id": STRING_OR_NUMBER, "type": STRING, "citation-key": STRING, "title": STRING,
    "author": NAMES, "editor": NAMES, "container-title": STRING, "collection-title": STRING,
    "event-title": STRING, "issued": DATE, "volume": STRING_OR_NUMBER,
    "issue": STRING_OR_NUMBER, "page": STRING_OR_NUMBER, "number": STRING_OR_NUMBER,
    "publisher": STRING, "ISSN": STRING, "ISBN": STRING, "DOI": STRING, "URL": STRING,
    "keyword": STRING, "abstract": STRING, "note": STRING, "custom": OBJECT,
    "language": STRING, "archive": STRING, "genre": STRING,
}
# A few of the schema's 46 item types: the ones a paper catalog needs.
SCHEMA_TYPES = {"article", "article-journal", "paper-conference", "chapter", "book", "report",
                "manuscript", "webpage", "dataset", "software", "thesis"}
NAME_KEYS = {"family", "given", "dropping-particle", "non-dropping-particle", "suffix",
             "comma-suffix", "static-ordering", "literal", "parse-names"}
DATE_KEYS = {"date-parts", "season", "circa", "literal", "raw"}


def check_schema_rules(items: Any) -> None:
    assert isinstance(items, list)
    for item in items:
        assert isinstance(item, dict)
        assert "id" in item and "type" in item, item
        assert item["type"] in SCHEMA_TYPES
        for key, value in item.items():
            assert key in SCHEMA_KEYS, f"key {key!r} is not in the CSL schema"
            kind = SCHEMA_KEYS[key]
            if kind == STRING:
                assert isinstance(value, str), (key, value)
            elif kind == STRING_OR_NUMBER:
                assert isinstance(value, str | int | float) and not isinstance(value, bool)
            elif kind == NAMES:
                assert isinstance(value, list) and value
                for name in value:
                    assert isinstance(name, dict) and name and set(name) <= NAME_KEYS
                    assert all(isinstance(v, str) and v for v in name.values())
                    assert "literal" in name or "family" in name
            elif kind == DATE:
                assert isinstance(value, dict) and set(value) <= DATE_KEYS
                parts = value["date-parts"]
                assert isinstance(parts, list) and 1 <= len(parts) <= 2
                for part in parts:
                    assert 1 <= len(part) <= 3
                    assert all(isinstance(p, int | str) and not isinstance(p, bool) for p in part)
            else:
                assert isinstance(value, dict)
            # Never an empty value: a missing field is omitted.
            assert value not in ("", [], {}, None), key
    ids = [str(item["id"]).casefold() for item in items]
    assert len(ids) == len(set(ids)), "ids must differ case-insensitively"


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
