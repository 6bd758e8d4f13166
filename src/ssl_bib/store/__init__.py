"""The catalog store: read entries.toml, know where everything is, write it back.

Reading uses a compiled TOML parser, a few tables at a time, plus one scan
for where each table is. Writing splices: entries that did not change keep
their original bytes, comments included; only changed entries are
re-rendered. The head of the file (settings, venues) is edited with tomlkit,
which keeps its comments, and only when it changed.

One job per module:

- `read`: the file to a LoadedCatalog, problems with file:line;
  `parts`: where each table is, and reading a few tables at a time;
- `loaded`: the LoadedCatalog and each entry's state as read;
  `spans`: where an entry and its fields sit;
- `splice`: the new text, unchanged entries verbatim; `proofs`: the
  read-back proofs a write rests on; `head_edit`: the head kept with
  its comments;
- `writing`: save (atomic, locked, rebased onto a change made meanwhile);
  `edit_session`: editing(), the read-only refusals, keep_storable;
- `errors`: WriteRefused and EntryUnwritable.

This face names them all, as `ssl_bib.store` always did. The writing side
(splice, proofs, head_edit, writing, edit_session, and with them
toml_render) is imported on first use, so a read-only command (list,
check, export) never loads it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import EntryUnwritable, WriteRefused
from .loaded import DiskState, LoadedCatalog, entry_state, unchanged
from .read import SCHEMA_VERSION, load, new_catalog, parse_text
from .spans import EntrySpan

if TYPE_CHECKING:
    from .edit_session import editing, keep_storable, refuse_unwritable, revert
    from .splice import diff, render
    from .writing import save

__all__ = [
    "SCHEMA_VERSION",
    "DiskState",
    "EntrySpan",
    "EntryUnwritable",
    "LoadedCatalog",
    "WriteRefused",
    "diff",
    "editing",
    "entry_state",
    "keep_storable",
    "load",
    "new_catalog",
    "parse_text",
    "refuse_unwritable",
    "render",
    "revert",
    "save",
    "unchanged",
]

# The writing side's names and the module each lives in.
_ON_FIRST_USE = {
    "diff": "splice", "render": "splice",
    "editing": "edit_session", "keep_storable": "edit_session",
    "refuse_unwritable": "edit_session", "revert": "edit_session",
    "save": "writing",
}


def __getattr__(name: str) -> Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # once: later lookups are plain attribute reads
    return value
