"""`ssl-bib export`: the catalog as BibTeX, biblatex, RIS or CSL-JSON."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import interrupts
from ..exporting import FORMATS, export, export_all
from ..gcpause import paused_gc
from ..model import Catalog, Entry
from ..problems import InputError
from ..select import Filters
from .common import (
    CatalogContext,
    export_failure,
    fail,
    fail_input,
    filter_options,
    pass_catalog,
    refuse_invalid,
    selected,
)

if TYPE_CHECKING:  # citing: --aux only, its modules load when it is given
    from ..citing import Cited
    from ..store import LoadedCatalog


@click.command("export")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)),
              help="Output format.")
@click.option("-o", "--output", metavar="FILE", default="-", show_default=True,
              help="Write to FILE (atomically); '-' is standard output.")
@click.option("--all", "all_dir", metavar="DIR", type=click.Path(file_okay=False),
              help="Write every format into DIR: " + ", ".join(
                  f.filename for f in FORMATS.values()) + ".")
@click.option("--aux", "aux_path", metavar="FILE", type=click.Path(dir_okay=False),
              help="Only the entries a LaTeX document cites: its .aux file (BibTeX or "
                   "biblatex run; \\@input chapters followed) or biblatex's .bcf. "
                   "\\nocite{*} means all. Old keys (key_aliases) resolve to their entry.")
@click.option("--allow-missing", is_flag=True,
              help="With --aux: export what the catalog has even when the document "
                   "cites keys it lacks (they are still listed on stderr).")
@filter_options
@click.option("--allow-empty", is_flag=True,
              help="When nothing is selected, write an empty export (exit 0) instead of "
                   "writing nothing (exit 1).")
@click.option("--dry-run", is_flag=True,
              help="Export as usual but write nothing: say what would be written, and "
                   "whether each file would change.")
@pass_catalog
def command(ctx: CatalogContext, fmt: str | None, output: str, all_dir: str | None,
            aux_path: str | None, allow_missing: bool, filters: Filters,
            allow_empty: bool, dry_run: bool) -> None:
    """Export entries (all, or those the filters select) for citing.

    With --aux, only the entries the document cites (and the filters allow);
    for BibTeX an entry cited by an old key is written under that key. Keys
    the catalog lacks are listed on stderr and, without --allow-missing, the
    exit status is 1 and nothing is written.

    \b
    Examples:
      ssl-bib export -f bibtex -o refs.bib
      ssl-bib export -f csljson --year 2021 > refs.json
      ssl-bib export -f biblatex --year 2019..2021 --venue MICCAI --venue MedIA
      ssl-bib export --all exports/
      ssl-bib export --aux main.aux -f biblatex -o refs.bib
    """
    if all_dir is None and fmt is None:
        raise click.UsageError("give a format with -f/--format, or --all DIR")
    if all_dir is not None and (fmt is not None or output != "-"):
        raise click.UsageError("--all DIR writes every format; it takes no -f or -o")
    if output == "" or all_dir == "":
        raise click.UsageError("an empty file or folder name; use -o - for standard output")
    # The cycle collector stays off from the load to the last file written:
    # reading, checking and writing make millions of objects and no cycles,
    # and a collector allowed back between the steps walks every one of them
    # (~55 ms of an export --all of 10,000 entries). Restored on the way out.
    with paused_gc():
        _export(ctx, fmt, output, all_dir, aux_path, allow_missing, filters, allow_empty,
                dry_run)


def _export(ctx: CatalogContext, fmt: str | None, output: str, all_dir: str | None,
            aux_path: str | None, allow_missing: bool, filters: Filters, allow_empty: bool,
            dry_run: bool) -> None:
    loaded = ctx.load()
    if allow_missing and aux_path is None:
        raise click.UsageError("--allow-missing goes with --aux FILE")
    entries = selected(loaded, filters)
    per_format = None
    if aux_path is not None:
        cited = _cited(loaded.catalog, Path(aux_path), entries, allow_missing)
        entries, per_format = cited.entries, cited.for_format
    refuse_invalid(loaded, entries, "nothing exported, nothing written")
    if not entries and not allow_empty:
        # selected() said why when filters were given; an empty catalog says it here.
        if not filters.active():
            click.echo(f"ssl-bib: {loaded.name} has no entries", err=True)
        fail("nothing exported, nothing written (--allow-empty writes an empty export)")
    _write(loaded, entries, fmt, output, all_dir, per_format, dry_run)


def _write(loaded: LoadedCatalog, entries: list[Entry], fmt: str | None, output: str,
           all_dir: str | None, per_format: Callable[[str], list[Entry]] | None,
           dry_run: bool) -> None:
    """The export written (or, for a dry run, what would be), with a bar on a
    terminal once the writers take more than a moment (10,000 entries in all
    four formats take seconds); one line and exit 2 or 1 on failure."""
    # Imported here: the codec stack is not needed for `ssl-bib --help`.
    from ..codecs.fields import ExportError
    from ..progress import Progress, quiet_delay

    bar = Progress(len(entries) * (len(FORMATS) if all_dir is not None else 1), "export",
                   delay=quiet_delay())
    if all_dir is not None:
        interrupts.watch(*(Path(all_dir) / f.filename for f in FORMATS.values()))
    else:
        interrupts.watch(output)
    try:
        if dry_run:
            with bar:
                _dry_run(loaded.catalog, entries, fmt, output, all_dir, per_format, bar.on_step)
            click.echo("dry run: nothing was written", err=True)
            return
        if all_dir is not None:
            with bar:
                paths = export_all(loaded.catalog, entries, Path(all_dir), per_format,
                                   on_entry=bar.on_step)
            for path in paths:
                click.echo(f"wrote {len(entries)} entries to {path}", err=True)
            return
        assert fmt is not None
        with bar:
            text = export(loaded.catalog, per_format(fmt) if per_format else entries, fmt,
                          bar.on_step)
        if output == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            from ..atomic import folder_made, write_output

            with folder_made(Path(output).parent):   # as --all makes its folder
                write_output(Path(output), text)
            click.echo(f"wrote {len(entries)} entries to {output}", err=True)
    except ExportError as exc:
        fail_input(export_failure(loaded, exc, "nothing written"))
    except OSError as exc:
        # Name the file the user gave, not a temporary file beside it.
        target = output
        if all_dir is not None:
            names = {f.filename for f in FORMATS.values()}
            target = exc.filename if Path(str(exc.filename)).name in names else all_dir
        fail(f"cannot write {target}: {exc.strerror or exc}"
             + ("; nothing written" if all_dir is not None else ""))


def _cited(catalog: Catalog, path: Path, allowed: list[Entry], allow_missing: bool) -> Cited:
    """The entries the document at `path` cites; missing keys listed on stderr
    (file:line of the first citation), and exit 1 unless allowed."""
    from ..auxfile import read_citations
    from ..citing import resolve

    try:
        citations = read_citations(path)
    except InputError as exc:
        fail_input(exc)
    cited = resolve(catalog, citations, allowed)
    for missing in cited.missing:
        click.echo(f"{missing.file}:{missing.line}: cited key {missing.key!r} is not in the "
                   "catalog", err=True)
    if cited.missing and not allow_missing:
        fail(f"{len(cited.missing)} cited key{'s' * (len(cited.missing) != 1)} not in the "
             "catalog; nothing written (--allow-missing exports the others)", 1)
    return cited


def _dry_run(catalog: Catalog, entries: list[Entry], fmt: str | None, output: str,
             all_dir: str | None, per_format: Callable[[str], list[Entry]] | None,
             on_entry: Callable[[], None] | None) -> None:
    """Every text is built (an entry a writer refuses fails the dry run as it
    would fail the export); nothing is written."""
    said = []
    targets = ([(f.name, Path(all_dir) / f.filename) for f in FORMATS.values()]
               if all_dir is not None else [(fmt or "", None if output == "-" else Path(output))])
    for name, path in targets:
        text = export(catalog, per_format(name) if per_format else entries, name, on_entry)
        if path is None:
            said.append(f"would write {len(entries)} entries to standard output")
            continue
        try:
            state = ("unchanged" if path.read_text(encoding="utf-8") == text
                     else "changed")
        except FileNotFoundError:
            state = "a new file"
        except (OSError, UnicodeDecodeError):
            state = "replacing what is there, which is no UTF-8 text file"
        said.append(f"would write {len(entries)} entries to {path} ({state})")
    for line in said:   # after the bar is gone
        click.echo(line, err=True)
