"""The README's "Adding a paper" examples run, in their order, against the
local Crossref and arXiv servers on a copy of the shipped catalog and list,
and print what the README shows. `...` alone on a line stands for any lines,
inside a line for any text; dates (they are today's) and line numbers in
entries.toml (they move as the shipped catalog grows) match any value."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from add_helpers import REPO, SHIPPED, AddRun
from click.testing import CliRunner

from ssl_bib.cli import cli


def section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("## Adding a paper\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def examples() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every `$ ssl-bib` line of the
    section's console blocks."""
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", section(), re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif out:
                out[-1][1].append(line)
    return [(cmd, lines) for cmd, lines in out if cmd.startswith("ssl-bib ")]


def pattern(expected: list[str]) -> re.Pattern[str]:
    parts = []
    for line in expected:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
            continue
        text = re.escape(line)
        text = text.replace(re.escape("..."), ".*?")
        text = re.sub(r"\d{4}\\-\d{2}\\-\d{2}", r"\\d{4}-\\d{2}-\\d{2}", text)
        text = re.sub(r"entries\\\.toml:\d+", r"entries\\.toml:\\d+", text)
        parts.append(text + r"\n")
    return re.compile("".join(parts))


def test_the_section_shows_every_id_form() -> None:
    commands = " ".join(cmd for cmd, _ in examples())
    for form in ("add 10.", "https://doi.org/10.", "link.springer.com/chapter/",
                 "arXiv:2", "arxiv.org/abs/", "arxiv.org/pdf/", "v3", "hep-ex/0307015",
                 "sciencedirect.com/science/article/pii/", "ieeexplore.ieee.org/document/",
                 "mdpi.com/", "openreview.net/forum?id=", "proceedings.mlr.press/"):
        assert form in commands, form


def test_the_readme_examples_print_what_the_readme_shows(add: AddRun, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "checkout"
    (work / "docs").mkdir(parents=True)
    shutil.copyfile(SHIPPED, work / "entries.toml")
    shutil.copyfile(REPO / "docs" / "awesome-list.md", work / "docs" / "awesome-list.md")
    monkeypatch.chdir(work)
    env = add.env()
    env.pop("SSL_BIB_CATALOG", None)
    ran = 0
    for command, expected in examples():
        result = CliRunner().invoke(cli, shlex.split(command)[1:], env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), command
        assert pattern(expected).fullmatch(result.output), (
            f"$ {command}\n--- README\n" + "\n".join(expected) + "\n--- got\n" + result.output)
        ran += 1
    assert ran >= 15
    # After all that, the catalog still passes check and the list is current.
    assert CliRunner().invoke(cli, ["check"], env=env).exit_code == 0
