"""arXiv API client: `lookup(id)` -> the paper's record, asked politely.

- one request at a time, at least 3 s after the previous one ended, across
  processes (pacing.py);
- answers cached on disk (the user cache folder's `arxiv/`): an id with a
  version names a fixed text and is kept for good; a bare id's record changes
  when a version, a DOI or a journal reference is added, and the API's results
  change once a day at most, so it is kept for a day;
- "Rate exceeded." (any status), 429, 5xx, timeouts and dropped connections
  are retried with exponential backoff and jitter, never sooner than a
  Retry-After; a refused connection or an unknown host before arXiv ever
  answered fails at once: retrying would only delay saying so;
- the error entry (a malformed id) is an answer, not a failure to retry.

The HTTP transport is injectable (httpx2's MockTransport in unit tests); the
base URL is a setting, so a mirror or a local test server can stand in.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..crossref.cache import MISS, ResponseCache, request_key
from ..crossref.client import RetryPolicy, _retry_after
from .feed import ArxivRecord, FeedProblem, is_throttled, parse
from .pacing import Pacer

if TYPE_CHECKING:
    import httpx2

DEFAULT_URL = "https://export.arxiv.org"
# The API's results change at most once a day (its manual: "there is no need
# to call the API more than once in a day for the same query").
BARE_ID_MAX_AGE = 24 * 3600.0
TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})


class ArxivError(Exception):
    """A lookup that failed for good; the message is one printable line."""


class ArxivUnreachable(ArxivError):
    """Nothing answered at the base URL (connection refused, unknown host)."""


class ArxivRefused(ArxivError):
    """arXiv answered with its error entry: the question was wrong."""


def default_policy() -> RetryPolicy:
    """Backoff steps of 3, 6, 12 s (with jitter): arXiv asks for 3 s between
    requests, so no retry comes sooner."""
    return RetryPolicy(attempts=4, base=3.0, cap=30.0, max_retry_after=120.0)


class ArxivClient:
    def __init__(self, base_url: str = DEFAULT_URL, *, cache: ResponseCache | None = None,
                 refresh: bool = False, pacer: Pacer | None = None,
                 policy: RetryPolicy | None = None, timeout: float = 30.0,
                 transport: httpx2.BaseTransport | None = None,
                 sleep: Callable[[float], object] | None = None,
                 rand: Callable[[], float] = random.random, mailto: str | None = None) -> None:
        import time

        import httpx2

        from .. import __version__

        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self.refresh = refresh
        self.pacer = pacer or Pacer()
        self.policy = policy or default_policy()
        self.sleep = sleep or time.sleep
        self.rand = rand
        agent = f"ssl-bib/{__version__}" + (f" (mailto:{mailto})" if mailto else "")
        self._http = httpx2.Client(
            transport=transport, headers={"User-Agent": agent},
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0)))
        self._answered = False
        self.requests = 0
        self.retries = 0

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ArxivClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def lookup(self, arxiv_id: str) -> ArxivRecord | None:
        """The record of `arxiv_id` (with or without a version), or None when
        arXiv has no such paper. Raises ArxivError."""
        key = request_key("query", {"id_list": arxiv_id})
        versioned = re.search(r"v\d+$", arxiv_id) is not None
        if self.cache is not None and not self.refresh:
            cached = self.cache.get(key, max_age=None if versioned else BARE_ID_MAX_AGE)
            if cached is not MISS and isinstance(cached, str):
                try:
                    return parse(cached.encode("utf-8"), arxiv_id)
                except FeedProblem:
                    pass                      # not what we stored: ask again
        body = self._fetch(arxiv_id)
        try:
            record = parse(body, arxiv_id)
        except FeedProblem as exc:
            if exc.kind == "error":
                raise ArxivRefused(f"arXiv refused {arxiv_id}: {exc}") from None
            raise ArxivError(f"arXiv at {self.base_url}: {exc}") from None
        if self.cache is not None:
            self.cache.put(key, body.decode("utf-8", "replace"))
        return record

    def _fetch(self, arxiv_id: str) -> bytes:
        """The body of a usable answer (a feed, or arXiv's error entry)."""
        import httpx2

        url = f"{self.base_url}/api/query"
        params = {"id_list": arxiv_id, "max_results": "1"}
        last = ""
        throttled = False
        for attempt in range(self.policy.attempts):
            hint: float | None = None
            try:
                with self.pacer.turn():
                    self.requests += 1
                    response = self._http.get(url, params=params)
                    body = response.content
            except (httpx2.UnsupportedProtocol, httpx2.InvalidURL) as exc:
                raise ArxivUnreachable(f"cannot use {self.base_url} as the arXiv URL "
                                       f"({exc})") from None
            except httpx2.ConnectError as exc:
                if not self._answered:
                    # Nothing has ever answered: a wrong URL or no network.
                    raise ArxivUnreachable(f"cannot reach arXiv at {self.base_url} "
                                           f"({_first_line(exc)})") from None
                last = type(exc).__name__
            except httpx2.TransportError as exc:        # timeouts, resets, drops
                last = type(exc).__name__
            else:
                self._answered = True
                status = response.status_code
                throttled = is_throttled(body)
                if not throttled and (status < 400 or _is_feed(response, body)):
                    return body                      # 400 carries the error entry
                if not throttled and status not in TRANSIENT_STATUS:
                    raise ArxivError(f"arXiv at {self.base_url} answered HTTP {status}")
                last = "\"Rate exceeded.\"" if throttled else f"HTTP {status}"
                hint = _retry_after(response.headers)
                if hint is not None and hint > self.policy.max_retry_after:
                    raise ArxivError(f"arXiv asked to wait {hint:.0f} s (Retry-After); "
                                     "try again later")
            if attempt + 1 < self.policy.attempts:
                wait = self.policy.delay(attempt, hint, self.rand())
                self.retries += 1
                self.sleep(wait)
        if throttled:
            raise ArxivError(f"arXiv is throttling requests (\"Rate exceeded.\" "
                             f"{self.policy.attempts} times); try again in a few minutes")
        if not self._answered:
            raise ArxivUnreachable(f"cannot reach arXiv at {self.base_url} (last: {last})")
        raise ArxivError(f"arXiv at {self.base_url} failed {self.policy.attempts} times "
                         f"(last: {last})")


def _is_feed(response: Any, body: bytes) -> bool:
    """A 4xx that carries the API's Atom error feed (today's API sends its
    error entry with 400)."""
    ctype = str(response.headers.get("content-type") or "")
    return response.status_code == 400 and ("xml" in ctype or body.lstrip()[:5] == b"<?xml")


def _first_line(exc: BaseException) -> str:
    text = str(exc)
    return text.splitlines()[0] if text else type(exc).__name__
