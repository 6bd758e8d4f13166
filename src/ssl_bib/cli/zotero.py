"""`ssl-bib zotero status|pull|push|sync`: two-way sync with a Zotero group."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from ..store import LoadedCatalog
from ..zotero.client import DEFAULT_URL  # light: httpx2 is imported on first use
from .common import CatalogContext, fail, fail_input, force_option, pass_catalog
from .services import env_seconds, max_wait, max_wait_option

F = TypeVar("F", bound=Callable[..., Any])


def _check_url(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """An http(s) URL with a host, checked before any request: a malformed one
    is bad usage, not a network failure to retry."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{value!r} is not an http:// or https:// URL with a host")
    try:
        parts.hostname.encode("idna")
    except UnicodeError:
        raise click.BadParameter(f"{value!r} has a malformed host name") from None
    return value


def sync_options(func: F) -> F:
    options = [
        click.option("--group", type=click.IntRange(min=1), metavar="ID",
                     help="The Zotero group id (default: settings.zotero_group)."),
        click.option("--zotero-url", envvar="SSL_BIB_ZOTERO_URL", default=DEFAULT_URL,
                     show_default=True, metavar="URL", callback=_check_url,
                     help="The Zotero Web API (env SSL_BIB_ZOTERO_URL)."),
        click.option("--dry-run", is_flag=True, help="Show what would change; change nothing."),
        click.option("--prefer", type=click.Choice(["local", "remote"]),
                     help="Resolve conflicting fields with this side's value."),
        click.option("--api-key-file", type=click.Path(dir_okay=False, exists=True),
                     metavar="FILE", help="Read the API key from FILE "
                     "(default: env ZOTERO_API_KEY)."),
        click.option("--reset-state", is_flag=True,
                     help="Forget the saved sync state and sync afresh: needed after the "
                          "group was restored from a backup (its library version went "
                          "back); fields that differ are reported as conflicts."),
        max_wait_option,
        force_option,
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
            prefer: str | None, api_key_file: str | None, reset_state: bool,
            max_wait_s: float | None, force: bool) -> None:
        # status only reads; the others write the catalog, under its lock.
        read_only = dry_run or mode == "status"
        if mode == "pull" and not ctx.path.exists() and not ctx.path.parent.is_dir():
            fail(f"{ctx.path}: no such folder for a new catalog", 2)
        with ctx.writing(f"ssl-bib zotero {mode}", force or mode == "status", dry_run=read_only,
                         bootstrap=mode == "pull") as loaded:
            _run(loaded, mode, group, zotero_url, dry_run, prefer, api_key_file, reset_state,
                 max_wait_s)


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
    from ..zotero.localserver import FolderError, FolderStore, HttpServer, LocalZotero

    def say(line: str) -> None:
        click.echo(f"ssl-bib zotero serve-local: {line}", err=True)

    try:
        store, _key = FolderStore.open(Path(folder), group, say, LocalZotero(keep_log=False))
    except FolderError as exc:
        fail(str(exc), 2)
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


def _api_key(api_key_file: str | None) -> str:
    if api_key_file:
        try:
            key = Path(api_key_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"{api_key_file}: cannot read the API key file: {exc.__class__.__name__}", 2)
        if not key:
            fail(f"{api_key_file}: the API key file is empty", 2)
        return _checked_key(key, api_key_file)
    key = os.environ.get("ZOTERO_API_KEY", "").strip()
    if not key:
        fail("no Zotero API key: set ZOTERO_API_KEY or give --api-key-file", 2)
    return _checked_key(key, "ZOTERO_API_KEY")


def _checked_key(key: str, source: str) -> str:
    """Zotero keys are letters and digits. Anything else cannot go in a header
    and would come back inside an HTTP library's error message, escaped where
    scrubbing cannot find it; so it is refused here, without echoing it."""
    if not all("!" <= c <= "~" for c in key):
        fail(f"{source}: this is not a Zotero API key (spaces, line breaks or non-ASCII "
             "characters in it)", 2)
    return key


def _run(loaded: LoadedCatalog, mode: str, group: int | None, url: str, dry_run: bool,
         prefer: str | None, api_key_file: str | None, reset_state: bool,
         max_wait_s: float | None) -> None:
    from ..merge import Prefer
    from ..problems import InputError
    from ..progress import Progress
    from ..zotero.client import ZoteroClient, ZoteroError, zotero_policy
    from ..zotero.state import state_path
    from ..zotero.sync import Mode, SyncEngine

    errors = [p for p in loaded.problems if p.severity == "error"]
    if errors:
        fail(f"{errors[0].format()} (and {len(errors) - 1} more; `ssl-bib check` lists them); "
             "fix the catalog before syncing", 2)
    seen: dict[str, str] = {}
    for entry in loaded.catalog.entries:  # a copied entry block, zotero_key and all
        if entry.zotero_key and entry.zotero_key.upper() in seen:
            fail(f"{loaded.name}:{loaded.line_of(entry, 'zotero_key')}: entry {entry.key}: "
                 f"zotero_key {entry.zotero_key!r} is also entry "
                 f"{seen[entry.zotero_key.upper()]}'s; remove it from the copy, and sync "
                 "gives it its own item", 2)
        if entry.zotero_key:
            seen[entry.zotero_key.upper()] = entry.key
    group = group if group is not None else loaded.catalog.settings.zotero_group
    if group is None:
        fail("no Zotero group: give --group ID or set zotero_group in [settings]", 2)
    key = _api_key(api_key_file)
    bars: dict[str, Progress] = {}

    def progress(what: str, done: int, total: int) -> None:
        bar = bars.get(what)
        if bar is None:
            bar = bars[what] = Progress(total, what)
        bar.advance(step=done - bar.done)

    # Test and mirror knobs: the read timeout (an exchange's whole deadline is
    # 1.5 times it) and the first backoff step.
    policy = zotero_policy(timeout=env_seconds("SSL_BIB_ZOTERO_TIMEOUT", 20.0, zero_ok=False),
                           backoff=env_seconds("SSL_BIB_ZOTERO_BACKOFF", 0.5),
                           max_wait=max_wait(max_wait_s, loaded.catalog.settings))
    client = ZoteroClient(group, key, url, policy=policy)
    try:
        engine = SyncEngine(loaded, client, state_path(loaded.path, group),
                            cast(Mode, mode), dry_run=dry_run, prefer=cast(Prefer, prefer),
                            progress=progress, reset_state=reset_state)
        report = engine.run()
    except InputError as exc:
        fail_input(exc)
    except ZoteroError as exc:
        fail(client.scrub(str(exc)) + "; nothing more was changed", 1)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError,
            UnicodeError) as exc:
        # The wire checks (zotero/wire.py) should leave nothing for this; if a
        # server's answer still gets through, one line, not a traceback with
        # values that might hold the key.
        fail(client.scrub(f"Zotero sent data ssl-bib could not use ({type(exc).__name__}: "
                          f"{' '.join(str(exc).split())[:160]}); nothing more was changed; "
                          "please report this"), 1)
    except OSError as exc:  # writing the catalog or the state file
        fail(f"{exc.filename or loaded.path}: cannot write: {exc.strerror}; nothing more was "
             "changed", 1)
    finally:
        for bar in bars.values():
            bar.__exit__(None, None, None)
        client.close()
    for line in report.lines():
        click.echo(client.scrub(line))
    click.echo(report.summary(), err=True)
    unresolved = report.failures or (report.conflicts and prefer is None)
    sys.exit(1 if unresolved and mode != "status" else 0)
