"""The README's examples of the filters (the `list and show` section and the
filter lines of `export` and `enrich`) and of `render site` run as written
against a copy of the bundled catalog (and of docs/): each exits as the README
implies and prints what it shows (a shown line ending in "..." is a prefix)."""

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
        shutil.copytree(REPO / "docs", tmp_path / "docs")
    result = CliRunner().invoke(cli, args[1:])
    return result.exit_code, (result.stdout + result.stderr).splitlines()


LIST_EXAMPLES = console_examples(section("list and show"))
SITE_EXAMPLES = console_examples(section("render site"))
FILTER_EXAMPLES = [
    (command, shown) for command, shown in
    console_examples(section("export")) + console_examples(section("enrich"))
    if any(opt in command for opt in ("--search", "--year", "--venue", "--category"))
    and "enrich" not in command  # enrich needs Crossref: its filters are tested in tests/crossref
]
# The examples the README shows failing, with the exit status it implies.
FAILING = {"--venue MICAI": 2, "--search \"no such paper\" -o none.bib": 1}


EXAMPLES = LIST_EXAMPLES + FILTER_EXAMPLES + SITE_EXAMPLES


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_filter_example(command: str, shown: list[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    code, printed = run_example(command, tmp_path, monkeypatch)
    expected = next((c for tail, c in FAILING.items() if command.endswith(tail)), 0)
    assert code == expected, printed
    for line in shown:
        if line.endswith("..."):
            assert any(p.startswith(line[:-3]) for p in printed), (line, printed)
        else:
            assert line in printed, (line, printed)
    if args_of(command)[1:3] == ["render", "site"] and "-o" in command:
        folder = tmp_path / args_of(command)[args_of(command).index("-o") + 1]
        assert (folder / "index.html").is_file()


def args_of(command: str) -> list[str]:
    return shlex.split(command, comments=True)


def test_readme_has_the_site_examples() -> None:
    commands = [c for c, _ in SITE_EXAMPLES]
    assert any("--check docs/site" in c for c in commands)
    assert any("--base-url" in c for c in commands) and len(commands) >= 4


def test_readme_has_the_filter_examples() -> None:
    commands = [c for c, _ in LIST_EXAMPLES]
    assert any("--year 2019..2021" in c and c.count("--venue") == 2 for c in commands)
    assert any("Zhou, Zongwei" in c for c in commands)
    assert any("rubiks cube" in c for c in commands)
    assert len(FILTER_EXAMPLES) >= 3
