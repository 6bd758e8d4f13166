"""Running the command line in process, shared by the CLI tests: one way to
invoke it and read its exit status and output, and one walk of its command
tree (so a test over "every command" meets a new command without an edit);
and in a fresh process, to see which modules a command loads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from ssl_bib.cli import cli


def invoke(*args: str, catalog: Path | str | None = None,
           env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """`ssl-bib [--catalog CATALOG] ARGS...` in process: exit status, stdout, stderr."""
    prefix = ["--catalog", str(catalog)] if catalog is not None else []
    result = CliRunner().invoke(cli, [*prefix, *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def modules_loaded(*args: str) -> tuple[set[str], str]:
    """`ssl-bib ARGS...` in a fresh process, which must succeed: the modules
    it had loaded by its end, and its standard output."""
    code = ("import sys\nfrom ssl_bib.cli import main\n"
            f"try:\n    main({list(args)!r})\n"
            "except SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "sys.stderr.write('\\n' + '\\n'.join(sorted(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return set(run.stderr.split("\n")), run.stdout


def one_line(text: str) -> str:
    """The one line a command's failure must be (fails the test otherwise)."""
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def command_tree() -> dict[tuple[str, ...], click.Command]:
    """Every command and group under `ssl-bib`, by its path: ('check',),
    ('zotero',), ('zotero', 'sync'), ..."""
    found: dict[tuple[str, ...], click.Command] = {}

    def walk(group: click.Group, prefix: tuple[str, ...]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, name
            found[(*prefix, name)] = command
            if isinstance(command, click.Group):
                walk(command, (*prefix, name))

    walk(cli, ())
    return found


def leaf_commands() -> dict[str, click.Command]:
    """The commands that run (not groups), by name: 'check', 'zotero sync', ..."""
    return {" ".join(path): command for path, command in command_tree().items()
            if not isinstance(command, click.Group)}
