"""arXiv API client: `lookup(id)` -> the paper's record, asked politely.

Requests go through the HTTP conduct (`ssl_bib.conduct`), which owns retries
with jittered backoff, Retry-After, `--max-wait`, the deadline per exchange,
the size cap, the breaker and the fast failure when nothing answers (refused,
unknown host, TLS). On top of it, arXiv's own rules:

- one request at a time, at least 3 s after the previous one ended, across
  processes (pacing.py), held around every exchange, retries included;
- "Rate exceeded." (plain text under any status, even 200) is a "not now"
  the conduct retries like a 429; backoff steps of 3, 6, 12 s, so no retry
  comes sooner than the terms allow;
- the error entry (a malformed id, with status 200 or 400) is an answer, not
  a failure to retry;
- answers cached on disk (the user cache folder's `arxiv/`): an id with a
  version names a fixed text and is kept for good; a bare id's record changes
  when a version, a DOI or a journal reference is added, and the API's results
  change once a day at most, so it is kept for a day. Errors are never cached.

The transport and the clock are injectable (tests); the base URL is a setting,
so a mirror or a local test server can stand in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..conduct import (
    MB,
    Answer,
    BadRequest,
    Clock,
    Conduct,
    GaveUp,
    Policy,
    RealClock,
    RequestFailed,
    Stopped,
    Unreachable,
    jitter,
)
from ..crossref.cache import MISS, ResponseCache, request_key
from ..errors import SslBibError
from .feed import ArxivRecord, FeedProblem, is_throttled, parse
from .pacing import Pacer

if TYPE_CHECKING:
    import httpx2

DEFAULT_URL = "https://export.arxiv.org"
# The API's results change at most once a day (its manual: "there is no need
# to call the API more than once in a day for the same query").
BARE_ID_MAX_AGE = 24 * 3600.0
THROTTLED = '"Rate exceeded."'


class ArxivError(SslBibError):
    """A lookup that failed for good; the message is one printable line."""


class ArxivStopped(ArxivError):
    """The run must stop: arXiv asked for a longer wait than allowed, or
    failed request after request. Nothing more is sent."""


class ArxivUnreachable(ArxivStopped):
    """Nothing answered at the base URL (connection refused, unknown host,
    TLS failure, no answer in time), or the URL cannot be used."""


class ArxivRefused(ArxivError):
    """arXiv answered with its error entry: the question was wrong."""


def default_policy(max_wait: float = 60.0, read_timeout: float = 30.0,
                   backoff: float = 3.0) -> Policy:
    """Backoff steps of 3, 6, 12 s (with equal jitter, never below 1.5 s, and
    the pacer tops each up to arXiv's 3 s). An answer is one Atom entry of a
    few kB: 1 MB is far more than any real one. The API is known to be slow,
    so the read timeout is longer than Crossref's."""
    return Policy(attempts=4, backoff=backoff, backoff_cap=30.0, max_wait=max_wait,
                  read_timeout=read_timeout, deadline=1.5 * read_timeout, max_bytes=MB)


def _not_now(answer: Answer) -> str | None:
    return THROTTLED if is_throttled(answer.body) else None


class ArxivClient:
    def __init__(self, base_url: str = DEFAULT_URL, *, cache: ResponseCache | None = None,
                 refresh: bool = False, pacer: Pacer | None = None,
                 policy: Policy | None = None, clock: Clock | None = None,
                 transport: httpx2.BaseTransport | None = None,
                 rand: Callable[[], float] = jitter, mailto: str | None = None) -> None:
        from .. import __version__

        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self.refresh = refresh
        clock = clock or RealClock()
        # The pacer sleeps on the conduct's clock, so a cancel ends its wait too.
        self.pacer = pacer or Pacer(clock=clock.wall, sleep=clock.sleep)
        agent = f"ssl-bib/{__version__}" + (f" (mailto:{mailto})" if mailto else "")
        self.conduct = Conduct("arXiv", self.base_url, policy=policy or default_policy(),
                               clock=clock, rand=rand, transport=transport,
                               headers={"User-Agent": agent}, max_in_flight=1,
                               pace=self.pacer.turn, not_now=_not_now)

    @property
    def requests(self) -> int:
        return self.conduct.requests

    @property
    def retries(self) -> int:
        return self.conduct.retries

    def cancel(self) -> None:
        """Stop: waits end now, and every lookup from now on fails at once."""
        self.conduct.cancel()

    def close(self) -> None:
        self.conduct.close()

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
            self.conduct.count_failure(str(exc))
            raise self._failed(f"arXiv at {self.base_url}: {exc}") from None
        if self.cache is not None:
            self.cache.put(key, body.decode("utf-8", "replace"))
        return record

    def _fetch(self, arxiv_id: str) -> bytes:
        """The body of a usable answer (a feed, or arXiv's error entry)."""
        params = {"id_list": arxiv_id, "max_results": "1"}
        try:
            answer = self.conduct.request("GET", "/api/query", params=params)
        except (Unreachable, BadRequest) as exc:
            raise ArxivUnreachable(str(exc)) from None
        except Stopped as exc:
            raise ArxivStopped(str(exc)) from None
        except GaveUp as exc:
            if exc.last == THROTTLED:
                raise self._failed(f"arXiv is throttling requests ({THROTTLED} "
                                   f"{exc.attempts} times); try again in a few "
                                   "minutes") from None
            raise self._failed(str(exc)) from None
        except RequestFailed as exc:                 # too large, undecodable
            raise self._failed(str(exc)) from None
        if answer.status < 400 or _is_feed(answer):  # 400 carries the error entry
            return answer.body
        raise ArxivError(f"arXiv at {self.base_url} answered HTTP {answer.status}: "
                         f"{answer.snippet(80) or '(no reason given)'}")

    def _failed(self, message: str) -> ArxivError:
        """The error for a failed lookup: the run's stop when this failure
        opened the breaker, else the lookup's own."""
        stopped = self.conduct.stopped
        return ArxivStopped(stopped) if stopped else ArxivError(message)


def _is_feed(answer: Answer) -> bool:
    """A 4xx that carries the API's Atom error feed (today's API sends its
    error entry with 400)."""
    return answer.status == 400 and ("xml" in answer.content_type
                                     or answer.body.lstrip()[:5] == b"<?xml")
