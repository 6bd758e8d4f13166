"""The local Zotero as a person runs it (`ssl-bib zotero serve-local --dir
DIR`): one group kept in a folder that outlives the server, its item files
edited by hand as another Zotero user would, and what pyzotero makes of it."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ssl_bib.store import load
from ssl_bib.zotero.client import ZoteroClient
from ssl_bib.zotero.localserver import FolderError, FolderStore, HttpServer
from ssl_bib.zotero.report import Report
from ssl_bib.zotero.state import state_path
from ssl_bib.zotero.sync import SyncEngine
from tests.zotero.zotero_helpers import SHARED_TRANSPORT, FakeClock


class Local:
    """A folder-backed local Zotero, served in this process, restartable."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.said: list[str] = []
        self.http: HttpServer | None = None
        self.store: FolderStore | None = None
        self.key = ""

    def start(self) -> Local:
        self.store, self.key = FolderStore.open(self.folder, None, self.said.append)
        self.http = HttpServer(self.store.api)
        self.http.start()
        return self

    def stop(self) -> None:
        if self.http is not None:
            self.http.stop()
            SHARED_TRANSPORT.drop_connections()

    @property
    def url(self) -> str:
        assert self.http is not None
        return self.http.url

    def sync(self, catalog: Path, mode: str = "sync") -> Report:
        client = ZoteroClient(1, self.key, self.url, clock=FakeClock(), transport=SHARED_TRANSPORT)
        try:
            return SyncEngine(load(catalog), client, state_path(catalog, 1), mode).run()  # type: ignore[arg-type]
        finally:
            client.close()

    def item_file(self, catalog: Path, key: str) -> Path:
        entry = load(catalog).catalog.find(key)
        assert entry is not None and entry.zotero_key
        return self.folder / "items" / f"{entry.zotero_key}.json"


@pytest.fixture
def local(tmp_path: Path) -> Iterator[Local]:
    server = Local(tmp_path / "zotero-local").start()
    yield server
    server.stop()


def test_a_new_folder_gets_a_group_and_a_private_key(local: Local) -> None:
    key_file = local.folder / "api-key"
    assert key_file.read_text().strip() == local.key and len(local.key) == 24
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    doc = json.loads((local.folder / "library.json").read_text())
    assert doc["group"] == 1 and doc["version"] == 0
    assert local.key not in (local.folder / "library.json").read_text()


def test_push_keeps_the_group_in_the_folder_across_restarts(local: Local,
                                                            catalog: Path) -> None:
    report = local.sync(catalog, "push")
    assert len(report.zotero["new"]) == 62 and not report.failures
    files = list((local.folder / "items").glob("*.json"))
    assert len(files) == 63  # 62 entries and the catalog note
    version = json.loads((local.folder / "library.json").read_text())["version"]
    local.stop()
    local.start()
    assert local.store is not None and local.store.library.version == version
    assert local.sync(catalog).lines() == []  # nothing changed on either side


def test_an_item_file_edited_by_hand_is_an_edit_in_zotero(local: Local, catalog: Path) -> None:
    local.sync(catalog, "push")
    path = local.item_file(catalog, "zhouModelsGenesisGeneric2019")
    data = json.loads(path.read_text())
    data["volume"] = "11767"
    path.write_text(json.dumps(data, indent=2))
    report = local.sync(catalog)
    assert report.catalog["changed"] == ["zhouModelsGenesisGeneric2019"]
    entry = load(catalog).catalog.find("zhouModelsGenesisGeneric2019")
    assert entry is not None and entry.volume == "11767"
    assert any("taken in as an edit made in Zotero" in line for line in local.said)
    assert json.loads(path.read_text())["version"] > data["version"]  # written back, new version


def test_a_broken_file_is_said_and_left_out_until_fixed(local: Local, catalog: Path) -> None:
    local.sync(catalog, "push")
    path = local.item_file(catalog, "zhouModelsGenesisGeneric2019")
    good = path.read_text()
    path.write_text(good.replace('"volume": ""', '"volume": "12", oops'))
    assert local.sync(catalog).lines() == []
    assert any(str(path) in line and "not valid JSON" in line for line in local.said)
    path.write_text(good.replace('"itemType": "conferencePaper"', '"itemType": "blogPost"'))
    assert local.sync(catalog).lines() == []
    assert any("'blogPost' is not a valid itemType" in line for line in local.said)
    path.write_text(good.replace('"volume": ""', '"volume": "12"'))
    assert local.sync(catalog).catalog["changed"] == ["zhouModelsGenesisGeneric2019"]


def test_a_file_added_or_removed_by_hand(local: Local, catalog: Path) -> None:
    local.sync(catalog, "push")
    path = local.item_file(catalog, "zhouModelsGenesisGeneric2019")
    path.unlink()
    (local.folder / "items" / "NEW23456.json").write_text(json.dumps({
        "itemType": "preprint", "title": "Added by Hand", "date": "2024-05",
        "repository": "arXiv", "archiveID": "arXiv:2405.00001",
        "creators": [{"creatorType": "author", "firstName": "Ada", "lastName": "Byron"}]}))
    report = local.sync(catalog)
    assert report.catalog["deleted"] == ["zhouModelsGenesisGeneric2019"]
    assert report.catalog["new"] == ["byronAddedHand2024"]
    assert any("deleted from the group for good" in line for line in local.said)


def test_a_folder_of_another_group_is_refused(local: Local) -> None:
    with pytest.raises(FolderError, match="holds group 1, not 2"):
        FolderStore.open(local.folder, 2, local.said.append)
    (local.folder / "library.json").write_text("{oops")
    with pytest.raises(FolderError, match="not a local group's library file"):
        FolderStore.open(local.folder, None, local.said.append)


def test_pyzotero_against_the_folder_server(local: Local) -> None:
    from pyzotero import zotero

    zot = zotero.Zotero(1, "group", local.key)
    zot.endpoint = local.url
    template = zot.item_template("journalArticle")
    template.update({"title": "Hello", "date": "2020", "publicationTitle": "Journal"})
    created = zot.create_items([template])
    assert len(created["successful"]) == 1
    key = created["successful"]["0"]["key"]
    saved = json.loads((local.folder / "items" / f"{key}.json").read_text())
    assert saved["title"] == "Hello"
    assert zot.item(key)["data"]["publicationTitle"] == "Journal"


# -- the command ------------------------------------------------------------------------

def _serve(folder: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ssl_bib", "zotero", "serve-local", "--dir", str(folder), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow  # a real process and a real signal
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_serve_local_prints_where_and_stops_on_ctrl_c(tmp_path: Path, stop: int) -> None:
    proc = _serve(tmp_path / "z", "--port", "0")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        url = line.split()[3].rstrip(":")
        assert line.startswith(f"Local Zotero at {url}: group 1, its API key in ")
        assert url.startswith("http://127.0.0.1:")
        key = (tmp_path / "z" / "api-key").read_text().strip()
        assert key not in line
        with ZoteroClient(1, key, url) as client:
            assert client.key_access() == {"library": True, "write": True}
        proc.send_signal(stop)
        assert proc.wait(timeout=10) == 0
        assert proc.stderr is not None and "stopped" in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()


def test_serve_local_on_a_taken_port_is_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(tmp_path / "z", "--port", str(port))
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and out == ""
    assert err.strip().splitlines() == [err.strip()] and f"127.0.0.1:{port}" in err
    assert "Traceback" not in err


def test_serve_local_of_a_folder_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("x")
    proc = _serve(target)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "Traceback" not in err and "is a file" in err


def test_serve_local_answers_soon_after_start(tmp_path: Path) -> None:
    started = time.monotonic()
    proc = _serve(tmp_path / "z", "--port", "0")
    try:
        assert proc.stdout is not None and proc.stdout.readline()
        assert time.monotonic() - started < 10
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert os.path.isdir(tmp_path / "z" / "items")


def test_a_lab_group_with_children_and_collections_survives_a_restart(local: Local) -> None:
    from tests.zotero.lab_group import fill

    assert local.store is not None
    keys = fill(local.store.api, 1)  # type: ignore[arg-type]
    with ZoteroClient(1, local.key, local.url, transport=SHARED_TRANSPORT) as client:
        client.key_access()  # any answer: the folder is written
        before = client.item_versions(0)
    local.stop()
    local.start()
    assert local.store is not None and not local.said
    lib = local.store.library
    assert len(lib.items) == len(keys) + 4 and len(lib.collections) == 6
    with ZoteroClient(1, local.key, local.url, transport=SHARED_TRANSPORT) as client:
        assert client.item_versions(0) == before


def test_a_client_hanging_up_mid_answer_is_not_a_traceback(capfd: pytest.CaptureFixture[str]
                                                            ) -> None:
    # A client that gives up on an answer (a deadline, a next page it refuses)
    # is normal; in process, the server thread's traceback would land in the
    # very output the tests read. Other server errors are still shown.
    from ssl_bib.zotero.localserver.api import LocalZotero

    server = HttpServer(LocalZotero())
    try:
        for hang_up in (BrokenPipeError(), ConnectionResetError()):
            try:
                raise hang_up
            except ConnectionError:
                server.httpd.handle_error(None, ("127.0.0.1", 1))
        assert capfd.readouterr().err == ""
        try:
            raise ValueError("a bug in the server")
        except ValueError:
            server.httpd.handle_error(None, ("127.0.0.1", 1))
        assert "a bug in the server" in capfd.readouterr().err
    finally:
        server.close()


@pytest.mark.parametrize(("method", "path", "body", "answer"), [
    ("POST", "/items", b"not json", "Invalid JSON: Expecting value: line 1 column 1 (char 0)"),
    ("POST", "/items", b"\xff[]", "Invalid JSON: 'utf-8' codec can't decode byte 0xff"),
    ("POST", "/items", b'{"title": "x"}', "Uploaded data must be a JSON array"),
    ("POST", "/items", b"", "Uploaded data must be a JSON array"),
    ("PUT", "/items/ABCD2345", b"[]", "Uploaded data must be a JSON object"),
    ("PATCH", "/items/ABCD2345", b"{oops", "Invalid JSON: Expecting property name"),
])
def test_an_upload_that_is_not_the_json_zotero_wants_is_a_400(
        method: str, path: str, body: bytes, answer: str) -> None:
    """As api.zotero.org answers: the reason in plain text, nothing written."""
    from ssl_bib.zotero.localserver.api import LocalZotero

    zotero = LocalZotero()
    zotero.add_group(7)
    zotero.add_key("k" * 24, {7: "rw"})
    zotero.add_item(7, {"key": "ABCD2345", "itemType": "journalArticle", "title": "A",
                        "date": "2020"})
    version = zotero.libraries[7].version
    reply = zotero.handle(method, f"/groups/7{path}",
                          {"zotero-api-key": "k" * 24,
                           "if-unmodified-since-version": str(version)}, body)
    assert reply.status == 400
    assert reply.body.decode().startswith(answer), reply.body
    assert zotero.libraries[7].version == version
