"""The sync engine: the Zotero client's protocol, against entries.toml.

1. Read: `items?since=V&format=versions` (304 when nothing changed), then only
   when the library changed `deleted?since=V`, `collections?since=V`, and the
   changed items by key, 50 a request.
2. Decide per item (plan.py): a three-way merge of catalog, Zotero and the
   pristine copy from the last sync, field by field.
3. Write: new entries get a Zotero key we choose, saved into entries.toml
   before anything is sent, and are created with `version: 0`, so a create
   retried after a lost response can never duplicate. Updates carry the
   object's version; a per-object 412 means someone else wrote: re-fetch,
   merge again, retry. Then the catalog is saved, then the state (in that
   order: a crash in between leaves both sides agreeing, which the next merge
   sees as no change).

Trust, but verify: every write that Zotero reports as saved must move the
library version, or the run stops; the items a run wrote are checked at the
next run (`versions_of`), and those Zotero did not keep are sent again. A
library version lower than the one the state recorded (a group restored from
a backup, or another library) stops the run before anything changes, until
`reset_state` starts afresh. Objects of an answer that fail the wire checks
(wire.py) are reported by key and left alone; the rest syncs.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..merge import Prefer
from ..model import Entry
from ..store import EntryUnwritable, LoadedCatalog, keep_storable, save
from .catalog_note import CatalogRecord, is_catalog_note
from .client import BATCH, PAGE, ZoteroClient, ZoteroError
from .group_catalog import added_order, adopt, place
from .intake import unpullable
from .mapping import MapContext, build_item, explicit_venue
from .note_sync import NoteKeeper
from .plan import Op, Plan, Planner, is_deleted
from .preflight import refuse_unsyncable
from .report import Report
from .schema import new_key
from .state import ItemState, SyncState, load_state, save_state

Mode = Literal["status", "pull", "push", "sync"]
MAX_ROUNDS = 4  # re-fetch/merge/retry rounds for objects someone else changed


class SyncEngine:
    def __init__(self, loaded: LoadedCatalog, client: ZoteroClient, state_file: Path,
                 mode: Mode, *, dry_run: bool = False, prefer: Prefer = None,
                 progress: Callable[[str, int, int], None] | None = None,
                 reset_state: bool = False) -> None:
        self.loaded, self.client, self.state_file = loaded, client, state_file
        self.mode, self.prefer = mode, prefer
        self.dry_run = dry_run or mode == "status"
        self.pulls = mode in ("pull", "sync", "status")  # status: what sync would do
        self.pushes = mode in ("push", "sync", "status")
        self.report = Report(dry_run=self.dry_run, prefer=prefer)
        self.progress = progress or (lambda _what, _done, _total: None)
        # A reset starts from nothing: every item is read again and matched
        # to its entry by key; fields that differ are conflicts.
        self.state: SyncState = (SyncState(group=client.group) if reset_state
                                 else load_state(state_file, client.group))
        self.ctx = MapContext(loaded.catalog, dict(self.state.collections))
        self.planner = Planner(loaded.catalog, self.ctx, self.state, self.report, pulls=self.pulls,
                               pushes=self.pushes, dry_run=self.dry_run, prefer=prefer)
        self._by_zkey: dict[str, Entry] | None = None
        self._seen = 0  # the highest library version Zotero has reported
        # Items this run wrote, at their new versions (checked next run).
        self._pushed: dict[str, int] = {}
        # The group's catalog note, and the entry order it gives.
        self.notes = NoteKeeper(self.state, self.report)
        self.note_order: list[str] = []
        self._adopted = False

    # -- the whole run ------------------------------------------------------------

    def run(self) -> Report:
        refuse_unsyncable(self.loaded)
        client = self.client
        client.check_access(write=self.pushes and not self.dry_run)
        read_version = self._read()
        self._take_rejected()
        self.notes.take(self.planner.fetched, self.planner.purged)
        keys = self.planner.all_keys()
        if self.pulls:
            self._adopt()
        plan = self.planner.plan(keys)
        if plan.new_entries:  # said in the order they take in the catalog
            place_of = {id(e): n for n, e in enumerate(self._final_entries(plan))}
            by_key = {e.key: place_of.get(id(e), 0) for e in plan.new_entries.values()}
            self.report.catalog["new"].sort(key=lambda k: by_key.get(k, 0))
        self._plan_note(plan)
        self._say_started(plan)
        if not self.dry_run:
            write_version = self._write(plan, read_version)
            self._take_rejected()
            self._apply_local(plan)
            note = self.notes.after(plan)
            dirty = (write_version != self.state.library_version
                     or self.state.collections != self.ctx.collection_keys
                     or self.state.context != self.planner.context()
                     or self.state.pushed != self._pushed
                     or _row(self.state.note) != _row(note))
            self.state.pushed = dict(self._pushed)
            self.state.note = note
            for zkey, row in plan.state.items():
                old = self.state.items.get(zkey)
                if row is None:
                    dirty |= self.state.items.pop(zkey, None) is not None
                elif (old is None or old.version != row.version or old.remote != row.remote
                      or (old.data is not row.data and old.data != row.data)):
                    self.planner.fingerprint_row(row)
                    self.state.items[zkey] = row
                    dirty = True
            self.state.collections = dict(self.ctx.collection_keys)
            self.state.context = self.planner.context()
            self.state.library_version = write_version
            if dirty:
                save_state(self.state_file, self.state)
        self.report.requests = client.requests
        return self.report

    # -- 1. read ------------------------------------------------------------------

    def _read(self) -> int:
        client, state = self.client, self.state
        since = state.library_version
        versions, version = client.item_versions(since)
        if version < since:
            raise ZoteroError(
                f"Zotero group {client.group} is at library version {version}, older than "
                f"the version {since} this catalog last synced with: the group was restored "
                "from a backup, or it is another library; `--reset-state` syncs afresh "
                "with the group as it is now")
        self._seen = version
        wanted: list[str] = []
        if versions is not None:
            if since and state.items:
                deleted = client.deleted(since)
                self.planner.purged = set(deleted.get("items", []))
                for key in deleted.get("collections", []):
                    self.ctx.collection_keys = {y: k for y, k in
                                                self.ctx.collection_keys.items() if k != key}
            for data in client.collections(since):
                name = str(data.get("name", "")).strip()
                if (name.isdigit() and len(name) == 4 and not data.get("deleted")
                        and not data.get("parentCollection")):
                    self.ctx.collection_keys.setdefault(int(name), str(data["key"]))
            wanted = [k for k, v in versions.items()
                      if k not in state.items or state.items[k].version != v]
        lost_updates = self._verify_pushed()
        if versions is not None and _pages(len(versions), PAGE) < _pages(len(wanted), BATCH):
            # Most of the library changed (a first pull): read it 100 a page.
            asked = set(wanted)
            for data in client.items_since(
                    since, lambda done, total: self.progress("reading from Zotero", done, total)):
                if data["key"] in asked:
                    self.planner.fetched[data["key"]] = data
            wanted = [k for k in wanted if k not in self.planner.fetched]
        self._fetch(list(dict.fromkeys(wanted + lost_updates)))
        for key in lost_updates:
            kept = self.planner.fetched.get(key)
            if kept is not None and not is_catalog_note(kept):
                # The base is what Zotero has: ours differs, is sent.
                state.items[key] = ItemState(int(kept["version"]), kept)
        return version

    def _verify_pushed(self) -> list[str]:
        """Check that Zotero kept what the last run wrote. An item it does not
        have (and nobody deleted) is forgotten by the state, so the planner
        creates it again; an item at an older version than written is
        returned, to be read and sent again on top of what Zotero has."""
        pushed = self.state.pushed
        if not pushed:
            return []
        # One listing of what changed since just before those writes holds
        # every item they kept; only the others are asked for by key (a push
        # of 5,000 items is checked in one request, not a hundred).
        since = max(0, min(pushed.values()) - 1)
        listed, _version = self.client.item_versions(since)
        current = {k: v for k, v in (listed or {}).items() if k in pushed}
        unseen = sorted(k for k in pushed if k not in current)
        if unseen:
            current.update(self.client.versions_of(unseen))
        missing = [k for k in sorted(pushed)
                   if k not in current and k not in self.planner.purged]
        older = [k for k in sorted(pushed) if k in current and current[k] < pushed[k]]
        for key in missing:
            self.state.items.pop(key, None)
            if self.state.note is not None and self.state.note.data.get("key") == key:
                self.state.note = None  # written again by this push
        lost = missing + older
        if lost:
            shown = ", ".join(lost[:5]) + (", ..." if len(lost) > 5 else "")
            again = ("sending them again" if self.pushes
                     else "push or sync sends them again")
            self.report.notes.append(f"Zotero did not keep {len(lost)} item"
                                     f"{'s' * (len(lost) != 1)} sent at the last sync "
                                     f"({shown}); {again}")
            if not self.pushes:
                self._pushed = {k: pushed[k] for k in lost}
        return older

    def _take_rejected(self) -> None:
        """What the client could not use: reported, and left alone this run."""
        self.report.failures.extend(self.client.scrub(line) for line in self.client.rejected)
        self.client.rejected.clear()
        self.planner.held |= self.client.rejected_keys

    def _fetch(self, keys: list[str]) -> None:
        items: list[dict[str, Any]] = []
        for start in range(0, len(keys), BATCH):
            items.extend(self.client.items_by_key(keys[start:start + BATCH]))
            self.progress("reading from Zotero", min(start + BATCH, len(keys)), len(keys))
        for data in items:
            self.planner.fetched[data["key"]] = data

    # -- the catalog note and what a pull adopts ------------------------------------

    def _new_items(self) -> list[dict[str, Any]]:
        """The items this pull turns into entries, in the order they will have."""
        local = self.planner.local()
        candidates = dict(self.planner.fetched)
        for zkey, row in self.state.items.items():
            if not row.data and row.remote is not None and zkey not in candidates:
                candidates[zkey] = row.remote  # deferred by a push: pulled now
        new = []
        for zkey, data in candidates.items():
            known = self.state.items.get(zkey)
            if zkey in local or (known is not None and known.data and not is_deleted(known.data)) \
                    or is_deleted(data) \
                    or data.get("parentItem") or unpullable(data, {}):
                continue
            new.append(data)
        position = {k: i for i, k in enumerate(self.note_order)}
        ordered = added_order(new)
        return sorted(ordered, key=lambda d: position.get(str(d["key"]), len(position)))

    def _adopt(self) -> None:
        """Give the catalog the venues and categories the pulled items need."""
        catalog = self.loaded.catalog
        record = self.notes.record()
        self.note_order = record.order if record else []
        new_items = self._new_items()
        changed = list(self.planner.fetched.values())
        explicit = {str(d["key"]): explicit_venue(d) for d in [*changed, *new_items]}
        adopted = adopt(catalog, record, new_items, changed, explicit)
        if not adopted:
            return
        self._adopted = True
        self.ctx.forget()
        for key in adopted.venues:
            name = catalog.venues[key].name
            self.report.adopted.append(f"new venue: {key}" + (f" ({name})" if name != key
                                                             else ""))
        self.report.adopted += [f"new category: {c}" for c in adopted.categories]

    def _starts_catalog(self) -> bool:
        """A pull into a catalog file that does not exist yet: it starts the
        file even when the group gives it no entry, so that `status` and
        `sync` find a catalog afterwards (the pull said it was done)."""
        return self.pulls and self.loaded.disk is None

    def _say_started(self, plan: Plan) -> None:
        if not self._starts_catalog() or plan.new_entries:
            return
        items = [d for d in self.planner.fetched.values() if not is_deleted(d)]
        why = (f"no item of the group became an entry ({len(items)} read)" if items
               else "the group has no papers yet")
        self.report.notes.append(f"{why}: {'would start' if self.dry_run else 'started'} "
                                 f"{self.loaded.path} with no entries")

    def _final_entries(self, plan: Plan) -> list[Entry]:
        """The catalog's entries once this run's removals and new entries are in."""
        entries = [e for e in self.loaded.catalog.entries
                   if not self.pulls or e.zotero_key not in plan.removals]
        if not self.pulls or not plan.new_entries:
            return entries
        order = {str(d["key"]): n for n, d in enumerate(self._new_items())}
        new = sorted(plan.new_entries.values(),
                     key=lambda e: (order.get(str(e.zotero_key), len(order)),
                                    str(e.zotero_key)))
        return place(entries, new, self.note_order)

    def _plan_note(self, plan: Plan) -> None:
        """Keep the catalog note what the catalog is: its venues, categories
        and (after this run) the order of its entries."""
        if not self.pushes:
            return
        catalog = self.loaded.catalog
        desired = CatalogRecord(venues=list(catalog.venues.values()),
                                categories=list(catalog.categories),
                                order=[str(e.zotero_key) for e in self._final_entries(plan)
                                       if e.zotero_key])
        taken = set(self.state.items) | set(self.planner.fetched) | set(plan.ops)
        self.notes.plan(plan, desired, taken)

    def _check_kept(self, version: int, saved: int, what: str) -> None:
        """A write Zotero reports as saved must move the library version."""
        if saved and version <= self._seen:
            raise ZoteroError(
                f"Zotero answered that it saved {saved} {what}, but its library version "
                f"did not move past {self._seen} ({version}): it did not keep them; the "
                "next sync checks the group and sends them again")
        self._seen = max(self._seen, version)

    # -- 3. write -----------------------------------------------------------------

    def _write(self, plan: Plan, read_version: int) -> int:
        """Send the plan's writes; returns the library version the state may
        record (the read version unless every write since was ours)."""
        expected, ours_only = read_version, True
        if any(op.kind == "create" for op in plan.ops.values()):
            save(self.loaded)  # the keys we chose are on disk before any create is sent
        expected, ours_only = self._ensure_collections(plan, expected, ours_only)
        pending = plan
        for _round in range(MAX_ROUNDS):
            retry = self._send(pending, plan)
            for version in retry.versions:
                if version == expected + 1:
                    expected = version
                elif version != expected:
                    ours_only = False
            if not retry.keys:
                break
            ours_only = False
            self._fetch(retry.keys)
            self._take_rejected()
            note_again = self.notes.key in retry.keys
            if note_again:
                retry.keys.remove(self.notes.key)
                self.notes.take(self.planner.fetched, self.planner.purged)
            for key in retry.keys:
                if key not in self.planner.fetched and key not in self.planner.held:
                    self.planner.purged.add(key)
            for key in retry.keys:  # decided again below, from the fresh copy
                plan.updates.pop(key, None)
                plan.new_entries.pop(key, None)
                plan.removals.discard(key)
            pending = self.planner.plan(retry.keys) if self.pushes else Plan()
            pending.ops = {k: op for k, op in pending.ops.items() if k in retry.keys}
            if note_again:  # someone else wrote the note: ours goes on top of theirs
                self.notes.again(plan)
                self._plan_note(pending)
                plan.ops.update({k: op for k, op in pending.ops.items() if op.what})
            plan.updates.update(pending.updates)
            plan.new_entries.update(pending.new_entries)
            plan.removals |= pending.removals
            plan.state.update(pending.state)
        else:
            self.report.failures.extend(f"Zotero item {k}: still changing under us after "
                                        f"{MAX_ROUNDS} tries" for k in retry.keys)
        return expected if ours_only else read_version

    def _ensure_collections(self, plan: Plan, expected: int,
                            ours_only: bool) -> tuple[int, bool]:
        years = sorted({y for op in plan.ops.values() if op.kind != "trash"
                        for y in self._years_of(op, plan)}
                       - set(self.ctx.collection_keys))
        if not years:
            return expected, ours_only
        chosen = {y: new_key() for y in years}
        for start in range(0, len(years), BATCH):
            chunk = years[start:start + BATCH]
            result = self.client.post("collections", [
                {"key": chosen[y], "version": 0, "name": str(y)} for y in chunk])
            self._check_kept(result.version, len(result.successful), "collections")
            for index, y in enumerate(chunk):
                # 412 on a key we chose: our own earlier create whose answer was lost.
                code = int(result.failed.get(index, {}).get("code", 0))
                if index in result.successful or index in result.unchanged or code == 412:
                    self.ctx.collection_keys[y] = chosen[y]
                else:
                    self.report.failures.append(f"collection {y}: "
                                                f"{result.failed.get(index)}")
            if result.version == expected + 1:
                expected = result.version
            elif result.version != expected:
                ours_only = False
        # Payloads were built before the collections existed: add them now.
        for op in plan.ops.values():
            if op.kind != "trash":
                entry = self._entry_for(op, plan)
                if entry is not None:
                    merged = copy.copy(entry)
                    if op.zkey in plan.updates:
                        for name, value in plan.updates[op.zkey].items():
                            setattr(merged, name, value)
                    op.payload["collections"] = build_item(
                        merged, self.ctx, op.payload)["collections"]
        return expected, ours_only

    def _entry_for(self, op: Op, plan: Plan) -> Entry | None:
        if op.zkey in plan.new_entries:
            return plan.new_entries[op.zkey]
        if self._by_zkey is None:
            self._by_zkey = self.planner.local()
        return self._by_zkey.get(op.zkey)

    def _years_of(self, op: Op, plan: Plan) -> list[int]:
        entry = self._entry_for(op, plan)
        return entry.listed_sections() if entry else []

    @dataclass
    class _Retry:
        keys: list[str] = field(default_factory=list)
        versions: list[int] = field(default_factory=list)

    def _send(self, pending: Plan, plan: Plan) -> SyncEngine._Retry:
        retry = SyncEngine._Retry()
        ops = [op for op in pending.ops.values() if op.kind != "replace"]
        for op in pending.ops.values():
            if op.kind == "replace":
                self._replace(op, plan, retry)
        for start in range(0, len(ops), BATCH):
            batch = ops[start:start + BATCH]
            result = self.client.post("items", [op.payload for op in batch])
            self._check_kept(result.version, len(result.successful), "items")
            retry.versions.append(result.version)
            for index, op in enumerate(batch):
                if index in result.successful:
                    obj = result.successful[index]
                    data = dict(obj.get("data") or op.payload)
                    data["version"] = int(obj.get("version") or result.version)
                    plan.state[op.zkey] = ItemState(data["version"], data)
                    self._pushed[op.zkey] = data["version"]
                elif index in result.unchanged:
                    plan.state[op.zkey] = ItemState(int(op.payload["version"]), op.payload)
                else:
                    failure = result.failed.get(index, {})
                    code = int(failure.get("code", 0))
                    if code in (412, 404):
                        retry.keys.append(op.zkey)
                    else:
                        self.report.failures.append(
                            f"{op.label()}: Zotero refused it: {code} "
                            f"{self.client.scrub(str(failure.get('message', '')))}")
                        self.report.unrecord("zotero", op.entry_key)
            self.progress("writing to Zotero", start + len(batch), len(ops))
        return retry

    def _replace(self, op: Op, plan: Plan, retry: SyncEngine._Retry) -> None:
        status, version = self.client.put_item(op.zkey, op.payload)
        if status == 204:
            self._check_kept(version, 1, "item")
            retry.versions.append(version)
            plan.state[op.zkey] = ItemState(version, {**op.payload, "version": version})
            self._pushed[op.zkey] = version
        elif status in (412, 404):
            retry.keys.append(op.zkey)
        else:
            self.report.failures.append(f"{op.label()}: Zotero refused it: {status}")
            self.report.unrecord("zotero", op.entry_key)

    # -- 4. the catalog -----------------------------------------------------------

    def _apply_local(self, plan: Plan) -> None:
        catalog = self.loaded.catalog
        if self.pulls:
            for entry in catalog.entries:
                merged = plan.updates.get(entry.zotero_key or "")
                if merged is not None:
                    source = f"zotero group {self.client.group}"
                    for name, value in merged.items():
                        if getattr(entry, name) != value:
                            setattr(entry, name, value)
                            entry.provenance[name] = source  # where the new value came from
            catalog.entries = self._final_entries(plan)
        if (plan.updates or plan.new_entries or plan.removals or self.planner.linked
                or self._adopted or self._starts_catalog()):
            # One entry the file cannot hold costs only itself, as in import and enrich.
            _, dropped = keep_storable(self.loaded, lambda: save(self.loaded))
            for unstorable in dropped:
                self._left_out(unstorable, plan)

    def _left_out(self, unstorable: EntryUnwritable, plan: Plan) -> None:
        """An entry the catalog file cannot hold, which keep_storable put back
        as it was (a new one left out): said with its Zotero item, and its
        sync state left as the last sync wrote it, so the next sync tries
        the item again; the run then fails (exit 1)."""
        key = unstorable.key
        zkey = next((z for z, e in plan.new_entries.items() if e.key == key), None)
        if zkey is not None:
            what = "not pulled"
        else:
            entry = self.loaded.catalog.find(key)
            zkey = entry.zotero_key if entry is not None else None
            what = "the catalog keeps the entry as it was"
        row = plan.state.get(zkey) if zkey is not None else None
        if zkey is not None and row is not None:
            # Kept as a remote change not taken in yet (as a conflict keeps
            # one): the next read only asks for what changed after this run.
            old = self.state.items.get(zkey)
            plan.state[zkey] = ItemState(row.version, old.data if old else {},
                                         row.remote or row.data)
        item = f"Zotero item {zkey}: " if zkey else ""
        self.report.failures.append(f"{item}entry {key}: cannot be stored in "
                                    f"{self.loaded.name}: {unstorable.detail}; {what}")
        self.report.unrecord("catalog", key)


def _pages(count: int, size: int) -> int:
    return -(-count // size)


def _row(state: ItemState | None) -> tuple[int, dict[str, Any]] | None:
    return None if state is None else (state.version, state.data)

