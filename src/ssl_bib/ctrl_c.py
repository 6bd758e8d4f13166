"""Ctrl-C held back for the few microseconds between making a file or folder
and entering the try/finally that removes it again.

A KeyboardInterrupt raised in between (right after os.open or os.mkdir
returned, before the name is even kept) leaves the lock file, the temporary
file or the staging folder behind. `HeldBack()` blocks SIGINT for this
thread; a Ctrl-C that comes meanwhile stays pending in the kernel and is
raised by `let_in()`, which the caller calls first thing inside its
try/finally. As a context manager it lets Ctrl-C in at the end of the block
too, so a failure before that try (no name free, no permission) never leaves
SIGINT blocked. Only the main thread is held back: Python raises
KeyboardInterrupt there alone, and another thread blocking SIGINT would only
move the signal's delivery. Where signals cannot be masked, or SIGINT is
already blocked, nothing changes.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any


def _signals() -> Any:
    """The signal module's C half, `_signal`: `signal` itself only adds enums
    over it, and building them is 0.5 ms of every command that writes a
    file. `signal` where there is no such half."""
    try:
        return importlib.import_module("_signal")
    except ImportError:
        return importlib.import_module("signal")


_signal = _signals()


class HeldBack:
    def __init__(self) -> None:
        self.holding = False
        if threading.current_thread() is not threading.main_thread():
            return
        try:
            was = _signal.pthread_sigmask(_signal.SIG_BLOCK, {_signal.SIGINT})
        except (AttributeError, OSError, ValueError):  # no masks here
            return
        self.holding = _signal.SIGINT not in was

    def __enter__(self) -> HeldBack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.let_in()

    def let_in(self) -> None:
        """Let a held Ctrl-C in (raised here, as KeyboardInterrupt); idempotent."""
        if self.holding:
            self.holding = False
            _signal.pthread_sigmask(_signal.SIG_UNBLOCK, {_signal.SIGINT})
