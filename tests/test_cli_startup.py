"""`ssl-bib --help` and the commands start fast: the help lists the commands
from their summaries without importing them, and the catalog stack loads only
for commands that read a catalog."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click
import pytest

from ssl_bib.cli import COMMANDS, SUMMARIES


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_summary_is_its_commands_own_short_help(name: str) -> None:
    command = importlib.import_module(f"ssl_bib.cli.{COMMANDS[name]}").command
    stand_in = click.Command(name, help=SUMMARIES[name])
    for limit in range(10, 160, 7):
        assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit)


def _modules_after(*args: str) -> set[str]:
    code = ("import sys\nfrom ssl_bib.cli import main\n"
            f"try:\n    main({list(args)!r})\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('\\n'.join(sorted(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert "Usage: " in run.stdout
    return set(run.stderr.split())


def test_help_imports_no_command_and_no_catalog_stack() -> None:
    loaded = _modules_after("--help")
    assert "ssl_bib.cli" in loaded
    heavy = {f"ssl_bib.cli.{module}" for module in COMMANDS.values()} | {
        "ssl_bib.store", "ssl_bib.model", "toml_rs", "tomllib", "bibtexparser", "httpx2"}
    assert not heavy & loaded, heavy & loaded


def test_a_command_help_imports_only_that_command() -> None:
    loaded = _modules_after("check", "--help")
    assert "ssl_bib.cli.check" in loaded
    others = {f"ssl_bib.cli.{module}" for name, module in COMMANDS.items() if name != "check"}
    assert not others & loaded
