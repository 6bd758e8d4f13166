"""What it takes to reach a service (Crossref, arXiv, Zotero), each setting
checked before any request: a base URL, the contact address sent to Crossref
and arXiv, the longest wait a service may ask for, and the test and mirror
knobs read from the environment.

A bad value is a UsageError naming where it came from (exit 2 on the command
line), never a request retried for half a minute; the command line and a
Python caller of the library get the same checks, from here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .errors import UsageError
from .model import Settings

if TYPE_CHECKING:
    from .conduct import Policy

CROSSREF_URL = "https://api.crossref.org"
ZOTERO_URL = "https://api.zotero.org"
MAX_WAIT_ENV = "SSL_BIB_MAX_WAIT"
DEFAULT_MAX_WAIT = 60.0


def is_http_url(value: str) -> bool:
    """An http(s) URL with a host name that can be sent (a port in range, a
    host that IDNA encodes)."""
    try:
        parts = urlsplit(value)
        _ = parts.port                               # raises on a port out of range
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    return _idna_encodes(parts.hostname)


def _idna_encodes(host: str) -> bool:
    """Whether `host.encode("idna")` succeeds ("a..b": an empty label does
    not). An ASCII host is judged by the codec's own ASCII rule, written out:
    the codec's module (with stringprep) costs every command with a service
    URL 1.5 ms, and almost every host is ASCII."""
    if host.isascii():
        *labels, last = host.split(".")
        return all(0 < len(label) < 64 for label in labels) and len(last) < 64
    try:
        host.encode("idna")
    except UnicodeError:
        return False
    return True


def check_url(value: str, what: str = "") -> str:
    """`value` if it is an http(s) URL with a host; else UsageError
    ("WHAT: 'VALUE' is not an http(s) URL")."""
    if not is_http_url(value):
        where = f"{what}: " if what else ""
        raise UsageError(f"{where}{value!r} is not an http(s) URL")
    return value


def bad_mailto(value: str) -> bool:
    """Not one plain address: it goes into an HTTP header, verbatim, and
    headers are ASCII."""
    return "@" not in value or not value.isascii() or \
        any(ch.isspace() or not ch.isprintable() for ch in value)


def contact_address(mailto: str | None, settings: Settings, catalog_name: str = "",
                    what: str = "--mailto") -> str | None:
    """The address given (`what` names where it came from), else the
    catalog's settings.crossref_mailto, else None; a malformed one is a
    UsageError naming its source."""
    if mailto and bad_mailto(mailto):
        raise UsageError(f"{what}: {mailto!r} is not an e-mail address")
    if not mailto and settings.crossref_mailto:
        mailto = settings.crossref_mailto
        if bad_mailto(mailto):
            where = f"{catalog_name}: " if catalog_name else ""
            raise UsageError(f"{where}settings.crossref_mailto: {mailto!r} is not an e-mail "
                             "address")
    return mailto


def max_wait(given: float | None, settings: Settings) -> float:
    """The longest Retry-After/Backoff wait that is waited out: the value
    given (--max-wait or its environment variable), else the catalog's
    settings.max_wait, else 60 s."""
    if given is not None:
        if not (math.isfinite(given) and 0 < given <= 86400):
            raise UsageError(f"max_wait: {given} is not a number of seconds (0 to 86400)")
        return given
    return settings.max_wait if settings.max_wait is not None else DEFAULT_MAX_WAIT


def env_seconds(name: str, default: float, zero_ok: bool = True,
                environ: Mapping[str, str] | None = None) -> float:
    """A number of seconds from the environment variable `name` (`default`
    when unset or empty); UsageError when it is not one."""
    raw = (os.environ if environ is None else environ).get(name, "")
    try:
        value = float(raw or default)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        raise UsageError(f"{name} must be a {'non-negative' if zero_ok else 'positive'} "
                         "number of seconds")
    return value


def crossref_policy(wait_limit: float, environ: Mapping[str, str] | None = None) -> Policy:
    """How enrich and add ask Crossref, with the test and mirror knobs
    SSL_BIB_CROSSREF_TIMEOUT (the read timeout; an exchange's whole deadline
    is 1.5 times it) and SSL_BIB_CROSSREF_BACKOFF (the first backoff step)."""
    from .conduct import Policy

    timeout = env_seconds("SSL_BIB_CROSSREF_TIMEOUT", 20.0, zero_ok=False, environ=environ)
    backoff = env_seconds("SSL_BIB_CROSSREF_BACKOFF", 0.5, environ=environ)
    return Policy(backoff=backoff, read_timeout=timeout, deadline=1.5 * timeout,
                  max_wait=wait_limit)


def zotero_policy(wait_limit: float, environ: Mapping[str, str] | None = None) -> Policy:
    """How sync asks Zotero, with SSL_BIB_ZOTERO_TIMEOUT and
    SSL_BIB_ZOTERO_BACKOFF as for Crossref."""
    from .zotero.client import zotero_policy as policy

    return policy(timeout=env_seconds("SSL_BIB_ZOTERO_TIMEOUT", 20.0, zero_ok=False,
                                      environ=environ),
                  backoff=env_seconds("SSL_BIB_ZOTERO_BACKOFF", 0.5, environ=environ),
                  max_wait=wait_limit)
