"""The rules of the official CSL-JSON schema (csl-data.json, v1.0) that the
writer relies on, written out by hand: the schema file is not part of the
repository. Checked by hand against it."""

from __future__ import annotations

from typing import Any

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
