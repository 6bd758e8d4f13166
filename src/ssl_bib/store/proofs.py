"""The read-back proofs a write rests on: an old piece of the file is exactly
its entry's table (prove_span), and a re-rendered entry reads back, alone,
as the same entry (render_checked); else the write is refused, naming the
entry.

render_entry is looked up here when a test replaces it (an entry made
unwritable), so patch `ssl_bib.store.proofs.render_entry`."""

from __future__ import annotations

from typing import Any

from .. import toml_parse
from ..model import Entry
from ..problems import InputError, Problem
from ..toml_read import ProblemLog, convert_entry, entry_from_table
from ..toml_render import render_entry
from .errors import EntryUnwritable
from .loaded import LoadedCatalog, unchanged


def prove_span(loaded: LoadedCatalog, text: str, index: int) -> None:
    """Prove that an old piece of the file is exactly entry `index`'s table
    (it reads, alone, as one [[entries]] table holding that entry as it was
    read), with only comments and blank lines before it; else refuse the write."""
    span = loaded.spans[index]
    try:
        doc = toml_parse.loads(text[span.start_at:span.end_at])
        tables = doc.get("entries")
        ok = (len(doc) == 1 and isinstance(tables, list) and len(tables) == 1
              and isinstance(toml_parse.loads(text[span.lead_at:span.start_at]), dict))
        if ok:
            alone = entry_from_table(tables[0])  # type: ignore[index]
            ok = alone is not None and unchanged(alone, loaded.states()[index])
    except toml_parse.TOMLDecodeError:
        ok = False
    if not ok:
        key = loaded.loaded_entries[index].key
        raise InputError(loaded.name, span.start + 1,
                         f"entry {key}: ssl-bib cannot tell exactly where this entry's text "
                         "ends, so it cannot be rewritten safely; nothing was written")


def render_checked(entry: Entry, loaded: LoadedCatalog) -> str:
    """Render one entry and prove it reads back, alone, as one [[entries]]
    table holding the same entry (the splice proofs in render_changes make sure it
    also reads so in place)."""
    text = render_entry(entry)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _unwritable(loaded, entry, "it holds a lone surrogate, which is not Unicode "
                          "text") from None
    problems: list[Problem] = []
    doc = toml_parse.loads(text)
    tables = doc.get("entries")
    if len(doc) != 1 or not isinstance(tables, list) or len(tables) != 1:
        raise _unwritable(loaded, entry, "it does not render as one table")
    raw: dict[str, Any] = tables[0]
    back = convert_entry(raw, lambda _field: 0, ProblemLog(loaded.name, problems), 0)
    if back != entry or problems:
        raise _unwritable(loaded, entry,
                          problems[0].message if problems else "it reads back differently")
    return text


def _unwritable(loaded: LoadedCatalog, entry: Entry, detail: str) -> EntryUnwritable:
    # Where an imported entry came from: "in.bib:12 (its key there)".
    source = entry.provenance.get("entry", "").split(" (")[0]
    return EntryUnwritable(loaded.name, loaded.line_of(entry), entry.key, source, detail)
