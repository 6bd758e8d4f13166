"""The `ssl-bib` command line: a click group whose commands live one per module
and are imported only when used, so `ssl-bib --help`, `list` and `check` never
load bibtexparser, habanero or the HTTP stack."""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import importlib.util
import os
import sys
from typing import Any

import click
from click.exceptions import NoSuchCommand

from .. import __version__, interrupts
from ..errors import SslBibError
from ..gcpause import loading_for_good
from .common import CatalogContext
from .output import StdoutFailed, flush_stdout, guard_stdout, silence_stdout
from .usage import one_line

# command name -> module under ssl_bib.cli that defines `command`
COMMANDS: dict[str, str] = {
    "check": "check",
    "list": "listing",
    "show": "show",
    "export": "export",
    "import": "import_",
    "add": "add",
    "render": "render",
    "enrich": "enrich",
    "zotero": "zotero",
    "keys": "keys",
}


# ctx.meta key: the words after the group's own options (`zotero sync --group`).
_COMMAND_ARGS = "ssl_bib.command_args"


def _failing_context(ctx: click.Context, words: list[str]) -> click.Context:
    """The context of the (sub)command those words name, for a usage error
    that came without one: its path goes into the message."""
    command: click.Command = ctx.command
    for word in words:
        if not isinstance(command, click.Group):
            break
        sub = command.get_command(ctx, word)
        if sub is not None:
            ctx, command = click.Context(sub, info_name=word, parent=ctx), sub
    return ctx


# Each command's first help paragraph, so that `ssl-bib --help` lists the
# commands without importing them (the export, import and sync stacks took
# longer to import than click); tests hold each to its command's docstring.
SUMMARIES: dict[str, str] = {
    "check": "Validate the catalog: types, venues, categories, identifiers, duplicates.",
    "list": "List entries, optionally filtered.",
    "show": "Show one entry in full, with the line it is on.",
    "export": "Export entries (all, or those the filters select) for citing.",
    "import": "Import papers from FILE... (BibTeX, biblatex, RIS, CSL-JSON, awesome-list "
              "README) into the catalog.",
    "add": "Add papers to the catalog from their DOI, arXiv id or link.",
    "render": "Generate files from the catalog.",
    "keys": "Check citation keys against settings.key_format, and refresh them.",
    "enrich": "Fill empty fields (authors, DOI, pages, ...) of entries from Crossref.",
    "zotero": "Two-way sync between the catalog and a Zotero group library.",
}


class LazyGroup(click.Group):
    """Loads a command's module on first use; reports every usage error of
    itself and of the commands and groups below it as one line; and turns
    every error ssl-bib raises (errors.SslBibError) into one line and its exit
    status: the one place that catches them, so commands only raise. Ctrl-C
    is caught here too, for every command: one line saying what was written
    (interrupts.py), exit 130, instead of click's "Aborted!" and exit 1."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        if parent is None:
            interrupts.start()
            if "terminal_width" not in extra and click.formatting.FORCED_WIDTH is None:
                extra["terminal_width"] = help_width()  # every subcommand inherits it
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            if exc.ctx is None:  # click's parser raises some without one
                exc.ctx = click.Context(self, info_name=info_name, parent=parent)
            raise one_line(exc) from None
        except KeyboardInterrupt:
            _say_interrupted()
            sys.exit(interrupts.EXIT_INTERRUPTED)

    def resolve_command(self, ctx: click.Context, args: list[str]
                        ) -> tuple[str | None, click.Command | None, list[str]]:
        ctx.meta[_COMMAND_ARGS] = list(args)
        try:
            return super().resolve_command(ctx, args)
        except NoSuchCommand as exc:  # click suggests from self.commands, empty here
            raise NoSuchCommand(exc.command_name, possibilities=COMMANDS, ctx=ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StdoutFailed:
            raise                                  # main() says it, once stdout is quiet
        except click.UsageError as exc:
            if exc.ctx is None:  # click's parser raises some without one
                exc.ctx = _failing_context(ctx, ctx.meta.get(_COMMAND_ARGS, []))
            raise one_line(exc) from None
        except SslBibError as exc:
            click.echo(f"ssl-bib: {exc.format()}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            _say_interrupted()
            ctx.exit(interrupts.EXIT_INTERRUPTED)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS
                if importlib.util.find_spec(f"{__name__}.{COMMANDS[name]}") is not None]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's own listing, from the summaries where there is one."""
        commands: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            command = (click.Command(name, help=SUMMARIES[name]) if name in SUMMARIES
                       else self._load(name))
            if command is not None and not command.hidden:
                commands.append((name, command))
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit))
                                    for name, command in commands])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    def _load(self, name: str) -> click.Command | None:
        module_name = COMMANDS.get(name)
        if module_name is None:
            return None
        qualified = f"{__name__}.{module_name}"
        try:
            # In the command's own process, the command's code loads as the
            # command line's did (gcpause.loading_for_good).
            with loading_for_good() if MAIN_RUNNING else contextlib.nullcontext():
                module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name == qualified:  # a command not built yet in this checkout
                return None
            raise
        command: click.Command = module.command
        return command


def help_width() -> int:
    """The width click's help formatter takes when it is given none:
    `max(min(columns, 80) - 2, 50)`, the columns as shutil.get_terminal_size
    gives them (COLUMNS when set above 0, else the terminal's, else 80).
    Given to the root context, so that help loads no shutil (with bz2, lzma
    and zlib: 4 ms of every --help)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
        columns = columns or 80
    return max(min(columns, 80) - 2, 50)


def _say_interrupted() -> None:
    """The one line for Ctrl-C (a progress bar has cleared its line by now)."""
    click.echo(f"ssl-bib: {interrupts.message()}", err=True)


@click.group("ssl-bib", cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ssl-bib")
@click.option("--catalog", "catalog_path", envvar="SSL_BIB_CATALOG", default="entries.toml",
              show_default=True, type=click.Path(dir_okay=False),
              help="The catalog file (env SSL_BIB_CATALOG).")
@click.pass_context
def cli(ctx: click.Context, catalog_path: str) -> None:
    """Keep the Self-Supervised Learning in Medical Imaging catalog (entries.toml)
    and turn it into BibTeX, biblatex, RIS, CSL-JSON, a README and a Zotero group."""
    ctx.obj = CatalogContext(catalog_path)
    interrupts.watch(catalog_path)  # every command's Ctrl-C line says if it was written


# Whether main() runs: the process is the command line's own, which runs no
# asynchronous code (conduct.session loads its HTTP transport accordingly).
MAIN_RUNNING = False

# click's shell completion protocol (`_SSL_BIB_COMPLETE=bash_source ssl-bib`).
COMPLETE_VAR = "_SSL_BIB_COMPLETE"


def main(argv: list[str] | None = None) -> Any:
    """Entry point: every error ssl-bib raises ends as one line and its exit
    status (2: bad usage or input, 1: a failed operation; LazyGroup.invoke),
    a usage error as one line too (exit 2), never as a traceback; standard
    output that cannot be written (a full device: one line, exit 1; a closed
    pipe: quietly, exit 1, as Python's documentation advises) is said here,
    after the command."""
    if os.environ.get(COMPLETE_VAR):
        # Completion runs on every Tab: whatever goes wrong (a shell that sets
        # the protocol's variables differently) completes nothing, quietly.
        try:
            return cli.main(args=argv, prog_name="ssl-bib", complete_var=COMPLETE_VAR)
        except Exception:  # noqa: BLE001
            sys.exit(1)
    global MAIN_RUNNING
    if not MAIN_RUNNING:
        # The process ends with the command. CPython's exit runs full cycle
        # collections over every object left (every module's, the catalog's):
        # 5-25 ms of a command on the bundled catalog, for memory the system
        # takes back anyway. Frozen first thing at exit (gc.freeze), they are
        # skipped; objects are still freed by their counts, files closed and
        # the streams flushed. Only here, in the command's own process, never
        # in a library user's.
        atexit.register(gc.freeze)
    MAIN_RUNNING = True  # this process is the command's: no async code (conduct.session)
    guard_stdout()
    try:
        try:
            return cli.main(args=argv, prog_name="ssl-bib", standalone_mode=True)
        finally:
            flush_stdout()  # buffered output fails only now
    except StdoutFailed as exc:
        silence_stdout()
        if not exc.closed_pipe:
            click.echo(f"ssl-bib: {exc.message()}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:  # after the command (LazyGroup.invoke catches it during)
        _say_interrupted()
        sys.exit(interrupts.EXIT_INTERRUPTED)
