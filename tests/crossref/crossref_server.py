"""A local stand-in for the Crossref REST API, for tests and benchmarks.

Shaped on recorded real responses: the `status`/`message-type`/
`message-version`/`message` envelope, `work-list` pages with `facets`,
`total-results`, `items-per-page` and `query`, scored items, the text/plain
404 "Resource not found.", the 400 validation-failure body for field queries
on /works/{doi}, and the x-rate-limit-*/x-concurrency-limit/x-api-pool headers
(polite pool when the User-Agent carries a mailto, as habanero sends it).

Knobs: per-request latency, faults queued for the next requests (429 with or
without Retry-After, 500, 503, a slow answer, a dropped connection, a
"slowloris" answer whose body trickles in a byte at a time, a "huge" answer
of a gigabyte, declared or chunked), and a request log with timestamps and
the largest number of requests in flight.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.local_server import LocalServer, misbehave

SELECTABLE = {
    "DOI", "ISBN", "ISSN", "URL", "abstract", "alternative-id", "article-number", "author",
    "container-title", "created", "event", "issn-type", "issue", "issued",
    "page", "published", "published-online", "published-print", "publisher", "score",
    "short-container-title", "subtitle", "title", "type", "volume", "indexed", "member",
    "prefix", "reference-count", "references-count", "is-referenced-by-count", "link",
    "license", "funder", "subject", "language", "source",
}
FILTERS = {"alternative-id", "type", "from-pub-date", "until-pub-date", "doi", "issn",
           "prefix"}
_WORD_RE = re.compile(r"[0-9a-z]+")


@dataclass
class Fault:
    """What to do instead of answering one request."""

    # "429" | "500" | "503" | "slow" | "drop" | "slowloris" | "huge" | "huge-chunked"
    kind: str
    retry_after: str | None = None
    delay: float = 0.0             # for "slow": seconds before answering normally
    route: str | None = None       # only requests whose path starts with this


@dataclass
class Logged:
    method: str
    path: str
    params: dict[str, list[str]]
    user_agent: str
    started: float
    status: int = 0
    finished: float = 0.0


@dataclass
class _State:
    faults: list[Fault] = field(default_factory=list)
    # (n, fault): every request after the first n gets `fault`
    fail_from: tuple[int, Fault] | None = None
    log: list[Logged] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0


def _words(text: str) -> set[str]:
    return set(_WORD_RE.findall(text.lower()))


def _work_text(work: dict[str, Any]) -> str:
    parts: list[str] = []
    for name in ("title", "subtitle", "container-title"):
        parts.extend(v for v in work.get(name) or [] if isinstance(v, str))
    for author in work.get("author") or []:
        parts.append(str(author.get("family") or author.get("name") or ""))
    issued = (work.get("issued") or {}).get("date-parts") or [[None]]
    if issued[0] and issued[0][0]:
        parts.append(str(issued[0][0]))
    # A bibliographic query matches a citation's numbers too (volume, issue,
    # page, article number) and the number ending an IEEE DOI.
    parts.extend(str(work.get(name) or "") for name in ("volume", "issue", "page",
                                                         "article-number"))
    parts.append(str(work.get("DOI") or "").rsplit(".", 1)[-1])
    return re.sub(r"<[^>]+>", " ", " ".join(parts))


class CrossrefServer(LocalServer):
    """`with CrossrefServer(works) as server: ... server.url ...`"""

    def __init__(self, works: list[dict[str, Any]], latency: float = 0.0,
                 gather: int = 0) -> None:
        """`latency`: each answer's delay. `gather`: the first answers wait
        (at most 2 s) until that many requests are in flight at once, so that
        a test of a client's concurrency sees it used however the machine
        schedules the client's threads."""
        self.works = {str(w["DOI"]).casefold(): w for w in works if w.get("DOI")}
        self.all_works = list(works)
        self.latency = latency
        self.gather = gather
        self.state = _State()
        self.lock = threading.Lock()
        self._arrived = threading.Condition(self.lock)
        self._index = [(w, _words(_work_text(w))) for w in self.all_works]
        super().__init__()

    # -- control --------------------------------------------------------------

    def fail_next(self, *faults: Fault) -> None:
        with self.lock:
            self.state.faults.extend(faults)

    def fail_after(self, n: int, fault: Fault) -> None:
        """Answer the first `n` requests (from now) normally, then fail them all."""
        with self.lock:
            self.state.fail_from = (len(self.state.log) + n, fault)

    def clear_faults(self) -> None:
        with self.lock:
            self.state.faults.clear()
            self.state.fail_from = None

    @property
    def log(self) -> list[Logged]:
        with self.lock:
            return list(self.state.log)

    @property
    def max_in_flight(self) -> int:
        return self.state.max_in_flight

    def reset_log(self) -> None:
        with self.lock:
            self.state.log.clear()
            self.state.max_in_flight = 0

    # -- serving --------------------------------------------------------------

    def _take_fault(self, path: str, number: int) -> Fault | None:
        with self.lock:
            if self.state.fail_from and number > self.state.fail_from[0]:
                return self.state.fail_from[1]
            for i, fault in enumerate(self.state.faults):
                if fault.route is None or path.startswith(fault.route):
                    return self.state.faults.pop(i)
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        params = parse_qs(parts.query, keep_blank_values=True)
        entry = Logged("GET", unquote(parts.path), params,
                       handler.headers.get("User-Agent", ""), time.monotonic())
        with self.lock:
            self.state.log.append(entry)
            number = len(self.state.log)
            self.state.in_flight += 1
            self.state.max_in_flight = max(self.state.max_in_flight, self.state.in_flight)
            self._arrived.notify_all()
            if self.gather:
                self._arrived.wait_for(lambda: self.state.max_in_flight >= self.gather,
                                       timeout=2.0)
        done = False

        def finish(status: int) -> None:
            nonlocal done
            if done:
                return
            done = True
            # Counted out before the answer is written, so a client that sends
            # its next request on reading this one is never seen overlapping.
            with self.lock:
                self.state.in_flight -= 1
                entry.status, entry.finished = status, time.monotonic()

        try:
            if self.latency:
                time.sleep(self.latency)
            fault = self._take_fault(entry.path, number)
            if fault is not None and fault.kind == "drop":
                finish(0)
                handler.close_connection = True
                handler.connection.shutdown(2)
                return
            if fault is not None and fault.kind in ("slowloris", "huge", "huge-chunked"):
                finish(200)
                handler.close_connection = True
                misbehave(handler.wfile, fault.kind, start=b'{"status": "ok", "message": ',
                          content_type="application/json", interval=fault.delay or 0.2)
                return
            if fault is not None and fault.kind == "slow":
                time.sleep(fault.delay)
            elif fault is not None:
                status = int(fault.kind)
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                body = ("Too many requests" if status == 429 else "Internal Server Error")
                finish(status)
                self._send(handler, status, body.encode(), "text/plain", headers)
                return
            status, body, ctype = self._answer(entry.path, params)
            finish(status)
            self._send(handler, status, body, ctype)
        finally:
            finish(entry.status or 0)

    def _send(self, handler: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str,
              extra: dict[str, str] | None = None) -> None:
        polite = "mailto:" in handler.headers.get("User-Agent", "")
        handler.send_response(status)
        handler.send_header("Content-Type", ctype)
        handler.send_header("Content-Length", str(len(body)))
        handler.send_header("Access-Control-Allow-Origin", "*")
        handler.send_header("x-api-pool", "polite" if polite else "public")
        handler.send_header("x-concurrency-limit", "3" if polite else "1")
        handler.send_header("x-rate-limit-limit", "10" if polite else "5")
        handler.send_header("x-rate-limit-interval", "1s")
        for name, value in (extra or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        with contextlib.suppress(OSError):
            handler.wfile.write(body)

    def _answer(self, path: str, params: dict[str, list[str]]) -> tuple[int, bytes, str]:
        if path.startswith("/works/"):
            if any(k.startswith("query") for k in params):
                return 400, _json({"status": "failed", "message-type": "validation-failure",
                                   "message": [{"type": "parameter-not-allowed",
                                                "value": "query.*",
                                                "message": "This route does not support "
                                                           "field query parameters"}]}), \
                    "application/json;charset=utf-8"
            work = self.works.get(path[len("/works/"):].casefold())
            if work is None:
                return 404, b"Resource not found.", "text/plain"
            return 200, _json({"status": "ok", "message-type": "work",
                               "message-version": "1.0.0", "message": work}), \
                "application/json"
        if path.rstrip("/") == "/works":
            return self._search(params)
        return 404, b"Resource not found.", "text/plain"

    def _search(self, params: dict[str, list[str]]) -> tuple[int, bytes, str]:
        def failure(kind: str, value: str, message: str) -> tuple[int, bytes, str]:
            return 400, _json({"status": "failed", "message-type": "validation-failure",
                               "message": [{"type": kind, "value": value,
                                            "message": message}]}), \
                "application/json;charset=utf-8"

        rows = int((params.get("rows") or ["20"])[0] or 20)
        select = [s for s in (params.get("select") or [""])[0].split(",") if s]
        for name in select:
            if name not in SELECTABLE:
                return failure("select-not-available", name,
                               f"Field {name} specified in select is not available")
        filters: list[tuple[str, str]] = []
        for spec in (params.get("filter") or [""])[0].split(","):
            if not spec:
                continue
            name, _, value = spec.partition(":")
            if name not in FILTERS:
                return failure("filter-not-available", name, f"Filter {name} specified "
                               "but there is no such filter for this route")
            filters.append((name, value))
        query = " ".join(v for k, vs in params.items() if k.startswith("query") for v in vs)
        wanted = _words(query)
        scored: list[tuple[float, dict[str, Any]]] = []
        for work, words in self._index:
            if not all(_passes(work, name, value) for name, value in filters):
                continue
            if wanted:
                common = len(wanted & words)
                if not common:
                    continue
                # Shaped like Crossref's: unbounded, higher for more shared words.
                score = round(100.0 * common / len(wanted) + 10.0 * common / len(words or {1}),
                              6)
            else:
                score = 1.0
            scored.append((score, work))
        scored.sort(key=lambda pair: (-pair[0], str(pair[1].get("DOI"))))
        items = []
        for score, work in scored[:rows]:
            item = dict(work, score=score)
            if select:
                item = {k: v for k, v in item.items() if k in select}
            items.append(item)
        message = {"facets": {}, "total-results": len(scored), "items": items,
                   "items-per-page": rows,
                   "query": {"start-index": 0, "search-terms": (params.get("query") or [None])[0]}}
        return 200, _json({"status": "ok", "message-type": "work-list",
                           "message-version": "1.0.0", "message": message}), "application/json"


def _passes(work: dict[str, Any], name: str, value: str) -> bool:
    if name == "alternative-id":
        return value in (work.get("alternative-id") or [])
    if name == "type":
        return bool(work.get("type") == value)
    if name == "doi":
        return str(work.get("DOI", "")).casefold() == value.casefold()
    if name == "issn":
        return value.upper() in {str(i).upper() for i in work.get("ISSN") or []}
    if name == "prefix":
        return str(work.get("DOI", "")).casefold().startswith(value.casefold() + "/")
    year = ((work.get("issued") or {}).get("date-parts") or [[None]])[0][0]
    if year is None:
        return False
    if name == "from-pub-date":
        return bool(year >= int(value[:4]))
    return bool(year <= int(value[:4]))


def _json(data: Any) -> bytes:
    try:
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: sent escaped, as Crossref does
        return json.dumps(data).encode("ascii")
