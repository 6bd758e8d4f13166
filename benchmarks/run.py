"""Every performance figure of ssl-bib, each beside its baseline, in one run.

    python benchmarks/run.py [--runs 5] [--sizes 1000,10000,100000] [--no-scaling]

Catalogs are the bundled entries.toml grown by copying its real entries
(benchmarks/synth.py --grow). Every figure is the wall time of a fresh
process, as a user would run it, measured side by side with its baseline in
the same round; a round runs every pair once, and the rounds repeat
`--runs` times, so both sides of a ratio meet the same load on the machine.
Ratios are reported as min / median / max over the rounds.

Baselines:
- tomllib: `python -c "tomllib.load(...)"` on the same file, a fresh process;
- pandoc: pandoc (from pypandoc-binary) converting the catalog's BibTeX
  export to CSL-JSON, i.e. reading the same 10,000 records;
- click: `python -c "import click"`, the floor of any click command.

Each time is given twice: wall time, what a user waits, and CPU time (user +
system, from os.wait4), the work itself. On a shared machine the wall time of
both sides swings with the load of others (this 2-core machine ran at a load
of 8-10 while the README's figures were taken); the CPU time barely does, so
targets are judged on the CPU ratio, and the wall ratio is shown beside it.

Peak memory is the peak resident set size of the process (os.wait4), so it
counts the interpreter and everything the TOML parser allocates. On Linux it
also counts what the process was forked with, so this script keeps its own
memory small: catalogs are grown by a process of their own.

Every process runs byte-compiled code, as an installed package does (pip
compiles it at install): the bytecode goes to a cache in the temporary
folder (PYTHONPYCACHEPREFIX), made by an untimed warm-up round, for ssl-bib
and the baselines alike. An environment with PYTHONDONTWRITEBYTECODE set
would otherwise compile ssl-bib's modules from source in every process
while click, tomllib and the other libraries load their installed
bytecode: 0.05-0.1 s of CPU charged to ssl-bib alone.

Prints a Markdown table (stdout) and progress (stderr); writes only to a
temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # the reader's name, for the table's first line

PYTHON = sys.executable
# The installed command, as users run it (its wrapper is what pip writes).
_SCRIPT = Path(PYTHON).with_name("ssl-bib")
SSL_BIB = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-m", "ssl_bib"]
TOMLLIB = [PYTHON, "-c", "import sys, tomllib\n"
           "with open(sys.argv[1], 'rb') as f: tomllib.load(f)"]
CLICK = [PYTHON, "-c", "import click"]
# One entry changed and saved, in a process that already has the catalog
# loaded: what `enrich KEY` or `zotero pull` pay per write on a big catalog.
CHANGE_ONE = [PYTHON, "-c", """
import sys, time
from pathlib import Path
from ssl_bib import store
with store.editing(Path(sys.argv[1]), "benchmark") as loaded:
    entry = loaded.catalog.entries[len(loaded.catalog.entries) // 2]
    start, cpu = time.perf_counter(), time.process_time()
    entry.note = "changed by the benchmark"
    assert store.save(loaded)
    print(time.perf_counter() - start, time.process_time() - cpu)
"""]
LOAD_CHECK = [PYTHON, "-c", """
import sys
from ssl_bib.store import load
from ssl_bib.validate import check
check(load(sys.argv[1]))
"""]


@dataclass
class Sample:
    seconds: float  # wall
    cpu: float  # user + system
    peak_rss: int  # bytes


def run_once(cmd: Sequence[str], *, env: dict[str, str] | None = None,
             ok: Sequence[int] = (0,), stdout: Path | None = None) -> Sample:
    """Wall time and peak RSS of one fresh process."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), stdout=out, stderr=subprocess.PIPE,
                                env={**os.environ, **(env or {})})
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()  # type: ignore[union-attr]
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)[:200]} exited {proc.returncode}:\n"
                         f"{err.decode(errors='replace')[-2000:]}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024)


def spread(values: Sequence[float], fmt: str = "{:.3f}") -> str:
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values),
                                             max(values)))


@dataclass
class Pair:
    """One figure: our command against its baseline, measured side by side."""

    measure: str
    ours: Callable[[], Sample]
    base: Callable[[], Sample] | None
    base_name: str
    target: str
    # met(ours, base) on medians of CPU seconds (base 0 when there is none)
    met: Callable[[float, float], bool]
    invert: bool = False  # show base / ours ("N x faster") instead of ours / base
    ours_samples: list[Sample] = field(default_factory=list)
    base_samples: list[Sample] = field(default_factory=list)

    def measure_once(self) -> None:
        self.ours_samples.append(self.ours())
        if self.base is not None:
            self.base_samples.append(self.base())

    def ratios(self, attr: str) -> list[float]:
        pairs = zip(self.ours_samples, self.base_samples, strict=True)
        return [(getattr(b, attr) / getattr(o, attr) if self.invert
                 else getattr(o, attr) / getattr(b, attr)) for o, b in pairs]

    def row(self) -> str:
        wall = [x.seconds for x in self.ours_samples]
        cpu = [x.cpu for x in self.ours_samples]
        ours = f"{spread(wall)} s (CPU {spread(cpu)})"
        if self.base is None:
            met = self.met(statistics.median(cpu), 0.0)
            return (f"| {self.measure} | {ours} | | | | {self.target} "
                    f"| {'yes' if met else 'NO'} |")
        base_wall = [x.seconds for x in self.base_samples]
        base_cpu = [x.cpu for x in self.base_samples]
        met = self.met(statistics.median(cpu), statistics.median(base_cpu))
        wall_met = self.met(statistics.median(wall), statistics.median(base_wall))
        return (f"| {self.measure} | {ours} | {self.base_name}: {spread(base_wall)} s "
                f"(CPU {spread(base_cpu)}) | {spread(self.ratios('cpu'), '{:.2f}')}x "
                f"| {spread(self.ratios('seconds'), '{:.2f}')}x | {self.target} "
                f"| {'yes' if met else 'NO'}{'' if wall_met else ' (wall: no)'} |")


def note(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def servers() -> Iterator[tuple[str, str, Any]]:
    """The tests' local Crossref and Zotero servers, for `enrich` and `zotero`
    on the bundled catalog (no network: both answer from 127.0.0.1); the
    Zotero server itself comes third, for its log of requests."""
    sys.path.insert(0, str(ROOT))  # a script: the tests package's local servers
    from tests.crossref.crossref_server import CrossrefServer
    from tests.zotero.zotero_fake_server import FakeZotero

    zotero = FakeZotero()
    zotero.add_group(ZOTERO_GROUP)
    zotero.add_key(ZOTERO_KEY, {ZOTERO_GROUP: "rw"})
    zotero.start()
    with CrossrefServer([]) as crossref:
        try:
            yield crossref.url, zotero.url, zotero
        finally:
            zotero.stop()


ZOTERO_GROUP, ZOTERO_KEY = 5150, "benchmarkKey000000000000"

# The requests a command made, made again by httpx2 alone (without the async
# back ends, and with no certificate authority loaded for the plain-http
# local server, as ssl-bib's command line does, and the collector paused
# while loading and frozen at exit, as there): the floor of what any client
# pays for the HTTP stack and the exchanges themselves.
BARE_CLIENT = [PYTHON, "-c", """
import atexit, gc, json, ssl, sys
sys.modules["trio"] = sys.modules["anyio"] = None  # sync only, as ssl-bib's command line
gc.disable()  # the collector's handling of ssl-bib's process (ssl_bib.entry, cli.main)
import httpx2
gc.freeze()
gc.enable()
atexit.register(gc.freeze)
base, requests = json.loads(open(sys.argv[1], encoding="utf-8").read())
verify = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # plain http: no authority needed
with httpx2.Client(base_url=base, verify=verify) as client:
    for method, path, query, headers in requests:
        client.request(method, path, params=query, headers=headers).read()
"""]


@dataclass
class BareClient:
    """A command's requests made by a bare httpx2 client (BARE_CLIENT)."""

    label: str
    count: int
    command: list[str]
    samples: list[Sample] = field(default_factory=list)

    def row(self, click_cpu: float, click_wall: float) -> str:
        wall = [x.seconds for x in self.samples]
        cpu = [x.cpu for x in self.samples]
        return (f"| `{self.label}`: its {self.count} requests made by a bare httpx2 client "
                f"(the floor of the exchange itself) | {spread(wall)} s (CPU {spread(cpu)}) "
                f"| `import click`: {click_wall:.3f} s (CPU {click_cpu:.3f}), medians "
                f"| {spread([c / click_cpu for c in cpu], '{:.2f}')}x "
                f"| {spread([w / click_wall for w in wall], '{:.2f}')}x | (baseline) | |")


def bare_client(folder: Path, server: Any, url: str,
                command: tuple[str, list[str], dict[str, str], tuple[int, ...]]) -> BareClient:
    """Run `command` once against the local Zotero server and keep the
    requests it made (method, path, query, the Zotero headers)."""
    label, cmd, env, ok = command
    server.clear_log()
    run_once(cmd, env=env, ok=ok)
    requests = [(r.method, r.path, r.query, {k: v for k, v in r.headers.items()
                                              if k.lower().startswith(("zotero", "if-"))})
                for r in server.log]
    script = folder / "bare-client.json"
    script.write_text(json.dumps([url, requests]), encoding="utf-8")
    return BareClient(label, len(requests), [*BARE_CLIENT, str(script)])


class Bench:
    def __init__(self, folder: Path, runs: int) -> None:
        self.folder = folder
        self.runs = runs

    def catalog(self, n: int) -> Path:
        path = self.folder / f"grown-{n}.toml"
        if not path.exists():
            note(f"growing the bundled catalog to {n:,} entries")
            # In a process of its own: Linux counts the memory a child was
            # forked with in its peak (ru_maxrss), so a parent that had grown
            # 100,000 entries itself added ~90 MB to the peak-memory figure.
            subprocess.run([PYTHON, str(ROOT / "benchmarks" / "synth.py"), "--grow", str(n),
                            str(path)], check=True, stdout=subprocess.DEVNULL)
        return path

    def bibtex(self, n: int) -> Path:
        path = self.folder / f"grown-{n}.bib"
        if not path.exists():
            run_once([*SSL_BIB, "--catalog", str(self.catalog(n)), "export", "-f", "bibtex",
                      "-o", str(path)])
        return path

    # -- our commands ----------------------------------------------------

    def check(self, n: int) -> Sample:
        return run_once([*SSL_BIB, "--catalog", str(self.catalog(n)), "check"])

    def list_json(self, n: int) -> Sample:
        return run_once([*SSL_BIB, "--catalog", str(self.catalog(n)), "list", "--json"])

    def export_all(self, n: int) -> Sample:
        out = self.folder / f"export-{n}"
        return run_once([*SSL_BIB, "--catalog", str(self.catalog(n)), "export", "--all",
                         str(out)])

    def import_empty(self, n: int) -> Sample:
        target = self.folder / f"imported-{n}.toml"
        target.unlink(missing_ok=True)
        return run_once([*SSL_BIB, "--catalog", str(target), "import", str(self.bibtex(n))])

    def reimport(self, n: int) -> Sample:
        imported = self.folder / f"imported-{n}.toml"
        if not imported.exists():
            self.import_empty(n)
        target = self.folder / f"reimport-{n}.toml"
        shutil.copyfile(imported, target)
        return run_once([*SSL_BIB, "--catalog", str(target), "import", str(self.bibtex(n))])

    def change_one(self, n: int) -> Sample:
        """The save alone, timed inside a process that loaded the catalog to edit it."""
        target = self.folder / f"change-{n}.toml"
        shutil.copyfile(self.catalog(n), target)
        out = self.folder / "change-one.out"
        run_once([*CHANGE_ONE, str(target)], stdout=out)
        wall, cpu = map(float, out.read_text().split())
        return Sample(wall, cpu, 0)

    # -- baselines -------------------------------------------------------

    def tomllib(self, n: int) -> Sample:
        return run_once([*TOMLLIB, str(self.catalog(n))])

    def pandoc(self, n: int) -> Sample:
        import pypandoc

        return run_once([pypandoc.get_pandoc_path(), "-f", "bibtex", "-t", "csljson",
                         str(self.bibtex(n)), "-o", str(self.folder / "pandoc.json")])

    def click(self) -> Sample:
        return run_once(CLICK)


def targets(bench: Bench, n: int) -> list[Pair]:
    def at_most(limit: float) -> Callable[[float, float], bool]:
        return lambda ours, base: ours <= limit * base

    return [
        Pair(f"`check`, {n:,} entries", lambda: bench.check(n), lambda: bench.tomllib(n),
             "tomllib parse", "<= 0.5x tomllib", at_most(0.5)),
        Pair(f"`list --json`, {n:,} entries", lambda: bench.list_json(n),
             lambda: bench.tomllib(n), "tomllib parse", "<= 0.6x tomllib", at_most(0.6)),
        Pair(f"`export --all` (4 formats), {n:,} entries", lambda: bench.export_all(n),
             lambda: bench.pandoc(n), "pandoc bib -> CSL-JSON",
             ">= 5x faster than pandoc", lambda ours, base: base >= 5 * ours, invert=True),
        Pair(f"`import` {n:,} BibTeX records into an empty catalog",
             lambda: bench.import_empty(n), lambda: bench.pandoc(n), "pandoc bib -> CSL-JSON",
             "faster than pandoc", lambda ours, base: ours < base, invert=True),
        Pair("re-`import` of the same file (all duplicates)", lambda: bench.reimport(n),
             lambda: bench.pandoc(n), "pandoc bib -> CSL-JSON", "faster than pandoc",
             lambda ours, base: ours < base, invert=True),
        Pair(f"change one entry of {n:,} and save (in process)", lambda: bench.change_one(n),
             None, "", "< 0.15 s", lambda ours, _base: ours < 0.15),
    ]


def bundled_commands(folder: Path, crossref_url: str, zotero_url: str) -> list[
        tuple[str, list[str], dict[str, str], tuple[int, ...]]]:
    """Every command on a copy of the bundled catalog: (label, argv, env, ok exits)."""
    catalog = folder / "bundled" / "entries.toml"
    catalog.parent.mkdir(exist_ok=True)
    shutil.copyfile(ROOT / "entries.toml", catalog)
    bib = folder / "bundled.bib"
    run_once([*SSL_BIB, "--catalog", str(catalog), "export", "-f", "bibtex", "-o", str(bib)])
    first_key = next(line.split('"')[1] for line in catalog.read_text().splitlines()
                     if line.startswith("key = "))
    base = [*SSL_BIB, "--catalog", str(catalog)]
    env = {"SSL_BIB_CACHE_DIR": str(folder / "cache"), "ZOTERO_API_KEY": ZOTERO_KEY}
    zotero = ["--group", str(ZOTERO_GROUP), "--zotero-url", zotero_url]
    commands: list[tuple[str, list[str], dict[str, str], tuple[int, ...]]] = [
        ("--help", ["--help"], {}, (0,)),
        ("check", ["check"], {}, (0,)),
        ("list", ["list"], {}, (0,)),
        ("list --json", ["list", "--json"], {}, (0,)),
        ("show KEY", ["show", first_key], {}, (0,)),
        *((f"export -f {fmt}", ["export", "-f", fmt], {}, (0,))
          for fmt in ("bibtex", "biblatex", "ris", "csljson")),
        ("export --all", ["export", "--all", str(folder / "bundled-export")], {}, (0,)),
        ("import (all duplicates)", ["import", str(bib)], {}, (0,)),
        ("render readme", ["render", "readme"], {}, (0,)),
        ("enrich --dry-run (answers cached)", ["enrich", "--dry-run", "--crossref-url",
                                               crossref_url], env, (0, 1)),
        ("zotero status", ["zotero", "status", *zotero], env, (0, 1)),
    ]
    for name in ("check", "list", "show", "export", "import", "render", "enrich", "zotero"):
        commands.append((f"{name} --help", [name, "--help"], {}, (0,)))
    return [(label, [*base, *argv], e, ok) for label, argv, e, ok in commands]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--size", type=int, default=10_000,
                        help="entries for the target table (default 10,000)")
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="entries for the scaling table")
    parser.add_argument("--memory-size", type=int, default=100_000,
                        help="entries for the peak-memory figure")
    parser.add_argument("--no-scaling", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ssl-bib-bench-"))
    # Byte-compiled code for every process, cached in the folder (see above).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    try:
        report(Bench(folder, args.runs), args)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def report(bench: Bench, args: argparse.Namespace) -> None:
    import platform

    n, runs = args.size, args.runs
    pairs = targets(bench, n)
    bench.bibtex(n)
    # An untimed round: files in the page cache, the imported catalog made,
    # every process's bytecode cached.
    for pair in pairs:
        pair.measure_once()
        pair.ours_samples.clear()
        pair.base_samples.clear()
    for round_ in range(runs):
        note(f"targets at {n:,} entries: round {round_ + 1} of {runs}")
        for pair in pairs:
            pair.measure_once()

    with servers() as (crossref_url, zotero_url, zotero):
        commands = bundled_commands(bench.folder, crossref_url, zotero_url)
        for _label, cmd, env, ok in commands:  # warm-up, and fills the Crossref cache
            run_once(cmd, env=env, ok=ok)
        bench.click()
        bare = bare_client(bench.folder, zotero, zotero_url,
                           next(c for c in commands if c[0] == "zotero status"))
        run_once(bare.command)
        bundled: dict[str, list[Sample]] = {label: [] for label, *_ in commands}
        clicks: list[Sample] = []
        for round_ in range(runs):
            note(f"bundled catalog: round {round_ + 1} of {runs}")
            for label, cmd, env, ok in commands:
                bundled[label].append(run_once(cmd, env=env, ok=ok))
                clicks.append(bench.click())
            bare.samples.append(run_once(bare.command))

    memory_path = bench.catalog(args.memory_size)
    size = memory_path.stat().st_size
    run_once([*LOAD_CHECK, str(ROOT / "entries.toml")])  # warm-up: bytecode cached
    peaks, tomllib_peaks = [], []
    for round_ in range(runs):
        note(f"peak memory at {args.memory_size:,} entries: round {round_ + 1} of {runs}")
        peaks.append(run_once([*LOAD_CHECK, str(memory_path)]).peak_rss)
        tomllib_peaks.append(run_once([*TOMLLIB, str(memory_path)]).peak_rss)

    print(f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, "
          f"catalog reader: {toml_reader()}, byte-compiled; {runs} rounds, "
          "min / median / max. "
          f"{n:,} entries = {bench.catalog(n).stat().st_size / 1e6:.1f} MB "
          "(the bundled catalog grown by copying its real entries).\n")
    print("| measure | ssl-bib: wall (CPU) | baseline: wall (CPU) | CPU ratio | wall ratio "
          "| target | met (on CPU) |")
    print("|---|---|---|---|---|---|---|")
    for pair in pairs:
        print(pair.row())
    mb = [p / 1e6 for p in peaks]
    ratio = [p / size for p in peaks]
    print(f"| peak memory, load + check of {args.memory_size:,} entries "
          f"| {spread(mb, '{:.0f}')} MB | file size: {size / 1e6:.0f} MB "
          f"(tomllib's parse alone: {statistics.median(tomllib_peaks) / 1e6:.0f} MB) "
          f"| {spread(ratio, '{:.2f}')}x | | <= 6x the file size "
          f"| {'yes' if statistics.median(ratio) <= 6 else 'NO'} |")
    click_cpu = statistics.median(x.cpu for x in clicks)
    click_wall = statistics.median(x.seconds for x in clicks)
    for label, samples in bundled.items():
        cpu_ratios = [x.cpu / click_cpu for x in samples]
        wall_ratios = [x.seconds / click_wall for x in samples]
        met = statistics.median(cpu_ratios) <= 2
        wall_met = statistics.median(wall_ratios) <= 2
        print(f"| `{label}`, bundled catalog | {spread([x.seconds for x in samples])} s "
              f"(CPU {spread([x.cpu for x in samples])}) "
              f"| `import click`: {click_wall:.3f} s (CPU {click_cpu:.3f}), medians "
              f"| {spread(cpu_ratios, '{:.2f}')}x | {spread(wall_ratios, '{:.2f}')}x | <= 2x "
              f"| {'yes' if met else 'NO'}{'' if wall_met else ' (wall: no)'} |")
        if label == "zotero status":
            print(bare.row(click_cpu, click_wall))

    if args.no_scaling:
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    commands_at: dict[str, Callable[[int], Sample]] = {
        "check": bench.check, "list --json": bench.list_json, "export --all": bench.export_all,
        "import into empty": bench.import_empty, "re-import": bench.reimport,
    }
    times: dict[tuple[str, int], list[Sample]] = {}
    for size_n in sizes:
        bench.bibtex(size_n)
        for round_ in range(runs):
            note(f"scaling at {size_n:,} entries: round {round_ + 1} of {runs}")
            for name, func in commands_at.items():
                times.setdefault((name, size_n), []).append(func(size_n))
    print("\nScaling (fresh process, medians of "
          f"{runs}: CPU seconds and CPU microseconds per entry, then wall seconds; last "
          f"column: CPU per entry at {sizes[-1]:,} / at {sizes[-2]:,}, target <= 1.2):\n")
    print("| command | " + " | ".join(f"{s:,} entries" for s in sizes) + " | growth |")
    print("|---|" + "---|" * len(sizes) + "---|")
    for name in commands_at:
        cells, per = [], []
        for size_n in sizes:
            median = statistics.median(x.cpu for x in times[(name, size_n)])
            wall = statistics.median(x.seconds for x in times[(name, size_n)])
            per.append(median / size_n)
            cells.append(f"{median:.2f} s ({median / size_n * 1e6:.0f} us); wall {wall:.2f} s")
        growth = per[-1] / per[-2]
        print(f"| `{name}` | " + " | ".join(cells) +
              f" | {growth:.2f} {'' if growth <= 1.2 else '(NO)'} |")


def toml_reader() -> str:
    try:
        from ssl_bib.toml_parse import READER
    except ImportError:  # a checkout from before the compiled parser
        return "tomllib"
    return READER


if __name__ == "__main__":
    main()
