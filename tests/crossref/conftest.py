"""Fixtures for the Crossref tests: the local server, a copy of the bundled
catalog, a private cache folder, and a runner for `ssl-bib enrich`."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent))  # local_server

from crossref_corpus import corpus  # noqa: E402
from crossref_helpers import BUNDLED, RunEnrich, invoke_enrich  # noqa: E402
from crossref_server import CrossrefServer  # noqa: E402


@pytest.fixture
def server() -> Iterator[CrossrefServer]:
    with CrossrefServer(corpus()) as running:
        yield running


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """A copy of the bundled catalog: the real one is never touched."""
    path = tmp_path / "entries.toml"
    shutil.copyfile(BUNDLED, path)
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
