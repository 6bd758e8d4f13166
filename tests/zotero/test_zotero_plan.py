"""The sync planner (zotero/plan.py), directly: given the catalog, the state
of the last sync and what Zotero sent, what each item's plan is. No server,
no file: the planner decides over data alone."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ssl_bib.merge import Prefer
from ssl_bib.model import Catalog, Entry, Person, Venue
from ssl_bib.zotero.mapping import MapContext, build_item, entry_fields
from ssl_bib.zotero.plan import Planner, differs, fingerprint
from ssl_bib.zotero.report import Report
from ssl_bib.zotero.state import ItemState, SyncState

ZKEY = "ABCD2345"


def _catalog(*entries: Entry) -> Catalog:
    return Catalog(venues={"MedIA": Venue("MedIA", "Medical Image Analysis", "journal")},
                   categories=["MAE", "Contrastive"], entries=list(entries))


def _entry(**changes: Any) -> Entry:
    values: dict[str, Any] = {
        "key": "doeAlpha2021", "title": "Alpha", "year": 2021, "venue": "MedIA",
        "categories": ["MAE"], "authors": [Person("Doe", "Jane")], "volume": "70",
        "zotero_key": ZKEY}
    values.update(changes)
    return Entry(**values)


class Scene:
    """A catalog synced once with an item, ready to change on either side."""

    def __init__(self, entry: Entry | None = None) -> None:
        self.entry = entry or _entry()
        self.catalog = _catalog(self.entry)
        ctx = MapContext(self.catalog, {})
        pristine = {**build_item(self.entry, ctx, None), "key": ZKEY, "version": 5}
        self.pristine = pristine
        self.state = SyncState(group=1, library_version=5,
                               items={ZKEY: ItemState(5, copy.deepcopy(pristine))})
        self.remote = copy.deepcopy(pristine)

    def edit_remote(self, **fields: Any) -> None:
        self.remote.update(fields)
        self.remote["version"] = 6

    def plan(self, pulls: bool = True, pushes: bool = True, prefer: Prefer = None,
             fetched: bool = True, dry_run: bool = False) -> tuple[Any, Report, Planner]:
        report = Report()
        planner = Planner(self.catalog, MapContext(self.catalog, {}), self.state, report,
                          pulls=pulls, pushes=pushes, dry_run=dry_run, prefer=prefer)
        if fetched:
            planner.fetched = {ZKEY: self.remote}
        return planner.plan(planner.all_keys()), report, planner


def test_nothing_changed_plans_nothing() -> None:
    plan, report, _ = Scene().plan()
    assert plan.ops == {} and plan.updates == {} and plan.removals == set()
    assert plan.new_entries == {} and report.conflicts == []


def test_a_catalog_edit_becomes_an_update_at_the_items_version() -> None:
    scene = Scene()
    scene.entry.volume = "71"
    plan, _, _ = scene.plan()
    op = plan.ops[ZKEY]
    assert op.kind == "update" and op.payload["volume"] == "71" and op.payload["version"] == 5
    assert plan.updates == {}


def test_a_zotero_edit_becomes_a_catalog_update_and_nothing_is_sent() -> None:
    scene = Scene()
    scene.edit_remote(volume="72")
    plan, _, _ = scene.plan()
    assert plan.updates[ZKEY]["volume"] == "72" and plan.ops == {}
    assert plan.state[ZKEY].version == 6


def test_edits_of_different_fields_on_each_side_merge() -> None:
    scene = Scene()
    scene.entry.title = "Alpha, revised"
    scene.edit_remote(volume="72")
    plan, report, _ = scene.plan()
    assert plan.updates[ZKEY]["volume"] == "72" and plan.updates[ZKEY]["title"] == "Alpha, revised"
    assert plan.ops[ZKEY].payload["title"] == "Alpha, revised"
    assert plan.ops[ZKEY].payload["volume"] == "72" and report.conflicts == []


def test_the_same_field_edited_on_both_sides_is_a_conflict_and_waits() -> None:
    scene = Scene()
    scene.entry.volume = "71"
    scene.edit_remote(volume="72")
    plan, report, _ = scene.plan()
    assert [(c.field, c.ours, c.theirs) for c in report.conflicts] == [("volume", "71", "72")]
    assert plan.ops == {} and plan.updates == {}
    deferred = plan.state[ZKEY]
    assert deferred.version == 6 and deferred.remote == scene.remote  # kept for next time


@pytest.mark.parametrize(("prefer", "volume", "sent"), [("local", "71", True),
                                                        ("remote", "72", False)])
def test_a_preferred_side_settles_a_conflict(prefer: Prefer, volume: str, sent: bool) -> None:
    scene = Scene()
    scene.entry.volume = "71"
    scene.edit_remote(volume="72")
    plan, _, _ = scene.plan(prefer=prefer)
    assert (ZKEY in plan.ops) == sent
    if sent:
        assert plan.ops[ZKEY].payload["volume"] == volume
    else:
        assert plan.updates[ZKEY]["volume"] == volume


def test_a_push_does_not_overwrite_a_zotero_edit_it_cannot_take_in() -> None:
    scene = Scene()
    scene.entry.title = "Alpha, revised"
    scene.edit_remote(volume="72")
    plan, report, _ = scene.plan(pulls=False)
    assert plan.ops == {} and plan.updates == {}
    assert any("`zotero pull` or `zotero sync` first" in n for n in report.notes)


def test_an_item_deleted_in_zotero_and_untouched_here_leaves_the_catalog() -> None:
    scene = Scene()
    scene.remote = {"key": ZKEY, "version": 6, "deleted": 1}
    plan, _, _ = scene.plan()
    assert plan.removals == {ZKEY} and plan.ops == {}


def test_an_entry_edited_here_and_deleted_in_zotero_is_a_conflict() -> None:
    scene = Scene()
    scene.entry.volume = "71"
    scene.remote = {"key": ZKEY, "version": 6, "deleted": 1}
    plan, report, _ = scene.plan()
    assert plan.removals == set() and [c.field for c in report.conflicts] == ["(entry)"]


def test_an_entry_removed_here_goes_to_zoteros_trash() -> None:
    scene = Scene()
    scene.catalog.entries.clear()
    plan, _, _ = scene.plan(fetched=False)
    op = plan.ops[ZKEY]
    assert op.kind == "trash" and op.payload["deleted"] == 1 and op.payload["version"] == 5


def test_a_new_entry_gets_a_key_of_ours_and_is_created_at_version_zero() -> None:
    scene = Scene()
    fresh = _entry(key="roeBeta2022", title="Beta", year=2022, zotero_key=None)
    scene.catalog.entries.append(fresh)
    plan, _, _ = scene.plan(fetched=False)
    assert fresh.zotero_key is not None and len(fresh.zotero_key) == 8
    op = plan.ops[fresh.zotero_key]
    assert op.kind == "create" and op.payload["version"] == 0 and op.payload["title"] == "Beta"


def test_a_dry_run_gives_no_entry_a_key() -> None:
    scene = Scene()
    fresh = _entry(key="roeBeta2022", title="Beta", year=2022, zotero_key=None)
    scene.catalog.entries.append(fresh)
    plan, _, _ = scene.plan(fetched=False, dry_run=True)
    assert fresh.zotero_key is None and [op.kind for op in plan.ops.values()] == ["create"]


def test_a_new_zotero_item_becomes_a_new_entry() -> None:
    scene = Scene()
    other = "WXYZ6789"
    item = {**build_item(_entry(key="lee2020", title="Gamma", year=2020),
                         MapContext(scene.catalog, {}), None), "key": other, "version": 7}
    report = Report()
    planner = Planner(scene.catalog, MapContext(scene.catalog, {}), scene.state, report,
                      pulls=True, pushes=False, dry_run=False, prefer=None)
    planner.fetched = {other: item}
    plan = planner.plan(planner.all_keys())
    entry = plan.new_entries[other]
    assert entry.title == "Gamma" and entry.year == 2020 and entry.zotero_key == other


def test_the_planner_reads_no_file() -> None:
    """It holds the Catalog alone: no path, no LoadedCatalog to save through."""
    scene = Scene()
    _, _, planner = scene.plan()
    assert planner.catalog is scene.catalog
    assert not any(hasattr(planner, name) for name in ("loaded", "path"))


def test_differs_ignores_bookkeeping_and_empty_values() -> None:
    a = {"key": "A", "version": 1, "title": "T", "volume": "", "dateModified": "x"}
    b = {"key": "B", "version": 2, "title": "T", "issue": None}
    assert not differs(a, b)
    assert differs(a, {**b, "title": "U"})


def test_fingerprint_follows_the_key_and_the_fields() -> None:
    fields = entry_fields(_entry())
    assert fingerprint("k", fields) == fingerprint("k", dict(reversed(fields.items())))
    assert fingerprint("k", fields) != fingerprint("k2", fields)
    assert fingerprint("k", fields) != fingerprint("k", {**fields, "volume": "9"})
