"""Pause Python's cycle collector around bulk work.

Parsing, checking, matching and exporting a catalog make millions of small
objects and no reference cycles. Each full collector pass walks every live
object, so with a big catalog in memory the passes cost more the bigger it
gets (measured: 15-30% of loading or exporting 10,000-100,000 entries)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def loading_for_good() -> Iterator[None]:
    """The collector paused while a program loads its code (modules, classes,
    functions: nothing of it is ever garbage), and what is loaded then frozen
    (gc.freeze) so that no later pass walks it again. Only for the command
    line's own process: freezing a library user's objects is not ours to do."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
