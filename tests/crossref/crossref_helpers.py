"""Helpers shared by the Crossref tests (a uniquely named module, because
`conftest` may name another folder's conftest when the whole suite runs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from ssl_bib.cli import cli

REPO = Path(__file__).resolve().parents[2]
# The uncurated catalog generated from the seed: the test corpus and the expected
# fields were written for it (the shipped entries.toml is curated since).
SEED = REPO / "tests" / "fixtures" / "seed-catalog.toml"

RunEnrich = Callable[..., Result]


def invoke_enrich(url: str, catalog: Path, cache_dir: Path, *args: str,
                  env: dict[str, str] | None = None) -> Result:
    """`ssl-bib --catalog CATALOG enrich ARGS` against the server at `url`, with
    backoff scaled down (10 ms first step) so fault tests stay fast."""
    full_env = {"SSL_BIB_CROSSREF_URL": url, "SSL_BIB_CROSSREF_BACKOFF": "0.01",
                "SSL_BIB_CROSSREF_TIMEOUT": "2", "CROSSREF_MAILTO": "lab@example.org",
                "SSL_BIB_CACHE_DIR": str(cache_dir), **(env or {})}
    return CliRunner().invoke(cli, ["--catalog", str(catalog), "enrich", *args], env=full_env)
