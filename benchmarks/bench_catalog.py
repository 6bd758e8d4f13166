"""Catalog store benchmarks (issue 2). Run: .venv/bin/python benchmarks/bench_catalog.py

Prints, each against a baseline measured in the same run:
- load + check of 10,000 and 100,000 entries vs tomllib parsing the same file (target <= 1.5x)
- changing one entry of a 10,000-entry file and writing it back (target < 0.3 s)
- `ssl-bib --help` wall time vs `python -c "import click"` (target <= 3x)
- peak memory of load + check at 100,000 entries
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from synth import write_synth  # noqa: E402

from ssl_bib.store import load, save  # noqa: E402
from ssl_bib.validate import check  # noqa: E402


def best_of(runs: int, func: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def wall(cmd: list[str], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="ssl-bib-bench-"))
    print(f"{'measure':<48} {'ours':>9} {'baseline':>9} {'ratio':>7}  target")
    for n in (10_000, 100_000):
        path = write_synth(tmp / f"synth-{n}.toml", n)
        runs = 3 if n == 10_000 else 1
        base = best_of(runs, lambda path=path: tomllib.loads(path.read_text(encoding="utf-8")))
        ours = best_of(runs, lambda path=path: check(load(path)))
        print(f"{f'load + check, {n:,} entries (s)':<48} {ours:9.3f} {base:9.3f} "
              f"{ours / base:7.2f}  <= 1.5x tomllib")

    path = tmp / "synth-10000.toml"
    loaded = load(path)

    def change_one() -> None:
        entry = loaded.catalog.entries[len(loaded.catalog.entries) // 2]
        entry.note = f"changed {time.perf_counter()}"
        save(loaded)

    # save() leaves `loaded` describing the old text, so each run measures one
    # splice of one changed entry into the full file.
    one = best_of(3, change_one)
    print(f"{'change one entry of 10,000 and write (s)':<48} {one:9.3f} {'':>9} {'':>7}  < 0.3 s")

    exe = str(Path(sys.executable).with_name("ssl-bib"))
    ours_help = wall([exe, "--help"])
    click_only = wall([sys.executable, "-c", "import click"])
    print(f"{'ssl-bib --help wall time (s)':<48} {ours_help:9.3f} {click_only:9.3f} "
          f"{ours_help / click_only:7.2f}  <= 3x import click")

    big = tmp / "synth-100000.toml"
    tracemalloc.start()
    check(load(big))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = big.stat().st_size / 1e6
    print(f"{'peak memory, load + check 100,000 (MB)':<48} {peak / 1e6:9.1f} {size:9.1f} "
          f"{peak / 1e6 / size:7.2f}  report (baseline: file size MB)")


if __name__ == "__main__":
    main()
