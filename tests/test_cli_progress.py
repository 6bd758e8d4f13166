"""Long exports show a progress bar on a terminal and nothing on a pipe; an
export that ends within about a second shows none at all (a flashing bar is
noise). Run as real processes with stderr on a pseudo-terminal, the way a
user's shell runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.terminal import run_on_terminal

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "entries.toml"


def run(args: list[str], cwd: Path, on_terminal: bool, delay: str | None) -> tuple[int, bytes]:
    """The exit status and every byte the command wrote to stderr."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    env.pop("SSL_BIB_PROGRESS_DELAY", None)
    if delay is not None:
        env["SSL_BIB_PROGRESS_DELAY"] = delay
    argv = [sys.executable, "-m", "ssl_bib", "--catalog", str(BUNDLED), *args]
    if not on_terminal:
        done = subprocess.run(argv, capture_output=True, env=env, cwd=cwd, timeout=120)
        return done.returncode, done.stderr
    return run_on_terminal(argv, env, cwd)


def test_a_long_export_shows_a_bar_on_a_terminal(tmp_path: Path) -> None:
    # SSL_BIB_PROGRESS_DELAY=0 makes the bundled catalog's export "long".
    code, shown = run(["export", "--all", "out"], tmp_path, on_terminal=True, delay="0")
    assert code == 0, shown
    assert b"export [" in shown and b"248/248" in shown      # 62 entries x 4 formats
    # The bar is cleared before the report, which reads as without a bar.
    assert shown.rstrip().endswith(b"wrote 62 entries to out/references.json")


def test_nothing_but_the_report_on_a_pipe(tmp_path: Path) -> None:
    code, err = run(["export", "--all", "out"], tmp_path, on_terminal=False, delay="0")
    assert code == 0
    assert b"\r" not in err and b"export [" not in err
    assert err.decode().splitlines() == [f"wrote 62 entries to out/{name}" for name in (
        "references.bib", "references-biblatex.bib", "references.ris", "references.json")]


def test_a_quick_export_shows_no_bar(tmp_path: Path) -> None:
    code, shown = run(["export", "-f", "ris", "-o", "refs.ris"], tmp_path, on_terminal=True,
                      delay=None)
    assert code == 0
    assert b"export [" not in shown and b"\r" not in shown.replace(b"\r\n", b"\n")


def test_a_dry_run_shows_the_bar_too(tmp_path: Path) -> None:
    code, shown = run(["export", "-f", "bibtex", "-o", "refs.bib", "--dry-run"], tmp_path,
                      on_terminal=True, delay="0")
    assert code == 0 and b"62/62" in shown and not (tmp_path / "refs.bib").exists()
