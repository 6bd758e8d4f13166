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

This face names them all, as `ssl_bib.store` always did.
"""

from __future__ import annotations

from .edit_session import editing, keep_storable, refuse_unwritable, revert
from .errors import EntryUnwritable, WriteRefused
from .loaded import DiskState, LoadedCatalog, entry_state, unchanged
from .read import SCHEMA_VERSION, load, new_catalog, parse_text
from .spans import EntrySpan
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
