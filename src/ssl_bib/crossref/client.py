"""Crossref client: habanero for the requests, and what habanero lacks.

habanero 2.9.2 sends mailto in the User-Agent (the polite pool) and honours
`base_url`, but does no retries, no caching and no concurrency control. Here:
- exponential backoff with jitter on 429, 5xx, timeouts and dropped
  connections, waiting at least as long as Retry-After says; a Retry-After
  holds back every thread's next request, not only the one that got it;
- at most `max_in_flight` requests at once, whatever the caller's threads do;
- a circuit breaker: after `breaker_limit` requests in a row have failed even
  after their retries, every further call fails at once so the run can stop
  cleanly instead of hammering a service that is down;
- the on-disk cache (cache.py): answers, including "not found", are reused.
"""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from .cache import MISS, ResponseCache, request_key

# Fields our matcher and filler read; asking only for them keeps search
# responses small (a full record with references can be 100 kB).
SELECT = [
    "DOI", "title", "subtitle", "author", "issued", "published", "published-print",
    "published-online", "type", "container-title", "short-container-title", "event",
    "volume", "issue", "page", "article-number", "publisher", "ISSN", "issn-type",
    "ISBN", "alternative-id", "score",
]
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})


class CrossrefError(Exception):
    """A request that failed for good (after retries, or a 4xx)."""


class CircuitOpen(CrossrefError):
    """Too many failures in a row: the run must stop."""


@dataclass
class RetryPolicy:
    attempts: int = 5
    base: float = 1.0          # first backoff, seconds
    cap: float = 60.0          # longest backoff
    # A Retry-After longer than this is not waited out: the run stops instead.
    max_retry_after: float = 300.0

    def delay(self, attempt: int, retry_after: float | None, rand: float) -> float:
        """Backoff before retry number `attempt` (0-based): half fixed, half
        random ("equal jitter") so parallel clients spread out, and never
        shorter than the server's Retry-After."""
        step = min(self.cap, self.base * float(2 ** attempt))
        wait = step / 2 + rand * step / 2
        if retry_after is not None:
            wait = max(wait, retry_after)
        return wait


def _retry_after(headers: Any) -> float | None:
    raw = headers.get("retry-after") if headers is not None else None
    if not raw:
        return None
    value = str(raw).strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _classify(exc: BaseException) -> tuple[int | None, Any, bool]:
    """(HTTP status or None, response headers or None, transient?) for an
    exception out of habanero, which wraps httpx2's in several ways."""
    import httpx2
    from habanero.exceptions import RequestError

    chain: list[BaseException] = []
    node: BaseException | None = exc
    while node is not None and node not in chain:
        chain.append(node)
        node = node.__cause__ or node.__context__
    for item in chain:
        if isinstance(item, httpx2.HTTPStatusError):
            status = item.response.status_code
            return status, item.response.headers, status in TRANSIENT_STATUS
    for item in chain:
        if isinstance(item, RequestError):
            status = int(item.status_code)
            return status, None, status in TRANSIENT_STATUS
    for item in chain:
        if isinstance(item, httpx2.TransportError):   # timeouts, resets, drops
            return None, None, True
    if isinstance(exc, json.JSONDecodeError):          # a truncated body
        return None, None, True
    return None, None, False


def _unreachable(exc: BaseException) -> str | None:
    """What went wrong, when the request never reached a server (connection
    refused, no such host): the cause's own message; else None. Timeouts are
    not this: a slow network deserves its retries."""
    import httpx2

    node: BaseException | None = exc
    seen: list[BaseException] = []
    while node is not None and node not in seen:
        if isinstance(node, httpx2.ConnectError):
            return str(node).splitlines()[0] if str(node) else type(node).__name__
        seen.append(node)
        node = node.__cause__ or node.__context__
    return None


def _name(exc: BaseException) -> str:
    """The name of the transport error under habanero's RuntimeError wrapper."""
    node: BaseException | None = exc
    seen: list[BaseException] = []
    while node is not None and node not in seen:
        if type(node).__module__.startswith("httpx"):
            return type(node).__name__
        seen.append(node)
        node = node.__cause__ or node.__context__
    return type(exc).__name__


class CrossrefClient:
    def __init__(self, base_url: str = "https://api.crossref.org", mailto: str | None = None,
                 cache: ResponseCache | None = None, refresh: bool = False,
                 policy: RetryPolicy | None = None, timeout: float = 20.0,
                 max_in_flight: int = 1, breaker_limit: int = 3,
                 sleep: Callable[[float], object] | None = None,
                 rand: Callable[[], float] = random.random) -> None:
        from habanero import Crossref

        self.base_url = base_url.rstrip("/")
        self.api = Crossref(base_url=self.base_url, mailto=mailto, timeout=timeout)
        self.cache = cache
        self.refresh = refresh
        self.policy = policy or RetryPolicy()
        self.breaker_limit = breaker_limit
        # Backoff waits end early on cancel(): Ctrl-C must not wait out a
        # Retry-After of minutes in a worker thread that the exit joins.
        self._cancelled = threading.Event()
        self.sleep = sleep or self._cancelled.wait
        self.rand = rand
        self._slots = threading.BoundedSemaphore(max(1, max_in_flight))
        self._lock = threading.Lock()
        self._failures_in_row = 0
        self._open_reason: str | None = None
        # Whether any server has answered this client yet (any status).
        self._answered = False
        # A Retry-After is Crossref telling this client, not one request, to
        # wait: no thread starts a request before this (time.monotonic()).
        self._not_before = 0.0
        self.requests = 0
        self.retries = 0
        self.waits: list[float] = []

    # -- the three questions we ask Crossref ---------------------------------

    def work(self, doi: str) -> dict[str, Any] | None:
        """/works/{doi}: the record, or None when Crossref has no such DOI
        (DataCite DOIs such as arXiv's are not Crossref's)."""
        # habanero pastes the DOI into the URL as is: a SICI DOI's "#" or "?"
        # would cut it short. Percent-encode all but the slashes.
        quoted = quote(doi, safe="/")

        def call() -> Any:
            return self.api.works(ids=quoted)["message"]

        result = self._get("work", {"doi": doi.casefold()}, call, not_found_ok=True)
        return result if isinstance(result, dict) else None

    def by_alternative_id(self, value: str) -> list[dict[str, Any]]:
        """Records whose alternative-id is `value` (an Elsevier PII)."""
        def call() -> Any:
            return self.api.works(filter={"alternative_id": value}, limit=5,
                                  select=SELECT)["message"]["items"]

        return self._items(self._get("alt-id", {"id": value}, call))

    def search(self, bibliographic: str, rows: int = 5,
               filters: dict[str, str] | None = None,
               extra_select: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """query.bibliographic search: title plus first author and year (or a
        citation's numbers), optionally within `filters` (habanero's names,
        e.g. {"issn": ...}); `extra_select` asks for more fields than SELECT."""
        select = [*SELECT, *extra_select]

        def call() -> Any:
            return self.api.works(query_bibliographic=bibliographic, limit=rows,
                                  filter=filters or None, select=select)["message"]["items"]

        params: dict[str, Any] = {"q": bibliographic, "rows": rows}
        if filters:
            params["filter"] = filters
        if extra_select:
            params["select"] = list(extra_select)
        return self._items(self._get("search", params, call))

    def remember_work(self, doi: str, record: dict[str, Any]) -> None:
        """Keep a record found by search as the answer for its DOI: once its
        DOI is in the catalog, the next run asks for it by DOI, and must not
        have to ask Crossref again for what it already knows. (`has`, not
        `get`: this is no answer taken from the cache, and must not count as one.)"""
        if self.cache is not None:
            key = request_key("work", {"doi": doi.casefold()})
            if self.refresh or not self.cache.has(key):
                self.cache.put(key, record)

    @staticmethod
    def _items(value: Any) -> list[dict[str, Any]]:
        if not isinstance(value, list):
            return []
        return [v for v in value if isinstance(v, dict)]

    # -- machinery ------------------------------------------------------------

    @property
    def stopped(self) -> str | None:
        """Why the breaker opened, or None while it is closed."""
        return self._open_reason

    def cancel(self) -> None:
        """Stop: waits end now, and every call from now on fails at once."""
        self._cancelled.set()
        self._trip("cancelled")

    def _trip(self, reason: str) -> CircuitOpen:
        with self._lock:
            self._open_reason = self._open_reason or reason
            return CircuitOpen(self._open_reason)

    def _get(self, route: str, params: dict[str, Any], call: Callable[[], Any],
             not_found_ok: bool = False) -> Any:
        key = request_key(route, params)
        if self.cache is not None and not self.refresh:
            cached = self.cache.get(key)
            if cached is not MISS:
                return cached
        if self._open_reason:
            raise CircuitOpen(self._open_reason)
        last = ""
        for attempt in range(self.policy.attempts):
            if self._open_reason:
                raise CircuitOpen(self._open_reason)
            try:
                data = self._attempt(call)
            except CircuitOpen:
                raise
            except Exception as exc:  # noqa: BLE001 - classified below
                status, headers, transient = _classify(exc)
                if status is not None:
                    self._answered = True
                elif not self._answered and (cause := _unreachable(exc)):
                    # Nothing has ever answered: a wrong URL or no network.
                    # Retrying for a minute would only delay saying so.
                    raise self._trip(f"cannot reach Crossref at {self.base_url} "
                                     f"({cause})") from None
                if status == 404 and not_found_ok:
                    self._success()
                    if self.cache is not None:
                        self.cache.put(key, None)
                    return None
                last = f"HTTP {status}" if status else _name(exc)
                detail = str(exc).splitlines()[0][:200] if str(exc) else last
                if not transient:
                    # The service answered; the question was wrong. Not its fault.
                    self._success()
                    raise CrossrefError(f"{route} request refused: {detail}") from None
                wait_hint = _retry_after(headers)
                if wait_hint is not None and wait_hint > self.policy.max_retry_after:
                    raise self._trip(f"Crossref asked to wait {wait_hint:.0f} s "
                                     f"(Retry-After); stopping") from None
                if attempt + 1 >= self.policy.attempts:
                    break
                wait = self.policy.delay(attempt, wait_hint, self.rand())
                with self._lock:
                    self.retries += 1
                    self.waits.append(wait)
                    if wait_hint is not None:
                        self._not_before = max(self._not_before, time.monotonic() + wait_hint)
                self.sleep(wait)
            else:
                self._answered = True
                self._success()
                if self.cache is not None:
                    self.cache.put(key, data)
                return data
        with self._lock:
            self._failures_in_row += 1
            if not self._answered:
                # Every attempt timed out or dropped and nothing ever answered:
                # more requests would only wait the same way.
                self._open_reason = self._open_reason or (
                    f"cannot reach Crossref at {self.base_url} (last: {last})")
            elif self._failures_in_row >= self.breaker_limit:
                self._open_reason = self._open_reason or (
                    f"{self._failures_in_row} requests in a row failed "
                    f"(last: {last}); stopping")
        if self._open_reason:
            raise CircuitOpen(self._open_reason)
        raise CrossrefError(f"{route} request failed after {self.policy.attempts} "
                            f"attempts (last: {last})")

    def _attempt(self, call: Callable[[], Any]) -> Any:
        """One request, in a slot, once any Retry-After has passed. The wait
        is inside the slot: a thread queued for one must not slip past it."""
        with self._slots:
            pause = self._not_before - time.monotonic()
            if pause > 0:
                self.sleep(pause)
            if self._open_reason:
                raise CircuitOpen(self._open_reason)
            with self._lock:
                self.requests += 1
            return call()

    def _success(self) -> None:
        with self._lock:
            self._failures_in_row = 0
