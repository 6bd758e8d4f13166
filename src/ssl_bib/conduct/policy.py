"""The numbers of a conduct (attempts, backoff, timeouts, caps), the clock it
reads and sleeps on, and the reading of Retry-After and Backoff headers.
No I/O here: everything is a pure function of its arguments or the clock."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Protocol

from ..errors import UsageError
from ..records import FrozenDataMethods, set_field

# Statuses that say "not now" rather than "no": retried with backoff.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MB = 1 << 20


class Clock(Protocol):
    """Time as a conduct sees it. `now` is monotonic (for deadlines and
    not-before times), `wall` is Unix time (for Retry-After HTTP dates),
    `sleep` may end early when the clock is cancelled."""

    def now(self) -> float: ...
    def wall(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class RealClock:
    """The system's clocks. `cancel()` ends every current and future sleep at
    once: Ctrl-C must not wait out a Retry-After in a worker thread."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._cancelled.wait(seconds)

    def cancel(self) -> None:
        self._cancelled.set()


@dataclass(frozen=True, init=False, repr=False, eq=False)
class Policy(FrozenDataMethods):
    """How one service is asked. Every wait below is bounded by one of these.
    Its methods are written out (records.py): every command that may ask a
    service makes one at its start."""

    attempts: int = 5            # tries per request, the first one included
    backoff: float = 0.5         # the first backoff step, seconds
    backoff_cap: float = 8.0     # the longest backoff step
    # The longest wait a server may ask for (Retry-After, Backoff) that is
    # waited out; a longer one stops the run with "try again after ...".
    max_wait: float = 60.0
    connect_timeout: float = 5.0  # name resolution and TCP/TLS connect
    read_timeout: float = 20.0    # the longest silence within an exchange
    # One whole exchange (connect, send, status, headers, body) ends within
    # this, however the bytes trickle in.
    deadline: float = 30.0
    # Exchanges of one request that may time out (read timeout or deadline):
    # a service that timed out twice in a row will not answer a third time.
    timeouts: int = 2
    # No retry of a request starts once it is this old (waits included).
    budget: float = 90.0
    max_bytes: int = 5 * MB       # the largest answer read; a larger one is refused
    # Requests failed for good in a row (after their retries) that stop the run.
    breaker_limit: int = 3
    retry_statuses: frozenset[int] = RETRY_STATUSES

    def __init__(self, attempts: int = 5, backoff: float = 0.5, backoff_cap: float = 8.0,
                 max_wait: float = 60.0, connect_timeout: float = 5.0,
                 read_timeout: float = 20.0, deadline: float = 30.0, timeouts: int = 2,
                 budget: float = 90.0, max_bytes: int = 5 * MB, breaker_limit: int = 3,
                 retry_statuses: frozenset[int] = RETRY_STATUSES) -> None:
        set_field(self, "attempts", attempts)
        set_field(self, "backoff", backoff)
        set_field(self, "backoff_cap", backoff_cap)
        set_field(self, "max_wait", max_wait)
        set_field(self, "connect_timeout", connect_timeout)
        set_field(self, "read_timeout", read_timeout)
        set_field(self, "deadline", deadline)
        set_field(self, "timeouts", timeouts)
        set_field(self, "budget", budget)
        set_field(self, "max_bytes", max_bytes)
        set_field(self, "breaker_limit", breaker_limit)
        set_field(self, "retry_statuses", retry_statuses)
        self.__post_init__()

    def __post_init__(self) -> None:
        numbers = (self.backoff, self.backoff_cap, self.max_wait, self.connect_timeout,
                   self.read_timeout, self.deadline, self.budget)
        if self.attempts < 1 or self.timeouts < 1 or self.max_bytes < 1 \
                or self.breaker_limit < 1:
            raise UsageError("attempts, timeouts, max_bytes and breaker_limit must be >= 1")
        if not all(math.isfinite(n) and n >= 0 for n in numbers):
            raise UsageError("every duration must be a finite, non-negative number")
        if min(self.connect_timeout, self.read_timeout, self.deadline) <= 0:
            raise UsageError("timeouts and the deadline must be positive")

    def step(self, retry: int, rand: float) -> float:
        """The backoff before retry number `retry` (0-based): half fixed, half
        random ("equal jitter"), so that clients failing together spread out."""
        full = min(self.backoff_cap, self.backoff * float(2 ** min(retry, 62)))
        return full / 2 + rand * full / 2


def jitter() -> float:
    """A number in [0, 1) for a backoff's random half: random.random, whose
    module (1.5 ms) loads at the first retry, not at the start of every
    command that may make a request."""
    import random

    return random.random()


def parse_retry_after(value: str | None, wall_now: float) -> float | None:
    """Seconds to wait from a Retry-After value: delay-seconds (digits) or an
    HTTP date (RFC 9110 10.2.3). None when absent or unreadable; a date in the
    past means 0."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit() and text.isascii():
        return float(int(text)) if len(text) < 16 else math.inf
    import email.utils  # here: an HTTP date is rare, and the module costs a start 6 ms

    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # RFC 9110: an HTTP date is always GMT
        return None
    try:
        return max(0.0, when.timestamp() - wall_now)
    except (OverflowError, OSError, ValueError):
        return None


def parse_backoff(value: str | None) -> float | None:
    """Seconds from a Backoff header (Zotero: "Backoff: <seconds>")."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if not math.isfinite(seconds) and seconds > 0:
        return math.inf
    return seconds if math.isfinite(seconds) and seconds > 0 else None
