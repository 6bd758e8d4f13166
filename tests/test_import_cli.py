"""`ssl-bib import` end to end: bootstrap, dry run, summary, malformed input
(exit 2, nothing written), options."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from ssl_bib.cli import cli

FIXTURES = Path(__file__).parent / "import_fixtures"
REPO = Path(__file__).resolve().parents[1]

BIB = """@article{zhou2019,
  title = {Models Genesis: Generic Autodidactic Models for {3D} Medical Image Analysis},
  author = {Zhou, Zongwei and Sodha, Vatsal},
  booktitle = {Medical Image Computing and Computer Assisted Intervention},
  year = {2019},
  pages = {384--393},
  doi = {10.1007/978-3-030-32251-9_42}
}

@article{fresh2024,
  title = {A Completely New Paper on Self-Supervised Ultrasound},
  author = {Doe, Jane},
  journal = {Medical Image Analysis},
  year = {2024},
  keywords = {Contrastive}
}
"""


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_bootstrap_a_catalog_from_a_bullet_list(tmp_path: Path) -> None:
    catalog = tmp_path / "new.toml"
    result = _run("--catalog", str(catalog), "import", str(FIXTURES / "bullets.md"))
    assert result.exit_code == 0, result.output
    assert "added 7, merged 0, unchanged 0, conflicts 0, skipped 0" in result.stderr
    assert "bullets.md:23: warning: list item outside" in result.stderr
    check = _run("--catalog", str(catalog), "check")
    assert check.exit_code == 0 and "7 entries, 0 errors" in check.stderr
    text = catalog.read_text(encoding="utf-8")
    assert 'categories = ["Representation Learning", "Segmentation"]' in text
    assert "[venues.MICCAI]" in text and 'provenance.entry = "bullets.md:5"' in text
    again = _run("--catalog", str(catalog), "import", str(FIXTURES / "bullets.md"))
    assert "added 0, merged 0, unchanged 7" in again.stderr
    assert catalog.read_text(encoding="utf-8") == text


def test_malformed_input_writes_nothing(tmp_path: Path) -> None:
    catalog = tmp_path / "new.toml"
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB + "\n@article{broken,\n  title = {Unbalanced {brace,\n  year = 2021\n}\n",
                   encoding="utf-8")
    result = _run("--catalog", str(catalog), "import", str(bib))
    assert result.exit_code == 2
    assert "refs.bib:18: error: malformed record" in result.stderr
    assert "nothing was written" in result.stderr and "Traceback" not in result.output
    assert not catalog.exists()
    kept = _run("--catalog", str(catalog), "import", "--keep-going", str(bib))
    assert kept.exit_code == 0 and catalog.exists()
    assert "added 2" in kept.stderr


def test_a_short_table_row_is_read_as_github_reads_it(tmp_path: Path) -> None:
    """GitHub fills a row with fewer cells than the header with empty ones."""
    catalog = tmp_path / "new.toml"
    result = _run("--catalog", str(catalog), "import", str(FIXTURES / "messy_table.md"))
    assert result.exit_code == 0, result.stderr
    assert ("messy_table.md:27: warning: table row has 2 cells, the table has 5: the missing "
            "cells are read as empty") in result.stderr
    assert "added 7" in result.stderr


def test_bad_files_are_one_line_errors(tmp_path: Path) -> None:
    catalog = tmp_path / "c.toml"
    shutil.copy(REPO / "entries.toml", catalog)
    before = catalog.read_bytes()
    ris = tmp_path / "x.ris"
    ris.write_text("TY  - JOUR\nTI  - No end\nPY  - 2020\n", encoding="utf-8")
    result = _run("--catalog", str(catalog), "import", str(ris))
    assert result.exit_code == 2 and "x.ris:1: error: record has no ER line" in result.stderr
    latin = tmp_path / "latin.bib"
    latin.write_bytes(b"@article{a,\n title = {Caf\xe9},\n year = 2020}\n")
    result = _run("--catalog", str(catalog), "import", str(latin))
    assert result.exit_code == 2 and result.stderr.strip().endswith(
        f"{latin}:2: not UTF-8 text")
    result = _run("--catalog", str(catalog), "import", str(tmp_path / "missing.bib"))
    assert result.exit_code == 2 and "no such file" in result.stderr
    array = tmp_path / "obj.json"
    array.write_text('{"items": []}', encoding="utf-8")
    result = _run("--catalog", str(catalog), "import", str(array))
    assert result.exit_code == 2 and "obj.json:1: error: CSL-JSON must be an array" \
        in result.stderr
    assert catalog.read_bytes() == before


def test_dry_run_shows_the_diff_and_writes_nothing(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    # The uncurated seed catalog: Models Genesis has no authors there yet.
    shutil.copy(REPO / "tests" / "fixtures" / "seed-catalog.toml", catalog)
    before = catalog.read_bytes()
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    result = _run("--catalog", str(catalog), "import", "--dry-run", str(bib))
    assert result.exit_code == 0, result.stderr
    assert catalog.read_bytes() == before
    diff = result.stdout
    assert diff.startswith("--- a/entries.toml\n+++ b/entries.toml\n")
    assert '+authors = ["Zhou, Zongwei", "Sodha, Vatsal"]' in diff
    assert '+pages = "384-393"' in diff
    assert '+key = "doeCompletelyNewPaper2024"' in diff
    assert '+provenance.entry = "refs.bib:10 (fresh2024)"' in diff
    assert "added 1, merged 1, unchanged 0" in result.stderr
    assert "dry run: nothing was written" in result.stderr
    # The same import for real changes the file exactly as the diff said.
    real = _run("--catalog", str(catalog), "import", str(bib))
    assert real.exit_code == 0
    import difflib

    after = catalog.read_text(encoding="utf-8")
    redo = "".join(difflib.unified_diff(before.decode().splitlines(keepends=True),
                                        after.splitlines(keepends=True),
                                        fromfile="a/entries.toml", tofile="b/entries.toml"))
    assert redo == diff


def test_on_duplicate_and_format_options(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    shutil.copy(REPO / "entries.toml", catalog)
    bib = tmp_path / "refs.txt"  # an extension that says nothing: the content decides
    bib.write_text(BIB, encoding="utf-8")
    skipped = _run("--catalog", str(catalog), "import", "--on-duplicate", "skip", str(bib))
    assert "added 1, merged 0, unchanged 0, conflicts 0, skipped 1" in skipped.stderr
    added = _run("--catalog", str(catalog), "import", "--on-duplicate", "add", "--keep-keys",
                 "-v", str(bib))
    assert "added 2," in added.stderr
    assert "added zhou2019: Models Genesis" in added.stdout
    # Read as RIS, the BibTeX holds no record: an error, never "added 0".
    forced = _run("--catalog", str(catalog), "import", "--format", "ris", "--dry-run", str(bib))
    assert forced.exit_code == 2 and "text outside a record ignored" in forced.stderr
    assert "refs.txt: error: no references found in refs.txt (read as ris)" in forced.stderr


def test_unknown_format_is_a_one_line_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("just some words\n", encoding="utf-8")
    result = _run("--catalog", str(tmp_path / "c.toml"), "import", str(notes))
    assert result.exit_code == 2
    assert result.stderr == (f"ssl-bib: {notes}: cannot tell the format from the name or the "
                             "content; give --format\n")
    assert not (tmp_path / "c.toml").exists()


def test_catalog_in_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    catalog = tmp_path / "no" / "such" / "entries.toml"
    result = _run("--catalog", str(catalog), "import", str(FIXTURES / "bullets.md"))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.stderr.splitlines()[-1] == (
        f"ssl-bib: cannot write {catalog}: No such file or directory; nothing was written")
    assert not catalog.parent.exists()
