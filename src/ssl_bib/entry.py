"""The `ssl-bib` program: the command line (cli.main), loaded with the cycle
collector paused. Loading click and the command line made 30-40 objects-
walking passes of the collector (3-4 ms of a 40 ms budget) over objects that
live as long as the process; they are frozen instead (gcpause.loading_for_good).
"""

from __future__ import annotations

from typing import Any

from .gcpause import loading_for_good


def main() -> Any:
    with loading_for_good():
        from .cli import main as command_line

    return command_line()
