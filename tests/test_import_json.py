"""`ssl-bib import --json`: the outcome as one JSON object on stdout (added,
merged with the fields filled, conflicts, problems with their lines, the dry
run's diff); the summary stays on stderr."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from ssl_bib.cli import cli

REPO = Path(__file__).resolve().parents[1]


def run(catalog: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--catalog", str(catalog), "import", *args])


def test_the_outcome_as_json(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    shutil.copyfile(REPO / "entries.toml", catalog)
    before = catalog.read_bytes()
    bib = str(REPO / "examples" / "colleague.bib")
    result = run(catalog, "--dry-run", "--json", bib)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [a["key"] for a in report["added"]] == ["heMaskedAutoencodersAre2022"]
    assert report["added"][0]["source"] == "colleague.bib:17 (he2022masked)"
    assert report["merged"] == [{"key": "zhouModelsGenesisGeneric2019",
                                 "fields": ["series", "isbn"]}]
    assert report["dry_run"] is True and report["written"] is False
    assert '+key = "heMaskedAutoencodersAre2022"' in report["diff"]
    assert result.stderr.splitlines()[0] == "added 1, merged 1, unchanged 0, conflicts 0, " \
                                            "skipped 0"
    assert catalog.read_bytes() == before
    result = run(catalog, "--json", bib)
    report = json.loads(result.stdout)
    assert report["written"] is True and report["diff"] is None and report["dry_run"] is False
    again = json.loads(run(catalog, "--json", bib).stdout)
    assert again["added"] == again["merged"] == [] and again["unchanged"] == 2


def test_conflicts_and_problems_as_json(tmp_path: Path) -> None:
    catalog = tmp_path / "entries.toml"
    shutil.copyfile(REPO / "entries.toml", catalog)
    bib = tmp_path / "refs.bib"
    bib.write_text("@inproceedings{zhou,\n  title = {Models Genesis: Generic Autodidactic "
                   "Models for {3D} Medical Image Analysis},\n  year = {2019},\n"
                   "  pages = {1--2},\n  doi = {10.1007/978-3-030-32251-9_42}\n}\n\n"
                   "@article{broken,\n  title = {Unbalanced {brace},\n  year = {2020}\n",
                   encoding="utf-8")
    result = run(catalog, "--json", "--keep-going", str(bib))
    report = json.loads(result.stdout)
    assert report["conflicts"] == [{"key": "zhouModelsGenesisGeneric2019", "field": "pages",
                                    "catalog": "384-393", "other": "1-2",
                                    "source": "refs.bib:1 (zhou)"}]
    assert [(p["line"], p["severity"]) for p in report["problems"]] == [(8, "error")]
    assert report["problems"][0]["file"] == "refs.bib"
