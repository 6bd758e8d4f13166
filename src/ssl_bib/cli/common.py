"""What every command shares: the catalog path, loading, filter options, errors."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from ..problems import InputError

if TYPE_CHECKING:  # the store and the model load only with a catalog: --help needs neither
    from ..model import Entry
    from ..store import LoadedCatalog

F = TypeVar("F", bound=Callable[..., Any])


class CatalogContext:
    """The global options, passed to commands as click's context object."""

    def __init__(self, catalog_path: str) -> None:
        self.path = Path(catalog_path)

    def load(self) -> LoadedCatalog:
        """The catalog, or a one-line error and exit 2."""
        from ..store import load

        try:
            return load(self.path)
        except InputError as exc:
            fail_input(exc)


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
    from ..select import Filters, select

    filters = Filters(keys=list(keys), year=year, venue=venue, category=category, search=search)
    try:
        return select(loaded.catalog, filters, loaded.name)
    except InputError as exc:
        fail_input(exc)


def is_terminal(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())
