"""The HTTP conduct, in process: httpx2's MockTransport plays the service
(as pyzotero's own tests do), a fake clock plays time. No port is opened."""

from __future__ import annotations

import email.utils
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest

from ssl_bib.conduct import (
    BadAnswer,
    BadRequest,
    Conduct,
    GaveUp,
    Policy,
    Stopped,
    TooLarge,
    Unreachable,
    WaitTooLong,
    parse_retry_after,
)
from ssl_bib.conduct.answer import parse_links

BASE = "https://api.example.org"
WALL = 1_800_000_000.0


@dataclass
class FakeClock:
    """Time that moves only when someone sleeps."""

    t: float = 100.0
    sleeps: list[float] = field(default_factory=list)
    cancelled: bool = False

    def now(self) -> float:
        return self.t

    def wall(self) -> float:
        return WALL + self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    def cancel(self) -> None:
        self.cancelled = True


Handler = Callable[[httpx2.Request], httpx2.Response]


def scripted(*answers: httpx2.Response | Exception | Handler) -> tuple[httpx2.MockTransport,
                                                                      list[httpx2.Request]]:
    """A transport answering each request with the next of `answers` (the
    last one repeats): a response, an exception to raise, or a function."""
    seen: list[httpx2.Request] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        answer = answers[min(len(seen), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        if callable(answer) and not isinstance(answer, httpx2.Response):
            return answer(request)
        return answer

    return httpx2.MockTransport(handle), seen


def ok(body: Any = None, **headers: str) -> httpx2.Response:
    return httpx2.Response(200, json=body if body is not None else {"ok": True},
                           headers=headers)


def status(code: int, **headers: str) -> httpx2.Response:
    return httpx2.Response(code, text="no", headers=headers)


def conduct(transport: httpx2.MockTransport, clock: FakeClock | None = None,
            **rules: Any) -> Conduct:
    return Conduct("Example", BASE, policy=Policy(**rules), clock=clock or FakeClock(),
                   rand=lambda: 1.0, transport=transport,
                   headers={"X-Api-Key": "sekret-key-123"}, secrets=["sekret-key-123"])


def connect_error() -> httpx2.ConnectError:
    return httpx2.ConnectError("[Errno 111] Connection refused")


# -- backoff and jitter -------------------------------------------------------------

def test_backoff_doubles_with_equal_jitter_up_to_the_cap() -> None:
    policy = Policy(backoff=0.5, backoff_cap=4.0)
    assert [policy.step(n, 1.0) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert [policy.step(n, 0.0) for n in range(4)] == [0.25, 0.5, 1.0, 2.0]
    assert policy.step(1000, 0.5) == pytest.approx(3.0)  # no overflow on a long run


def test_5xx_is_retried_with_jittered_backoff_then_succeeds() -> None:
    transport, seen = scripted(status(500), status(502), status(503), ok())
    clock = FakeClock()
    jitter = iter([0.0, 1.0, 0.5])
    c = Conduct("Example", BASE, policy=Policy(backoff=1.0), clock=clock,
                rand=lambda: next(jitter), transport=transport)
    assert c.request("GET", "/x").status == 200
    assert len(seen) == 4 and c.requests == 4 and c.retries == 3
    assert clock.sleeps == [0.5, 2.0, 3.0]  # half of 1 s; all of 2 s; 3/4 of 4 s


def test_a_4xx_is_returned_not_retried() -> None:
    transport, seen = scripted(status(404))
    answer = conduct(transport).request("GET", "/x")
    assert answer.status == 404 and len(seen) == 1


def test_gives_up_after_the_attempts_with_one_line() -> None:
    transport, seen = scripted(status(503))
    c = conduct(transport, attempts=3)
    with pytest.raises(GaveUp) as err:
        c.request("GET", "/things")
    assert str(err.value) == ("Example failed GET /things 3 times (last: HTTP 503); "
                              "try again later")
    assert err.value.attempts == 3 and len(seen) == 3


# -- Retry-After, Backoff, the shared not-before time ------------------------------

@pytest.mark.parametrize(("value", "seconds"), [
    ("7", 7.0), (" 0 ", 0.0), ("120", 120.0),
    (email.utils.formatdate(WALL + 100 + 30, usegmt=True), 30.0),   # 30 s ahead of wall()
    (email.utils.formatdate(WALL - 5000, usegmt=True), 0.0),        # in the past
    ("Sun, 06 Nov 1994 08:49:37 GMT", 0.0),
    ("soon", None), ("-5", None), ("1.5", None), ("", None), (None, None),
    ("Sun, 06 Nov 1994 08:49:37", None),                           # no zone: not HTTP
    ("99999999999999999999999", float("inf")),
])
def test_retry_after_as_seconds_or_http_date(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, WALL + 100) == seconds


def test_retry_after_is_waited_out_even_when_longer_than_the_backoff() -> None:
    transport, _ = scripted(status(429, **{"Retry-After": "7"}), ok())
    clock = FakeClock()
    conduct(transport, clock).request("GET", "/x")
    assert clock.sleeps == [7.0]


def test_retry_after_as_an_http_date() -> None:
    date = email.utils.formatdate(WALL + 100 + 12, usegmt=True)
    transport, _ = scripted(status(503, **{"Retry-After": date}), ok())
    clock = FakeClock()
    conduct(transport, clock).request("GET", "/x")
    assert clock.sleeps == [pytest.approx(12.0, abs=1.0)]


@pytest.mark.parametrize("header", ["Retry-After", "Backoff"])
def test_a_wait_beyond_max_wait_stops_with_the_time_to_retry(header: str) -> None:
    transport, seen = scripted(status(429, **{header: "299"}), ok())
    clock = FakeClock()
    c = conduct(transport, clock, max_wait=60)
    with pytest.raises(WaitTooLong) as err:
        c.request("GET", "/x")
    assert clock.sleeps == [] or header == "Backoff"
    message = str(err.value)
    assert message.startswith(f"Example asked to wait 299 s ({header}), longer than the 60 s "
                              "allowed (--max-wait); try again after ")
    assert message.endswith(" UTC") and "\n" not in message
    assert err.value.until == pytest.approx(WALL + 100 + 299, abs=1)
    # The breaker is open: nothing more is sent.
    with pytest.raises(Stopped):
        c.request("GET", "/y")
    assert len(seen) == 1
    assert sum(clock.sleeps) < 60


def test_backoff_on_a_success_holds_back_the_next_request() -> None:
    transport, _ = scripted(ok(**{"Backoff": "5"}), ok())
    clock = FakeClock()
    c = conduct(transport, clock)
    c.request("GET", "/a")
    assert clock.sleeps == []
    c.request("GET", "/b")
    assert clock.sleeps == [5.0]


def test_a_backoff_beyond_max_wait_stops_before_the_next_request() -> None:
    transport, seen = scripted(ok(**{"Backoff": "3600"}), ok())
    c = conduct(transport, max_wait=60)
    assert c.request("GET", "/a").status == 200      # the answer itself is good
    with pytest.raises(WaitTooLong, match=r"wait 3600 s \(Backoff\)"):
        c.request("GET", "/b")
    assert len(seen) == 1


def test_retry_after_holds_back_every_thread() -> None:
    """A not-before time set by one request delays the others' next start."""
    transport, _ = scripted(status(429, **{"Retry-After": "9"}), ok())
    clock = FakeClock()
    c = conduct(transport, clock)
    c._hold_back(9.0, "Retry-After")  # as another thread's 429 would
    c.request("GET", "/x")
    assert clock.sleeps[0] == 9.0


# -- an adapter's own rules: pacing, and answers that say "not now" ------------------

def test_pace_is_held_around_every_exchange_retries_included() -> None:
    """The pace wraps each exchange (first try and retries), never the
    backoff between them: the service's rule is about requests."""
    events: list[str] = []

    class Pace:
        def __enter__(self) -> None:
            events.append("enter")

        def __exit__(self, *exc: object) -> None:
            events.append("exit")

    def answer(request: httpx2.Request) -> httpx2.Response:
        events.append("send")
        return status(503) if events.count("send") == 1 else ok()

    transport, _ = scripted(answer)
    clock = FakeClock()
    c = Conduct("Example", BASE, clock=clock, rand=lambda: 1.0, transport=transport,
                pace=Pace)
    assert c.request("GET", "/x").status == 200
    assert events == ["enter", "send", "exit", "enter", "send", "exit"]
    assert clock.sleeps == [0.5]


def test_a_cancel_during_the_pace_sends_nothing() -> None:
    transport, seen = scripted(ok())
    holder: list[Conduct] = []

    class Pace:
        def __enter__(self) -> None:
            holder[0].cancel()          # as Ctrl-C during the pacing wait

        def __exit__(self, *exc: object) -> None:
            pass

    c = Conduct("Example", BASE, clock=FakeClock(), transport=transport, pace=Pace)
    holder.append(c)
    with pytest.raises(Stopped, match="cancelled"):
        c.request("GET", "/x")
    assert seen == []


def _rate_exceeded(answer: Any) -> str | None:
    return '"Rate exceeded."' if answer.body.strip() == b"Rate exceeded." else None


def test_an_answer_the_adapter_calls_not_now_is_retried_whatever_its_status() -> None:
    throttled = httpx2.Response(200, text="Rate exceeded.", headers={"Retry-After": "7"})
    transport, seen = scripted(throttled, ok())
    clock = FakeClock()
    c = Conduct("Example", BASE, clock=clock, rand=lambda: 1.0, transport=transport,
                not_now=_rate_exceeded)
    assert c.request("GET", "/x").status == 200
    assert len(seen) == 2 and c.retries == 1
    assert clock.sleeps == [7.0]                       # its Retry-After is honoured


def test_not_now_to_the_end_gives_up_naming_the_reason() -> None:
    transport, seen = scripted(httpx2.Response(200, text="Rate exceeded."))
    c = Conduct("Example", BASE, policy=Policy(attempts=3), clock=FakeClock(),
                transport=transport, not_now=_rate_exceeded)
    with pytest.raises(GaveUp) as err:
        c.request("GET", "/x")
    assert err.value.last == '"Rate exceeded."' and err.value.attempts == 3
    assert len(seen) == 3


def test_not_now_leaves_other_answers_alone() -> None:
    transport, seen = scripted(status(404))
    c = Conduct("Example", BASE, clock=FakeClock(), transport=transport,
                not_now=_rate_exceeded)
    assert c.request("GET", "/x").status == 404 and len(seen) == 1


# -- what is retried, and what stops at once -------------------------------------------

@pytest.mark.parametrize("exc", [
    connect_error(), httpx2.ConnectTimeout("timed out"), httpx2.ReadTimeout("timed out"),
    httpx2.RemoteProtocolError("Server disconnected without sending a response."),
], ids=["refused", "connect-timeout", "read-timeout", "dropped"])
def test_before_a_first_answer_no_transport_failure_is_retried(exc: Exception) -> None:
    transport, seen = scripted(exc, ok())
    clock = FakeClock()
    c = conduct(transport, clock)
    with pytest.raises(Unreachable) as err:
        c.request("GET", "/x")
    assert str(err.value).startswith(f"cannot reach Example at {BASE} (")
    assert len(seen) == 1 and clock.sleeps == []
    with pytest.raises(Unreachable):   # the breaker is open
        c.request("GET", "/y")
    assert len(seen) == 1


@pytest.mark.parametrize("exc", [
    connect_error(), httpx2.ReadTimeout("timed out"),
    httpx2.RemoteProtocolError("Server disconnected without sending a response."),
    httpx2.ReadError("reset by peer"),
], ids=["refused", "read-timeout", "dropped", "reset"])
def test_after_a_first_answer_transport_failures_are_retried(exc: Exception) -> None:
    transport, seen = scripted(ok(), exc, ok())
    c = conduct(transport)
    c.request("GET", "/first")
    assert c.request("GET", "/x").status == 200
    assert len(seen) == 3 and c.retries == 1


def test_timeouts_are_retried_only_while_the_policy_allows() -> None:
    transport, seen = scripted(ok(), httpx2.ReadTimeout("timed out"))
    c = conduct(transport, timeouts=2, attempts=5)
    c.request("GET", "/first")
    with pytest.raises(GaveUp, match="ReadTimeout: nothing received for 20 s"):
        c.request("GET", "/x")
    assert len(seen) == 3                 # the answer, then two timeouts: no third


def test_the_retry_budget_bounds_a_request() -> None:
    transport, seen = scripted(ok(), status(503, **{"Retry-After": "50"}))
    clock = FakeClock()
    c = conduct(transport, clock, budget=90, attempts=10)
    c.request("GET", "/first")
    with pytest.raises(GaveUp, match="gave up after 50 s"):
        c.request("GET", "/x")
    assert sum(clock.sleeps) <= 90


def test_a_malformed_url_or_path_is_refused_before_sending() -> None:
    transport, seen = scripted(ok())
    with pytest.raises(BadRequest, match="cannot use notaurl as the Example URL"):
        Conduct("Example", "notaurl", transport=transport).request("GET", "/x")
    c = conduct(transport)
    for path in ("/groups/1/../users/1", "/a/%2e%2e/b", "/a/%2F/b", "relative", "/a b",
                 "/x?y=1", "/a/./b", "/a\\b"):
        with pytest.raises(BadRequest):
            c.request("GET", path)
    assert seen == []


def test_breaker_opens_after_failures_in_a_row_and_a_success_resets_it() -> None:
    transport, seen = scripted(ok(), status(500), ok(), status(500), status(500))
    c = conduct(transport, attempts=1, breaker_limit=2)
    c.request("GET", "/ok")
    with pytest.raises(GaveUp):
        c.request("GET", "/a")
    assert c.request("GET", "/b").status == 200
    with pytest.raises(GaveUp):
        c.request("GET", "/c")
    with pytest.raises(Stopped, match=r"2 requests in a row failed \(last: HTTP 500\)"):
        c.request("GET", "/d")
    count = len(seen)
    with pytest.raises(Stopped):
        c.request("GET", "/e")
    assert len(seen) == count and c.stopped


def test_cancel_ends_waits_and_stops_every_request() -> None:
    transport, seen = scripted(ok())
    clock = FakeClock()
    c = conduct(transport, clock)
    c.cancel()
    assert clock.cancelled
    with pytest.raises(Stopped, match="cancelled"):
        c.request("GET", "/x")
    assert seen == []


# -- the answer: size cap, JSON, surrogates -------------------------------------------

def test_a_declared_size_over_the_cap_is_refused_unread() -> None:
    def huge(_: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"Content-Length": str(10 << 30)},
                               stream=httpx2.ByteStream(b""))

    transport, _ = scripted(huge)
    with pytest.raises(TooLarge, match=r"is 10240\.0 MB, over the 1\.0 MB limit"):
        conduct(transport, max_bytes=1 << 20).request("GET", "/x")


def test_an_undeclared_size_is_cut_off_at_the_cap_while_streaming() -> None:
    pulled = []

    def chunks() -> Any:
        for n in range(10_000):      # 640 MB if it were all read
            pulled.append(n)
            yield b"x" * 65536

    class Endless(httpx2.SyncByteStream):
        def __iter__(self) -> Any:
            return chunks()

    transport, _ = scripted(lambda _: httpx2.Response(200, stream=Endless()))
    with pytest.raises(TooLarge, match="over the 1.0 MB limit; refused without reading"):
        conduct(transport, max_bytes=1 << 20).request("GET", "/x")
    assert len(pulled) <= 17          # 1 MB and one chunk more, not 640 MB


def test_a_larger_cap_per_request() -> None:
    transport, _ = scripted(httpx2.Response(200, content=b"x" * 2000))
    c = conduct(transport, max_bytes=1000)
    assert len(c.request("GET", "/x", max_bytes=4000).body) == 2000


@pytest.mark.parametrize(("body", "message"), [
    (b"{", "is not valid JSON (Expecting property name"),
    (b"\xff\xfe{}", "is not UTF-8 text"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"v": NaN}', "NaN is no JSON number"),
    (b'{"v": ' + b"9" * 5000 + b"}", "is not valid JSON"),
])
def test_malformed_json_is_one_line(body: bytes, message: str) -> None:
    transport, _ = scripted(httpx2.Response(200, content=body))
    answer = conduct(transport).request("GET", "/x")
    with pytest.raises(BadAnswer) as err:
        answer.json()
    assert message in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("Example's answer to GET /x ")


def test_lone_surrogates_are_dropped_from_json() -> None:
    body = (b'{"title": ["ok", "bad \\ud800 text"], "ok": "pair \\ud83d\\ude00",'
            b' "bad \\udfff key": 1, "deep": [[{"x": "\\udc00"}]]}')
    transport, _ = scripted(httpx2.Response(200, content=body))
    answer = conduct(transport).request("GET", "/x")
    data = answer.json()
    assert data == {"title": ["ok", None], "ok": "pair \U0001f600", "deep": [[{"x": None}]]}
    assert answer.dropped == 3
    json.dumps(data, ensure_ascii=False).encode("utf-8")  # encodable now


def test_link_header_parsing() -> None:
    header = ('<https://api.zotero.org/groups/1/items?start=100&limit=100>; rel="next", '
              '<https://api.zotero.org/groups/1/items?start=400>; rel="last", '
              '<https://www.zotero.org/groups/1/items>; rel="alternate"')
    assert parse_links(header) == {
        "next": "https://api.zotero.org/groups/1/items?start=100&limit=100",
        "last": "https://api.zotero.org/groups/1/items?start=400",
        "alternate": "https://www.zotero.org/groups/1/items"}
    assert parse_links("garbage <") == {} and parse_links("") == {}
    assert parse_links("<a>; rel=next prev") == {"next": "a", "prev": "a"}


# -- the origin, redirects, secrets ---------------------------------------------------

def test_on_origin_accepts_only_the_configured_scheme_host_and_port() -> None:
    transport, _ = scripted(ok())
    c = Conduct("Example", "https://api.example.org/base", transport=transport)
    assert c.on_origin("https://API.example.org:443/base/groups/1?start=5&x=%2F") == \
        ("/groups/1", [("start", "5"), ("x", "/")])
    for url in ("http://api.example.org/base/groups/1", "https://api.example.org:444/base/g",
                "https://evil.example.org/base/g", "https://api.example.org/other/g",
                "https://user:pw@api.example.org/base/g", "//api.example.org/base/g",
                "https://api.example.org/basement/g", "javascript:alert(1)"):
        assert c.on_origin(url) is None, url


def test_redirects_are_never_followed() -> None:
    transport, seen = scripted(httpx2.Response(302, headers={"Location": "https://evil.org/"}))
    answer = conduct(transport).request("GET", "/x")
    assert answer.status == 302 and len(seen) == 1


def test_secrets_are_scrubbed_from_every_message() -> None:
    transport, _ = scripted(httpx2.ConnectError("cannot connect with sekret-key-123"))
    with pytest.raises(Unreachable) as err:
        conduct(transport).request("GET", "/x")
    assert "sekret-key-123" not in str(err.value) and "***" in str(err.value)


def test_requests_go_to_the_base_url_with_the_headers() -> None:
    transport, seen = scripted(ok())
    Conduct("Example", "https://api.example.org/v1/", transport=transport,
            headers={"X-Api-Key": "k"}).request("GET", "/works/10.1%23a", params={"q": "a b"})
    assert str(seen[0].url) == "https://api.example.org/v1/works/10.1%23a?q=a+b"
    assert seen[0].headers["x-api-key"] == "k"


@pytest.mark.parametrize("bad", [
    {"attempts": 0}, {"deadline": 0}, {"backoff": -1}, {"max_wait": float("nan")},
    {"read_timeout": float("inf")},
])
def test_a_policy_with_unbounded_numbers_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Policy(**bad)


_TRANSPORT_PROBE = """
import importlib.util, json, sys
import ssl_bib.cli
ssl_bib.cli.MAIN_RUNNING = {command_line}
from ssl_bib.conduct import Conduct
Conduct("Probe", "https://api.example.org").close()
loaded = sorted(m for m in ("trio", "anyio") if m in sys.modules)
installed = [m for m in ("trio", "anyio") if importlib.util.find_spec(m)]
for name in installed:
    __import__(name)  # still importable afterwards
print(json.dumps([loaded, installed]))
"""


@pytest.mark.parametrize("command_line", [True, False])
def test_the_command_lines_transport_loads_no_async_back_end(command_line: bool) -> None:
    """In the command line's process (cli.main) httpcore2 is loaded without
    trio and anyio, which only its async clients use and which cost a small
    command more than the rest of its run; a later import of either still
    works. A library user's process (no cli.main) loads httpcore2 as it is."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _TRANSPORT_PROBE.format(
        command_line=command_line)], capture_output=True, text=True, check=True)
    loaded, installed = json.loads(done.stdout)
    assert loaded == ([] if command_line else sorted(installed))
