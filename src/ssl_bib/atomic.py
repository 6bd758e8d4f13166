"""Every file ssl-bib writes goes through here: whole or not at all, with safe
permissions, and never onto something that is not a regular file.

- A reader sees the old file or the new one, never a mix: the text goes to a
  temp file beside the target, is fsynced and renamed over it.
- The new file's mode is the old file's permission bits (a catalog may be
  group-writable on purpose) without setuid, setgid or sticky bits, and with
  no group or world write bit the umask would not give a new file; a new file
  gets 0666 less the umask, as any editor's would.
- A device, a pipe or a folder is never replaced by a regular file: outputs
  (exports, READMEs) are streamed into a pipe or a character device (`-o
  /dev/stdout`, `-o >(gzip > refs.gz)`), anything else is refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

from .errors import SslBibError

_SPECIAL_BITS = stat.S_ISUID | stat.S_ISGID | stat.S_ISVTX


class NotARegularFile(SslBibError, OSError):
    """The target exists and is not a regular file (nor a stream we may write)."""


def regular_mode(path: Path) -> int | None:
    """The mode of the regular file at `path` itself (a link is not
    followed: None, as for nothing there); raises NotARegularFile or
    IsADirectoryError for anything else. For writers that stage files
    themselves, such as `export --all`."""
    return _regular_mode(Path(path), follow=False)


def safe_mode(old_mode: int | None) -> int:
    """The mode for a file replacing one of `old_mode` (None: a new file)."""
    umask = _umask()
    if old_mode is None:
        return 0o666 & ~umask
    return stat.S_IMODE(old_mode) & ~_SPECIAL_BITS & ~(umask & 0o022)


def write_atomic(path: Path, text: str | bytes, encoding: str = "utf-8") -> None:
    """Write `text` (encoded; bytes as they are) to `path` atomically: a
    temp file beside it, fsync, rename over it, fsync the folder so the rename
    itself survives a crash.

    `path` itself is replaced: a symbolic link there is replaced by a file,
    never followed (an output folder's planted link cannot redirect the
    write). Refuses a folder, device, pipe or socket at `path`."""
    path = Path(path)
    old_mode = _regular_mode(path, follow=False)
    _write_replacing(path, text.encode(encoding) if isinstance(text, str) else text, old_mode)


def write_through(path: Path, text: str | bytes, encoding: str = "utf-8",
                  before_replace: Callable[[], None] | None = None) -> Path:
    """Like write_atomic, but a symbolic link at `path` is followed: the
    file it points to is replaced (atomically, beside itself) and the link
    stays. For files the user keeps elsewhere on purpose, like a catalog
    linked from another repository. Returns the file actually written.

    `before_replace` runs after the new text is safely on disk and right
    before the rename; an exception from it leaves the old file as it was."""
    target = Path(os.path.realpath(path))
    old_mode = _regular_mode(target, follow=True)
    data = text.encode(encoding) if isinstance(text, str) else text
    _write_replacing(target, data, old_mode, before_replace)
    return target


def write_output(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write an output file (an export, a README) the user named: atomically
    when it is a regular file or missing; streamed when it is a pipe or a
    character device, even through a link (`/dev/stdout`, `/dev/fd/N`), so
    that `-o /dev/full` reports the full device instead of replacing it."""
    path = Path(path)
    try:
        linked = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        linked = None
    if linked is not None and (stat.S_ISFIFO(linked.st_mode) or stat.S_ISCHR(linked.st_mode)):
        with open(path, "wb") as stream:
            stream.write(text.encode(encoding))
            stream.flush()
        return
    write_atomic(path, text, encoding)


@contextlib.contextmanager
def folder_made(folder: Path) -> Iterator[None]:
    """`folder` (and its missing parents) made for the block, as `mkdir -p`
    would, for an output to go into; if the block fails, the folders made
    here are removed again (each only while empty: never what others put
    there)."""
    folder = Path(folder)
    made = []
    for parent in [folder, *folder.parents]:
        if os.path.lexists(parent) or not str(parent) or parent == parent.parent:
            break
        made.append(parent)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where the folder goes: say so, as open() would
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR),
                                 str(folder)) from None
    try:
        yield
    except BaseException:
        for parent in made:  # the deepest first
            with contextlib.suppress(OSError):
                parent.rmdir()
        raise


def _regular_mode(path: Path, follow: bool) -> int | None:
    """The mode of the regular file (or link) at `path`, None if there is
    nothing; raises NotARegularFile for anything else."""
    try:
        info = os.stat(path, follow_symlinks=follow)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        return None                      # replaced by a new file: the target's mode is not ours
    if stat.S_ISREG(info.st_mode):
        return info.st_mode
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    raise NotARegularFile(errno.EINVAL, "not a regular file (a device, pipe or socket): "
                          "refusing to replace it", str(path))


# Temporary names are made here rather than by the tempfile module, which
# imports shutil, random and three compressors: a few milliseconds of every
# command that writes, as long as a one-entry save of a big catalog.
_TEMP_TRIES = 100


def temp_file(folder: Path, prefix: str, suffix: str) -> tuple[int, str]:
    """A new file in `folder` with an unused random name, created by us alone
    (O_EXCL, mode 0600, no link followed), as tempfile.mkstemp makes it:
    (its open descriptor, its path)."""
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(_TEMP_TRIES):
        name = os.path.join(folder, f"{prefix}{os.urandom(6).hex()}{suffix}")
        try:
            return os.open(name, flags, 0o600), name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(folder))


def temp_folder(folder: Path, prefix: str) -> Path:
    """A new folder in `folder` with an unused random name, mode 0700, as
    tempfile.mkdtemp makes it."""
    for _ in range(_TEMP_TRIES):
        name = Path(folder) / f"{prefix}{os.urandom(6).hex()}"
        try:
            os.mkdir(name, 0o700)
            return name
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no unused temporary folder name", str(folder))


def _write_replacing(path: Path, data: bytes, old_mode: int | None,
                     before_replace: Callable[[], None] | None = None) -> None:
    from .ctrl_c import HeldBack  # signal: only for a command that writes

    folder = path.parent if str(path.parent) else Path(".")
    with HeldBack() as held:  # a Ctrl-C before the try below would leave the file
        fd, tmp_name = temp_file(folder, f".{path.name}.", ".tmp")
        try:
            held.let_in()
            with os.fdopen(fd, "wb") as tmp:
                tmp.write(data)
                tmp.flush()
                os.fsync(tmp.fileno())
            os.chmod(tmp_name, safe_mode(old_mode))
            if before_replace is not None:
                before_replace()
            os.replace(tmp_name, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise
    sync_folder(folder)


def write_new(path: Path, data: bytes, mode: int) -> None:
    """A new file at `path` (none may be there; no link followed) holding
    `data`, fsynced, with `mode`: for a file in a folder no one else writes
    (export --all's staging folder), to be renamed into place."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    with os.fdopen(os.open(path, flags, 0o600), "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
        os.fchmod(file.fileno(), mode)


def sync_folder(folder: Path) -> None:
    """fsync a folder, so that the renames made in it survive a crash (best
    effort: some file systems refuse to sync a folder)."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _umask() -> int:
    """The process's umask. Read from /proc where there is one: setting it to
    read it back would, for an instant, leave other threads creating files
    with no umask at all."""
    # Read as bytes: a text reader would load the ASCII codec (0.3 ms) to read it.
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", "rb") as status:
        for line in status:
            if line.startswith(b"Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
