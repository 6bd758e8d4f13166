"""What every command shares: the catalog path, loading, filter options, errors."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from ..model import Entry
from ..problems import InputError
from ..select import Filters, select
from ..store import LoadedCatalog, WriteRefused, load

F = TypeVar("F", bound=Callable[..., Any])


class CatalogContext:
    """The global options, passed to commands as click's context object."""

    def __init__(self, catalog_path: str) -> None:
        self.path = Path(catalog_path)

    def load(self) -> LoadedCatalog:
        """The catalog, or a one-line error and exit 2."""
        try:
            return load(self.path)
        except InputError as exc:
            fail_input(exc)


    @contextlib.contextmanager
    def writing(self, command: str, force: bool, dry_run: bool = False,
                bootstrap: bool = False) -> Iterator[LoadedCatalog]:
        """The catalog for a command that changes it: locked against other
        ssl-bib writers for the block (not for a dry run, which writes
        nothing), refused if read-only unless `force` (a dry run too: it
        must fail where the real run would). Errors: one line, exit 1 (a
        refused write) or 2 (a catalog that does not read)."""
        from .. import file_lock, store

        try:
            file_lock.timeout_from_env()
        except ValueError:
            fail(f"{file_lock.TIMEOUT_ENV} must be a number of seconds", 2)
        try:
            if dry_run:
                store.refuse_unwritable(self.path, force)
                if bootstrap and not self.path.exists():
                    yield store.new_catalog(self.path)
                else:
                    yield load(self.path)
                return
            with store.editing(self.path, command, force, bootstrap) as loaded:
                yield loaded
        except WriteRefused as exc:
            fail(exc.message, 1)
        except InputError as exc:
            fail_input(exc)


def force_option(func: F) -> F:
    """--force, on every command that writes the catalog."""
    return click.option(
        "--force", is_flag=True,
        help="Write the catalog even when it is read-only (as an editor's :w! does).")(func)


def fail_input(exc: InputError) -> NoReturn:
    """Report bad input (file:line: message) and exit 2, with no traceback."""
    click.echo(f"ssl-bib: {exc.format()}", err=True)
    sys.exit(2)


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"ssl-bib: {message}", err=True)
    sys.exit(code)


pass_catalog = click.make_pass_decorator(CatalogContext)


def filter_options(func: F) -> F:
    """--key/--year/--venue/--category/--search, shared by list and export."""
    options = [
        click.option("--key", "keys", multiple=True, metavar="KEY",
                     help="Only this entry (repeatable)."),
        click.option("--year", type=int, help="Only entries published or listed in YEAR."),
        click.option("--venue", help="Only entries of this venue (abbreviation or name)."),
        click.option("--category", help="Only entries in this category."),
        click.option("--search", metavar="TEXT",
                     help="Only entries whose title, authors, key, DOI or venue contain TEXT."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def selected(loaded: LoadedCatalog, keys: tuple[str, ...] = (), year: int | None = None,
             venue: str | None = None, category: str | None = None,
             search: str | None = None) -> list[Entry]:
    """The entries the filter options name, or a one-line error and exit 2
    (an unknown --key)."""
    filters = Filters(keys=list(keys), year=year, venue=venue, category=category, search=search)
    try:
        return select(loaded.catalog, filters, loaded.name)
    except InputError as exc:
        fail_input(exc)


def is_terminal(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())
