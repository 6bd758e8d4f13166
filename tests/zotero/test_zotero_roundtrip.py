"""Push the bundled catalog into an empty group, pull it into an empty catalog."""

from __future__ import annotations

from pathlib import Path

from conftest import GROUP, Syncer
from zotero_fake_server import FakeZotero

from ssl_bib.store import load
from ssl_bib.zotero.mapping import SYNC_FIELDS


def test_push_then_pull_round_trips_every_field(server: FakeZotero, syncer: Syncer,
                                                catalog: Path, empty_catalog: Path) -> None:
    report = syncer.run(catalog, "push")
    original = load(catalog).catalog
    assert not report.failures and not report.conflicts
    assert len(report.zotero["new"]) == len(original.entries) == 62
    items = server.papers(GROUP)
    assert len(items) == 62
    # Every entry now carries the Zotero key it was created with.
    assert {e.zotero_key for e in original.entries} == set(items)

    report = syncer.run(empty_catalog, "pull")
    assert not report.failures, report.failures
    pulled = load(empty_catalog).catalog
    assert len(pulled.entries) == 62
    by_key = pulled.by_key()
    for entry in original.entries:
        back = by_key[entry.key]
        for name in (*SYNC_FIELDS, "key", "zotero_key"):
            assert getattr(back, name) == getattr(entry, name), (entry.key, name)


def test_items_use_only_fields_of_their_type(server: FakeZotero, syncer: Syncer,
                                            seed_catalog: Path) -> None:
    catalog = seed_catalog
    syncer.run(catalog, "push")
    types = {i["itemType"] for i in server.papers(GROUP).values()}
    assert types == {"journalArticle", "conferencePaper", "preprint"}
    item = next(i for i in server.live_items(GROUP).values()
                if i["citationKey"] == "HowTransferableAre2022")
    years = {server.libraries[GROUP].collections[k]["name"] for k in item["collections"]}
    assert years == {"2022", "2021"}
