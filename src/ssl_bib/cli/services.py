"""Options of the commands that talk to Crossref and arXiv (enrich, add): base
URLs, the contact address, and the test and mirror knobs read from the
environment, each checked the same way, with a usage error (exit 2) for a bad
value rather than a retried request."""

from __future__ import annotations

import math
import os
from urllib.parse import urlsplit

from ..store import LoadedCatalog
from .common import fail

CROSSREF_URL = "https://api.crossref.org"


def env_float(name: str, default: float, zero_ok: bool = True) -> float:
    try:
        value = float(os.environ.get(name, "") or default)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero_ok):
        fail(f"{name} must be a {'non-negative' if zero_ok else 'positive'} number "
             f"of seconds", 2)
    return value


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
