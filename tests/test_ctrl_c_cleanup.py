"""A Ctrl-C right after export --all makes its staging folder, or right after
an atomic write makes its temporary file, leaves neither behind (issue 10:
nothing half-written stays), and the files already there are untouched.

Each case runs in a fresh process that sends itself SIGINT right after the
system call that makes the folder or file, where a user's Ctrl-C can land;
before SIGINT was held back for those microseconds (ssl_bib.ctrl_c), the
KeyboardInterrupt came at the next Python call, before the try/finally that
removes them."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ssl_bib.ctrl_c import HeldBack

_SCRIPT = """
import os, signal, sys
from pathlib import Path
from ssl_bib import atomic, exporting
from ssl_bib.store import load

what, folder, catalog = sys.argv[1], Path(sys.argv[2]), sys.argv[3]

def after(name):
    real = getattr(os, name)
    def call(*args, **kwargs):
        result = real(*args, **kwargs)
        setattr(os, name, real)
        os.kill(os.getpid(), signal.SIGINT)   # the Ctrl-C lands right after this call
        return result
    setattr(os, name, call)

loaded = load(catalog)
try:
    if what == "export":
        after("mkdir")
        exporting.export_all(loaded.catalog, loaded.catalog.entries, folder)
    else:
        after("open")
        atomic.write_atomic(folder / "references.bib", "new text")
except KeyboardInterrupt:
    print("interrupted")
blocked = signal.pthread_sigmask(signal.SIG_BLOCK, set())
print("SIGINT blocked" if signal.SIGINT in blocked else "SIGINT free")
print(sorted(p.name for p in folder.iterdir()))
"""


@pytest.mark.slow  # real signals
@pytest.mark.parametrize("what", ["export", "write"])
def test_a_ctrl_c_right_after_the_folder_or_file_is_made_leaves_nothing(
        tmp_path: Path, what: str) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "references.bib").write_text("old text", encoding="utf-8")
    catalog = Path(__file__).parents[1] / "entries.toml"
    done = subprocess.run([sys.executable, "-c", _SCRIPT, what, str(folder), str(catalog)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["interrupted", "SIGINT free", "['references.bib']"]
    assert (folder / "references.bib").read_text(encoding="utf-8") == "old text"


def test_a_failure_before_the_try_leaves_ctrl_c_free() -> None:
    import signal

    with pytest.raises(FileExistsError), HeldBack():
        assert signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, set())
        raise FileExistsError("no unused name")
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, set())


def test_another_thread_holds_nothing_back() -> None:
    held: list[bool] = []
    worker = threading.Thread(target=lambda: held.append(HeldBack().holding))
    worker.start()
    worker.join()
    assert held == [False]
