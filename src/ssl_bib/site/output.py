"""The site's folder on disk: compare it with a fresh build (`--check`) and
replace it (`-o`). The folder may hold files of its owner (a CNAME, a
.nojekyll); only files of the site's own shapes are ever replaced or removed.

Writing is all or nothing for a reader of the site: every new file is staged
in the folder first, the assets and citations go into place before the page
that names them, and the files the new page no longer names are removed
last, so the folder always holds a page whose files are all there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_atomic
from ..lazy_re import compiled

# What `render site` writes: the page, its hashed assets, the citation chunks.
OWNED = compiled(r"^(?:index\.html|assets/site-[0-9a-f]{10}\.(?:css|js)|cite/[0-9a-f]{10}\.js)$")


@dataclass
class SiteDiff:
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed or self.missing or self.extra)

    def summary(self) -> str:
        parts = []
        for label, names in (("differ", self.changed), ("missing", self.missing),
                             ("no longer rendered", self.extra)):
            if names:
                shown = ", ".join(names[:3]) + (f", ... ({len(names)})" if len(names) > 3 else "")
                parts.append(f"{label}: {shown}")
        return "; ".join(parts)


def owned_files(folder: Path) -> list[str]:
    """The site files in `folder`, as paths relative to it."""
    found = []
    for sub in ("", "assets", "cite"):
        directory = folder / sub
        if not directory.is_dir():
            continue
        for path in directory.iterdir():
            name = f"{sub}/{path.name}" if sub else path.name
            if OWNED.match(name) and path.is_file():
                found.append(name)
    return sorted(found)


def compare(files: dict[str, bytes], folder: Path) -> SiteDiff:
    diff = SiteDiff()
    for name, content in sorted(files.items()):
        path = folder / name
        try:
            if path.read_bytes() != content:
                diff.changed.append(name)
        except FileNotFoundError:
            diff.missing.append(name)
        except IsADirectoryError:
            diff.changed.append(name)
    diff.extra = [name for name in owned_files(folder) if name not in files]
    return diff


def write(files: dict[str, bytes], folder: Path) -> SiteDiff:
    """Make `folder` hold exactly these site files; returns what changed.
    On an error the folder still holds a complete site (the old or the new)."""
    diff = compare(files, folder) if folder.is_dir() else SiteDiff(missing=sorted(files))
    if not diff:
        return diff
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ssl-bib-site.", dir=folder))
    try:
        todo = sorted(diff.changed + diff.missing, key=lambda n: n == "index.html")
        for name in todo:
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(staging / name, files[name].decode("utf-8"))
        for name in todo:  # index.html last: it names the others
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, folder / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)
    for name in diff.extra:
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()
    return diff
