"""What can go wrong talking to a service, each as a one-line message that is
safe to print (secrets already scrubbed) and names the service.

Two families, because callers must treat them differently:
- `RequestFailed`: this request failed for good; other requests may go on
  (an enrich run reports the entry and moves to the next);
- `Stopped`: the run must stop (the service cannot be reached, asked for a
  wait longer than allowed, or failed request after request); once raised,
  every later request of the same conduct fails at once with it.
"""

from __future__ import annotations

from ..errors import SslBibError


class ServiceError(SslBibError):
    """A failure talking to a service, with a one-line, printable message."""

    def __init__(self, message: str, service: str = "") -> None:
        super().__init__(message)
        self.service = service


class RequestFailed(ServiceError):
    """One request failed for good."""


class GaveUp(RequestFailed):
    """Retries did not help: `attempts` tries, the last failing with `last`."""

    def __init__(self, message: str, service: str, attempts: int, last: str) -> None:
        super().__init__(message, service)
        self.attempts, self.last = attempts, last


class TooLarge(RequestFailed):
    """The answer was larger than the policy's cap; it was not read whole."""


class BadAnswer(RequestFailed):
    """The answer was complete but unusable (malformed JSON, not UTF-8)."""


class BadRequest(RequestFailed):
    """The request could not be sent as asked: a malformed URL or path, or
    one that leads off the configured origin. No retry can fix it."""


class Stopped(ServiceError):
    """The run must stop; this conduct sends nothing more."""


class Unreachable(Stopped):
    """Nothing at the configured URL ever answered (refused, unknown host,
    TLS failure, no answer in time)."""


class WaitTooLong(Stopped):
    """The service asked for a longer wait than the policy allows; `until`
    is the Unix time it named (or implied)."""

    def __init__(self, message: str, service: str, until: float) -> None:
        super().__init__(message, service)
        self.until = until
