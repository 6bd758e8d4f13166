"""`ssl-bib import FILE...`: bring papers from BibTeX, biblatex, RIS, CSL-JSON
or an awesome-list README into the catalog."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..problems import InputError
from ..progress import Stages

if TYPE_CHECKING:
    from ..importer import Format
    from ..store import LoadedCatalog
from .common import CatalogContext, fail, fail_input, force_option, pass_catalog

_FORMAT_CHOICES = ["auto", "bibtex", "biblatex", "ris", "csljson", "markdown"]


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(_FORMAT_CHOICES), default="auto",
              show_default=True, help="Input format; auto = from the extension and content.")
@click.option("--dry-run", is_flag=True,
              help="Print what would change as a diff of the catalog; write nothing.")
@click.option("--on-duplicate", type=click.Choice(["merge", "skip", "add"]), default="merge",
              show_default=True,
              help="A paper already in the catalog: fill its empty fields (merge), leave it "
                   "(skip), or add it again as a new entry (add).")
@click.option("--keep-keys", is_flag=True,
              help="Keep the input's citation keys (BibTeX keys, CSL ids) for new entries "
                   "when they are valid and free, instead of the catalog's key rule.")
@click.option("--keep-going", is_flag=True,
              help="Import what could be read even when some records are malformed.")
@click.option("-v", "--verbose", is_flag=True, help="Also list every added and merged entry.")
@force_option
@pass_catalog
def command(ctx: CatalogContext, files: tuple[str, ...], fmt: str, dry_run: bool,
            on_duplicate: str, keep_keys: bool, keep_going: bool, verbose: bool,
            force: bool) -> None:
    """Import papers from FILE... (BibTeX, biblatex, RIS, CSL-JSON, awesome-list
    README) into the catalog.

    Papers already in the catalog (same DOI, arXiv id, title or link) are merged:
    empty fields are filled, differing values are reported as conflicts and left
    alone. Near-identical titles are reported as probable duplicates and not
    added. A catalog path that does not exist yet is created, with the venues and
    categories the input names. Exit 0 on success, 1 when nothing could be
    imported because of conflicts in the catalog itself, 2 on malformed input
    (nothing is written).
    """
    from .. import importer

    inputs: list[tuple[str, str, importer.Format]] = []
    try:
        for name in files:
            path = Path(name)
            text = importer.read_text(path)
            chosen = importer.detect_format(path, text) if fmt == "auto" else fmt
            inputs.append((path.name, text, chosen))  # type: ignore[arg-type]
    except InputError as exc:
        fail_input(exc)
    with ctx.writing("ssl-bib import", force, dry_run=dry_run, bootstrap=True) as loaded:
        _import(loaded, inputs, dry_run, on_duplicate, keep_keys, keep_going, verbose)


def _import(loaded: LoadedCatalog, inputs: list[tuple[str, str, Format]], dry_run: bool,
            on_duplicate: str, keep_keys: bool, keep_going: bool, verbose: bool) -> None:
    from .. import importer, store, validate

    bootstrap = loaded.disk is None
    # A live line per stage on a terminal (a 50 MB file takes a minute), none when piped.
    with Stages() as stages:
        outcome = importer.import_texts(
            loaded.catalog, inputs, on_duplicate=on_duplicate,  # type: ignore[arg-type]
            keep_keys=keep_keys, bootstrap=bootstrap, stages=stages.start)
        touched = {e.key for e in outcome.added} | {e.key for e, _ in outcome.merged}
        stages.start(f"checking {loaded.name}", 1)
        invalid = [p for p in validate.check(loaded)
                   if p.severity == "error" and p.key in touched]
    for problem in outcome.problems:
        click.echo(problem.format(), err=True)
    for conflict in outcome.conflicts:
        click.echo(f"conflict: entry {conflict.key}: {conflict.field}: catalog has "
                   f"{_short(conflict.ours)}, {conflict.source} has {_short(conflict.theirs)}",
                   err=True)
    if verbose:
        for entry in outcome.added:
            click.echo(f"added {entry.key}: {entry.title}")
        for entry, fields in outcome.merged:
            click.echo(f"merged {entry.key}: {', '.join(fields)}")
    if invalid:
        # A safety net: the importer should never produce these.
        for problem in invalid:
            click.echo(problem.format(), err=True)
        click.echo("ssl-bib: the imported entries would not be valid (see above): nothing "
                   "was written", err=True)
        sys.exit(1)
    errors = outcome.errors
    wrote = False
    try:
        while True:
            try:
                with Stages() as stages:
                    stages.start(f"writing {loaded.name}", 1)
                    if dry_run or (errors and not keep_going):
                        text = store.diff(loaded)      # renders everything: finds every bad one
                    else:
                        wrote = store.save(loaded)
                break
            except store.EntryUnwritable as exc:
                # One record the catalog cannot hold: dropped, the others kept.
                click.echo(f"{exc.source or loaded.name}: error: entry {exc.key}: cannot be "
                           f"stored: {exc.detail}; not imported", err=True)
                store.revert(loaded, exc.key)
                outcome.drop(exc.key)
                errors += 1
    except InputError as exc:
        fail_input(exc)
    except OSError as exc:
        # e.g. a new catalog path in a folder that does not exist.
        fail(f"cannot write {loaded.path}: {exc.strerror or exc}; nothing was written", 2)
    click.echo(outcome.summary(), err=True)
    if errors and not keep_going:
        click.echo(f"ssl-bib: {errors} malformed record"
                   f"{'s' * (errors != 1)} (see above): nothing was written; fix "
                   "them or give --keep-going", err=True)
        sys.exit(2)
    if dry_run:
        click.echo(text, nl=False)
        click.echo("dry run: nothing was written", err=True)
    elif wrote:
        click.echo(f"wrote {loaded.path}", err=True)


def _short(value: object, limit: int = 90) -> str:
    """A conflicting value on one line, cut short: notes and abstracts are long."""
    if isinstance(value, list):
        text = "[" + "; ".join(getattr(v, "display", lambda v=v: str(v))() for v in value) + "]"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
