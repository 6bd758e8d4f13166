"""The deadline transport against real sockets: servers that trickle their
headers or body, never answer, speak no TLS, or a resolver that hangs. Each
test bounds the time the conduct takes (generously: the bound is the point,
not the speed)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from ssl_bib.conduct import Conduct, GaveUp, Policy, Stopped, TooLarge, Unreachable
from ssl_bib.conduct.deadline import make_transport

Behaviour = Callable[[socket.socket], None]


@contextmanager
def rude_server(behaviour: Behaviour) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that treats every connection with `behaviour`."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            threading.Thread(target=_guarded, args=(behaviour, conn), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def _guarded(behaviour: Behaviour, conn: socket.socket) -> None:
    try:
        conn.recv(65536)
        behaviour(conn)
    except OSError:
        pass
    finally:
        conn.close()


def trickle(prefix: bytes, interval: float = 0.05, limit: float = 20.0) -> Behaviour:
    def behave(conn: socket.socket) -> None:
        conn.sendall(prefix)
        ends = time.monotonic() + limit
        while time.monotonic() < ends:
            conn.sendall(b"a")
            time.sleep(interval)
    return behave


def silent(conn: socket.socket) -> None:
    time.sleep(20)


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"


def answer(conn: socket.socket) -> None:
    conn.sendall(OK)


def timed(conduct: Conduct, path: str = "/x") -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        conduct.request("GET", path)
    except Exception as exc:  # noqa: BLE001 - returned for the test to check
        return time.monotonic() - started, exc
    return time.monotonic() - started, None


def make(url: str, **rules: Any) -> Conduct:
    policy = Policy(**{"read_timeout": 0.3, "deadline": 1.0, "connect_timeout": 0.5,
                       "backoff": 0.01, **rules})
    return Conduct("Example", url, policy=policy)


@pytest.mark.parametrize(("name", "prefix"), [
    ("headers", b"HTTP/1.1 200 OK\r\nX-Slow: "),
    ("body", b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"),
])
def test_a_trickle_never_tripping_the_read_timeout_is_cut_at_the_deadline(
        name: str, prefix: bytes) -> None:
    """A byte every 50 ms: no read ever waits 0.6 s (12 bytes' time, so a
    busy machine's stall does not trip it), yet the exchange ends at its
    1.5 s deadline, whether the trickle is in the headers or the body."""
    with rude_server(trickle(prefix)) as url:
        took, error = timed(make(url, read_timeout=0.6, deadline=1.5))
    assert isinstance(error, Unreachable), error
    assert "no complete answer within 1.5 s" in str(error)
    assert 1.4 <= took < 2.5


def test_a_trickle_after_a_first_answer_is_retried_within_the_policy() -> None:
    calls = []

    def behave(conn: socket.socket) -> None:
        calls.append(1)
        if len(calls) == 1:
            answer(conn)
        else:
            trickle(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")(conn)

    with rude_server(behave) as url:
        conduct = make(url, timeouts=2)
        conduct.request("GET", "/first")
        took, error = timed(conduct)
    assert isinstance(error, GaveUp | Stopped), error
    assert len(calls) == 3                       # the answer, then two timed-out exchanges
    assert 1.9 <= took < 3.5


def test_silence_ends_at_the_read_timeout() -> None:
    with rude_server(silent) as url:
        took, error = timed(make(url, read_timeout=0.4, deadline=5))
    assert isinstance(error, Unreachable) and "nothing received for 0.4 s" in str(error)
    assert 0.35 <= took < 1.5


def test_a_refused_connection_ends_at_once() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    took, error = timed(Conduct("Example", f"http://127.0.0.1:{port}"))
    assert isinstance(error, Unreachable) and "refused" in str(error).lower()
    assert took < 2.0


def test_tls_to_a_server_that_speaks_none_ends_at_once() -> None:
    with rude_server(answer) as url:
        took, error = timed(Conduct("Example", url.replace("http:", "https:")))
    assert isinstance(error, Unreachable), error
    assert str(error).startswith(f"cannot reach Example at {url.replace('http:', 'https:')} (")
    assert "SSL" in str(error) or "TLS" in str(error) or "ssl" in str(error)
    assert took < 2.0


def test_an_unknown_host_ends_at_once() -> None:
    took, error = timed(Conduct("Example", "http://no-such-host.invalid"))
    assert isinstance(error, Unreachable) and "no-such-host.invalid" in str(error)
    assert took < 2.0


def test_a_resolver_that_hangs_is_not_waited_for() -> None:
    def hanging(*_: Any, **__: Any) -> list[Any]:
        time.sleep(10)
        return []

    conduct = Conduct("Example", "http://slow-dns.example",
                      policy=Policy(connect_timeout=0.3),
                      transport=make_transport(resolver=hanging))
    took, error = timed(conduct)
    assert isinstance(error, Unreachable) and "resolving slow-dns.example took more" \
        in str(error)
    assert took < 1.5


def test_the_resolver_addresses_are_tried_in_turn() -> None:
    with rude_server(answer) as url:
        port = int(url.rsplit(":", 1)[1])

        def two(*_: Any, **__: Any) -> list[Any]:
            dead = ("127.0.0.2", port) if _can_bind("127.0.0.2") else ("192.0.2.1", port)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", dead),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

        conduct = Conduct("Example", f"http://two.example:{port}",
                          policy=Policy(connect_timeout=0.5),
                          transport=make_transport(resolver=two))
        assert conduct.request("GET", "/x").status == 200


def _can_bind(host: str) -> bool:
    try:
        with socket.socket() as sock:
            sock.bind((host, 0))
    except OSError:
        return False
    return True


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
def test_a_gigabyte_is_refused_without_reading_it(chunked: bool) -> None:
    block = b"x" * 65536

    def pour(conn: socket.socket) -> None:
        head = b"Transfer-Encoding: chunked" if chunked else b"Content-Length: 1073741824"
        conn.sendall(b"HTTP/1.1 200 OK\r\n" + head + b"\r\n\r\n")
        for _ in range(1 << 14):
            conn.sendall(b"10000\r\n" + block + b"\r\n" if chunked else block)

    with rude_server(pour) as url:
        conduct = make(url, max_bytes=1 << 20, deadline=10)
        took, error = timed(conduct)
    assert isinstance(error, TooLarge | Stopped), error
    assert "limit" in str(error) and took < 3.0
