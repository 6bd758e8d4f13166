"""The arXiv client against the local server: the terms of use (3 s apart,
one connection at a time, across processes), throttling, errors, the cache.
Every wait runs on a fake clock; the interval under test is the real 3 s."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest

from ssl_bib.arxiv.client import (
    ArxivError,
    ArxivRefused,
    ArxivStopped,
    ArxivUnreachable,
    default_policy,
)
from ssl_bib.arxiv.pacing import DEFAULT_INTERVAL, Pacer
from tests.arxiv.arxiv_helpers import FakeClock, make_client
from tests.arxiv.arxiv_server import ArxivServer, Fault


def test_the_default_interval_is_three_seconds() -> None:
    assert DEFAULT_INTERVAL == 3.0
    assert Pacer().interval == 3.0


def test_requests_are_three_seconds_apart_on_the_real_default(server: ArxivServer,
                                                             clock: FakeClock) -> None:
    client = make_client(server.url, clock)
    start = clock.t
    assert client.lookup("2111.06377") is not None
    assert clock.sleeps == []                      # the first request never waits
    assert client.lookup("2012.06457") is not None
    assert clock.sleeps == [pytest.approx(3.0)]
    assert clock.t - start == pytest.approx(3.0)
    assert len(server.log) == 2


def test_the_interval_counts_from_the_end_of_the_last_request(clock: FakeClock) -> None:
    pacer = Pacer(clock=clock.time, sleep=clock.sleep)
    with pacer.turn():
        clock.t += 1.0                            # a request that took 1 s
    clock.t += 2.5                                # the caller's own work
    with pacer.turn():
        pass
    assert clock.sleeps == [pytest.approx(0.5)]


def test_the_interval_holds_across_processes(tmp_path: Path, clock: FakeClock) -> None:
    """Two pacers (two `ssl-bib add` processes in a shell loop) sharing the
    state file in the cache folder wait for each other."""
    state = tmp_path / "arxiv" / "last-request"
    first = Pacer(clock=clock.time, sleep=clock.sleep, state_file=state)
    second = Pacer(clock=clock.time, sleep=clock.sleep, state_file=state)
    with first.turn():
        pass
    with second.turn():
        pass
    assert clock.sleeps == [pytest.approx(3.0)]


def test_a_clock_set_back_waits_one_interval_not_more(tmp_path: Path,
                                                     clock: FakeClock) -> None:
    state = tmp_path / "last-request"
    state.write_text(f"{clock.t + 10_000:.6f}\n")
    with Pacer(clock=clock.time, sleep=clock.sleep, state_file=state).turn():
        pass
    assert clock.sleeps == [pytest.approx(3.0)]


def test_one_connection_at_a_time_from_many_threads(server: ArxivServer) -> None:
    """Counted on the client's side: each exchange from its send to the end
    of its answer, none overlapping another."""
    from tests.client_probe import ProbeTransport

    probe = ProbeTransport()
    client = make_client(server.url, FakeClock(), pacer=Pacer(interval=0.0), transport=probe)
    ids = ["2111.06377", "2012.06457", "2010.05352", "2006.03829", "2002.05709"]
    # Each answer takes 50 ms: requests sent at once would overlap.
    server.fail_next(*[Fault("slow", delay=0.05) for _ in ids])
    threads = [threading.Thread(target=client.lookup, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(server.log) == len(probe.exchanges) == 5
    assert all(e.closed for e in probe.exchanges)
    assert probe.max_in_flight() == 1


@pytest.mark.parametrize("status", [429, 503, 200])
def test_rate_exceeded_is_waited_out_and_asked_again(server: ArxivServer, clock: FakeClock,
                                                    status: int) -> None:
    server.fail_next(Fault("rate", status=status))
    client = make_client(server.url, clock)
    record = client.lookup("2111.06377")
    assert record is not None and record.title == "Masked Autoencoders Are Scalable Vision Learners"
    assert len(server.log) == 2 and client.retries == 1
    # The retry came no sooner than arXiv's 3 s (backoff 3 s with jitter 0.5: 2.25 s,
    # then the pacer adds what is missing).
    assert sum(clock.sleeps) == pytest.approx(3.0)


def test_a_retry_after_is_honoured(server: ArxivServer, clock: FakeClock) -> None:
    server.fail_next(Fault("rate", status=429, retry_after="20"))
    make_client(server.url, clock).lookup("2111.06377")
    assert clock.sleeps[0] == pytest.approx(20.0)


def test_a_retry_after_of_hours_stops_at_once(server: ArxivServer, clock: FakeClock) -> None:
    server.fail_next(Fault("rate", status=429, retry_after="7200"))
    with pytest.raises(ArxivError, match="asked to wait 7200 s"):
        make_client(server.url, clock).lookup("2111.06377")
    assert len(server.log) == 1


def test_throttling_that_never_ends_is_one_clear_error(server: ArxivServer,
                                                      clock: FakeClock) -> None:
    server.fail_next(*[Fault("rate") for _ in range(4)])
    with pytest.raises(ArxivError, match=r"throttling requests \(\"Rate exceeded.\" 4 times\)"):
        make_client(server.url, clock).lookup("2111.06377")
    assert len(server.log) == 4
    # Backoff 2.25, 4.5, 9 s (3 s doubling, jitter 0.5): never below the 3 s interval.
    gaps = [b.started - a.finished for a, b in zip(server.log, server.log[1:], strict=False)]
    assert len(gaps) == 3
    assert clock.sleeps == pytest.approx([2.25, 0.75, 4.5, 9.0])


@pytest.mark.parametrize("kind", ["500", "503"])
def test_server_errors_are_retried(server: ArxivServer, clock: FakeClock, kind: str) -> None:
    server.fail_next(Fault(kind))
    assert make_client(server.url, clock).lookup("2010.05352") is not None
    assert len(server.log) == 2


def test_a_dropped_connection_is_retried_once_arxiv_has_answered(server: ArxivServer,
                                                                 clock: FakeClock) -> None:
    client = make_client(server.url, clock)
    assert client.lookup("2111.06377") is not None
    server.fail_next(Fault("drop"))
    assert client.lookup("2010.05352") is not None
    assert len(server.log) == 3 and client.retries == 1


def test_a_dropped_connection_before_any_answer_stops_at_once(server: ArxivServer,
                                                              clock: FakeClock) -> None:
    """The conduct's rule: before a service has answered once, a failure to
    get an answer says the URL or the network is wrong; retrying would only
    delay saying so."""
    server.fail_next(Fault("drop"))
    client = make_client(server.url, clock)
    with pytest.raises(ArxivUnreachable, match=f"cannot reach arXiv at {server.url} "):
        client.lookup("2010.05352")
    assert len(server.log) == 1 and clock.sleeps == []


@pytest.mark.parametrize("status", [200, 400])
def test_the_error_entry_is_a_refusal_not_retried(clock: FakeClock, status: int) -> None:
    with ArxivServer([], error_status=status) as server:
        with pytest.raises(ArxivRefused, match="incorrect id format for 1234.12345"):
            make_client(server.url, clock).lookup("1234.12345")
        assert len(server.log) == 1


@pytest.mark.parametrize("old_shape", [False, True])
def test_an_unknown_id_is_none(clock: FakeClock, old_shape: bool) -> None:
    with ArxivServer([], old_not_found=old_shape) as server:
        assert make_client(server.url, clock).lookup("2401.99999") is None


@pytest.mark.parametrize("style", ["manual", "recorded", "prefix"])
def test_every_namespace_style_reads_the_same(clock: FakeClock, style: str) -> None:
    from tests.arxiv.arxiv_corpus import MODELS_GENESIS

    with ArxivServer([MODELS_GENESIS], style=style) as server:
        record = make_client(server.url, clock).lookup("2004.07882")
    assert record is not None
    assert record.doi == "10.1016/j.media.2020.101840"
    assert record.primary_class == "eess.IV"
    assert (record.version, record.year) == (2, 2020)


def test_answers_are_cached_and_asked_once(server: ArxivServer, clock: FakeClock,
                                           tmp_path: Path) -> None:
    for _ in range(3):
        assert make_client(server.url, clock, cache=tmp_path).lookup("2111.06377") is not None
        assert make_client(server.url, clock, cache=tmp_path).lookup("2401.99999") is None
    assert len(server.log) == 2


def _age_cache(folder: Path, seconds: float) -> None:
    for path in folder.rglob("*.json"):
        data = json.loads(path.read_text())
        data["saved"] -= seconds
        path.write_text(json.dumps(data))


def test_a_bare_ids_answer_is_kept_a_day(server: ArxivServer, clock: FakeClock,
                                         tmp_path: Path) -> None:
    make_client(server.url, clock, cache=tmp_path).lookup("2111.06377")
    _age_cache(tmp_path, 23 * 3600)
    make_client(server.url, clock, cache=tmp_path).lookup("2111.06377")
    assert len(server.log) == 1
    _age_cache(tmp_path, 2 * 3600)
    make_client(server.url, clock, cache=tmp_path).lookup("2111.06377")
    assert len(server.log) == 2


def test_a_versioned_ids_answer_is_kept_for_good(server: ArxivServer, clock: FakeClock,
                                                 tmp_path: Path) -> None:
    make_client(server.url, clock, cache=tmp_path).lookup("2111.06377v2")
    _age_cache(tmp_path, 400 * 24 * 3600)
    record = make_client(server.url, clock, cache=tmp_path).lookup("2111.06377v2")
    assert record is not None and record.version == 2
    assert len(server.log) == 1


def test_refresh_asks_again(server: ArxivServer, clock: FakeClock, tmp_path: Path) -> None:
    make_client(server.url, clock, cache=tmp_path).lookup("2111.06377")
    make_client(server.url, clock, cache=tmp_path, refresh=True).lookup("2111.06377")
    assert len(server.log) == 2


def test_errors_and_throttling_are_never_cached(server: ArxivServer, clock: FakeClock,
                                                tmp_path: Path) -> None:
    with pytest.raises(ArxivRefused):
        make_client(server.url, clock, cache=tmp_path).lookup("9999.99999")
    assert list(tmp_path.rglob("*.json")) == []


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("where", ["refused", "unknown-host", "tls"])
def test_an_unreachable_arxiv_fails_at_once(server: ArxivServer, clock: FakeClock,
                                            where: str) -> None:
    url = {"refused": f"http://127.0.0.1:{_closed_port()}",
           "unknown-host": "http://no-such-host.invalid:8080",
           "tls": server.url.replace("http:", "https:")}[where]
    client = make_client(url, clock)
    started = time.monotonic()
    with pytest.raises(ArxivUnreachable, match=f"^cannot reach arXiv at {url} \\(") as err:
        client.lookup("2111.06377")
    assert time.monotonic() - started < 2.0
    assert "\n" not in str(err.value)
    assert client.requests == 1 and clock.sleeps == []
    with pytest.raises(ArxivUnreachable):               # the run is over: nothing more sent
        client.lookup("2012.06457")
    assert client.requests == 1


# -- the conduct's bounds: deadline per exchange, size cap, --max-wait ----------------------

def test_a_trickling_answer_is_cut_at_the_deadline(server: ArxivServer,
                                                   clock: FakeClock) -> None:
    """A byte every 0.2 s never trips the 1 s read timeout; the exchange's
    whole deadline (1.5 times it) ends it."""
    server.fail_next(Fault("slowloris"))
    client = make_client(server.url, clock, policy=default_policy(read_timeout=1.0))
    started = time.monotonic()
    with pytest.raises(ArxivUnreachable, match=r"no complete answer within 1.5 s"):
        client.lookup("2111.06377")
    assert 1.4 <= time.monotonic() - started < 2.5


@pytest.mark.parametrize("kind", ["huge", "huge-chunked"])
def test_a_gigabyte_answer_is_refused_unread(server: ArxivServer, clock: FakeClock,
                                             kind: str, tmp_path: Path) -> None:
    server.fail_next(Fault(kind))
    client = make_client(server.url, clock, cache=tmp_path)
    started = time.monotonic()
    with pytest.raises(ArxivError, match=r"arXiv's answer to GET /api/query is .*over the "
                                         r"1.0 MB limit"):
        client.lookup("2111.06377")
    assert time.monotonic() - started < 2.0
    assert list(tmp_path.rglob("*.json")) == []
    # arXiv did answer: the next lookup is asked, not refused.
    assert client.lookup("2012.06457") is not None


@pytest.mark.parametrize("limit", [10.0, 30.0])
def test_the_wait_limit_is_the_policys(server: ArxivServer, clock: FakeClock,
                                       limit: float) -> None:
    server.fail_next(Fault("rate", status=503, retry_after="20"))
    client = make_client(server.url, clock, policy=default_policy(max_wait=limit))
    if limit < 20:
        with pytest.raises(ArxivStopped, match=r"arXiv asked to wait 20 s \(Retry-After\), "
                                               r"longer than the 10 s allowed"):
            client.lookup("2111.06377")
        assert len(server.log) == 1
    else:
        assert client.lookup("2111.06377") is not None
        assert clock.sleeps[0] == pytest.approx(20.0)


def test_failing_request_after_request_stops_the_run(server: ArxivServer,
                                                     clock: FakeClock) -> None:
    """The conduct's breaker: after 3 lookups failed for good in a row, the
    next is not sent."""
    client = make_client(server.url, clock)
    assert client.lookup("2111.06377") is not None
    server.fail_next(*[Fault("500") for _ in range(12)])
    for arxiv_id in ("2012.06457", "2010.05352"):
        with pytest.raises(ArxivError, match=r"arXiv failed GET /api/query 4 times \(last: "
                                             r"HTTP 500\)"):
            client.lookup(arxiv_id)
    with pytest.raises(ArxivStopped, match=r"3 requests in a row failed"):
        client.lookup("2006.03829")
    sent = len(server.log)
    with pytest.raises(ArxivStopped):
        client.lookup("2002.05709")
    assert len(server.log) == sent == 13


def test_the_contact_address_goes_in_the_user_agent(server: ArxivServer,
                                                    clock: FakeClock) -> None:
    make_client(server.url, clock, mailto="lab@example.org").lookup("2111.06377")
    assert "mailto:lab@example.org" in server.log[0].user_agent
    assert server.log[0].params["id_list"] == ["2111.06377"]
