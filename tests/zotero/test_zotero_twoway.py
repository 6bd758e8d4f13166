"""Edits, additions and deletions on both sides, merged three-way."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from ssl_bib.model import Entry, Person
from ssl_bib.store import load, save
from ssl_bib.zotero.state import state_path
from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import GROUP, KEY, Syncer, edit_local, item_of, remove_local

JOURNAL = "ContrastiveLearningMedical2021"  # a MedIA paper, so a journalArticle


def _pushed(server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    report = syncer.run(catalog, "sync")
    assert not report.failures and not report.conflicts
    server.log.clear()


def _journal_key(catalog: Path) -> str:
    loaded = load(catalog).catalog
    entry = next(e for e in loaded.entries if loaded.entry_type(e) == "article")
    return entry.key


def test_different_fields_merge_both_ways(server: FakeZotero, syncer: Syncer,
                                          seed_catalog: Path) -> None:
    catalog = seed_catalog
    _pushed(server, syncer, catalog)
    key = _journal_key(catalog)
    edit_local(catalog, key, pages="101-112")
    item = item_of(server, key)
    server.edit_item(GROUP, str(item["key"]), {"volume": "77", "abstractNote": "From Zotero."})
    report = syncer.run(catalog, "sync")
    assert not report.conflicts and not report.failures
    assert report.catalog["changed"] == [key] and report.zotero["changed"] == [key]
    entry = load(catalog).catalog.find(key)
    assert entry is not None
    assert (entry.pages, entry.volume, entry.abstract) == ("101-112", "77", "From Zotero.")
    assert entry.provenance == {"volume": f"zotero group {GROUP}",
                                "abstract": f"zotero group {GROUP}"}
    item = item_of(server, key)
    assert (item["pages"], item["volume"], item["abstractNote"]) == ("101-112", "77",
                                                                    "From Zotero.")
    # And then nothing is left to do, in at most 3 requests.
    server.log.clear()
    report = syncer.run(catalog, "sync")
    assert report.lines() == [] and server.count <= 3


def test_same_field_is_a_conflict_and_nothing_is_overwritten(server: FakeZotero,
                                                              syncer: Syncer,
                                                              seed_catalog: Path) -> None:
    catalog = seed_catalog
    _pushed(server, syncer, catalog)
    key = _journal_key(catalog)
    edit_local(catalog, key, title="Local Title", pages="1-2")
    zkey = str(item_of(server, key)["key"])
    server.edit_item(GROUP, zkey, {"title": "Remote Title"})
    before = catalog.read_bytes()
    report = syncer.run(catalog, "sync")
    assert [(c.key, c.field, c.ours, c.theirs) for c in report.conflicts] == [
        (key, "title", "Local Title", "Remote Title")]
    assert "catalog has 'Local Title', Zotero has 'Remote Title'" in report.lines()[0]
    # Both values are kept: the catalog is as it was, Zotero is as it was.
    assert catalog.read_bytes() == before
    assert server.libraries[GROUP].items[zkey]["title"] == "Remote Title"
    assert server.libraries[GROUP].items[zkey]["pages"] == ""
    # The conflict stays until resolved...
    report = syncer.run(catalog, "sync")
    assert len(report.conflicts) == 1
    # ... by --prefer: the other changes of both sides are merged too.
    report = syncer.run(catalog, "sync", prefer="remote")
    entry = load(catalog).catalog.find(key)
    assert entry is not None and (entry.title, entry.pages) == ("Remote Title", "1-2")
    item = server.libraries[GROUP].items[zkey]
    assert (item["title"], item["pages"]) == ("Remote Title", "1-2")
    report = syncer.run(catalog, "sync")
    assert report.lines() == []


def test_prefer_local_wins_the_conflict(server: FakeZotero, syncer: Syncer,
                                        catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    key = _journal_key(catalog)
    edit_local(catalog, key, title="Local Title")
    zkey = str(item_of(server, key)["key"])
    server.edit_item(GROUP, zkey, {"title": "Remote Title"})
    syncer.run(catalog, "sync", prefer="local")
    assert server.libraries[GROUP].items[zkey]["title"] == "Local Title"
    entry = load(catalog).catalog.find(key)
    assert entry is not None and entry.title == "Local Title"


def test_categories_added_on_both_sides_are_merged(server: FakeZotero, syncer: Syncer,
                                                   catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    key = _journal_key(catalog)
    edit_local(catalog, key, categories=["Contrastive", "Generative"])
    zkey = str(item_of(server, key)["key"])
    tags = [{"tag": "Contrastive"}, {"tag": "Predictive"}, {"tag": "to read"}]
    server.edit_item(GROUP, zkey, {"tags": tags})
    report = syncer.run(catalog, "sync")
    assert not report.conflicts
    entry = load(catalog).catalog.find(key)
    assert entry is not None
    assert sorted(entry.categories) == ["Contrastive", "Generative", "Predictive"]
    remote = {t["tag"] for t in server.libraries[GROUP].items[zkey]["tags"]}
    assert remote == {"Contrastive", "Generative", "Predictive", "to read"}


def test_additions_on_each_side(server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    loaded = load(catalog)
    loaded.catalog.entries.append(Entry(key="NewLocalPaper2024", title="A New Local Paper",
                                        year=2024, venue="MICCAI",
                                        categories=["Contrastive"]))
    save(loaded)
    zkey = server.add_item(GROUP, {
        "itemType": "journalArticle", "title": "Masked Image Modelling for Radiology",
        "date": "2024-03-05", "publicationTitle": "Medical Image Analysis",
        "creators": [{"creatorType": "author", "firstName": "Ada", "lastName": "Lovelace"},
                     {"creatorType": "editor", "name": "Some Editor"}],
        "tags": [{"tag": "mae"}, {"tag": "unread"}], "DOI": "10.1016/j.media.2024.1"})
    report = syncer.run(catalog, "sync")
    assert not report.failures and not report.conflicts
    assert report.zotero["new"] == ["NewLocalPaper2024"]
    assert report.catalog["new"] == ["lovelaceMaskedImageModelling2024"]
    entry = load(catalog).catalog.find("lovelaceMaskedImageModelling2024")
    assert entry is not None
    assert entry.zotero_key == zkey and entry.venue == "MedIA" and entry.month == 3
    assert entry.authors == [Person("Lovelace", "Ada")] and entry.categories == ["MAE"]
    assert entry.doi == "10.1016/j.media.2024.1"
    # Zotero learns the citation key; its editor, own tag and exact date stay.
    item = server.libraries[GROUP].items[zkey]
    assert item["citationKey"] == "lovelaceMaskedImageModelling2024"
    assert item["date"] == "2024-03-05"
    assert {"creatorType": "editor", "name": "Some Editor"} in item["creators"]
    assert {"tag": "unread"} in item["tags"]
    new_local = item_of(server, "NewLocalPaper2024")
    assert new_local["itemType"] == "conferencePaper"
    assert load(catalog).catalog.find("NewLocalPaper2024").zotero_key == new_local["key"]  # type: ignore[union-attr]
    assert syncer.run(catalog, "sync").lines() == []


def test_remote_deletions_of_unchanged_entries_remove_them(server: FakeZotero, syncer: Syncer,
                                                           catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    entries = load(catalog).catalog.entries
    trashed, purged = entries[3], entries[4]
    server.trash_item(GROUP, str(trashed.zotero_key))
    server.purge_item(GROUP, str(purged.zotero_key))
    report = syncer.run(catalog, "sync")
    assert sorted(report.catalog["deleted"]) == sorted([trashed.key, purged.key])
    keys = {e.key for e in load(catalog).catalog.entries}
    assert trashed.key not in keys and purged.key not in keys and len(keys) == 60
    assert syncer.run(catalog, "sync").lines() == []


def test_local_removal_moves_the_item_to_the_trash(server: FakeZotero, syncer: Syncer,
                                                   catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    entry = load(catalog).catalog.entries[5]
    remove_local(catalog, entry.key)
    report = syncer.run(catalog, "sync")
    assert report.zotero["deleted"] == [entry.key]
    item = server.libraries[GROUP].items[str(entry.zotero_key)]  # still there...
    assert item["deleted"] == 1  # ... in the trash
    assert str(entry.zotero_key) not in server.libraries[GROUP].deleted_items
    assert syncer.run(catalog, "sync").lines() == []
    # Settled: a no-op sync neither asks much nor rewrites a file.
    state = state_path(catalog, GROUP)
    stamps = (catalog.stat().st_mtime_ns, state.stat().st_mtime_ns)
    server.log.clear()
    assert syncer.run(catalog, "sync").lines() == [] and server.count <= 3
    assert (catalog.stat().st_mtime_ns, state.stat().st_mtime_ns) == stamps


def _deleted_against_edited(server: FakeZotero, syncer: Syncer,
                            catalog: Path) -> tuple[Entry, Entry]:
    """After a push: one entry edited here and its item trashed in Zotero,
    another removed here and its item edited in Zotero."""
    _pushed(server, syncer, catalog)
    entries = load(catalog).catalog.entries
    edited_here, edited_there = entries[6], entries[7]
    edit_local(catalog, edited_here.key, pages="5-9")
    server.trash_item(GROUP, str(edited_here.zotero_key))
    remove_local(catalog, edited_there.key)
    server.edit_item(GROUP, str(edited_there.zotero_key), {"title": "Edited in Zotero"})
    return edited_here, edited_there


def test_deletion_against_an_edit_is_a_conflict(server: FakeZotero, syncer: Syncer,
                                                catalog: Path) -> None:
    # Deleted in Zotero, edited here: kept here, reported. Removed here,
    # edited in Zotero: not trashed, reported.
    edited_here, edited_there = _deleted_against_edited(server, syncer, catalog)
    report = syncer.run(catalog, "sync")
    assert {(c.key, c.ours, c.theirs) for c in report.conflicts} == {
        (edited_here.key, "edited", "deleted"), (edited_there.key, "removed", "edited")}
    assert load(catalog).catalog.find(edited_here.key) is not None
    assert not server.libraries[GROUP].items[str(edited_there.zotero_key)].get("deleted")
    # Reported again until resolved; --prefer remote restores / removes as Zotero says.
    assert len(syncer.run(catalog, "sync").conflicts) == 2
    syncer.run(catalog, "sync", prefer="remote")
    after = load(catalog).catalog
    assert after.find(edited_here.key) is None
    back = after.find(edited_there.key)
    assert back is not None and back.title == "Edited in Zotero"
    assert syncer.run(catalog, "sync").lines() == []


def test_status_touches_nothing(server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    key = _journal_key(catalog)
    edit_local(catalog, key, title="Local Title")
    zkey = str(item_of(server, key)["key"])
    server.edit_item(GROUP, zkey, {"title": "Remote Title"})
    other = load(catalog).catalog.entries[0]
    server.edit_item(GROUP, str(other.zotero_key), {"abstractNote": "Remote abstract"})
    edit_local(catalog, load(catalog).catalog.entries[1].key, title="Local only")
    catalog_bytes, state_bytes = catalog.read_bytes(), state_path(catalog, GROUP).read_bytes()
    library = json.dumps(server.libraries[GROUP].items, sort_keys=True)
    server.log.clear()
    report = syncer.run(catalog, "status")
    assert [c.field for c in report.conflicts] == ["title"]
    # What sync would do, on each side.
    assert report.catalog["changed"] == [other.key]
    assert report.zotero["changed"] == [load(catalog).catalog.entries[1].key]
    assert catalog.read_bytes() == catalog_bytes
    assert state_path(catalog, GROUP).read_bytes() == state_bytes
    assert json.dumps(server.libraries[GROUP].items, sort_keys=True) == library
    assert all(r.method == "GET" for r in server.log)


def test_pull_only_pulls_and_push_only_pushes(server: FakeZotero, syncer: Syncer,
                                              catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    a, b = load(catalog).catalog.entries[10:12]
    edit_local(catalog, a.key, pages="3-4")
    server.edit_item(GROUP, str(b.zotero_key), {"title": "Remote Edit"})
    server.log.clear()
    report = syncer.run(catalog, "pull")
    assert all(r.method == "GET" for r in server.log)
    assert report.catalog["changed"] == [b.key] and report.zotero["changed"] == []
    report = syncer.run(catalog, "push")
    assert report.zotero["changed"] == [a.key] and report.catalog["changed"] == []
    assert server.libraries[GROUP].items[str(a.zotero_key)]["pages"] == "3-4"
    entry = load(catalog).catalog.find(b.key)
    assert entry is not None and entry.title == "Remote Edit"
    assert syncer.run(catalog, "sync").lines() == []


def test_request_counts(server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    syncer.run(catalog, "push")
    pushes = [r for r in server.log if r.method == "POST" and r.path.endswith("/items")]
    assert len(pushes) == 2 and server.count <= 2 + 4  # ceil(62/50) writes + 4
    server.log.clear()
    syncer.run(catalog, "sync")
    # ... + ceil(62/50) reads that check Zotero kept what the push sent
    assert server.count <= 3 + 2
    server.log.clear()
    syncer.run(catalog, "sync")
    assert server.count <= 2  # a no-op sync: the key, and a 304
    for entry in load(catalog).catalog.entries[:55]:
        server.edit_item(GROUP, str(entry.zotero_key), {"abstractNote": "edited"})
    server.log.clear()
    report = syncer.run(catalog, "pull")
    assert len(report.catalog["changed"]) == 55
    assert server.count <= 2 + 4  # ceil(55/50) reads + 4


def test_prefer_local_restores_a_deleted_item(server: FakeZotero, syncer: Syncer,
                                              catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    entries = load(catalog).catalog.entries
    trashed, purged = entries[20], entries[21]
    for entry in (trashed, purged):
        edit_local(catalog, entry.key, note="kept here")
    server.trash_item(GROUP, str(trashed.zotero_key))
    server.purge_item(GROUP, str(purged.zotero_key))
    report = syncer.run(catalog, "sync", prefer="local")
    assert not report.failures
    lib = server.libraries[GROUP]
    assert not lib.items[str(trashed.zotero_key)].get("deleted")  # out of the trash
    assert str(purged.zotero_key) in lib.items  # created again, under its key
    assert "ssl-bib-note: kept here" in lib.items[str(purged.zotero_key)]["extra"]
    assert syncer.run(catalog, "sync").lines() == []


def test_a_paper_added_on_both_sides_is_linked_not_duplicated(
        server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    loaded = load(catalog)
    loaded.catalog.entries.append(Entry(key="BothSides2024", title="On Both Sides", year=2024,
                                        venue="MedIA", doi="10.1016/j.media.2024.7"))
    save(loaded)
    zkey = server.add_item(GROUP, {"itemType": "journalArticle", "title": "On both sides",
                                   "date": "2024", "DOI": "https://doi.org/10.1016/J.MEDIA.2024.7",
                                   "volume": "99"})
    status = syncer.run(catalog, "status")
    assert status.zotero["new"] == [] and status.catalog["new"] == []
    report = syncer.run(catalog, "sync")
    assert [c.field for c in report.conflicts] == ["title"]  # differing case, both kept
    entry = load(catalog).catalog.find("BothSides2024")
    # Linked, and nothing of it overwritten while its title is in conflict.
    assert entry is not None and entry.zotero_key == zkey and entry.volume is None
    syncer.run(catalog, "sync", prefer="local")
    entry = load(catalog).catalog.find("BothSides2024")
    assert entry is not None and entry.volume == "99" and entry.title == "On Both Sides"
    assert server.libraries[GROUP].items[zkey]["title"] == "On Both Sides"
    assert len(server.papers(GROUP)) == 63


def test_what_push_leaves_behind_a_later_pull_brings_in(server: FakeZotero, syncer: Syncer,
                                                        catalog: Path) -> None:
    """push reads the library too; remote changes it does not take in must not
    be forgotten when the state's library version moves past them."""
    _pushed(server, syncer, catalog)
    entries = load(catalog).catalog.entries
    edited, deleted = entries[30], entries[31]
    server.edit_item(GROUP, str(edited.zotero_key), {"abstractNote": "from Zotero"})
    server.purge_item(GROUP, str(deleted.zotero_key))
    zkey = server.add_item(GROUP, {"itemType": "preprint", "title": "Pending Paper",
                                   "date": "2025"})
    edit_local(catalog, edited.key, pages="1-5")
    edit_local(catalog, entries[32].key, pages="6-7")
    report = syncer.run(catalog, "push")
    assert report.zotero["changed"] == [entries[32].key]
    assert report.catalog == {"new": [], "changed": [], "deleted": []}
    report = syncer.run(catalog, "pull")
    assert report.catalog["changed"] == [edited.key]
    assert report.catalog["deleted"] == [deleted.key]
    assert [e.zotero_key for e in load(catalog).catalog.entries if e.title == "Pending Paper"
            ] == [zkey]
    report = syncer.run(catalog, "sync")
    # its local pages edit, and the pulled item's new citation key
    assert sorted(report.zotero["changed"]) == sorted([edited.key, "PendingPaper2025"])
    item = server.libraries[GROUP].items[str(edited.zotero_key)]
    assert (item["abstractNote"], item["pages"]) == ("from Zotero", "1-5")
    assert syncer.run(catalog, "sync").lines() == []


def test_a_new_entry_type_replaces_the_item(server: FakeZotero, syncer: Syncer,
                                            catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    key = _journal_key(catalog)
    zkey = str(item_of(server, key)["key"])
    edit_local(catalog, key, entry_type="preprint", arxiv="2101.00042")
    report = syncer.run(catalog, "sync")
    assert not report.failures, report.failures
    item = server.libraries[GROUP].items[zkey]
    assert item["itemType"] == "preprint" and item["archiveID"] == "arXiv:2101.00042"
    assert "publicationTitle" not in item
    assert [r.method for r in server.log if r.path.endswith(zkey)] == ["PUT"]
    assert syncer.run(catalog, "sync").lines() == []


def test_a_renamed_citation_key_reaches_zotero(server: FakeZotero, syncer: Syncer,
                                               catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    loaded = load(catalog)
    entry = loaded.catalog.entries[2]
    zkey, entry.key = str(entry.zotero_key), "renamedOnPurpose2020"
    from ssl_bib.store import save
    save(loaded)
    assert syncer.run(catalog, "sync").zotero["changed"] == ["renamedOnPurpose2020"]
    assert server.libraries[GROUP].items[zkey]["citationKey"] == "renamedOnPurpose2020"


def test_other_item_types_and_child_items_are_left_in_zotero(
        server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    _pushed(server, syncer, catalog)
    parent = str(load(catalog).catalog.entries[0].zotero_key)
    server.add_item(GROUP, {"itemType": "note", "note": "<p>read this</p>",
                            "parentItem": parent})
    book = server.add_item(GROUP, {"itemType": "book", "title": "A Book", "date": "2020"})
    report = syncer.run(catalog, "sync")
    assert report.catalog["new"] == [] and not report.failures
    assert [n for n in report.notes if book in n and "not pulled" in n]
    assert len(report.notes) == 1  # the note is no news
    assert len(load(catalog).catalog.entries) == 62


def _unchanged_papers(before: dict[str, dict[str, object]],
                      after: dict[str, dict[str, object]]) -> None:
    assert set(after) == set(before)
    for key, item in after.items():
        for name in set(item) | set(before[key]):
            if name not in ("version", "dateModified"):
                assert item.get(name) == before[key].get(name), (key, name)


def test_a_catalog_started_by_sync_changes_nothing_in_the_group(
        server: FakeZotero, syncer: Syncer, catalog: Path, tmp_path: Path) -> None:
    """`sync` into a new catalog pulls the group whole (the catalog note gives
    it the venues and categories) and so has nothing to push back."""
    syncer.run(catalog, "push")
    fresh = tmp_path / "fresh" / "entries.toml"
    fresh.parent.mkdir()
    fresh.write_text("schema = 1\n")
    before = copy.deepcopy(server.live_items(GROUP))
    report = syncer.run(fresh, "sync")
    assert not report.failures and report.zotero == {"new": [], "changed": [], "deleted": []}
    assert not report.catalog_note
    _unchanged_papers(before, server.live_items(GROUP))
    original, pulled = load(catalog).catalog, load(fresh).catalog
    assert pulled.venues == original.venues and pulled.categories == original.categories
    assert [(e.key, e.venue, e.categories) for e in pulled.entries] == [
        (e.key, e.venue, e.categories) for e in original.entries]
    assert syncer.run(fresh, "sync").lines() == []


def test_categories_added_to_the_catalog_later_strip_nothing(
        server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    """A tag lab members give items that is no category of the catalog stays
    a plain tag. When the maintainer adds the category, the items' tags now
    map to it: that is news from Zotero for unchanged entries, not a local
    removal to push (it stripped the tag from every item)."""
    _pushed(server, syncer, catalog)
    tagged = load(catalog).catalog.entries[5:8]
    for entry in tagged:
        item = server.libraries[GROUP].items[str(entry.zotero_key)]
        server.edit_item(GROUP, str(entry.zotero_key),
                         {"tags": [*item["tags"], {"tag": "hybrid"}]})
    before = copy.deepcopy(server.papers(GROUP))
    report = syncer.run(catalog, "sync")
    assert not report.failures and report.zotero["changed"] == []
    assert report.catalog["changed"] == []  # no category of the catalog: nothing to take
    _unchanged_papers(before, server.papers(GROUP))
    loaded = load(catalog)
    loaded.catalog.categories.append("Hybrid")
    save(loaded)
    report = syncer.run(catalog, "sync")
    assert not report.conflicts and not report.failures
    assert sorted(report.catalog["changed"]) == sorted(e.key for e in tagged)
    assert report.zotero["changed"] == []
    _unchanged_papers(before, server.papers(GROUP))
    for entry in tagged:
        back = load(catalog).catalog.find(entry.key)
        assert back is not None and back.categories == [*entry.categories, "Hybrid"]
    assert syncer.run(catalog, "sync").lines() == []


@pytest.mark.parametrize(("prefer", "took", "title"), [
    ("local", "took the catalog's value", "Local Title"),
    ("remote", "took Zotero's value", "Remote Title"),
])
def test_prefer_says_what_it_resolved_and_counts_it_apart(
        server: FakeZotero, catalog: Path, prefer: str, took: str, title: str) -> None:
    """`resolved: entry K: title: took the catalog's value (--prefer local)`,
    no `conflict:` line, and the summary counts resolved conflicts apart from
    open ones; exit 0."""
    from click.testing import CliRunner

    from ssl_bib.cli import cli

    def sync(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(
            cli, ["--catalog", str(catalog), "zotero", *args, "--group", str(GROUP)],
            env={"SSL_BIB_ZOTERO_URL": server.url, "ZOTERO_API_KEY": KEY})
        return result.exit_code, result.stdout, result.stderr

    assert sync("push")[0] == 0
    entries = load(catalog).catalog.entries
    a, b = entries[3], entries[4]
    for entry in (a, b):
        edit_local(catalog, entry.key, title="Local Title")
        server.edit_item(GROUP, str(entry.zotero_key), {"title": "Remote Title"})
    edit_local(catalog, b.key, pages="7-9")
    server.edit_item(GROUP, str(b.zotero_key), {"pages": "7-10"})
    code, out, err = sync("status", "--prefer", prefer)  # what it would do
    assert code == 0 and "conflict:" not in out, out
    would = took.replace("took", "would take")
    assert f"resolved: entry {a.key}: title: {would} (--prefer {prefer})" in out
    code, out, err = sync("sync", "--prefer", prefer)
    assert code == 0, err
    assert "conflict:" not in out
    lines = [line for line in out.splitlines() if line.startswith("resolved:")]
    assert len(lines) == 3
    assert f"resolved: entry {a.key}: title: {took} (--prefer {prefer})" in lines
    assert f"resolved: entry {b.key}: title: {took} (--prefer {prefer})" in lines
    assert f"resolved: entry {b.key}: pages: {took} (--prefer {prefer})" in lines
    assert "0 conflicting fields in 0 entries; 3 conflicts resolved by --prefer " \
        f"{prefer}; 0 failed" in err
    for entry in (a, b):
        back = load(catalog).catalog.find(entry.key)
        assert back is not None and back.title == title
        assert server.libraries[GROUP].items[str(entry.zotero_key)]["title"] == title
    # Resolved for good: the next sync has nothing to say.
    code, out, err = sync("sync")
    assert code == 0 and out == "" and "0 conflicting fields" in err


def test_prefer_says_how_a_deletion_against_an_edit_ended(
        server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    edited_here, edited_there = _deleted_against_edited(server, syncer, catalog)
    report = syncer.run(catalog, "sync", prefer="local")
    assert report.conflicts == []
    assert sorted(report.resolved) == sorted([
        f"entry {edited_here.key}: edited in the catalog, deleted in Zotero: was sent to "
        "Zotero again (--prefer local)",
        f"entry {edited_there.key}: removed from the catalog, edited in Zotero: was moved "
        "to Zotero's trash (--prefer local)"])
