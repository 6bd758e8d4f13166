"""What the commands that talk to a service share: the `--max-wait` option
(with its environment variable and catalog setting) and the environment
knobs for timeouts and backoff that tests and mirrors use."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..model import Settings
from .common import fail

F = TypeVar("F", bound=Callable[..., Any])

MAX_WAIT_ENV = "SSL_BIB_MAX_WAIT"
DEFAULT_MAX_WAIT = 60.0


def max_wait_option(func: F) -> F:
    return click.option(
        "--max-wait", "max_wait_s", type=click.FloatRange(min=0, max=86400, min_open=True),
        envvar=MAX_WAIT_ENV, metavar="SECONDS",
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
