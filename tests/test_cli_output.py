"""Standard output that cannot be written: every command, sent to a full
device, ends with one line naming the problem and exit 1; sent into a pipe
whose reader has gone (`| head -1`), it ends quietly with exit 1. Never a
traceback, never Python's "Exception ignored" at exit.

Run as real processes: only a real file descriptor 1 fails this way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FULL = "ssl-bib: cannot write to standard output: No space left on device"

# (name, arguments after --catalog CATALOG); each writes to standard output.
COMMANDS = {
    "list": ["list"],
    "list --json": ["list", "--json"],
    "check": ["check"],
    "check --json": ["check", "--json"],
    "show": ["show", "ModelsGenesisGeneric2019"],
    "show --json": ["show", "--json", "ModelsGenesisGeneric2019"],
    "export bibtex": ["export", "-f", "bibtex"],
    "export csljson": ["export", "-f", "csljson"],
    "render readme": ["render", "readme"],
    "render readme --check": ["render", "readme", "--check", "{readme}"],
    "import --dry-run": ["import", "--dry-run", "{bib}"],
    "--help": ["--help"],
    "--version": ["--version"],
    "export --help": ["export", "--help"],
}
QUICK = ("list", "check", "show", "export bibtex", "render readme")


def _params() -> list[object]:
    return [name if name in QUICK else pytest.param(name, marks=pytest.mark.slow)
            for name in COMMANDS]


def _run(tmp_path: Path, name: str, stdout: int) -> subprocess.CompletedProcess[str]:
    catalog = tmp_path / "entries.toml"
    if not catalog.exists():
        shutil.copyfile(REPO / "entries.toml", catalog)
        (tmp_path / "README.md").write_text("# an old README\n", encoding="utf-8")
        (tmp_path / "in.bib").write_text("@article{x, title={A new paper}, year={2021}}\n",
                                         encoding="utf-8")
    args = [a.format(readme=tmp_path / "README.md", bib=tmp_path / "in.bib")
            for a in COMMANDS[name]]
    return subprocess.run([sys.executable, "-m", "ssl_bib", "--catalog", str(catalog), *args],
                          stdout=stdout, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                          timeout=60, check=False)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("name", _params())
def test_a_full_device_is_one_line_and_exit_1(tmp_path: Path, name: str) -> None:
    with open("/dev/full", "w") as full:
        proc = _run(tmp_path, name, full.fileno())
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[-1] == FULL
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr


@pytest.mark.parametrize("name", _params())
def test_a_closed_pipe_ends_quietly(tmp_path: Path, name: str) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write, as `| head -0`
    try:
        proc = _run(tmp_path, name, write_end)
    finally:
        os.close(write_end)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert "Broken pipe" not in proc.stderr and "standard output" not in proc.stderr


def test_a_reader_that_stops_early_ends_the_run_quietly(tmp_path: Path) -> None:
    """`ssl-bib export | head -1` on a catalog too big for the pipe's buffer:
    the exporter is still writing when head exits."""
    catalog = tmp_path / "entries.toml"
    text = (REPO / "entries.toml").read_text(encoding="utf-8")
    head, _, body = text.partition("\n[[entries]]")
    copies = "".join(("\n[[entries]]" + body).replace('key = "', f'key = "c{i}')
                     for i in range(40))
    catalog.write_text(head + copies, encoding="utf-8")
    shell = (f"'{sys.executable}' -m ssl_bib --catalog '{catalog}' export -f bibtex | head -1;"
             " exit ${PIPESTATUS[0]}")
    proc = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.stdout.startswith("@")
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""


def test_stdout_that_works_is_untouched(tmp_path: Path) -> None:
    proc = _run(tmp_path, "list", subprocess.PIPE)
    assert proc.returncode == 0 and proc.stderr == ""
    assert "ModelsGenesisGeneric2019\t2019\tMICCAI\t" in proc.stdout
