"""Push the bundled catalog into an empty group, pull it into an empty catalog:
the acceptance test of issue 14. Every field of every entry comes back (the
catalog's own curation records aside: provenance, corrections and doubts
describe this catalog, not the paper), and so do the venues, the categories
and the order, so the README renders the same, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ssl_bib.cli import cli
from ssl_bib.codecs.readme.render import render_readme
from ssl_bib.model import ENTRY_FIELDS
from ssl_bib.store import load
from ssl_bib.zotero.mapping import SYNC_FIELDS
from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import GROUP, KEY, Syncer

CURATION = ("provenance", "corrections", "doubts")  # live in the catalog only


def _cli(catalog: Path, server: FakeZotero, *args: str) -> tuple[int, str]:
    env = {"SSL_BIB_ZOTERO_URL": server.url, "ZOTERO_API_KEY": KEY}
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.output


@pytest.mark.parametrize("empty", ["no file", "schema only"])
def test_push_then_pull_into_an_empty_catalog_gives_it_all_back(
        server: FakeZotero, catalog: Path, tmp_path: Path, empty: str) -> None:
    code, out = _cli(catalog, server, "zotero", "push", "--group", str(GROUP))
    assert code == 0, out
    assert len(server.papers(GROUP)) == 62
    pulled_path = tmp_path / "pulled" / "new.toml"
    pulled_path.parent.mkdir()
    if empty == "schema only":
        pulled_path.write_text("schema = 1\n")
    code, out = _cli(pulled_path, server, "zotero", "pull", "--group", str(GROUP))
    assert code == 0, out
    original, pulled = load(catalog).catalog, load(pulled_path).catalog

    compared = equal = 0
    differences = []
    assert [e.key for e in pulled.entries] == [e.key for e in original.entries]  # order too
    for entry, back in zip(original.entries, pulled.entries, strict=True):
        for name in ENTRY_FIELDS:
            if name in CURATION:
                continue
            compared += 1
            if getattr(back, name) == getattr(entry, name):
                equal += 1
            else:
                differences.append((entry.key, name, getattr(entry, name), getattr(back, name)))
    print(f"round trip: {equal} of {compared} fields equal over {len(original.entries)} "
          "entries")
    assert differences == []
    assert compared == 62 * (len(ENTRY_FIELDS) - len(CURATION))
    assert pulled.venues == original.venues and list(pulled.venues) == list(original.venues)
    assert pulled.categories == original.categories
    assert render_readme(pulled) == render_readme(original)
    # Rendered by the command, into files: the same bytes.
    for path, name in ((catalog, "a.md"), (pulled_path, "b.md")):
        code, out = _cli(path, server, "render", "readme", "-o", str(tmp_path / name))
        assert code == 0, out
    assert (tmp_path / "a.md").read_bytes() == (tmp_path / "b.md").read_bytes()
    code, out = _cli(pulled_path, server, "check")
    assert code == 0 and "62 entries, 0 errors" in out, out


def test_curation_records_stay_in_the_catalog(server: FakeZotero, syncer: Syncer,
                                              catalog: Path, tmp_path: Path) -> None:
    """Provenance, corrections and doubts are the catalog's notes on its own
    data: they are not sent, and a pulled catalog starts without them."""
    syncer.run(catalog, "push")
    sent = " ".join(str(item) for item in server.live_items(GROUP).values())
    original = load(catalog).catalog
    doubt = next(d for e in original.entries for d in e.doubts)
    correction = next(c for e in original.entries for c in e.corrections)
    assert doubt[:40] not in sent and correction.why[:40] not in sent
    fresh = tmp_path / "fresh.toml"
    fresh.write_text("schema = 1\n")
    syncer.run(fresh, "pull")
    pulled = load(fresh).catalog
    assert not any(e.doubts or e.corrections for e in pulled.entries)
    assert {v for e in pulled.entries for v in e.provenance.values()} <= {f"zotero group {GROUP}"}


def test_items_use_only_fields_of_their_type(server: FakeZotero, syncer: Syncer,
                                            seed_catalog: Path) -> None:
    catalog = seed_catalog
    syncer.run(catalog, "push")
    types = {i["itemType"] for i in server.papers(GROUP).values()}
    assert types == {"journalArticle", "conferencePaper", "preprint"}
    item = next(i for i in server.live_items(GROUP).values()
                if i.get("citationKey") == "HowTransferableAre2022")
    years = {server.libraries[GROUP].collections[k]["name"] for k in item["collections"]}
    assert years == {"2022", "2021"}


def test_sync_fields_round_trip_into_a_catalog_with_the_venues(
        server: FakeZotero, syncer: Syncer, catalog: Path, empty_catalog: Path) -> None:
    """Into a catalog that has the venues and categories but no entries."""
    syncer.run(catalog, "push")
    report = syncer.run(empty_catalog, "pull")
    assert not report.failures and not report.adopted, report.lines()
    pulled = load(empty_catalog).catalog.by_key()
    for entry in load(catalog).catalog.entries:
        for name in (*SYNC_FIELDS, "key", "key_aliases", "zotero_key"):
            assert getattr(pulled[entry.key], name) == getattr(entry, name), (entry.key, name)
