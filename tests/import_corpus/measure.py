"""Import each file of the corpus into a new catalog, as a user would
(`ssl-bib import FILE`), and compare what the catalog holds with papers.py's
hand-written expectations: records imported, fields equal, tracebacks,
whole-file losses, words dropped from titles.

    .venv/bin/python -m tests.import_corpus.measure [--keep-going]   # prints the table
"""

from __future__ import annotations

import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from ssl_bib.cli import cli
from ssl_bib.model import Catalog, Entry
from ssl_bib.store import load
from tests.import_corpus.papers import PAPERS, Paper
from tests.import_corpus.write_files import FILES, HERE

FIELDS = ("title", "year", "first author", "doi", "container")
_SOURCE_KEY_RE = re.compile(r"\(([a-z])(\d{3})\)$")
_TAG_RE = re.compile(r"</?(?:i|b|sup|sub|span)[^<>]*+>")


def words(title: str) -> list[str]:
    """A title's words, its rich-text tags dropped (kept independent of
    ssl-bib's own code, so the count can also be taken of older versions)."""
    return _TAG_RE.sub("", title).split()


@dataclass
class FileReport:
    fmt: str
    expected: int = 0
    imported: int = 0
    compared: int = 0
    equal: int = 0
    traceback: bool = False
    whole_file_lost: bool = False
    dropped_words: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    exit_code: int = 0


def expected_values(paper: Paper, fmt: str) -> dict[str, object]:
    family = paper.expect_author.get(fmt, paper.authors[0][0])
    return {"title": paper.expect.get(fmt, paper.title), "year": paper.year,
            "first author": family, "doi": paper.doi, "container": paper.container}


def actual_values(catalog: Catalog, entry: Entry) -> dict[str, object]:
    venue = catalog.venues.get(entry.venue) if entry.venue else None
    return {"title": entry.title, "year": entry.year,
            "first author": entry.authors[0].family if entry.authors else None,
            "doi": entry.doi, "container": entry.container_title or (venue.name if venue
                                                                       else None)}


def measure_file(fmt: str, folder: Path, *options: str) -> FileReport:
    report = FileReport(fmt, expected=len(PAPERS))
    catalog_path = folder / f"{fmt}.toml"
    result = CliRunner().invoke(cli, ["--catalog", str(catalog_path), "import", *options,
                                      str(HERE / FILES[fmt])])
    report.exit_code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        report.traceback = True
    if result.exit_code != 0 or not catalog_path.exists():
        report.whole_file_lost = True
        report.differences.append(result.stderr[-2000:])
        return report
    catalog = load(catalog_path).catalog
    for entry in catalog.entries:
        m = _SOURCE_KEY_RE.search(entry.provenance.get("entry", ""))
        if not m:
            report.differences.append(f"{entry.key}: no source key in its provenance")
            continue
        paper = PAPERS[int(m.group(2))]
        report.imported += 1
        want, got = expected_values(paper, fmt), actual_values(catalog, entry)
        for name in FIELDS:
            report.compared += 1
            if want[name] == got[name]:
                report.equal += 1
            else:
                report.differences.append(f"{m.group(0)} {name}: {got[name]!r} != "
                                          f"{want[name]!r}")
        kept = set(words(str(got["title"])))
        report.dropped_words += [w for w in words(str(want["title"])) if w not in kept]
    return report


def measure(*options: str) -> list[FileReport]:
    """One report per file; `options` are given to `ssl-bib import`."""
    with tempfile.TemporaryDirectory() as folder:
        return [measure_file(fmt, Path(folder), *options) for fmt in FILES]


def main() -> None:
    reports = measure(*sys.argv[1:])
    print(f"{'format':<10} {'records':>15} {'fields equal':>16} {'tracebacks':>11} "
          f"{'file lost':>10} {'words dropped':>14}")
    for r in reports:
        print(f"{r.fmt:<10} {r.imported:>7} / {r.expected:<5} {r.equal:>7} / {r.compared:<6} "
              f"{int(r.traceback):>11} {int(r.whole_file_lost):>10} {len(r.dropped_words):>14}")
        for line in r.differences:
            print("   ", line)
    total = (sum(r.imported for r in reports), sum(r.expected for r in reports),
             sum(r.equal for r in reports), sum(r.compared for r in reports))
    print(f"{'all':<10} {total[0]:>7} / {total[1]:<5} {total[2]:>7} / {total[3]:<6} "
          f"{sum(r.traceback for r in reports):>11} "
          f"{sum(r.whole_file_lost for r in reports):>10} "
          f"{sum(len(r.dropped_words) for r in reports):>14}")


if __name__ == "__main__":
    main()
