"""The catalog's new text, spliced: the head and the unchanged entries keep
their bytes (comments included), changed and new entries are rendered, and
every old piece whose neighbourhood changes is proven first (proofs).

Loaded only by commands that write or show a diff, never by a read-only one."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..gcpause import paused_gc
from ..model import Entry
from ..records import DataMethods
from ..toml_render import render_catalog
from .head_edit import edit_head
from .loaded import (
    LoadedCatalog,
    container_fields,
    entry_state,
    head_view,
    scalar_fields,
    unchanged,
)
from .proofs import prove_span, render_checked
from .spans import EntrySpan


def diff(loaded: LoadedCatalog) -> str:
    """The unified diff a save would write, for --dry-run."""
    new_text = render(loaded)
    if new_text == loaded.text:
        return ""  # nothing would be written: no diff to make
    import difflib

    from ..toml_scan import split_lines_keepends

    return "".join(difflib.unified_diff(
        split_lines_keepends(loaded.text), split_lines_keepends(new_text),
        fromfile=f"a/{loaded.name}", tofile=f"b/{loaded.name}"))


def render(loaded: LoadedCatalog) -> str:
    """The file's new text: unchanged entries verbatim, changed ones re-rendered."""
    with paused_gc():
        return render_changes(loaded).text


@dataclass(init=False, repr=False, eq=False)
class Rendered(DataMethods):
    text: str
    changed: bool
    # Each entry's state (entry_state) and where it sits, aligned with
    # catalog.entries; None for a whole new file (it is parsed to check it).
    states: list[tuple[Any, ...]] | None = None
    spans: list[EntrySpan] | None = None
    # Whether settings, categories or venues changed (the head is rewritten).
    head_changed: bool = True

    def __init__(self, text: str, changed: bool,
                 states: list[tuple[Any, ...]] | None = None,
                 spans: list[EntrySpan] | None = None, head_changed: bool = True) -> None:
        self.text = text
        self.changed = changed
        self.states = states
        self.spans = spans
        self.head_changed = head_changed


def render_changes(loaded: LoadedCatalog) -> Rendered:
    """Splice: the head and unchanged entries keep their bytes, changed and
    new entries are rendered. Every old piece whose neighbourhood changes
    (re-rendered, removed, moved, followed by a new entry) is first proven
    to be exactly its entry's table (prove_span), so a boundary the scan
    got wrong can never cut a value in two."""
    catalog = loaded.catalog
    if not loaded.text:
        return Rendered(render_catalog(catalog), True)
    text = loaded.text if loaded.text.endswith("\n") else loaded.text + "\n"
    spans = loaded.spans
    first = spans[0].lead_at if spans else len(text)
    last = spans[-1].end_at if spans else len(text)
    head = text[:first]
    changed = head_changed = head_view(catalog) != loaded.pristine_head
    if changed:
        head = edit_head(head, catalog)
    if (in_place := _splice_in_place(loaded, text, head, changed)) is not None:
        return in_place
    old_index = _old_index(loaded)
    used: set[int] = set()            # each old text is used at most once
    out = [head]
    pos, line = len(head), head.count("\n")
    states: list[tuple[Any, ...]] = []
    new_spans: list[EntrySpan] = []
    order: list[int] = []            # old index of each entry written verbatim, else -1
    old_states = loaded.states()
    for entry in catalog.entries:
        i = old_index(entry)
        if i >= 0 and i not in used:
            used.add(i)
            span, state = spans[i], old_states[i]
            lead = text[span.lead_at:span.start_at]
            if unchanged(entry, state):
                body = text[span.start_at:span.end_at]
                order.append(i)
            else:
                prove_span(loaded, text, i)
                body, state = render_checked(entry, loaded), entry_state(entry)
                order.append(-1)
        else:
            lead = "\n" if not out[-1].endswith("\n\n") else ""
            body, state = render_checked(entry, loaded), entry_state(entry)
            order.append(-1)
        lead_at, start_at = pos, pos + len(lead)
        line += lead.count("\n")
        new_spans.append(EntrySpan(lead_at, start_at, start_at + len(body), line))
        line += body.count("\n")
        pos = start_at + len(body)
        out.append(lead)
        out.append(body)
        states.append(state)
    out.append(text[last:])
    _prove_neighbourhoods(loaded, text, order, used)
    changed = changed or order != list(range(len(spans)))
    if not changed:
        return Rendered(loaded.text, False, states, new_spans, False)
    return Rendered("".join(out), True, states, new_spans, head_changed)


def _old_index(loaded: LoadedCatalog) -> Callable[[Entry], int]:
    """Where each entry's old text is: matched by identity (it was edited in
    place), else by key (it was replaced); -1 for a new entry."""
    index_of = {id(e): i for i, e in enumerate(loaded.loaded_entries)}
    by_key: dict[str, int] = {}
    for i, e in enumerate(loaded.loaded_entries):
        by_key.setdefault(e.key, i)

    def old_index(entry: Entry) -> int:
        i = index_of.get(id(entry), -1)
        return i if i >= 0 else by_key.get(entry.key, -1)

    return old_index


def _prove_neighbourhoods(loaded: LoadedCatalog, text: str, order: list[int],
                          used: set[int]) -> None:
    """Prove each old piece whose surroundings change: a removed entry's, and
    a verbatim one's that moved or got a new neighbour. `order` holds the old
    index of each entry written verbatim, in the new order (-1: re-rendered);
    `used` the old indexes kept."""
    count = len(loaded.spans)
    for i in set(range(count)) - used:
        prove_span(loaded, text, i)          # removed: it must be exactly that entry
    for k, i in enumerate(order):
        if i < 0:
            continue
        before = order[k - 1] if k else -2    # -2: the head / the tail
        after = order[k + 1] if k + 1 < len(order) else -2
        if before != (i - 1 if i else -2) or after != (i + 1 if i + 1 < count else -2):
            prove_span(loaded, text, i)      # moved, or a neighbour changed


_END_AT, _LEAD_AT = operator.attrgetter("end_at"), operator.attrgetter("lead_at")
_STATE_SCALARS = operator.itemgetter(0)
_STATE_CONTAINERS = operator.itemgetter(1)


def _splice_in_place(loaded: LoadedCatalog, text: str, head: str,
                     head_changed: bool) -> Rendered | None:
    """render_changes for the usual save: the entries are the ones loaded, in their
    order, some changed in place (enrich, zotero pull, an edit). The same
    text and proofs as the entry-by-entry splice below, but the unchanged
    entries are found all at once in C and copied as the stretches of text
    between changed ones: on a big catalog the walk cost more than the rest
    of the save. None when the entries were added, removed, replaced or
    moved, or the spans do not tile the text (an entry that did not read):
    then the walk decides."""
    entries, spans = loaded.catalog.entries, loaded.spans
    count = len(spans)
    if (not count or len(entries) != count or len(loaded.loaded_entries) != count
            or not all(map(operator.is_, entries, loaded.loaded_entries))
            or list(map(_END_AT, spans[:-1])) != list(map(_LEAD_AT, spans[1:]))):
        return None
    old_states = loaded.states()
    same = map(operator.and_,
               map(operator.eq, map(scalar_fields, entries), map(_STATE_SCALARS, old_states)),
               map(operator.eq, map(container_fields, entries), map(_STATE_CONTAINERS, old_states)))
    edited = [i for i, kept in enumerate(same) if not kept]
    if not edited and not head_changed:
        return Rendered(loaded.text, False, list(old_states), list(spans), False)
    # Each re-rendered piece is proven, then its unchanged neighbours, in the
    # walk's order (so the same error is raised first).
    states = list(old_states)
    bodies: dict[int, str] = {}
    for i in edited:
        prove_span(loaded, text, i)
        bodies[i] = render_checked(entries[i], loaded)
        states[i] = entry_state(entries[i])
    neighbours = {n for e in edited for n in (e - 1, e + 1) if 0 <= n < count} - set(edited)
    for i in sorted(neighbours):
        prove_span(loaded, text, i)
    spliced, new_spans = _splice(text, head, spans, bodies)
    return Rendered(spliced, True, states, new_spans, head_changed)


def _splice(text: str, head: str, spans: list[EntrySpan],
            bodies: dict[int, str]) -> tuple[str, list[EntrySpan]]:
    """The text with the head and the entries of `bodies` (index -> new
    table, in order) replaced, the rest copied as stretches; and the spans
    of the new text (those after a change shifted, the others kept)."""
    out = [head]
    shift = len(head) - spans[0].lead_at
    line_shift = head.count("\n") - text.count("\n", 0, spans[0].lead_at)
    new_spans = list(spans)

    def move(first: int, stop: int) -> None:  # the verbatim entries first..stop-1
        if shift or line_shift:
            for k in range(first, stop):
                old = spans[k]
                new_spans[k] = EntrySpan(old.lead_at + shift, old.start_at + shift,
                                         old.end_at + shift, old.start + line_shift)

    copied_from, verbatim_from = spans[0].lead_at, 0
    for i, body in bodies.items():
        move(verbatim_from, i)
        span = spans[i]
        out.append(text[copied_from:span.start_at])
        out.append(body)
        start_at = span.start_at + shift
        new_spans[i] = EntrySpan(span.lead_at + shift, start_at, start_at + len(body),
                                 span.start + line_shift)
        shift += len(body) - (span.end_at - span.start_at)
        line_shift += body.count("\n") - text.count("\n", span.start_at, span.end_at)
        copied_from, verbatim_from = span.end_at, i + 1
    move(verbatim_from, len(spans))
    out.append(text[copied_from:])
    return "".join(out), new_spans
