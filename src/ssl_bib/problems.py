"""Problems found in input: graded, located, printed one line each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at a file and line."""

    file: str
    line: int
    severity: Severity
    message: str
    key: str | None = None
    venue: str | None = None

    def format(self) -> str:
        """`entries.toml:12: entry KEY: warning: message` (one line, no traceback)."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        subject = ""
        if self.key:
            subject = f" entry {self.key}:"
        elif self.venue:
            subject = f" venue {self.venue}:"
        message = " ".join(self.message.split())  # one line, whatever the input held
        return f"{where}:{subject} {self.severity}: {message}"

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "severity": self.severity,
                "key": self.key, "venue": self.venue, "message": self.message}


class InputError(Exception):
    """Input that cannot be used at all. Carries a one-line, located message."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        super().__init__(self.format())

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"
