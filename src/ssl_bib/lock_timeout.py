"""How long a writer waits for another's lock on the catalog: SSL_BIB_LOCK_TIMEOUT.

Apart from file_lock because every command that may write reads it first,
a dry run too (it must fail where the real run would), and a dry run takes
no lock: it need not load the locking machinery (fcntl, signal).
"""

from __future__ import annotations

import math
import os

from .errors import UsageError

DEFAULT_TIMEOUT = 30.0
TIMEOUT_ENV = "SSL_BIB_LOCK_TIMEOUT"


def timeout_from_env() -> float:
    """SSL_BIB_LOCK_TIMEOUT in seconds (0: do not wait); UsageError (a ValueError) if malformed."""
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not value >= 0 or value == float("inf"):
        raise UsageError(f"{TIMEOUT_ENV} must be a number of seconds, not {raw!r}")
    return value
