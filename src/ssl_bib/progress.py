"""Progress for long operations (import, export, enrich, sync): a live line
on a terminal, nothing at all when stderr is piped or redirected; work that
ends within a moment (`delay`) shows nothing either.

Three context managers, each clearing its line when the block ends however
it ends: `Progress` (one count), `Stages` (a command made of several long
steps, one line at a time) and `Bars` (counts named by what they count, made
as a callback first reports them: sync's reading and writing). click's
progressbar is not used: it prints its label on a pipe, and it has no
percent view for work counted in characters."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
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
    by terminal writes. `percent` shows 42% instead of done/total (for totals
    counted in characters). With `delay`, nothing is drawn before that many
    seconds have passed: work that ends sooner shows no bar at all (a bar
    that flashes for a moment is noise)."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None,
                 enabled: bool | None = None, percent: bool = False,
                 delay: float = 0.0) -> None:
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        isatty = getattr(self.stream, "isatty", lambda: False)
        self.enabled = bool(isatty()) if enabled is None else enabled
        self.percent = percent
        self._last_draw = 0.0
        self._drawn = 0  # width of the line on screen, to clear it
        self._quiet_until = time.monotonic() + delay

    @property
    def on_step(self) -> Callable[[], None] | None:
        """What a loop calls once per step: `advance`, or None when nothing
        will ever be drawn (not a terminal), so that a writer's loop of
        40,000 steps pays no call at all."""
        return self.advance if self.enabled else None

    def advance(self, note: str = "", step: int = 1) -> None:
        self.done += step
        now = time.monotonic()
        if now < self._quiet_until:
            return
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

    def close(self) -> None:
        """Clear the line (once; later calls do nothing)."""
        if self.enabled and self._drawn:
            self.stream.write("\r" + " " * self._drawn + "\r")
            self.stream.flush()
        self._drawn = 0

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class Stages:
    """Progress of a command made of several long stages, one line at a time:
    `start("reading refs.bib", len(text), percent=True)` ends the previous
    stage's line and returns the callback the new stage reports to."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None,
                 delay: float = 0.0) -> None:
        self.stream, self.enabled = stream, enabled
        self._bar: Progress | None = None
        # The quiet time counts from the first stage: an import whose stages
        # all end within it shows nothing.
        self._quiet_until = time.monotonic() + delay

    def start(self, label: str, total: int, percent: bool = False) -> Callable[[int], None]:
        self.finish()
        self._bar = Progress(total, label, self.stream, self.enabled, percent,
                             delay=max(0.0, self._quiet_until - time.monotonic()))
        self._bar.update(0)
        return self._bar.update

    def finish(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.finish()


class Bars:
    """Counts named by what they count, each a bar made when a callback
    first reports it: `with Bars() as bars: engine(progress=bars.update)`,
    where `update("reading items", 40, 120)` says 40 of 120 are done."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream, self.enabled = stream, enabled
        self._bars: dict[str, Progress] = {}

    def update(self, label: str, done: int, total: int) -> None:
        bar = self._bars.get(label)
        if bar is None:
            bar = self._bars[label] = Progress(total, label, self.stream, self.enabled)
        bar.total = total
        bar.update(done)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()

    def __enter__(self) -> Bars:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
