"""After a save, the store knows where every entry of the written file sits
without reading it again: the spans it counted while writing must be the
spans a fresh read finds, and its record of each entry's state must tell
changed entries from unchanged ones as a fresh read would."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssl_bib.model import Entry, Person
from ssl_bib.store import entry_state, load, parse_text, save

CATALOG = """\
# head comment
schema = 1
categories = ["A"]

[venues.V]
name = "Venue"
kind = "journal"
# a comment that ends the head

[[entries]]
key = "one2020"
title = "One"   # a comment kept
year = 2020

# a comment above two

[[entries]]
key = "two2021"
title = "Two"
year = 2021
authors = ["Müller, Jürgen", "Zhou, Z"]

[[entries]]
key = "three2022"
title = "Three"
year = 2022
# a trailing comment
"""

operations = st.lists(st.tuples(
    st.sampled_from(["edit", "delete", "append", "replace", "reverse", "author"]),
    st.integers(0, 10), st.text(min_size=1, max_size=12).filter(str.strip)), max_size=6)


def _apply(entries: list[Entry], op: str, index: int, value: str, serial: int) -> None:
    if op == "append" or not entries:
        entries.append(Entry(key=f"new{serial}", title=value, year=2023))
        return
    i = index % len(entries)
    if op == "edit":
        entries[i].note = value
    elif op == "delete":
        del entries[i]
    elif op == "replace":
        fresh = copy.deepcopy(entries[i])
        fresh.title = value
        entries[i] = fresh
    elif op == "reverse":
        entries.reverse()
    else:
        entries[i].authors.append(Person(value.replace(",", " ").strip() or "X"))


@pytest.mark.parametrize("ending", ["\n", "", "\n\n# tail\n", "\r\n"])
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_spans_after_saves_are_those_a_fresh_read_finds(
        tmp_path: Path, ending: str, ops: list[tuple[str, int, str]]) -> None:
    text = CATALOG.replace("\n", "\r\n") if ending == "\r\n" else CATALOG.rstrip("\n") + ending
    path = tmp_path / "entries.toml"
    path.write_text(text, encoding="utf-8", newline="")
    loaded = load(path)
    for serial, (op, index, value) in enumerate(ops):
        _apply(loaded.catalog.entries, op, index, value, serial)
        save(loaded)
        fresh = parse_text(path.read_bytes().decode("utf-8"), path)
        assert loaded.text == fresh.text
        # The first entry's lead may differ: which piece owns the comments
        # between the head and the first entry does not change the text.
        assert [(s.start_at, s.end_at, s.start) for s in loaded.spans] == [
            (s.start_at, s.end_at, s.start) for s in fresh.spans]
        assert [s.lead_at for s in loaded.spans[1:]] == [s.lead_at for s in fresh.spans[1:]]
        assert loaded.snapshots == fresh.snapshots
        assert loaded.venue_lines == fresh.venue_lines
        assert [entry_state(e) for e in loaded.catalog.entries] == fresh.snapshots


def test_an_entry_changed_in_a_list_in_place_is_written(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(CATALOG, encoding="utf-8")
    loaded = load(path)
    loaded.catalog.entries[1].authors[0] = Person("Other", "A")
    loaded.catalog.entries[2].categories.append("A")
    assert save(loaded)
    again = load(path).catalog.entries
    assert again[1].authors[0] == Person("Other", "A") and again[2].categories == ["A"]


def test_an_unchanged_catalog_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(CATALOG, encoding="utf-8")
    loaded = load(path)
    loaded.catalog.entries[1] = copy.deepcopy(loaded.catalog.entries[1])  # equal, not same
    assert not save(loaded)


# -- reading table by table --------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]

SHAPES = {
    "bundled": (ROOT / "entries.toml").read_text(encoding="utf-8"),
    "comments and blank lines": CATALOG,
    "a venue table after the entries": CATALOG + '\n[venues.W]\nname = "W"\nkind = "journal"\n',
    "a sub-table of an entry": CATALOG + '\n[entries.provenance]\ntitle = "x"\n',
    "an unknown field and a bad year": CATALOG.replace("year = 2021", 'year = "2021"\nfoo = 1'),
    "an entry header inside a string": CATALOG.replace(
        'title = "Three"', 'title = "Three"\nabstract = """\n[[entries]]\n"""'),
    "no entries": CATALOG[:CATALOG.index("[[entries]]")],
    "CRLF": CATALOG.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("text", SHAPES.values(), ids=list(SHAPES))
def test_reading_table_by_table_is_reading_the_whole_document(
        text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssl_bib.problems import InputError
    from ssl_bib.store import parts

    def read(source: str) -> object:
        try:
            loaded = parse_text(source, Path("entries.toml"))
        except InputError as exc:
            return exc.format()
        return (loaded.catalog, loaded.problems, loaded.spans, loaded.venue_lines)

    by_table = read(text)
    def whole(_text: str, _spans: object) -> None:
        raise parts.WholeDocumentNeeded

    monkeypatch.setattr(parts, "parse_head", whole)
    assert by_table == read(text)


def test_a_catalog_in_the_usual_shape_is_read_table_by_table() -> None:
    from ssl_bib.store import parts

    for name in ("bundled", "comments and blank lines", "CRLF", "an unknown field and a bad year",
                 "a sub-table of an entry"):
        spans, _, layout = parts.entry_spans(SHAPES[name])
        assert parts.only_entries_after_head(layout), name
        parts.parse_head(SHAPES[name], spans)
        assert len(list(parts.parse_tables(SHAPES[name], spans))) == len(spans)
    spans, _, layout = parts.entry_spans(SHAPES["a venue table after the entries"])
    assert not parts.only_entries_after_head(layout)


# -- the in-place splice -------------------------------------------------------

edits_in_place = st.lists(st.tuples(
    st.sampled_from(["note", "author", "category", "title", "venue name", "nothing"]),
    st.integers(0, 10), st.text(min_size=1, max_size=12).filter(str.strip)), max_size=4)


@pytest.mark.parametrize("shape", ["bundled", "comments and blank lines", "CRLF",
                                   "an entry header inside a string", "a sub-table of an entry",
                                   "an unknown field and a bad year"])
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=edits_in_place, no_final_newline=st.booleans(),
       misplaced=st.one_of(st.none(), st.integers(0, 10)))
def test_the_in_place_splice_writes_what_the_entry_walk_writes(
        shape: str, edits: list[tuple[str, int, str]], no_final_newline: bool,
        misplaced: int | None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries changed where they are (the usual save) are spliced by
    _splice_in_place: the same text, states, spans and refusals as the
    entry-by-entry walk, which still handles every other change."""
    from ssl_bib.problems import InputError
    from ssl_bib.store import splice

    text = SHAPES[shape].rstrip("\r\n") if no_final_newline else SHAPES[shape]
    loaded = parse_text(text, Path("entries.toml"))
    entries, spans = loaded.catalog.entries, loaded.spans
    if misplaced is not None and len(spans) > 1:
        # A boundary the scan got wrong (as if): the proofs must refuse alike.
        k = misplaced % (len(spans) - 1)
        cut = loaded.text.rfind("\n", spans[k].start_at, spans[k].end_at - 1) + 1
        spans[k].end_at = spans[k + 1].lead_at = cut
    for what, index, value in edits:
        entry = entries[index % len(entries)]
        if what == "note":
            entry.note = value
        elif what == "author":
            entry.authors.append(Person(value.replace(",", " ").strip() or "X"))
        elif what == "category":
            entry.categories.append(value)
        elif what == "title":
            entry.title = value
        elif what == "venue name" and loaded.catalog.venues:
            next(iter(loaded.catalog.venues.values())).name = value

    def outcome() -> object:
        try:
            rendered = splice.render_changes(loaded)
        except InputError as exc:
            return exc.format()
        assert rendered.spans is not None
        return (rendered.text, rendered.changed, rendered.states,
                [(s.lead_at, s.start_at, s.end_at, s.start) for s in rendered.spans])

    taken: list[bool] = []
    with monkeypatch.context() as patch:
        in_place = splice._splice_in_place
        patch.setattr(splice, "_splice_in_place",
                      lambda *args: taken.append(in_place(*args) is not None) or in_place(*args))
        quick = outcome()
    if shape in ("bundled", "comments and blank lines", "CRLF") and isinstance(quick, tuple):
        assert taken == [True]
    with monkeypatch.context() as patch:
        patch.setattr(splice, "_splice_in_place", lambda *_args: None)
        assert quick == outcome()
