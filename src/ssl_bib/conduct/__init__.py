"""How ssl-bib talks to a web service: one place for the manners and the limits.

Crossref, Zotero and arXiv each have their own adapter; none of them sends a
request itself. They hand it to a `Conduct`, which owns what every service
needs and what is easy to get subtly wrong once per copy:

- backoff with jitter on 429, 5xx, timeouts and dropped connections, never
  sooner than the server's Retry-After (seconds or an HTTP date) or Backoff
  says, and a not-before time shared by every thread of a client;
- a server that asks for a longer wait than `Policy.max_wait` stops the run
  with a line saying when to try again, instead of a silent hang;
- bounds on every wait: a per-read timeout, a total deadline per exchange
  (a server trickling bytes forever is cut off), a retry budget per request;
- a size cap, enforced while streaming: a 1 GB answer is never read whole;
- a circuit breaker: a service never reached, or failing request after
  request, stops the run instead of being hammered;
- requests only to the configured origin (the API key never travels
  elsewhere), no redirects, and secrets scrubbed from every message;
- a clock and a random source that tests replace, and a transport (httpx2's
  MockTransport in unit tests);
- a service's own rules plug in, not copied around: a `pace` held around
  every exchange, retries included (arXiv's one request every 3 s), and a
  `not_now` reading of answers that mean "retry" whatever their status
  (arXiv's plain-text "Rate exceeded." with a 200).

Modules: `policy` (the numbers, the clock, Retry-After), `errors`, `answer`
(a fully read response), `deadline` (the transport that enforces deadlines),
`session` (the `Conduct` itself). Importing this package loads none of them:
each name loads its module when first used, and httpx2 is imported only when
a Conduct is built, so a command that sends no request pays for neither.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .answer import Answer
    from .errors import (
        BadAnswer,
        BadRequest,
        GaveUp,
        RequestFailed,
        ServiceError,
        Stopped,
        TooLarge,
        Unreachable,
        WaitTooLong,
    )
    from .policy import MB, Clock, Policy, RealClock, jitter, parse_retry_after
    from .session import Conduct

# Each public name and the module that defines it. They load when first asked
# for (PEP 562): a run answered from the Crossref cache needs the errors and
# the policy, never the session, the deadline transport or the answer reader.
_HOMES = {
    "Answer": "answer", "Conduct": "session",
    "MB": "policy", "Clock": "policy", "Policy": "policy", "RealClock": "policy",
    "jitter": "policy", "parse_retry_after": "policy",
    **dict.fromkeys(("BadAnswer", "BadRequest", "GaveUp", "RequestFailed", "ServiceError",
                     "Stopped", "TooLarge", "Unreachable", "WaitTooLong"), "errors"),
}

__all__ = [
    "MB", "Answer", "BadAnswer", "BadRequest", "Clock", "Conduct", "GaveUp", "Policy", "RealClock",
    "RequestFailed", "ServiceError", "Stopped", "TooLarge", "Unreachable", "WaitTooLong",
    "jitter", "parse_retry_after",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value
