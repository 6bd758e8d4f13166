"""Ctrl-C during `ssl-bib add` while the arXiv client waits (arXiv's pace
between requests, or a backoff after "Rate exceeded."): a real process and a
real SIGINT. It must end at once, with one line and exit 130, and write
nothing (issue 15)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.add.add_helpers import AddRun
from tests.arxiv.arxiv_server import Fault

# Two preprints the catalog does not hold: the second request waits for the first.
PAPERS = ("2012.06457", "2401.01234")
LONG = "60"  # seconds: a wait the test never sees the end of


def _start(add: AddRun, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ssl_bib", "--catalog", str(add.catalog), "add", *PAPERS,
         "--no-category"],
        env={**os.environ, **add.env(**env)}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)


def _when_asked(add: AddRun, requests: int, proc: subprocess.Popen[str]) -> None:
    """Until arXiv has answered `requests` requests, then a moment for the
    client to start waiting."""
    deadline = time.monotonic() + 30
    while len([e for e in add.servers.arxiv.log if e.finished]) < requests:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "arXiv was never asked"
        time.sleep(0.05)
    time.sleep(0.5)


@pytest.mark.slow  # a real process and a real signal
@pytest.mark.parametrize("waiting", ["pace", "backoff"])
def test_ctrl_c_while_arxiv_waits_ends_at_once_and_writes_nothing(
        add: AddRun, waiting: str) -> None:
    before = add.catalog.read_bytes()
    if waiting == "pace":   # the second paper waits out arXiv's interval
        proc, asked = _start(add, SSL_BIB_ARXIV_INTERVAL=LONG), 1
    else:                   # the first answer is "Rate exceeded.": a backoff follows
        add.servers.arxiv.fail_next(Fault("rate"))
        proc, asked = _start(add, SSL_BIB_ARXIV_BACKOFF=LONG), 1
    try:
        _when_asked(add, asked, proc)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 130, (out, err)
    assert took < 3, took                      # a generous bound: the wait was 60 s
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ssl-bib: interrupted"), err
    assert "nothing was written" in lines[0] and "Traceback" not in err
    assert out == ""
    assert add.catalog.read_bytes() == before
    assert len(add.servers.arxiv.log) == asked  # nothing more was sent


def test_the_fixture_catalog_lacks_the_papers(add: AddRun) -> None:
    """The interrupted papers would really be added: the test above is about
    the interruption, not a refusal."""
    text = add.catalog.read_text(encoding="utf-8")
    assert not any(paper in text for paper in PAPERS)
    assert Path(add.catalog).name == "entries.toml"


def test_an_interrupted_run_cancels_the_clients_it_made() -> None:
    """In process: Ctrl-C inside a lookup ends the run, marks it interrupted
    and cancels the clients made so far (their waits end), none other."""
    from ssl_bib.adding.run import Adder, Request
    from ssl_bib.adding.sources import Sources
    from ssl_bib.model import Catalog
    from ssl_bib.paper_ids import parse

    cancelled: list[str] = []

    class Client:
        def __init__(self, name: str) -> None:
            self.name = name

        def cancel(self) -> None:
            cancelled.append(self.name)

        def close(self) -> None:
            pass

    class Interrupted(Sources):
        def resolve(self, paper: object) -> Any:
            assert self.arxiv is not None            # made on first use, as a lookup does
            raise KeyboardInterrupt

    sources = Interrupted(lambda: Client("crossref"), lambda: Client("arxiv"))  # type: ignore[arg-type, return-value]
    outcome = Adder(Catalog(), sources, Request(categories=[])).run(
        [parse(p) for p in PAPERS])
    assert outcome.interrupted and not outcome.ok
    assert outcome.added == [] and outcome.failed == []
    assert cancelled == ["arxiv"]
