"""What a LaTeX document cites, read from the files a LaTeX run leaves behind.

`ssl-bib export --aux` exports just these entries, as BibTeX's own tool chain,
biber's tool mode and Better BibTeX's AUX scanner do. Two sources:

- an `.aux` file: `\\citation{a,b}` (LaTeX with BibTeX), `\\abx@aux@cite{0}{a}`
  (biblatex; older versions write `\\abx@aux@cite{a}`), `\\nocite{*}` as
  `\\citation{*}` or `\\abx@aux@nociteall`, and the `.aux` files of `\\include`d
  chapters through `\\@input{chapter.aux}`, followed recursively;
- a biblatex `.bcf` control file (XML): every `<bcf:citekey>`, `*` for
  `\\nocite{*}`.

The reader only collects keys with the line each was first seen on; resolving
them against the catalog is the caller's job.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from .lazy_re import compiled
from .problems import InputError

ALL = "*"
# A braced argument without nested braces: keys hold none.
_CITATION_RE = compiled(r"\\citation\{([^{}]*)\}")
_ABX_CITE_RE = compiled(r"\\abx@aux@cite(?:\{[^{}]*\})?\{([^{}]*)\}")
_NOCITE_ALL_RE = compiled(r"\\abx@aux@nociteall\b")
_INPUT_RE = compiled(r"\\@input\{([^{}]+)\}")
# A citekey element's text. Inside one tag (`<`...`>`), so each search ends at
# the next bracket: from every "citekey" of a long line, `[^>]*` rescanned
# the rest of the line (35 KB: 0.2 s, 350 KB: 20 s).
_CITEKEY_RE = compiled(r"<[^<>]*?citekey[^<>]*+>([^<]*+)<")
# Nested \@input chains deeper than this are a loop the file names differently.
_MAX_DEPTH = 32


@dataclass
class Citations:
    """Cited keys in order of first citation, each with where it was first seen."""

    keys: dict[str, tuple[str, int]] = field(default_factory=dict)
    cites_all: bool = False

    def add(self, key: str, file: str, line: int) -> None:
        key = key.strip()
        if not key:
            return
        if key == ALL:
            self.cites_all = True
            return
        self.keys.setdefault(key, (file, line))


def read_citations(path: Path) -> Citations:
    """The keys an `.aux` (with the files it inputs) or a `.bcf` cites.
    Raises InputError (file, line, message) for a file that cannot be read."""
    out = Citations()
    if path.suffix.lower() == ".bcf":
        _read_bcf(path, out)
    else:
        _read_aux(path, out, seen=set(), depth=0, root=path.parent)
    return out


def _text(path: Path, parent: tuple[str, int] | None = None) -> str:
    """The file's text; an error names the file, or for a chapter's .aux the
    \\@input line that names it."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        if isinstance(exc, FileNotFoundError):
            why = "no such file"
        elif isinstance(exc, IsADirectoryError):
            why = "is a folder, not an .aux or .bcf file"
        else:
            why = f"cannot read: {exc.strerror or exc}"
        if parent:
            raise InputError(parent[0], parent[1], f"\\@input {path}: {why}") from None
        raise InputError(str(path), 0, why) from None


def _read_aux(path: Path, out: Citations, seen: set[Path], depth: int, root: Path,
              parent: tuple[str, int] | None = None) -> None:
    try:
        resolved = path.resolve()
    except OSError:
        resolved = path
    if resolved in seen or depth > _MAX_DEPTH:
        return  # an \@input loop: each file is read once
    seen.add(resolved)
    text = _text(path, parent)
    name = str(path)
    for number, line in enumerate(text.splitlines(), 1):
        if "\\" not in line:
            continue
        for match in _CITATION_RE.finditer(line):
            for key in match.group(1).split(","):
                out.add(key, name, number)
        for match in _ABX_CITE_RE.finditer(line):
            out.add(match.group(1), name, number)
        if _NOCITE_ALL_RE.search(line):
            out.cites_all = True
        for match in _INPUT_RE.finditer(line):
            child = Path(match.group(1).strip())
            # LaTeX writes the path relative to the folder it ran in, which is
            # the main .aux's folder; a path relative to this file is tried next.
            candidates = [child] if child.is_absolute() else [root / child,
                                                              path.parent / child]
            target = next((c for c in candidates if c.exists()), candidates[0])
            _read_aux(target, out, seen, depth + 1, root, (name, number))


def _read_bcf(path: Path, out: Citations) -> None:
    text = _text(path)
    try:
        tree = ET.fromstring(text)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 0
        raise InputError(str(path), line, f"not a biblatex control file (XML): {exc}") from None
    # Keys in document order; the line of each is found in the text afterwards.
    lines: dict[str, int] = {}
    for number, line_text in enumerate(text.splitlines(), 1):
        if "citekey" in line_text:
            for match in _CITEKEY_RE.finditer(line_text):
                lines.setdefault(match.group(1).strip(), number)
    for element in tree.iter():
        if element.tag.rsplit("}", 1)[-1] == "citekey" and element.text:
            key = element.text.strip()
            out.add(key, str(path), lines.get(key, 0))
