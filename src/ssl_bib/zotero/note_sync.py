"""The catalog note's part of a sync run (catalog_note.py says what it holds).

Which note the group has (the one the state knows, else the newest; another
one is said), what it says, and the write that keeps it what the catalog is.
The note is no entry's item: it is set apart before the planner sees the
items, and its state is kept apart from theirs.
"""

from __future__ import annotations

from typing import Any

from . import catalog_note
from .catalog_note import CatalogRecord, NoteError, is_catalog_note
from .plan import Op, Plan, is_deleted
from .report import Report
from .schema import new_key
from .state import ItemState, SyncState

WHAT = "the catalog note"


class NoteKeeper:
    def __init__(self, state: SyncState, report: Report) -> None:
        self.state, self.report = state, report
        self.remote: dict[str, Any] | None = None  # the group's note now (None: none)
        self.key = ""  # the key this run writes it under

    def take(self, fetched: dict[str, dict[str, Any]], purged: set[str]) -> None:
        """Set the catalog notes read this run apart from the items."""
        found = {k: d for k, d in fetched.items() if is_catalog_note(d)}
        for key in found:
            del fetched[key]
        known = self.state.note.data if self.state.note is not None else None
        known_key = str(known.get("key")) if known else ""
        current: dict[str, Any] | None = None
        if known_key in found:
            current = found[known_key]
        elif known is not None and known_key not in purged:
            current = known  # unchanged since the last sync
        if current is not None and is_deleted(current):
            current = None
        if current is None:
            live = [d for d in found.values() if not is_deleted(d)]
            current = max(live, key=lambda d: (int(d["version"]), str(d["key"])), default=None)
        others = sorted(k for k, d in found.items()
                        if not is_deleted(d) and current is not None and k != current["key"])
        if current is not None and others:
            self.report.notes.append(f"the group holds more than one catalog note "
                                     f"({', '.join(others)}); {current['key']} is the one "
                                     "read and written")
        self.remote = current

    def record(self) -> CatalogRecord | None:
        """What the group's note says; None when it has none, or one that
        cannot be read (said)."""
        if self.remote is None:
            return None
        try:
            return catalog_note.read(str(self.remote.get("note") or ""))
        except NoteError as exc:
            self.report.notes.append(f"the group's catalog note {self.remote['key']} "
                                     f"cannot be read ({exc}); it is written again by the "
                                     "next push")
            return None

    def plan(self, plan: Plan, desired: CatalogRecord, taken: set[str]) -> None:
        """Add the write of the note to the plan when it does not say `desired`."""
        current = self.remote
        if current is None and not (desired.venues or desired.categories or desired.order):
            return
        html = catalog_note.render(desired)
        if current is not None:
            try:
                if catalog_note.read(str(current.get("note") or "")).to_json() == \
                        desired.to_json():
                    return
            except NoteError:
                pass  # written again, whole
            key = str(current["key"])
            op = Op(key, "update", {**current, "note": html, "key": key,
                                    "version": int(current["version"])}, "", what=WHAT)
            self.report.catalog_note = "changed"
        else:
            key = self.key or new_key()
            while key in taken:
                key = new_key()
            op = Op(key, "create", {"itemType": "note", "note": html, "tags": [],
                                    "collections": [], "relations": {}, "key": key,
                                    "version": 0}, "", what=WHAT)
            self.report.catalog_note = "new"
        self.key = key
        plan.ops[key] = op

    def again(self, plan: Plan) -> None:
        """Someone else wrote the note meanwhile (a 412): ours is planned anew."""
        plan.ops.pop(self.key, None)
        self.key = ""

    def after(self, plan: Plan) -> ItemState | None:
        """The state's copy of the note after this run's writes."""
        row = plan.state.pop(self.key, None) if self.key else None
        if row is not None:
            return row
        if self.remote is None:
            return None
        return ItemState(int(self.remote["version"]), self.remote)
