"""The README's examples of the filters (the `list and show` section and the
filter lines of `export` and `enrich`) run as written against a copy of the
bundled catalog: each exits as the README implies and prints what it shows."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssl_bib.cli import cli

REPO = Path(__file__).resolve().parents[1]


def section(title: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n### {title}\n")
    end = text.find("\n### ", start + 1)
    return text[start:end if end > 0 else None]


def console_examples(text: str) -> list[tuple[str, list[str]]]:
    """(command line, the lines shown under it) for each `$ ssl-bib` line of the
    ```console blocks in `text`."""
    examples: list[tuple[str, list[str]]] = []
    in_block = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = line.strip() == "```console"
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            examples.append((line[2:], []))
        elif examples and line.strip():
            examples[-1][1].append(line)
    return examples


def run_example(command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                ) -> tuple[int, list[str]]:
    args = shlex.split(command, comments=True)
    assert args[0] == "ssl-bib"
    monkeypatch.chdir(tmp_path)
    if not (tmp_path / "entries.toml").exists():
        shutil.copyfile(REPO / "entries.toml", tmp_path / "entries.toml")
    result = CliRunner().invoke(cli, args[1:])
    return result.exit_code, (result.stdout + result.stderr).splitlines()


LIST_EXAMPLES = console_examples(section("list and show"))
FILTER_EXAMPLES = [
    (command, shown) for command, shown in
    console_examples(section("export")) + console_examples(section("enrich"))
    if any(opt in command for opt in ("--search", "--year", "--venue", "--category"))
    and "enrich" not in command  # enrich needs Crossref: its filters are tested in tests/crossref
]
# The examples the README shows failing, with the exit status it implies.
FAILING = {"--venue MICAI": 2, "--search \"no such paper\" -o none.bib": 1}


@pytest.mark.parametrize(("command", "shown"), LIST_EXAMPLES + FILTER_EXAMPLES,
                         ids=[c for c, _ in LIST_EXAMPLES + FILTER_EXAMPLES])
def test_readme_filter_example(command: str, shown: list[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    code, printed = run_example(command, tmp_path, monkeypatch)
    expected = next((c for tail, c in FAILING.items() if command.endswith(tail)), 0)
    assert code == expected, printed
    for line in shown:
        assert line in printed


def test_readme_has_the_filter_examples() -> None:
    commands = [c for c, _ in LIST_EXAMPLES]
    assert any("--year 2019..2021" in c and c.count("--venue") == 2 for c in commands)
    assert any("Zhou, Zongwei" in c for c in commands)
    assert any("rubiks cube" in c for c in commands)
    assert len(FILTER_EXAMPLES) >= 3
