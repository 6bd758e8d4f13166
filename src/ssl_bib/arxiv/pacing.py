"""arXiv's terms of use for its API: "make no more than one request every three
seconds, and limit requests to a single connection at a time", for all the
machines under one's control as a whole.

A Pacer gives out turns: one at a time, each starting at least `interval`
seconds after the previous one ended. The turn is kept across processes too
when the pacer has a state file (in the cache folder): `for id in ...; do
ssl-bib add $id; done` starts a new process per paper, and without it each
would ask at once. The file holds the time the last request ended and is
locked for the whole turn, so a second process waits for the first.

The clock and the sleep are injected: tests run the real 3 s default on a
fake clock, and no test sleeps.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

DEFAULT_INTERVAL = 3.0


class Pacer:
    def __init__(self, interval: float = DEFAULT_INTERVAL,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], object] = time.sleep,
                 state_file: Path | None = None) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self.state_file = state_file
        self._lock = threading.Lock()
        self._last_end: float | None = None
        self.waits: list[float] = []

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the only turn: waits until `interval` after the last request
        (this process's or, with a state file, any process's) ended."""
        with self._lock, self._file_lock() as handle:
            last = self._last_end
            shared = _read_time(handle)
            if shared is not None:
                last = shared if last is None else max(last, shared)
            if last is not None:
                # A time in the future (a clock set back) waits one interval, not more.
                wait = min(self.interval, last + self.interval - self.clock())
                if wait > 0:
                    self.waits.append(wait)
                    self.sleep(wait)
            try:
                yield
            finally:
                self._last_end = self.clock()
                _write_time(handle, self._last_end)

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[int | None]:
        """An open, exclusively locked state file, or None where there is
        none (no state file, a folder that cannot be written, no fcntl)."""
        handle: int | None = None
        if self.state_file is not None:
            try:
                import fcntl

                self.state_file.parent.mkdir(parents=True, exist_ok=True)
                handle = os.open(self.state_file, os.O_RDWR | os.O_CREAT, 0o644)
                fcntl.flock(handle, fcntl.LOCK_EX)
            except (OSError, ImportError):
                if handle is not None:
                    os.close(handle)
                handle = None
        try:
            yield handle
        finally:
            if handle is not None:
                os.close(handle)          # closing releases the lock


def _read_time(handle: int | None) -> float | None:
    if handle is None:
        return None
    try:
        os.lseek(handle, 0, os.SEEK_SET)
        return float(os.read(handle, 64).decode("ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _write_time(handle: int | None, value: float) -> None:
    if handle is None:
        return
    with contextlib.suppress(OSError):
        os.lseek(handle, 0, os.SEEK_SET)
        os.ftruncate(handle, 0)
        os.write(handle, f"{value:.6f}\n".encode("ascii"))
