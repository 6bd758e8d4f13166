"""`ssl-bib import` on what other tools write: no traceback, no record lost
for another's sake, no file read as nothing, no word dropped (issue 12's
classes, each through the command line)."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ssl_bib.cli import cli
from ssl_bib.store import load

REPO = Path(__file__).resolve().parents[1]


def _run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    return result


def _import(tmp_path: Path, name: str, text: str, *options: str,
            catalog: Path | None = None) -> tuple[Result, Path]:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    catalog = catalog or tmp_path / "entries.toml"
    return _run("--catalog", str(catalog), "import", *options, str(source)), catalog


def test_href_and_text_macros_lose_no_word(tmp_path: Path) -> None:
    bib = r"""@article{a,
  title = {Deep learning for \mbox{MRI} reconstruction with \texttt{nnU-Net} in \LaTeX},
  author = {Doe, Jane}, journal = {J}, year = {2021},
  note = {see \href{https://example.org}{the project page} and \url{https://x.org/a_b}}
}
"""
    result, catalog = _import(tmp_path, "in.bib", bib)
    assert result.exit_code == 0, result.stderr
    (entry,) = load(catalog).catalog.entries
    assert entry.title == "Deep learning for MRI reconstruction with nnU-Net in LaTeX"
    assert entry.note == "see the project page and https://x.org/a_b"


@pytest.mark.parametrize(("name", "text"), [
    ("in.bib", "@techreport{a, title = {Guidance}, year = 2021,\n"
               "  author = {{Council on X, Y} and Doe, Jane}}\n"),
    ("in.json", json.dumps([{"id": "a", "type": "report", "title": "Guidance",
                             "issued": {"date-parts": [[2021]]},
                             "author": [{"literal": "Council on X, Y"},
                                        {"family": "Doe", "given": "Jane"}]}])),
])
def test_a_literal_name_with_a_comma_is_stored_and_exported_as_one(tmp_path: Path, name: str,
                                                                   text: str) -> None:
    dry, catalog = _import(tmp_path, name, text, "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "read back" not in dry.stderr and not catalog.exists()
    result, catalog = _import(tmp_path, name, text)
    assert result.exit_code == 0, result.stderr
    raw = tomllib.loads(catalog.read_text(encoding="utf-8"))
    assert raw["entries"][0]["authors"] == [{"literal": "Council on X, Y"}, "Doe, Jane"]
    exported = _run("--catalog", str(catalog), "export", "-f", "bibtex")
    assert "author = {{Council on X, Y} and Doe, Jane}" in exported.stdout


def test_one_bad_record_never_costs_the_others(tmp_path: Path) -> None:
    bib = ("@article{old, title = {Too Old}, journal = {J}, year = {1500}}\n"
           "@article{good, title = {A Good Paper}, journal = {J}, year = {2021}}\n")
    refused, catalog = _import(tmp_path, "in.bib", bib)
    assert refused.exit_code == 2 and not catalog.exists()
    assert "in.bib:1: error: 'Too Old': year 1500 is outside" in refused.stderr
    dry, _ = _import(tmp_path, "in.bib", bib, "--dry-run")
    assert dry.exit_code == 2  # the dry run says what the real run would do
    kept, catalog = _import(tmp_path, "in.bib", bib, "--keep-going")
    assert kept.exit_code == 0, kept.stderr
    assert [e.title for e in load(catalog).catalog.entries] == ["A Good Paper"]


@pytest.mark.parametrize(("name", "text", "fmt"), [
    ("README.md", "# My list\n\nJust prose, and [a link](https://example.org).\n", "markdown"),
    ("pyproject.toml", (REPO / "pyproject.toml").read_text(encoding="utf-8"), "markdown"),
    ("empty.bib", "% nothing here yet\n", "bibtex"),
    ("comments.bib", "@comment{x}\n@preamble{\"y\"}\n@string{z = {w}}\n", "bibtex"),
    ("none.json", "[]", "csljson"),
    ("none.ris", "Just text, no records.\n", "ris"),
])
def test_an_input_with_no_records_is_an_error(tmp_path: Path, name: str, text: str,
                                              fmt: str) -> None:
    for options in ((), ("--keep-going",), ("--dry-run",)):
        result, catalog = _import(tmp_path, name, text, *options)
        assert result.exit_code == 2, result.stderr
        assert f"{name}: error: no references found in {name} (read as {fmt})" in result.stderr
        assert "added 0" not in result.stderr.replace("added 0, merged 0, unchanged 0", "")
        assert not catalog.exists()


def test_an_empty_input_among_others_is_an_error_of_its_own(tmp_path: Path) -> None:
    good = tmp_path / "good.bib"
    good.write_text("@article{a, title = {A Paper}, journal = {J}, year = 2021}\n",
                    encoding="utf-8")
    empty = tmp_path / "README.md"
    empty.write_text("# Nothing\n", encoding="utf-8")
    catalog = tmp_path / "entries.toml"
    strict = _run("--catalog", str(catalog), "import", str(good), str(empty))
    assert strict.exit_code == 2 and not catalog.exists()
    kept = _run("--catalog", str(catalog), "import", "--keep-going", str(good), str(empty))
    assert kept.exit_code == 0 and "no references found in README.md" in kept.stderr
    assert [e.title for e in load(catalog).catalog.entries] == ["A Paper"]


def test_ris_with_one_space_before_the_dash_is_read(tmp_path: Path) -> None:
    ris = ("TY - JOUR\nAU - Doe, Jane\nTI - One Space Tags\nT2 - Medical Image Analysis\n"
           "PY - 2022\nDO - 10.1000/one\nER - \n\n"
           "TY  - CONF\nTI  - Two Spaces\nPY  - 2021\nER  - \n")
    result, catalog = _import(tmp_path, "zotero.ris", ris)
    assert result.exit_code == 0, result.stderr
    titles = {e.title: e for e in load(catalog).catalog.entries}
    assert set(titles) == {"One Space Tags", "Two Spaces"}
    assert titles["One Space Tags"].doi == "10.1000/one"


def test_on_duplicate_add_adds_a_record_that_matches_two_entries(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    catalog.write_text(
        'schema = 1\ncategories = []\n\n[[entries]]\nkey = "a2020"\ntitle = "Same Title"\n'
        'year = 2020\n\n[[entries]]\nkey = "b2020"\ntitle = "Same Title"\nyear = 2020\n',
        encoding="utf-8")
    bib = "@article{c, title = {Same Title}, journal = {J}, year = 2020}\n"
    skipped, _ = _import(tmp_path, "in.bib", bib, catalog=catalog)
    assert "matches several entries (a2020, b2020): not imported" in skipped.stderr
    added, _ = _import(tmp_path, "in.bib", bib, "--on-duplicate", "add", catalog=catalog)
    assert added.exit_code == 0 and "added 1," in added.stderr
    assert len(load(catalog).catalog.entries) == 3


def test_biblatex_ids_become_key_aliases(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    shutil.copy(REPO / "entries.toml", catalog)
    taken = load(catalog).catalog.entries[0].key
    bib = ("@article{new, title = {A Brand New Paper}, journaltitle = {J}, date = {2024},\n"
           f"  ids = {{oldName2023, {taken}}}}}\n")
    result, _ = _import(tmp_path, "in.biblatex", bib, catalog=catalog)
    assert result.exit_code == 0, result.stderr
    assert f"old key '{taken}' (ids) is already a key or old key in the catalog" in result.stderr
    entry = load(catalog).catalog.find("oldName2023")
    assert entry is not None and entry.title == "A Brand New Paper"
    assert entry.key_aliases == ["oldName2023"]
    exported = _run("--catalog", str(catalog), "export", "-f", "biblatex", "--key", entry.key)
    assert "ids = {oldName2023}" in exported.stdout


def test_math_in_a_title_survives_the_round_trip(tmp_path: Path) -> None:
    bib = (r"@article{a, title = {Cu$_2$O Films and $\alpha$-Helix Folding}, journal = {J},"
           " year = 2020}" "\n")
    result, catalog = _import(tmp_path, "in.bib", bib)
    assert result.exit_code == 0, result.stderr
    (entry,) = load(catalog).catalog.entries
    assert entry.title == r"Cu$_2$O Films and $\alpha$-Helix Folding"
    for fmt in ("bibtex", "biblatex"):
        out = _run("--catalog", str(catalog), "export", "-f", fmt).stdout
        assert r"title = {{Cu$_2$O Films} and {$\alpha$-Helix Folding}}" in out
    ris = _run("--catalog", str(catalog), "export", "-f", "ris").stdout
    assert "TI  - Cu₂O Films and α-Helix Folding" in ris
    csl = json.loads(_run("--catalog", str(catalog), "export", "-f", "csljson").stdout)
    assert csl[0]["title"] == "Cu<sub>2</sub>O Films and α-Helix Folding"
