"""Entries whose questions the cache answers are resolved in the calling
thread, before any worker is made (enrich's docstring): a rerun answered from
the cache starts no thread and loads no concurrent.futures, and every run
reports exactly what the workers alone would have reported, with the same
requests and the same count of answers from the cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ssl_bib.conduct import Policy
from ssl_bib.crossref.cache import ResponseCache
from ssl_bib.crossref.client import CrossrefClient
from ssl_bib.crossref.enrich import Summary, run
from ssl_bib.store import load
from tests.crossref.crossref_server import CrossrefServer


def _enrich(server: CrossrefServer, catalog: Path, cache: Path, keys: set[str] | None = None,
            workers_only: bool = False, monkeypatch: pytest.MonkeyPatch | None = None
            ) -> tuple[Summary, list[tuple[Any, ...]]]:
    loaded = load(catalog)
    client = CrossrefClient(server.url, cache=ResponseCache(cache), policy=Policy(attempts=1))
    if workers_only:
        assert monkeypatch is not None
        monkeypatch.setattr(client, "from_cache", lambda ask: None)  # every entry to a worker
    entries = [e for e in loaded.catalog.entries if keys is None or e.key in keys]
    summary = run(loaded.catalog, entries, client, source="crossref 2026-01-01")
    reports = [(r.key, r.status, r.via, r.filled, r.notes, r.candidates, r.reason, r.work)
               for r in summary.reports]
    return summary, reports


def test_a_rerun_from_the_cache_reports_what_the_workers_report(
        server: CrossrefServer, catalog: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    first, first_reports = _enrich(server, catalog, cache)
    assert first.requests > 0 and first.enriched > 0
    shutil.copytree(cache, tmp_path / "copy")
    server.reset_log()
    here, here_reports = _enrich(server, catalog, cache)
    workers, workers_reports = _enrich(server, catalog, tmp_path / "copy", workers_only=True,
                                       monkeypatch=monkeypatch)
    assert server.log == []
    assert here_reports == workers_reports == first_reports
    assert (here.requests, here.cache_hits) == (workers.requests, workers.cache_hits) == \
        (0, first.requests + first.cache_hits)


def test_a_run_with_part_of_its_answers_cached_asks_only_for_the_rest(
        server: CrossrefServer, catalog: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    keys = [e.key for e in load(catalog).catalog.entries]
    _enrich(server, catalog, tmp_path / "cache", keys=set(keys[::2]))
    shutil.copytree(tmp_path / "cache", tmp_path / "copy")
    server.reset_log()
    here, here_reports = _enrich(server, catalog, tmp_path / "cache")
    asked_here = sorted(e.path + str(sorted(e.params.items())) for e in server.log)
    server.reset_log()
    workers, workers_reports = _enrich(server, catalog, tmp_path / "copy", workers_only=True,
                                       monkeypatch=monkeypatch)
    asked_by_workers = sorted(e.path + str(sorted(e.params.items())) for e in server.log)
    assert here_reports == workers_reports
    assert asked_here == asked_by_workers and asked_here
    assert (here.requests, here.cache_hits) == (workers.requests, workers.cache_hits)


def test_a_rerun_from_the_cache_starts_no_thread(server: CrossrefServer, catalog: Path,
                                                 tmp_path: Path) -> None:
    _enrich(server, catalog, tmp_path / "cache")
    code = ("import sys, threading\nfrom pathlib import Path\n"
            "from ssl_bib.crossref.cache import ResponseCache\n"
            "from ssl_bib.crossref.client import CrossrefClient\n"
            "from ssl_bib.crossref.enrich import run\nfrom ssl_bib.store import load\n"
            "loaded = load(Path(sys.argv[1]))\n"
            "client = CrossrefClient(sys.argv[2], cache=ResponseCache(Path(sys.argv[3])))\n"
            "summary = run(loaded.catalog, loaded.catalog.entries, client)\n"
            "assert summary.requests == 0 and summary.cache_hits > 0, summary\n"
            "assert threading.active_count() == 1\n"
            "assert 'concurrent.futures' not in sys.modules\n")
    subprocess.run([sys.executable, "-c", code, str(catalog), server.url,
                    str(tmp_path / "cache")], check=True)


def test_a_dry_rerun_that_fills_nothing_loads_no_writing_side(
        server: CrossrefServer, catalog: Path, cache_dir: Path) -> None:
    from tests.crossref.crossref_helpers import invoke_enrich

    assert invoke_enrich(server.url, catalog, cache_dir).exit_code == 0  # fills what it can
    dry = invoke_enrich(server.url, catalog, cache_dir, "--dry-run")
    assert dry.exit_code == 0 and "--- a/" not in dry.stdout, dry.output
    code = ("import sys\nfrom ssl_bib.cli import main\n"
            f"try:\n    main(['--catalog', {str(catalog)!r}, 'enrich', '--dry-run', "
            f"'--crossref-url', {server.url!r}])\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('\\n@@' + ' '.join(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "SSL_BIB_CACHE_DIR": str(cache_dir)})
    loaded = set(done.stderr.rpartition("\n@@")[2].split())
    assert "ssl_bib.crossref.enrich" in loaded
    assert not {"ssl_bib.store.splice", "ssl_bib.toml_render", "difflib"} & loaded
