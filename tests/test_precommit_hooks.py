"""The hooks of .pre-commit-hooks.yaml, run the way a list repository adopts
them: `pre-commit try-repo` from this repository against a small list
repository made in a temporary folder.

No network at test time: pre-commit builds each hook's environment with pip,
which is told to use no index (PIP_NO_INDEX), install only ssl-bib itself
(PIP_NO_DEPS) and build it without isolation (with the test environment's
setuptools); the dependencies are found through PYTHONPATH in the test
environment's site-packages. A list repository's CI needs none of this: there
pre-commit installs ssl-bib and its dependencies from the index as usual.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from ssl_bib.cli import main
from tests.catalog_texts import KEYED_HEAD

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow  # each try-repo builds a fresh hook environment (~10 s)

CATALOG = KEYED_HEAD + """
[[entries]]
key = "doeAlphaStudy2021"
title = "Alpha Study"
year = 2021
venue = "MedIA"
categories = ["Contrastive"]
authors = ["Doe, Jane"]
doi = "10.1000/alpha"
"""


def _pre_commit() -> list[str]:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or \
        shutil.which("pre-commit")
    if exe is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pre-commit is not installed (it is in the test extra)")
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return [exe]


@pytest.fixture
def list_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "list"
    repo.mkdir()
    (repo / "entries.toml").write_text(CATALOG, encoding="utf-8")
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        with pytest.raises(SystemExit) as done:
            main(["render", "readme", "-o", "README.md"])
        assert done.value.code in (0, None)
    finally:
        os.chdir(cwd)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "a list")
    return repo


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=list@example.org", "-c", "user.name=list",
                    *args], cwd=repo, check=True, capture_output=True)


def _try(repo: Path, hook: str, home: Path) -> subprocess.CompletedProcess[str]:
    site = sysconfig.get_paths()["purelib"]
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PIP_NO_INDEX": "1",
           "PIP_NO_DEPS": "1", "PIP_NO_BUILD_ISOLATION": "0", "PYTHONPATH": site,
           "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([*_pre_commit(), "try-repo", str(REPO), hook, "--all-files"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=600,
                          check=False)


def test_the_hooks_pass_on_a_good_list_and_fail_on_a_broken_one(list_repo: Path,
                                                                 tmp_path: Path) -> None:
    home = tmp_path / "pre-commit-home"
    for hook in ("ssl-bib-check", "ssl-bib-check-strict", "ssl-bib-render-readme"):
        done = _try(list_repo, hook, home)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Passed" in done.stdout

    # An entry without authors: check passes, check --strict does not.
    catalog = list_repo / "entries.toml"
    catalog.write_text(CATALOG + CATALOG[CATALOG.index("[[entries]]"):].replace(
        "doeAlphaStudy2021", "BetaStudy2021").replace("Alpha Study", "Beta Study").replace(
        'authors = ["Doe, Jane"]\n', "").replace("10.1000/alpha", "10.1000/beta"),
        encoding="utf-8")
    assert _try(list_repo, "ssl-bib-check", home).returncode == 0
    strict = _try(list_repo, "ssl-bib-check-strict", home)
    assert strict.returncode == 1
    assert "entry BetaStudy2021: error: not ready to cite: no authors" in strict.stdout
    # ... and the README no longer shows what the catalog holds.
    readme = _try(list_repo, "ssl-bib-render-readme", home)
    assert readme.returncode == 1 and "+| Beta Study |" in readme.stdout

    # A broken catalog fails the plain check, with the file and line.
    catalog.write_text(CATALOG.replace('venue = "MedIA"', 'venue = "Nowhere"'),
                       encoding="utf-8")
    broken = _try(list_repo, "ssl-bib-check", home)
    assert broken.returncode == 1
    assert "entries.toml:15: entry doeAlphaStudy2021: error: unknown venue 'Nowhere'" in \
        broken.stdout
