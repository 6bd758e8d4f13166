"""The README's performance command runs: benchmarks/run.py on small catalogs
(one round) prints the table with every figure, and synth.py grows the bundled
catalog into a valid one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_grown_catalog_is_valid_and_imports_without_duplicates(tmp_path: Path) -> None:
    from benchmarks.synth import write_grown
    from ssl_bib.store import load
    from ssl_bib.validate import check

    loaded = load(write_grown(tmp_path / "grown.toml", 400))
    assert len(loaded.catalog.entries) == 400
    assert not [p for p in check(loaded) if p.severity == "error"]
    titles = {e.title.casefold() for e in loaded.catalog.entries}
    assert len(titles) == 400  # copies get titles of their own


@pytest.mark.slow
def test_run_py_prints_every_figure() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--runs", "1", "--size", "300",
         "--sizes", "100,300", "--memory-size", "300"],
        capture_output=True, text=True, check=True, timeout=900)
    for figure in ("`check`, 300 entries", "`list --json`", "`export --all`", "`import` 300",
                   "re-`import`", "change one entry", "peak memory", "`--help`, bundled",
                   "`zotero status`", "`enrich --dry-run", "| `re-import` |"):
        assert figure in run.stdout, figure
