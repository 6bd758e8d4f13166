"""A real SIGINT to a real `ssl-bib` in the middle of long work: an import of
5,000 BibTeX entries and `export --all` of a 10,000-entry catalog (while the
texts are built, and while the files are written). Each run must end with
exit 130 and one line on stderr, no traceback; the catalog and every export
target must be the old file or the new one byte for byte, and the line must
name exactly the files that are new; no temp file may be left; and the
catalog's lock must be free (a second command runs at once, not waiting)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ssl_bib.exporting import FORMATS, export
from ssl_bib.toml_render import render_catalog
from tests.conftest import BUNDLED

pytestmark = [
    pytest.mark.slow,  # real processes, real signals, seconds of work each
    pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux's /proc"),
]

SMALL_BIB = """@article{small2024,
  title = {One More Paper for the Catalog},
  author = {Doe, Jane},
  journal = {Medical Image Analysis},
  year = {2024},
}
"""
NAMES = [fmt.filename for fmt in FORMATS.values()]


def ssl_bib(*args: str, cwd: Path, **env: str) -> subprocess.Popen[str]:
    """A real process, SIGINT not ignored (a background job's child starts ignoring it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "ssl_bib", *args], cwd=cwd, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, **env}, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def finish(*args: str, cwd: Path, **env: str) -> tuple[int, str]:
    proc = ssl_bib(*args, cwd=cwd, **env)
    _, err = proc.communicate(timeout=300)
    return proc.returncode, err


def interrupt_when(proc: subprocess.Popen[str], ready: Callable[[], bool]) -> tuple[int, str, str]:
    """SIGINT as soon as `ready()`; the exit status and output."""
    deadline = time.monotonic() + 120
    try:
        while not ready():
            assert proc.poll() is None, ("it ended before the signal", proc.communicate())
            assert time.monotonic() < deadline, "never ready"
            time.sleep(0.002)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    return proc.returncode, out, err


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process: a point in its work that does not
    depend on how loaded the machine is."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def interrupted_line(code: int, out: str, err: str) -> str:
    assert code == 130, (code, out, err)
    assert "Traceback" not in err and "Aborted" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("ssl-bib: interrupted; "), err
    return lines[0]


# -- import ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """5,000 entries as BibTeX, and the bundled catalog as it is after importing them."""
    from benchmarks.synth import synth_catalog

    folder = tmp_path_factory.mktemp("big-import")
    catalog = synth_catalog(5_000)
    bib = folder / "big.bib"
    bib.write_text(export(catalog, catalog.entries, "bibtex"), encoding="utf-8")
    shutil.copyfile(BUNDLED, folder / "entries.toml")
    assert finish("import", "big.bib", cwd=folder)[0] == 0
    return bib, (folder / "entries.toml").read_bytes()


def test_ctrl_c_in_a_long_import(big_import: tuple[Path, bytes], tmp_path: Path) -> None:
    bib, imported = big_import
    shutil.copyfile(bib, tmp_path / "big.bib")
    (tmp_path / "small.bib").write_text(SMALL_BIB, encoding="utf-8")
    catalog = tmp_path / "entries.toml"
    shutil.copyfile(BUNDLED, catalog)
    before, files = catalog.read_bytes(), sorted(os.listdir(tmp_path))
    # The import takes the catalog's lock once it has read its input, and
    # holds it while it imports and writes: the signal lands in that work.
    lock = tmp_path / ".entries.toml.lock"
    proc = ssl_bib("import", "big.bib", cwd=tmp_path)
    line = interrupted_line(*interrupt_when(proc, lock.exists))
    now = catalog.read_bytes()
    assert now in (before, imported)
    assert line == ("ssl-bib: interrupted; nothing was written" if now == before else
                    "ssl-bib: interrupted; entries.toml was written before it; every other "
                    "file is as it was")
    assert sorted(os.listdir(tmp_path)) == files     # no temp file, no lock file
    started = time.monotonic()
    code, err = finish("import", "small.bib", cwd=tmp_path, SSL_BIB_LOCK_TIMEOUT="0")
    assert code == 0, err                            # the lock was free: no wait at all
    assert time.monotonic() - started < 60


# -- export --all ------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, float]:
    """A 10,000-entry catalog, an older export of it (`old/`, one year's
    entries) and the complete one (`new/`); and the CPU seconds the complete
    export took, start to end."""
    from benchmarks.synth import synth_catalog

    folder = tmp_path_factory.mktemp("big-export")
    (folder / "big.toml").write_text(render_catalog(synth_catalog(10_000)), encoding="utf-8")
    assert finish("--catalog", "big.toml", "export", "--all", "old", "--year", "2019",
                  cwd=folder)[0] == 0
    proc = subprocess.Popen([sys.executable, "-m", "ssl_bib", "--catalog", "big.toml", "export",
                             "--all", "new"], cwd=folder, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return folder, usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("moment", ["building", "writing"])
def test_ctrl_c_in_a_long_export_all(big_export: tuple[Path, float], tmp_path: Path,
                                     moment: str) -> None:
    big_export, whole_run = big_export
    shutil.copyfile(big_export / "big.toml", tmp_path / "big.toml")
    shutil.copytree(big_export / "old", tmp_path / "out")
    (tmp_path / "small.bib").write_text(SMALL_BIB, encoding="utf-8")
    proc = ssl_bib("--catalog", "big.toml", "export", "--all", "out", cwd=tmp_path)
    if moment == "building":  # the catalog is read (a quarter of the run), the texts are made
        def ready() -> bool:
            return cpu_seconds(proc.pid) >= 0.6 * whole_run
    else:                     # the texts are done and go into the staging folder
        def ready() -> bool:
            return any(name.startswith(".ssl-bib-export.") for name in os.listdir(tmp_path / "out"))
    line = interrupted_line(*interrupt_when(proc, ready))
    new = []
    for name in NAMES:
        now = (tmp_path / "out" / name).read_bytes()
        old = (big_export / "old" / name).read_bytes()
        whole = (big_export / "new" / name).read_bytes()
        assert now in (old, whole), name
        if now == whole:
            new.append(f"out/{name}")
    assert line == ("ssl-bib: interrupted; nothing was written" if not new else
                    f"ssl-bib: interrupted; {', '.join(new)} "
                    f"{'was' if len(new) == 1 else 'were'} written before it; every other "
                    "file is as it was")
    assert sorted(os.listdir(tmp_path / "out")) == sorted(NAMES)  # no staging folder left
    code, err = finish("--catalog", "big.toml", "import", "small.bib", cwd=tmp_path,
                       SSL_BIB_LOCK_TIMEOUT="0")
    assert code == 0, err
