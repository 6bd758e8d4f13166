"""`ssl-bib render`: files generated from the catalog: `readme` (the awesome-list
README, here) and `site` (the static website, in render_site)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import click

from ..problems import InputError
from . import render_site
from .common import CatalogContext, fail, fail_input, pass_catalog, refuse_invalid


@click.group("render")
def command() -> None:
    """Generate files from the catalog."""


command.add_command(render_site.site)


@command.command("readme")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the README here. When the file exists and has the markers "
                   "<!-- ssl-bib:start --> / <!-- ssl-bib:end -->, only the part "
                   "between them is replaced; otherwise the whole file is written. "
                   "Default: print the whole README.")
@click.option("--check", "check_path", type=click.Path(dir_okay=False),
              help="Exit 1 and print a diff when this README is not what the catalog "
                   "renders; write nothing.")
@click.option("--dry-run", is_flag=True,
              help="With -o: print the diff of what would change in the file; write "
                   "nothing.")
@pass_catalog
def readme(ctx: CatalogContext, output: str | None, check_path: str | None,
           dry_run: bool) -> None:
    """The venue list and one table per year, newest first, rows in catalog order."""
    from .. import interrupts
    from ..codecs.readme import render as readme_render

    if output and check_path:
        raise click.UsageError("give -o or --check, not both")
    loaded = ctx.load()
    catalog = loaded.catalog
    refuse_invalid(loaded, catalog.entries,
                   "not compared" if check_path else "nothing written")
    if check_path:
        path = Path(check_path)
        # A README that is not there is a mistake in the command (a typo, the
        # wrong folder), not a README that differs: no diff, exit 2.
        if not path.exists():
            fail(f"{path}: no such file", 2)
        if not path.is_file():
            fail(f"{path}: not a file", 2)
        current = _read(path)
        wanted = readme_render.expected(current, catalog)
        if current == wanted:
            click.echo(f"{path}: up to date", err=True)
            return
        click.echo(_diff(path, current, wanted), nl=False)
        click.echo(f"{path}: not what the catalog renders; run "
                   f"`ssl-bib render readme -o {path}`", err=True)
        sys.exit(1)
    if output is None:
        if dry_run:
            click.echo("would print the README to standard output\n"
                       "dry run: nothing was written", err=True)
        else:
            click.echo(readme_render.render_readme(catalog), nl=False)
        return
    path = Path(output)
    current = _read(path)
    text = readme_render.expected(current, catalog)
    if dry_run:
        click.echo(_diff(path, current, text), nl=False)
        state = "unchanged" if current == text else "a new file" if current is None else "changed"
        click.echo(f"would write {path} ({state})\ndry run: nothing was written", err=True)
        return
    interrupts.watch(path)
    from ..atomic import folder_made, write_output  # only a README written needs it

    try:
        with folder_made(path.parent):
            write_output(path, text)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}", 2)
    click.echo(f"wrote {path}", err=True)


def _diff(path: Path, current: str | None, wanted: str) -> str:
    import difflib

    return "".join(difflib.unified_diff((current or "").splitlines(keepends=True),
                                        wanted.splitlines(keepends=True),
                                        fromfile=f"a/{path.name}", tofile=f"b/{path.name}"))


def _read(path: Path) -> str | None:
    """The file's text, None when it does not exist; unreadable -> exit 2.
    A file with one marker but not the other (or in the wrong order) is an
    error too: writing the whole file would drop the prose around them."""
    from ..codecs.readme.render import END, START

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None   # a pipe or device (/dev/stdout, /dev/full): nothing to keep; and
                          # reading /dev/zero or /dev/full would never end
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        fail_input(InputError(str(path), 0, "not UTF-8 text"))
    except OSError as exc:
        fail_input(InputError(str(path), 0, f"cannot read: {exc.strerror}"))
    start = text.find(START)
    end = text.find(END, start + len(START)) if start >= 0 else -1
    if (start >= 0 and end < 0) or (start < 0 and END in text):
        found = START if start >= 0 else END
        line = text[: text.find(found)].count("\n") + 1
        fail_input(InputError(str(path), line, f"{found} without its pair "
                              f"({START} ... {END}): nothing written"))
    return text
