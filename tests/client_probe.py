"""Timing as the client sees it, for tests of what a client promises about
sending: a Retry-After holds back every thread, one connection at a time, at
most N requests in flight.

A local server's clock says when a request arrived, and on a loaded machine
a request the client sent (or decided to send) before it read a 429 can
arrive after that 429 went out. The promises are about the client's own
decisions, so they are measured on its side: `ProbeTransport` records each
exchange from the moment it is handed to the transport to the end of its
body, and `ProbeClock` records when each thread last looked at the conduct's
clock (the not-before gate looks right before every send).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx2

from ssl_bib.conduct.deadline import make_transport
from ssl_bib.conduct.policy import RealClock


class ProbeClock(RealClock):
    """The real clock, remembering each thread's looks: every `now()` value
    and the end of every sleep, in order."""

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.looks: list[tuple[int, float]] = []   # (thread, monotonic time)
        self._last = threading.local()

    def _look(self, at: float) -> float:
        self._last.at = at
        with self._lock:
            self.looks.append((threading.get_ident(), at))
        return at

    def now(self) -> float:
        return self._look(super().now())

    def sleep(self, seconds: float) -> None:
        super().sleep(seconds)
        self._look(time.monotonic())

    def last_look(self) -> float:
        """This thread's latest look (0 before any)."""
        return float(getattr(self._last, "at", 0.0))

    def first_look(self, thread: int, after: float) -> float:
        """The first look `thread` took at or after `after`."""
        with self._lock:
            return min(at for who, at in self.looks if who == thread and at >= after)


@dataclass
class Exchange:
    """One request as the client sent it."""

    thread: int
    path: str
    admitted: float       # the sending thread's last look at the clock before it sent
    sent: float           # handed to the transport
    received: float = 0.0  # status and headers back
    closed: float = 0.0    # body read, or the response dropped
    status: int = 0


class _Body(httpx2.SyncByteStream):
    def __init__(self, inner: httpx2.SyncByteStream, exchange: Exchange) -> None:
        self.inner, self.exchange = inner, exchange

    def __iter__(self) -> Iterator[bytes]:
        yield from self.inner

    def close(self) -> None:
        if not self.exchange.closed:
            self.exchange.closed = time.monotonic()
        self.inner.close()


class ProbeTransport(httpx2.BaseTransport):
    """The conduct's own transport (deadlines and all), recording every
    exchange; `clock` (the client's) dates each decision to send."""

    def __init__(self, clock: ProbeClock | None = None) -> None:
        self.inner = make_transport()
        self.clock = clock
        self._lock = threading.Lock()
        self.exchanges: list[Exchange] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        admitted = self.clock.last_look() if self.clock else 0.0
        exchange = Exchange(threading.get_ident(), request.url.path, admitted, time.monotonic())
        with self._lock:
            self.exchanges.append(exchange)
        try:
            response = self.inner.handle_request(request)
        except BaseException:
            exchange.received = exchange.closed = time.monotonic()
            raise
        exchange.received, exchange.status = time.monotonic(), response.status_code
        assert isinstance(response.stream, httpx2.SyncByteStream)
        return httpx2.Response(response.status_code, headers=response.headers,
                               stream=_Body(response.stream, exchange),
                               extensions=response.extensions)

    def close(self) -> None:
        self.inner.close()

    def max_in_flight(self) -> int:
        """The most exchanges open at once, each from its send to the end of
        its body (an exchange whose body was never closed counts to the end)."""
        events = []
        for e in self.exchanges:
            events += [(e.sent, 1), (e.closed or float("inf"), -1)]
        most = current = 0
        for _, step in sorted(events, key=lambda ev: (ev[0], ev[1])):
            current += step
            most = max(most, current)
        return most
