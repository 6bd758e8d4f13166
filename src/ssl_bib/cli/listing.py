"""`ssl-bib list`: the entries, as a table or JSON."""

from __future__ import annotations

import click

from ..select import Filters
from .common import (
    CatalogContext,
    filter_options,
    is_terminal,
    pass_catalog,
    selected,
)


@click.command("list")
@filter_options
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON array of entry objects (the catalog's field names).")
@pass_catalog
def command(ctx: CatalogContext, filters: Filters, as_json: bool) -> None:
    """List entries, optionally filtered.

    \b
    Examples:
      ssl-bib list --year 2019..2021 --venue MICCAI --venue MedIA
      ssl-bib list --search "zongwei zhou" --json
    """
    loaded = ctx.load()
    entries = selected(loaded, filters)
    if as_json:
        from ..gcpause import paused_gc
        from ..json_out import dumps_line_bytes
        from ..jsonview import entry_to_json
        from .output import write_utf8

        # A dict per entry and no cycles: with the collector on, its passes
        # walk the whole loaded catalog again and again as the list grows.
        with paused_gc():
            data = dumps_line_bytes([entry_to_json(e, loaded.catalog) for e in entries])
        # Not click.echo, which would scan megabytes of text for ANSI codes.
        write_utf8(data)
        return
    rows = [(e.key, str(e.year), e.venue or "", e.title) for e in entries]
    if not is_terminal():
        # Piped: tab-separated, one entry a line, for cut/awk/grep.
        for row in rows:
            click.echo("\t".join(row))
        return
    import shutil  # only a terminal's table needs it (with bz2, lzma, zlib: 2.5 ms)

    width = shutil.get_terminal_size((120, 24)).columns
    key_w = max([3, *(len(r[0]) for r in rows)])
    venue_w = max([5, *(len(r[2]) for r in rows)])
    title_w = max(20, width - key_w - venue_w - 10)
    click.echo(click.style(f"{'KEY':<{key_w}}  YEAR  {'VENUE':<{venue_w}}  TITLE", bold=True))
    for key, yr, ven, title in rows:
        if len(title) > title_w:
            title = title[: title_w - 1] + "…"
        click.echo(f"{key:<{key_w}}  {yr:<4}  {ven:<{venue_w}}  {title}")
    if rows:
        click.echo(f"{len(rows)} entries", err=True)
