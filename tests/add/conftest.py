"""Fixtures for `ssl-bib add`: the local Crossref and arXiv servers, a copy of
the shipped catalog, a private cache folder, and a runner."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
for folder in (HERE, HERE.parent, HERE.parent / "crossref", HERE.parent / "arxiv"):
    sys.path.insert(0, str(folder))

from add_corpus import corpus  # noqa: E402
from add_helpers import SHIPPED, AddRun, Servers  # noqa: E402
from arxiv_corpus import PAPERS  # noqa: E402
from arxiv_server import ArxivServer  # noqa: E402
from crossref_server import CrossrefServer  # noqa: E402


@pytest.fixture
def servers() -> Iterator[Servers]:
    with CrossrefServer(corpus()) as crossref, ArxivServer(PAPERS) as arxiv:
        yield Servers(crossref, arxiv)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """A copy of the shipped catalog: the real one is never touched."""
    path = tmp_path / "entries.toml"
    shutil.copyfile(SHIPPED, path)
    return path


@pytest.fixture
def add(servers: Servers, catalog: Path, tmp_path: Path) -> AddRun:
    return AddRun(servers, catalog, tmp_path / "cache")
