"""Every command that writes has --dry-run, and every command that reports
has --json. The commands are walked from the group: a new command must be
placed in WRITES and/or REPORTS below (or it fails here), so none is
forgotten. And the dry runs of export and render write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from ssl_bib.cli import cli
from tests.cli_helpers import leaf_commands

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "entries.toml"

# Commands that write files (the catalog, an export, the README, the site) or a Zotero group.
WRITES = {"export", "import", "add", "enrich", "render readme", "render site", "zotero pull",
          "zotero push", "zotero sync", "keys refresh"}
# Commands whose output is a report a script may want to read.
REPORTS = {"check", "list", "show", "import", "add", "enrich", "zotero status", "zotero pull",
           "zotero push", "zotero sync", "keys check", "keys refresh"}
# Commands that run until they are stopped: a server, which neither changes
# files the user asked for nor reports.
SERVES = {"zotero serve-local"}


COMMANDS = leaf_commands()


def options(command: click.Command) -> set[str]:
    return {opt for param in command.params for opt in getattr(param, "opts", [])}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_classified_and_has_its_options(name: str) -> None:
    assert name in WRITES | REPORTS | SERVES, \
        f"{name}: a writing command, a reporting one, both, or a server?"
    if name in WRITES:
        assert "--dry-run" in options(COMMANDS[name]), name
    if name in REPORTS:
        assert "--json" in options(COMMANDS[name]), name


def run(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--catalog", str(BUNDLED), *args])


def files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_export_dry_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, "export", "--all", "out", "--dry-run")
    assert result.exit_code == 0 and result.stdout == "" and files(tmp_path) == []
    assert result.stderr.splitlines() == [
        "would write 62 entries to out/references.bib (a new file)",
        "would write 62 entries to out/references-biblatex.bib (a new file)",
        "would write 62 entries to out/references.ris (a new file)",
        "would write 62 entries to out/references.json (a new file)",
        "dry run: nothing was written"]
    assert run(tmp_path, "export", "--all", "out").exit_code == 0
    written = {p: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    result = run(tmp_path, "export", "--all", "out", "--dry-run", "--year", "2020")
    assert result.stderr.splitlines()[0] == \
        "would write 21 entries to out/references.bib (changed)"
    result = run(tmp_path, "export", "-f", "ris", "-o", "out/references.ris", "--dry-run")
    assert result.stderr.splitlines()[0] == \
        "would write 62 entries to out/references.ris (unchanged)"
    result = run(tmp_path, "export", "-f", "ris", "--dry-run")
    assert result.stdout == "" and "would write 62 entries to standard output" in result.stderr
    assert {p: p.read_bytes() for p in (tmp_path / "out").iterdir()} == written


def test_export_dry_run_fails_where_the_export_would(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    catalog.write_text('schema = 1\n\n[[entries]]\nkey = "a"\ntitle = "A"\nyear = 2020\n'
                       'venue = "NOPE"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "export", "-f", "bibtex",
                                      "-o", str(tmp_path / "x.bib"), "--dry-run"])
    assert result.exit_code == 2 and "unknown venue 'NOPE'" in result.stderr
    assert not (tmp_path / "x.bib").exists()


def test_render_readme_dry_run(tmp_path: Path) -> None:
    target = tmp_path / "README.md"
    result = run(tmp_path, "render", "readme", "-o", str(target), "--dry-run")
    assert result.exit_code == 0 and not target.exists()
    assert result.stdout.startswith("--- a/README.md\n+++ b/README.md\n")
    assert result.stderr == f"would write {target} (a new file)\ndry run: nothing was written\n"
    target.write_text("# My list\n\n<!-- ssl-bib:start -->\nold\n<!-- ssl-bib:end -->\n",
                      encoding="utf-8")
    result = run(tmp_path, "render", "readme", "-o", str(target), "--dry-run")
    assert "-old\n" in result.stdout and "(changed)" in result.stderr
    assert target.read_text(encoding="utf-8").endswith("old\n<!-- ssl-bib:end -->\n")
    assert run(tmp_path, "render", "readme", "-o", str(target)).exit_code == 0
    result = run(tmp_path, "render", "readme", "-o", str(target), "--dry-run")
    assert result.stdout == "" and "(unchanged)" in result.stderr


def test_render_site_dry_run(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    result = run(tmp_path, "render", "site", "-o", str(folder), "--dry-run")
    assert result.exit_code == 0 and not folder.exists()
    assert result.stderr.startswith(f"would write {folder}: missing: assets/site-")
    assert run(tmp_path, "render", "site", "-o", str(folder)).exit_code == 0
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    result = run(tmp_path, "render", "site", "-o", str(folder), "--dry-run", "--year", "2020")
    assert result.stderr.startswith(f"would write {folder}: differ: index.html")
    assert "no longer rendered: cite/" in result.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    result = run(tmp_path, "render", "site", "-o", str(folder), "--dry-run")
    assert f"{folder}: unchanged" in result.stderr


def test_check_list_show_json_are_json(tmp_path: Path) -> None:
    for args in (["check", "--json"], ["list", "--json"],
                 ["show", "ModelsGenesisGeneric2019", "--json"]):
        result = run(tmp_path, *args)
        assert result.exit_code == 0
        json.loads(result.stdout)
