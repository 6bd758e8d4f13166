"""Fixtures for the Crossref tests: the local server, a copy of the seed
catalog, a private cache folder, and a runner for `ssl-bib enrich`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from tests.crossref.crossref_corpus import corpus
from tests.crossref.crossref_helpers import SEED, RunEnrich, invoke_enrich
from tests.crossref.crossref_server import CrossrefServer


@pytest.fixture
def server() -> Iterator[CrossrefServer]:
    with CrossrefServer(corpus()) as running:
        yield running


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """A copy of the uncurated seed catalog, which the Crossref corpus and the
    expected fields were written for (the root conftest's `catalog`, the
    bundled one, is curated since)."""
    path = tmp_path / "entries.toml"
    shutil.copyfile(SEED, path)
    return path


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SSL_BIB_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def run_enrich(server: CrossrefServer, catalog: Path, cache_dir: Path) -> RunEnrich:
    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return invoke_enrich(server.url, catalog, cache_dir, *args, env=env)
    return invoke
