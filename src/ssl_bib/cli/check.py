"""`ssl-bib check`: validate the catalog."""

from __future__ import annotations

import sys

import click

from .common import CatalogContext, pass_catalog


@click.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
@click.option("--strict", is_flag=True,
              help="Also fail on every entry not ready to cite: no authors; no DOI, arXiv "
                   "id or stable URL; unresolved doubts; a venue without a full name.")
@pass_catalog
def command(ctx: CatalogContext, as_json: bool, strict: bool) -> None:
    """Validate the catalog: types, venues, categories, identifiers, duplicates.

    Exit 0 when there is no error (warnings are printed), 1 when there are
    errors, 2 when the file cannot be read or parsed. With --strict, an entry
    that is not ready to cite is an error too (a list's CI can gate on it).
    """
    from ..validate import check

    loaded = ctx.load()
    problems = check(loaded)
    if strict:
        from ..readiness import not_ready

        problems = sorted(problems + not_ready(loaded), key=lambda p: (p.line, p.severity))
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
