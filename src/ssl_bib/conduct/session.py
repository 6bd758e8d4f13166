"""`Conduct`: sends one service's requests with retries, waits, deadlines,
a size cap and a circuit breaker (see the package docstring for the rules).

What is retried: statuses in `Policy.retry_statuses` (429 and 5xx), answers
the adapter's `not_now` calls a "not now" whatever their status (arXiv's
"Rate exceeded." comes as a 200), and,
once the service has answered at least one request completely in this run,
timeouts, dropped connections and refused connections (a restart). Before
that first answer, a failure to connect, resolve, negotiate TLS or get an
answer in time stops the run at once with one line naming the URL: retrying
would only delay saying that the URL is wrong or the network is down.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import parse_qsl, unquote, urlsplit

from ..errors import SslBibError
from .answer import Answer
from .errors import (
    BadAnswer,
    BadRequest,
    GaveUp,
    RequestFailed,
    ServiceError,
    Stopped,
    TooLarge,
    Unreachable,
    WaitTooLong,
)
from .policy import Clock, Policy, RealClock, parse_backoff, parse_retry_after

if TYPE_CHECKING:
    import ssl

    import httpx2

# Characters a path may carry as they are (RFC 3986 pchar, percent escapes).
_PCHAR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                   "-._~%!$&'()*+,;=:@")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class _Failure(SslBibError):
    """A transport failure, classified: `kind` is "unreachable", "timeout",
    "drop" or "bad-url"; `detail` is printable."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind, self.detail = kind, detail


def utc_time(unix: float) -> str:
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(unix))
    except (OverflowError, OSError, ValueError):
        return "a time too far ahead to write"


def _load_sync_transport() -> None:
    """Load httpcore2, the transport under httpx2, without its asynchronous
    back ends when this process is the command line's: httpcore2 imports
    anyio and, where it is installed, trio at its own import, only for async
    clients, and together they took longer to import than a whole small
    command (trio alone about 60 ms). They are hidden while httpcore2 loads
    and given back right after, so a later `import trio` works as ever.
    Never in a library user's process, which may run httpcore2 under trio or
    anyio itself."""
    command_line = sys.modules.get("ssl_bib.cli")
    if not getattr(command_line, "MAIN_RUNNING", False) or "httpcore2" in sys.modules:
        return
    hidden = [name for name in ("trio", "anyio") if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import httpcore2  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]


def _tls_context(scheme: str) -> ssl.SSLContext:
    """The TLS context for a conduct whose requests go to `scheme` URLs.

    Loading the system's certificate authorities costs 20-40 ms of CPU per
    context (httpx2 loads them for every client it makes): an https service
    shares one context per process. A plain-http origin (`zotero
    serve-local`, a test server) with no proxy in the environment never
    negotiates TLS, since a conduct follows no redirect and sends nothing
    off its origin (`_url`, `on_origin`): its context loads no authority at
    all and still verifies, so a TLS handshake it were ever asked for would
    fail closed instead of trusting an unknown server."""
    import ssl

    if scheme == "http" and not _environment_proxies():
        return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies; trusts no one
    return _verified_context(os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.cache
def _verified_context(_cert_file: str | None, _cert_dir: str | None) -> ssl.SSLContext:
    """httpx2's own default context (`verify=True`: SSL_CERT_FILE or
    SSL_CERT_DIR, else the system's authorities), made once per process and
    per value of those two variables."""
    import httpcore2

    context: ssl.SSLContext = httpcore2.default_ssl_context()
    return context


def _environment_proxies() -> bool:
    """Whether httpx2 would route any request through a proxy of the
    environment (HTTP_PROXY, ALL_PROXY...; their TLS needs the authorities)."""
    import urllib.request  # httpx2 reads the environment's proxies with it

    return any(urllib.request.getproxies().values())


class Conduct:
    """One service's HTTP client. Thread-safe: enrich's workers share one."""

    def __init__(self, service: str, base_url: str, *, policy: Policy | None = None,
                 clock: Clock | None = None, rand: Callable[[], float] = random.random,
                 transport: httpx2.BaseTransport | None = None,
                 headers: Mapping[str, str] | None = None, secrets: Iterable[str] = (),
                 max_in_flight: int = 0,
                 pace: Callable[[], AbstractContextManager[object]] | None = None,
                 not_now: Callable[[Answer], str | None] | None = None) -> None:
        """`pace` is held around every exchange, retries included, outside its
        deadline: a service's own rate rule (arXiv: one request at a time, 3 s
        apart, across processes). `not_now(answer)` names why an answer whose
        status is not retried must be retried anyway, or gives None."""
        _load_sync_transport()
        import httpx2

        self.service = service
        self.base_url = base_url.rstrip("/")
        self.policy = policy or Policy()
        self.clock: Clock = clock or RealClock()
        self.rand = rand
        self._secrets = [s for s in secrets if s]
        self._origin, self._base_path, self._config_error = _origin(self.base_url)
        p = self.policy
        timeout = httpx2.Timeout(connect=p.connect_timeout, read=p.read_timeout,
                                 write=p.read_timeout, pool=p.connect_timeout)
        self._http = httpx2.Client(transport=transport, timeout=timeout,
                                   headers=dict(headers or {}), follow_redirects=False,
                                   verify=_tls_context(self._origin[0]))
        if transport is None:
            _bound_transports(self._http)
        self._slots = threading.BoundedSemaphore(max_in_flight) if max_in_flight > 0 else None
        self._pace = pace or contextlib.nullcontext
        self._not_now = not_now
        self._lock = threading.Lock()
        self._stopped: Stopped | None = None
        # The service answered in this run: a complete exchange, or a status
        # with an unusable body. Until then, transport failures are not retried.
        self._answered = False
        self._failures_in_row = 0
        # No request starts before this (clock.now()): a Retry-After or
        # Backoff is addressed to the client, not to one request.
        self._not_before = 0.0
        self._not_before_why = ""
        self.requests = 0             # exchanges started, retries included
        self.retries = 0
        self.waits: list[float] = []  # backoff and Retry-After waits, in order

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Conduct:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def stopped(self) -> str | None:
        """Why the breaker opened, or None while it is closed."""
        return str(self._stopped) if self._stopped else None

    def cancel(self) -> None:
        """Stop now: waits end, and every request from now on fails at once."""
        cancel = getattr(self.clock, "cancel", None)
        if callable(cancel):
            cancel()
        self._trip(Stopped("cancelled", self.service))

    def scrub(self, text: str) -> str:
        """`text` with every secret of this conduct (the API key) masked."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    # -- targets -----------------------------------------------------------------

    def on_origin(self, url: str) -> tuple[str, list[tuple[str, str]]] | None:
        """For an absolute URL a server gave (a Link), its path below the base
        URL and its query parameters, if it is on the configured origin
        (scheme, host, port) under the base path; else None."""
        origin, path, error = _origin(url)
        if error or origin != self._origin:
            return None
        if self._base_path and not (path == self._base_path
                                    or path.startswith(self._base_path + "/")):
            return None
        try:
            query = urlsplit(url).query
        except ValueError:
            return None
        return path[len(self._base_path):] or "/", parse_qsl(query, keep_blank_values=True)

    def _url(self, path: str) -> str:
        if self._config_error:
            raise BadRequest(self.scrub(f"cannot use {self.base_url} as the {self.service} "
                                        f"URL: {self._config_error}"), self.service)
        problem = _path_problem(path)
        if problem:
            raise BadRequest(self.scrub(f"refused to send {self.service} a request for "
                                        f"{path[:80]!r}: {problem}"), self.service)
        return self.base_url + path

    # -- the request loop --------------------------------------------------------

    def request(self, method: str, path: str, *, params: Any = None, json: Any = None,
                headers: Mapping[str, str] | None = None,
                max_bytes: int | None = None) -> Answer:
        """Send `method path` (a path below the base URL, built by the caller
        from validated parts), retrying as the policy says. Returns the first
        answer whose status is not retried (4xx included: the caller decides);
        raises RequestFailed or Stopped otherwise."""
        url = self._url(path)
        policy, clock = self.policy, self.clock
        cap = max_bytes or policy.max_bytes
        started = clock.now()
        timeouts = 0
        last = ""
        attempt = 0
        while True:
            attempt += 1
            self._wait_turn()
            hint: float | None = None
            try:
                answer = self._exchange(method, url, path, params, json, headers, cap)
            except _Failure as failure:
                self._refuse_hopeless(method, path, failure)
                last = failure.detail
                if failure.kind == "timeout":
                    timeouts += 1
                    if timeouts >= policy.timeouts:
                        break
            except (TooLarge, BadAnswer) as exc:
                self._answered = True   # the service is there; this answer is unusable
                self._failed_for_good(str(exc), str(exc))
                raise (self._stopped or exc) from None
            else:
                self._answered = True
                refusal = self._not_now(answer) if self._not_now else None
                if answer.status not in policy.retry_statuses and refusal is None:
                    self._note_backoff(answer)
                    with self._lock:
                        self._failures_in_row = 0
                    return answer
                last = refusal or f"HTTP {answer.status}"
                hint = self._note_retry_after(answer)
            if attempt >= policy.attempts:
                break
            wait = max(policy.step(attempt - 1, self.rand()), hint or 0.0)
            if clock.now() - started + wait > policy.budget:
                last += f"; gave up after {clock.now() - started:.0f} s"
                break
            with self._lock:
                self.retries += 1
                self.waits.append(wait)
            clock.sleep(wait)
            if self._stopped:
                raise self._stopped
        raise self._gave_up(method, path, attempt, last)

    def _refuse_hopeless(self, method: str, path: str, failure: _Failure) -> None:
        """Raise for a transport failure no retry can mend: a request that
        cannot be sent as built, or a service that never answered this run."""
        if failure.kind == "bad-url":
            raise BadRequest(self.scrub(f"cannot send {method} {self.base_url}{path}: "
                                        f"{failure.detail}"), self.service) from None
        if not self._answered:
            raise self._trip(Unreachable(self.scrub(
                f"cannot reach {self.service} at {self.base_url} ({failure.detail})"),
                self.service)) from None

    def _gave_up(self, method: str, path: str, attempt: int, last: str) -> ServiceError:
        """The error for a request whose retries ran out, counted for the
        breaker: the breaker's own when this opened it."""
        failed = GaveUp(self.scrub(f"{self.service} failed {method} {path} {attempt} times "
                                   f"(last: {last}); try again later"),
                        self.service, attempt, self.scrub(last))
        self._failed_for_good(str(failed), failed.last)
        return self._stopped or failed

    def _wait_turn(self) -> None:
        """Wait for the shared not-before time; stop if it is too far."""
        if self._stopped:
            raise self._stopped
        wait = self._not_before - self.clock.now()
        if wait > self.policy.max_wait:
            self._too_long(wait, self._not_before_why)
        if wait > 0:
            self.clock.sleep(wait)
        if self._stopped:
            raise self._stopped

    def _note_retry_after(self, answer: Answer) -> float | None:
        """The wait a retried answer asks for (Retry-After, or Backoff when
        longer); stop now when it is longer than the policy allows."""
        asked = [(seconds, name) for seconds, name in (
            (parse_retry_after(answer.headers.get("retry-after"), self.clock.wall()),
             "Retry-After"),
            (parse_backoff(answer.headers.get("backoff")), "Backoff")) if seconds is not None]
        if not asked:
            return None
        seconds, name = max(asked)
        if seconds > self.policy.max_wait:
            self._too_long(seconds, name)
        self._hold_back(seconds, name)
        return seconds

    def _note_backoff(self, answer: Answer) -> None:
        seconds = parse_backoff(answer.headers.get("backoff"))
        if seconds is not None:
            self._hold_back(seconds, "Backoff")

    def _hold_back(self, seconds: float, why: str) -> None:
        with self._lock:
            until = self.clock.now() + seconds
            if until > self._not_before:
                self._not_before, self._not_before_why = until, why

    def _too_long(self, seconds: float, why: str) -> NoReturn:
        until = self.clock.wall() + seconds
        shown = f"{seconds:.0f} s" if seconds < 1e9 else "forever"
        raise self._trip(WaitTooLong(
            f"{self.service} asked to wait {shown} ({why}), longer than the "
            f"{self.policy.max_wait:g} s allowed (--max-wait); try again after "
            f"{utc_time(until)}", self.service, until))

    def count_failure(self, reason: str) -> None:
        """Count a request whose answer came back but proved unusable to the
        caller (no JSON, the wrong shape) as a failure, for the breaker."""
        self._failed_for_good(reason, reason)

    def _failed_for_good(self, reason: str, last: str) -> None:
        """Count a request that failed for good; open the breaker when the
        service never answered completely, or after too many in a row."""
        with self._lock:
            self._failures_in_row += 1
            count = self._failures_in_row
        if not self._answered:
            self._trip(Stopped(reason, self.service))
        elif count >= self.policy.breaker_limit:
            self._trip(Stopped(f"{count} requests in a row failed (last: {last}); stopping",
                               self.service))

    def _trip(self, error: Stopped) -> Stopped:
        """Open the breaker with `error` (the first reason wins) and return it."""
        with self._lock:
            if self._stopped is None:
                self._stopped = error
            return self._stopped

    # -- one exchange ------------------------------------------------------------

    def _exchange(self, method: str, url: str, path: str, params: Any, body: Any,
                  headers: Mapping[str, str] | None, cap: int) -> Answer:
        if self._slots is None:
            return self._paced(method, url, path, params, body, headers, cap)
        with self._slots:
            # The not-before wait again, inside the slot: a thread queued for
            # the slot must not slip past a Retry-After that came meanwhile.
            self._wait_turn()
            return self._paced(method, url, path, params, body, headers, cap)

    def _paced(self, method: str, url: str, path: str, params: Any, body: Any,
               headers: Mapping[str, str] | None, cap: int) -> Answer:
        with self._pace():
            if self._stopped:             # cancelled while the pace waited
                raise self._stopped
            return self._exchange_now(method, url, path, params, body, headers, cap)

    def _exchange_now(self, method: str, url: str, path: str, params: Any, body: Any,
                      headers: Mapping[str, str] | None, cap: int) -> Answer:
        import httpx2

        from .deadline import exchange_deadline

        with self._lock:
            self.requests += 1
        with exchange_deadline(self.policy.deadline) as deadline:
            try:
                request = self._http.build_request(method, url, params=params, json=body,
                                                   headers=dict(headers or {}))
                response = self._http.send(request, stream=True)
            except (httpx2.HTTPError, httpx2.InvalidURL, UnicodeError, ValueError) as exc:
                raise self._classify(exc, deadline.passed) from None
            try:
                data = self._read_body(response, method, path, cap)
            except httpx2.DecodingError as exc:
                raise BadAnswer(self.scrub(f"{self.service}'s answer to {method} {path} "
                                           f"could not be decoded ({exc})"),
                                self.service) from None
            except httpx2.HTTPError as exc:
                raise self._classify(exc, deadline.passed) from None
            finally:
                response.close()
        return Answer(self.service, method, path, url, response.status_code,
                      response.headers, data)

    def _read_body(self, response: httpx2.Response, method: str, path: str,
                   cap: int) -> bytes:
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(f"{self.service}'s answer to {method} {path} is "
                           f"{_size(int(declared))}, over the {_size(cap)} limit; refused",
                           self.service)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise TooLarge(f"{self.service}'s answer to {method} {path} is over the "
                               f"{_size(cap)} limit; refused without reading the rest",
                               self.service)
            chunks.append(chunk)
        return b"".join(chunks)

    def _classify(self, exc: BaseException, deadline_passed: bool) -> _Failure:
        import httpx2

        text = self.scrub(str(exc).splitlines()[0] if str(exc) else "")
        name = type(exc).__name__
        if isinstance(exc, httpx2.ConnectTimeout):
            return _Failure("unreachable", text or f"no connection within "
                                                   f"{self.policy.connect_timeout:g} s")
        if isinstance(exc, httpx2.ConnectError | httpx2.ProxyError):
            return _Failure("unreachable", text or name)
        if isinstance(exc, httpx2.TimeoutException):
            if deadline_passed:
                return _Failure("timeout", f"no complete answer within "
                                           f"{self.policy.deadline:g} s")
            return _Failure("timeout", f"{name}: nothing received for "
                                       f"{self.policy.read_timeout:g} s")
        if isinstance(exc, httpx2.UnsupportedProtocol | httpx2.InvalidURL
                      | httpx2.LocalProtocolError | UnicodeError | ValueError):
            return _Failure("bad-url", f"{name}: {text}" if text else name)
        return _Failure("drop", f"{name}: {text}" if text else name)


def _size(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB" if n >= 1 << 20 else f"{n} bytes"


def _origin(url: str) -> tuple[tuple[str, str, int], str, str]:
    """((scheme, host, port), path, problem or "") of an absolute URL."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return ("", "", 0), "", f"not a URL ({exc})"
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if scheme not in _DEFAULT_PORTS or not host:
        return ("", "", 0), "", "not an http:// or https:// URL with a host"
    if parts.username or parts.password:
        return ("", "", 0), "", "a URL with a user name or password"
    path = parts.path.rstrip("/")
    return (scheme, host, port or _DEFAULT_PORTS[scheme]), path, ""


def _path_problem(path: str) -> str:
    """Why `path` may not be sent, or "": it must be a plain absolute path of
    pchar segments, none of which is (or decodes to) "." or "..", or holds
    an encoded slash or backslash."""
    if not path.startswith("/"):
        return "not an absolute path"
    if any(ch not in _PCHAR and ch != "/" for ch in path):
        return "characters a path may not hold"
    for segment in path[1:].split("/"):
        decoded = unquote(segment)
        if decoded in (".", "..") or "/" in decoded or "\\" in decoded:
            return "a dot segment or an encoded slash"
    return ""


def _bound_transports(client: httpx2.Client) -> None:
    """Give every transport httpx2 built for this client (the default one,
    and the proxies taken from the environment) the deadline backend."""
    from .deadline import install  # with the transport: it imports socket and ipaddress

    for transport in [getattr(client, "_transport", None),
                      *getattr(client, "_mounts", {}).values()]:
        install(transport)


__all__ = ["Conduct", "RequestFailed", "ServiceError", "utc_time"]
