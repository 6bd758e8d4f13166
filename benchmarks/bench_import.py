"""Import benchmark: `.venv/bin/python benchmarks/bench_import.py [--big N]`.

1. A 10,000-entry BibTeX file, written by our own exporter from a synthetic
   catalog, is imported (read, match, add, write entries.toml) into an empty
   catalog, then again into the catalog that already holds every entry (all
   duplicates). pandoc's bib -> CSL-JSON conversion of the same file is timed
   in the same run, for scale.
2. Dedup scaling: matching and merging alone (the file already parsed), at
   10,000 and at N (default 100,000) entries, into an empty catalog and into
   a full one. Time per entry should stay flat if dedup is linear.

Prints figures and ratios; writes only to a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ssl_bib import exporting, importer, store
from ssl_bib.codecs import bibtex_read
from ssl_bib.codecs.read_result import ReadResult
from ssl_bib.model import Catalog, CodeLink, Entry, Person, Venue

VENUES = {
    "MedIA": Venue("MedIA", "Medical Image Analysis", "journal"),
    "MICCAI": Venue("MICCAI", "International Conference on Medical Image Computing and "
                    "Computer Assisted Intervention", "conference"),
    "ArXiv": Venue("ArXiv", "arXiv", "preprint"),
}


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou")
                   for _ in range(rng.randint(2, 4)))


def synthetic_catalog(n: int, seed: int = 7) -> Catalog:
    """n papers with titles drawn Zipf-like from a 20,000-word vocabulary (as
    real titles mix common words with rare ones), unique DOIs or arXiv ids."""
    rng = random.Random(seed)
    vocabulary = [_word(rng) for _ in range(20_000)]
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    families = [_word(rng).capitalize() for _ in range(5_000)]
    entries = []
    for i in range(n):
        words = rng.choices(vocabulary, weights, k=rng.randint(6, 12))
        title = " ".join(words).capitalize() + f" {_word(rng)}{i}"
        venue = rng.choice(list(VENUES))
        entry = Entry(key=f"k{i}", title=title, year=rng.randint(2015, 2024), venue=venue,
                      authors=[Person(rng.choice(families), rng.choice(families))
                               for _ in range(rng.randint(1, 4))],
                      categories=[rng.choice(["Contrastive", "Generative", "Predictive"])],
                      pages=f"{i % 900 + 1}-{i % 900 + 12}", volume=str(i % 60 + 1))
        if venue == "ArXiv":
            entry.arxiv = f"{2000 + i // 90000}.{i % 90000 + 10000:05d}"
            entry.url = f"https://arxiv.org/abs/{entry.arxiv}"
        else:
            entry.doi = f"10.9999/bench.{i}"
            entry.url = f"https://doi.org/{entry.doi}"
        if i % 3 == 0:
            entry.code = [CodeLink("pytorch", f"https://github.com/lab/repo{i}")]
        entries.append(entry)
    return Catalog(entries=entries, venues=dict(VENUES),
                   categories=["Contrastive", "Generative", "Predictive"])


def timed(label: str, func: object) -> tuple[float, object]:
    start = time.perf_counter()
    result = func()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"  {label:<58} {seconds:8.2f} s")
    return seconds, result


def full_import(n: int, folder: Path) -> None:
    print(f"[1] {n:,}-entry BibTeX file, exported by ssl-bib")
    source = synthetic_catalog(n)
    bib = folder / "big.bib"
    bib.write_text(exporting.export(source, source.entries, "bibtex"), encoding="utf-8")
    print(f"  file: {bib.stat().st_size / 1e6:.1f} MB")
    target = folder / "entries.toml"

    def into_empty() -> importer.Outcome:
        loaded = store.new_catalog(target)
        loaded.catalog.venues = dict(VENUES)
        text = importer.read_text(bib)
        outcome = importer.import_texts(loaded.catalog, [(bib.name, text, "bibtex")],
                                        keep_keys=True)
        store.save(loaded)
        return outcome

    def into_full() -> importer.Outcome:
        loaded = store.load(target)
        text = importer.read_text(bib)
        outcome = importer.import_texts(loaded.catalog, [(bib.name, text, "bibtex")])
        store.save(loaded)
        return outcome

    empty_s, outcome = timed("import into an empty catalog (read, match, add, write)",
                             into_empty)
    print(f"    {outcome.summary()}")  # type: ignore[attr-defined]
    full_s, outcome = timed("import into the catalog holding them all (all duplicates)",
                            into_full)
    print(f"    {outcome.summary()}")  # type: ignore[attr-defined]
    parse_s, _ = timed("  of which: bibtexparser + field mapping alone",
                       lambda: bibtex_read.read(bib.read_text(encoding="utf-8"), bib.name))
    pandoc_s = pandoc_time(bib, folder)
    if pandoc_s:
        print(f"  ratio import(empty)/pandoc {empty_s / pandoc_s:.2f}, "
              f"import(duplicates)/pandoc {full_s / pandoc_s:.2f}")


def pandoc_time(bib: Path, folder: Path) -> float | None:
    try:
        import pypandoc

        pandoc = pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        print(f"  pandoc not available: {exc}")
        return None
    out = folder / "pandoc.json"
    seconds, _ = timed("pandoc bib -> CSL-JSON, same file",
                       lambda: subprocess.run([pandoc, "-f", "bibtex", "-t", "csljson",
                                               str(bib), "-o", str(out)], check=True))
    return seconds


def dedup_scaling(sizes: list[int]) -> None:
    print("[2] matching and merging alone (records already parsed)")
    per_entry: dict[tuple[int, str], float] = {}
    for n in sizes:
        source = synthetic_catalog(n)
        for mode in ("empty", "full"):
            catalog = Catalog(venues=dict(VENUES))
            if mode == "full":
                catalog = synthetic_catalog(n)
            fresh = synthetic_catalog(n)
            result = ReadResult(records=[
                importer.Record(entry=e, line=i + 1, source_id=e.key,
                                venue_name=VENUES[e.venue or "MedIA"].name)
                for i, e in enumerate(fresh.entries)])
            for record in result.records:
                record.entry.key = ""

            def run(catalog: Catalog = catalog, result: ReadResult = result,
                    expected: int = n if mode == "empty" else 0) -> None:
                runner = importer.Importer(catalog)
                runner.run(result, "bench.bib")
                assert len(runner.outcome.added) == expected, runner.outcome.summary()

            seconds, _ = timed(f"{n:>7,} records into a {mode} catalog", run)
            per_entry[(n, mode)] = seconds / n * 1e6
        del source
    for mode in ("empty", "full"):
        small, big = per_entry[(sizes[0], mode)], per_entry[(sizes[-1], mode)]
        print(f"  {mode:<5}: {small:6.1f} us/entry at {sizes[0]:,}, {big:6.1f} us/entry at "
              f"{sizes[-1]:,}  (ratio {big / small:.2f}; 1.0 = linear)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--big", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        full_import(args.entries, Path(tmp))
    dedup_scaling([args.entries, args.big])


if __name__ == "__main__":
    sys.exit(main())
