"""Progress for long operations (enrich, sync, export): a live line on a terminal,
nothing at all when stderr is piped or redirected."""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TextIO

# Work shorter than this shows no bar (export, import); env SSL_BIB_PROGRESS_DELAY
# changes it (the tests show the bar on a small catalog with 0).
DELAY_ENV = "SSL_BIB_PROGRESS_DELAY"


def quiet_delay(default: float = 1.0) -> float:
    """Seconds a long operation runs before its bar appears."""
    try:
        value = float(os.environ.get(DELAY_ENV, "") or default)
    except ValueError:
        return default
    return value if value >= 0 else default


class Progress:
    """`with Progress(total, "enrich") as p: ... p.advance(note)`.

    Redraws at most ten times a second so that a fast loop is not slowed down
    by terminal writes; with `delay`, draws nothing before that many seconds."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None,
                 enabled: bool | None = None, delay: float = 0.0) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", lambda: False)
        self.enabled = bool(isatty()) if enabled is None else enabled
        self._last_draw = 0.0
        # Work that ends within `delay` seconds shows no bar at all: a bar
        # that flashes for a moment is noise.
        self._quiet_until = time.monotonic() + delay
        self._drawn = False

    def advance(self, note: str = "", step: int = 1) -> None:
        self.done += step
        now = time.monotonic()
        if now < self._quiet_until:
            return
        if self.enabled and (now - self._last_draw >= 0.1 or self.done >= self.total):
            self._last_draw = now
            width = 30
            filled = int(width * self.done / self.total) if self.total else width
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {note[:40]:<40}")
            self._drawn = True
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()
