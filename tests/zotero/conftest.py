"""Fixtures for the Zotero sync tests: a local Zotero server, copies of the
bundled and seed catalogs, and a way to run a sync in-process (what they
share besides fixtures is in zotero_helpers.py; `catalog` is the root
conftest's)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import (
    BUNDLED,
    GROUP,
    KEY,
    OTHER_KEY,
    READ_ONLY_KEY,
    SEED,
    SHARED_TRANSPORT,
    Syncer,
)


@pytest.fixture
def server() -> Iterator[FakeZotero]:
    fake = FakeZotero()
    fake.add_group(GROUP)
    fake.add_group(777)
    fake.add_key(KEY, {GROUP: "rw"})
    fake.add_key(READ_ONLY_KEY, {GROUP: "r"})
    fake.add_key(OTHER_KEY, {777: "rw"})
    fake.start()
    yield fake
    fake.stop()
    SHARED_TRANSPORT.drop_connections()  # kept-alive sockets to this server, now gone


@pytest.fixture
def seed_catalog(tmp_path: Path) -> Path:
    """A copy of the uncurated seed catalog, for tests written against its contents."""
    path = tmp_path / "entries.toml"
    shutil.copyfile(SEED, path)
    return path


@pytest.fixture
def empty_catalog(tmp_path: Path) -> Path:
    """A catalog with the bundled venues and categories but no entries."""
    folder = tmp_path / "other"
    folder.mkdir()
    text = BUNDLED.read_text(encoding="utf-8")
    head = text[: text.index("\n[[entries]]") + 1]
    path = folder / "entries.toml"
    path.write_text(head, encoding="utf-8")
    return path


@pytest.fixture
def syncer(server: FakeZotero) -> Syncer:
    return Syncer(server)
