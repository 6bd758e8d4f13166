"""Where each command spends its time on a big catalog: cProfile of the real
command, in process, on the bundled catalog grown to N entries.

    python benchmarks/profile_commands.py [--entries 10000] [--top 12] [COMMAND...]

COMMAND is one of: check, list-json, export-all, import-empty, reimport,
change-one (default: all). Prints, per command, its wall time and the
functions with the most time of their own, then those with the most
cumulative time inside ssl_bib. Writes only to a temporary folder.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

from synth import write_grown  # noqa: E402


def cli(*args: str) -> None:
    from click.testing import CliRunner

    from ssl_bib.cli import cli as group

    result = CliRunner().invoke(group, list(args), catch_exceptions=False)
    if result.exit_code not in (0, 1):
        raise SystemExit(f"ssl-bib {' '.join(args)}: exit {result.exit_code}\n{result.output}")


def commands(folder: Path, n: int) -> dict[str, tuple[Callable[[], None], Callable[[], None]]]:
    """name -> (setup, run)."""
    catalog = write_grown(folder / "grown.toml", n)
    bib = folder / "grown.bib"
    cli("--catalog", str(catalog), "export", "-f", "bibtex", "-o", str(bib))
    imported = folder / "imported.toml"
    cli("--catalog", str(imported), "import", str(bib))
    work = folder / "work.toml"

    def fresh_import() -> None:
        work.unlink(missing_ok=True)

    def copy_imported() -> None:
        shutil.copyfile(imported, work)

    def change_one() -> None:
        # As run.py times it: loaded for editing (snapshots taken), one entry
        # changed, saved; the load is in the profile too.
        from ssl_bib.store import editing, save

        with editing(work, "profile") as loaded:
            entry = loaded.catalog.entries[len(loaded.catalog.entries) // 2]
            start = time.perf_counter()
            entry.note = "changed"
            save(loaded)
            print(f"  (the save alone: {time.perf_counter() - start:.3f} s)")

    def nothing() -> None:
        pass

    return {
        "check": (nothing, lambda: cli("--catalog", str(catalog), "check")),
        "list-json": (nothing, lambda: cli("--catalog", str(catalog), "list", "--json")),
        "export-all": (nothing, lambda: cli("--catalog", str(catalog), "export", "--all",
                                            str(folder / "out"))),
        "import-empty": (fresh_import, lambda: cli("--catalog", str(work), "import", str(bib))),
        "reimport": (copy_imported, lambda: cli("--catalog", str(work), "import", str(bib))),
        "change-one": (lambda: shutil.copyfile(catalog, work), change_one),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("names", nargs="*", metavar="COMMAND")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="ssl-bib-profile-"))
    try:
        table = commands(folder, args.entries)
        for name in args.names or list(table):
            setup, run = table[name]
            setup()
            profile = cProfile.Profile()
            start = time.perf_counter()
            profile.runcall(run)
            wall = time.perf_counter() - start
            print(f"== {name}, {args.entries:,} entries: {wall:.2f} s under the profiler")
            for key, limit in (("tottime", ""), ("cumulative", "ssl_bib")):
                out = io.StringIO()
                stats = pstats.Stats(profile, stream=out).sort_stats(key)
                stats.print_stats(*((limit, args.top) if limit else (args.top,)))
                body = out.getvalue().splitlines()
                start_at = next(i for i, line in enumerate(body) if "ncalls" in line)
                print(f"-- by {'own' if key == 'tottime' else 'cumulative'} time"
                      f"{' in ssl_bib' if limit else ''}")
                print("\n".join(line for line in body[start_at:] if line.strip()))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
