"""Shell completion through click's protocol, as the shells' scripts call it:
a real `ssl-bib` process with `_SSL_BIB_COMPLETE=bash_complete` (or zsh's,
fish's) and COMP_WORDS/COMP_CWORD, in a folder with a catalog. Entry keys,
venue abbreviations and categories come from the catalog the command line
names; a missing or broken catalog completes nothing, and never prints a
traceback. The bash script itself runs in a real bash too."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ssl_bib.cli.completion import scan

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "entries.toml"
BIN = Path(sys.executable).parent


def complete(words: str, cwd: Path, shell: str = "bash",
             env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """What ssl-bib answers the shell for the command line `words`, the last
    word being completed (an empty last word when `words` ends in a space)."""
    parts = words.split(" ")
    full = {**os.environ, "PYTHONPATH": str(REPO / "src"),
            "_SSL_BIB_COMPLETE": f"{shell}_complete", "COMP_WORDS": words,
            # bash and zsh give the index of the word; fish gives the word itself.
            "COMP_CWORD": parts[-1] if shell == "fish" else str(len(parts) - 1)}
    full.pop("SSL_BIB_CATALOG", None)
    full.update(env or {})
    done = subprocess.run([sys.executable, "-m", "ssl_bib"], capture_output=True, text=True,
                          cwd=cwd, env=full, timeout=60)
    return done.returncode, done.stdout, done.stderr


def values(words: str, cwd: Path, **kwargs: object) -> list[str]:
    code, out, err = complete(words, cwd, **kwargs)  # type: ignore[arg-type]
    assert code == 0 and err == "", err
    return [line.split(",", 1)[1] for line in out.splitlines()]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copyfile(BUNDLED, tmp_path / "entries.toml")
    return tmp_path


def test_keys(folder: Path) -> None:
    assert values("ssl-bib show zhouModels", folder) == ["zhouModelsGenesisGeneric2019"]
    zhou = values("ssl-bib show zhou", folder)
    assert len(zhou) >= 3 and all(v.startswith("zhou") for v in zhou)
    assert values("ssl-bib export -f bibtex --key zhouModels", folder) == [
        "zhouModelsGenesisGeneric2019"]
    assert values("ssl-bib enrich zhouModels", folder) == ["zhouModelsGenesisGeneric2019"]
    assert values("ssl-bib keys refresh zhouModels", folder) == [
        "zhouModelsGenesisGeneric2019"]
    assert len(values("ssl-bib show ", folder)) == 62        # every current key, no old one


def test_old_keys_when_no_current_key_fits(folder: Path) -> None:
    assert values("ssl-bib show ModelsGenesis", folder) == ["ModelsGenesisGeneric2019"]
    code, out, _ = complete("ssl-bib show ModelsGenesis", folder, shell="zsh")
    assert out.splitlines() == ["plain", "ModelsGenesisGeneric2019",
                                "old key of zhouModelsGenesisGeneric2019"]


def test_venues_and_categories(folder: Path) -> None:
    assert values("ssl-bib list --venue MedI", folder) == ["MedIA"]
    assert "MICCAI" in values("ssl-bib list --venue mi", folder)        # case ignored
    assert values("ssl-bib add 10.1/x --venue MICC", folder) == ["MICCAI"]
    assert values("ssl-bib list --category ", folder) == [
        "MAE", "Contrastive", "Multiple-tasks/Multi-tasking", "Generative", "Predictive"]
    assert values("ssl-bib add 10.1/x --category Gen", folder) == ["Generative"]
    assert values("ssl-bib render site --category Pre", folder) == ["Predictive"]


def test_help_texts_for_zsh_and_fish(folder: Path) -> None:
    _, out, _ = complete("ssl-bib show zhouModels", folder, shell="zsh")
    assert out.splitlines() == [
        "plain", "zhouModelsGenesisGeneric2019",
        "Models Genesis: Generic Autodidactic Models for 3D Medical Image Analysis"]
    _, out, _ = complete("ssl-bib list --venue MedI", folder, shell="fish")
    assert out.splitlines() == ["plain,MedIA\tMedical Image Analysis"]


def test_the_catalog_the_command_line_names(folder: Path) -> None:
    other = folder / "sub" / "mine.toml"
    other.parent.mkdir()
    other.write_text('schema = 1\ncategories = ["Mine"]\n\n[venues.OWN]\nname = "Own"\n'
                     'kind = "journal"\n\n[[entries]]\nkey = "myKey2020"\ntitle = "T"\n'
                     'year = 2020\n', encoding="utf-8")
    assert values("ssl-bib --catalog sub/mine.toml show my", folder) == ["myKey2020"]
    assert values("ssl-bib --catalog sub/mine.toml list --venue ", folder) == ["OWN"]
    assert values("ssl-bib list --category ", folder,
                  env={"SSL_BIB_CATALOG": str(other)}) == ["Mine"]


@pytest.mark.parametrize("content", [
    None,                                          # no catalog at all
    b"this is = = not TOML [[[\n",
    b"\xff\xfe\x00garbage\x00" * 100,
    b'schema = 1\ncategories = "not a list"\n[[entries]]\nkey = "ok2020"\n',
    "folder",
])
def test_a_missing_or_broken_catalog_completes_quietly(tmp_path: Path,
                                                       content: bytes | str | None) -> None:
    if content == "folder":
        (tmp_path / "entries.toml").mkdir()
    elif isinstance(content, bytes):
        (tmp_path / "entries.toml").write_bytes(content)
    for words in ("ssl-bib show ", "ssl-bib list --venue ", "ssl-bib list --category "):
        code, out, err = complete(words, tmp_path)
        assert code == 0 and err == "", err
        assert "Traceback" not in out
    # What can be read is still offered: the key of the last catalog above.
    if isinstance(content, bytes) and content.startswith(b"schema"):
        assert values("ssl-bib show ", tmp_path) == ["ok2020"]


def test_a_shell_that_breaks_the_protocol_gets_no_traceback(folder: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"),
           "_SSL_BIB_COMPLETE": "bash_complete", "COMP_WORDS": "ssl-bib show "}
    env.pop("COMP_CWORD", None)
    done = subprocess.run([sys.executable, "-m", "ssl_bib"], capture_output=True, text=True,
                          cwd=folder, env=env, timeout=60)
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_commands_and_options_complete_as_click_does(folder: Path) -> None:
    assert "export" in values("ssl-bib ex", folder)
    assert "--venue" in values("ssl-bib list --v", folder)


def test_the_bash_script_in_bash(folder: Path) -> None:
    """The README's bash line, in a real bash: source the script, then ask
    its completion function as bash would on Tab."""
    script = ('eval "$(_SSL_BIB_COMPLETE=bash_source ssl-bib)"; '
              'COMP_WORDS=(ssl-bib list --venue MedI); COMP_CWORD=3; '
              '_ssl_bib_completion ssl-bib; printf "%s\\n" "${COMPREPLY[@]}"')
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=folder,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["MedIA"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_gets_its_script(shell: str, folder: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "_SSL_BIB_COMPLETE": f"{shell}_source"}
    done = subprocess.run([sys.executable, "-m", "ssl_bib"], capture_output=True, text=True,
                          cwd=folder, env=env, timeout=60)
    assert done.returncode == 0 and "_SSL_BIB_COMPLETE" in done.stdout


def test_the_scan_agrees_with_the_loaded_catalog() -> None:
    from ssl_bib.store import load

    loaded = load(BUNDLED).catalog
    found = scan(BUNDLED.read_text(encoding="utf-8"))
    current = [k for k, h in found.keys.items() if not h.startswith("old key of ")]
    assert current == [e.key for e in loaded.entries]
    assert {k for k, h in found.keys.items() if h.startswith("old key of ")} == {
        alias for e in loaded.entries for alias in e.key_aliases}
    assert list(found.venues) == list(loaded.venues)
    assert found.venues == {k: v.name for k, v in loaded.venues.items()}
    assert found.categories == loaded.categories
    assert all(found.keys[e.key] == e.title for e in loaded.entries)


def test_the_scan_is_fast_on_a_big_catalog() -> None:
    """A generous bound (a completion runs on every Tab): 10,000 entries."""
    text = BUNDLED.read_text(encoding="utf-8")
    head, _, body = text.partition("\n[[entries]]")
    big = head + ("\n[[entries]]" + body) * 160       # about 10,000 entries, 8 MB
    start = time.perf_counter()
    found = scan(big)
    assert time.perf_counter() - start < 2.0
    assert len(found.keys) >= 62
