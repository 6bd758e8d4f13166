"""`ssl-bib enrich` when Crossref misbehaves: rate limits, server errors, a
service that goes down mid-run, Ctrl-C and crashes, and concurrency limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from ssl_bib.api import saving_checkpoint
from ssl_bib.conduct import Policy
from ssl_bib.crossref.cache import ResponseCache
from ssl_bib.crossref.client import CrossrefClient
from ssl_bib.crossref.enrich import run
from ssl_bib.store import load
from ssl_bib.validate import check
from tests.catalog_texts import messages
from tests.crossref.crossref_corpus import corpus
from tests.crossref.crossref_helpers import RunEnrich
from tests.crossref.crossref_server import CrossrefServer, Fault
from tests.crossref.test_crossref_enrich_e2e import EXPECTED

KEY = "ModelsGenesisGeneric2019"


def _filled_keys(stdout: str) -> set[str]:
    return {line.split(":")[0] for line in stdout.splitlines() if ": filled " in line}


def _enriched_in_file(path: Path) -> set[str]:
    return {e.key for e in load(path).catalog.entries
            if any(src.startswith("crossref ") for src in e.provenance.values())}


def test_429_with_retry_after_is_honoured(run_enrich: RunEnrich, server: CrossrefServer,
                                          catalog: Path) -> None:
    server.fail_next(Fault("429", retry_after="1"))
    result = run_enrich(KEY)
    assert result.exit_code == 0, result.output
    first, second = server.log
    assert (first.status, second.status) == (429, 200)
    # The backoff step is 10 ms in tests: only Retry-After explains the wait.
    assert second.started - first.finished >= 0.95
    assert load(catalog).catalog.find(KEY).pages == "384-393"  # type: ignore[union-attr]


def test_5xx_is_retried_with_backoff(run_enrich: RunEnrich, server: CrossrefServer,
                                     catalog: Path) -> None:
    server.fail_next(Fault("500"), Fault("503"), Fault("500"))
    result = run_enrich(KEY)
    assert result.exit_code == 0, result.output
    log = server.log
    assert [e.status for e in log] == [500, 503, 500, 200]
    gaps = [b.started - a.finished for a, b in zip(log, log[1:], strict=False)]
    # 10 ms, 20 ms, 40 ms steps, each at least half its step.
    assert gaps[0] >= 0.005 and gaps[1] >= 0.01 and gaps[2] >= 0.02
    assert load(catalog).catalog.find(KEY).pages == "384-393"  # type: ignore[union-attr]


def test_a_request_that_keeps_failing_is_an_error_not_a_guess(
        run_enrich: RunEnrich, server: CrossrefServer, catalog: Path) -> None:
    server.fail_next(*[Fault("503")] * 5)
    before = catalog.read_bytes()
    result = run_enrich(KEY)
    assert result.exit_code == 1
    assert f"{KEY}: error: work request failed after 5 attempts (last: HTTP 503)" \
        in result.stdout
    assert "1 errors" in result.stderr
    assert catalog.read_bytes() == before


@pytest.mark.slow
def test_repeated_failures_stop_the_run_and_keep_what_was_accepted(
        run_enrich: RunEnrich, server: CrossrefServer, catalog: Path) -> None:
    before = {e.key: e for e in load(catalog).catalog.entries}
    server.fail_after(30, Fault("500"))
    result = run_enrich()
    assert result.exit_code == 1
    assert "stopped: 3 requests in a row failed (last: HTTP 500)" in result.stderr
    accepted = _filled_keys(result.stdout)
    assert accepted                                  # some work was done before the outage
    assert _enriched_in_file(catalog) == accepted    # ... and all of it was kept
    after = load(catalog)
    assert not [p for p in check(after) if p.severity == "error"]
    untouched = [e for e in after.catalog.entries if e.key not in accepted]
    assert all(e == before[e.key] for e in untouched)
    # The breaker stopped the run: no request after the last failed retry.
    failed = [e for e in server.log if e.status == 500]
    assert len(failed) == 3 * 5
    assert server.log[-1].status == 500
    # A later run, with the service back, finishes the job from the cache plus the rest.
    server.clear_faults()
    again = run_enrich()
    assert again.exit_code == 0, again.output
    assert f"{18 - len(accepted)} entries enriched" in again.stderr
    assert len(_enriched_in_file(catalog)) == 18


@pytest.mark.parametrize("limit", [1, 3])
def test_in_flight_requests_never_exceed_concurrency(run_enrich: RunEnrich, catalog: Path,
                                                     limit: int) -> None:
    keys = sorted(EXPECTED)
    # The first answers wait until `limit` requests are in: the limit is used
    # however the machine schedules the workers.
    with CrossrefServer(corpus(), latency=0.05, gather=limit) as slow:
        result = run_enrich("--concurrency", str(limit), *keys,
                            env={"SSL_BIB_CROSSREF_URL": slow.url})
        assert result.exit_code == 0, result.output
        assert len(slow.log) >= len(keys)
        # Never more than the limit, and the limit really used. (The server
        # counts a request out before its answer is written, so a worker that
        # sends the next one on reading it is never seen overlapping.)
        assert slow.max_in_flight == limit
    assert _enriched_in_file(catalog) == set(keys)


class _Exploding:
    """A client whose search raises `exc` on its `n`-th call."""

    def __init__(self, inner: CrossrefClient, n: int, exc: BaseException) -> None:
        self.inner, self.n, self.exc, self.calls = inner, n, exc, 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def search(self, query: str, rows: int = 5) -> list[dict[str, object]]:
        self.calls += 1
        if self.calls == self.n:
            raise self.exc
        return self.inner.search(query, rows)


@pytest.mark.parametrize("exc", [KeyboardInterrupt(), RuntimeError("boom")],
                         ids=["ctrl-c", "crash"])
@pytest.mark.slow
def test_interrupt_or_crash_keeps_what_was_accepted(
        server: CrossrefServer, catalog: Path, tmp_path: Path, exc: BaseException) -> None:
    loaded = load(catalog)
    client = CrossrefClient(server.url, cache=ResponseCache(tmp_path / "c"),
                            policy=Policy(attempts=1))
    exploding = _Exploding(client, 12, exc)
    if isinstance(exc, KeyboardInterrupt):
        summary = run(loaded.catalog, loaded.catalog.entries, exploding,  # type: ignore[arg-type]
                      checkpoint=saving_checkpoint(loaded), save_interval=3600)
        assert summary.interrupted
        accepted = {r.key for r in summary.reports if r.filled}
    else:
        with pytest.raises(RuntimeError):
            run(loaded.catalog, loaded.catalog.entries, exploding,  # type: ignore[arg-type]
                checkpoint=saving_checkpoint(loaded), save_interval=3600)
        accepted = {e.key for e in loaded.catalog.entries
                    if any(s.startswith("crossref ") for s in e.provenance.values())}
    assert accepted and len(accepted) < 18
    assert _enriched_in_file(catalog) == accepted
    assert messages(catalog, "error") == []
    assert not list(tmp_path.glob(".entries.toml.*"))   # no temp file left behind


def test_saving_as_it_goes_writes_the_same_file_as_saving_once(
        server: CrossrefServer, catalog: Path, tmp_path: Path) -> None:
    other = tmp_path / "once.toml"
    other.write_bytes(catalog.read_bytes())
    for path, interval in ((catalog, 0.0), (other, 3600.0)):
        loaded = load(path)
        client = CrossrefClient(server.url, cache=ResponseCache(tmp_path / "shared"),
                                policy=Policy(attempts=1))
        summary = run(loaded.catalog, loaded.catalog.entries, client,
                      checkpoint=saving_checkpoint(loaded), save_interval=interval,
                      source="crossref 2026-01-01")
        assert summary.enriched == 18
    assert catalog.read_bytes() == other.read_bytes()
    assert _enriched_in_file(catalog) == set(EXPECTED)


def test_crossref_out_of_reach_is_one_line_and_writes_nothing(
        run_enrich: RunEnrich, catalog: Path) -> None:
    from tests.crossref.test_crossref_client import _refused_url

    before = catalog.read_bytes()
    url = _refused_url()
    result = run_enrich(env={"SSL_BIB_CROSSREF_URL": url})
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"ssl-bib: cannot reach Crossref at {url} (")
    assert result.stderr.endswith("; nothing was written\n")
    assert result.stderr.count("\n") == 1
    assert catalog.read_bytes() == before


@pytest.mark.parametrize("url", ["notaurl", "ftp://example.org", "http://", "http://[::1",
                                 "http://127.0.0.1:99999"])
def test_a_malformed_crossref_url_is_a_usage_error(run_enrich: RunEnrich, url: str) -> None:
    result = run_enrich("--crossref-url", url)
    assert result.exit_code == 2
    assert result.stderr == f"ssl-bib: --crossref-url: {url!r} is not an http(s) URL\n"


@pytest.mark.slow
def test_ctrl_c_in_a_real_process_stops_at_once_and_keeps_what_was_accepted(
        server: CrossrefServer, catalog: Path, cache_dir: Path) -> None:
    """SIGINT to a real `ssl-bib enrich` while a worker waits out a 30 s
    Retry-After: exit 130 promptly, the accepted entries saved, a valid file."""
    import os
    import signal
    import subprocess
    import sys
    import time

    server.fail_after(12, Fault("429", retry_after="30"))
    env = {**os.environ, "SSL_BIB_CROSSREF_URL": server.url, "SSL_BIB_CACHE_DIR": str(cache_dir),
           "CROSSREF_MAILTO": "lab@example.org"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ssl_bib", "--catalog", str(catalog), "enrich"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        # A child of a background job may start with SIGINT ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 20
        while not any(e.status == 429 for e in server.log):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.02)
        time.sleep(0.2)                              # now inside the Retry-After wait
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=25)
        took = time.monotonic() - sent
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert took < 5, f"exit took {took:.1f} s after Ctrl-C"
    assert "Traceback" not in err
    assert err.endswith("ssl-bib: interrupted; the entries accepted so far were saved\n")
    accepted = _filled_keys(out)
    assert accepted and _enriched_in_file(catalog) == accepted
    assert messages(catalog, "error") == []
    assert not list(catalog.parent.glob(".entries.toml*"))


@pytest.mark.parametrize(("args", "env", "message"), [
    (["--mailto", "lab@example.org\nX-Injected: 1"], {},
     "--mailto: 'lab@example.org\\nX-Injected: 1' is not an e-mail address"),
    (["--mailto", "nobody"], {}, "--mailto: 'nobody' is not an e-mail address"),
    (["--mailto", "jörg@example.org"], {}, "--mailto: 'jörg@example.org' is not an e-mail "
                                           "address"),
    ([], {"SSL_BIB_CROSSREF_BACKOFF": "-1"},
     "SSL_BIB_CROSSREF_BACKOFF must be a non-negative number of seconds"),
    ([], {"SSL_BIB_CROSSREF_BACKOFF": "nan"},
     "SSL_BIB_CROSSREF_BACKOFF must be a non-negative number of seconds"),
    ([], {"SSL_BIB_CROSSREF_TIMEOUT": "0"},
     "SSL_BIB_CROSSREF_TIMEOUT must be a positive number of seconds"),
], ids=["mailto-newline", "mailto-no-at", "mailto-non-ascii", "backoff-negative",
        "backoff-nan", "timeout-zero"])
def test_bad_options_are_usage_errors_before_any_request(
        run_enrich: RunEnrich, server: CrossrefServer, catalog: Path, args: list[str],
        env: dict[str, str], message: str) -> None:
    before = catalog.read_bytes()
    result = run_enrich(*args, KEY, env=env)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"ssl-bib: {message}\n"
    assert server.log == [] and catalog.read_bytes() == before


def test_a_bad_mailto_in_the_settings_is_located(run_enrich: RunEnrich, catalog: Path) -> None:
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("[settings]\n", '[settings]\ncrossref_mailto = "a b@c"\n', 1),
                       encoding="utf-8")
    result = run_enrich(KEY, env={"CROSSREF_MAILTO": ""})
    assert result.exit_code == 2
    assert result.stderr == ("ssl-bib: entries.toml: settings.crossref_mailto: 'a b@c' is not "
                             "an e-mail address\n")


def test_a_catalog_that_cannot_be_written_is_one_line_not_a_traceback(
        run_enrich: RunEnrich, catalog: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    real_replace = os.replace

    def full_disk(src: str, dst: str) -> None:
        if Path(dst).name == "entries.toml":
            raise OSError(errno.ENOSPC, "No space left on device", dst)
        real_replace(src, dst)

    before = catalog.read_bytes()
    monkeypatch.setattr(os, "replace", full_disk)
    result = run_enrich(KEY)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"ssl-bib: cannot write {catalog}: No space left on device; the file keeps what was "
        "saved before")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert catalog.read_bytes() == before
    assert not list(catalog.parent.glob(".entries.toml*"))
