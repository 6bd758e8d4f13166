"""One writer of a catalog at a time: an advisory lock file beside it.

The lock is a kernel lock (flock) on `.NAME.lock` in the catalog's folder, so
a writer that is killed never leaves a stale lock behind: the kernel drops it
with the process. The file also holds a line describing the holder (pid, host,
command, since when) for the message a waiting writer prints. The holder
removes the file when it is done, and a writer that locked a file someone just
removed tries again, so the lock never lingers as a stray file in the folder.

Locks are re-entrant within a process (a command holds the lock from load to
its last save; save() takes it again), and a lock of a folder where no lock
file can be made (read-only) is no lock: writing there fails anyway.
"""

from __future__ import annotations

# datetime at the top, not in describe_self: that runs once the lock file
# exists, and a Ctrl-C in an import there left the file behind (file_lock
# itself loads only for commands that write). The host name is os.uname()'s,
# the name socket.gethostname() gives on POSIX (glibc reads it from uname; flock
# makes this module POSIX-only anyway): the socket module took 3 ms of every write.
import contextlib
import datetime as dt
import errno
import fcntl
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from .ctrl_c import HeldBack
from .errors import SslBibError
from .lock_timeout import TIMEOUT_ENV, timeout_from_env

_POLL = 0.05

_held: dict[Path, int] = {}        # lock file -> how many times this process holds it
_held_guard = threading.Lock()


class LockTimeout(SslBibError):
    """Another writer held the lock for longer than we wait. One line."""


def lock_path(target: Path) -> Path:
    """The lock file of a file: beside the file a link points to, so two links
    to one catalog share one lock."""
    real = Path(os.path.realpath(target))
    return real.with_name(f".{real.name}.lock")


def describe_self(command: str) -> str:
    since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    return f"pid {os.getpid()} on {os.uname().nodename} ({command}) since {since}"


@contextlib.contextmanager
def locked(target: Path, command: str | None = None,
           timeout: float | None = None) -> Iterator[None]:
    """Hold the lock of `target` (a catalog path) for the block; wait up to
    `timeout` seconds (default: SSL_BIB_LOCK_TIMEOUT or 30) for another
    holder, then raise LockTimeout naming it."""
    path = lock_path(target)
    with _held_guard:
        if path in _held:
            _held[path] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_guard:
                _held[path] -= 1
        return
    if timeout is None:
        timeout = timeout_from_env()
    # _acquire returns with Ctrl-C held back (ctrl_c.HeldBack): it is let in
    # only here, inside the block whose end removes the lock file again.
    fd, deferred = _acquire(path, command or _command_line(), timeout)
    try:
        with _held_guard:
            _held[path] = 1
        deferred.let_in()
        yield
    finally:
        deferred.let_in()
        with _held_guard:
            _held.pop(path, None)
        if fd is not None:
            _release(path, fd)


def _command_line() -> str:
    args = [Path(sys.argv[0]).name, *sys.argv[1:3]] if sys.argv else ["python"]
    return " ".join(a for a in args if a)


def _acquire(path: Path, command: str, timeout: float) -> tuple[int | None, HeldBack]:
    """The lock file's descriptor, locked and holding this process's line
    (None: no lock file can be made there), and Ctrl-C still held back."""
    deadline = time.monotonic() + timeout
    while True:
        deferred = HeldBack()
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM, errno.ENOENT, errno.ENOTDIR):
                return None, deferred   # no folder, or one we cannot write: the write says so
            deferred.let_in()
            raise
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            deferred.let_in()   # another holder: a Ctrl-C while we wait ends the wait
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            if time.monotonic() >= deadline:
                raise LockTimeout(_busy_message(path, timeout)) from None
            time.sleep(_POLL)
            continue
        # The holder before us may have removed the file between our open
        # and our flock: then we locked a file nobody else will look at.
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            deferred.let_in()
            continue
        try:
            os.ftruncate(fd, 0)
            os.write(fd, (describe_self(command) + "\n").encode("utf-8", "replace"))
        except BaseException:  # a write that failed: no lock file left
            _release(path, fd)
            deferred.let_in()
            raise
        return fd, deferred


def _release(path: Path, fd: int) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)              # while still locked: the next writer re-opens
    os.close(fd)


def _busy_message(path: Path, timeout: float) -> str:
    try:
        holder = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        holder = ""
    holder = " ".join(holder.split())[:300] or "another process"
    waited = f"after waiting {timeout:g} s" if timeout else "and not waiting"
    return (f"{path.name[1:-5]} is being written by {holder}; gave up {waited} "
            f"(set {TIMEOUT_ENV} to wait longer)")
