"""Ctrl-C in any command ends with one line, `ssl-bib: interrupted; ...`,
saying what was written before it, and exit 130: never click's "Aborted!"
with exit 1, never a traceback. Files are whole (the old or the new one), no
temp file is left and the catalog's lock is free for the next command.

In process, with KeyboardInterrupt raised where a real Ctrl-C can land:
while the catalog loads (every command), right before and right after the
catalog's rename, between the renames of `export --all`, while a Zotero
sync runs, while the arguments are parsed, and after the command, while its
output is flushed. tests/test_cli_interrupt_signal.py sends real signals to
real processes."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ssl_bib import atomic, exporting, interrupts, store
from ssl_bib.cli import LazyGroup
from ssl_bib.store import edit_session
from tests.cli_helpers import invoke, leaf_commands

KEY = "zhouModelsGenesisGeneric2019"
BIB = """@article{new2024,
  title = {A Paper Nobody Has Imported Yet},
  author = {Doe, Jane},
  journal = {Medical Image Analysis},
  year = {2024},
}
"""
NOTHING = "ssl-bib: interrupted; nothing was written\n"
LOCAL = "http://127.0.0.1:9"  # nothing listens: a command that got that far would fail otherwise

# Each command as a user would run it (serve-local is a server: Ctrl-C is how it stops).
RUNS: dict[str, list[str]] = {
    "check": ["check"],
    "list": ["list"],
    "show": ["show", KEY],
    "export": ["export", "-f", "bibtex", "-o", "refs.bib"],
    "import": ["import", "new.bib"],
    "add": ["add", "10.1000/xyz123", "--no-category", "--crossref-url", LOCAL],
    "render readme": ["render", "readme", "-o", "README.md"],
    "render site": ["render", "site", "-o", "site"],
    "enrich": ["enrich", "--mailto", "lab@example.org", "--crossref-url", LOCAL],
    "zotero status": ["zotero", "status", "--group", "1", "--zotero-url", LOCAL],
    "zotero pull": ["zotero", "pull", "--group", "1", "--zotero-url", LOCAL],
    "zotero push": ["zotero", "push", "--group", "1", "--zotero-url", LOCAL],
    "zotero sync": ["zotero", "sync", "--group", "1", "--zotero-url", LOCAL],
    "keys check": ["keys", "check"],
    "keys refresh": ["keys", "refresh", "--all"],
}
ENV = {"ZOTERO_API_KEY": "A" * 24, "SSL_BIB_LOCK_TIMEOUT": "0"}


def _interrupt(*_args: Any, **_kwargs: Any) -> Any:
    raise KeyboardInterrupt


def _folder(catalog: Path) -> list[str]:
    return sorted(p.name for p in catalog.parent.iterdir())


@pytest.fixture
def here(catalog: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The bundled catalog's copy, with the test's own folder as the working one."""
    monkeypatch.chdir(catalog.parent)
    (catalog.parent / "new.bib").write_text(BIB, encoding="utf-8")
    return catalog


def test_every_command_that_runs_to_an_end_is_covered() -> None:
    assert set(RUNS) == set(leaf_commands()) - {"zotero serve-local"}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_ctrl_c_in_any_command_is_one_line_and_exit_130(
        name: str, here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before, files = here.read_bytes(), _folder(here)
    # Every command reads the catalog: through ssl_bib.store, or, to change
    # it, in the editing session.
    monkeypatch.setattr(store, "load", _interrupt)
    monkeypatch.setattr(edit_session, "load", _interrupt)
    code, out, err = invoke(*RUNS[name], catalog=here, env=ENV)
    assert (code, out, err) == (130, "", NOTHING)
    assert here.read_bytes() == before
    assert _folder(here) == files                    # no temp file, no lock file left


def _replace_then(when: str, target: str) -> Callable[[Any, Any], None]:
    """os.replace interrupted right before or right after renaming onto `target`."""
    real = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(dst).name != target:
            real(src, dst)
            return
        if when == "after":
            real(src, dst)
        raise KeyboardInterrupt

    return replace


def test_ctrl_c_before_the_catalog_is_renamed_leaves_it_and_the_lock_as_they_were(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before, files = here.read_bytes(), _folder(here)
    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "replace", _replace_then("before", here.name))
        code, out, err = invoke("import", "new.bib", catalog=here)
    assert (code, err) == (130, NOTHING), (code, out, err)
    assert here.read_bytes() == before
    assert _folder(here) == files                    # the temp file is gone, the lock too
    # The lock is free: the same import at once, not waiting (SSL_BIB_LOCK_TIMEOUT=0).
    code, _, err = invoke("import", "new.bib", catalog=here, env={"SSL_BIB_LOCK_TIMEOUT": "0"})
    assert code == 0, err


def test_ctrl_c_after_the_rename_says_the_catalog_was_written(
        here: Path, monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
        ) -> None:
    other = tmp_path_factory.mktemp("uninterrupted") / "entries.toml"
    shutil.copyfile(here, other)
    assert invoke("import", str(here.parent / "new.bib"), catalog=other)[0] == 0
    files = _folder(here)
    with monkeypatch.context() as patch:
        patch.setattr(atomic.os, "replace", _replace_then("after", here.name))
        code, out, err = invoke("import", "new.bib", catalog=here)
    assert code == 130, (code, out, err)
    assert err == (f"ssl-bib: interrupted; {here} was written before it; every other file "
                   "is as it was\n")
    assert here.read_bytes() == other.read_bytes()   # the whole new catalog
    assert _folder(here) == files


def test_ctrl_c_between_the_renames_of_export_all_names_the_files_written(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke("export", "--all", "old", "--year", "2019", catalog=here)[0] == 0
    assert invoke("export", "--all", "new", catalog=here)[0] == 0
    shutil.copytree("old", "out")
    names = [fmt.filename for fmt in exporting.FORMATS.values()]
    real, renamed = os.replace, []

    def replace(src: Any, dst: Any) -> None:  # os.replace: the staged files' own too
        if Path(dst).parent.name == "out":
            if len(renamed) == 2:
                raise KeyboardInterrupt
            renamed.append(Path(dst).name)
        real(src, dst)

    with monkeypatch.context() as patch:
        patch.setattr(exporting.os, "replace", replace)
        code, out, err = invoke("export", "--all", "out", catalog=here)
    assert code == 130, (code, out, err)
    assert renamed == names[:2]
    assert err == (f"ssl-bib: interrupted; out/{names[0]}, out/{names[1]} were written "
                   "before it; every other file is as it was\n")
    for name in names:
        expected = Path("new" if name in renamed else "old", name).read_bytes()
        assert Path("out", name).read_bytes() == expected, name
    assert sorted(os.listdir("out")) == sorted(names)  # the staging folder is gone


@pytest.mark.parametrize(("mode", "detail"), [
    ("push", "Zotero may already hold some of this push's changes; run it again to send "
             "the rest (nothing is duplicated)"),
    ("sync", "Zotero may already hold some of this sync's changes; run it again to send "
             "the rest (nothing is duplicated)"),
    ("pull", "nothing was sent to Zotero"),
    ("status", "nothing was sent to Zotero"),
])
def test_ctrl_c_during_a_zotero_sync_says_what_zotero_may_hold(
        here: Path, monkeypatch: pytest.MonkeyPatch, mode: str, detail: str) -> None:
    from ssl_bib import api

    state = here.parent / ".ssl-bib-zotero-1.json"

    def sync(*_args: Any, **_kwargs: Any) -> None:
        if mode == "pull":  # as if the engine had saved its state before the interrupt
            state.write_text("{}", encoding="utf-8")
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "sync", sync)
    code, out, err = invoke("zotero", mode, "--group", "1", catalog=here, env=ENV)
    assert (code, out) == (130, "")
    written = (f"{state} was written before it; every other file is as it was"
               if mode == "pull" else "nothing was written")
    assert err == f"ssl-bib: interrupted; {written}; {detail}\n"


def test_a_dry_run_sends_nothing_to_zotero(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ssl_bib import api

    monkeypatch.setattr(api, "sync", _interrupt)
    code, _, err = invoke("zotero", "sync", "--dry-run", "--group", "1", catalog=here, env=ENV)
    assert (code, err) == (130, NOTHING.rstrip("\n") + "; nothing was sent to Zotero\n")


def test_ctrl_c_while_the_arguments_are_read(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LazyGroup, "parse_args", _interrupt)
    code, out, err = invoke("check", catalog=here)
    assert (code, out, err) == (130, "", NOTHING)


def test_ctrl_c_after_the_command_while_its_output_is_flushed(
        here: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import ssl_bib.cli as cli_module

    monkeypatch.setattr(cli_module, "flush_stdout", _interrupt)
    with pytest.raises(SystemExit) as stop:
        cli_module.main(["--catalog", str(here), "check"])
    assert stop.value.code == 130
    assert capsys.readouterr().err.splitlines()[-1] == NOTHING.rstrip("\n")


# -- what the line says ------------------------------------------------------------


def test_the_line_names_what_changed_and_only_that(tmp_path: Path) -> None:
    kept, replaced, rewritten, made, removed = (tmp_path / n for n in "abcde")
    for path in (kept, replaced, rewritten, removed):
        path.write_text("old", encoding="utf-8")
    interrupts.start()
    interrupts.watch(kept, replaced, rewritten, made, removed, "-")
    assert interrupts.message() == "interrupted; nothing was written"
    atomic.write_atomic(replaced, "old")          # the same text, but a new file
    with open(rewritten, "a", encoding="utf-8") as f:   # changed in place
        f.write("!")
    made.write_text("new", encoding="utf-8")
    removed.unlink()
    assert interrupts.written() == [replaced, rewritten, made, removed]
    assert interrupts.message("detail") == (
        f"interrupted; {replaced}, {rewritten}, {made}, {removed} were written before it; "
        "every other file is as it was; detail")


def test_a_long_list_of_files_stays_one_short_line(tmp_path: Path) -> None:
    paths = [tmp_path / f"page{n}.html" for n in range(30)]
    interrupts.start()
    interrupts.watch(*paths)
    for path in paths:
        path.write_text("x", encoding="utf-8")
    line = interrupts.message()
    assert line.count(".html") == 4 and "and 26 more were written" in line


def test_a_stream_or_a_folder_is_not_watched(tmp_path: Path) -> None:
    interrupts.start()
    interrupts.watch("-", tmp_path, "/dev/null")
    (tmp_path / "x").write_text("x", encoding="utf-8")   # the folder changes
    assert interrupts.written() == []


def test_each_command_starts_with_nothing_watched(here: Path) -> None:
    interrupts.watch(here.parent / "stale")
    (here.parent / "stale").write_text("x", encoding="utf-8")
    assert invoke("check", catalog=here)[0] == 0
    assert interrupts.written() == []
