"""Site benchmark: `.venv/bin/python benchmarks/bench_site.py [--entries N] [--keys 20]`.

1. Renders the site of a synthetic N-entry catalog (benchmarks/synth.py,
   default 10,000) with `build_site` and writes it, timing both.
2. Opens it from file:// in headless Chromium (the browser tests' launcher)
   and reads the browser's own clocks: first contentful paint, the script's
   "ready" mark (search and filters usable), DOMContentLoaded and load.
3. Types into the search box, one key at a time, and measures from the key
   event to the frame after the list was updated (a requestAnimationFrame
   callback, then a task: the frame with the new list has been produced).
   Prints the median and the worst of --keys keystrokes, and per key the
   papers shown and the script's share (the rest is style, layout, paint).
4. Page weight: what the page loads at once (page, stylesheet, script), the
   citation files loaded on demand, and the whole folder; the same for the
   bundled catalog's site.

Targets (issue 17): first render under 1 s, a keystroke under 50 ms, and the
bundled catalog's whole site under 300 KB. Writes only to a temporary folder.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))  # a script: the tests package's browser helpers

from synth import synth_catalog  # noqa: E402

from ssl_bib.model import Catalog  # noqa: E402
from ssl_bib.site import output  # noqa: E402
from ssl_bib.site.build import build_site  # noqa: E402
from ssl_bib.store import load  # noqa: E402

QUERY = "segmentation transformer contrastive"
# Recorded by the page: the time from each key's keydown to the frame after
# the list changed.
INSTRUMENT = """
window.benchLatencies = [];
let started = 0;
document.addEventListener('keydown', () => { started = performance.now(); }, true);
document.addEventListener('input', () => {
  requestAnimationFrame(() => setTimeout(() => {
    window.benchLatencies.push(performance.now() - started);
  }, 0));
});
"""


def render(catalog: Catalog, folder: Path) -> tuple[float, float, dict[str, bytes]]:
    start = time.perf_counter()
    built = build_site(catalog, catalog.entries, title="Benchmark")
    built_at = time.perf_counter()
    output.write(built.files, folder)
    return built_at - start, time.perf_counter() - built_at, built.files


def weights(files: dict[str, bytes]) -> tuple[int, int, int]:
    """(loaded at once, citation files, whole site) in bytes."""
    at_once = sum(len(v) for k, v in files.items() if not k.startswith("cite/"))
    cites = sum(len(v) for k, v in files.items() if k.startswith("cite/"))
    return at_once, cites, at_once + cites


def measure_browser(folder: Path, keystrokes: int) -> dict[str, Any]:
    from tests.website.browser import chromium, wait_for

    with chromium(width=1280, height=900) as driver:
        driver.get((folder / "index.html").as_uri())
        wait_for(driver, "window.sslBib", timeout=120)
        # Paint entries arrive once the frame is presented, a little after.
        wait_for(driver, "performance.getEntriesByName('first-contentful-paint').length",
                 timeout=30)
        clocks = driver.execute_script("""
            const nav = performance.getEntriesByType('navigation')[0];
            const paint = performance.getEntriesByName('first-contentful-paint')[0];
            const ready = performance.getEntriesByName('ssl-bib-ready')[0];
            return {fcp: paint ? paint.startTime : null, ready: ready.startTime,
                    dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd,
                    papers: document.querySelectorAll('li.paper').length};""")
        driver.execute_script(INSTRUMENT)
        box = driver.find_element("css selector", 'input[type="search"]')
        box.click()
        shown: list[str] = []
        scripts: list[float] = []
        for n, key in enumerate((QUERY * 3)[:keystrokes]):
            box.send_keys(key)
            wait_for(driver, f"window.benchLatencies.length > {n}", timeout=30)
            shown.append(driver.execute_script("return document.documentElement.dataset.shown"))
            scripts.append(driver.execute_script("return sslBib.updateMs()"))
        clocks["keys"] = driver.execute_script("return window.benchLatencies")
        clocks["shown"] = shown
        clocks["script"] = scripts
    return clocks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--keys", type=int, default=20)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        bundled = load(HERE.parent / "entries.toml").catalog
        _, _, bundled_files = render(bundled, work / "bundled")
        catalog = synth_catalog(args.entries)
        build_s, write_s, files = render(catalog, work / "synth")

        print(f"== render: {args.entries:,} entries")
        print(f"  build_site (citations in 4 formats, page, index): {build_s:6.2f} s")
        print(f"  write the folder ({len(files)} files):                {write_s:6.2f} s")
        print("== page weight")
        for name, built in (("bundled catalog", bundled_files),
                            (f"{args.entries:,} entries", files)):
            at_once, cites, total = weights(built)
            verdict = ""
            if built is bundled_files:
                verdict = f"  (target < 300 KB: {'ok' if total < 300 * 1024 else 'OVER'})"
            print(f"  {name:16s} loaded at once {at_once / 1024:8.0f} KB, citations "
                  f"{cites / 1024:8.0f} KB, whole site {total / 1024:8.0f} KB{verdict}")

        if not (shutil.which("chromium") and shutil.which("chromedriver")):
            print("== browser: chromium/chromedriver not installed; skipped")
            return
        for name, folder in (("bundled catalog", work / "bundled"),
                             (f"{args.entries:,} entries", work / "synth")):
            clocks = measure_browser(folder, args.keys)
            keys = clocks["keys"]
            print(f"== in headless Chromium, {name} ({clocks['papers']:,} papers)")
            print(f"  first contentful paint {clocks['fcp']:7.0f} ms  "
                  f"(target < 1000 ms: {'ok' if clocks['fcp'] < 1000 else 'OVER'})")
            print(f"  search ready           {clocks['ready']:7.0f} ms")
            print(f"  DOMContentLoaded       {clocks['dcl']:7.0f} ms, load {clocks['load']:.0f} ms")
            worst = max(keys)
            print(f"  keystroke -> updated list, {len(keys)} keys: median "
                  f"{statistics.median(keys):5.1f} ms, worst {worst:5.1f} ms "
                  f"(target < 50 ms: {'ok' if worst < 50 else 'OVER'})")
            print("  per key: papers shown / ms to the updated frame / ms of it in the script")
            print("   " + "  ".join(f"{s}/{k:.0f}/{j:.0f}" for s, k, j in
                                   zip(clocks["shown"], keys, clocks["script"], strict=True)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
