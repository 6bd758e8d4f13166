"""Export benchmark: `.venv/bin/python benchmarks/bench_export.py [--big N] [--no-profile]`.

1. A synthetic 10,000-entry catalog (benchmarks/synth.py) is exported to all
   four formats; in the same run pandoc converts that BibTeX to CSL-JSON.
   Prints each time, the ratio pandoc / ours (target: ours >= 5x faster) and
   the peak memory of the export (target < 500 MB; tracemalloc, in a second
   pass so it does not slow the timed one).
2. The BibTeX path we did not take, for comparison: the same escaped fields
   put through bibtexparser's Library and writer, and bibtexparser's
   LatexEncodingMiddleware over whole entries.
3. All four formats for N entries (default 100,000).
4. cProfile of the BibTeX writer: where the time goes.

Writes only to a temporary folder.
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import io
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import synth_catalog  # noqa: E402

from ssl_bib.codecs import bibtex_write  # noqa: E402
from ssl_bib.codecs.facts import facts  # noqa: E402
from ssl_bib.exporting import FORMATS, export  # noqa: E402
from ssl_bib.model import Catalog  # noqa: E402


def export_all(catalog: Catalog) -> dict[str, tuple[float, str]]:
    results = {}
    for name in FORMATS:
        start = time.perf_counter()
        text = export(catalog, catalog.entries, name)
        results[name] = (time.perf_counter() - start, text)
    return results


def pandoc_seconds(bibtex: str) -> float:
    import pypandoc

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "refs.bib"
        source.write_text(bibtex, encoding="utf-8")
        start = time.perf_counter()
        proc = subprocess.run([pypandoc.get_pandoc_path(), "-f", "bibtex", "-t", "csljson",
                               str(source), "-o", str(Path(folder) / "refs.json")],
                              capture_output=True, check=False)
        seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"pandoc failed: {proc.stderr.decode()[:500]}")
    if proc.stderr:
        print(f"  pandoc stderr: {proc.stderr.decode()[:300]}")
    return seconds


def bibtexparser_path(catalog: Catalog) -> tuple[float, float]:
    """Time (a) our escaped fields through bibtexparser's model and writer,
    (b) raw fields through its LatexEncodingMiddleware and writer."""
    import bibtexparser
    from bibtexparser.middlewares import LatexEncodingMiddleware
    from bibtexparser.model import Entry as BEntry
    from bibtexparser.model import Field

    blocks = []
    raw_blocks = []
    for entry in catalog.entries:
        kind = catalog.entry_type(entry)
        fx = facts(catalog, entry)
        # Our written fields ("  name = {value}"), as bibtexparser fields.
        fields = [line.strip().split(" = ", 1) for line in
                  bibtex_write._field_lines(fx, False, bibtex_write._written_type(fx, False))]
        blocks.append(BEntry(kind, entry.key, [
            Field(name, value[1:-1] if value.startswith("{") else value)
            for name, value in fields]))
        raw_blocks.append(BEntry(kind, entry.key, [
            Field("title", entry.title), Field("author", " and ".join(
                p.display() for p in entry.authors)), Field("year", str(entry.year)),
            Field("doi", entry.doi or ""), Field("url", entry.url or "")]))
    start = time.perf_counter()
    library = bibtexparser.Library(blocks)
    # In-place unparsing: the fastest way bibtexparser offers (no deep copies).
    stack = bibtexparser.middlewares.default_unparse_stack(allow_inplace_modification=True)
    bibtexparser.write_string(library, unparse_stack=stack)
    ours_through_writer = time.perf_counter() - start
    start = time.perf_counter()
    library = bibtexparser.Library(raw_blocks)
    stack = [LatexEncodingMiddleware(allow_inplace_modification=True),
             *bibtexparser.middlewares.default_unparse_stack(allow_inplace_modification=True)]
    bibtexparser.write_string(library, unparse_stack=stack)
    middleware = time.perf_counter() - start
    return ours_through_writer, middleware


def replicate(catalog: Catalog, count: int) -> Catalog:
    """`count` entries made of copies of the catalog's under new keys (building
    100,000 distinct ones with synth.py's key assignment takes minutes)."""
    entries = []
    for i in range(count):
        source = catalog.entries[i % len(catalog.entries)]
        entries.append(dataclasses.replace(source, key=f"{source.key}x{i}"))
    return Catalog(entries=entries, venues=catalog.venues, categories=catalog.categories)


def peak_memory_mb(catalog: Catalog) -> float:
    tracemalloc.start()
    for name in FORMATS:
        export(catalog, catalog.entries, name)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()

    catalog = synth_catalog(args.count)
    export(catalog, catalog.entries[:50], "bibtex")  # warm the per-character caches
    print(f"== {args.count:,} entries: all four formats, then pandoc on the same BibTeX")
    results = export_all(catalog)
    ours = sum(seconds for seconds, _ in results.values())
    for name, (seconds, text) in results.items():
        print(f"  {name:9s} {seconds:7.3f} s  {len(text) / 1e6:6.1f} MB")
    print(f"  ours, all four: {ours:.3f} s")
    pandoc = pandoc_seconds(results["bibtex"][1])
    print(f"  pandoc bibtex -> csljson: {pandoc:.3f} s")
    verdict = "ok" if pandoc / ours >= 5 else "BELOW TARGET"
    print(f"  ratio pandoc / ours: {pandoc / ours:.1f}x (target >= 5x: {verdict})")
    peak = peak_memory_mb(catalog)
    print(f"  peak memory of the four exports (tracemalloc): {peak:.0f} MB (target < 500 MB)")

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  process peak RSS so far (catalog + four texts + pandoc run): {rss:.0f} MB")

    print("== the BibTeX path not taken (same entries)")
    through_writer, middleware = bibtexparser_path(catalog)
    bibtex_seconds = results["bibtex"][0]
    print(f"  our writer:                                  {bibtex_seconds:7.3f} s")
    print(f"  our escaped fields via bibtexparser's writer: {through_writer:7.3f} s "
          f"(+ the escaping itself)")
    print(f"  bibtexparser LatexEncodingMiddleware + writer (5 fields only): {middleware:7.3f} s")

    if args.big:
        big = replicate(catalog, args.big)
        print(f"== {args.big:,} entries: all four formats")
        total = 0.0
        for name in FORMATS:
            start = time.perf_counter()
            size = len(export(big, big.entries, name))  # the text is dropped at once
            seconds = time.perf_counter() - start
            total += seconds
            print(f"  {name:9s} {seconds:7.3f} s  {size / 1e6:6.1f} MB")
        print(f"  ours, all four: {total:.3f} s")
        del big

    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"== process peak RSS (whole run, incl. the {args.big:,}-entry catalog): "
          f"{maxrss:.0f} MB")

    if not args.no_profile:
        print(f"== cProfile of the BibTeX writer ({args.count:,} entries), top by own time")
        profile = cProfile.Profile()
        profile.enable()
        bibtex_write.write_bibtex(catalog, catalog.entries)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
        print("\n".join(line for line in out.getvalue().splitlines()[4:] if line.strip()))


if __name__ == "__main__":
    main()
