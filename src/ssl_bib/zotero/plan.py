"""Deciding, item by item, what a sync does: the three-way merge of the
catalog, Zotero and the pristine copy from the last sync (merge.three_way),
deletions on either side, new items on either side. No I/O: the engine
(sync.py) reads and writes; the planner only fills a Plan."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

from ..keys import KeyPool
from ..merge import Conflict, Prefer, same_exact, three_way
from ..model import Catalog, Entry
from .catalog_note import is_catalog_note
from .intake import unpullable
from .mapping import (
    SYNC_FIELDS,
    MapContext,
    build_item,
    citation_key,
    entry_fields,
    item_fields,
    key_aliases,
)
from .report import Report
from .schema import new_key
from .state import ItemState, SyncState

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
    what: str = ""  # how a failure names it, when it is no entry's item

    def label(self) -> str:
        return self.what or f"entry {self.entry_key}"


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


class Planner:
    """Decides per item, over the catalog's data alone (no file, no
    request); `fetched` and `purged` are what the engine read."""

    def __init__(self, catalog: Catalog, ctx: MapContext, state: SyncState,
                 report: Report, *, pulls: bool, pushes: bool, dry_run: bool,
                 prefer: Prefer) -> None:
        self.catalog, self.ctx, self.state, self.report = catalog, ctx, state, report
        self.pulls, self.pushes, self.dry_run, self.prefer = pulls, pushes, dry_run, prefer
        self.fetched: dict[str, dict[str, Any]] = {}
        self.purged: set[str] = set()
        # Items whose data failed the wire checks: left alone this run.
        self.held: set[str] = set()
        self.linked = False  # entries were linked to remote items: the catalog changed
        self._links: dict[str, Entry] = {}
        self._trusted = False
        self._keys: KeyPool | None = None
        self._given: dict[str, list[str]] = {}  # zotero key -> keys its new entry took

    def context(self) -> str:
        catalog = self.catalog
        venues = sorted((k, v.name, v.kind, tuple(v.aliases)) for k, v in catalog.venues.items())
        text = repr((venues, catalog.categories, sorted(self.ctx.collection_keys.items())))
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]

    def fingerprint_row(self, row: ItemState) -> None:
        fields = None if is_deleted(row.data) else item_fields(row.data, self.ctx)
        row.fingerprint = fingerprint(citation_key(row.data), fields) if fields else ""

    def _unchanged(self, zkey: str, entry: Entry) -> bool:
        """Whether neither side touched this entry since the last sync (cheaply)."""
        st = self.state.items.get(zkey)
        return (st is not None and bool(st.fingerprint) and st.remote is None
                and zkey not in self.fetched and zkey not in self.purged
                and self._trusted
                and st.fingerprint == fingerprint(entry.key, entry_fields(entry)))

    def local(self) -> dict[str, Entry]:
        local = {e.zotero_key: e for e in self.catalog.entries if e.zotero_key}
        local.update(self._links)  # links a dry run found but did not write
        return local

    def all_keys(self) -> list[str]:
        keys = set(self.state.items) | set(self.fetched) | self.purged | set(self.local())
        self._link_new_remote()
        return sorted(keys)

    def _link_new_remote(self) -> None:
        """A paper added on both sides before a sync is one paper: link a new
        remote item to an unsynced entry with its citation key, DOI or arXiv id."""
        unsynced = [e for e in self.catalog.entries if not e.zotero_key]
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
                        self.linked = True
                    unsynced.remove(entry)
                    self.report.notes.append(f"entry {entry.key}: linked to Zotero item {zkey}")
                    break

    def plan(self, keys: list[str]) -> Plan:
        plan = Plan()
        local = self.local()
        self._trusted = self.state.context == self.context()
        for zkey in keys:
            if zkey in self.held:
                continue
            entry = local.get(zkey)
            if entry is not None and self._unchanged(zkey, entry):
                continue
            self._plan_one(plan, zkey, entry)
        if self.pushes:
            taken = set(self.state.items) | set(self.fetched) | set(local)
            linked = {id(e) for e in self._links.values()}
            for entry in self.catalog.entries:
                if entry.zotero_key or id(entry) in linked:
                    continue
                zkey = new_key()
                while zkey in taken:
                    zkey = new_key()
                taken.add(zkey)
                if not self.dry_run:
                    entry.zotero_key = zkey
                self._create(plan, zkey, entry)
        elif any(not e.zotero_key for e in self.catalog.entries):
            count = sum(not e.zotero_key for e in self.catalog.entries)
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

    def _base_fields(self, zkey: str, entry: Entry, base: dict[str, Any] | None,
                     ours: dict[str, Any]) -> dict[str, Any] | None:
        """The catalog fields of the pristine copy. An entry whose fingerprint
        is the one recorded at the last sync is unchanged since: its fields are
        the base. Mapping the pristine item again would not do after the
        catalog's venues or categories changed: a category added to the catalog
        would map Zotero's tag into the base, the entry would seem to have
        dropped it, and the sync would strip that tag from every item."""
        if base is None:
            return None
        st = self.state.items.get(zkey)
        if (st is not None and st.fingerprint and st.data is base
                and st.fingerprint == fingerprint(entry.key, ours)):
            return ours
        return item_fields(base, self.ctx)

    def _resolved(self, what: str, outcome: str) -> None:
        """A conflict --prefer decided: said, not left open."""
        verb = "would be" if self.dry_run else "was"
        self.report.resolved.append(f"{what}: {outcome.format(verb=verb)} "
                                    f"(--prefer {self.prefer})")

    def _resolved_fields(self, conflicts: list[Conflict]) -> None:
        took = "would take" if self.dry_run else "took"
        side = "the catalog's" if self.prefer == "local" else "Zotero's"
        for c in conflicts:
            self.report.resolved.append(f"entry {c.key}: {c.field}: {took} {side} value "
                                        f"(--prefer {self.prefer})")

    def _plan_no_entry(self, plan: Plan, zkey: str, base: dict[str, Any] | None,
                       remote: dict[str, Any] | None, version: int, changed: bool) -> None:
        if remote is None:
            return
        if is_deleted(remote):
            st = self.state.items.get(zkey)
            if st is None or st.version != version or not is_deleted(st.data):
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
        what = f"entry {label}: removed from the catalog, edited in Zotero"
        if self.prefer == "local" and self.pushes:
            self._trash(plan, zkey, label, remote, version)
            self._resolved(what, "{verb} moved to Zotero's trash")
            return
        if self.prefer == "remote" and self.pulls:
            self._pull_new(plan, zkey, remote, version)
            self._resolved(what, "{verb} brought back into the catalog")
            return
        self.report.conflicts.append(Conflict(label, "(entry)", "removed", "edited", "Zotero"))
        self._defer(plan, zkey, base, remote, version)

    def _plan_remote_deleted(self, plan: Plan, zkey: str, entry: Entry,
                             base: dict[str, Any] | None, remote: dict[str, Any],
                             version: int) -> None:
        base_fields = self._base_fields(zkey, entry, base, entry_fields(entry))
        untouched = base_fields is not None and all(
            same_exact(n, base_fields[n], getattr(entry, n)) for n in SYNC_FIELDS)
        what = f"entry {entry.key}: edited in the catalog, deleted in Zotero"
        if untouched or self.prefer == "remote":
            if self.pulls:
                plan.removals.add(zkey)
                plan.state[zkey] = ItemState(version, {"key": zkey, "deleted": 1})
                self.report.record("catalog", "deleted", entry.key)
                if not untouched:
                    self._resolved(what, "{verb} removed from the catalog")
            else:
                self._defer(plan, zkey, base, remote, version)
            return
        if self.prefer == "local":
            if self.pushes:
                self._resolved(what, "{verb} sent to Zotero again")
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
        refused: list[tuple[str, str, str]] = []
        theirs = item_fields(remote, self.ctx, refused)
        if theirs is None:
            self.report.notes.append(f"entry {entry.key}: Zotero item {zkey} is of a type "
                                     f"the catalog cannot hold ({remote.get('itemType')}); "
                                     "left alone")
            return
        ours = entry_fields(entry)
        base_fields = self._base_fields(zkey, entry, base, ours) or {}
        already: list[tuple[str, str, str]] = []
        if refused and base is not None:
            item_fields(base, self.ctx, already)  # refused at the last sync: said then
        for name, value, what in refused:
            # Not taken, and no deletion either: as if Zotero had not changed it.
            theirs[name] = base_fields.get(name, ours[name])
            if (name, value, what) not in already:
                self._note_refused(entry.key, zkey, name, value, what)
        merge = three_way(entry.key, base_fields, ours, theirs, self.prefer, "Zotero",
                          exact=True, sets=True)
        if merge.conflicts and self.prefer is None:  # both values stay; nothing overwritten
            self.report.conflicts.extend(merge.conflicts)
            self._defer(plan, zkey, base, remote, version)
            return
        if merge.changed_ours and not self.pulls:
            self.report.conflicts.extend(merge.conflicts)  # not decided by this push
            self.report.notes.append(f"entry {entry.key}: changed in Zotero too; "
                                     "`zotero pull` or `zotero sync` first")
            self._defer(plan, zkey, base, remote, version)
            return
        self._resolved_fields(merge.conflicts)
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

    def _note_refused(self, key: str | None, zkey: str, name: str, value: str,
                      what: str) -> None:
        who = f"entry {key}: Zotero item {zkey}" if key else f"Zotero item {zkey}"
        self.report.notes.append(f"{who}: {name} {value[:80]!r} is not {what}; not taken "
                                 "into the catalog, left as it is in Zotero")

    def _defer(self, plan: Plan, zkey: str, base: dict[str, Any] | None,
               remote: dict[str, Any], version: int) -> None:
        """Keep a remote change this run did not take in: the state remembers
        it, since the next read only asks for what changed after this one."""
        plan.state[zkey] = ItemState(version, base or {}, remote)

    def _pull_new(self, plan: Plan, zkey: str, remote: dict[str, Any], version: int) -> None:
        if remote.get("parentItem") or is_catalog_note(remote):
            if zkey in self.state.items:
                plan.state[zkey] = None
            return  # notes and attachments belong to their item, not to the catalog
        if not self.pulls:
            self.report.notes.append(f"Zotero item {zkey} is not in the catalog "
                                     "(pull or sync brings it in)")
            self._defer(plan, zkey, None, remote, version)
            return
        refused: list[tuple[str, str, str]] = []
        fields = item_fields(remote, self.ctx, refused)
        why = unpullable(remote, fields)
        if fields is None or why:
            title = " ".join(str(remote.get("title") or "").split())
            shown = f" ({title[:50]!r})" if title else ""
            self.report.notes.append(f"Zotero item {zkey}{shown}: {why}; not pulled")
            if zkey in self.state.items:
                plan.state[zkey] = None  # a deferred copy from a push: told once is enough
            return
        entry = Entry(key="", title=fields["title"], year=fields["year"], zotero_key=zkey)
        for name, value in fields.items():
            setattr(entry, name, value)
        for name, value, what in refused:
            self._note_refused(None, zkey, name, value, what)
        keys = self._key_pool()
        for given in self._given.pop(zkey, []):  # planned again (a retry): its keys are free
            keys.discard(given)
        wanted = citation_key(remote)
        if wanted and set(wanted) <= _KEY_CHARS and wanted not in keys:
            entry.key = wanted
            keys.add(wanted)
        else:
            entry.key = keys.assign(entry)
        for alias in key_aliases(remote):  # old keys, still cited: kept unless taken
            if set(alias) <= _KEY_CHARS and alias not in keys:
                keys.add(alias)
                entry.key_aliases.append(alias)
        self._given[zkey] = [entry.key, *entry.key_aliases]
        plan.new_entries[zkey] = entry
        self.report.record("catalog", "new", entry.key)
        payload = build_item(entry, self.ctx, remote)
        if self.pushes and differs(payload, remote):  # give Zotero the citation key
            self._op(plan, Op(zkey, "update", {**payload, "key": zkey, "version": version},
                              entry.key))
        else:
            plan.state[zkey] = ItemState(version, remote)

    def _key_pool(self) -> KeyPool:
        """The keys in use: the catalog's, then each new entry's as it is given."""
        if self._keys is None:
            catalog = self.catalog
            self._keys = KeyPool(catalog.taken_keys(), catalog.settings.key_format)
        return self._keys

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
