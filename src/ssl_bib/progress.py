"""Progress for long operations (import, enrich, sync): a live line on a
terminal, nothing at all when stderr is piped or redirected."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO


class Progress:
    """`with Progress(total, "enrich") as p: ... p.advance(note)`.

    Redraws at most ten times a second so that a fast loop is not slowed down
    by terminal writes. `percent` shows 42% instead of done/total (for totals
    counted in characters)."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None,
                 enabled: bool | None = None, percent: bool = False) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", lambda: False)
        self.enabled = bool(isatty()) if enabled is None else enabled
        self.percent = percent
        self._last_draw = 0.0
        self._drawn = 0  # width of the line on screen, to clear it

    def advance(self, note: str = "", step: int = 1) -> None:
        self.done += step
        now = time.monotonic()
        if self.enabled and (now - self._last_draw >= 0.1 or self.done >= self.total):
            self._last_draw = now
            width = 30
            filled = min(width, int(width * self.done / self.total)) if self.total else width
            bar = "#" * filled + "-" * (width - filled)
            count = (f"{100 * self.done // self.total:3d}%" if self.percent and self.total
                     else f"{self.done}/{self.total}")
            line = f"{self.label} [{bar}] {count} {note[:40]:<40}"
            self._drawn = max(self._drawn, len(line))
            self.stream.write(f"\r{line}")
            self.stream.flush()

    def update(self, done: int, note: str = "") -> None:
        """Set how much is done (a callback for readers and the importer)."""
        self.advance(note, done - self.done)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.enabled and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()


class Stages:
    """Progress of a command made of several long stages, one line at a time:
    `start("reading refs.bib", len(text), percent=True)` ends the previous
    stage's line and returns the callback the new stage reports to."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream, self.enabled = stream, enabled
        self._bar: Progress | None = None

    def start(self, label: str, total: int, percent: bool = False) -> Callable[[int], None]:
        self.finish()
        self._bar = Progress(total, label, self.stream, self.enabled, percent)
        self._bar.update(0)
        return self._bar.update

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.finish()
