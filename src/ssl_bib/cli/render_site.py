"""`ssl-bib render site`: write (or check) the static website of the list."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

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

if TYPE_CHECKING:  # `render readme` loads this module too, and needs no filters
    from ..model import Entry
    from ..select import Filters
    from ..site.build import SiteBuild
    from ..store import LoadedCatalog

DEFAULT_TITLE = "Awesome Self-Supervised Learning in Medical Imaging"


def _base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from ..site.links import web_url

    if value is not None and web_url(value) is None:
        raise click.BadParameter(f"{value!r} is not an http(s) URL")
    return value


@click.command("site")
@click.option("-o", "--output", metavar="DIR", type=click.Path(file_okay=False),
              help="Write the site into DIR (default: _site). Files there that are not the "
                   "site's own (a CNAME, say) are left alone.")
@click.option("--check", "check_dir", metavar="DIR", type=click.Path(),
              help="Exit 1 and name the files that differ when DIR is not what the catalog "
                   "renders; write nothing.")
@click.option("--title", default=DEFAULT_TITLE, show_default=True, help="The page's title.")
@click.option("--base-url", metavar="URL", callback=_base_url,
              help="Where the site is published (e.g. https://USER.github.io/REPO/); "
                   "written as the page's canonical link. The site itself uses relative "
                   "links only, so it works from any folder or sub-path.")
@click.option("--dry-run", is_flag=True,
              help="Render, and name the files that would be written or removed; write "
                   "nothing.")
@filter_options
@pass_catalog
def site(ctx: CatalogContext, output: str | None, check_dir: str | None, title: str,
         base_url: str | None, dry_run: bool, filters: Filters) -> None:
    """A static site of the list: search, filters and citations in the page.

    \b
    Examples:
      ssl-bib render site -o _site
      ssl-bib render site --check docs/site
      ssl-bib render site -o contrastive --category Contrastive --title "Contrastive SSL"
    """
    from .. import interrupts
    from ..site import output as site_output

    if output and check_dir:
        raise click.UsageError("give -o or --check, not both")
    if check_dir is not None and not Path(check_dir).is_dir():
        what = "not a folder" if Path(check_dir).exists() else "no such folder"
        fail(f"{check_dir}: {what}", 2)
    loaded = ctx.load()
    entries = selected(loaded, filters)
    # A paper the catalog lost while reading would be missing without a word:
    # stop. One `check` finds an error in is shown without a citation, as
    # `export` refuses it, with a warning (below).
    refuse_invalid(loaded, entries, "nothing written" if check_dir is None else "not compared",
                   entry_checks=False)
    built = _build(loaded, entries, title, base_url)
    if check_dir is not None:
        folder = Path(check_dir)
        diff = site_output.compare(built.files, folder)
        if not diff:
            click.echo(f"{folder}: up to date", err=True)
            return
        click.echo(f"{folder}: not what the catalog renders ({diff.summary()}); run "
                   f"`ssl-bib render site -o {folder}`", err=True)
        sys.exit(1)

    folder = Path(output or "_site")
    if dry_run:
        diff = (site_output.compare(built.files, folder) if folder.is_dir()
                else site_output.SiteDiff(missing=sorted(built.files)))
        state = f"would write {folder}: {diff.summary()}" if diff else f"{folder}: unchanged"
        click.echo(f"{state}\ndry run: nothing was written", err=True)
        return
    interrupts.watch(*(folder / name for name in built.files))
    if folder.is_dir():
        interrupts.watch(*(folder / name for name in site_output.owned_files(folder)))
    try:
        diff = site_output.write(built.files, folder)
    except OSError as exc:
        fail(f"cannot write {exc.filename or folder}: {exc.strerror or exc}", 1)
    size = sum(len(content) for content in built.files.values())
    state = (f"{len(diff.changed) + len(diff.missing)} files written, "
             f"{len(diff.extra)} removed" if diff else "unchanged")
    click.echo(f"wrote {folder}/index.html: {len(entries)} papers, {len(built.files)} files, "
               f"{size / 1024:.0f} KB ({state})", err=True)


def _build(loaded: LoadedCatalog, entries: list[Entry], title: str,
           base_url: str | None) -> SiteBuild:
    """The site's files, each entry `check` finds an error in shown without
    a citation and said as a warning; exit 2 for one that cannot be written."""
    from ..codecs.fields import ExportError
    from ..progress import Progress
    from ..site.build import build_site
    from ..validate import output_errors

    uncitable: dict[str, str] = {}
    for problem in output_errors(loaded, entries):
        if problem.key is not None:
            uncitable.setdefault(problem.key, problem.message)
    try:
        with Progress(len(entries), "render site") as progress:
            built = build_site(loaded.catalog, entries, title=title, base_url=base_url,
                               on_cited=progress.advance, uncitable=uncitable)
    except ExportError as exc:
        fail_input(export_failure(loaded, exc, "nothing written"))
    for entry, message in built.warnings:
        click.echo(f"ssl-bib: {loaded.name}:{loaded.line_of(entry)}: entry {entry.key}: "
                   f"warning: {message}", err=True)
    return built
