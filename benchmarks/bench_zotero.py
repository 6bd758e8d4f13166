"""Zotero sync benchmark (issue 6). Run: .venv/bin/python benchmarks/bench_zotero.py [N]

Against the local Zotero server of the tests (in-process, 127.0.0.1), with a
synthetic catalog of N entries (default 5,000), prints request counts and wall
time for:
- a first push of N items into an empty group   (target: ceil((N+1)/50) writes + 4: the
                                                 catalog note rides in the last batch)
- a pull of the group into an empty catalog     (target: ceil((N+1)/100) pages + 3: venues,
                                                 categories and order from the catalog note)
- a no-op sync                                  (target: <= 3 requests)
- a sync after 100 items were edited in Zotero  (target: ceil(100/50) reads + 4)
and, in the same run, the naive approach of fetching everything every time
(what pyzotero's `everything(items())` does: 100 items a page), with ratios.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))  # a script: the tests package's local Zotero
sys.path.insert(0, str(ROOT / "src"))

from synth import write_synth  # noqa: E402

from ssl_bib.store import load  # noqa: E402
from ssl_bib.zotero.client import ZoteroClient  # noqa: E402
from ssl_bib.zotero.report import Report  # noqa: E402
from ssl_bib.zotero.state import state_path  # noqa: E402
from ssl_bib.zotero.sync import SyncEngine  # noqa: E402
from tests.zotero.zotero_fake_server import FakeZotero  # noqa: E402

GROUP, KEY = 5150, "benchmarkKey000000000000"
RTT = 0.15  # seconds: a typical round trip to a remote API, for the estimate column


class NoSleep:
    """The benchmark measures our work, not the server's politeness."""

    def now(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        pass


def sync(server: FakeZotero, catalog: Path, mode: str) -> tuple[Report, int, float]:
    server.log.clear()
    start = time.perf_counter()
    loaded = load(catalog)
    with ZoteroClient(GROUP, KEY, server.url, clock=NoSleep()) as client:
        report = SyncEngine(loaded, client, state_path(catalog, GROUP), mode).run()  # type: ignore[arg-type]
    return report, server.count, time.perf_counter() - start


def naive(server: FakeZotero) -> tuple[int, float, str]:
    """Fetch every item every time: pyzotero's `everything(items())` when
    pyzotero is installed (the test extra puts it in .venv), else the same
    walk with our client, 100 a page, following Link headers."""
    server.log.clear()
    start = time.perf_counter()
    try:
        from pyzotero import zotero
    except ImportError:
        how = "our client, 100 a page"
        with ZoteroClient(GROUP, KEY, server.url, clock=NoSleep()) as client:
            items = client.all_pages(f"/groups/{GROUP}/items", {"format": "json"})
    else:
        how = "pyzotero everything(items())"
        zot = zotero.Zotero(GROUP, "group", KEY)
        zot.endpoint = server.url
        items = zot.everything(zot.items())
        if zot.client is not None:
            zot.client.close()
    assert len(items) == len(server.live_items(GROUP))  # the catalog note too
    return server.count, time.perf_counter() - start, how


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000
    server = FakeZotero()
    server.add_group(GROUP)
    server.add_key(KEY, {GROUP: "rw"})
    server.start()
    folder = Path(tempfile.mkdtemp(prefix="bench-zotero-"))
    catalog = write_synth(folder / "entries.toml", n)
    rows: list[tuple[str, int, float, str]] = []

    report, requests, seconds = sync(server, catalog, "push")
    assert len(report.zotero["new"]) == n and not report.failures
    rows.append((f"first push of {n} items", requests, seconds,
                 f"target <= {math.ceil((n + 1) / 50) + 4}"))

    empty = folder / "pulled" / "entries.toml"
    empty.parent.mkdir()
    empty.write_text("schema = 1\n", encoding="utf-8")
    report, requests, seconds = sync(server, empty, "pull")
    assert len(report.catalog["new"]) == n and not report.failures
    assert [e.key for e in load(empty).catalog.entries] == [
        e.key for e in load(catalog).catalog.entries]
    rows.append((f"pull of {n} into an empty catalog", requests, seconds,
                 f"target <= {math.ceil((n + 1) / 100) + 3}"))
    pull_requests, pull_seconds = requests, seconds
    naive0_requests, naive0_seconds, how = naive(server)
    rows.append(("naive: fetch everything", naive0_requests, naive0_seconds,
                 how + " (no catalog made)"))

    report, requests, seconds = sync(server, catalog, "sync")
    assert report.lines() == []
    rows.append(("no-op sync", requests, seconds, "target <= 3"))
    noop_requests, noop_seconds = requests, seconds
    naive_requests, naive_seconds, how = naive(server)
    rows.append(("naive: fetch everything", naive_requests, naive_seconds, how))

    for entry in load(catalog).catalog.entries[:100]:
        server.edit_item(GROUP, str(entry.zotero_key), {"abstractNote": "edited in Zotero"})
    report, requests, seconds = sync(server, catalog, "sync")
    assert len(report.catalog["changed"]) == 100 and not report.conflicts
    rows.append(("sync after 100 remote edits", requests, seconds,
                 f"target <= {math.ceil(100 / 50) + 4}"))
    edit_requests, edit_seconds = requests, seconds
    naive2_requests, naive2_seconds, how = naive(server)
    rows.append(("naive: fetch everything", naive2_requests, naive2_seconds, how))
    server.stop()

    print(f"Zotero sync, {n} items, local server (wall time includes loading and saving "
          "entries.toml); the last column adds a round trip of "
          f"{RTT * 1000:.0f} ms per request, as to api.zotero.org")
    print(f"{'operation':<34} {'requests':>9} {'seconds':>9} {'+RTT':>7}")
    for name, count, secs, note in rows:
        print(f"{name:<34} {count:>9} {secs:>9.2f} {secs + count * RTT:>7.1f}   {note}")

    def with_rtt(secs: float, count: int) -> float:
        return secs + count * RTT

    for label, ours_n, ours_s, naive_n, naive_s in (
            ("pull into an empty catalog", pull_requests, pull_seconds, naive0_requests,
             naive0_seconds),
            ("no-op sync", noop_requests, noop_seconds, naive_requests, naive_seconds),
            ("100 remote edits", edit_requests, edit_seconds, naive2_requests, naive2_seconds)):
        print(f"{label}: {ours_n} requests, the naive fetch alone {naive_n} "
              f"(naive/ours {naive_n / ours_n:.2f}x); time naive/ours {naive_s / ours_s:.1f}x "
              "locally, "
              f"{with_rtt(naive_s, naive_n) / with_rtt(ours_s, ours_n):.1f}x with the round trip")


if __name__ == "__main__":
    main()
