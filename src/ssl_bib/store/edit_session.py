"""A command's session with a catalog it changes: refused up front if the
file is read-only or not a regular file (refuse_unwritable), locked and
loaded (editing), and one record it cannot store put back while the others
are kept (revert, keep_storable)."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from ..toml_read import entry_from_table
from .errors import EntryUnwritable, WriteRefused
from .loaded import LoadedCatalog
from .read import load, new_catalog

T = TypeVar("T")


def refuse_unwritable(path: Path, force: bool = False) -> None:
    """Refuse, as editors do, a catalog that is read-only (no write bit, or
    not writable by us) unless forced; and anything that is not a regular
    file. Raises WriteRefused. A link is judged by the file it points to."""
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise WriteRefused(f"{path}: not a regular file (a folder, device or pipe); "
                           "nothing was written")
    if not force and (info.st_mode & 0o222 == 0 or not os.access(target, os.W_OK)):
        raise WriteRefused(f"{path}: the catalog is read-only (mode "
                           f"{stat.S_IMODE(info.st_mode):o}); nothing was written "
                           "(give --force-write to write it anyway)")


@contextlib.contextmanager
def editing(path: Path, command: str, force: bool = False,
            bootstrap: bool = False) -> Iterator[LoadedCatalog]:
    """The catalog, for a command that changes it: locked against other
    writers for the whole block, refused up front if read-only (unless
    `force`), loaded inside the lock; save() it as often as needed within.
    With `bootstrap`, a missing file is a new, empty catalog.

    Raises WriteRefused (read-only, or the lock not had in time: the message
    names the holder) and InputError (the file does not read)."""
    from .. import file_lock

    path = Path(path)
    refuse_unwritable(path, force)
    try:
        with file_lock.locked(path, command):
            fresh = bootstrap and not os.path.lexists(path)
            loaded = new_catalog(path) if fresh else load(path, for_update=True)
            loaded.force = force
            yield loaded
    except file_lock.LockTimeout as exc:
        raise WriteRefused(f"{exc}; nothing was written") from None


def revert(loaded: LoadedCatalog, key: str) -> None:
    """Undo this command's changes to entry `key`: back to the entry as last
    read or written, or out of the catalog if it is new. For a command that
    drops the one record it could not store and keeps the rest."""
    entries = loaded.catalog.entries
    at = next(i for i, e in enumerate(entries) if e.key == key)
    old = next((i for i, e in enumerate(loaded.loaded_entries) if e.key == key), None)
    if old is None:
        del entries[at]
        return
    original = entry_from_table(loaded.raw_entries[old])
    assert original is not None
    entries[at] = loaded.loaded_entries[old] = original
    loaded.forget_positions()


def keep_storable(loaded: LoadedCatalog,
                  action: Callable[[], T]) -> tuple[T, list[EntryUnwritable]]:
    """Run `action` (save, render or diff) until it succeeds, each entry the
    catalog cannot hold put back as it was last read or written (a new one
    left out: revert) and returned with why. For a command that keeps the
    other records when one cannot be stored (import, enrich)."""
    dropped: list[EntryUnwritable] = []
    while True:
        try:
            return action(), dropped
        except EntryUnwritable as exc:
            revert(loaded, exc.key)
            dropped.append(exc)
