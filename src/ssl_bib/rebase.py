"""Re-base a command's changes onto a catalog someone changed meanwhile.

A command loads entries.toml, changes entries in memory and saves. If the
file on disk changed in between (an editor, a writer that took no lock), a
plain save would overwrite that change. Instead, the command's own changes,
base -> ours, are applied to what is on disk now, "theirs": entry by entry
(by key) and field by field, the way `git rebase` replays a commit. Where both
sides changed the same field of the same entry to different values, nothing
is guessed: the save stops, with one line naming the entry and field.

Exact values are compared, not normalised ones: these are two edits of one
file, not two sources of one paper (that is merge.py's job).
"""

from __future__ import annotations

import copy
from dataclasses import fields as dataclass_fields
from typing import Any

from .errors import SslBibError
from .model import ENTRY_FIELDS, Catalog, Entry


class RebaseConflict(SslBibError):
    """Both sides changed the same thing differently. One line."""


def rebase(base: Catalog, ours: Catalog, theirs: Catalog) -> None:
    """Make `ours` hold theirs plus our changes since `base`, in place: our
    Entry objects stay ours (a running command keeps using them); entries
    and values only they changed are copied in. Raises RebaseConflict, and
    then changes nothing."""
    head = _rebase_head(base, ours, theirs)
    updates: list[tuple[Entry, dict[str, Any]]] = []
    base_by_key = {e.key: e for e in base.entries}
    ours_by_key = {e.key: e for e in ours.entries}
    theirs_by_key = {e.key: e for e in theirs.entries}
    merged: list[Entry] = []
    added_by_them: set[int] = set()
    for their in theirs.entries:
        key = their.key
        mine, old = ours_by_key.get(key), base_by_key.get(key)
        if old is None:
            # New on their side. If we added the same key too, it must be the same.
            if mine is not None and mine != their:
                raise RebaseConflict(f"entry {key} was added both by this command and "
                                     "in the file meanwhile")
            if mine is None:
                mine = copy.deepcopy(their)
                added_by_them.add(id(mine))
            merged.append(mine)
        elif mine is None:
            # We removed it: fine unless they changed it meanwhile.
            if their != old:
                raise RebaseConflict(f"entry {key} was removed by this command but edited "
                                     "in the file meanwhile")
        else:
            updates.append((mine, _rebase_entry(old, mine, their)))
            merged.append(mine)
    for index, mine in enumerate(ours.entries):
        key = mine.key
        if key in theirs_by_key:
            continue
        if key in base_by_key:
            if mine != base_by_key[key]:
                raise RebaseConflict(f"entry {key} was changed by this command but removed "
                                     "from the file meanwhile")
            continue                                   # they removed it; we did not touch it
        # Ours alone: after the entry it followed in our order and after what
        # they added there (replayed on top of theirs), else at the end.
        after = ours.entries[index - 1] if index else None
        at = next((i + 1 for i, e in enumerate(merged) if e is after), len(merged))
        while at < len(merged) and id(merged[at]) in added_by_them:
            at += 1
        merged.insert(at, mine)
    # Everything is decided: only now is anything changed.
    for entry, values in updates:
        for name, value in values.items():
            setattr(entry, name, value)
    for name, value in head.items():
        setattr(ours, name, value)
    ours.entries[:] = merged


def _rebase_entry(old: Entry, mine: Entry, their: Entry) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in ENTRY_FIELDS:
        o, m, t = getattr(old, name), getattr(mine, name), getattr(their, name)
        if name == "provenance":
            values[name] = _rebase_dict(o, m, t, f"entry {mine.key}: provenance")
        else:
            values[name] = _pick(o, m, t, f"entry {mine.key}: field {name}")
    return values


def _pick(old: Any, mine: Any, their: Any, what: str) -> Any:
    if mine in (old, their):
        return copy.deepcopy(their)
    if their == old:
        return mine
    raise RebaseConflict(f"{what} was changed both by this command and in the file meanwhile")


def _rebase_dict(old: dict[str, Any], mine: dict[str, Any], their: dict[str, Any],
                 what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in [*their, *(k for k in mine if k not in their)]:
        value = _pick(old.get(key), mine.get(key), their.get(key), f"{what}.{key}")
        if value is not None:
            out[key] = value
    return out


def _rebase_head(base: Catalog, ours: Catalog, theirs: Catalog) -> dict[str, Any]:
    settings = copy.copy(ours.settings)
    for spec in dataclass_fields(settings):
        name = spec.name
        setattr(settings, name, _pick(getattr(base.settings, name), getattr(ours.settings, name),
                                      getattr(theirs.settings, name), f"settings.{name}"))
    return {
        "schema": _pick(base.schema, ours.schema, theirs.schema, "schema"),
        "categories": _pick(base.categories, ours.categories, theirs.categories, "categories"),
        "settings": settings,
        "venues": _rebase_dict(base.venues, ours.venues, theirs.venues, "venues"),
    }
