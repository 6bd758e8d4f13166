"""Helpers shared by the arXiv tests (a uniquely named module)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ssl_bib.arxiv.client import ArxivClient, default_policy
from ssl_bib.arxiv.pacing import Pacer
from ssl_bib.crossref.cache import ResponseCache


class FakeClock:
    """Time that moves only when someone sleeps: the conduct's clock (`now`,
    `wall`, `sleep`) and the pacer's (`time`) at once."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.t = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.t

    now = wall = time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += max(0.0, seconds)


def make_client(url: str, clock: FakeClock, cache: Path | None = None,
                **kwargs: Any) -> ArxivClient:
    """A client on the fake clock with the real 3 s interval and backoff:
    no test sleeps, and every wait is recorded."""
    pacer = kwargs.pop("pacer", None) or Pacer(clock=clock.time, sleep=clock.sleep)
    return ArxivClient(url, cache=ResponseCache(cache) if cache else None, pacer=pacer,
                       clock=clock, rand=lambda: 0.5,
                       policy=kwargs.pop("policy", None) or default_policy(read_timeout=2.0),
                       **kwargs)
