"""A long import shows where it is on a terminal (reading each file, importing
its records, checking, writing) and prints nothing of it when stderr is piped."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from pathlib import Path

from ssl_bib import importer
from ssl_bib.codecs.bibtex_write import write_bibtex
from ssl_bib.model import Catalog, Entry, Person
from ssl_bib.progress import DELAY_ENV, Stages
from tests.terminal import run_on_terminal


def _title(rng: random.Random) -> str:
    """Made-up words: titles no fuzzy match takes for one another."""
    return " ".join("".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou")
                            for _ in range(3)) for _ in range(6)).capitalize()


def _bib(n: int) -> str:
    rng = random.Random(n)
    catalog = Catalog(entries=[Entry(key=f"k{i}", title=_title(rng), year=2020,
                                     authors=[Person("Doe", f"J{i}")]) for i in range(n)])
    return write_bibtex(catalog, catalog.entries)


def test_each_stage_reports_until_done() -> None:
    stream = io.StringIO()
    text = _bib(300)
    with Stages(stream, enabled=True) as stages:
        outcome = importer.import_texts(Catalog(), [("refs.bib", text, "bibtex")],
                                        stages=stages.start)
    shown = stream.getvalue()
    assert len(outcome.added) == 300
    assert "\rreading refs.bib [" in shown and "] 100%" in shown
    assert "\rimporting refs.bib [##############################] 300/300" in shown
    assert shown.endswith("\r")  # the line is cleared at the end


def test_the_bibtex_reader_reports_as_it_goes() -> None:
    from ssl_bib.codecs import bibtex_read

    text = _bib(400)
    seen: list[int] = []
    bibtex_read.read(text, "refs.bib", seen.append, chunk=4096)
    assert len(seen) > 10 and seen == sorted(seen) and seen[-1] == len(text)


def test_readers_of_ris_and_csljson_report_as_they_go() -> None:
    from ssl_bib.codecs import csljson_read, ris_read
    from ssl_bib.codecs.csljson_write import write_csljson
    from ssl_bib.codecs.ris_write import write_ris

    catalog = Catalog(entries=[Entry(key=f"k{i}", title=f"T{i}", year=2020) for i in range(50)])
    for reader, text in ((ris_read.read, write_ris(catalog, catalog.entries)),
                         (csljson_read.read, write_csljson(catalog, catalog.entries))):
        seen: list[int] = []
        reader(text, "refs", seen.append)
        assert len(seen) == 50 and seen == sorted(seen) and seen[-1] >= len(text) - 3


def _run_import(tmp_path: Path, stderr_to_terminal: bool, entries: int = 2000,
                delay: str | None = "0") -> tuple[int, str]:
    """`ssl-bib import` of a made-up .bib; SSL_BIB_PROGRESS_DELAY=0 shows the
    bars of an import however short (by default, one done within about a
    second shows none)."""
    source = tmp_path / "refs.bib"
    source.write_text(_bib(entries), encoding="utf-8")
    command = [sys.executable, "-m", "ssl_bib", "--catalog", str(tmp_path / "entries.toml"),
               "import", str(source)]
    env = {k: v for k, v in os.environ.items() if k != DELAY_ENV}
    if delay is not None:
        env[DELAY_ENV] = delay
    if not stderr_to_terminal:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=300,
                              check=False, env=env)
        return proc.returncode, proc.stderr
    code, shown = run_on_terminal(command, env, timeout=300)
    return code, shown.decode("utf-8", "replace")


def test_a_terminal_sees_progress(tmp_path: Path) -> None:
    code, shown = _run_import(tmp_path, stderr_to_terminal=True)
    assert code == 0, shown
    for stage in ("reading refs.bib [", "importing refs.bib [", "checking entries.toml [",
                  "writing entries.toml ["):
        assert f"\r{stage}" in shown, (stage, shown[-500:])
    assert "added 2000" in shown


def test_a_quick_import_shows_no_bar(tmp_path: Path) -> None:
    code, shown = _run_import(tmp_path, stderr_to_terminal=True, entries=5, delay=None)
    assert code == 0, shown
    assert "[" not in shown and shown.replace("\r\n", "\n").count("\r") == 0
    assert "added 5, merged 0" in shown


def test_a_pipe_sees_no_progress(tmp_path: Path) -> None:
    code, shown = _run_import(tmp_path, stderr_to_terminal=False)
    assert code == 0
    assert "\r" not in shown and "[#" not in shown and "[-" not in shown
    assert shown.splitlines() == ["added 2000, merged 0, unchanged 0, conflicts 0, skipped 0",
                                  f"wrote {tmp_path / 'entries.toml'}"]
