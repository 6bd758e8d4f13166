"""`ssl-bib --help` and the commands start fast: the help lists the commands
from their summaries without importing them, and the catalog stack loads only
for commands that read a catalog."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest

from ssl_bib.cli import COMMANDS, SUMMARIES
from tests.cli_helpers import modules_loaded


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


_WRITING_SIDE = {"ssl_bib.store.writing", "ssl_bib.store.splice", "ssl_bib.store.proofs",
                 "ssl_bib.store.head_edit", "ssl_bib.store.edit_session",
                 "ssl_bib.file_lock", "ssl_bib.rebase", "tomlkit"}


@pytest.mark.parametrize("command", [["list"], ["list", "--json"], ["check"]])
def test_a_read_only_command_loads_no_part_of_the_writing_side(
        catalog: Path, command: list[str]) -> None:
    loaded, _ = modules_loaded("--catalog", str(catalog), *command)
    assert "ssl_bib.store.read" in loaded
    assert not _WRITING_SIDE & loaded, _WRITING_SIDE & loaded


def test_the_store_face_names_the_writing_side_on_first_use() -> None:
    from ssl_bib import store
    from ssl_bib.store import edit_session, splice, writing

    assert (store.save, store.editing, store.render, store.diff) == (
        writing.save, edit_session.editing, splice.render, splice.diff)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = store.nothing


@pytest.mark.parametrize("columns", [None, "0", "-3", "abc", "30", "60", "79", "80", "81", "200"])
@pytest.mark.parametrize("terminal", [None, 40, 72, 132])
def test_the_help_width_is_the_one_click_takes_from_shutil(
        monkeypatch: pytest.MonkeyPatch, columns: str | None, terminal: int | None) -> None:
    """The root context's width (which keeps shutil from loading at --help)
    is what click's formatter computes itself, whatever COLUMNS and the
    terminal (a pseudo-terminal of that many columns, or none) say."""
    import os
    import pty

    from ssl_bib.cli import help_width

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.setattr(click.formatting, "FORCED_WIDTH", None)
    opened: list[int] = []
    if terminal is not None:
        import fcntl
        import struct
        import termios

        leader, follower = pty.openpty()
        opened += [leader, follower]
        fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, terminal, 0, 0))
        monkeypatch.setattr(sys, "__stdout__", os.fdopen(os.dup(follower), "w"))
    try:
        assert help_width() == click.HelpFormatter().width
    finally:
        if terminal is not None:
            sys.__stdout__.close()
        for fd in opened:
            os.close(fd)


def test_help_loads_no_shutil_and_keeps_clicks_test_width() -> None:
    loaded = _modules_after("--help")
    assert "shutil" not in loaded
    from click.testing import CliRunner

    from ssl_bib.cli import cli

    # click's test runner forces 80 columns; the root context must not
    # override it with the 50 that COLUMNS=40 gives.
    result = CliRunner().invoke(cli, ["--help"], env={"COLUMNS": "40"})
    assert 50 < max(len(line) for line in result.output.splitlines()) <= 80


def test_the_command_process_freezes_its_objects_at_exit_and_a_library_user_does_not(
        tmp_path: Path) -> None:
    """The command's process skips CPython's last cycle collections (gc.freeze
    at exit); a process that only imports ssl_bib keeps its exit as it was.
    The command's output and exit status are as before."""
    catalog = tmp_path / "entries.toml"
    catalog.write_text((Path(__file__).parents[1] / "entries.toml").read_text("utf-8"),
                       encoding="utf-8")
    probe = ("import atexit, gc, sys\n"
             "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
             "from ssl_bib.cli import main\n")
    command = subprocess.run(
        [sys.executable, "-c", probe + f"main(['--catalog', {str(catalog)!r}, 'check'])"],
        capture_output=True, text=True)
    assert command.returncode == 0, command.stderr
    assert command.stdout.splitlines()[-1] == "frozen True"
    assert "62 entries, 0 errors" in command.stderr + command.stdout
    library = subprocess.run([sys.executable, "-c", probe + "import ssl_bib.store"],
                             capture_output=True, text=True, check=True)
    assert library.stdout.splitlines() == ["frozen False"]


def test_the_program_loads_its_code_with_the_collector_paused_and_runs_with_it_on(
        tmp_path: Path) -> None:
    """ssl_bib.entry (the `ssl-bib` script): click, the command line and the
    command's module load with the cycle collector paused and are frozen
    after; the command itself runs with the collector on."""
    catalog = tmp_path / "entries.toml"
    catalog.write_text((Path(__file__).parents[1] / "entries.toml").read_text("utf-8"),
                       encoding="utf-8")
    probe = ("import gc, sys\n"
             "from ssl_bib import store\n"
             "real = store.load\n"
             "def load(*a, **k):\n"
             "    print('load', gc.isenabled(), gc.get_freeze_count() > 0,\n"
             "          'click' in sys.modules, 'ssl_bib.cli.check' in sys.modules)\n"
             "    return real(*a, **k)\n"
             "store.load = load\n"
             "print('start', gc.isenabled(), gc.get_freeze_count())\n"
             "from ssl_bib.entry import main\n"
             f"sys.argv = ['ssl-bib', '--catalog', {str(catalog)!r}, 'check']\n"
             "main()\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[:2] == ["start True 0", "load True True True True"]


def test_loading_for_good_restores_the_collector_as_it_found_it() -> None:
    import gc

    from ssl_bib.gcpause import loading_for_good

    assert gc.isenabled()
    try:
        with loading_for_good():
            assert not gc.isenabled()
        assert gc.isenabled() and gc.get_freeze_count() > 0
        gc.disable()
        with loading_for_good():
            pass
        assert not gc.isenabled()  # left off, as it was
    finally:
        gc.enable()
        gc.unfreeze()
