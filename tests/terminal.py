"""Run a command as a user's shell would on a terminal: stderr on a
pseudo-terminal, so that progress bars (drawn only on a terminal) show."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path


def run_on_terminal(argv: list[str], env: dict[str, str], cwd: Path | None = None,
                    timeout: float = 120) -> tuple[int, bytes]:
    """The exit status and every byte the command wrote to its stderr (a
    pseudo-terminal, its stdin too); stdout is discarded."""
    leader, follower = pty.openpty()
    child = subprocess.Popen(argv, stdin=follower, stdout=subprocess.DEVNULL,
                             stderr=follower, env=env, cwd=cwd)
    os.close(follower)
    shown = b""
    try:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:          # EIO: the child closed the terminal, all read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
    return child.wait(timeout=timeout), shown
