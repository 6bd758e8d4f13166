"""`ssl-bib enrich` against a broken or hostile Crossref: every failure is
one line within a measured bound, and what was accepted before is kept."""

from __future__ import annotations

import copy
import re
import time
from pathlib import Path

import pytest

from ssl_bib.store import load
from tests.crossref.crossref_corpus import corpus
from tests.crossref.crossref_helpers import invoke_enrich
from tests.crossref.crossref_server import CrossrefServer, Fault
from tests.crossref.test_crossref_client import _refused_url

KEY = "ModelsGenesisGeneric2019"
DOI = "10.1007/978-3-030-32251-9_42"


def enrich(url: str, catalog: Path, cache_dir: Path, *args: str,
           env: dict[str, str] | None = None) -> tuple[int, str, str, float]:
    started = time.monotonic()
    result = invoke_enrich(url, catalog, cache_dir, *args, env=env)
    took = time.monotonic() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr, took


@pytest.mark.parametrize("where", ["refused", "unknown-host", "tls"])
def test_an_unreachable_crossref_is_one_line_in_under_2_s(
        server: CrossrefServer, catalog: Path, cache_dir: Path, where: str) -> None:
    url = {"refused": _refused_url(), "unknown-host": "http://no-such-host.invalid:8080",
           "tls": server.url.replace("http:", "https:")}[where]
    before = catalog.read_bytes()
    code, out, err, took = enrich(url, catalog, cache_dir)
    assert code == 1 and out == ""
    assert err.startswith(f"ssl-bib: cannot reach Crossref at {url} (") and \
        err.endswith("; nothing was written\n") and err.count("\n") == 1, err
    assert took < 2.0, f"{where}: {took:.2f} s"
    assert catalog.read_bytes() == before


def test_a_retry_after_beyond_the_limit_stops_and_keeps_what_was_accepted(
        server: CrossrefServer, catalog: Path, cache_dir: Path) -> None:
    server.fail_after(12, Fault("429", retry_after="299"))
    code, out, err, took = enrich(server.url, catalog, cache_dir)
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert re.fullmatch(r"ssl-bib: stopped: Crossref asked to wait 299 s \(Retry-After\), "
                        r"longer than the 60 s allowed \(--max-wait\); try again after "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; the entries accepted so far "
                        r"were saved", last), last
    assert took < 10
    accepted = {line.split(":")[0] for line in out.splitlines() if ": filled " in line}
    assert accepted
    assert {e.key for e in load(catalog).catalog.entries
            if any(v.startswith("crossref ") for v in e.provenance.values())} == accepted


@pytest.mark.parametrize(("args", "env", "limit"), [
    (["--max-wait", "1"], {}, "1"), ([], {"SSL_BIB_MAX_WAIT": "1.5"}, "1.5"),
    (["--max-wait", "2"], {"SSL_BIB_MAX_WAIT": "100"}, "2"),
])
def test_the_wait_limit_is_configurable(server: CrossrefServer, catalog: Path,
                                        cache_dir: Path, args: list[str], env: dict[str, str],
                                        limit: str) -> None:
    server.fail_next(Fault("429", retry_after="5"))
    code, _, err, took = enrich(server.url, catalog, cache_dir, KEY, *args, env=env)
    assert code == 1 and f"asked to wait 5 s (Retry-After), longer than the {limit} s " \
        "allowed" in err
    assert took < 3


def test_the_wait_limit_from_the_catalog_setting(server: CrossrefServer, catalog: Path,
                                                 cache_dir: Path) -> None:
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("[settings]\n", "[settings]\nmax_wait = 3\n", 1),
                       encoding="utf-8")
    server.fail_next(Fault("429", retry_after="4"))
    code, _, err, _ = enrich(server.url, catalog, cache_dir, KEY)
    assert code == 1 and "longer than the 3 s allowed" in err
    server.fail_next(Fault("429", retry_after="2"))  # within the limit: waited out
    code, _, err, took = enrich(server.url, catalog, cache_dir, KEY)
    assert code == 0 and took >= 1.9, err


def test_a_slowloris_answer_ends_at_the_exchange_deadline(
        server: CrossrefServer, catalog: Path, cache_dir: Path) -> None:
    """A byte every 0.2 s: never a read timeout of 1 s, yet each exchange ends
    at 1.5 s; before a first answer there is no retry."""
    server.fail_next(Fault("slowloris"))
    code, out, err, took = enrich(server.url, catalog, cache_dir, KEY,
                                  env={"SSL_BIB_CROSSREF_TIMEOUT": "1"})
    assert code == 1 and "(no complete answer within 1.5 s); nothing was written" in err, err
    assert 1.4 <= took < 3.0


def test_a_slowloris_after_answers_is_retried_once_then_reported(
        server: CrossrefServer, catalog: Path, cache_dir: Path) -> None:
    server.fail_after(1, Fault("slowloris"))
    code, out, err, took = enrich(server.url, catalog, cache_dir, KEY, "SelfPathSelf2021",
                                  env={"SSL_BIB_CROSSREF_TIMEOUT": "1"})
    assert code == 1
    assert "failed after 2 attempts (last: no complete answer within 1.5 s" in out, out
    assert took < 6


@pytest.mark.parametrize("kind", ["huge", "huge-chunked"])
def test_a_gigabyte_answer_is_refused_without_reading_it(
        server: CrossrefServer, catalog: Path, cache_dir: Path, kind: str) -> None:
    server.fail_next(Fault(kind, route="/works/10.1007"))
    code, out, err, took = enrich(server.url, catalog, cache_dir, KEY, "SelfPathSelf2021")
    assert code == 1 and "5.0 MB limit" in out, out + err
    assert f"{KEY}: error: work request failed: Crossref's answer to GET /works/" in out
    assert "SelfPathSelf2021: filled" in out            # the next entry went on
    assert took < 5


def test_a_500_forever_stops_after_three_requests(server: CrossrefServer, catalog: Path,
                                                  cache_dir: Path) -> None:
    server.fail_after(0, Fault("500"))
    code, _, err, took = enrich(server.url, catalog, cache_dir)
    assert code == 1
    assert err.strip().splitlines()[-1] == ("ssl-bib: stopped: 3 requests in a row failed "
                                            "(last: HTTP 500); stopping; nothing was written")
    assert len(server.log) == 15 and took < 5


def test_lone_surrogates_in_a_record_are_dropped_not_a_traceback(
        catalog: Path, cache_dir: Path) -> None:
    works = copy.deepcopy(corpus())
    record = next(w for w in works if w.get("DOI") == DOI)
    record["author"][1]["family"] = "Sod\ud800ha"
    record["publisher"] = "Springer \udc00"
    record["container-title"] = ["\ud83d" + record["container-title"][1]]
    with CrossrefServer(works) as bad:
        code, out, err, _ = enrich(bad.url, catalog, cache_dir, KEY)
    assert code == 0, out + err
    text = catalog.read_text(encoding="utf-8")        # written, and valid UTF-8
    entry = load(catalog).catalog.find(KEY)
    # Dropped: the publisher, and the authors (one of them unreadable: never a
    # shorter list, nor a given name taken for a family name).
    assert entry is not None and entry.publisher is None and entry.authors == []
    assert entry.pages == "384-393"                   # the rest of the record was used
    assert "\\ud800" not in text and "Sod" not in text


def test_malformed_json_is_an_entry_error_not_a_traceback(
        catalog: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.crossref import crossref_server

    with CrossrefServer(corpus()) as server:
        monkeypatch.setattr(crossref_server, "_json", lambda data: b'{"status": "ok", "mess')
        code, out, _, _ = enrich(server.url, catalog, cache_dir, KEY)
    assert code == 1
    assert f"{KEY}: error: work request failed: Crossref's answer to GET /works/{DOI} is not " \
        "valid JSON" in out
