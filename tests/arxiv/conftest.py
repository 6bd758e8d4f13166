"""Fixtures for the arXiv adapter tests: the local arXiv server and a fake clock."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))  # local_server

from arxiv_corpus import PAPERS  # noqa: E402
from arxiv_helpers import FakeClock  # noqa: E402
from arxiv_server import ArxivServer  # noqa: E402


@pytest.fixture
def server() -> Iterator[ArxivServer]:
    with ArxivServer(PAPERS) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
