"""The fault matrix: every fault kind at every request index of (a) the first
push of the bundled catalog and (b) a two-way sync with edits on both sides,
with and without the client's own retries; then the sync is run again. The
final catalog and library must equal the fault-free result: no duplicate, no
lost edit."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ssl_bib.model import Entry
from ssl_bib.store import load, save
from ssl_bib.zotero import catalog_note
from ssl_bib.zotero.client import ZoteroError
from ssl_bib.zotero.mapping import SYNC_FIELDS
from ssl_bib.zotero.state import state_path
from tests.zotero.zotero_fake_server import FakeZotero, Library
from tests.zotero.zotero_helpers import BUNDLED, GROUP, SHARED_TRANSPORT, Syncer, item_of

KINDS = ("500", "503", "429", "429-backoff", "backoff", "drop")
# Runs where the client's own retries are on: they hide most faults, so only the
# faults they cannot simply retry away (a write applied but unanswered) or that
# change their timing are run both ways.
RETRIED = ("drop", "429-backoff")


def matrix(requests: int) -> list[tuple[bool, int, str]]:
    return [(retries, index, kind) for retries in (False, True) for index in range(requests)
            for kind in KINDS if not retries or kind in RETRIED]


def snapshot(server: FakeZotero, catalog: Path) -> dict[str, Any]:
    """Both sides, without the keys and versions that differ from run to run."""
    lib = server.libraries[GROUP]
    names = {k: c["name"] for k, c in lib.collections.items()}
    live = [i for i in lib.items.values() if not i.get("deleted")]
    notes = [i for i in live if i["itemType"] == "note"]
    assert len(notes) == 1, f"{len(notes)} catalog notes"
    entries = load(catalog).catalog.entries
    assert catalog_note.read(notes[0]["note"]).order == [e.zotero_key for e in entries]
    live = [i for i in live if i["itemType"] != "note"]
    cites = [i.get("citationKey") for i in live]
    assert len(cites) == len(set(cites)), "duplicate items in Zotero"
    assert sorted(names.values()) == sorted(set(names.values())), "duplicate collections"
    items = {}
    for item in live:
        data = {k: v for k, v in item.items()
                if k not in ("key", "version", "dateAdded", "dateModified")}
        data["collections"] = sorted(names[k] for k in item.get("collections", []))
        items[item.get("citationKey")] = data
    trashed = sorted(str(i.get("citationKey")) for i in lib.items.values() if i.get("deleted"))
    by_key = {str(i["key"]): i for i in live}
    for entry in entries:  # each entry points at its own item
        assert by_key[str(entry.zotero_key)]["citationKey"] == entry.key
    local = {e.key: {n: getattr(e, n) for n in SYNC_FIELDS} for e in entries}
    return {"items": items, "trashed": trashed, "entries": local}


def run_faulted(syncer: Syncer, server: FakeZotero, catalog: Path, mode: str, index: int,
                kind: str, retries: bool) -> None:
    server.clear_log()
    server.faults[index] = kind
    try:
        syncer.run(catalog, mode, max_attempts=6 if retries else 1)
    except ZoteroError:
        assert not retries or kind == "drop", "a single fault must not fail a retrying run"
    server.clear_log()
    report = syncer.run(catalog, mode)  # and again, with no fault
    assert not report.failures and not report.conflicts, report.lines()


@pytest.fixture(scope="module")
def shared_server() -> Any:
    fake = FakeZotero()
    fake.add_group(GROUP)
    from tests.zotero.zotero_helpers import KEY
    fake.add_key(KEY, {GROUP: "rw"})
    fake.start()
    yield fake
    fake.stop()
    SHARED_TRANSPORT.drop_connections()


@pytest.mark.slow
def test_first_push_survives_every_fault(shared_server: FakeZotero, tmp_path: Path) -> None:
    server, syncer = shared_server, Syncer(shared_server)
    catalog = tmp_path / "entries.toml"

    def fresh() -> None:
        server.libraries[GROUP] = Library(GROUP)
        shutil.copyfile(BUNDLED, catalog)
        state_path(catalog, GROUP).unlink(missing_ok=True)

    fresh()
    server.clear_log()
    syncer.run(catalog, "push")
    requests = server.count
    expected = snapshot(server, catalog)
    assert len(expected["items"]) == 62 and requests == 6
    runs, failures = _fault_matrix(syncer, server, catalog, "push", requests, fresh, expected)
    print(f"first push: {runs} faulted runs, {len(failures)} failures")
    assert runs == 6 * (len(KINDS) + len(RETRIED)) and failures == []


def _fault_matrix(syncer: Syncer, server: FakeZotero, catalog: Path, mode: str, requests: int,
                  fresh: Callable[[], None], expected: object) -> tuple[int, list[str]]:
    """Every fault kind at every request index: set up afresh, run with the
    fault, run again without it, and compare with the fault-free result."""
    runs, failures = 0, []
    for retries, index, kind in matrix(requests):
        fresh()
        runs += 1
        try:
            run_faulted(syncer, server, catalog, mode, index, kind, retries)
            assert snapshot(server, catalog) == expected
        except AssertionError as exc:
            failures.append(f"{kind}@{index} retries={retries}: {exc}"[:300])
    return runs, failures


def _edit_both_sides(server: FakeZotero, catalog: Path) -> None:
    loaded = load(catalog)  # one load and one save: this runs a hundred times
    entries = loaded.catalog.entries
    a, b, c, d, e = entries[10], entries[11], entries[12], entries[13], entries[14]
    a.pages = "11-22"
    server.edit_item(GROUP, str(a.zotero_key), {"volume": "9"})
    server.edit_item(GROUP, str(b.zotero_key), {"title": "Retitled in Zotero"})
    entries.remove(c)
    server.trash_item(GROUP, str(d.zotero_key))
    e.categories = [*e.categories, "Generative"]
    tags = item_of(server, e.key)["tags"]
    server.edit_item(GROUP, str(e.zotero_key), {"tags": [*tags, {"tag": "Predictive"}]})  # type: ignore[list-item]
    entries.append(Entry(key="AddedHere2024", title="Added Here", year=2024, venue="MICCAI",
                         categories=["MAE"]))
    save(loaded)
    server.add_item(GROUP, {"itemType": "preprint", "title": "Added There", "date": "2025",
                            "repository": "arXiv", "archiveID": "arXiv:2501.00001",
                            "creators": [{"creatorType": "author", "name": "Consortium"}]})


def _both_sides_edited(server: FakeZotero, syncer: Syncer,
                       tmp_path: Path) -> tuple[Path, Callable[[], None]]:
    """The bundled catalog synced into an empty group, and `fresh()`, which
    puts both back as they were after that sync and edits each side
    (_edit_both_sides): the start of every run of a matrix."""
    catalog = tmp_path / "entries.toml"
    state = state_path(catalog, GROUP)
    server.libraries[GROUP] = Library(GROUP)
    shutil.copyfile(BUNDLED, catalog)
    syncer.run(catalog, "sync")
    base_library = copy.deepcopy(server.libraries[GROUP])
    base_catalog, base_state = catalog.read_text(), state.read_text()

    def fresh() -> None:
        server.libraries[GROUP] = copy.deepcopy(base_library)
        catalog.write_text(base_catalog)
        state.write_text(base_state)
        _edit_both_sides(server, catalog)

    return catalog, fresh


@pytest.mark.slow
def test_two_way_sync_survives_every_fault(shared_server: FakeZotero, tmp_path: Path) -> None:
    server, syncer = shared_server, Syncer(shared_server)
    catalog, fresh = _both_sides_edited(server, syncer, tmp_path)
    fresh()
    server.clear_log()
    report = syncer.run(catalog, "sync")
    requests = server.count
    assert not report.conflicts and not report.failures
    expected = snapshot(server, catalog)
    # The fault-free result holds every edit of both sides.
    entries = expected["entries"]
    assert "AddedHere2024" in entries and "consortiumAddedThere2025" in entries
    assert len(entries) == 62
    runs, failures = _fault_matrix(syncer, server, catalog, "sync", requests, fresh, expected)
    print(f"two-way sync: {requests} requests, {runs} faulted runs, "
          f"{len(failures)} failures")
    assert runs == requests * (len(KINDS) + len(RETRIED)) and failures == []


@pytest.mark.slow
def test_second_user_at_every_request_loses_nothing(shared_server: FakeZotero,
                                                    tmp_path: Path) -> None:
    """A second user edits the group just before each request of a two-way
    sync in turn: after the next sync, their edit is on both sides, next to
    every edit of ours and of the first remote user."""
    server, syncer = shared_server, Syncer(shared_server)
    catalog, fresh = _both_sides_edited(server, syncer, tmp_path)
    # Item 10 is edited here (pages) and there (volume) already: the second
    # user edits it too, in a third field; item 40 only they touch.
    targets = [load(catalog).catalog.entries[i] for i in (10, 40)]

    def second_user(fake: FakeZotero) -> None:
        for entry in targets:
            fake.edit_item(GROUP, str(entry.zotero_key), {"abstractNote": "second user"})

    fresh()
    server.clear_log()
    syncer.run(catalog, "sync")
    requests = server.count
    refetched = 0  # runs where a write met the second user's edit: 412, re-fetch, merge
    for index in range(requests):
        fresh()
        server.clear_log()
        server.hooks[index] = second_user
        first = syncer.run(catalog, "sync")
        assert not first.conflicts and not first.failures, (index, first.lines())
        methods = [r.method for r in server.log if "itemKey" in r.query or r.method == "POST"]
        refetched += "GET" in methods[methods.index("POST") + 1:] if "POST" in methods else 0
        server.clear_log()
        assert not syncer.run(catalog, "sync").conflicts
        after = snapshot(server, catalog)
        for entry in targets:
            assert after["entries"][entry.key]["abstract"] == "second user", index
            assert after["items"][entry.key]["abstractNote"] == "second user", index
        edited = after["entries"][targets[0].key]
        assert (edited["pages"], edited["volume"]) == ("11-22", "9"), index
    print(f"second user at each of {requests} requests: no lost update; "
          f"{refetched} runs went through 412 and a re-fetch")
    assert refetched >= 1
