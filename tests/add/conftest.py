"""Fixtures for `ssl-bib add`: the local Crossref and arXiv servers, a copy of
the shipped catalog, a private cache folder, and a runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.add.add_corpus import corpus
from tests.add.add_helpers import AddRun, Servers
from tests.arxiv.arxiv_corpus import PAPERS
from tests.arxiv.arxiv_server import ArxivServer
from tests.crossref.crossref_server import CrossrefServer


@pytest.fixture
def servers() -> Iterator[Servers]:
    with CrossrefServer(corpus()) as crossref, ArxivServer(PAPERS) as arxiv:
        yield Servers(crossref, arxiv)


@pytest.fixture
def add(servers: Servers, catalog: Path, tmp_path: Path) -> AddRun:
    return AddRun(servers, catalog, tmp_path / "cache")
