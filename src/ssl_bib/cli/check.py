"""`ssl-bib check`: validate the catalog."""

from __future__ import annotations

import sys

import click

from .common import CatalogContext, pass_catalog


@click.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@pass_catalog
def command(ctx: CatalogContext, as_json: bool) -> None:
    """Validate the catalog: types, venues, categories, identifiers, duplicates.

    Exit 0 when there is no error (warnings are printed), 1 when there are
    errors, 2 when the file cannot be read or parsed.
    """
    from ..validate import check

    loaded = ctx.load()
    problems = check(loaded)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if as_json:
        import json

        click.echo(json.dumps({"file": str(loaded.path), "entries": len(loaded.catalog.entries),
                               "errors": errors, "warnings": warnings,
                               "problems": [p.as_dict() for p in problems]}, indent=2))
    else:
        # One write: click.echo per line cost more than the check on big catalogs.
        sys.stdout.write("".join(f"{problem.format()}\n" for problem in problems))
        sys.stdout.flush()
        click.echo(f"{loaded.name}: {len(loaded.catalog.entries)} entries, "
                   f"{errors} error{'s' * (errors != 1)}, "
                   f"{warnings} warning{'s' * (warnings != 1)}", err=True)
    sys.exit(1 if errors else 0)
