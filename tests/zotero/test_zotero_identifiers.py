"""A DOI (or any identifier) from Zotero that fails the catalog's test is never
written into the catalog, is reported, and is left as it is in Zotero: no
sync deletes the catalog's own value for it, and none clears Zotero's."""

from __future__ import annotations

from pathlib import Path

from ssl_bib.store import load
from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import GROUP, Syncer, item_of

HOSTILE = r"10.1234/\input{/tmp/probe.tex}"


def _journal(catalog: Path) -> tuple[str, str | None]:
    loaded = load(catalog).catalog
    entry = next(e for e in loaded.entries if loaded.entry_type(e) == "article" and e.doi)
    return entry.key, entry.doi


def test_a_hostile_doi_edited_in_zotero_is_refused_and_nothing_is_lost(
        server: FakeZotero, syncer: Syncer, catalog: Path) -> None:
    report = syncer.run(catalog, "sync")
    assert not report.failures
    key, doi = _journal(catalog)
    zkey = str(item_of(server, key)["key"])
    server.edit_item(GROUP, zkey, {"DOI": HOSTILE, "volume": "77"})
    report = syncer.run(catalog, "sync")
    assert not report.failures and not report.conflicts
    entry = load(catalog).catalog.find(key)
    assert entry is not None
    assert entry.doi == doi and entry.volume == "77"  # the good change is taken
    assert any(f"Zotero item {zkey}: doi" in n and "is not a DOI" in n for n in report.notes)
    assert item_of(server, key)["DOI"] == HOSTILE  # Zotero's text is not overwritten
    assert HOSTILE not in catalog.read_text(encoding="utf-8")


def test_a_new_zotero_item_with_a_hostile_doi_is_pulled_without_it(
        server: FakeZotero, syncer: Syncer, empty_catalog: Path) -> None:
    zkey = server.add_item(GROUP, {"itemType": "journalArticle", "title": "Hostile paper",
                                   "date": "2021", "DOI": HOSTILE, "ISSN": "1361-8415}",
                                   "extra": "ssl-bib-arxiv-class: cs.CV}\\input"})
    report = syncer.run(empty_catalog, "pull")
    assert not report.failures
    entry = load(empty_catalog).catalog.find(next(
        e.key for e in load(empty_catalog).catalog.entries if e.zotero_key == zkey))
    assert entry is not None and entry.title == "Hostile paper"
    assert (entry.doi, entry.issn, entry.arxiv_class) == (None, None, None)
    refused = [n for n in report.notes if n.startswith(f"Zotero item {zkey}:")]
    assert len(refused) == 3
    text = empty_catalog.read_text(encoding="utf-8")
    assert "\\input" not in text and "1361-8415}" not in text
