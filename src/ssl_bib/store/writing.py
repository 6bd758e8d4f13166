"""save: the catalog written back atomically, under its lock, only if the
file is still what was loaded; a change someone made meanwhile is taken as
the new starting point and this command's changes re-applied (rebase).

atomic, file_lock and rebase are imported inside, when a save runs."""

from __future__ import annotations

import contextlib
import copy
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import SslBibError
from ..gcpause import paused_gc
from ..model import Catalog
from ..problems import InputError
from ..toml_read import entry_from_table
from .edit_session import refuse_unwritable
from .errors import WriteRefused
from .loaded import DiskState, LoadedCatalog, head_state
from .read import parse_text
from .spans import EntrySpan
from .splice import Rendered, render_changes


def save(loaded: LoadedCatalog) -> bool:
    """Write the catalog back atomically if anything changed, and return
    whether it wrote. Refuses to write text it cannot read back as the same
    catalog. Afterwards `loaded` describes the written file, so a command may
    save again and again (enrich saves as it goes) and each save re-renders
    only what changed since the last one.

    Under the catalog's lock, and only if the file is still what was loaded
    (or last written): if someone changed it meanwhile, this command's own
    changes are re-based onto theirs (rebase.py), or nothing is written and
    WriteRefused says why. A link is written through to its target."""
    from ..atomic import write_through

    refuse_unwritable(loaded.path, loaded.force)
    with _write_lock(loaded.path):
        for _attempt in range(3):
            with paused_gc():
                rendered = render_changes(loaded)
            if not rendered.changed:
                return False
            text = _verified(loaded, rendered)
            data = text.encode("utf-8")
            try:
                # Checked once more right before the rename, after the fsync.
                target = write_through(loaded.path, data,
                                       before_replace=lambda: _unchanged_on_disk(loaded))
                break
            except _ChangedMeanwhile as changed:
                _rebase_onto_disk(loaded, changed.current)
        else:
            raise WriteRefused(f"{loaded.path}: the file keeps changing while ssl-bib writes "
                               "it; nothing was written")
        loaded.disk = DiskState(len(data), os.stat(target).st_mtime_ns, text)
    assert rendered.states is not None and rendered.spans is not None
    _rebaseline(loaded, rendered.text, rendered.states, rendered.spans, rendered.head_changed)
    return True


class _ChangedMeanwhile(SslBibError):
    def __init__(self, current: tuple[bytes, os.stat_result] | None) -> None:
        self.current = current


def _unchanged_on_disk(loaded: LoadedCatalog) -> None:
    current = _disk_now(loaded.path)
    if current is None and loaded.disk is None:
        return  # a new catalog, still not there
    if current is None or loaded.disk is None or not loaded.disk.holds(*current):
        raise _ChangedMeanwhile(current)


def _verified(loaded: LoadedCatalog, rendered: Rendered) -> str:
    """A new file or an edited head is proven by reading the whole text back."""
    if rendered.states is None or rendered.head_changed:
        check = parse_text(rendered.text, loaded.path)
        if check.catalog != loaded.catalog:
            raise InputError(loaded.name, 0, "the catalog would not read back as the same "
                             "data; nothing was written")
        rendered.states, rendered.spans = check.states(), check.spans
        loaded.venue_lines = check.venue_lines
    return rendered.text


@contextlib.contextmanager
def _write_lock(path: Path) -> Iterator[None]:
    from .. import file_lock

    try:
        with file_lock.locked(path):
            yield
    except file_lock.LockTimeout as exc:
        raise WriteRefused(f"{exc}; nothing was written") from None


def _disk_now(path: Path) -> tuple[bytes, os.stat_result] | None:
    """The file as it is now, and its stat (None: there is none)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            data = handle.read()
    except FileNotFoundError:
        return None
    return data, info


def _rebase_onto_disk(loaded: LoadedCatalog,
                      current: tuple[bytes, os.stat_result] | None) -> None:
    """Someone changed the file since we read it: take their text as the new
    starting point and re-apply this command's changes onto it."""
    if current is None:
        if loaded.disk is None:
            return
        raise WriteRefused(f"{loaded.path}: the catalog was removed while ssl-bib was "
                           "working on it; nothing was written")
    from ..rebase import RebaseConflict, rebase

    data, info = current
    try:
        theirs = parse_text(data.decode("utf-8"), loaded.path)
    except (UnicodeDecodeError, InputError) as exc:
        detail = exc.format() if isinstance(exc, InputError) else "it is not UTF-8 text"
        raise WriteRefused(f"{loaded.path} was changed meanwhile and no longer reads "
                           f"({detail}); nothing was written") from None
    new_errors = sum(p.severity == "error" for p in theirs.problems) - \
        sum(p.severity == "error" for p in loaded.problems)
    if new_errors > 0:
        first = next(p for p in theirs.problems if p.severity == "error")
        raise WriteRefused(f"{loaded.path} was changed meanwhile and now has errors "
                           f"({first.format()}); nothing was written")
    try:
        rebase(_baseline(loaded), loaded.catalog, theirs.catalog)
    except RebaseConflict as exc:
        raise WriteRefused(f"{loaded.path} was changed meanwhile: {exc}; nothing was "
                           "written (run the command again)") from None
    mine = {e.key: e for e in loaded.catalog.entries}
    loaded.text, loaded.spans = theirs.text, theirs.spans
    loaded.snapshots, loaded.venue_lines = theirs.states(), theirs.venue_lines
    loaded.pristine_head = theirs.pristine_head
    loaded.loaded_entries = [mine.get(e.key, e) for e in theirs.loaded_entries]
    loaded.disk = DiskState(len(data), info.st_mtime_ns, theirs.text)
    loaded.forget_positions()


def _baseline(loaded: LoadedCatalog) -> Catalog:
    """The catalog as last read or written, before this command's changes."""
    entries = [e for e in map(entry_from_table, loaded.raw_entries) if e is not None]
    if not loaded.pristine_head:
        return Catalog(entries=entries)
    schema, categories, settings, venues = copy.deepcopy(loaded.pristine_head)
    return Catalog(entries=entries, venues=venues, categories=categories,
                   settings=settings, schema=schema)


def _rebaseline(loaded: LoadedCatalog, text: str, states: list[tuple[Any, ...]],
                spans: list[EntrySpan], head_changed: bool) -> None:
    loaded.text, loaded.spans = text, spans
    loaded.snapshots = states
    loaded.loaded_entries = list(loaded.catalog.entries)
    if head_changed:  # else the copy kept is still equal to the head, and still a copy
        loaded.pristine_head = head_state(loaded.catalog)
    loaded.forget_positions()
