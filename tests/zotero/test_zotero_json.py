"""`ssl-bib zotero ... --json`: the report as one JSON object on stdout (the
summary stays on stderr), for status and for a sync with a conflict."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from ssl_bib.cli import cli
from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import GROUP, KEY, edit_local, item_of


def zotero(catalog: Path, server: FakeZotero, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "zotero", *args,
                                      "--group", str(GROUP)],
                                env={"SSL_BIB_ZOTERO_URL": server.url, "ZOTERO_API_KEY": KEY})
    return result.exit_code, result.stdout, result.stderr


def test_status_as_json(server: FakeZotero, catalog: Path) -> None:
    code, out, err = zotero(catalog, server, "status", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert set(report) == {"catalog", "zotero", "conflicts", "notes", "failures", "requests",
                           "dry_run"}
    assert len(report["zotero"]["new"]) == 62 and report["catalog"]["new"] == []
    assert report["dry_run"] is True and report["requests"] >= 1
    assert err.startswith("zotero: catalog would change: 0 new")   # the summary, as without
    assert KEY not in out + err


def test_a_conflict_as_json(server: FakeZotero, catalog: Path) -> None:
    assert zotero(catalog, server, "sync")[0] == 0
    item = item_of(server, "zhouModelsGenesisGeneric2019")
    server.edit_item(GROUP, str(item["key"]), {"title": "Remote title"})
    edit_local(catalog, "zhouModelsGenesisGeneric2019", title="Local title")
    code, out, _ = zotero(catalog, server, "sync", "--json")
    assert code == 1                       # a conflict is left, as without --json
    report = json.loads(out)
    assert report["conflicts"] == [{"key": "zhouModelsGenesisGeneric2019", "field": "title",
                                    "catalog": "Local title", "other": "Remote title",
                                    "source": "Zotero"}]
    assert report["dry_run"] is False
