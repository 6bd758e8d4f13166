"""`ssl-bib show KEY`: one entry in full."""

from __future__ import annotations

import click

from .common import CatalogContext, fail, pass_catalog
from .completion import complete_keys


@click.command("show")
@click.argument("key", shell_complete=complete_keys)
@click.option("--json", "as_json", is_flag=True, help="Print the entry as a JSON object.")
@pass_catalog
def command(ctx: CatalogContext, key: str, as_json: bool) -> None:
    """Show one entry in full, with the line it is on."""
    from ..jsonview import entry_to_json

    loaded = ctx.load()
    entry = loaded.catalog.find(key)
    if entry is None:
        fail(f"{loaded.name}: no entry with key {key!r} (see `ssl-bib list`)", 2)
        return
    if entry.key.casefold() != key.casefold():
        click.echo(f"ssl-bib: {key} is an old key of {entry.key} (key_aliases)", err=True)
    data = entry_to_json(entry, loaded.catalog)
    if as_json:
        import json

        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{loaded.name}:{loaded.line_of(entry)}")
    for name, value in data.items():
        if value in (None, [], {}):
            continue
        if name == "code":
            value = ", ".join(f"{c['label']}: {c['url']}" for c in value)
        elif name == "provenance":
            value = "; ".join(f"{k} from {v}" for k, v in sorted(value.items()))
        elif isinstance(value, list):
            value = "; ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "; ".join(f"{k}: {v}" for k, v in value.items())
        click.echo(f"{name:>15}: {value}")
