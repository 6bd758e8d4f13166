"""The sync engine: the Zotero client's protocol, against entries.toml.

1. Read: `items?since=V&format=versions` (304 when nothing changed), then only
   when the library changed `deleted?since=V`, `collections?since=V`, and the
   changed items by key, 50 a request.
2. Decide per item (see `Planner`): a three-way merge of catalog, Zotero and
   the pristine copy from the last sync, field by field.
3. Write: new entries get a Zotero key we choose, saved into entries.toml
   before anything is sent, and are created with `version: 0`, so a create
   retried after a lost response can never duplicate. Updates carry the
   object's version; a per-object 412 means someone else wrote: re-fetch,
   merge again, retry. Then the catalog is saved, then the state (in that
   order: a crash in between leaves both sides agreeing, which the next merge
   sees as no change).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..keys import assign_key
from ..merge import Conflict, Prefer, same_exact, three_way
from ..model import Entry
from ..store import LoadedCatalog, save
from .client import BATCH, ZoteroClient
from .mapping import SYNC_FIELDS, MapContext, build_item, citation_key, entry_fields, item_fields
from .report import Report
from .schema import new_key
from .state import ItemState, SyncState, load_state, save_state

Mode = Literal["status", "pull", "push", "sync"]
MAX_ROUNDS = 4  # re-fetch/merge/retry rounds for objects someone else changed
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:-")
# Item JSON properties that are bookkeeping, not content.
_BOOKKEEPING = frozenset({"key", "version", "dateAdded", "dateModified"})


@dataclass
class Op:
    """One object to write."""

    zkey: str
    kind: Literal["create", "update", "trash", "replace"]
    payload: dict[str, Any]
    entry_key: str


@dataclass
class Plan:
    ops: dict[str, Op] = field(default_factory=dict)
    # catalog changes: merged fields per zotero key, new entries, removals
    updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_entries: dict[str, Entry] = field(default_factory=dict)
    removals: set[str] = field(default_factory=set)
    # state rows to set (None: forget) once everything is written
    state: dict[str, ItemState | None] = field(default_factory=dict)


def is_deleted(data: dict[str, Any] | None) -> bool:
    return bool(data and data.get("deleted"))


def fingerprint(key: str, fields: dict[str, Any]) -> str:
    """A digest of an entry's citation key and syncable fields."""
    text = repr((key, sorted(fields.items())))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def differs(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two items' content differs (a missing field equals an empty one)."""
    for name in (set(a) | set(b)) - _BOOKKEEPING:
        x, y = a.get(name), b.get(name)
        if (x or None) != (y or None):
            return True
    return False


class SyncEngine:
    def __init__(self, loaded: LoadedCatalog, client: ZoteroClient, state_file: Path,
                 mode: Mode, *, dry_run: bool = False, prefer: Prefer = None,
                 progress: Callable[[str, int, int], None] | None = None) -> None:
        self.loaded, self.client, self.state_file = loaded, client, state_file
        self.mode, self.prefer = mode, prefer
        self.dry_run = dry_run or mode == "status"
        self.pulls = mode in ("pull", "sync", "status")  # status: what sync would do
        self.pushes = mode in ("push", "sync", "status")
        self.report = Report(dry_run=self.dry_run)
        self.progress = progress or (lambda _what, _done, _total: None)
        self.state: SyncState = load_state(state_file, client.group)
        self.ctx = MapContext(loaded.catalog, dict(self.state.collections))
        self.fetched: dict[str, dict[str, Any]] = {}
        self.purged: set[str] = set()
        self._by_zkey: dict[str, Entry] | None = None
        self._trusted = False
        self._linked = False
        self._links: dict[str, Entry] = {}

    # -- the whole run ------------------------------------------------------------

    def run(self) -> Report:
        client = self.client
        client.check_access(write=self.pushes and not self.dry_run)
        read_version = self._read()
        plan = self._plan(self._all_keys())
        if not self.dry_run:
            write_version = self._write(plan, read_version)
            self._apply_local(plan)
            dirty = (write_version != self.state.library_version
                     or self.state.collections != self.ctx.collection_keys
                     or self.state.context != self._context())
            for zkey, row in plan.state.items():
                old = self.state.items.get(zkey)
                if row is None:
                    dirty |= self.state.items.pop(zkey, None) is not None
                elif (old is None or old.version != row.version or old.remote != row.remote
                      or old.data is not row.data or not old.fingerprint):
                    self._fingerprint(row)
                    self.state.items[zkey] = row
                    dirty = True
            self.state.collections = dict(self.ctx.collection_keys)
            self.state.context = self._context()
            self.state.library_version = write_version
            if dirty:
                save_state(self.state_file, self.state)
        self.report.requests = client.requests
        return self.report

    def _context(self) -> str:
        catalog = self.loaded.catalog
        venues = sorted((k, v.name, v.kind, tuple(v.aliases)) for k, v in catalog.venues.items())
        text = repr((venues, catalog.categories, sorted(self.ctx.collection_keys.items())))
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]

    def _fingerprint(self, row: ItemState) -> None:
        fields = None if is_deleted(row.data) else item_fields(row.data, self.ctx)
        row.fingerprint = fingerprint(citation_key(row.data), fields) if fields else ""

    def _unchanged(self, zkey: str, entry: Entry) -> bool:
        """Whether neither side touched this entry since the last sync (cheaply)."""
        st = self.state.items.get(zkey)
        return (st is not None and bool(st.fingerprint) and st.remote is None
                and zkey not in self.fetched and zkey not in self.purged
                and self._trusted
                and st.fingerprint == fingerprint(entry.key, entry_fields(entry)))

    # -- 1. read ------------------------------------------------------------------

    def _read(self) -> int:
        client, state = self.client, self.state
        since = state.library_version
        versions, version = client.item_versions(since)
        if versions is None:
            return version
        if since and state.items:
            deleted = client.deleted(since)
            self.purged = set(deleted.get("items", []))
            for key in deleted.get("collections", []):
                self.ctx.collection_keys = {y: k for y, k in self.ctx.collection_keys.items()
                                            if k != key}
        for col in client.collections(since):
            data = col.get("data", col)
            name = str(data.get("name", "")).strip()
            if (name.isdigit() and len(name) == 4 and not data.get("deleted")
                    and not data.get("parentCollection")):
                self.ctx.collection_keys.setdefault(int(name), str(data["key"]))
        wanted = [k for k, v in versions.items()
                  if k not in state.items or state.items[k].version != v]
        self._fetch(wanted)
        return version

    def _fetch(self, keys: list[str]) -> None:
        items: list[dict[str, Any]] = []
        for start in range(0, len(keys), BATCH):
            items.extend(self.client.items_by_key(keys[start:start + BATCH]))
            self.progress("reading from Zotero", min(start + BATCH, len(keys)), len(keys))
        for item in items:
            data = dict(item.get("data", item))
            data["version"] = int(item.get("version") or data.get("version") or 0)
            self.fetched[str(item["key"])] = data

    # -- 2. plan ------------------------------------------------------------------

    def _local(self) -> dict[str, Entry]:
        local = {e.zotero_key: e for e in self.loaded.catalog.entries if e.zotero_key}
        local.update(self._links)  # links a dry run found but did not write
        return local

    def _all_keys(self) -> list[str]:
        keys = set(self.state.items) | set(self.fetched) | self.purged | set(self._local())
        self._link_new_remote()
        return sorted(keys)

    def _link_new_remote(self) -> None:
        """A paper added on both sides before a sync is one paper: link a new
        remote item to an unsynced entry with its citation key, DOI or arXiv id."""
        unsynced = [e for e in self.loaded.catalog.entries if not e.zotero_key]
        if not unsynced:
            return
        for zkey, data in self.fetched.items():
            if zkey in self.state.items or is_deleted(data):
                continue
            fields = item_fields(data, self.ctx)
            if fields is None:
                continue
            for entry in unsynced:
                if (entry.key.casefold() == citation_key(data).casefold()
                        or (entry.doi and same_exact("doi", entry.doi.casefold(),
                                                     (fields["doi"] or "").casefold()))
                        or (entry.arxiv and entry.arxiv == fields["arxiv"])):
                    if self.dry_run:
                        self._links[zkey] = entry
                    else:
                        entry.zotero_key = zkey
                        self._linked = True
                    unsynced.remove(entry)
                    self.report.notes.append(f"entry {entry.key}: linked to Zotero item {zkey}")
                    break

    def _plan(self, keys: list[str]) -> Plan:
        plan = Plan()
        local = self._local()
        self._trusted = self.state.context == self._context()
        for zkey in keys:
            entry = local.get(zkey)
            if entry is not None and self._unchanged(zkey, entry):
                continue
            self._plan_one(plan, zkey, entry)
        if self.pushes:
            taken = set(self.state.items) | set(self.fetched) | set(local)
            linked = {id(e) for e in self._links.values()}
            for entry in self.loaded.catalog.entries:
                if entry.zotero_key or id(entry) in linked:
                    continue
                zkey = new_key()
                while zkey in taken:
                    zkey = new_key()
                taken.add(zkey)
                if not self.dry_run:
                    entry.zotero_key = zkey
                self._create(plan, zkey, entry)
        elif any(not e.zotero_key for e in self.loaded.catalog.entries):
            count = sum(not e.zotero_key for e in self.loaded.catalog.entries)
            self.report.notes.append(f"{count} entries are not in Zotero yet (push or sync "
                                     "sends them)")
        return plan

    def _remote_view(self, zkey: str) -> tuple[dict[str, Any] | None, int, bool]:
        """(remote item or None, its version, whether it changed since the base)."""
        st = self.state.items.get(zkey)
        if zkey in self.fetched:
            data = self.fetched[zkey]
            return data, int(data.get("version", 0)), True
        if zkey in self.purged:
            return {"key": zkey, "deleted": 1}, (st.version if st else 0), True
        if st is not None:
            return (st.remote or st.data), st.version, st.remote is not None
        return None, 0, False

    def _plan_one(self, plan: Plan, zkey: str, entry: Entry | None) -> None:
        st = self.state.items.get(zkey)
        base = st.data if st is not None and st.data and not is_deleted(st.data) else None
        remote, version, changed = self._remote_view(zkey)
        if entry is None:
            self._plan_no_entry(plan, zkey, base, remote, version, changed)
        elif remote is None:
            self._create(plan, zkey, entry)
        elif is_deleted(remote):
            self._plan_remote_deleted(plan, zkey, entry, base, remote, version)
        else:
            self._plan_merge(plan, zkey, entry, base, remote, version, changed)

    def _plan_no_entry(self, plan: Plan, zkey: str, base: dict[str, Any] | None,
                       remote: dict[str, Any] | None, version: int, changed: bool) -> None:
        if remote is None:
            return
        if is_deleted(remote):
            plan.state[zkey] = ItemState(version, {"key": zkey, "deleted": 1})
            return
        if base is None:  # new in Zotero (or restored from its trash)
            self._pull_new(plan, zkey, remote, version)
            return
        label = citation_key(base) or zkey
        if not changed:  # removed from the catalog, untouched in Zotero: to the trash
            if self.pushes:
                self._trash(plan, zkey, label, remote, version)
            return
        if self.prefer == "local":
            if self.pushes:
                self._trash(plan, zkey, label, remote, version)
            else:
                self._defer(plan, zkey, base, remote, version)
            return
        if self.prefer == "remote":
            self._pull_new(plan, zkey, remote, version)
            return
        self.report.conflicts.append(Conflict(label, "(entry)", "removed", "edited", "Zotero"))
        self._defer(plan, zkey, base, remote, version)

    def _plan_remote_deleted(self, plan: Plan, zkey: str, entry: Entry,
                             base: dict[str, Any] | None, remote: dict[str, Any],
                             version: int) -> None:
        base_fields = item_fields(base, self.ctx) if base else None
        untouched = base_fields is not None and all(
            same_exact(n, base_fields[n], getattr(entry, n)) for n in SYNC_FIELDS)
        if untouched or self.prefer == "remote":
            if self.pulls:
                plan.removals.add(zkey)
                plan.state[zkey] = ItemState(version, {"key": zkey, "deleted": 1})
                self.report.record("catalog", "deleted", entry.key)
            else:
                self._defer(plan, zkey, base, remote, version)
            return
        if self.prefer == "local":
            if self.pushes:
                restored = remote if len(remote) > 2 else None
                payload = build_item(entry, self.ctx, restored)
                payload.pop("deleted", None)
                if restored is not None:
                    payload["deleted"] = 0
                self._op(plan, Op(zkey, "update" if restored else "create",
                                  {**payload, "key": zkey,
                                   "version": version if restored else 0}, entry.key))
                self.report.record("zotero", "new", entry.key)
            else:
                self._defer(plan, zkey, base, remote, version)
            return
        self.report.conflicts.append(Conflict(entry.key, "(entry)", "edited",
                                              "deleted", "Zotero"))
        self._defer(plan, zkey, base, remote, version)

    def _plan_merge(self, plan: Plan, zkey: str, entry: Entry, base: dict[str, Any] | None,
                    remote: dict[str, Any], version: int, changed: bool) -> None:
        theirs = item_fields(remote, self.ctx)
        if theirs is None:
            self.report.notes.append(f"entry {entry.key}: Zotero item {zkey} is of a type "
                                     f"the catalog cannot hold ({remote.get('itemType')}); "
                                     "left alone")
            return
        base_fields = (item_fields(base, self.ctx) if base else None) or {}
        ours = entry_fields(entry)
        merge = three_way(entry.key, base_fields, ours, theirs, self.prefer, "Zotero",
                          exact=True, sets=True)
        if merge.conflicts:
            self.report.conflicts.extend(merge.conflicts)
            if self.prefer is None:  # both values stay; nothing is overwritten
                self._defer(plan, zkey, base, remote, version)
                return
        if merge.changed_ours and not self.pulls:
            self.report.notes.append(f"entry {entry.key}: changed in Zotero too; "
                                     "`zotero pull` or `zotero sync` first")
            self._defer(plan, zkey, base, remote, version)
            return
        if merge.changed_ours:
            plan.updates[zkey] = merge.merged
            self.report.record("catalog", "changed", entry.key)
        merged_entry = copy.copy(entry)
        for name, value in merge.merged.items():
            setattr(merged_entry, name, value)
        payload = build_item(merged_entry, self.ctx, remote)
        if self.pushes and differs(payload, remote):
            # A new item type leaves fields the old type had: a POST would merge
            # them back in (PATCH semantics), a PUT replaces the whole item.
            kind: Literal["update", "replace"] = (
                "replace" if payload.get("itemType") != remote.get("itemType") else "update")
            self._op(plan, Op(zkey, kind, {**payload, "key": zkey, "version": version},
                              entry.key))
            self.report.record("zotero", "changed", entry.key)
        else:
            plan.state[zkey] = ItemState(version, remote)

    def _defer(self, plan: Plan, zkey: str, base: dict[str, Any] | None,
               remote: dict[str, Any], version: int) -> None:
        """Keep a remote change this run did not take in: the state remembers
        it, since the next read only asks for what changed after this one."""
        plan.state[zkey] = ItemState(version, base or {}, remote)

    def _pull_new(self, plan: Plan, zkey: str, remote: dict[str, Any], version: int) -> None:
        if not self.pulls:
            self.report.notes.append(f"Zotero item {zkey} is not in the catalog "
                                     "(pull or sync brings it in)")
            self._defer(plan, zkey, None, remote, version)
            return
        fields = item_fields(remote, self.ctx)
        if fields is None or not fields["title"]:
            self.report.notes.append(f"Zotero item {zkey} ({remote.get('itemType')}) has no "
                                     "title and year the catalog can hold; skipped")
            return
        catalog = self.loaded.catalog
        taken = [e.key for e in catalog.entries] + [e.key for e in plan.new_entries.values()]
        entry = Entry(key="", title=fields["title"], year=fields["year"], zotero_key=zkey)
        for name, value in fields.items():
            setattr(entry, name, value)
        wanted = citation_key(remote)
        folded = {k.casefold() for k in taken}
        if wanted and set(wanted) <= _KEY_CHARS and wanted.casefold() not in folded:
            entry.key = wanted
        else:
            entry.key = assign_key(entry, taken, catalog.settings.key_format)
        plan.new_entries[zkey] = entry
        self.report.record("catalog", "new", entry.key)
        payload = build_item(entry, self.ctx, remote)
        if self.pushes and differs(payload, remote):  # give Zotero the citation key
            self._op(plan, Op(zkey, "update", {**payload, "key": zkey, "version": version},
                              entry.key))
        else:
            plan.state[zkey] = ItemState(version, remote)

    def _create(self, plan: Plan, zkey: str, entry: Entry) -> None:
        if not self.pushes:
            return
        payload = build_item(entry, self.ctx, None)
        self._op(plan, Op(zkey, "create", {**payload, "key": zkey, "version": 0}, entry.key))
        self.report.record("zotero", "new", entry.key)

    def _trash(self, plan: Plan, zkey: str, label: str, remote: dict[str, Any],
               version: int) -> None:
        payload = {**remote, "key": zkey, "version": version, "deleted": 1}
        self._op(plan, Op(zkey, "trash", payload, label))
        self.report.record("zotero", "deleted", label)

    def _op(self, plan: Plan, op: Op) -> None:
        plan.ops[op.zkey] = op
        plan.state.pop(op.zkey, None)

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
            for key in retry.keys:
                if key not in self.fetched:
                    self.purged.add(key)
            for key in retry.keys:  # decided again below, from the fresh copy
                plan.updates.pop(key, None)
                plan.new_entries.pop(key, None)
                plan.removals.discard(key)
            pending = self._plan(retry.keys) if self.pushes else Plan()
            pending.ops = {k: op for k, op in pending.ops.items() if k in retry.keys}
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
            self._by_zkey = self._local()
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
            retry.versions.append(result.version)
            for index, op in enumerate(batch):
                if index in result.successful:
                    obj = result.successful[index]
                    data = dict(obj.get("data") or op.payload)
                    data["version"] = int(obj.get("version") or result.version)
                    plan.state[op.zkey] = ItemState(data["version"], data)
                elif index in result.unchanged:
                    plan.state[op.zkey] = ItemState(int(op.payload["version"]), op.payload)
                else:
                    failure = result.failed.get(index, {})
                    code = int(failure.get("code", 0))
                    if code in (412, 404):
                        retry.keys.append(op.zkey)
                    else:
                        self.report.failures.append(
                            f"entry {op.entry_key}: Zotero refused it: {code} "
                            f"{self.client.scrub(str(failure.get('message', '')))}")
                        self.report.unrecord("zotero", op.entry_key)
            self.progress("writing to Zotero", start + len(batch), len(ops))
        return retry

    def _replace(self, op: Op, plan: Plan, retry: SyncEngine._Retry) -> None:
        status, version = self.client.put_item(op.zkey, op.payload)
        if status == 204:
            retry.versions.append(version)
            plan.state[op.zkey] = ItemState(version, {**op.payload, "version": version})
        elif status in (412, 404):
            retry.keys.append(op.zkey)
        else:
            self.report.failures.append(f"entry {op.entry_key}: Zotero refused it: {status}")
            self.report.unrecord("zotero", op.entry_key)

    # -- 4. the catalog -----------------------------------------------------------

    def _apply_local(self, plan: Plan) -> None:
        catalog = self.loaded.catalog
        if self.pulls:
            for entry in catalog.entries:
                merged = plan.updates.get(entry.zotero_key or "")
                if merged is not None:
                    for name, value in merged.items():
                        setattr(entry, name, value)
            catalog.entries = [e for e in catalog.entries if e.zotero_key not in plan.removals]
            catalog.entries.extend(plan.new_entries.values())
        if plan.updates or plan.new_entries or plan.removals or self._linked:
            save(self.loaded)

