"""Benchmark `enrich` against the local Crossref server with per-request latency.

    .venv/bin/python benchmarks/bench_enrich.py [--entries 1000] [--latency 0.05]
                                                [--concurrency 1,3,8]

Builds a synthetic catalog (40% DOI entries, 20% Elsevier PII links, 30% title
only, 10% with a DOI Crossref does not know, which falls back to a search),
serves a matching corpus with the given latency per request, and runs the
enrichment at each concurrency with a fresh cache, then once more on the same
cache. Prints wall time against the ideal `requests x latency / concurrency`,
requests per entry, and the cache hit rate of the rerun.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script: the tests package's local servers
sys.path.insert(0, str(ROOT / "src"))

from ssl_bib.crossref.cache import ResponseCache  # noqa: E402
from ssl_bib.crossref.client import CrossrefClient  # noqa: E402
from ssl_bib.crossref.enrich import run  # noqa: E402
from ssl_bib.model import Entry, Venue  # noqa: E402
from ssl_bib.store import load, new_catalog, save  # noqa: E402
from tests.crossref.crossref_corpus import work  # noqa: E402
from tests.crossref.crossref_server import CrossrefServer  # noqa: E402

WORDS = ("adaptive anatomical attention augmentation brain cardiac cell contrastive "
         "cross dense deep denoising domain encoder endoscopic feature few fundus "
         "generative graph histology invariant knowledge label latent lesion liver lung "
         "mammography masked modal motion multi network organ patch pathology pretext "
         "prior prostate pulmonary radiology reconstruction registration representation "
         "restoration retinal rotation scale segmentation semantic shot skin slice spatial "
         "spectral student supervised temporal texture token transfer transformer tumor "
         "ultrasound uncertainty unsupervised vessel video volumetric weakly").split()


def build(n: int, folder: Path, rng: random.Random) -> tuple[Path, list[dict[str, object]]]:
    """A catalog of `n` entries and the corpus that answers for them."""
    loaded = new_catalog(folder / "entries.toml")
    loaded.catalog.venues["MedIA"] = Venue("MedIA", "Medical Image Analysis", "journal")
    records: list[dict[str, object]] = []
    seen: set[str] = set()
    for i in range(n):
        while True:
            title = " ".join(rng.sample(WORDS, 8)).capitalize()
            if title not in seen:
                seen.add(title)
                break
        year = 2015 + i % 10
        doi = f"10.5555/bench.{i}"
        kind = rng.random()
        entry = Entry(key=f"bench{i}", title=title, year=year, venue="MedIA")
        extra: dict[str, object] = {}
        if kind < 0.4:
            entry.doi = doi
        elif kind < 0.6:
            pii = f"S1361841{i:09d}"
            entry.url = f"https://www.sciencedirect.com/science/article/pii/{pii}"
            entry.pii = pii
            extra["alternative_id"] = [pii]
        elif kind > 0.9:
            entry.doi = f"10.5555/unknown.{i}"
        loaded.catalog.entries.append(entry)
        records.append(work(doi, "journal-article", title, (year, 1 + i % 12),
                            [(f"Author{i}", "A.")], ["Medical Image Analysis"],
                            "Elsevier BV", volume=str(i % 90), page=f"{i}-{i + 9}",
                            ISSN=["1361-8415"], **extra))
    save(loaded)
    return loaded.path, records


def one_run(catalog: Path, server: CrossrefServer, cache_dir: Path,
            concurrency: int) -> tuple[float, int, int, int, int]:
    loaded = load(catalog)
    cache = ResponseCache(cache_dir)
    client = CrossrefClient(server.url, mailto="bench@example.org", cache=cache,
                            max_in_flight=concurrency)
    server.reset_log()
    start = time.perf_counter()
    summary = run(loaded, loaded.catalog.entries, client, concurrency=concurrency)
    wall = time.perf_counter() - start
    assert summary.stopped is None, summary.stopped
    return wall, len(server.log), summary.enriched, cache.hits, cache.misses


def client_setup_ms(n: int = 20) -> float:
    """What habanero pays before each request: it calls httpx2.get(), which
    builds a new client, and with it a TLS context, every time."""
    import httpx2

    start = time.perf_counter()
    for _ in range(n):
        httpx2.Client().close()
    return (time.perf_counter() - start) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--concurrency", default="1,3,8")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    rng = random.Random(5)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source, records = build(args.entries, folder, rng)
        pristine = source.read_bytes()
        print(f"{args.entries} entries, {args.latency * 1000:.0f} ms latency per request")
        print(f"{'conc':>4} {'requests':>8} {'req/entry':>9} {'wall s':>8} {'ideal s':>8} "
              f"{'wall/ideal':>10} {'enriched':>8} {'rerun req':>9} {'rerun hit rate':>14} "
              f"{'rerun s':>7} {'overhead ms/req':>15}")
        with CrossrefServer(records, latency=args.latency) as server:
            for level in levels:
                catalog = folder / f"entries-{level}.toml"
                catalog.write_bytes(pristine)
                cache_dir = folder / f"cache-{level}"
                wall, requests, enriched, _, _ = one_run(catalog, server, cache_dir, level)
                ideal = requests * args.latency / level
                re_wall, re_requests, _, hits, misses = one_run(catalog, server, cache_dir,
                                                                level)
                rate = hits / (hits + misses) if hits + misses else 0.0
                # Time per request beyond the server's latency, at this concurrency.
                overhead = (wall - ideal) * level / requests
                print(f"{level:>4} {requests:>8} {requests / args.entries:>9.2f} "
                      f"{wall:>8.1f} {ideal:>8.1f} {wall / ideal:>10.2f} {enriched:>8} "
                      f"{re_requests:>9} {rate:>14.1%} {re_wall:>7.1f} {overhead * 1000:>15.0f}")
        print(f"habanero builds an httpx2 client (and TLS context) per request: "
              f"{client_setup_ms():.0f} ms of CPU each, part of the overhead above")


if __name__ == "__main__":
    main()
