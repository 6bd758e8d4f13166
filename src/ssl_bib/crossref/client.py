"""Crossref client: the REST API through our HTTP conduct, habanero for the
etiquette.

habanero 2.9.2 builds the polite User-Agent (mailto) and names filters the
way the API wants, and we keep using it for that. Its requests we do not use:
it builds a new httpx2 client per request and reads every answer whole with
only a per-read timeout, so it can give neither a deadline per exchange nor a
size cap nor streaming. The requests go through `ssl_bib.conduct` instead,
which adds what habanero never did (retries with jittered backoff, Retry-After
shared by every thread, bounded concurrency, a circuit breaker, deadlines,
a 5 MB cap on an answer). Here: the three questions we ask, the on-disk cache
(cache.py: answers, including "not found", are reused), and turning the
conduct's failures into CrossrefError (this entry failed) and CircuitOpen
(the run must stop).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from ..conduct.errors import BadAnswer, GaveUp, RequestFailed, Stopped
from ..conduct.policy import Clock, Policy, RealClock, jitter
from ..errors import SslBibError
from .cache import MISS, ResponseCache, request_key

if TYPE_CHECKING:
    from ..conduct.answer import Answer
    from ..conduct.session import Conduct

# Fields our matcher and filler read; asking only for them keeps search
# responses small (a full record with references can be 100 kB).
SELECT = [
    "DOI", "title", "subtitle", "author", "issued", "published", "published-print",
    "published-online", "type", "container-title", "short-container-title", "event",
    "volume", "issue", "page", "article-number", "publisher", "ISSN", "issn-type",
    "ISBN", "alternative-id", "score",
]
DEFAULT_URL = "https://api.crossref.org"


class CrossrefError(SslBibError):
    """A request that failed for good (after retries, or a 4xx)."""


class NeedsRequest(SslBibError):
    """A question the cache cannot answer, met while answering from the cache
    alone (CrossrefClient.from_cache): the question goes to Crossref later.
    Never reaches a caller: from_cache turns it into None."""


T = TypeVar("T")


class CircuitOpen(CrossrefError):
    """The run must stop: Crossref cannot be reached, asked for too long a
    wait, or failed request after request."""


class _SleepClock(RealClock):
    """The real clock with a replaced sleep (tests record waits instead)."""

    def __init__(self, sleep: Callable[[float], object]) -> None:
        super().__init__()
        self._sleep = sleep

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)


class CrossrefClient:
    def __init__(self, base_url: str = DEFAULT_URL, mailto: str | None = None,
                 cache: ResponseCache | None = None, refresh: bool = False,
                 policy: Policy | None = None, max_in_flight: int = 1,
                 sleep: Callable[[float], object] | None = None,
                 rand: Callable[[], float] = jitter, clock: Clock | None = None,
                 transport: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cache = cache
        self.refresh = refresh
        self._mailto, self._policy, self._rand, self._transport = mailto, policy, rand, transport
        self._clock = clock or (_SleepClock(sleep) if sleep else RealClock())
        self._max_in_flight = max(1, max_in_flight)
        self._conduct: Conduct | None = None
        self._made = threading.Lock()
        self._cancelled = False
        # Set in a thread answering from the cache alone (from_cache).
        self._cache_only = threading.local()

    @property
    def conduct(self) -> Conduct:
        """The HTTP client, made for the first request: a run that finds
        every answer in the cache never loads the HTTP stack (httpx2 and
        habanero take longer to import than the rest of a small run)."""
        if self._conduct is None:
            with self._made:
                if self._conduct is None:
                    from habanero.habanero_utils import make_ua

                    from ..conduct.session import Conduct

                    conduct = Conduct(
                        "Crossref", self.base_url, policy=self._policy, clock=self._clock,
                        rand=self._rand, transport=self._transport,
                        headers=make_ua(self._mailto), max_in_flight=self._max_in_flight)
                    if self._cancelled:
                        conduct.cancel()
                    self._conduct = conduct
        return self._conduct

    def from_cache(self, ask: Callable[[CrossrefClient], T]) -> T | None:
        """`ask(self)` answered from the cache alone, in this thread: None,
        with nothing counted, as soon as it asks what the cache does not hold
        (or with no cache, or --refresh); else its result, each cached answer
        it used counted as a hit, as if it had been asked normally."""
        if self.cache is None or self.refresh:
            return None
        state = self._cache_only
        state.active, state.used = True, 0
        try:
            result = ask(self)
        except NeedsRequest:
            return None
        finally:
            state.active = False
        self.cache.count_hits(state.used)
        return result

    # -- the three questions we ask Crossref ---------------------------------

    def work(self, doi: str) -> dict[str, Any] | None:
        """/works/{doi}: the record, or None when Crossref has no such DOI
        (DataCite DOIs such as arXiv's are not Crossref's)."""
        # Percent-encode all but the slashes: a SICI DOI's "#" or "?" would
        # cut the path short. (The conduct refuses a segment of dots.)
        path = "/works/" + quote(doi, safe="/")
        result = self._get("work", {"doi": doi.casefold()}, path, None, not_found_ok=True)
        return result if isinstance(result, dict) else None

    def by_alternative_id(self, value: str) -> list[dict[str, Any]]:
        """Records whose alternative-id is `value` (an Elsevier PII)."""
        def query() -> dict[str, str]:
            from habanero.filterhandler import filter_handler

            return {"filter": filter_handler({"alternative_id": value}), "rows": "5",
                    "select": ",".join(SELECT)}

        return self._items(self._get("alt-id", {"id": value}, "/works", query))

    def search(self, bibliographic: str, rows: int = 5,
               filters: dict[str, str] | None = None,
               extra_select: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        """query.bibliographic search: title plus first author and year (or a
        citation's numbers), optionally within `filters` (habanero's names,
        e.g. {"issn": ...}); `extra_select` asks for more fields than SELECT."""
        def query() -> dict[str, str]:
            from habanero.filterhandler import filter_handler

            built = {"query.bibliographic": bibliographic, "rows": str(rows),
                     "select": ",".join([*SELECT, *extra_select])}
            if filters:
                built["filter"] = filter_handler(filters)
            return built

        params: dict[str, Any] = {"q": bibliographic, "rows": rows}
        if filters:
            params["filter"] = filters
        if extra_select:
            params["select"] = list(extra_select)
        return self._items(self._get("search", params, "/works", query))

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
    def requests(self) -> int:
        return self._conduct.requests if self._conduct is not None else 0

    @property
    def retries(self) -> int:
        return self._conduct.retries if self._conduct is not None else 0

    @property
    def waits(self) -> list[float]:
        return self._conduct.waits if self._conduct is not None else []

    @property
    def stopped(self) -> str | None:
        """Why the breaker opened, or None while it is closed."""
        return self._conduct.stopped if self._conduct is not None else None

    def cancel(self) -> None:
        """Stop: waits end now, and every call from now on fails at once."""
        with self._made:
            self._cancelled = True
            conduct = self._conduct
        if conduct is not None:
            conduct.cancel()

    def close(self) -> None:
        if self._conduct is not None:
            self._conduct.close()

    def _get(self, route: str, cache_params: dict[str, Any], path: str,
             query: dict[str, str] | Callable[[], dict[str, str]] | None,
             not_found_ok: bool = False) -> Any:
        """The answer to a question, from the cache or from Crossref; a
        request's `query` given as a function is made only when it is asked
        (habanero makes it, and a run answered from the cache needs none)."""
        key = request_key(route, cache_params)
        if self.cache is not None and not self.refresh:
            if getattr(self._cache_only, "active", False):
                cached = self.cache.peek(key)
                if cached is MISS:
                    raise NeedsRequest(route)
                self._cache_only.used += 1
                return cached
            cached = self.cache.get(key)
            if cached is not MISS:
                return cached
        try:
            answer = self.conduct.request("GET", path,
                                          params=query() if callable(query) else query)
        except Stopped as exc:
            raise CircuitOpen(str(exc)) from None
        except GaveUp as exc:
            raise self._failed(f"{route} request failed after {exc.attempts} attempts "
                               f"(last: {exc.last})") from None
        except RequestFailed as exc:
            raise self._failed(f"{route} request failed: {exc}") from None
        if answer.status == 404 and not_found_ok:
            if self.cache is not None:
                self.cache.put(key, None)
            return None
        if answer.status != 200:
            # The service answered; the question was wrong. Not its fault.
            raise CrossrefError(f"{route} request refused: HTTP {answer.status}: "
                                f"{_refusal(answer)}")
        data = self._message(route, answer)
        if self.cache is not None:
            self.cache.put(key, data)
        return data

    def _message(self, route: str, answer: Answer) -> Any:
        """The `message` of a 200 answer: a work, or a work-list's items."""
        try:
            doc = answer.json()
        except BadAnswer as exc:
            self.conduct.count_failure(str(exc))
            raise self._failed(f"{route} request failed: {exc}") from None
        message = doc.get("message") if isinstance(doc, dict) else None
        if route == "work" and isinstance(message, dict):
            return message
        if route != "work" and isinstance(message, dict) \
                and isinstance(message.get("items"), list):
            return message["items"]
        problem = f"{answer.what} holds no {'work' if route == 'work' else 'work list'}"
        self.conduct.count_failure(problem)
        raise self._failed(f"{route} request failed: {problem}")

    def _failed(self, message: str) -> CrossrefError:
        """The error for a failed request: the run's stop when this failure
        opened the breaker, else the request's own."""
        stopped = self.conduct.stopped
        return CircuitOpen(stopped) if stopped else CrossrefError(message)


def _refusal(answer: Answer) -> str:
    """Crossref's reason for a 4xx: the validation message of its JSON body
    (`{"message": [{"message": ...}]}`), else the start of the text."""
    try:
        doc = answer.json()
    except BadAnswer:
        return answer.snippet() or "(no reason given)"
    message = doc.get("message") if isinstance(doc, dict) else None
    if isinstance(message, list) and message and isinstance(message[0], dict):
        message = message[0].get("message")
    return " ".join(str(message).split())[:200] if isinstance(message, str) \
        else answer.snippet()
