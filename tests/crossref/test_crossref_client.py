"""The Crossref client against the local server: answers, cache, retries with
backoff, Retry-After, the circuit breaker, bounded concurrency."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx2
import pytest

from ssl_bib.conduct import Policy
from ssl_bib.crossref.cache import ResponseCache, default_cache_dir
from ssl_bib.crossref.client import CircuitOpen, CrossrefClient, CrossrefError
from tests.crossref.crossref_server import CrossrefServer, Fault

DOI = "10.1007/978-3-030-32251-9_42"


POLICY_FIELDS = {"attempts", "backoff", "read_timeout", "deadline", "breaker_limit", "max_wait",
                 "timeouts", "max_bytes", "budget"}


def make_client(server: CrossrefServer, tmp_path: Path, **kwargs: object) -> CrossrefClient:
    """A client of the server, whose waits are recorded instead of slept
    (unless `sleep` is given); Policy fields may be given as keywords."""
    waits: list[float] = []
    rules: dict[str, object] = {"attempts": 4, "backoff": 0.01, "read_timeout": 2.0}
    rules.update({k: v for k, v in kwargs.items() if k in POLICY_FIELDS})
    options: dict[str, object] = {
        "base_url": server.url, "mailto": "lab@example.org",
        "cache": ResponseCache(tmp_path / "cache"),
        "policy": Policy(**rules),  # type: ignore[arg-type]
        "sleep": waits.append, "rand": lambda: 1.0}
    options.update({k: v for k, v in kwargs.items() if k not in POLICY_FIELDS})
    return CrossrefClient(**options)  # type: ignore[arg-type]


# -- the server speaks like Crossref ----------------------------------------------

def test_server_shapes_404_400_and_rate_limit_headers(server: CrossrefServer) -> None:
    missing = httpx2.get(f"{server.url}/works/10.1371/notarealdoi")
    assert missing.status_code == 404
    assert missing.text == "Resource not found."
    assert missing.headers["content-type"] == "text/plain"
    refused = httpx2.get(f"{server.url}/works/{DOI}", params={"query.author": "zhou"})
    assert refused.status_code == 400
    body = refused.json()
    assert body["status"] == "failed" and body["message-type"] == "validation-failure"
    assert body["message"][0]["type"] == "parameter-not-allowed"
    ok = httpx2.get(f"{server.url}/works/{DOI}",
                    headers={"User-Agent": "habanero (mailto:a@example.org)"})
    assert ok.json()["message-type"] == "work"
    assert ok.json()["message-version"] == "1.0.0"
    assert ok.headers["x-api-pool"] == "polite"
    assert ok.headers["x-concurrency-limit"] == "3"
    assert ok.headers["x-rate-limit-limit"] == "10"
    assert ok.headers["x-rate-limit-interval"] == "1s"
    public = httpx2.get(f"{server.url}/works/{DOI}")
    assert public.headers["x-api-pool"] == "public"
    assert public.headers["x-concurrency-limit"] == "1"


def test_search_answers_a_scored_work_list(server: CrossrefServer, tmp_path: Path) -> None:
    client = make_client(server, tmp_path)
    items = client.search("Models Genesis Generic Autodidactic Models 2019", rows=3)
    assert 1 <= len(items) <= 3
    assert items[0]["DOI"] == DOI
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    logged = server.log[0]
    assert logged.path == "/works"
    assert logged.params["rows"] == ["3"]
    assert "query.bibliographic" in logged.params
    assert "DOI" in logged.params["select"][0].split(",")
    assert "mailto:lab@example.org" in logged.user_agent


def test_alternative_id_filter(server: CrossrefServer, tmp_path: Path) -> None:
    client = make_client(server, tmp_path)
    items = client.by_alternative_id("S1361841520301109")
    assert [i["DOI"] for i in items] == ["10.1016/j.media.2020.101746"]
    assert server.log[0].params["filter"] == ["alternative-id:S1361841520301109"]


def test_field_query_on_a_doi_route_is_refused_without_retry(
        server: CrossrefServer, tmp_path: Path) -> None:
    client = make_client(server, tmp_path)

    with pytest.raises(CrossrefError, match="refused: HTTP 400: This route does not support "
                                            "field query parameters"):
        client._get("bad", {}, f"/works/{DOI}", {"query.author": "zhou"})
    assert len(server.log) == 1


# -- cache ----------------------------------------------------------------------

def test_answers_and_not_found_are_cached(server: CrossrefServer, tmp_path: Path) -> None:
    client = make_client(server, tmp_path)
    assert client.work(DOI)["DOI"] == DOI  # type: ignore[index]
    assert client.work("10.48550/arXiv.2101.05224") is None
    assert len(server.log) == 2
    again = make_client(server, tmp_path)
    assert again.work(DOI)["DOI"] == DOI  # type: ignore[index]
    assert again.work("10.48550/ARXIV.2101.05224") is None    # DOIs are case-insensitive
    assert len(server.log) == 2
    assert again.cache is not None and again.cache.hits == 2
    fresh = make_client(server, tmp_path, refresh=True)
    fresh.work(DOI)
    assert len(server.log) == 3


def test_a_damaged_cache_file_is_a_miss(server: CrossrefServer, tmp_path: Path) -> None:
    client = make_client(server, tmp_path)
    client.work(DOI)
    for path in (tmp_path / "cache").rglob("*.json"):
        path.write_text("{trunc", encoding="utf-8")
    assert make_client(server, tmp_path).work(DOI) is not None
    assert len(server.log) == 2


def test_cache_dir_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SSL_BIB_CACHE_DIR", str(tmp_path))
    assert default_cache_dir() == tmp_path / "crossref"
    monkeypatch.delenv("SSL_BIB_CACHE_DIR")
    assert "ssl-bib" in str(default_cache_dir())


# -- retries --------------------------------------------------------------------

def test_429_with_retry_after_is_honoured(server: CrossrefServer, tmp_path: Path) -> None:
    server.fail_next(Fault("429", retry_after="7"))
    client = make_client(server, tmp_path)
    assert client.work(DOI) is not None
    assert [e.status for e in server.log] == [429, 200]
    # The backoff step is 10 ms; the server's 7 s wins.
    assert client.waits == [7.0]


def test_429_without_retry_after_backs_off_exponentially(
        server: CrossrefServer, tmp_path: Path) -> None:
    server.fail_next(Fault("429"), Fault("429"), Fault("429"))
    client = make_client(server, tmp_path, rand=lambda: 0.0, attempts=5, backoff=1.0)
    assert client.work(DOI) is not None
    assert [e.status for e in server.log] == [429, 429, 429, 200]
    # Equal jitter with rand=0: half of 1, 2, 4 seconds.
    assert client.waits == [0.5, 1.0, 2.0]


def test_jitter_stays_within_the_step() -> None:
    policy = Policy(backoff=1.0, backoff_cap=8.0)
    for attempt in range(6):
        step = min(8.0, 2.0 ** attempt)
        assert policy.step(attempt, 0.0) == step / 2
        assert policy.step(attempt, 1.0) == step


def test_5xx_is_retried_with_backoff(server: CrossrefServer, tmp_path: Path) -> None:
    server.fail_next(Fault("500"), Fault("503"))
    client = make_client(server, tmp_path)
    assert client.search("Self-Path Self-Supervision Pathology 2021")
    assert [e.status for e in server.log] == [500, 503, 200]
    assert len(client.waits) == 2 and client.waits[1] > client.waits[0]


def test_a_real_retry_after_wait_is_observed_by_the_server(
        server: CrossrefServer, tmp_path: Path) -> None:
    import time

    server.fail_next(Fault("429", retry_after="1"))
    client = make_client(server, tmp_path, sleep=time.sleep)
    assert client.work(DOI) is not None
    first, second = server.log
    assert second.started - first.finished >= 0.95


def test_dropped_connection_and_timeout_are_retried(
        server: CrossrefServer, tmp_path: Path) -> None:
    client = make_client(server, tmp_path, read_timeout=0.3)
    assert client.work("10.1109/TMI.2021.3060634") is not None   # Crossref has answered
    server.fail_next(Fault("drop"), Fault("slow", delay=1.0))
    assert client.work(DOI) is not None
    assert len(server.log) == 4
    assert client.retries == 2


@pytest.mark.parametrize("fault", [Fault("drop"), Fault("slow", delay=1.0)],
                         ids=["drop", "timeout"])
def test_a_first_request_that_gets_no_answer_stops_at_once(
        server: CrossrefServer, tmp_path: Path, fault: Fault) -> None:
    """Before Crossref has answered once, a dropped or timed-out request is
    not retried: the URL or the network is more likely wrong than Crossref slow."""
    server.fail_next(fault)
    client = make_client(server, tmp_path, read_timeout=0.3)
    with pytest.raises(CircuitOpen, match=r"cannot reach Crossref at http://127\.0\.0\.1:\d+ "):
        client.work(DOI)
    assert (len(server.log), client.waits) == (1, [])


def test_breaker_opens_after_failures_pile_up(server: CrossrefServer, tmp_path: Path) -> None:
    server.fail_next(*[Fault("500")] * 100)
    client = make_client(server, tmp_path, attempts=2, backoff=0.001, breaker_limit=3)
    with pytest.raises(CrossrefError):
        client.work(DOI)
    with pytest.raises(CrossrefError):
        client.work("10.1109/TMI.2021.3060634")
    with pytest.raises(CircuitOpen, match="3 requests in a row failed"):
        client.work("10.1109/TMI.2021.3056023")
    asked = len(server.log)
    assert asked == 6
    with pytest.raises(CircuitOpen):
        client.search("anything at all")
    assert len(server.log) == asked          # an open breaker asks nothing more


def test_a_success_resets_the_breaker(server: CrossrefServer, tmp_path: Path) -> None:
    client = make_client(server, tmp_path, attempts=1, breaker_limit=2)
    server.fail_next(Fault("500"))
    with pytest.raises(CrossrefError):
        client.work(DOI)
    assert client.work("10.1109/TMI.2021.3060634") is not None
    server.fail_next(Fault("500"))
    with pytest.raises(CrossrefError) as raised:
        client.work(DOI)
    assert not isinstance(raised.value, CircuitOpen)


def test_an_absurd_retry_after_stops_the_run(server: CrossrefServer, tmp_path: Path) -> None:
    server.fail_next(Fault("429", retry_after="3600"))
    client = make_client(server, tmp_path)
    with pytest.raises(CircuitOpen, match="3600"):
        client.work(DOI)
    assert client.waits == []


# -- concurrency -------------------------------------------------------------------

@pytest.mark.parametrize("limit", [1, 3])
def test_in_flight_requests_never_exceed_the_limit(tmp_path: Path, limit: int) -> None:
    """Counted on the client's side, from each send to the end of its answer;
    the server holds its first answers until `limit` requests are in, so the
    limit is reached however the machine schedules the threads."""
    from tests.client_probe import ProbeTransport
    from tests.crossref.crossref_corpus import corpus

    probe = ProbeTransport()
    with CrossrefServer(corpus(), latency=0.05, gather=limit) as server:
        client = make_client(server, tmp_path, cache=None, max_in_flight=limit,
                             transport=probe)
        threads = [threading.Thread(target=client.work, args=(f"10.5555/none-{i}",))
                   for i in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(server.log) == len(probe.exchanges) == 12
    assert probe.max_in_flight() == limit


def test_dois_with_url_characters_reach_the_server_whole(tmp_path: Path) -> None:
    from tests.crossref.crossref_corpus import work

    sici = "10.1002/(SICI)1097-4636(199706)35:4<423::AID-JBM2>3.0.CO;2-#"
    odd = "10.5555/what?is=this&that"
    with CrossrefServer([work(sici, "journal-article", "T", (1997,)),
                         work(odd, "journal-article", "U", (2020,))]) as server:
        client = make_client(server, tmp_path)
        assert client.work(sici)["DOI"] == sici  # type: ignore[index]
        assert client.work(odd)["DOI"] == odd  # type: ignore[index]
        assert [e.path for e in server.log] == [f"/works/{sici}", f"/works/{odd}"]


def _refused_url() -> str:
    """A loopback address where nothing listens (a port just given up)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_a_service_never_reached_stops_at_once(server: CrossrefServer, tmp_path: Path) -> None:
    client = make_client(server, tmp_path, base_url=_refused_url())
    with pytest.raises(CircuitOpen, match=r"cannot reach Crossref at http://127\.0\.0\.1:\d+ "
                                          r"\(.*refused"):
        client.work(DOI)
    assert (client.requests, client.waits) == (1, [])
    with pytest.raises(CircuitOpen):
        client.search("anything")
    assert client.requests == 1


def test_a_refused_connection_after_answers_is_retried(tmp_path: Path) -> None:
    """Once Crossref has answered, a refused connection may be a restart: retried."""
    from tests.crossref.crossref_corpus import corpus

    with CrossrefServer(corpus()) as first:
        client = make_client(first, tmp_path)
        assert client.work(DOI) is not None
    with pytest.raises(CrossrefError, match=r"after 4 attempts.*Connection refused") as raised:
        client.work("10.1109/TMI.2021.3060634")
    assert not isinstance(raised.value, CircuitOpen)
    assert len(client.waits) == 3


def test_a_retry_after_holds_back_every_thread(tmp_path: Path) -> None:
    """Retry-After is addressed to the client: from the moment a thread reads
    it, no thread decides to send a request until it has passed. Timed on the
    client's side: a request decided before the 429 was read may still reach
    the server after it (a loaded machine delays both), and that is allowed."""
    from tests.client_probe import ProbeClock, ProbeTransport
    from tests.crossref.crossref_corpus import corpus

    clock = ProbeClock()
    probe = ProbeTransport(clock)
    with CrossrefServer(corpus(), latency=0.05) as server:
        client = make_client(server, tmp_path, cache=None, max_in_flight=3, clock=clock,
                             transport=probe)
        server.fail_next(Fault("429", retry_after="1"))
        threads = [threading.Thread(target=client.work, args=(f"10.5555/none-{i}",))
                   for i in range(9)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(server.log) == 10
    exchanges = probe.exchanges
    refused = next(e for e in exchanges if e.status == 429)
    held = clock.first_look(refused.thread, after=refused.received)  # the Retry-After read
    during = [e for e in exchanges if held <= e.admitted < held + 1.0 - 0.01]
    after = [e for e in exchanges if e.admitted >= held + 1.0 - 0.01]
    assert during == []
    assert len(after) >= 2                    # the retry, and at least one held-back thread
    assert [e.status for e in exchanges].count(404) == 9


def test_a_service_that_never_answers_in_time_stops_after_one_request(
        server: CrossrefServer, tmp_path: Path) -> None:
    server.fail_next(*[Fault("slow", delay=0.5)] * 4)
    client = make_client(server, tmp_path, read_timeout=0.05, breaker_limit=3)
    with pytest.raises(CircuitOpen, match=r"cannot reach Crossref at .* \(ReadTimeout: nothing "
                                          r"received for 0\.05 s\)"):
        client.work(DOI)
    assert client.requests == 1                 # no retry before a first answer
    with pytest.raises(CircuitOpen):
        client.work("10.1109/TMI.2021.3060634")
    assert client.requests == 1


def test_a_run_answered_from_the_cache_loads_no_http_stack(tmp_path: Path) -> None:
    """The HTTP client (httpx2, habanero) is made for the first request: a
    run whose answers are all cached never imports it, and counts no request;
    the first real request then works as ever (the server is never asked here)."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from ssl_bib.crossref.cache import ResponseCache, request_key
        from ssl_bib.crossref.client import CrossrefClient

        cache = ResponseCache(Path({str(tmp_path / "cache")!r}))
        cache.put(request_key("work", {{"doi": "10.1/x"}}), {{"DOI": "10.1/x"}})
        cache.put(request_key("work", {{"doi": "10.1/gone"}}), None)
        client = CrossrefClient("http://127.0.0.1:9", cache=cache)
        assert client.work("10.1/x") == {{"DOI": "10.1/x"}}
        assert client.work("10.1/GONE") is None
        client.cancel()
        client.close()
        print(client.requests, client.stopped, sorted(
            m for m in ("httpx2", "habanero", "httpcore2") if m in sys.modules))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True)
    assert done.stdout.split("\n")[0] == "0 None []"


def test_a_client_cancelled_before_its_first_request_fails_it_at_once(
        server: CrossrefServer, tmp_path: Path) -> None:
    client = make_client(server, tmp_path)
    client.cancel()
    with pytest.raises(CircuitOpen):
        client.work(DOI)
    assert server.log == []
