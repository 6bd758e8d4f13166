"""Run the real LaTeX tool chain in tests: pdflatex (with -recorder), bibtex,
biber, and biber's data-model check, and read their logs.

Written for issue 13's tool-chain tests; the general runner `tests/tex_tools.py`
(from the injection work) was not on main yet, so the two should be folded
into one when both are in.

A tool missing on a developer's machine skips the test with a message; under
CI (`CI=true`) it fails instead, since CI installs them (.ci/run).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

# Generous bounds: a hung tool must not hang the suite, a slow machine must pass.
TIMEOUT = 120


def require(*tools: str) -> None:
    """Skip (fail under CI) unless every tool is on PATH."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        message = f"{', '.join(missing)} not installed (Debian: texlive-latex-base, " \
                  "texlive-latex-recommended, texlive-bibtex-extra, biber)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must have them (.ci/run installs them)")
        pytest.skip(message)


def has_style(name: str) -> bool:
    """Whether a .bst (or other TeX file) is installed, by kpsewhich."""
    if shutil.which("kpsewhich") is None:
        return False
    found = subprocess.run(["kpsewhich", name], capture_output=True, text=True, check=False)
    return bool(found.stdout.strip())


@dataclass
class Run:
    """What one tool run printed and left: its exit code and log lines."""

    tool: str
    returncode: int
    log: str
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, errors="replace",
                          timeout=TIMEOUT, check=False, env=env)


def pdflatex(folder: Path, name: str = "doc") -> Run:
    """One pdflatex pass in batch mode with -recorder (doc.fls lists every file
    read and written). LaTeX errors stop nothing in nonstop mode: they are
    collected from the log ("! ..." lines)."""
    done = _run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-recorder",
                 f"{name}.tex"], folder)
    log_path = folder / f"{name}.log"
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    errors = [line for line in log.splitlines() if line.startswith("! ")]
    warnings = [m.group(0) for m in re.finditer(r"(?:LaTeX|Package \w+) Warning: [^\n]*", log)]
    return Run("pdflatex", done.returncode, log, warnings, errors)


def bibtex(folder: Path, name: str = "doc") -> Run:
    """bibtex on doc.aux; warnings are its 'Warning--' lines, errors the lines
    it reports errors with (exit 2)."""
    done = _run(["bibtex", name], folder)
    blg = folder / f"{name}.blg"
    log = blg.read_text(encoding="utf-8", errors="replace") if blg.exists() else done.stdout
    warnings = [line for line in log.splitlines() if line.startswith("Warning--")]
    errors = [line for line in log.splitlines()
              if "error message" in line or line.startswith(("I was expecting", "I couldn't",
                                                            "Illegal", "Repeated entry"))]
    if done.returncode >= 2 and not errors:
        errors = [f"bibtex exit {done.returncode}: {done.stdout[-500:]}"]
    return Run("bibtex", done.returncode, log, warnings, errors)


def biber(folder: Path, name: str = "doc") -> Run:
    done = _run(["biber", "--nodieonerror", name], folder)
    return _biber_run(done)


def validate_datamodel(bib: Path) -> Run:
    """`biber --tool --validate-datamodel` on a .bib: its WARN lines name each
    field the data model does not allow and each mandatory field missing."""
    out = bib.parent / f".validated-{bib.stem}.bib"
    done = _run(["biber", "--tool", "--validate-datamodel", f"--output-file={out.name}",
                 bib.name], bib.parent)
    return _biber_run(done)


def _biber_run(done: subprocess.CompletedProcess[str]) -> Run:
    log = done.stdout + done.stderr
    # "WARN - ...", or "[12] Utils.pm:411> WARN - ..." with --debug-like prefixes.
    warnings = re.findall(r"(?m)(?:^|\s)WARN - (.*)$", log)
    errors = re.findall(r"(?m)(?:^|\s)ERROR - (.*)$", log)
    if done.returncode and not errors:
        errors = [f"biber exit {done.returncode}"]
    return Run("biber", done.returncode, log, warnings, errors)


def bibtex_document(bib: str, style: str, cite: str = "\\nocite{*}") -> str:
    """A document citing `cite` from `bib` (a .bib file name without .bib)
    with a BibTeX style; natbib loaded for the author-year styles."""
    natbib = "\\usepackage[numbers]{natbib}\n" if style in ("plainnat", "abbrvnat") else ""
    return ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n" + natbib +
            f"\\begin{{document}}\n{cite}\n\\bibliographystyle{{{style}}}\n"
            f"\\bibliography{{{bib}}}\n\\end{{document}}\n")


def biblatex_document(bib: str, style: str, cite: str = "\\nocite{*}") -> str:
    return ("\\documentclass{article}\n\\usepackage[T1]{fontenc}\n"
            f"\\usepackage[backend=biber,style={style}]{{biblatex}}\n"
            f"\\addbibresource{{{bib}}}\n\\begin{{document}}\n{cite}\n"
            "\\printbibliography\n\\end{document}\n")


def compile_with_bibtex(folder: Path, name: str = "doc") -> tuple[Run, Run]:
    """pdflatex, bibtex, pdflatex twice: the bibtex run and the last pdflatex run."""
    first = pdflatex(folder, name)
    assert first.returncode == 0, first.errors or first.log[-2000:]
    bib = bibtex(folder, name)
    pdflatex(folder, name)
    last = pdflatex(folder, name)
    return bib, last


def compile_with_biber(folder: Path, name: str = "doc") -> tuple[Run, Run]:
    first = pdflatex(folder, name)
    assert first.returncode == 0, first.errors or first.log[-2000:]
    run = biber(folder, name)
    pdflatex(folder, name)
    last = pdflatex(folder, name)
    return run, last


def undefined_citations(run: Run) -> list[str]:
    """The keys LaTeX found no entry for, from its log."""
    return re.findall(r"Citation [`']([^']+)' (?:on page \d+ )?undefined", run.log)
