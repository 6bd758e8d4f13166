"""`ssl-bib zotero status|pull|push|sync`: two-way sync with a Zotero group."""

from __future__ import annotations

import shlex
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast

import click

from ..service_settings import ZOTERO_URL as DEFAULT_URL
from .common import CatalogContext, fail, force_write_option, pass_catalog
from .services import max_wait_option, url_option

if TYPE_CHECKING:  # the store and the Zotero stack load when a command runs
    from ..api import SyncMode
    from ..merge import Prefer
    from ..store import LoadedCatalog

F = TypeVar("F", bound=Callable[..., Any])


def sync_options(func: F) -> F:
    options = [
        click.option("--group", type=click.IntRange(min=1), metavar="ID",
                     help="The Zotero group id (default: settings.zotero_group)."),
        click.option("--zotero-url", envvar="SSL_BIB_ZOTERO_URL", default=DEFAULT_URL,
                     show_default=True, metavar="URL", callback=url_option,
                     help="The Zotero Web API (env SSL_BIB_ZOTERO_URL)."),
        click.option("--dry-run", is_flag=True, help="Show what would change; change nothing."),
        click.option("--prefer", type=click.Choice(["local", "remote"]),
                     help="Resolve conflicting fields with this side's value."),
        click.option("--api-key-file", type=click.Path(dir_okay=False, exists=True),
                     metavar="FILE", help="Read the API key from FILE "
                     "(default: env ZOTERO_API_KEY)."),
        click.option("--json", "as_json", is_flag=True,
                     help="Print the changes, conflicts and notes as one JSON object."),
        click.option("--reset-state", is_flag=True,
                     help="Forget the saved sync state and sync afresh: needed after the "
                          "group was restored from a backup (its library version went "
                          "back); fields that differ are reported as conflicts."),
        max_wait_option,
        force_write_option,
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group("zotero")
def command() -> None:
    """Two-way sync between the catalog and a Zotero group library.

    The API key comes from ZOTERO_API_KEY (or --api-key-file), never from the
    catalog; the group from --group or the catalog's settings.zotero_group.
    `serve-local` runs a Zotero of your own on 127.0.0.1 to try it all with.
    The sync state is kept beside the catalog in .ssl-bib-zotero-GROUP.json
    (.ssl-bib-zotero-GROUP-NAME.json for a catalog not named entries.toml).
    """


def _make(mode: str, help_text: str) -> None:
    @command.command(mode, help=help_text)
    @sync_options
    @pass_catalog
    def run(ctx: CatalogContext, group: int | None, zotero_url: str, dry_run: bool,
            prefer: str | None, api_key_file: str | None, as_json: bool, reset_state: bool,
            max_wait_s: float | None, force_write: bool) -> None:
        # status only reads; the others write the catalog, under its lock.
        read_only = dry_run or mode == "status"
        if mode == "pull" and not ctx.path.exists() and not ctx.path.parent.is_dir():
            fail(f"{ctx.path}: no such folder for a new catalog", 2)
        if mode != "pull" and not ctx.path.exists() and not ctx.path.is_symlink():
            _no_catalog_yet(ctx, group)
        with ctx.writing(f"ssl-bib zotero {mode}", force_write or mode == "status",
                         dry_run=read_only, bootstrap=mode == "pull") as loaded:
            _run(loaded, mode, group, zotero_url, dry_run, prefer, api_key_file, reset_state,
                 max_wait_s, as_json)


def _no_catalog_yet(ctx: CatalogContext, group: int | None) -> NoReturn:
    """status, push and sync need a catalog; only pull starts one from the group."""
    catalog = "" if ctx.path == Path("entries.toml") else f"--catalog {shlex.quote(str(ctx.path))} "
    where = f" --group {group}" if group is not None else ""
    fail(f"{ctx.path}: no such catalog file; run `ssl-bib {catalog}zotero pull{where}` "
         "first to start one from the group (or give --catalog PATH)", 2)


_make("status", "Show what sync would do: new, changed, deleted on each side, and "
                "conflicts field by field. Changes nothing.")
_make("pull", "Bring Zotero's changes into the catalog (new items become entries).")
_make("push", "Send the catalog's changes to Zotero (removed entries go to its trash).")
_make("sync", "Pull and push: afterwards both sides agree, except for conflicts.")


@command.command("serve-local")
@click.option("--dir", "folder", required=True, metavar="DIR",
              type=click.Path(file_okay=False, writable=True),
              help="The folder that keeps the group (made when missing): its API key in "
                   "DIR/api-key, each item in DIR/items/KEY.json.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
              metavar="N",
              help="The port on 127.0.0.1 (0: any free one).")
@click.option("--group", type=click.IntRange(min=1), metavar="ID",
              help="The group id of a new folder (default 1).")
def serve_local(folder: str, port: int, group: int | None) -> None:
    """Run a local Zotero (the Web API v3) with one group, to try sync
    without a zotero.org account.

    It listens on 127.0.0.1 only and keeps its group in DIR, so it outlives
    the server: push, edit and sync against it across restarts. An item's
    file in DIR/items edited by hand is an edit made in Zotero by someone
    else. Ctrl-C stops it."""
    from ..zotero.localserver import FolderStore, HttpServer, LocalZotero

    def say(line: str) -> None:
        click.echo(f"ssl-bib zotero serve-local: {line}", err=True)

    # A folder that cannot hold a group: FolderError, one line and exit 2 (the group's).
    store, _key = FolderStore.open(Path(folder), group, say, LocalZotero(keep_log=False))
    try:
        server = HttpServer(store.api, port=port)
    except OSError as exc:
        fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}; give another --port "
             "(0: any free one)", 1)
    key_file = Path(folder) / "api-key"
    click.echo(f"Local Zotero at {server.url}: group {store.library.group}, its API key in "
               f"{key_file}, its items in {Path(folder) / 'items'}; Ctrl-C stops it")
    sys.stdout.flush()

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt  # SIGTERM (a service manager, `kill`) stops it as Ctrl-C does

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    say("stopped")


def _run(loaded: LoadedCatalog, mode: str, group: int | None, url: str, dry_run: bool,
         prefer: str | None, api_key_file: str | None, reset_state: bool,
         max_wait_s: float | None, as_json: bool = False) -> None:
    from .. import api, interrupts
    from ..progress import Bars
    from ..zotero.client import ZoteroError
    from ..zotero.state import state_path

    known_group = group or loaded.catalog.settings.zotero_group
    if known_group is not None:
        interrupts.watch(state_path(loaded.path, known_group))
    with Bars() as bars:
        try:
            report = api.sync(loaded, cast("SyncMode", mode), group=group,
                              api_key_file=api_key_file, zotero_url=url, dry_run=dry_run,
                              prefer=cast("Prefer", prefer), reset_state=reset_state,
                              max_wait=max_wait_s, progress=bars.update)
        except KeyboardInterrupt:
            raise interrupts.Interrupted(_sent_before(mode, dry_run)) from None
        except ZoteroError as exc:
            fail(f"{exc}; nothing more was changed", 1)
        except OSError as exc:  # writing the catalog or the state file
            fail(f"{exc.filename or loaded.path}: cannot write: {exc.strerror}; nothing more "
                 "was changed", 1)
    # api.sync scrubbed the key out of every text of the report.
    if as_json:
        import json

        from ..jsonview import zotero_to_json

        click.echo(json.dumps(zotero_to_json(report), indent=2, ensure_ascii=False))
    for line in [] if as_json else report.lines():
        click.echo(line)
    click.echo(report.summary(), err=True)
    unresolved = report.failures or (report.conflicts and prefer is None)
    sys.exit(1 if unresolved and mode != "status" else 0)


def _sent_before(mode: str, dry_run: bool) -> str:
    """What an interrupted run may have left in Zotero. Creates carry keys the
    catalog saved first and `version: 0`, updates their item's version, and
    the state is saved last: so a later sync takes what reached Zotero as
    already agreed, and sends the rest (zotero/sync.py)."""
    if mode in ("status", "pull") or dry_run:
        return "nothing was sent to Zotero"
    return (f"Zotero may already hold some of this {mode}'s changes; run it again to "
            "send the rest (nothing is duplicated)")
