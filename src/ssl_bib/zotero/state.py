"""What the catalog and the Zotero group agreed on at the last sync.

Kept beside the catalog (see `state_path`): the library
version, and each item's version and pristine JSON (the base of the three-way
merge), and the year collections. It holds no secret (never the API key) and
belongs in git next to entries.toml, so that any clone can sync without
mistaking every difference for a conflict."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_atomic
from ..problems import InputError
from .wire import is_key, shown

STATE_SCHEMA = 1


@dataclass
class ItemState:
    """`data` is the agreed (pristine) item; `remote`, when set, is a newer
    remote copy at `version` that a conflict kept from being merged yet."""

    version: int
    data: dict[str, Any]
    remote: dict[str, Any] | None = None
    # A digest of the catalog fields `data` maps to: an entry with the same
    # digest is unchanged, without mapping `data` again (a no-op sync of
    # thousands of items stays cheap).
    fingerprint: str = ""


@dataclass
class SyncState:
    group: int
    library_version: int = 0
    items: dict[str, ItemState] = field(default_factory=dict)
    collections: dict[int, str] = field(default_factory=dict)  # README year -> key
    # A digest of what mapping depends on besides the item (venues, categories,
    # collections): when it changes, fingerprints are not trusted.
    context: str = ""
    # Items the last run wrote, at the version Zotero gave them: the next run
    # checks that Zotero kept them (a server may answer "saved" and lose them).
    pushed: dict[str, int] = field(default_factory=dict)
    # The group's catalog note (catalog_note.py) as last read or written; its
    # data holds its key. Not an item of the merge: no entry stands for it.
    note: ItemState | None = None

    def to_json(self) -> str:
        """JSON with one item per line: diffs well in git, and writes with the
        C encoder (an indented dump of 5,000 items is ten times slower)."""
        def dump(value: Any) -> str:
            return json.dumps(value, sort_keys=True, ensure_ascii=False)

        head = {"schema": STATE_SCHEMA, "group": self.group, "context": self.context,
                "library_version": self.library_version,
                "collections": {str(y): k for y, k in sorted(self.collections.items())},
                "pushed": dict(sorted(self.pushed.items()))}
        if self.note is not None:
            head["catalog_note"] = _item_json(self.note)
        lines = [f' {dump(k)}: {dump(v)}' for k, v in head.items()]
        items = [f'  {dump(k)}: {dump(_item_json(s))}' for k, s in sorted(self.items.items())]
        body = ",\n".join(lines)
        return "{\n" + body + ',\n "items": {\n' + ",\n".join(items) + "\n }\n}\n"


def _item_json(item: ItemState) -> dict[str, Any]:
    out: dict[str, Any] = {"version": item.version, "data": item.data}
    if item.remote is not None:
        out["remote"] = item.remote
    if item.fingerprint:
        out["fingerprint"] = item.fingerprint
    return out


def state_path(catalog_path: Path, group: int) -> Path:
    """`.ssl-bib-zotero-GROUP.json` beside entries.toml; another catalog in the
    same folder gets its own (`.ssl-bib-zotero-GROUP-NAME.json`): sharing one,
    a second catalog would take the first's state for its own and, told that
    nothing changed since, pull nothing."""
    path = Path(catalog_path)
    suffix = "" if path.name == "entries.toml" else f"-{path.name}"
    return path.parent / f".ssl-bib-zotero-{group}{suffix}.json"


def load_state(path: Path, group: int) -> SyncState:
    """The saved state, or an empty one when there was no sync yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return SyncState(group=group)
    except OSError as exc:
        raise InputError(str(path), 0, f"cannot read sync state: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise InputError(path.name, 0, f"sync state is not UTF-8 text ({exc.reason} at byte "
                         f"{exc.start}); delete it to start over") from None
    try:
        doc = json.loads(text)
        if doc.get("schema") != STATE_SCHEMA or int(doc["group"]) != group:
            raise ValueError("state of another schema or group")
        state = SyncState(
            group=group, library_version=int(doc["library_version"]),
            context=str(doc.get("context", "")),
            collections={int(y): str(k) for y, k in doc.get("collections", {}).items()},
            items={str(k): ItemState(int(v["version"]), dict(v["data"]),
                                     dict(v["remote"]) if v.get("remote") else None,
                                     str(v.get("fingerprint", "")))
                   for k, v in doc.get("items", {}).items()},
            pushed={str(k): int(v) for k, v in doc.get("pushed", {}).items()})
        note = doc.get("catalog_note")
        if note is not None:
            state.note = ItemState(int(note["version"]), dict(note["data"]))
        # Keys go into URLs: one that is not a Zotero key is refused here too.
        for key in [*state.items, *state.collections.values(), *state.pushed,
                    *([state.note.data.get("key")] if state.note else [])]:
            if not is_key(key):
                raise ValueError(f"{shown(key)} is not a Zotero key")
        return state
    except json.JSONDecodeError as exc:
        raise InputError(path.name, exc.lineno, f"sync state is not valid JSON: {exc.msg}; "
                         "delete it to start over") from None
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise InputError(path.name, 0, f"sync state is not one this ssl-bib reads ({exc}); "
                         "delete it to start over") from None


def save_state(path: Path, state: SyncState) -> None:
    write_atomic(path, state.to_json())
