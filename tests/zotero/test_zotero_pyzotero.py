"""pyzotero, the reference Python client of the Zotero Web API, takes the
local test server for api.zotero.org: each of its read and write calls below
gets the answer it expects. pyzotero is installed for the tests only (see the
README's test command: it pins bibtexparser<2, so it goes in with --no-deps)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pyzotero import zotero

from tests.zotero.zotero_fake_server import FakeZotero

GROUP, KEY = 5150, "sslBibTestKey0123456789ab"


@pytest.fixture
def zot_and_server() -> Iterator[tuple[zotero.Zotero, FakeZotero]]:
    fake = FakeZotero()
    fake.add_group(GROUP)
    fake.add_key(KEY, {GROUP: "rw"})
    zot = zotero.Zotero(GROUP, "group", KEY)
    zot.endpoint = fake.start()
    try:
        yield zot, fake
    finally:
        fake.stop()


def test_pyzotero_reads_and_writes_against_the_server(
        zot_and_server: tuple[zotero.Zotero, FakeZotero]) -> None:
    zot, fake = zot_and_server
    assert zot.key_info()["access"]["groups"][str(GROUP)]["write"]
    template = zot.item_template("journalArticle")
    assert "publicationTitle" in template and "repository" not in template
    template.update({"title": "Hello", "date": "2020"})
    created = zot.create_items([dict(template) for _ in range(3)])
    assert len(created["successful"]) == 3 and not created["failed"]
    for n in range(120):
        fake.add_item(GROUP, {"itemType": "journalArticle", "title": f"P{n}", "date": "2020"})
    assert zot.num_items() == 123  # Total-Results
    assert len(zot.everything(zot.items())) == 123  # Link rel="next" pagination
    assert len(zot.top(limit=5)) == 5
    assert len(zot.item_versions(since=0)) == 123
    assert zot.last_modified_version() == fake.libraries[GROUP].version
    item = zot.items(limit=1)[0]
    item["data"]["volume"] = "4"
    assert zot.update_item(item)
    assert zot.item(item["key"])["data"]["volume"] == "4"
    made = zot.create_collections([{"name": "2020"}])
    assert len(made["successful"]) == 1 and len(zot.collections()) == 1
    assert zot.deleted(since=0)["items"] == []
    assert zot.delete_item(zot.item(item["key"]))
    assert zot.deleted(since=0)["items"] == [item["key"]]
    assert len(zot.item_fields()) > 40


def test_pyzotero_sees_validation_errors(
        zot_and_server: tuple[zotero.Zotero, FakeZotero]) -> None:
    zot, _ = zot_and_server
    created = zot.create_items([{"itemType": "journalArticle", "title": "T",
                                 "proceedingsTitle": "not a journalArticle field"}])
    assert created["failed"] and not created["successful"]
