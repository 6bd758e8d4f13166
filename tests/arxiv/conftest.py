"""Fixtures for the arXiv adapter tests: the local arXiv server and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.arxiv.arxiv_corpus import PAPERS
from tests.arxiv.arxiv_helpers import FakeClock
from tests.arxiv.arxiv_server import ArxivServer


@pytest.fixture
def server() -> Iterator[ArxivServer]:
    with ArxivServer(PAPERS) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
