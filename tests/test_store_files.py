"""What ssl-bib does to the files it writes: read-only catalogs, linked
catalogs, permissions, and targets that are not regular files."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssl_bib import file_lock
from ssl_bib.atomic import safe_mode, write_atomic, write_through
from ssl_bib.cli import cli
from tests.catalog_texts import HEAD

CATALOG = HEAD + """
[[entries]]
key = "first2020"
title = "The first paper"
year = 2020
venue = "MedIA"
"""

BIB = """\
@article{new2021,
  title = {A new paper about lesion segmentation},
  author = {Doe, Jane},
  journal = {Medical Image Analysis},
  year = {2021},
}
"""


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def _catalog(tmp_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    path.write_text(CATALOG, encoding="utf-8")
    (tmp_path / "new.bib").write_text(BIB, encoding="utf-8")
    return path


# -- read-only catalogs ------------------------------------------------------------


def test_a_read_only_catalog_is_refused_as_editors_do(tmp_path: Path) -> None:
    path = _catalog(tmp_path)
    path.chmod(0o444)
    code, out = _run("--catalog", str(path), "import", str(tmp_path / "new.bib"))
    assert code == 1
    assert out.strip().splitlines()[-1] == (
        f"ssl-bib: {path}: the catalog is read-only (mode 444); nothing was written "
        "(give --force-write to write it anyway)")
    assert path.read_text(encoding="utf-8") == CATALOG
    # A dry run must not promise what the real run refuses.
    code, _ = _run("--catalog", str(path), "import", "--dry-run", str(tmp_path / "new.bib"))
    assert code == 1


def test_force_write_writes_a_read_only_catalog_and_keeps_it_read_only(tmp_path: Path) -> None:
    path = _catalog(tmp_path)
    path.chmod(0o444)
    code, out = _run("--catalog", str(path), "import", "--force-write", str(tmp_path / "new.bib"))
    assert code == 0, out
    assert "A new paper about lesion segmentation" in path.read_text(encoding="utf-8")
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


# Every command that writes the catalog, with arguments that would reach a
# service nobody listens at (127.0.0.1:9) if the command got that far.
CATALOG_WRITERS = [
    ["import", "NEW.BIB"],
    ["add", "10.1000/xyz123", "--no-category", "--crossref-url", "http://127.0.0.1:9"],
    ["enrich", "--crossref-url", "http://127.0.0.1:9"],
    ["keys", "refresh", "--all"],
    ["zotero", "pull", "--group", "1"],
    ["zotero", "push", "--group", "1"],
    ["zotero", "sync", "--group", "1"],
]


@pytest.mark.parametrize("command", CATALOG_WRITERS, ids=lambda c: " ".join(c[:2]))
def test_every_catalog_writer_refuses_a_read_only_catalog_before_any_work(
        tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOTERO_API_KEY", "abc")
    path = _catalog(tmp_path)
    path.chmod(0o444)
    args = [str(tmp_path / "new.bib") if a == "NEW.BIB" else a for a in command]
    for dry_run in ([], ["--dry-run"]):
        code, out = _run("--catalog", str(path), *args, *dry_run)
        assert code == 1 and out.strip().splitlines()[-1].endswith(
            "the catalog is read-only (mode 444); nothing was written (give --force-write to "
            "write it anyway)"), out
    assert path.read_text(encoding="utf-8") == CATALOG


def test_every_catalog_writer_takes_force_write_and_only_add_takes_force() -> None:
    """One name for the read-only override, on every writer; `--force` is
    add's (a probable duplicate) and never writes a read-only file."""
    import click

    def options(words: list[str]) -> set[str]:
        command: click.Command = cli
        for word in words:           # down the groups: `zotero` -> `zotero pull`
            if not isinstance(command, click.Group):
                break
            sub = command.get_command(click.Context(command), word)
            if sub is None:
                break
            command = sub
        return {o for p in command.params for o in getattr(p, "opts", [])}

    for words in CATALOG_WRITERS:
        names = options(words)
        assert "--force-write" in names, words
        assert ("--force" in names) == (words[0] == "add"), words


def test_add_force_does_not_write_a_read_only_catalog(tmp_path: Path) -> None:
    path = _catalog(tmp_path)
    path.chmod(0o444)
    code, out = _run("--catalog", str(path), "add", "10.1000/xyz123", "--no-category",
                     "--force", "--crossref-url", "http://127.0.0.1:9")
    assert code == 1 and "give --force-write to write it anyway" in out


def test_zotero_status_reads_a_read_only_catalog(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZOTERO_API_KEY", "abc")
    path = _catalog(tmp_path)
    path.chmod(0o444)
    code, out = _run("--catalog", str(path), "zotero", "status", "--group", "1",
                     "--zotero-url", "http://127.0.0.1:9")
    assert "read-only" not in out


# -- linked catalogs ----------------------------------------------------------------


def test_a_linked_catalog_is_written_through_to_its_target(tmp_path: Path) -> None:
    other_repo = tmp_path / "other" / "data"
    other_repo.mkdir(parents=True)
    target = _catalog(other_repo)
    target.chmod(0o640)
    (tmp_path / "new.bib").write_text(BIB, encoding="utf-8")
    link = tmp_path / "entries.toml"
    link.symlink_to(os.path.relpath(target, tmp_path))
    code, out = _run("--catalog", str(link), "import", str(tmp_path / "new.bib"))
    assert code == 0, out
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert "A new paper about lesion segmentation" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    # Temp file and lock were beside the target, and are gone.
    assert sorted(p.name for p in other_repo.iterdir()) == ["entries.toml", "new.bib"]
    assert file_lock.lock_path(link) == target.with_name(".entries.toml.lock")


def test_a_catalog_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "entries.toml"
    os.mkfifo(fifo)
    (tmp_path / "new.bib").write_text(BIB, encoding="utf-8")
    code, out = _run("--catalog", str(fifo), "import", str(tmp_path / "new.bib"))
    assert code in (1, 2) and "not a regular file" in out
    assert stat.S_ISFIFO(fifo.stat().st_mode)


# -- permissions ----------------------------------------------------------------------


def test_no_special_bits_and_no_write_bits_beyond_the_umask(umask_022: None) -> None:
    assert safe_mode(None) == 0o644
    assert safe_mode(stat.S_IFREG | 0o4777) == 0o755
    assert safe_mode(stat.S_IFREG | 0o2664) == 0o644
    assert safe_mode(stat.S_IFREG | 0o1600) == 0o600
    assert safe_mode(stat.S_IFREG | 0o444) == 0o444


def test_a_group_writable_catalog_stays_so_under_a_group_umask(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text("a", encoding="utf-8")
    path.chmod(0o664)
    old = os.umask(0o002)
    try:
        write_through(path, "b")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


def test_export_over_a_link_to_a_setuid_world_writable_file(tmp_path: Path,
                                                            umask_022: None) -> None:
    """The issue's case: references.bib linked to a 4777 file produced a 4777
    file. The link is replaced (exports never follow it), the new file gets a
    new file's mode, and the linked file is untouched."""
    path = _catalog(tmp_path)
    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    victim.chmod(0o4777)
    out_file = tmp_path / "references.bib"
    out_file.symlink_to(victim)
    code, out = _run("--catalog", str(path), "export", "-f", "bibtex", "-o", str(out_file))
    assert code == 0, out
    assert not out_file.is_symlink()
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o644
    assert victim.read_text(encoding="utf-8") == "keep"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o4777


def test_export_over_a_setuid_world_writable_file_drops_the_bits(tmp_path: Path,
                                                                  umask_022: None) -> None:
    path = _catalog(tmp_path)
    out_file = tmp_path / "references.bib"
    out_file.write_text("old", encoding="utf-8")
    out_file.chmod(0o4777)
    assert _run("--catalog", str(path), "export", "-f", "bibtex", "-o", str(out_file))[0] == 0
    assert stat.S_IMODE(out_file.stat().st_mode) == 0o755


def test_export_all_never_copies_a_linked_files_mode(tmp_path: Path, umask_022: None) -> None:
    path = _catalog(tmp_path)
    folder = tmp_path / "out"
    folder.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep", encoding="utf-8")
    victim.chmod(0o6777)
    (folder / "references.ris").symlink_to(victim)
    (folder / "references.json").write_text("[]", encoding="utf-8")
    (folder / "references.json").chmod(0o2666)
    assert _run("--catalog", str(path), "export", "--all", str(folder))[0] == 0
    modes = {p.name: stat.S_IMODE(p.lstat().st_mode) for p in folder.iterdir()}
    assert modes == {"references.bib": 0o644, "references-biblatex.bib": 0o644,
                     "references.ris": 0o644, "references.json": 0o644}
    assert stat.S_IMODE(victim.stat().st_mode) == 0o6777


def test_state_and_cache_files_get_safe_modes(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "state.json"
    path.write_text("{}", encoding="utf-8")
    path.chmod(0o4666)
    write_atomic(path, "{}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


# -- devices, pipes and folders --------------------------------------------------------


def test_export_to_a_full_device_fails_in_one_line_and_keeps_the_device(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    path = _catalog(tmp_path)
    code, out = _run("--catalog", str(path), "export", "-f", "bibtex", "-o", "/dev/full")
    assert code == 1
    assert out.strip() == "ssl-bib: cannot write /dev/full: No space left on device"
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_export_streams_into_a_named_pipe(tmp_path: Path) -> None:
    path = _catalog(tmp_path)
    fifo = tmp_path / "refs.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, out = _run("--catalog", str(path), "export", "-f", "bibtex", "-o", str(fifo))
    reader.join(timeout=30)
    assert code == 0, out
    assert b"@article{first2020," in received[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_export_to_a_folder_or_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = _catalog(tmp_path)
    sock_path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        code, out = _run("--catalog", str(path), "export", "-f", "ris", "-o", str(sock_path))
    finally:
        server.close()
    assert code == 1 and "not a regular file" in out
    assert stat.S_ISSOCK(sock_path.stat().st_mode)
    folder = tmp_path / "dir"
    folder.mkdir()
    code, out = _run("--catalog", str(path), "export", "-f", "ris", "-o", str(folder))
    assert code == 1 and "Is a directory" in out


def test_readme_to_a_full_device_fails(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    path = _catalog(tmp_path)
    code, out = _run("--catalog", str(path), "render", "readme", "-o", "/dev/full")
    assert code != 0 and "No space left on device" in out


def test_temporary_names_are_new_files_never_a_planted_link(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The temp file a write goes through is created by us alone: a name
    someone planted (a link to a file of theirs) is skipped, never followed."""
    from ssl_bib import atomic

    victim = tmp_path / "victim"
    victim.write_text("theirs", encoding="utf-8")
    draws = iter([b"\x00" * 6, b"\x00" * 6, b"\x01" * 6, b"\x02" * 6])
    monkeypatch.setattr(os, "urandom", lambda _n: next(draws))
    (tmp_path / f".x.{'00' * 6}.tmp").symlink_to(victim)
    fd, name = atomic.temp_file(tmp_path, ".x.", ".tmp")
    os.close(fd)
    assert name == str(tmp_path / f".x.{'01' * 6}.tmp")
    assert stat.S_IMODE(os.stat(name).st_mode) == 0o600
    assert victim.read_text(encoding="utf-8") == "theirs"
    folder = atomic.temp_folder(tmp_path, ".x.")
    assert folder.name == f".x.{'02' * 6}" and stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_write_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    path = tmp_path / "out.txt"
    write_atomic(path, "one")
    write_through(path, "two")
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    assert path.read_text(encoding="utf-8") == "two"


def test_write_new_makes_a_new_file_with_the_mode_asked(tmp_path: Path) -> None:
    from ssl_bib.atomic import write_new

    old = os.umask(0o077)  # the mode asked is the mode had, whatever the umask
    try:
        write_new(tmp_path / "a.bib", b"@misc{a}\n", 0o644)
    finally:
        os.umask(old)
    assert (tmp_path / "a.bib").read_bytes() == b"@misc{a}\n"
    assert stat.S_IMODE((tmp_path / "a.bib").stat().st_mode) == 0o644
    with pytest.raises(FileExistsError):  # never onto what is there
        write_new(tmp_path / "a.bib", b"other", 0o644)
    (tmp_path / "elsewhere").write_bytes(b"kept")
    (tmp_path / "link.bib").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(FileExistsError):  # nor through a link
        write_new(tmp_path / "link.bib", b"other", 0o644)
    assert (tmp_path / "elsewhere").read_bytes() == b"kept"


def test_export_all_syncs_each_file_and_then_the_folder_it_renamed_them_into(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _catalog(tmp_path)
    folder = tmp_path / "out"
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        kind = "folder" if stat.S_ISDIR(info.st_mode) else "file"
        events.append((f"fsync {kind}", str(info.st_ino)))
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        events.append(("replace", os.path.basename(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    assert _run("--catalog", str(path), "export", "--all", str(folder))[0] == 0
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 4
    replaced = [i for i, (kind, _) in enumerate(events) if kind == "replace"]
    assert sorted(events[i][1] for i in replaced) == names  # one rename per file
    synced_files = [i for i, (kind, _) in enumerate(events) if kind == "fsync file"]
    assert len(synced_files) == 4 and max(synced_files) < min(replaced)
    assert ("fsync folder", str(folder.stat().st_ino)) in events[max(replaced):]
