"""Options of the commands that talk to a service (enrich, add, zotero): base
URLs, the contact address, `--max-wait` (with its environment variable and
catalog setting), and the test and mirror knobs read from the environment,
each checked the same way, with a usage error (exit 2) for a bad value rather
than a retried request."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click

from ..conduct import Policy
from ..model import Settings
from ..store import LoadedCatalog
from .common import fail

F = TypeVar("F", bound=Callable[..., Any])

CROSSREF_URL = "https://api.crossref.org"
MAX_WAIT_ENV = "SSL_BIB_MAX_WAIT"
DEFAULT_MAX_WAIT = 60.0


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


def max_wait(option: float | None, settings: Settings) -> float:
    """--max-wait (or its env), else the catalog's setting, else 60 s."""
    if option is not None:
        return option
    return settings.max_wait if settings.max_wait is not None else DEFAULT_MAX_WAIT


def env_seconds(name: str, default: float, zero_ok: bool = True) -> float:
    """A number of seconds from the environment, or a usage error (exit 2)."""
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        fail(f"{name} must be a {'non-negative' if zero_ok else 'positive'} number "
             f"of seconds", 2)
    return value


def crossref_policy(wait_limit: float) -> Policy:
    """How enrich and add ask Crossref, with the test and mirror knobs: the
    first backoff step and the read timeout (an exchange's whole deadline is
    1.5 times it)."""
    timeout = env_seconds("SSL_BIB_CROSSREF_TIMEOUT", 20.0, zero_ok=False)
    return Policy(backoff=env_seconds("SSL_BIB_CROSSREF_BACKOFF", 0.5), read_timeout=timeout,
                  deadline=1.5 * timeout, max_wait=wait_limit)


def bad_mailto(value: str) -> bool:
    """Not one plain address: it goes into an HTTP header, verbatim, and
    headers are ASCII."""
    return "@" not in value or not value.isascii() or \
        any(ch.isspace() or not ch.isprintable() for ch in value)


def is_http_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
        _ = parts.port                               # raises on a port out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_url(option: str, value: str) -> None:
    if not is_http_url(value):
        fail(f"{option}: {value!r} is not an http(s) URL", 2)


def mailto_for(loaded: LoadedCatalog, mailto: str | None) -> str | None:
    """--mailto (or CROSSREF_MAILTO), else settings.crossref_mailto; a bad one
    is a usage error naming where it came from."""
    if mailto and bad_mailto(mailto):
        fail(f"--mailto: {mailto!r} is not an e-mail address", 2)
    if not mailto and loaded.catalog.settings.crossref_mailto:
        mailto = loaded.catalog.settings.crossref_mailto
        if bad_mailto(mailto):
            fail(f"{loaded.name}: settings.crossref_mailto: {mailto!r} is not an e-mail "
                 f"address", 2)
    return mailto
