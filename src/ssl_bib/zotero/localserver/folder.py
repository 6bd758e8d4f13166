"""A local group kept in a folder, so that it outlives the server and a
person can look at it and edit it as another Zotero user would.

    DIR/api-key                the group's API key (mode 0600)
    DIR/library.json           the group id and name, the library version,
                               the keys deleted for good
    DIR/items/KEY.json         one item each: its `data`, as the API gives it
    DIR/collections/KEY.json   one collection each

After each answer that changed the library, the objects it changed are
written (each file whole: a temp file renamed over it). Before each request, a file edited by
hand since is taken in as an edit made in Zotero by someone else: the object
gets a new version, and the next sync sees it changed. A new file is a new
object, a file removed by hand an object deleted for good. A file that is
not valid JSON or not a valid item is named on stderr and left out until it
is fixed: the group keeps the object as it was.
"""

from __future__ import annotations

import json
import os
import secrets
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...errors import SslBibError
from .api import HttpError, Library, LocalZotero
from .itemtypes import KEY_RE

LIBRARY_FILE = "library.json"
KEY_FILE = "api-key"
DEFAULT_GROUP = 1
_KINDS = ("items", "collections")


class FolderError(SslBibError):
    """The folder cannot hold a local group (one line, for the user)."""

    exit_code = 2


def new_api_key() -> str:
    """24 letters and digits, as Zotero's keys are."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(24))


class FolderStore:
    """One group of `api`, mirrored to and from `folder`."""

    def __init__(self, folder: Path, api: LocalZotero, library: Library,
                 warn: Callable[[str], None]) -> None:
        self.folder, self.api, self.library, self.warn = folder, api, library, warn
        self.persisted = library.version
        self.seen: dict[Path, tuple[int, int]] = {}  # file -> (mtime_ns, size) last read/written
        api.on_request = self.take_hand_edits
        api.on_answered = self.save_changes

    # -- opening ------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path, group: int | None, warn: Callable[[str], None],
             api: LocalZotero | None = None) -> tuple[FolderStore, str]:
        """The folder's group (a new one, with a new key, in an empty or
        missing folder) served by `api`; returns the store and the API key."""
        api = api or LocalZotero(keep_log=False)
        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for kind in _KINDS:
                (folder / kind).mkdir(exist_ok=True)
        except OSError as exc:
            raise FolderError(f"{folder}: cannot make the folder: {exc.strerror}") from None
        meta = folder / LIBRARY_FILE
        if meta.exists():
            library = _read_library(meta)
            if group is not None and group != library.group:
                raise FolderError(f"{folder} holds group {library.group}, not {group}; give "
                                  "another --dir for another group")
        else:
            library = Library(group or DEFAULT_GROUP)
        api.libraries[library.group] = library
        key = _api_key(folder / KEY_FILE)
        api.add_key(key, {library.group: "rw"})
        store = cls(folder, api, library, warn)
        store._load_objects()
        if not meta.exists():
            store._write_library()
        return store, key

    def _load_objects(self) -> None:
        """Collections first, then items, parents before their children: each
        is checked against what it refers to."""
        for path in sorted((self.folder / "collections").glob("*.json")):
            data = self._read_object(path, "collections")
            if data is not None:
                self.library.collections[path.stem] = data
        paths = sorted((self.folder / "items").glob("*.json"))
        children = [p for p in paths if _parent_of(p)]
        for path in [p for p in paths if p not in children] + children:
            data = self._read_object(path, "items")
            if data is not None:
                self.library.items[path.stem] = data
        self.library.version = max([self.library.version,
                                    *(int(o.get("version", 0)) for o in self._objects())])
        self.persisted = self.library.version

    def _objects(self) -> list[dict[str, Any]]:
        return [*self.library.items.values(), *self.library.collections.values()]

    # -- writing ------------------------------------------------------------------

    def save_changes(self) -> None:
        """Write what changed since the last save (under the API's lock)."""
        lib = self.library
        if lib.version == self.persisted:
            return
        for kind in _KINDS:
            store = lib.items if kind == "items" else lib.collections
            gone = lib.deleted_items if kind == "items" else lib.deleted_collections
            for key, data in store.items():
                if int(data.get("version", 0)) > self.persisted:
                    self._write_object(kind, key, data)
            for key, version in gone.items():
                if version > self.persisted:
                    path = self.folder / kind / f"{key}.json"
                    path.unlink(missing_ok=True)
                    self.seen.pop(path, None)
        self._write_library()
        self.persisted = lib.version

    def _write_object(self, kind: str, key: str, data: dict[str, Any]) -> None:
        path = self.folder / kind / f"{key}.json"
        _replace(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        self.seen[path] = _stamp(path)

    def _write_library(self) -> None:
        lib = self.library
        doc = {"group": lib.group, "name": lib.name, "version": lib.version,
               "deleted": {"items": lib.deleted_items, "collections": lib.deleted_collections}}
        _replace(self.folder / LIBRARY_FILE, json.dumps(doc, indent=1) + "\n")

    # -- reading hand edits -------------------------------------------------------

    def take_hand_edits(self) -> None:
        """Take in the files changed, added or removed by hand since last seen
        (after writing what changed in memory meanwhile, as a test's direct
        edits do)."""
        self.save_changes()
        lib = self.library
        for kind in _KINDS:
            store = lib.items if kind == "items" else lib.collections
            present: set[str] = set()
            for entry in os.scandir(self.folder / kind):
                if not entry.name.endswith(".json"):
                    continue
                path = Path(entry.path)
                present.add(path.stem)
                if self.seen.get(path) == _stamp(path):
                    continue
                data = self._read_object(path, kind)
                if data is None:
                    continue
                old = store.get(path.stem)
                if old is not None and _same(old, data):
                    continue
                self._take(kind, path, data)
            for key in [k for k in store if k not in present]:
                if self.folder / kind / f"{key}.json" in self.seen:  # written, then removed
                    self._removed(kind, key)

    def _take(self, kind: str, path: Path, data: dict[str, Any]) -> None:
        lib = self.library
        store = lib.items if kind == "items" else lib.collections
        lib.version += 1
        data["version"] = lib.version
        store[path.stem] = data
        (lib.deleted_items if kind == "items" else lib.deleted_collections).pop(path.stem, None)
        self.warn(f"{path}: taken in as an edit made in Zotero ({kind[:-1]} {path.stem} is "
                  f"now at version {lib.version})")
        self.save_changes()

    def _removed(self, kind: str, key: str) -> None:
        lib = self.library
        store = lib.items if kind == "items" else lib.collections
        lib.version += 1
        del store[key]
        (lib.deleted_items if kind == "items" else lib.deleted_collections)[key] = lib.version
        self.warn(f"{self.folder / kind / (key + '.json')}: removed, so {kind[:-1]} {key} is "
                  "deleted from the group for good")
        self.save_changes()

    def _read_object(self, path: Path, kind: str) -> dict[str, Any] | None:
        """A file's object, checked as the API checks a write; None (said
        once per change of the file) when it is not one."""
        stamp = _stamp(path)
        self.seen[path] = stamp
        problem = ""
        data: Any = None
        if not KEY_RE.match(path.stem):
            problem = "its name is not a Zotero key (8 of 23456789ABCDEFGHIJKLMNPQRSTUVWXYZ)"
        else:
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                problem = f"cannot be read ({exc})"
            except json.JSONDecodeError as exc:
                problem = f"line {exc.lineno}: not valid JSON ({exc.msg})"
        if not problem and not isinstance(data, dict):
            problem = "holds no JSON object"
        if not problem:
            data["key"] = path.stem
            data.setdefault("version", 0)
            problem = self._invalid(kind, data)
        if problem:
            self.warn(f"{path}: {problem}; left out until it is fixed")
            return None
        return dict(data)

    def _invalid(self, kind: str, data: dict[str, Any]) -> str:
        if not isinstance(data.get("version"), int):
            return "its version is not a whole number"
        try:
            if kind == "items":
                for name in ("creators", "tags", "collections"):
                    data.setdefault(name, [])
                data.setdefault("relations", {})
                self.api.validate_item(self.library, data)
            elif not isinstance(data.get("name"), str) or not data["name"].strip():
                return "a collection needs a name"
        except HttpError as exc:
            return exc.message
        return ""


def _parent_of(path: Path) -> str:
    """The parentItem a file names (a cheap look, before it is checked)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return ""
    return str(data.get("parentItem") or "") if isinstance(data, dict) else ""


def _read_library(path: Path) -> Library:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        deleted = doc.get("deleted", {})
        return Library(group=int(doc["group"]), name=str(doc.get("name", "")),
                       version=int(doc.get("version", 0)),
                       deleted_items={str(k): int(v) for k, v in deleted.get("items", {}).items()},
                       deleted_collections={str(k): int(v) for k, v in
                                            deleted.get("collections", {}).items()})
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
            ValueError, AttributeError) as exc:
        raise FolderError(f"{path}: not a local group's library file "
                          f"({type(exc).__name__}: {exc})") from None


def _api_key(path: Path) -> str:
    """The folder's key; a new one (readable by its owner only) the first time."""
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = new_api_key()
        try:  # created readable by its owner only, never wider for an instant
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(key + "\n")
        except OSError as exc:
            raise FolderError(f"{path}: cannot write the API key: {exc.strerror}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FolderError(f"{path}: cannot read the API key: {exc}") from None
    if not key or not all("!" <= c <= "~" for c in key):
        raise FolderError(f"{path}: not an API key (letters and digits)")
    return key


def _replace(path: Path, text: str) -> None:
    """Write a file whole (a temp file renamed over it), without fsync: a
    reader never sees half a file, and a push of a thousand items does not
    wait for a thousand disk flushes. This folder is a try-out server's, not
    a catalog."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, -1)
    return (st.st_mtime_ns, st.st_size)


def _same(old: dict[str, Any], new: dict[str, Any]) -> bool:
    skip = {"version", "dateModified"}
    return {k: v for k, v in old.items() if k not in skip} == \
        {k: v for k, v in new.items() if k not in skip}
