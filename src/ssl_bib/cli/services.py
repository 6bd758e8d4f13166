"""Options of the commands that talk to a service (enrich, add, zotero): base
URLs, the contact address, `--max-wait` (with its environment variable and
catalog setting). The checks themselves are the library's (service_settings),
so a Python caller gets them too; a bad value is a usage error (exit 2)
rather than a retried request."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ..errors import UsageError
from ..service_settings import (
    CROSSREF_URL,
    MAX_WAIT_ENV,
    check_url,
    contact_address,
    crossref_policy,
    env_seconds,
    is_http_url,
    max_wait,
)

if TYPE_CHECKING:
    from ..store import LoadedCatalog

__all__ = ["CROSSREF_URL", "check_url", "crossref_policy", "env_seconds", "is_http_url",
           "mailto_for", "max_wait", "max_wait_option", "url_option"]

F = TypeVar("F", bound=Callable[..., Any])


def _finite(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
    """FloatRange lets "nan" through (it compares false with both bounds)."""
    if value is not None and not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


def max_wait_option(func: F) -> F:
    return click.option(
        "--max-wait", "max_wait_s", type=click.FloatRange(min=0, max=86400, min_open=True),
        envvar=MAX_WAIT_ENV, metavar="SECONDS", callback=_finite,
        help="The longest wait a service may ask for (Retry-After, Backoff) that is "
             "waited out; a longer one stops the run, saying when to try again "
             f"(env {MAX_WAIT_ENV}; default: settings.max_wait, else 60).")(func)


def url_option(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """A click callback: the library's URL check as a usage error."""
    try:
        return check_url(value)
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


def mailto_for(loaded: LoadedCatalog, mailto: str | None) -> str | None:
    """--mailto (or CROSSREF_MAILTO), else settings.crossref_mailto."""
    return contact_address(mailto, loaded.catalog.settings, loaded.name)
