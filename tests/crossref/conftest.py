"""Fixtures for the Crossref tests: the local server, a copy of the bundled
catalog, a private cache folder, and a runner for `ssl-bib enrich`."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).parent))

from crossref_corpus import corpus  # noqa: E402
from crossref_server import CrossrefServer  # noqa: E402

from ssl_bib.cli import cli  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "entries.toml"

RunEnrich = Callable[..., Result]


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


def invoke_enrich(url: str, catalog: Path, cache_dir: Path, *args: str,
                  env: dict[str, str] | None = None) -> Result:
    """`ssl-bib --catalog CATALOG enrich ARGS` against the server at `url`, with
    backoff scaled down (10 ms first step) so fault tests stay fast."""
    full_env = {"SSL_BIB_CROSSREF_URL": url, "SSL_BIB_CROSSREF_BACKOFF": "0.01",
                "SSL_BIB_CROSSREF_TIMEOUT": "2", "CROSSREF_MAILTO": "lab@example.org",
                "SSL_BIB_CACHE_DIR": str(cache_dir), **(env or {})}
    return CliRunner().invoke(cli, ["--catalog", str(catalog), "enrich", *args], env=full_env)


@pytest.fixture
def run_enrich(server: CrossrefServer, catalog: Path, cache_dir: Path) -> RunEnrich:
    def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
        return invoke_enrich(server.url, catalog, cache_dir, *args, env=env)
    return invoke
