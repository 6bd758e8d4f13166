"""`ssl-bib add --json`: what was added (each entry as `show --json` gives it,
with its line in the catalog, and a new venue) and what failed, as one JSON
object on stdout in place of the TOML blocks."""

from __future__ import annotations

import json

from click.testing import CliRunner

from ssl_bib.cli import cli
from tests.add.add_helpers import AddRun


def test_an_added_paper_as_json(add: AddRun) -> None:
    result = add("https://doi.org/10.1038/s41551-022-00914-1", "--no-category", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["written"] is True and report["dry_run"] is False and report["failed"] == []
    [added] = report["added"]
    key = added["key"]
    shown = CliRunner().invoke(cli, ["--catalog", str(add.catalog), "show", key, "--json"])
    assert added["entry"] == json.loads(shown.stdout)
    lines = add.catalog.read_text(encoding="utf-8").splitlines()
    assert lines[added["line"] - 1] == "[[entries]]" and lines[added["line"]] == f'key = "{key}"'
    venue = added["new_venue"]
    assert venue["kind"] == "journal" and venue["name"] == "Nature Biomedical Engineering"
    assert lines[venue["line"] - 1] == f'[venues."{venue["key"]}"]'


def test_a_failure_as_json(add: AddRun) -> None:
    before = add.catalog.read_bytes()
    result = add("https://www.mdpi.com/2075-4418/12/8/1805", "10.1038/s41551-022-00914-1",
                 "--no-category", "--dry-run", "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["added"] == [] and report["written"] is False
    [failed] = report["failed"]
    assert failed["id"] == "https://www.mdpi.com/2075-4418/12/8/1805" and failed["exit"] == 1
    assert "already in the catalog" in failed["message"]
    assert add.catalog.read_bytes() == before
