"""The catalog commands end to end: click's runner and a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ssl_bib import __version__
from ssl_bib.cli import COMMANDS, cli, main
from tests.catalog_texts import HEAD
from tests.cli_helpers import invoke

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "entries.toml"
# The uncurated catalog generated from the seed (entries.toml before curation).
SEED = REPO / "tests" / "fixtures" / "seed-catalog.toml"

GOOD = HEAD + """
[[entries]]
key = "chen2019"
title = "Self-supervised learning for medical image analysis using image context restoration"
year = 2019
venue = "MedIA"
categories = ["Contrastive"]
authors = ["Chen, Liang", "Bentley, Paul"]
doi = "10.1016/j.media.2019.101539"
code = [{ label = "pytorch", url = "https://github.com/example/ctx" }]
provenance.authors = "test fixture"
"""


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ssl_bib", *args], capture_output=True,
                          text=True, cwd=REPO, env={**os.environ, **(env or {})}, timeout=120)


def catalog(tmp_path: Path, text: str = GOOD) -> str:
    path = tmp_path / "entries.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_version_and_help() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and __version__ in out
    code, out, _ = invoke("--help")
    assert code == 0
    for name in ("check", "list", "show"):
        assert name in out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_on_every_command(name: str) -> None:
    command = cli.get_command(None, name)  # type: ignore[arg-type]
    if command is None:
        pytest.fail(f"command {name} is registered but its module is missing")
    code, out, _ = invoke(name, "--help")
    assert code == 0 and "Usage:" in out


def test_check_exit_codes(tmp_path: Path) -> None:
    code, out, err = invoke("--catalog", catalog(tmp_path), "check")
    assert code == 0, out + err
    assert "1 entries, 0 errors, 0 warnings" in err
    bad = GOOD.replace('venue = "MedIA"', 'venue = "TMI"')
    code, out, _ = invoke("--catalog", catalog(tmp_path, bad), "check")
    assert code == 1
    assert "entries.toml:12: entry chen2019: error: unknown venue 'TMI'" in out
    code, _, err = invoke("--catalog", catalog(tmp_path, "schema = 1\n[[entries]\n"), "check")
    assert code == 2
    assert err.startswith("ssl-bib: entries.toml:2: not valid TOML")
    assert "Traceback" not in err


def test_check_json(tmp_path: Path) -> None:
    bad = GOOD.replace('year = 2019', 'year = "2019"')
    code, out, _ = invoke("--catalog", catalog(tmp_path, bad), "check", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["errors"] == 1
    assert data["problems"][0]["line"] == 11
    assert data["problems"][0]["key"] == "chen2019"


def test_check_on_bundled_catalog_reports_warnings_and_passes() -> None:
    code, out, err = invoke("--catalog", str(SEED), "check")
    assert code == 0, err
    assert "warning: listed under more than one year: 2022, 2021" in out
    assert "62 entries, 0 errors" in err


def test_list_json_shape(tmp_path: Path) -> None:
    code, out, _ = invoke("--catalog", catalog(tmp_path), "list", "--json")
    assert code == 0
    [entry] = json.loads(out)
    for key in ("key", "title", "year", "venue", "categories", "url", "doi", "arxiv", "code",
                "authors", "provenance"):
        assert key in entry
    assert entry["authors"] == ["Chen, Liang", "Bentley, Paul"]
    assert entry["code"] == [{"label": "pytorch", "url": "https://github.com/example/ctx"}]
    assert entry["url"] is None and entry["arxiv"] is None and entry["alt_titles"] == []
    assert entry["provenance"] == {"authors": "test fixture"}


def test_list_filters_on_bundled_catalog() -> None:
    def keys(*args: str) -> list[str]:
        code, out, _ = invoke("--catalog", str(BUNDLED), "list", "--json", *args)
        assert code == 0
        return [e["key"] for e in json.loads(out)]

    assert len(keys()) == 62
    assert keys("--year", "2017") == ["jamaludinSelfSupervisedLearning2017",
                                      "zhangSelfSupervisedDeep2017"]
    assert "truongHowTransferableAre2021" in keys("--year", "2021")  # listed under 2021 too
    assert len(keys("--venue", "miccai")) == len(keys("--venue", "International Conference on "
                                                       "Medical Image Computing and Computer "
                                                       "Assisted Intervention")) > 5
    assert keys("--category", "mae") == ["zhouSelfPreTraining2023",
                                         "chenKnowledgeBasedLearning2023",
                                         "zhouUnifiedVisualInformation2023"]
    assert keys("--search", "rubik") == ["zhuRubiksCubeSelf2020", "taoRevisitingRubiksCube2020",
                                         "zhuangSelfSupervisedFeature2019"]


def test_list_piped_is_tab_separated(tmp_path: Path) -> None:
    result = run("--catalog", catalog(tmp_path), "list")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "chen2019\t2019\tMedIA\tSelf-supervised learning for medical image analysis using "
        "image context restoration"]


def test_show(tmp_path: Path) -> None:
    code, out, _ = invoke("--catalog", catalog(tmp_path), "show", "CHEN2019")
    assert code == 0
    assert "entries.toml:8" in out
    assert "doi: 10.1016/j.media.2019.101539" in out
    code, _, err = invoke("--catalog", catalog(tmp_path), "show", "nobody")
    assert code == 2
    assert err.strip() == "ssl-bib: entries.toml: no entry with key 'nobody' (see `ssl-bib list`)"


def test_errors_are_one_line_without_traceback(tmp_path: Path) -> None:
    result = run("--catalog", str(tmp_path / "missing.toml"), "check")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    result = run("list", "--no-such-option")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = run("--catalog", str(BUNDLED), "list", "--key", "nope")
    assert result.returncode == 2
    assert "no entry with key 'nope'" in result.stderr


def test_catalog_from_environment(tmp_path: Path) -> None:
    result = run("list", env={"SSL_BIB_CATALOG": catalog(tmp_path)})
    assert result.returncode == 0 and result.stdout.startswith("chen2019\t")


def test_python_dash_m_and_console_script() -> None:
    assert run("--version").stdout.strip().endswith(__version__)
    exe = Path(sys.executable).with_name("ssl-bib")
    result = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and __version__ in result.stdout


HEAVY = ("bibtexparser", "pyzotero", "habanero", "httpx2", "httpx", "rispy", "pylatexenc",
         "tomlkit", "rapidfuzz")


@pytest.mark.parametrize("args", [["--help"], ["list"], ["check"], ["list", "--json"]])
def test_startup_stays_light(args: list[str]) -> None:
    probe = (
        "import sys\n"
        "from ssl_bib.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "sys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=REPO, timeout=120)
    assert "HEAVY=\n" in result.stderr, result.stderr[-500:]


def test_main_reports_input_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--catalog", catalog(tmp_path, "schema = 3\n"), "check"])
    assert info.value.code == 2
    assert "schema 3 is not one this ssl-bib reads" in capsys.readouterr().err
