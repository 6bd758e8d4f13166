"""Run real LaTeX in tests: a document and its .bib compiled in a temporary
folder with an engine (pdflatex, lualatex, xelatex) and a bibliography
backend (bibtex or biber), every file TeX opens recorded (`-recorder`).

For any test that needs the real consumer: compile tests of exports, and
injection tests that must prove no file outside the folder was read.

    run = compile_bib(tmp_path, bib_text, body=r"\\nocite{*}", style="plainnat",
                      packages=["natbib", "url"])
    assert run.ok, run.errors
    assert run.read_outside() == []

A tool that is missing skips the test with a message, except under CI
(`CI=true`), where it fails: CI must run them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pytest

Engine = Literal["pdflatex", "lualatex", "xelatex"]
Backend = Literal["bibtex", "biber"]


def require(tool: str) -> str:
    """The path of a TeX tool; skips the test without it (fails under CI)."""
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (Debian: texlive-latex-base, biber)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run the LaTeX tests")
        pytest.skip(message)
    return path


@lru_cache(maxsize=1)
def tex_roots() -> tuple[Path, ...]:
    """The folders of the TeX installation: what kpathsea searches ($TEXMF),
    its configuration ($TEXMFCNF) and its generated files (formats, maps)."""
    kpsewhich = require("kpsewhich")
    roots: list[str] = []
    for variable in ("$TEXMF", "$TEXMFCNF"):
        out = subprocess.run([kpsewhich, "--expand-path", variable], capture_output=True,
                             text=True, check=False).stdout.strip()
        roots += out.split(os.pathsep)
    for name in ("TEXMFSYSVAR", "TEXMFSYSCONFIG", "TEXMFVAR", "TEXMFCONFIG", "TEXMFDIST"):
        out = subprocess.run([kpsewhich, f"-var-value={name}"], capture_output=True, text=True,
                             check=False).stdout.strip()
        roots.append(out)
    return tuple(sorted({Path(r).resolve() for r in roots if r.startswith("/")}))


@dataclass
class TexRun:
    """What one compile did: each step's exit status and output, the main
    log, and the files TeX read and wrote (from the .fls recorder files)."""

    folder: Path
    steps: list[tuple[str, int, str]] = field(default_factory=list)  # (command, status, output)
    read: set[Path] = field(default_factory=set)
    written: set[Path] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """Every step succeeded (bibtex's status 1 means warnings only) and
        no error was logged."""
        return all(status == 0 or (cmd.startswith("bibtex") and status == 1)
                   for cmd, status, _ in self.steps) and not self.errors

    @property
    def log(self) -> str:
        logs = sorted(self.folder.glob("*.log"))
        return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)

    @property
    def errors(self) -> list[str]:
        """LaTeX's error lines (`! ...`) and bibtex/biber errors."""
        found = [line for line in self.log.splitlines() if line.startswith("!")]
        for blg in self.folder.glob("*.blg"):
            text = blg.read_text(encoding="utf-8", errors="replace")
            found += [line for line in text.splitlines()
                      if re.match(r"^(?:I was expecting|I'm skipping|.*---line \d+ of file"
                                  r"|ERROR - |FATAL - )", line)]
        return found

    @property
    def bbl(self) -> str:
        path = next(iter(sorted(self.folder.glob("*.bbl"))), None)
        return path.read_text(encoding="utf-8", errors="replace") if path else ""

    @property
    def shell_commands(self) -> list[str]:
        """What \\write18 ran or tried to run (TeX logs `runsystem(...)`)."""
        return re.findall(r"runsystem\((.*?)\)", self.log)

    def read_outside(self, allowed: Iterable[Path] = ()) -> list[Path]:
        """Files read that are neither in the folder, nor in the TeX
        installation, nor under one of `allowed`."""
        roots = [self.folder.resolve(), *tex_roots(), *(Path(a).resolve() for a in allowed)]
        return sorted(p for p in self.read if not any(p.is_relative_to(r) for r in roots))

    def describe(self) -> str:
        """The steps' output, for an assertion message."""
        return "\n".join(f"$ {cmd} -> {status}\n{out[-3000:]}" for cmd, status, out in self.steps)


def document(body: str, *, backend: Backend = "bibtex", style: str = "plain",
             packages: Sequence[str] = (), preamble: str = "", bib: str = "refs") -> str:
    """A minimal LaTeX document that cites from `bib`.bib: with bibtex,
    `\\bibliographystyle{style}`; with biber, biblatex in that style."""
    lines = [r"\documentclass{article}", r"\usepackage[T1]{fontenc}"]
    lines += [rf"\usepackage{{{p}}}" for p in packages]
    if backend == "biber":
        lines += [rf"\usepackage[backend=biber,style={style}]{{biblatex}}",
                  rf"\addbibresource{{{bib}.bib}}"]
    lines += [preamble, r"\begin{document}", body]
    if backend == "biber":
        lines.append(r"\printbibliography")
    else:
        lines += [rf"\bibliographystyle{{{style}}}", rf"\bibliography{{{bib}}}"]
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"


def compile_tex(folder: Path, tex: str, files: dict[str, str] | None = None, *,
                engine: Engine = "pdflatex", backend: Backend | None = "bibtex",
                timeout: float = 120) -> TexRun:
    """Write `doc.tex` and `files` into `folder` and run engine, backend,
    engine, engine, as a user's build does. Nonstop: an error does not wait
    for input, and every step runs even after one failed, so that the
    recorder sees everything each step would read. Shell escape stays at the
    installation's default (restricted), as users have it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.tex").write_text(tex, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    run = TexRun(folder)
    latex = [require(engine), "-recorder", "-interaction=nonstopmode", "doc.tex"]
    commands = [latex]
    if backend is not None:
        commands.append([require(backend), "doc"])
        commands += [latex, latex]
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    for command in commands:
        proc = subprocess.run(command, cwd=folder, capture_output=True, text=True,
                              errors="replace", timeout=timeout, env=env, check=False)
        run.steps.append((" ".join(Path(command[0]).name if i == 0 else c
                                   for i, c in enumerate(command)),
                          proc.returncode, proc.stdout + proc.stderr))
        _record(run, folder / "doc.fls")
    return run


def compile_bib(folder: Path, bib_text: str, *, body: str = r"\nocite{*}",
                engine: Engine = "pdflatex", backend: Backend = "bibtex",
                style: str = "plain", packages: Sequence[str] = (),
                preamble: str = "") -> TexRun:
    """Compile a document that cites every entry of `bib_text` (refs.bib)."""
    tex = document(body, backend=backend, style=style, packages=packages, preamble=preamble)
    return compile_tex(folder, tex, {"refs.bib": bib_text}, engine=engine, backend=backend)


def _record(run: TexRun, fls: Path) -> None:
    """Add the files of one recorder file (`PWD dir`, `INPUT path`, `OUTPUT path`)."""
    if not fls.exists():
        return
    cwd = run.folder
    for line in fls.read_text(encoding="utf-8", errors="replace").splitlines():
        kind, _, name = line.partition(" ")
        if kind == "PWD":
            cwd = Path(name)
        elif kind in ("INPUT", "OUTPUT"):
            path = Path(name)
            path = (path if path.is_absolute() else cwd / path).resolve()
            (run.read if kind == "INPUT" else run.written).add(path)
