"""What the Zotero tests share besides their fixtures (tests/zotero/conftest.py):
the group, the keys, a fake clock, one connection pool, a way to run a sync
in-process as the command line does, and edits of a catalog file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx2

from ssl_bib.store import load
from ssl_bib.zotero.client import ZoteroClient
from ssl_bib.zotero.report import Report
from ssl_bib.zotero.state import state_path
from ssl_bib.zotero.sync import SyncEngine
from tests.zotero.zotero_fake_server import FakeZotero

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "entries.toml"
# The uncurated catalog generated from the seed (entries.toml before curation).
SEED = REPO / "tests" / "fixtures" / "seed-catalog.toml"
GROUP = 5150
KEY = "sslBibTestKey0123456789ab"  # a known key, searched for in every output
READ_ONLY_KEY = "sslBibReadOnlyKey987654321"
OTHER_KEY = "sslBibOtherGroupKey55555"


@dataclass
class FakeClock:
    """Time that only moves when someone sleeps: retries cost no wall time."""

    t: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def now(self) -> float:
        return self.t

    def wall(self) -> float:
        return 1_700_000_000.0 + self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


class SharedTransport(httpx2.BaseTransport):
    """One connection pool for all of a test's clients: building an httpx
    client (its TLS context) costs more than a whole sync against localhost."""

    def __init__(self) -> None:
        self.inner = httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        return self.inner.handle_request(request)

    def close(self) -> None:  # clients come and go; the pool outlives them
        pass

    def drop_connections(self) -> None:
        """Close the pooled connections (the pool stays usable): each test's
        server stops at its end, and a socket left open to it would leak."""
        self.inner.close()


SHARED_TRANSPORT = SharedTransport()


class Syncer:
    """Runs the engine against the fake server, as the CLI does."""

    def __init__(self, server: FakeZotero) -> None:
        self.server = server
        self.clock = FakeClock()

    def run(self, path: Path, mode: str = "sync", key: str = KEY, prefer: str | None = None,
            dry_run: bool = False, max_attempts: int = 6) -> Report:
        loaded = load(path)
        client = ZoteroClient(GROUP, key, self.server.url, clock=self.clock,
                              max_attempts=max_attempts, transport=SHARED_TRANSPORT)
        try:
            engine = SyncEngine(loaded, client, state_path(path, GROUP), mode,  # type: ignore[arg-type]
                                dry_run=dry_run, prefer=prefer)  # type: ignore[arg-type]
            return engine.run()
        finally:
            client.close()


def edit_local(path: Path, key: str, **changes: object) -> None:
    """Edit one entry of a catalog file as a maintainer would."""
    from ssl_bib.store import save

    loaded = load(path)
    entry = loaded.catalog.find(key)
    assert entry is not None, key
    for name, value in changes.items():
        setattr(entry, name, value)
    save(loaded)


def remove_local(path: Path, key: str) -> None:
    from ssl_bib.store import save

    loaded = load(path)
    loaded.catalog.entries = [e for e in loaded.catalog.entries if e.key != key]
    save(loaded)


def item_of(server: FakeZotero, citation_key: str) -> dict[str, object]:
    """The remote item (trashed ones included) with this citation key."""
    matches = [i for i in server.libraries[GROUP].items.values()
               if i.get("citationKey") == citation_key]
    assert len(matches) == 1, (citation_key, len(matches))
    return matches[0]
