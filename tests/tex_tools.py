"""Run real LaTeX in tests: a document and its .bib compiled in a folder with
an engine (pdflatex, lualatex, xelatex) and a bibliography backend (bibtex or
biber), every file TeX opens recorded (`-recorder`), each tool's errors and
warnings read from its log; and biber's data-model check of a .bib.

For any test that needs the real consumer: the tool-chain tests of the
exports (no warning but the expected ones), `export --aux` runs, and the
injection tests that must prove no file outside the folder was read.

    run = compile_bib(tmp_path, bib_text, body=r"\\nocite{*}", style="plainnat",
                      packages=["natbib", "url"])
    assert run.ok, run.errors
    assert run.backend.warnings == [] and run.latex.undefined_citations() == []
    assert run.read_outside() == []

A tool that is missing skips the test with a message, except under CI
(`CI=true`), where it fails: CI must run them (.ci/run installs them).
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


TIMEOUT = 120  # a hung tool must not hang the suite; a slow machine must pass


def require(*tools: str) -> None:
    """Skip the test unless every tool is on PATH (fail under CI)."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        message = (f"{', '.join(missing)} not installed (Debian: texlive-latex-base, "
                   "texlive-latex-recommended, texlive-bibtex-extra, biber)")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}; CI must run the LaTeX tests")
        pytest.skip(message)


def has_style(name: str) -> bool:
    """Whether a .bst (or any TeX file) is installed, by kpsewhich."""
    if shutil.which("kpsewhich") is None:
        return False
    found = subprocess.run(["kpsewhich", name], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


@lru_cache(maxsize=1)
def tex_roots() -> tuple[Path, ...]:
    """The folders of the TeX installation: what kpathsea searches ($TEXMF),
    its configuration ($TEXMFCNF) and its generated files (formats, maps)."""
    require("kpsewhich")
    kpsewhich = "kpsewhich"
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
class Step:
    """One tool run: its command, exit status, output and log, and the
    errors and warnings its log reports."""

    command: str
    status: int
    output: str
    log: str = ""
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Exit 0 (bibtex's 1 means warnings only) and no error reported."""
        return (self.status == 0 or (self.command.startswith("bibtex") and self.status == 1)) \
            and not self.errors

    def undefined_citations(self) -> list[str]:
        """The keys LaTeX found no entry for (an engine's step)."""
        return re.findall(r"Citation [`']([^']+)' (?:on page \d+ )?undefined", self.log)


@dataclass
class TexRun:
    """What one compile did: each step, and the files TeX read and wrote
    (from the .fls recorder files)."""

    folder: Path
    steps: list[Step] = field(default_factory=list)
    read: set[Path] = field(default_factory=set)
    written: set[Path] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        """Every step succeeded and no error was logged."""
        return all(step.ok for step in self.steps) and not self.errors

    @property
    def backend(self) -> Step:
        """The bibtex or biber step."""
        return next(s for s in self.steps if s.command.startswith(("bibtex", "biber")))

    @property
    def latex(self) -> Step:
        """The engine's last pass: what the document finally looks like."""
        return [s for s in self.steps if not s.command.startswith(("bibtex", "biber"))][-1]

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
        return "\n".join(f"$ {s.command} -> {s.status}\n{s.output[-3000:]}" for s in self.steps)


def document(body: str, *, backend: Backend = "bibtex", style: str = "plain",
             packages: Sequence[str] = (), preamble: str = "", bib: str = "refs") -> str:
    """A minimal LaTeX document that cites from `bib`.bib: with bibtex,
    `\\bibliographystyle{style}`; with biber, biblatex in that style."""
    lines = [r"\documentclass{article}", r"\usepackage[T1]{fontenc}"]
    if backend == "bibtex" and style.endswith("nat") and "natbib" not in packages:
        lines.append(r"\usepackage[numbers]{natbib}")   # the natbib styles need it
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
                engine: Engine = "pdflatex", backend: Backend | None = "bibtex") -> TexRun:
    """Write `doc.tex` and `files` into `folder`, then compile_folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "doc.tex").write_text(tex, encoding="utf-8")
    for name, text in (files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return compile_folder(folder, engine=engine, backend=backend)


def compile_folder(folder: Path, *, engine: Engine = "pdflatex",
                   backend: Backend | None = "bibtex") -> TexRun:
    """Run engine, backend, engine, engine on `folder`/doc.tex, as a user's
    build does. Nonstop: an error does not wait for input, and every step
    runs even after one failed, so that the recorder sees everything each
    step would read. Shell escape stays at the installation's default
    (restricted), as users have it."""
    run = TexRun(folder)
    run.steps.append(latex_pass(folder, engine))
    _record(run, folder / "doc.fls")
    if backend is not None:
        run.steps.append(bibtex(folder) if backend == "bibtex" else biber(folder))
        for _ in range(2):
            run.steps.append(latex_pass(folder, engine))
            _record(run, folder / "doc.fls")
    return run


def _run(command: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True,
                          errors="replace", timeout=TIMEOUT, check=False,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""


def latex_pass(folder: Path, engine: Engine = "pdflatex", name: str = "doc") -> Step:
    """One engine pass over NAME.tex with -recorder (NAME.fls lists every
    file read and written); errors are the log's `! ...` lines, warnings its
    LaTeX and package warnings."""
    require(engine)
    done = _run([engine, "-recorder", "-interaction=nonstopmode", f"{name}.tex"], folder)
    log = _read(folder / f"{name}.log")
    errors = [line for line in log.splitlines() if line.startswith("! ")]
    warnings = re.findall(r"(?:LaTeX|Package \w+) Warning: [^\n]*", log)
    return Step(f"{engine} {name}.tex", done.returncode, done.stdout + done.stderr, log,
                errors, warnings)


def bibtex(folder: Path, name: str = "doc") -> Step:
    """bibtex on NAME.aux: warnings are its `Warning--` lines, errors the
    lines it reports an error with (exit 2)."""
    require("bibtex")
    done = _run(["bibtex", name], folder)
    log = _read(folder / f"{name}.blg") or done.stdout
    warnings = [line for line in log.splitlines() if line.startswith("Warning--")]
    errors = [line for line in log.splitlines()
              if "error message" in line or line.startswith(("I was expecting", "I couldn't",
                                                            "Illegal", "Repeated entry"))]
    if done.returncode >= 2 and not errors:
        errors = [f"bibtex exit {done.returncode}: {done.stdout[-500:]}"]
    return Step(f"bibtex {name}", done.returncode, done.stdout + done.stderr, log, errors,
                warnings)


def biber(folder: Path, name: str = "doc") -> Step:
    require("biber")
    return _biber_step(f"biber {name}", _run(["biber", name], folder))


def validate_datamodel(bib: Path) -> Step:
    """`biber --tool --validate-datamodel` on a .bib: its warnings name each
    field the data model does not allow and each mandatory field missing."""
    require("biber")
    out = bib.parent / f".validated-{bib.stem}.bib"
    done = _run(["biber", "--tool", "--validate-datamodel", f"--output-file={out.name}",
                 bib.name], bib.parent)
    return _biber_step(f"biber --tool --validate-datamodel {bib.name}", done)


def _biber_step(command: str, done: subprocess.CompletedProcess[str]) -> Step:
    log = done.stdout + done.stderr
    # "WARN - ...", or "[12] Utils.pm:411> WARN - ..." with --debug-like prefixes.
    warnings = re.findall(r"(?m)(?:^|\s)WARN - (.*)$", log)
    errors = re.findall(r"(?m)(?:^|\s)ERROR - (.*)$", log)
    if done.returncode and not errors:
        errors = [f"biber exit {done.returncode}"]
    return Step(command, done.returncode, log, log, errors, warnings)


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
