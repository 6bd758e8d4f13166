"""The `ssl-bib` command line: a click group whose commands live one per module
and are imported only when used, so `ssl-bib --help`, `list` and `check` never
load bibtexparser, habanero or the HTTP stack."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

from .. import __version__
from ..problems import InputError
from .common import CatalogContext
from .output import StdoutFailed, flush_stdout, guard_stdout, silence_stdout

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
    """Loads a command's module on first use."""

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
            module = importlib.import_module(qualified)
        except ModuleNotFoundError as exc:
            if exc.name == qualified:  # a command not built yet in this checkout
                return None
            raise
        command: click.Command = module.command
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ssl-bib")
@click.option("--catalog", "catalog_path", envvar="SSL_BIB_CATALOG", default="entries.toml",
              show_default=True, type=click.Path(dir_okay=False),
              help="The catalog file (env SSL_BIB_CATALOG).")
@click.pass_context
def cli(ctx: click.Context, catalog_path: str) -> None:
    """Keep the Self-Supervised Learning in Medical Imaging catalog (entries.toml)
    and turn it into BibTeX, biblatex, RIS, CSL-JSON, a README and a Zotero group."""
    ctx.obj = CatalogContext(catalog_path)


def main(argv: list[str] | None = None) -> Any:
    """Entry point: every error a user can cause ends as one line and exit 2;
    standard output that cannot be written (a full device: one line, exit 1;
    a closed pipe: quietly, exit 1, as Python's documentation advises)."""
    guard_stdout()
    try:
        try:
            return cli.main(args=argv, prog_name="ssl-bib", standalone_mode=True)
        finally:
            flush_stdout()  # buffered output fails only now
    except InputError as exc:
        click.echo(f"ssl-bib: {exc.format()}", err=True)
        sys.exit(2)
    except StdoutFailed as exc:
        silence_stdout()
        if not exc.closed_pipe:
            click.echo(f"ssl-bib: {exc.message()}", err=True)
        sys.exit(1)
