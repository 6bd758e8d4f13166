"""`ssl-bib import FILE...`: bring papers from BibTeX, biblatex, RIS, CSL-JSON
or an awesome-list README into the catalog."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from ..codecs import registry
from ..progress import Stages, quiet_delay
from .common import CatalogContext, fail, force_write_option, pass_catalog

if TYPE_CHECKING:
    from ..api import Input
    from ..importer import Outcome
    from ..store import LoadedCatalog

_FORMAT_CHOICES = ["auto", *registry.readers()]


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
@click.option("--json", "as_json", is_flag=True,
              help="Print the outcome as one JSON object (added, merged, conflicts, problems, "
                   "the dry run's diff).")
@force_write_option
@pass_catalog
def command(ctx: CatalogContext, files: tuple[str, ...], fmt: str, dry_run: bool,
            on_duplicate: str, keep_keys: bool, keep_going: bool, verbose: bool,
            as_json: bool, force_write: bool) -> None:
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
    from .. import api

    inputs = api.read_inputs(files, fmt)
    with ctx.writing("ssl-bib import", force_write, dry_run=dry_run, bootstrap=True) as loaded:
        # A live line per stage on a terminal (a 50 MB file takes a minute), none
        # when piped, nor for an import done within about a second.
        stages = Stages(delay=quiet_delay())
        outcome = _import(loaded, inputs, stages, on_duplicate, keep_keys, verbose and not as_json)
        _write(loaded, outcome, stages, dry_run, keep_going, as_json)


def _import(loaded: LoadedCatalog, inputs: list[Input], stages: Stages, on_duplicate: str,
            keep_keys: bool, verbose: bool) -> Outcome:
    """Import into the catalog in memory and say what happened; exit 1 when
    the result would not pass `check`, 2 when no input held a record."""
    from .. import api

    invalid = []
    with stages:
        try:
            outcome = api.import_inputs(loaded, inputs, stages=stages.start,
                                        on_duplicate=on_duplicate,  # type: ignore[arg-type]
                                        keep_keys=keep_keys)
        except api.InvalidImport as exc:
            outcome, invalid = exc.outcome, exc.problems
    for problem in outcome.problems:
        click.echo(problem.format(), err=True)
    for file, fmt in outcome.empty:
        # A file with nothing to import is almost surely the wrong file
        # (pyproject.toml, a README without a list): never "added 0".
        click.echo(f"{file}: error: no references found in {file} (read as {fmt})", err=True)
    for conflict in outcome.conflicts:
        click.echo(f"conflict: {conflict.describe()}", err=True)
    if verbose:
        for entry in outcome.added:
            click.echo(f"added {entry.key}: {entry.title}")
        for entry, fields in outcome.merged:
            click.echo(f"merged {entry.key}: {', '.join(fields)}")
    if invalid:
        # A safety net: the importer should never produce these.
        for problem in invalid:
            click.echo(problem.format(), err=True)
        fail("the imported entries would not be valid (see above): nothing was written", 1)
    if len(outcome.empty) == len(inputs):
        fail("no references found: nothing was written", 2)
    return outcome


def _write(loaded: LoadedCatalog, outcome: Outcome, stages: Stages, dry_run: bool,
           keep_going: bool, as_json: bool) -> None:
    """Save (or, for a dry run or malformed records without --keep-going,
    show the diff), each record the catalog cannot hold dropped and said."""
    from .. import store

    errors = outcome.errors
    text, wrote = "", False
    try:
        with stages:
            stages.start(f"writing {loaded.name}", 1)
            if dry_run or (errors and not keep_going):
                # Renders everything: finds every record that cannot be stored.
                text, dropped = store.keep_storable(loaded, lambda: store.diff(loaded))
            elif loaded.nothing_to_save():
                dropped = []  # every paper known, nothing filled: the file stays
            else:
                wrote, dropped = store.keep_storable(loaded, lambda: store.save(loaded))
    except OSError as exc:
        # e.g. a new catalog path in a folder that does not exist.
        fail(f"cannot write {loaded.path}: {exc.strerror or exc}; nothing was written", 2)
    for unstorable in dropped:
        # One record the catalog cannot hold: dropped, the others kept.
        click.echo(f"{unstorable.source or loaded.name}: error: entry {unstorable.key}: "
                   f"cannot be stored: {unstorable.detail}; not imported", err=True)
        outcome.drop(unstorable.key)
        errors += 1
    click.echo(outcome.summary(), err=True)
    if as_json:
        from ..jsonview import import_to_json

        click.echo(json.dumps(import_to_json(outcome, wrote, text if dry_run else None),
                              indent=2, ensure_ascii=False))
    if errors and not keep_going:
        click.echo(f"ssl-bib: {errors} error{'s' * (errors != 1)} (see above): nothing was "
                   "written; fix them or give --keep-going", err=True)
        sys.exit(2)
    if dry_run:
        if not as_json:
            click.echo(text, nl=False)
        click.echo("dry run: nothing was written", err=True)
    elif wrote:
        click.echo(f"wrote {loaded.path}", err=True)
