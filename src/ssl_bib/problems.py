"""Problems found in input: graded, located, printed one line each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .errors import SslBibError
from .records import FrozenDataMethods, set_field

Severity = Literal["error", "warning"]


@dataclass(frozen=True, init=False, repr=False, eq=False)
class Problem(FrozenDataMethods):
    """One thing wrong with an input, at a file and line."""

    file: str
    line: int
    severity: Severity
    message: str
    key: str | None = None
    venue: str | None = None

    def __init__(self, file: str, line: int, severity: Severity, message: str,
                 key: str | None = None, venue: str | None = None) -> None:
        set_field(self, "file", file)
        set_field(self, "line", line)
        set_field(self, "severity", severity)
        set_field(self, "message", message)
        set_field(self, "key", key)
        set_field(self, "venue", venue)

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

    def as_error(self, more: str = "") -> InputError:
        """This problem as an error to raise, `more` appended to its message:
        it prints as `format()` does."""
        subject = f"entry {self.key}: " if self.key else f"venue {self.venue}: " if self.venue \
            else ""
        return InputError(self.file, self.line, f"{subject}{self.severity}: {self.message}{more}")

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "severity": self.severity,
                "key": self.key, "venue": self.venue, "message": self.message}


class InputError(SslBibError):
    """Input that cannot be used at all. Carries a one-line, located message."""

    exit_code = 2

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        super().__init__(self.format())

    def format(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"
