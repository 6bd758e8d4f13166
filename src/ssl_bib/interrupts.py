"""Ctrl-C ends every command the same way: one line saying what the run left
written, and exit 130 (the shell's status for SIGINT); never click's
"Aborted!" with exit 1, never a traceback.

Every file ssl-bib writes is written atomically (atomic.py, and the staged
renames of `export --all` and `render site`), so after an interrupt each
file is either as it was or wholly new, and no temp file is left. What the
place that caught the interrupt cannot know is which: the interrupt may
come before, during or after a rename. So each command names the files it
may write (`watch`: the catalog for every command, an export's targets,
a README, the Zotero sync state) and, on an interrupt, each is compared with
how it was when watched: a file replaced since is named as written, and the
line says every other one is as it was.

A command that knows more (enrich keeps what it accepted, a Zotero push may
have reached the server) says so in `Interrupted(detail)`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Literal

from .errors import SslBibError

# The exit status of a command ended by Ctrl-C: 128 + SIGINT, as shells give.
EXIT_INTERRUPTED = 130

_Identity = tuple[int, int, int, int] | None
_watched: dict[Path, _Identity] = {}
_NAMED = 4  # written files named one by one in the line


def start() -> None:
    """Forget what an earlier command in this process watched (the command
    line runs one command per process, tests run many)."""
    _watched.clear()


def watch(*paths: str | os.PathLike[str]) -> None:
    """Remember how these files are now (or that they do not exist), to tell
    later whether this run replaced them. A stream (`-` or a pipe, a device)
    is not a file that can be as it was: it is not watched."""
    for name in paths:
        path = Path(name)
        if str(name) == "-" or path in _watched:
            continue
        identity = _identity(path)
        if identity is not False:
            _watched[path] = identity


def written() -> list[Path]:
    """The watched files that were replaced, made or removed since."""
    return [path for path, before in _watched.items() if _identity(path) != before]


def message(detail: str = "") -> str:
    """`interrupted; ...`: what was written before the interrupt, and `detail`."""
    done = written()
    if not done:
        said = "nothing was written"
    else:
        names = ", ".join(str(p) for p in done[:_NAMED])
        if len(done) > _NAMED:  # a site is many files: the line stays a line
            names += f" and {len(done) - _NAMED} more"
        said = (f"{names} {'was' if len(done) == 1 else 'were'} written before it; "
                "every other file is as it was")
    return f"interrupted; {said}" + (f"; {detail}" if detail else "")


class Interrupted(SslBibError):
    """Ctrl-C: the run stopped. The message says what it left written
    (`message`), with what the command knows beyond that in `detail`."""

    exit_code = EXIT_INTERRUPTED

    def __init__(self, detail: str = "") -> None:
        super().__init__(message(detail))


def _identity(path: Path) -> _Identity | Literal[False]:
    """What changes when a file is replaced (a rename gives a new inode) or
    rewritten in place; None for no file, False for a stream or a folder."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    return (info.st_dev, info.st_ino, info.st_mtime_ns, info.st_size)
