"""The README's "Try it without an account" walk-through, run as written:
`ssl-bib zotero serve-local` in a real process, push, an edit on each side
(made here as the README's text says to make it), status, sync, a conflict,
`--prefer local`, and a new catalog pulled from the group rendering the
same README.

Each `$ ` line of the section runs in order in a folder holding a copy of
the bundled catalog; it must exit as the README implies (0, or the `exit N`
its remark names) and print what the README shows under it: every shown
line, in order, where a line `...` stands for any lines and `...` inside a
line for any text. The server runs on a free port: the README's 8080 stands
for it."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssl_bib.cli import cli
from tests.zotero.zotero_helpers import BUNDLED

README = BUNDLED.parent / "README.md"
SECTION = "#### Try it without an account"
README_PORT = "8080"


@dataclass
class Step:
    command: str
    remark: str
    shown: list[str] = field(default_factory=list)


def blocks() -> list[list[Step]]:
    """The section's console blocks, each a list of commands with their output."""
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION + "\n")
    end = text.find("\n#", start + len(SECTION))
    out: list[list[Step]] = []
    in_block = False
    for line in text[start:end].splitlines():
        if line.startswith("```"):
            in_block = line.strip() == "```console"
            if in_block:
                out.append([])
            continue
        if not in_block:
            continue
        if line.startswith("$ "):
            command, _, remark = line[2:].partition("  #")
            out[-1].append(Step(command.strip(), remark.strip()))
        else:
            out[-1][-1].shown.append(line)
    return out


def pattern(shown: list[str]) -> re.Pattern[str]:
    parts = []
    for line in shown:
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(re.escape(line).replace(re.escape("..."), ".*?") + r"[ \t]*\n")
    return re.compile("".join(parts))


def edit_item(folder: Path, catalog: Path, key: str, **changes: str) -> None:
    """Edit an item's file, as the README tells a person to."""
    from ssl_bib.store import load

    entry = load(catalog).catalog.find(key)
    assert entry is not None and entry.zotero_key
    path = folder / "items" / f"{entry.zotero_key}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def edit_entry(catalog: Path, key: str, old: str, new: str) -> None:
    """Edit one line of an entry in entries.toml, as in an editor."""
    text = catalog.read_text(encoding="utf-8")
    at = text.index(f'key = "{key}"\n')
    end = text.find("[[entries]]", at)
    block = text[at:end]
    assert old in block, (key, old)
    catalog.write_text(text[:at] + block.replace(old, new, 1) + text[end:], encoding="utf-8")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copyfile(BUNDLED, tmp_path / "entries.toml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_readme_walk_through_runs_as_written(workdir: Path) -> None:
    steps = blocks()
    text = README.read_text(encoding="utf-8")
    # The edits this test makes are the ones the README's text asks for.
    for said in ('"volume": "11767"', '"Predictive"', "Models Genesis (catalog)",
                 "Models Genesis (Zotero)"):
        assert said in text, said
    serve, *rest = steps
    assert len(serve) == 1 and serve[0].command.startswith("ssl-bib zotero serve-local")
    words = shlex.split(serve[0].command)[1:] + ["--port", "0"]
    proc = subprocess.Popen([sys.executable, "-m", "ssl_bib", *words], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=workdir)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        port = re.search(r"127\.0\.0\.1:(\d+)", first)
        assert port is not None, first
        shown = [line.replace(README_PORT, port.group(1)) for line in serve[0].shown]
        assert pattern(shown).fullmatch(first), (shown, first)
        env: dict[str, str] = {"SSL_BIB_CATALOG": ""}
        failures: list[str] = []
        edits = {
            1: lambda: (edit_item(workdir / "zotero-local", workdir / "entries.toml",
                                  "zhouModelsGenesisGeneric2019", volume="11767"),
                        edit_entry(workdir / "entries.toml", "chenKnowledgeBasedLearning2023",
                                   'categories = ["MAE", "Contrastive"]',
                                   'categories = ["MAE", "Contrastive", "Predictive"]')),
            2: lambda: (edit_item(workdir / "zotero-local", workdir / "entries.toml",
                                  "zhouModelsGenesisGeneric2019",
                                  title="Models Genesis (Zotero)"),
                        edit_entry(workdir / "entries.toml", "zhouModelsGenesisGeneric2019",
                                   'title = "Models Genesis: Generic Autodidactic Models for '
                                   '3D Medical Image Analysis"',
                                   'title = "Models Genesis (catalog)"')),
        }
        for number, block in enumerate(rest):
            if number in edits:
                edits[number]()
            for step in block:
                failures += run_step(step, env, port.group(1))
        assert not failures, "\n\n".join(failures)
        server_said = proc.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert server_said is not None and "taken in as an edit made in Zotero" in server_said.read()
    assert proc.returncode == 0


def run_step(step: Step, env: dict[str, str], port: str) -> list[str]:
    words = shlex.split(step.command.replace(README_PORT, port))
    if words[0] == "export":
        name, _, value = step.command.split(" ", 1)[1].partition("=")
        if value.startswith("$(cat ") and value.endswith(")"):
            value = Path(value[6:-1]).read_text(encoding="utf-8").strip()
        env[name] = value.replace(README_PORT, port)
        return []
    assert words[0] == "ssl-bib", step.command
    result = CliRunner().invoke(cli, words[1:], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(step.command) from result.exception
    wanted = int(m.group(1)) if (m := re.search(r"\bexit (\d)", step.remark)) else 0
    where = f"README.md: $ {step.command}"
    if result.exit_code != wanted:
        return [f"{where}\nexit {result.exit_code}, README implies {wanted}\n{result.output}"]
    if step.shown and not pattern(step.shown).fullmatch(result.output):
        return [f"{where}\n--- README shows\n" + "\n".join(step.shown)
                + f"\n--- printed\n{result.output}"]
    return []
