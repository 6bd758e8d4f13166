"""The catalog note: what a catalog holds besides its entries, kept in the
group by push and sync, read back by pull however Zotero rewraps it."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ssl_bib.model import Entry, Venue
from ssl_bib.store import load, save
from ssl_bib.zotero import catalog_note
from ssl_bib.zotero.catalog_note import CatalogRecord, NoteError, of_catalog
from ssl_bib.zotero.group_catalog import place
from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import BUNDLED, GROUP, Syncer


def _record() -> CatalogRecord:
    return of_catalog(load(BUNDLED).catalog)


def test_render_then_read_gives_the_record_back() -> None:
    record = _record()
    record.order = ["ABCD2345", "EFGH6789"]
    back = catalog_note.read(catalog_note.render(record))
    assert back == record
    assert back.to_json() == record.to_json()


@pytest.mark.parametrize("wrap", [
    # Zotero's note editor keeps the data but rewraps the HTML around it.
    lambda h: f'<div data-schema-version="9">{h}</div>',
    lambda h: h.replace("<pre>", '<pre class="code">').replace("<h1>", '<h1 id="x">'),
    lambda h: h.replace("\n", "<br>\n"),
    lambda h: "<p>Our lab's notes first.</p>" + h,
])
def test_read_however_zotero_wraps_it(wrap: object) -> None:
    record = _record()
    assert catalog_note.read(wrap(catalog_note.render(record))) == record  # type: ignore[operator]


def test_text_with_markup_characters_survives() -> None:
    record = CatalogRecord(venues=[Venue("A&B", "A <b>bold</b> & \"quoted\" name", "journal",
                                         url="https://x.org/?a=1&b=2", aliases=["A&amp;B"])],
                           categories=["<MAE>", "Contrastive & Co"])
    assert catalog_note.read(catalog_note.render(record)) == record


@pytest.mark.parametrize(("note", "message"), [
    ("<p>Just a note</p>", "holds no ssl-bib data"),
    ('<pre>{"ssl-bib-catalog": 1, "venues": [</pre>', "not valid JSON"),
    ('<pre>{"ssl-bib-catalog": 2}</pre>', "another version"),
    ('<pre>{"ssl-bib-catalog": 1, "venues": {}}</pre>', "venues are not a list"),
    ('<pre>{"ssl-bib-catalog": 1, "venues": [{"key": "X", "name": "Y", "kind": "blog"}]}</pre>',
     "of no kind the catalog knows"),
    ('<pre>{"ssl-bib-catalog": 1, "venues": [{"name": "Y", "kind": "journal"}]}</pre>',
     "no key or name"),
    ('<pre>{"ssl-bib-catalog": 1, "categories": [1, 2]}</pre>', "not a list of names"),
    ('<pre>{"ssl-bib-catalog": 1, "order": "ABCD2345 ../../x"}</pre>', "no Zotero item key"),
])
def test_a_broken_note_is_one_clear_error(note: str, message: str) -> None:
    with pytest.raises(NoteError) as err:
        catalog_note.read(note)
    assert message in str(err.value)


def test_only_a_standalone_note_with_our_marker_is_ours() -> None:
    html_text = catalog_note.render(_record())
    assert catalog_note.is_catalog_note({"itemType": "note", "note": html_text})
    assert not catalog_note.is_catalog_note({"itemType": "note", "note": html_text,
                                             "parentItem": "ABCD2345"})
    assert not catalog_note.is_catalog_note({"itemType": "note", "note": "<p>hello</p>"})
    assert not catalog_note.is_catalog_note({"itemType": "journalArticle", "note": html_text})


def _entries(*keys: str) -> list[Entry]:
    return [Entry(key=k.lower(), title=k, year=2020, zotero_key=k) for k in keys]


@pytest.mark.parametrize(("existing", "new", "order", "expected"), [
    ("", "BBBBBBBB AAAAAAAA", "AAAAAAAA BBBBBBBB", "AAAAAAAA BBBBBBBB"),
    ("AAAAAAAA CCCCCCCC", "BBBBBBBB", "AAAAAAAA BBBBBBBB CCCCCCCC",
     "AAAAAAAA BBBBBBBB CCCCCCCC"),
    ("BBBBBBBB", "AAAAAAAA", "AAAAAAAA BBBBBBBB", "AAAAAAAA BBBBBBBB"),   # before all
    ("AAAAAAAA", "DDDDDDDD CCCCCCCC", "AAAAAAAA", "AAAAAAAA DDDDDDDD CCCCCCCC"),  # unknown
    ("AAAAAAAA EEEEEEEE", "DDDDDDDD", "", "AAAAAAAA EEEEEEEE DDDDDDDD"),  # no order at all
    # The catalog reordered its entries: a new one goes after its predecessor.
    ("CCCCCCCC AAAAAAAA", "BBBBBBBB", "AAAAAAAA BBBBBBBB CCCCCCCC",
     "CCCCCCCC AAAAAAAA BBBBBBBB"),
])
def test_new_entries_are_placed_by_the_notes_order(existing: str, new: str, order: str,
                                                   expected: str) -> None:
    placed = place(_entries(*existing.split()), _entries(*new.split()), order.split())
    assert [e.zotero_key for e in placed] == expected.split()


def test_push_writes_the_note_and_sync_keeps_it_current(
        server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    report = syncer.run(catalog, "push")
    assert report.catalog_note == "new"
    notes = [i for i in server.live_items(GROUP).values() if i["itemType"] == "note"]
    assert len(notes) == 1 and not notes[0].get("parentItem")
    loaded = load(catalog)
    assert catalog_note.read(notes[0]["note"]) == of_catalog(loaded.catalog)
    # Nothing changed: nothing written. A venue changed: the note follows.
    assert syncer.run(catalog, "sync").lines() == []
    loaded.catalog.venues["MedIA"].url = "https://example.org/media"
    loaded.catalog.entries.reverse()
    save(loaded)
    report = syncer.run(catalog, "sync")
    assert report.catalog_note == "changed" and report.zotero["changed"] == []
    note = next(i for i in server.live_items(GROUP).values() if i["itemType"] == "note")
    assert note["key"] == notes[0]["key"]
    record = catalog_note.read(note["note"])
    assert next(v for v in record.venues if v.key == "MedIA").url == "https://example.org/media"
    assert record.order == [e.zotero_key for e in load(catalog).catalog.entries]


def test_a_note_edited_or_trashed_in_zotero_is_written_again(
        server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    syncer.run(catalog, "push")
    key = next(k for k, i in server.live_items(GROUP).items() if i["itemType"] == "note")
    server.edit_item(GROUP, key, {"note": "<p>ssl-bib-catalog, cleared by someone</p>"})
    report = syncer.run(catalog, "sync")
    assert any("catalog note" in n and "cannot be read" in n for n in report.notes)
    assert report.catalog_note == "changed" and not report.failures
    assert catalog_note.read(server.libraries[GROUP].items[key]["note"]) == \
        of_catalog(load(catalog).catalog)
    server.trash_item(GROUP, key)
    report = syncer.run(catalog, "sync")
    assert report.catalog_note == "new"
    live = [i for i in server.live_items(GROUP).values() if i["itemType"] == "note"]
    assert len(live) == 1 and live[0]["key"] != key


def test_pull_into_a_catalog_with_entries_takes_only_what_its_items_need(
        server: FakeZotero, syncer: Syncer, catalog: Path, tmp_path: Path) -> None:
    """A venue or category the maintainer removed stays removed; one a new
    item of the group names comes in, with the note's name, link and kind."""
    syncer.run(catalog, "push")
    original = load(catalog).catalog
    other = tmp_path / "other" / "entries.toml"
    other.parent.mkdir()
    other.write_text(catalog.read_text())
    shutil.copyfile(catalog.parent / f".ssl-bib-zotero-{GROUP}.json",
                    other.parent / f".ssl-bib-zotero-{GROUP}.json")
    mine = load(other)
    del mine.catalog.venues["IEEE-TBME"]          # used by no entry
    del mine.catalog.venues["NMI"]
    for entry in mine.catalog.entries:
        if entry.venue == "NMI":
            entry.venue = None
    mine.catalog.categories.remove("Generative")
    for entry in mine.catalog.entries:
        entry.categories = [c for c in entry.categories if c != "Generative"]
    save(mine)
    server.add_item(GROUP, {"itemType": "journalArticle", "title": "A New Paper in NMI",
                            "publicationTitle": "Nature Machine Intelligence", "date": "2024",
                            "tags": [{"tag": "Contrastive"}]})
    report = syncer.run(other, "pull")
    pulled = load(other).catalog
    assert "IEEE-TBME" not in pulled.venues and "Generative" not in pulled.categories
    assert pulled.venues["NMI"] == original.venues["NMI"]
    assert report.adopted == ["new venue: NMI (Nature Machine Intelligence)"]
    new = next(e for e in pulled.entries if e.title == "A New Paper in NMI")
    assert new.venue == "NMI" and new.categories == ["Contrastive"]


@pytest.mark.parametrize("text", ["<" * 100_000, "<pre>{" * 20_000, "{" * 100_000,
                                  "ssl-bib-catalog " * 10_000, "<a" * 50_000 + ">"])
def test_a_hostile_note_ends_fast(text: str) -> None:
    import time

    started = time.monotonic()
    with pytest.raises(NoteError):
        catalog_note.read(text)
    assert time.monotonic() - started < 2.0


def test_a_note_changed_while_we_write_is_read_again_and_written_over(
        server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    """Someone edits the note between our read and our write: the write gets
    412, the note is read again, and the catalog's is written on top."""
    syncer.run(catalog, "push")
    key = next(k for k, i in server.live_items(GROUP).items() if i["itemType"] == "note")
    loaded = load(catalog)
    loaded.catalog.venues["MedIA"].url = "https://example.org/media-new"
    save(loaded)

    def second_user(fake: FakeZotero) -> None:
        fake.edit_item(GROUP, key, {"note": fake.libraries[GROUP].items[key]["note"]
                                    + "<p>a remark</p>"})

    server.before_write = second_user
    server.log.clear()
    report = syncer.run(catalog, "sync")
    assert not report.failures and report.catalog_note == "changed"
    writes = [r for r in server.log if r.method == "POST" and r.path.endswith("/items")]
    assert [r.status for r in writes] == [200, 200]  # the first one's note: 412, then again
    assert any(r.query.get("itemKey") == key for r in server.log)  # read again
    record = catalog_note.read(server.libraries[GROUP].items[key]["note"])
    assert record == of_catalog(load(catalog).catalog)
    assert syncer.run(catalog, "sync").lines() == []


def test_a_note_with_what_check_refuses_is_not_read() -> None:
    for venue, message in (({"key": "X", "name": "Y", "kind": "journal", "url": "javascript:x"},
                            r"not an http\(s\) URL"),
                           ({"key": "X", "name": "Y", "kind": "journal", "issn": "12"},
                            "an ISSN that is none")):
        doc = {"ssl-bib-catalog": 1, "venues": [venue]}
        with pytest.raises(NoteError, match=message):
            catalog_note.read(f"<pre>{html.escape(json.dumps(doc))}</pre>")


@settings(max_examples=300, deadline=None)
@given(value=st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["ssl-bib-catalog", "venues", "categories", "order", "key", "name",
                         "kind", "url", "listed", "aliases", "issn"]), inner, max_size=4),
    max_leaves=12))
def test_any_json_in_a_note_reads_or_is_one_note_error(value: object) -> None:
    """What a group's note holds is anyone's: it reads as a record whose
    venues a catalog may take as they are, or it is a NoteError."""
    text = catalog_note.render(CatalogRecord()).replace(
        html.escape(json.dumps(CatalogRecord().to_json(), indent=1), quote=False),
        html.escape(json.dumps({"ssl-bib-catalog": 1, **value}
                               if isinstance(value, dict) else value), quote=False))
    try:
        record = catalog_note.read(text)
    except NoteError:
        return
    from ssl_bib.identifiers import is_issn, is_url

    for venue in record.venues:
        assert venue.key.strip() and venue.kind in ("journal", "conference", "preprint",
                                                    "workshop")
        assert not venue.url or is_url(venue.url)
        assert not venue.issn or is_issn(venue.issn)
