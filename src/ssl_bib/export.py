"""The export formats, by name: what writes each one and its conventional
file name. The writers are imported only when used (rispy, pylatexenc).

Output is deterministic: entries in catalog order, fields in a fixed order,
no dates or versions in the text, so an unchanged catalog exports byte for
byte the same files and a changed one diffs to just its changes.
"""

from __future__ import annotations

import importlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .atomic import folder_made, regular_mode, safe_mode, write_atomic
from .gcpause import paused_gc
from .model import Catalog, Entry

OnEntry = Callable[[], None]


class Writer(Protocol):
    """A format's writer: the entries' text; `on_entry` is told of each entry
    written (for a progress bar)."""

    def __call__(self, catalog: Catalog, entries: Sequence[Entry],
                 on_entry: OnEntry | None = None) -> str: ...


@dataclass(frozen=True)
class Format:
    name: str
    filename: str  # the conventional name in `export --all DIR`
    module: str  # ssl_bib.codecs.<module>
    function: str
    description: str

    def writer(self) -> Writer:
        module = importlib.import_module(f"ssl_bib.codecs.{self.module}")
        writer: Writer = getattr(module, self.function)
        return writer


FORMATS: dict[str, Format] = {
    fmt.name: fmt for fmt in (
        Format("bibtex", "references.bib", "bibtex_write", "write_bibtex",
               "BibTeX (ASCII, LaTeX-escaped) for bibtex and natbib"),
        Format("biblatex", "references-biblatex.bib", "bibtex_write", "write_biblatex",
               "biblatex (UTF-8) for biber"),
        Format("ris", "references.ris", "ris_write", "write_ris",
               "RIS for Zotero, EndNote, Mendeley"),
        Format("csljson", "references.json", "csljson_write", "write_csljson",
               "CSL-JSON for pandoc, Quarto, Zotero"),
    )
}


def export(catalog: Catalog, entries: Sequence[Entry], fmt: str,
           on_entry: OnEntry | None = None) -> str:
    """The entries in one format. Raises codecs.fields.ExportError for an
    entry that cannot be written soundly (nothing partial is returned)."""
    writer = FORMATS[fmt].writer()
    with paused_gc():
        return writer(catalog, entries, on_entry)


def export_all(catalog: Catalog, entries: Sequence[Entry], folder: Path,
               per_format: Callable[[str], Sequence[Entry]] | None = None,
               on_entry: OnEntry | None = None) -> list[Path]:
    """Every format into `folder` under its conventional name, all or none:
    every text is built, then every file written into a staging folder beside
    the targets, and only then are the four renamed into place. A failure
    before the renames (an entry that cannot be exported, a full disk, a
    target that is a folder) leaves `folder` as it was. `per_format` gives a
    format its own entries (BibTeX writes them under the names a document cited);
    `on_entry` is told of each entry written, in every format."""
    texts = {fmt.filename: export(catalog, per_format(fmt.name) if per_format else entries,
                                  fmt.name, on_entry) for fmt in FORMATS.values()}
    targets = [folder / filename for filename in texts]
    # Refused before anything is written: a folder, device or pipe where a
    # file goes. A link is replaced, never followed, so its target's mode
    # (setuid, world-writable...) is never copied.
    modes = {target: regular_mode(target) for target in targets}
    with folder_made(folder):
        # Beside the targets, so each rename stays on one file system.
        staging = Path(tempfile.mkdtemp(prefix=".ssl-bib-export.", dir=folder))
        try:
            for target, text in zip(targets, texts.values(), strict=True):
                write_atomic(staging / target.name, text)
                os.chmod(staging / target.name, safe_mode(modes[target]))
            for target in targets:
                os.replace(staging / target.name, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    staging.rmdir()
    return targets
