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

import signal
import threading


class HeldBack:
    def __init__(self) -> None:
        self.holding = False
        if threading.current_thread() is not threading.main_thread():
            return
        try:
            was = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        except (AttributeError, OSError, ValueError):  # no masks here
            return
        self.holding = signal.SIGINT not in was

    def __enter__(self) -> HeldBack:
        return self

    def __exit__(self, *exc: object) -> None:
        self.let_in()

    def let_in(self) -> None:
        """Let a held Ctrl-C in (raised here, as KeyboardInterrupt); idempotent."""
        if self.holding:
            self.holding = False
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
