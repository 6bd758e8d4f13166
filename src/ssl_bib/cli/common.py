"""What every command shares: the catalog path, loading, filter options, errors."""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar, cast, overload

import click

from ..problems import InputError
from .completion import complete_categories, complete_keys, complete_venues

if TYPE_CHECKING:  # the model, the store and the filters load when used: --help needs none
    from ..model import Entry
    from ..select import Filters, YearRange
    from ..store import LoadedCatalog

F = TypeVar("F", bound=Callable[..., Any])


class CatalogContext:
    """The global options, passed to commands as click's context object."""

    def __init__(self, catalog_path: str) -> None:
        self.path = Path(catalog_path)

    def load(self) -> LoadedCatalog:
        """The catalog (InputError, exit 2, when it does not read)."""
        from ..store import load

        return load(self.path)


    @contextlib.contextmanager
    def writing(self, command: str, force_write: bool, dry_run: bool = False,
                bootstrap: bool = False) -> Iterator[LoadedCatalog]:
        """The catalog for a command that changes it: locked against other
        ssl-bib writers for the block (not for a dry run, which writes
        nothing), refused if read-only unless `force_write` (a dry run too: it
        must fail where the real run would). Errors reach the entry point:
        WriteRefused (exit 1), InputError (exit 2, the catalog does not read),
        UsageError (exit 2, a malformed SSL_BIB_LOCK_TIMEOUT)."""
        from .. import lock_timeout, store
        from ..store import load

        lock_timeout.timeout_from_env()
        if dry_run:
            store.refuse_unwritable(self.path, force_write)
            if bootstrap and not self.path.exists():
                yield store.new_catalog(self.path)
            else:
                # Snapshots now, as for a real run: the dry run's diff needs
                # them, and taking them from the text later parses it again.
                yield load(self.path, for_update=True)
            return
        with store.editing(self.path, command, force_write, bootstrap) as loaded:
            yield loaded


def force_write_option(func: F) -> F:
    """--force-write, on every command that writes the catalog: the one way
    to write a read-only catalog. (`--force` is `add`'s, for a paper it
    would otherwise refuse; it never overrides the file's mode.)"""
    return click.option(
        "--force-write", "force_write", is_flag=True,
        help="Write the catalog even when it is read-only (as an editor's :w! does).")(func)


def fail_input(exc: InputError) -> NoReturn:
    """Report bad input (file:line: message) and exit 2, with no traceback."""
    click.echo(f"ssl-bib: {exc.format()}", err=True)
    sys.exit(2)


def fail(message: str, code: int = 1) -> NoReturn:
    click.echo(f"ssl-bib: {message}", err=True)
    sys.exit(code)


pass_catalog = click.make_pass_decorator(CatalogContext)


class YearRangeType(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.2
    """`--year 2019`, `--year 2019..2021`, `--year 2019..` (open ranges)."""

    name = "YEAR[..YEAR]"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> YearRange:
        from ..select import YearRange

        if isinstance(value, YearRange):
            return value
        try:
            return YearRange.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@overload
def filter_options(func: F) -> F: ...


@overload
def filter_options(*, key_option: bool) -> Callable[[F], F]: ...


def filter_options(func: F | None = None, *, key_option: bool = True) -> Any:
    """The selection options every command that works on entries shares
    (list, export, enrich, render site). The command receives them as one
    `filters: Filters` argument. `key_option=False` for a command that takes
    keys as arguments instead (enrich), which it adds to `filters.keys`."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        def with_filters(*args: Any, **kwargs: Any) -> Any:
            from ..select import Filters

            kwargs["filters"] = Filters(
                keys=list(kwargs.pop("keys", ()) if key_option else ()),
                years=list(kwargs.pop("years")), venues=list(kwargs.pop("venues")),
                categories=list(kwargs.pop("categories")), search=kwargs.pop("search"),
                has_code=kwargs.pop("has_code"))
            return command(*args, **kwargs)

        options = [
            click.option("--year", "years", type=YearRangeType(), multiple=True,
                         help="Only entries published or listed in YEAR, or in a range "
                              "2019..2021 (2019.., ..2021 open). Repeatable."),
            click.option("--venue", "venues", multiple=True, metavar="VENUE",
                         shell_complete=complete_venues,
                         help="Only entries of this venue: abbreviation, full name or alias. "
                              "Repeatable."),
            click.option("--category", "categories", multiple=True, metavar="CATEGORY",
                         shell_complete=complete_categories,
                         help="Only entries in this category. Repeatable."),
            click.option("--search", metavar="TEXT",
                         help="Only entries whose title, authors (either name order), venue "
                              "or identifiers contain every word of TEXT (case, accents and "
                              "punctuation ignored)."),
            click.option("--has-code", is_flag=True, help="Only entries with a code link."),
        ]
        if key_option:
            options.insert(0, click.option("--key", "keys", multiple=True, metavar="KEY",
                                           shell_complete=complete_keys,
                                           help="Only this entry (repeatable)."))
        wrapped: Any = with_filters
        for option in reversed(options):
            wrapped = option(wrapped)
        return cast(F, wrapped)

    return decorate(func) if func is not None else decorate


def selected(loaded: LoadedCatalog, filters: Filters) -> list[Entry]:
    """The entries the filters select, in catalog order; a one-line error and
    exit 2 for an unknown key, venue or category; a one-line notice on stderr
    when filters select nothing."""
    try:
        from ..select import select

        entries = select(loaded.catalog, filters, loaded.name)
    except InputError as exc:
        fail_input(exc)
    if not entries and filters.active():
        click.echo(f"ssl-bib: no entries match {filters.describe()}", err=True)
    return entries


def refuse_invalid(loaded: LoadedCatalog, entries: list[Entry], what: str,
                   entry_checks: bool = True) -> None:
    """Stop (exit 2) before writing `what` from entries that `check` finds
    errors in, each error on its line as check prints it: an export would
    otherwise carry an unknown venue's key as the journal, or silently lack
    an entry the reader had to drop. `entry_checks=False` stops only for
    what went wrong while reading (the site shows an entry with a bad link
    as text, with a warning of its own)."""
    from ..validate import output_errors

    errors = output_errors(loaded, entries, entry_checks)
    if not errors:
        return
    for problem in errors:
        click.echo(problem.format(), err=True)
    fail(f"{loaded.name}: {len(errors)} error{'s' * (len(errors) != 1)} (see above, or "
         f"`ssl-bib check`): {what}", 2)


def export_failure(loaded: LoadedCatalog, exc: Any, outcome: str) -> InputError:
    """An entry a writer refused (codecs.fields.ExportError), located at its
    line (or its field's) in the catalog: `entries.toml:LINE: entry KEY:
    cannot export field F: why; OUTCOME`."""
    line = loaded.line_of(exc.key, exc.field) if exc.field else loaded.line_of(exc.key)
    what = f"field {exc.field}" if exc.field else "it"
    return InputError(loaded.name, line, f"entry {exc.key}: cannot export {what}: "
                                         f"{exc.message}; {outcome}")


def is_terminal(stream: Any = None) -> bool:
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())
