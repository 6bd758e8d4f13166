"""`ssl-bib keys refresh|check`: the one way a citation key ever changes.

Keys are made once, when an entry is added. When the entry later gains what
the key formula reads (authors, a corrected year or title), `keys check` says
which keys the formula would now give differently and `keys refresh` gives
them, keeping each old key in the entry's `key_aliases` so that documents
citing it keep working (`show`, `export --key`, `--aux`, biblatex `ids`)."""

from __future__ import annotations

import sys

import click

from ..store import LoadedCatalog
from .common import CatalogContext, fail, force_write_option, pass_catalog
from .completion import complete_keys


@click.group("keys")
def command() -> None:
    """Check citation keys against settings.key_format, and refresh them."""


@command.command("refresh")
@click.argument("keys", nargs=-1, metavar="[KEY]...", shell_complete=complete_keys)
@click.option("--all", "everything", is_flag=True, help="Refresh every entry's key.")
@click.option("--dry-run", is_flag=True, help="Print old -> new; write nothing.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the changes as one JSON object instead of `old -> new` lines.")
@force_write_option
@pass_catalog
def refresh(ctx: CatalogContext, keys: tuple[str, ...], everything: bool, dry_run: bool,
            as_json: bool, force_write: bool) -> None:
    """Give the entries KEY... (or --all) the keys settings.key_format gives
    them now, and print `old -> new` for each. The old key stays with the entry
    as an alias (key_aliases). Entries whose key already follows the formula
    keep it."""
    if bool(keys) == everything:
        raise click.UsageError("name the entries to refresh (KEY...) or give --all, not both")
    # Locked from load to save, as every command that writes the catalog.
    with ctx.writing("ssl-bib keys refresh", force_write, dry_run=dry_run) as loaded:
        _refresh(loaded, keys, everything, dry_run, as_json)


def _refresh(loaded: LoadedCatalog, keys: tuple[str, ...], everything: bool,
             dry_run: bool, as_json: bool) -> None:
    from .. import store
    from ..keys import apply_refresh, plan_refresh
    from ..validate import check as validate

    _check_format(loaded)
    catalog = loaded.catalog
    errors = [p for p in validate(loaded) if p.severity == "error"]
    if errors:
        raise errors[0].as_error(f" (and {len(errors) - 1} more; `ssl-bib check` lists them); "
                                 "fix the catalog before refreshing keys")
    if everything:
        entries = list(catalog.entries)
    else:
        entries = []
        for key in keys:
            entry = catalog.find(key)
            if entry is None:
                fail(f"{loaded.name}: no entry with key {key!r} (see `ssl-bib list`)", 2)
            entries.append(entry)
    changes = plan_refresh(catalog, entries)
    unchanged = len({id(e) for e in entries}) - len(changes)
    if as_json:
        _echo_json({"changes": [{"old": c.old, "new": c.new} for c in changes],
                    "unchanged": unchanged, "written": bool(changes) and not dry_run,
                    "dry_run": dry_run})
    for change in [] if as_json else changes:
        click.echo(f"{change.old} -> {change.new}")
    summary = (f"keys: {len(changes)} changed, {unchanged} already follow "
               f"{catalog.settings.key_format!r}")
    if dry_run or not changes:
        click.echo(summary + ("; dry run: nothing was written" if dry_run and changes else ""),
                   err=True)
        return
    apply_refresh(changes)
    try:
        store.save(loaded)
    except OSError as exc:
        fail(f"cannot write {loaded.path}: {exc.strerror or exc}; nothing was written", 1)
    click.echo(f"{summary}; wrote {loaded.path} (old keys kept in key_aliases)", err=True)


@command.command("check")
@click.option("--json", "as_json", is_flag=True,
              help="Print the keys that differ as one JSON object.")
@pass_catalog
def check(ctx: CatalogContext, as_json: bool) -> None:
    """List the keys that differ from what settings.key_format gives now
    (exit 1 when there are any). `ssl-bib keys refresh KEY` changes one."""
    from ..keys import follows_format, plan_refresh

    loaded = _load(ctx)
    catalog = loaded.catalog
    stale = [e for e in catalog.entries if not follows_format(e, catalog.settings.key_format)]
    changes = {id(c.entry): c.new for c in plan_refresh(catalog, stale)}
    differing = [(e, changes[id(e)]) for e in stale if id(e) in changes]
    if as_json:
        _echo_json({"file": str(loaded.path), "entries": len(catalog.entries),
                    "key_format": catalog.settings.key_format,
                    "differ": [{"key": e.key, "line": loaded.line_of(e, "key"), "formula": new}
                               for e, new in differing]})
    for entry, new in [] if as_json else differing:
        click.echo(f"{loaded.name}:{loaded.line_of(entry, 'key')}: entry {entry.key}: the key "
                   f"formula gives {new} (ssl-bib keys refresh {entry.key})")
    count = len(changes)
    click.echo(f"{loaded.name}: {count} of {len(catalog.entries)} keys differ from "
               f"{catalog.settings.key_format!r}", err=True)
    sys.exit(1 if count else 0)


def _echo_json(report: dict[str, object]) -> None:
    import json

    click.echo(json.dumps(report, indent=2, ensure_ascii=False))


def _load(ctx: CatalogContext) -> LoadedCatalog:
    """The catalog, with a key formula keys can be made by (else exit 2)."""
    loaded = ctx.load()
    _check_format(loaded)
    return loaded


def _check_format(loaded: LoadedCatalog) -> None:
    from ..keys import KeyFormatError, validate_format

    try:
        validate_format(loaded.catalog.settings.key_format)
    except KeyFormatError as exc:
        fail(f"{loaded.name}: settings.key_format: {exc}", 2)
