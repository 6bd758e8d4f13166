"""Every usage mistake, on every command and subcommand, is one line on
stderr starting `ssl-bib:` that names the command and where its help is,
with exit status 2 (click's own three-line "Usage: / Try / Error:" block never
shows). The commands are found by walking the group, so a command added later
is covered without touching this file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssl_bib.cli import cli
from tests.cli_helpers import command_tree
from tests.cli_helpers import invoke as run

REPO = Path(__file__).resolve().parents[1]


# ('check',), ('zotero', 'sync'), ... every command that runs, and every
# group (a group's own options take mistakes too).
PATHS = list(command_tree())


def assert_one_line(code: int, out: str, err: str, *needles: str) -> None:
    assert code == 2, (code, out, err)
    assert out == "", out
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("ssl-bib: "), err
    for word in ("Usage:", "Try '", "Error:"):
        assert word not in err, err
    for needle in needles:
        assert needle in err, (needle, err)


def test_the_walk_finds_the_nested_commands() -> None:
    assert ("zotero", "sync") in PATHS and ("render", "readme") in PATHS
    assert ("render", "site") in PATHS and ("add",) in PATHS and ("export",) in PATHS


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) for p in PATHS])
def test_an_unknown_option_is_one_line(path: tuple[str, ...]) -> None:
    code, out, err = run(*path, "--no-such-option")
    where = " ".join(path)
    assert_one_line(code, out, err, f"ssl-bib: {where}: no such option '--no-such-option'",
                     f"(see 'ssl-bib {where} --help')")


@pytest.mark.parametrize("path", PATHS, ids=[" ".join(p) for p in PATHS])
def test_help_still_works(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout, result.output


@pytest.mark.parametrize(("args", "needles"), [
    (["export", "-f", "bogus"],
     ["export: invalid value for '-f' / '--format': 'bogus' is not one of 'bibtex'"]),
    (["expot"], ["no such command 'expot'; did you mean 'export'?", "(see 'ssl-bib --help')"]),
    (["render", "sit"], ["render: no such command 'sit'; did you mean 'site'?"]),
    (["--bogus"], ["ssl-bib: no such option '--bogus' (see 'ssl-bib --help')"]),
    (["list", "--venu", "MICCAI"], ["list: no such option '--venu'; did you mean '--venue'?"]),
    (["show"], ["show: missing argument 'KEY'"]),
    (["import"], ["import: missing argument 'FILES...'"]),
    (["add"], ["add: missing argument 'ID...'"]),
    (["zotero", "status", "--group", "x"], ["zotero status: invalid value for '--group'"]),
    (["list", "--year", "20x"], ["list: invalid value for '--year': '20x' is not a year"]),
    (["export"], ["export: give a format with -f/--format, or --all DIR"]),
    (["render", "readme", "-o", "a", "--check", "b"],
     ["render readme: give -o or --check, not both"]),
    (["list", "--year"], ["list: option '--year' requires an argument"]),
    (["zotero", "sync", "--group"], ["zotero sync: option '--group' requires an argument",
                                     "(see 'ssl-bib zotero sync --help')"]),
    (["--catalog"], ["ssl-bib: option '--catalog' requires an argument (see 'ssl-bib --help')"]),
    (["list", "extra"], ["list: got unexpected extra argument (extra)"]),
])
def test_kinds_of_mistake(args: list[str], needles: list[str]) -> None:
    assert_one_line(*run(*args), *needles)


def test_a_group_without_a_command_shows_its_help() -> None:
    """Not a mistake to report in one line: click shows the group's help."""
    result = CliRunner().invoke(cli, ["zotero"])
    assert result.exit_code == 2 and "Commands:" in result.output


def test_one_line_from_the_installed_entry_point(tmp_path: Path) -> None:
    """The real process, as a shell runs it (not only click's test runner)."""
    done = subprocess.run([sys.executable, "-m", "ssl_bib", "zotero", "sync", "--bogus"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == ("ssl-bib: zotero sync: no such option '--bogus' "
                           "(see 'ssl-bib zotero sync --help')\n")
