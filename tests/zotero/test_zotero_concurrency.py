"""A second user edits the group while our sync runs: no update is lost."""

from __future__ import annotations

from pathlib import Path

from ssl_bib.store import load
from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import GROUP, Syncer, edit_local


def _setup(server: FakeZotero, syncer: Syncer, catalog: Path) -> tuple[str, str]:
    syncer.run(catalog, "sync")
    loaded = load(catalog).catalog
    entry = [e for e in loaded.entries if loaded.entry_type(e) == "article"][3]
    return entry.key, str(entry.zotero_key)


def test_edit_between_our_read_and_write_is_merged(server: FakeZotero, syncer: Syncer,
                                                   catalog: Path) -> None:
    key, zkey = _setup(server, syncer, catalog)
    edit_local(catalog, key, pages="7-8")
    server.before_write = lambda s: s.edit_item(GROUP, zkey, {"volume": "12"})
    server.clear_log()
    report = syncer.run(catalog, "sync")
    assert not report.conflicts and not report.failures
    # The 412 path ran: a write, a re-fetch of that very item, a second write.
    trail = [(r.method, r.query.get("itemKey")) for r in server.log
             if r.path.endswith("/items") and r.query.get("format") != "versions"]
    assert trail == [("POST", None), ("GET", zkey), ("POST", None)]
    item = server.libraries[GROUP].items[zkey]
    assert (item["pages"], item["volume"]) == ("7-8", "12")
    entry = load(catalog).catalog.find(key)
    assert entry is not None and (entry.pages, entry.volume) == ("7-8", "12")
    # And the next sync sees nothing left to do.
    assert syncer.run(catalog, "sync").lines() == []


def test_same_field_edited_meanwhile_becomes_a_conflict(server: FakeZotero, syncer: Syncer,
                                                        catalog: Path) -> None:
    key, zkey = _setup(server, syncer, catalog)
    edit_local(catalog, key, title="Ours")
    server.before_write = lambda s: s.edit_item(GROUP, zkey, {"title": "Theirs"})
    report = syncer.run(catalog, "sync")
    assert [(c.field, c.ours, c.theirs) for c in report.conflicts] == [
        ("title", "Ours", "Theirs")]
    assert server.libraries[GROUP].items[zkey]["title"] == "Theirs"  # not overwritten
    entry = load(catalog).catalog.find(key)
    assert entry is not None and entry.title == "Ours"
    # Still a conflict next time, until --prefer decides.
    assert len(syncer.run(catalog, "sync").conflicts) == 1
    syncer.run(catalog, "sync", prefer="local")
    assert server.libraries[GROUP].items[zkey]["title"] == "Ours"


def test_deletion_meanwhile_is_not_undone(server: FakeZotero, syncer: Syncer,
                                          catalog: Path) -> None:
    key, zkey = _setup(server, syncer, catalog)
    other = next(e for e in load(catalog).catalog.entries if e.key != key)
    edit_local(catalog, other.key, pages="1-9")  # gives the sync something to write
    server.before_write = lambda s: s.purge_item(GROUP, zkey)
    report = syncer.run(catalog, "sync")
    assert not report.failures
    report = syncer.run(catalog, "sync")  # the deletion is seen on the next read
    assert key in report.catalog["deleted"]
    assert zkey not in server.libraries[GROUP].items
    assert load(catalog).catalog.find(key) is None
