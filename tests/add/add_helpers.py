"""Helpers shared by the `ssl-bib add` tests (a uniquely named module: a
bare `conftest` import could name another folder's)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from ssl_bib.cli import cli
from tests.arxiv.arxiv_server import ArxivServer
from tests.crossref.crossref_server import CrossrefServer

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / "entries.toml"


@dataclass
class Servers:
    crossref: CrossrefServer
    arxiv: ArxivServer


@dataclass
class AddRun:
    """`ssl-bib --catalog CATALOG add ARGS` against the local servers, with
    arXiv's 3 s interval and the backoffs scaled down so tests never sleep."""

    servers: Servers
    catalog: Path
    cache: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {"SSL_BIB_CROSSREF_URL": self.servers.crossref.url,
                "SSL_BIB_ARXIV_URL": self.servers.arxiv.url,
                "SSL_BIB_ARXIV_INTERVAL": "0", "SSL_BIB_ARXIV_BACKOFF": "0.01",
                "SSL_BIB_CROSSREF_BACKOFF": "0.01", "SSL_BIB_CROSSREF_TIMEOUT": "2",
                "SSL_BIB_ARXIV_TIMEOUT": "2", "CROSSREF_MAILTO": "lab@example.org",
                "SSL_BIB_CACHE_DIR": str(self.cache), **extra}

    def __call__(self, *args: str, env: dict[str, str] | None = None,
                 command: str = "add") -> Result:
        return CliRunner().invoke(cli, ["--catalog", str(self.catalog), command, *args],
                                  env=self.env(**(env or {})))
