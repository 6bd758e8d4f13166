"""Export: the catalog's entries in one format, or in every format into a
folder. The formats, their writers and their conventional file names are
codecs.registry's; the writers are imported only when used (RIS's loads rispy).

Output is deterministic: entries in catalog order, fields in a fixed order,
no dates or versions in the text, so an unchanged catalog exports byte for
byte the same files and a changed one diffs to just its changes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from .atomic import folder_made, regular_mode, safe_mode, sync_folder, temp_folder, write_new
from .codecs.registry import Codec, OnEntry, writers
from .gcpause import paused_gc
from .model import Catalog, Entry

# The export formats, from the one table of formats (codecs.registry): each
# has a name, a description, a writer and its name in `export --all DIR`.
FORMATS: dict[str, Codec] = writers()


def export(catalog: Catalog, entries: Sequence[Entry], fmt: str,
           on_entry: OnEntry | None = None) -> str:
    """The entries in one format. Raises codecs.fields.ExportError for an
    entry that cannot be written soundly (nothing partial is returned)."""
    writer = FORMATS[fmt].writer()
    with paused_gc():
        return writer(catalog, entries, on_entry)


def _export_bytes(catalog: Catalog, entries: Sequence[Entry], fmt: Codec,
                  on_entry: OnEntry | None) -> bytes:
    """export()'s text as UTF-8, for a file."""
    writer = fmt.bytes_writer()
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
    from .codecs.facts import shared
    from .ctrl_c import HeldBack  # signal: only for --all

    with shared():  # what the formats derive alike is derived once per entry
        texts = {fmt.filename: _export_bytes(
            catalog, per_format(fmt.name) if per_format else entries, fmt, on_entry)
            for fmt in FORMATS.values()}
    targets = [folder / filename for filename in texts]
    # Refused before anything is written: a folder, device or pipe where a
    # file goes. A link is replaced, never followed, so its target's mode
    # (setuid, world-writable...) is never copied.
    modes = {target: regular_mode(target) for target in targets}
    # Beside the targets, so each rename stays on one file system; Ctrl-C
    # held back until the try below would remove the staging folder again.
    with folder_made(folder), HeldBack() as held:
        staging = temp_folder(folder, ".ssl-bib-export.")
        try:
            held.let_in()
            # The staging folder is ours alone (mode 0700, a fresh name): each
            # file is written there under its final name, then all are renamed.
            for target, text in zip(targets, texts.values(), strict=True):
                write_new(staging / target.name, text, safe_mode(modes[target]))
            for target in targets:
                os.replace(staging / target.name, target)
            sync_folder(folder)  # the renames themselves survive a crash
        except BaseException:
            import shutil  # only on failure: it imports three compressors

            shutil.rmtree(staging, ignore_errors=True)
            raise
    staging.rmdir()
    return targets
