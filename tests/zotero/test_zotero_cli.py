"""`ssl-bib zotero ...` end to end, and the API key kept secret everywhere."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ssl_bib.cli import cli
from ssl_bib.store import load
from ssl_bib.zotero.state import state_path
from tests.terminal import run_on_terminal
from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import (
    BUNDLED,
    GROUP,
    KEY,
    OTHER_KEY,
    READ_ONLY_KEY,
    edit_local,
    item_of,
)


def _invoke(catalog: Path, server: FakeZotero, *args: str, key: str | None = KEY,
            extra_env: dict[str, str] | None = None) -> tuple[int, str, str]:
    env = {"SSL_BIB_ZOTERO_URL": server.url, "ZOTERO_API_KEY": key or "", **(extra_env or {})}
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "zotero", *args], env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    return result.exit_code, result.stdout, result.stderr


def test_sync_status_and_summary(server: FakeZotero, catalog: Path) -> None:
    code, out, err = _invoke(catalog, server, "sync", "--group", str(GROUP))
    assert code == 0, err
    assert "zotero changed: 62 new, 0 changed, 0 deleted" in err
    assert out.count("zotero: new: ") == 62
    key = load(catalog).catalog.entries[30].key
    edit_local(catalog, key, title="Here")
    server.edit_item(GROUP, str(item_of(server, key)["key"]), {"title": "There"})
    code, out, err = _invoke(catalog, server, "status", "--group", str(GROUP))
    assert code == 0
    assert f"conflict: entry {key}: title: catalog has 'Here', Zotero has 'There'" in out
    code, out, err = _invoke(catalog, server, "sync", "--group", str(GROUP))
    assert code == 1 and "1 conflicting field in 1 entry" in err
    code, out, err = _invoke(catalog, server, "sync", "--group", str(GROUP), "--prefer",
                             "remote")
    assert code == 0 and load(catalog).catalog.find(key).title == "There"  # type: ignore[union-attr]


def test_group_from_settings_and_dry_run(server: FakeZotero, catalog: Path) -> None:
    text = catalog.read_text()
    catalog.write_text(text.replace('[settings]\n', f'[settings]\nzotero_group = {GROUP}\n', 1))
    before = catalog.read_bytes()
    code, out, err = _invoke(catalog, server, "push", "--dry-run")
    assert code == 0 and "would change: 0 new" in err and "62 new" in err
    assert catalog.read_bytes() == before and not state_path(catalog, GROUP).exists()
    assert server.libraries[GROUP].items == {}
    code, _, err = _invoke(catalog, server, "push")
    assert code == 0 and len(server.papers(GROUP)) == 62


def test_usage_errors_exit_2(server: FakeZotero, catalog: Path, tmp_path: Path) -> None:
    code, _, err = _invoke(catalog, server, "sync")
    assert code == 2 and "no Zotero group" in err
    code, _, err = _invoke(catalog, server, "sync", "--group", str(GROUP), key=None)
    assert code == 2 and "ZOTERO_API_KEY" in err
    keyfile = tmp_path / "key.txt"
    keyfile.write_text(KEY + "\n")
    code, _, err = _invoke(catalog, server, "status", "--group", str(GROUP),
                           "--api-key-file", str(keyfile), key=None)
    assert code == 0, err
    broken = tmp_path / "broken.toml"
    broken.write_text("schema = 1\n[[entries]\n")
    code, _, err = _invoke(broken, server, "sync", "--group", str(GROUP))
    assert code == 2 and "broken.toml:2" in err and "Traceback" not in err


@pytest.mark.parametrize(("args", "message"), [
    # One check for every service's URL (service_settings.check_url).
    (["--zotero-url", "notaurl"], "'notaurl' is not an http(s) URL"),
    (["--zotero-url", "ftp://example.org"], "'ftp://example.org' is not an http(s) URL"),
    (["--zotero-url", "http://[::1"], "'http://[::1' is not an http(s) URL"),
    (["--zotero-url", "http://example.org:99999"], "is not an http(s) URL"),
    (["--zotero-url", "http://a..b"], "'http://a..b' is not an http(s) URL"),
    (["--group", "0"], "--group"),
    (["--group", "-5"], "--group"),
])
def test_bad_url_or_group_is_bad_usage_at_once(server: FakeZotero, catalog: Path,
                                               args: list[str], message: str) -> None:
    """Exit 2 before any request (a malformed URL is no network failure to
    retry for half a minute), never a traceback."""
    before = catalog.read_bytes()
    code, out, err = _invoke(catalog, server, "sync", "--group", str(GROUP), *args)
    assert code == 2 and message in err and "Traceback" not in err, err
    assert server.log == [] and catalog.read_bytes() == before


def test_client_does_not_retry_a_malformed_url() -> None:
    from ssl_bib.zotero.client import ZoteroClient, ZoteroError

    for url in ("notaurl", "http://a..b"):
        with ZoteroClient(GROUP, KEY, url) as client, pytest.raises(ZoteroError) as err:
            client.key_access()  # the real clock: a retry would sleep for seconds
        assert client.requests <= 1 and re.search("cannot (use|send|reach)", str(err.value))


@pytest.mark.parametrize(("key", "group", "message"), [
    ("sslBibUnknownKey000000000", GROUP, "does not know this API key"),
    (READ_ONLY_KEY, GROUP, "may only read Zotero group"),
    (OTHER_KEY, GROUP, "no access to Zotero group"),
    (KEY, 424242, "no access to Zotero group 424242"),
])
def test_bad_access_is_reported_before_any_change(server: FakeZotero, catalog: Path,
                                                  key: str, group: int, message: str) -> None:
    before = catalog.read_bytes()
    code, out, err = _invoke(catalog, server, "sync", "--group", str(group), key=key)
    assert code == 1 and message in err, err
    assert catalog.read_bytes() == before and not state_path(catalog, group).exists()
    assert all(r.method == "GET" for r in server.log)
    assert key not in out + err


def test_missing_group_is_reported(server: FakeZotero, catalog: Path) -> None:
    server.keys[KEY].access[999] = "rw"  # the key claims a group that does not exist
    code, _, err = _invoke(catalog, server, "sync", "--group", "999")
    assert code == 1 and "has no group 999" in err and "404" in err


def test_read_only_key_may_pull(server: FakeZotero, catalog: Path,
                                empty_catalog: Path) -> None:
    assert _invoke(catalog, server, "push", "--group", str(GROUP))[0] == 0
    code, _, err = _invoke(empty_catalog, server, "pull", "--group", str(GROUP),
                           key=READ_ONLY_KEY)
    assert code == 0, err
    assert len(load(empty_catalog).catalog.entries) == 62


def test_the_key_appears_nowhere(server: FakeZotero, catalog: Path, tmp_path: Path,
                                 caplog: pytest.LogCaptureFixture) -> None:
    """Every byte of stdout, stderr, the logs, the state file and entries.toml."""
    caplog.set_level(logging.DEBUG)
    outputs = []
    for args in (["push"], ["status"], ["sync"], ["pull"]):
        code, out, err = _invoke(catalog, server, *args, "--group", str(GROUP))
        assert code == 0, err
        outputs += [out, err]
    # A failing run too, in a real process: the key lost its write access.
    edit_local(catalog, load(catalog).catalog.entries[0].key, pages="1-2")
    server.keys[KEY].access[GROUP] = "r"
    env = {**os.environ, "SSL_BIB_ZOTERO_URL": server.url, "ZOTERO_API_KEY": KEY}
    proc = subprocess.run([sys.executable, "-m", "ssl_bib", "--catalog", str(catalog),
                           "zotero", "sync", "--group", str(GROUP)],
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 1 and b"may only read" in proc.stderr
    assert b"Traceback" not in proc.stderr
    blobs = [o.encode() for o in outputs] + [proc.stdout, proc.stderr, caplog.text.encode(),
                                             catalog.read_bytes(),
                                             state_path(catalog, GROUP).read_bytes()]
    blobs += [p.read_bytes() for p in catalog.parent.iterdir() if p.is_file()]
    assert len(caplog.records) > 0  # httpx logged its requests: they were searched too
    for blob in blobs:
        assert KEY.encode() not in blob
    # ... while the server did receive it, in the header.
    assert all(r.headers.get("zotero-api-key") == KEY for r in server.log)


def test_pull_starts_a_catalog_from_a_group(server: FakeZotero, catalog: Path,
                                            tmp_path: Path) -> None:
    assert _invoke(catalog, server, "push", "--group", str(GROUP))[0] == 0
    fresh = tmp_path / "new" / "entries.toml"
    fresh.parent.mkdir()
    code, _, err = _invoke(fresh, server, "pull", "--group", str(GROUP))
    assert code == 0, err
    pulled = load(fresh).catalog
    assert len(pulled.entries) == 62
    assert {e.key for e in pulled.entries} == {e.key for e in load(catalog).catalog.entries}
    # The new catalog has no venues yet: no entry may name one it lacks.
    result = CliRunner().invoke(cli, ["--catalog", str(fresh), "check"])
    assert "62 entries, 0 errors" in result.output, result.output
    assert all(e.venue is None or e.venue in pulled.venues for e in pulled.entries)


@pytest.mark.parametrize(("content", "message"), [
    (b'{"schema": 1,\n "group": 5150,\n oops', ".json:3: sync state is not valid JSON"),
    (b"\xff\xfe{}", "sync state is not UTF-8 text"),
    (b"[]", "sync state is not one this ssl-bib reads"),
    (b'{"schema": 1, "group": 5150, "library_version": "x"}', "is not one this ssl-bib"),
])
def test_a_broken_state_file_is_one_located_line(server: FakeZotero, catalog: Path,
                                                 content: bytes, message: str) -> None:
    state = state_path(catalog, GROUP)
    state.write_bytes(content)
    before = catalog.read_bytes()
    code, out, err = _invoke(catalog, server, "sync", "--group", str(GROUP))
    assert code == 2 and message in err and "Traceback" not in err, err
    assert len(err.strip().splitlines()) == 1
    assert catalog.read_bytes() == before and state.read_bytes() == content
    assert not any(r.method != "GET" for r in server.log)


def _run_in_process(catalog: Path, server: FakeZotero, *args: str,
                    on_terminal: bool) -> tuple[int, bytes]:
    """Run the real command in a child process, stderr on a pseudo-terminal
    or on a pipe; returns the exit status and every byte written to stderr."""
    env = {**os.environ, "SSL_BIB_ZOTERO_URL": server.url, "ZOTERO_API_KEY": KEY}
    argv = [sys.executable, "-m", "ssl_bib", "--catalog", str(catalog), "zotero", *args]
    if not on_terminal:
        proc = subprocess.run(argv, capture_output=True, env=env, timeout=120)
        return proc.returncode, proc.stderr
    return run_on_terminal(argv, env)


def test_progress_on_a_terminal_quiet_when_piped(server: FakeZotero, catalog: Path,
                                                 tmp_path: Path) -> None:
    code, err = _run_in_process(catalog, server, "push", "--group", str(GROUP),
                                on_terminal=True)
    assert code == 0, err
    assert b"writing to Zotero [" in err and b"63/63" in err  # 62 items, the catalog note
    assert b"zotero changed: 62 new" in err
    other = tmp_path / "piped" / "entries.toml"
    other.parent.mkdir()
    other.write_bytes(BUNDLED.read_bytes())
    code, err = _run_in_process(other, server, "pull", "--group", str(GROUP),
                                on_terminal=False)
    assert code == 0, err
    assert err.decode().splitlines() == [err.decode().strip()]  # the summary line only
    assert b"\r" not in err and b"reading from Zotero" not in err and b"[#" not in err


def test_pull_into_a_missing_folder_is_bad_usage(server: FakeZotero, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "entries.toml"
    code, _, err = _invoke(target, server, "pull", "--group", str(GROUP))
    assert code == 2 and "no such folder" in err and "Traceback" not in err, err
    assert server.log == [] and not target.parent.exists()


def test_a_failed_write_is_one_line(server: FakeZotero, catalog: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import ssl_bib.zotero.sync as sync

    def disk_full(path: Path, _state: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(sync, "save_state", disk_full)
    code, _, err = _invoke(catalog, server, "push", "--group", str(GROUP))
    assert code == 1 and "cannot write: No space left on device" in err, err
    assert len(err.strip().splitlines()) == 1 and ".ssl-bib-zotero-" in err


@pytest.mark.parametrize(("key", "via_file"), [
    ("sslBib\nSecretHalf", True), ("sslBib SecretHalf", False), ("sslBibКлючSecret", False),
])
def test_a_malformed_key_is_refused_without_showing_it(server: FakeZotero, catalog: Path,
                                                       tmp_path: Path, key: str,
                                                       via_file: bool) -> None:
    """Such a key cannot go in a header; an HTTP library's error would quote
    it escaped (past the scrubbing) or fail with a traceback."""
    args = ["status", "--group", str(GROUP)]
    if via_file:
        keyfile = tmp_path / "key.txt"
        keyfile.write_text(key)
        args += ["--api-key-file", str(keyfile)]
    code, out, err = _invoke(catalog, server, *args, key="" if via_file else key)
    assert code == 2 and "is not a Zotero API key" in err and "Traceback" not in err, err
    assert "SecretHalf" not in out + err and "Secret" not in out + err
    assert server.log == []


def test_a_zotero_key_on_two_entries_is_refused(server: FakeZotero, catalog: Path) -> None:
    """An entry block copied with its zotero_key would have the copy's data
    overwrite the original's item, and the copy's own item go to the trash."""
    assert _invoke(catalog, server, "push", "--group", str(GROUP))[0] == 0
    first, second = load(catalog).catalog.entries[:2]
    text = catalog.read_text()
    catalog.write_text(text.replace(f'zotero_key = "{second.zotero_key}"',
                                    f'zotero_key = "{first.zotero_key}"'))
    library = json.dumps(server.libraries[GROUP].items, sort_keys=True)
    before = catalog.read_bytes()
    server.log.clear()
    code, _, err = _invoke(catalog, server, "sync", "--group", str(GROUP))
    line = next(n for n, t in enumerate(catalog.read_text().splitlines(), 1)
                if t == f'zotero_key = "{first.zotero_key}"' and n > 1 and
                load(catalog).line_of(second.key) < n)
    assert code == 2 and f"entries.toml:{line}: entry {second.key}: zotero_key" in err, err
    assert len(err.strip().splitlines()) == 1 and server.log == []
    assert catalog.read_bytes() == before
    assert json.dumps(server.libraries[GROUP].items, sort_keys=True) == library


def test_a_second_catalog_in_the_same_folder_has_its_own_state(server: FakeZotero,
                                                               catalog: Path) -> None:
    """README: `ssl-bib --catalog new.toml zotero pull` starts a catalog from a
    group, next to the entries.toml that syncs it."""
    assert _invoke(catalog, server, "sync", "--group", str(GROUP))[0] == 0
    assert _invoke(catalog, server, "sync", "--group", str(GROUP))[0] == 0
    state = state_path(catalog, GROUP).read_bytes()
    new = catalog.parent / "new.toml"
    code, _, err = _invoke(new, server, "pull", "--group", str(GROUP))
    assert code == 0 and "62 new" in err, err
    assert len(load(new).catalog.entries) == 62
    assert state_path(catalog, GROUP).read_bytes() == state
    assert state_path(new, GROUP).name == f".ssl-bib-zotero-{GROUP}-new.toml.json"
    assert state_path(catalog, GROUP).name == f".ssl-bib-zotero-{GROUP}.json"


@pytest.mark.parametrize("mode", ["status", "sync", "push"])
def test_a_catalog_not_started_yet_points_to_pull(server: FakeZotero, catalog: Path,
                                                  tmp_path: Path, mode: str) -> None:
    """Only pull starts a catalog from the group; the others say so, in one
    line, with the command to run (exit 2, no request, no file)."""
    assert _invoke(catalog, server, "push", "--group", str(GROUP))[0] == 0  # a group with items
    server.clear_log()
    catalog = tmp_path / "my lab" / "new.toml"
    catalog.parent.mkdir()
    code, out, err = _invoke(catalog, server, mode, "--group", str(GROUP))
    assert code == 2 and out == ""
    assert err.strip().splitlines() == [
        f"ssl-bib: {catalog}: no such catalog file; run `ssl-bib --catalog '{catalog}' zotero "
        f"pull --group {GROUP}` first to start one from the group (or give --catalog PATH)"]
    assert not catalog.exists() and server.log == []
    # What it says to run works.
    code, out, err = _invoke(catalog, server, "pull", "--group", str(GROUP))
    assert code == 0, err
    assert len(load(catalog).catalog.entries) == len(load(BUNDLED).catalog.entries)


def test_the_default_catalog_not_started_yet_points_to_plain_pull(
        server: FakeZotero, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["zotero", "sync"],
                                env={"SSL_BIB_ZOTERO_URL": server.url, "ZOTERO_API_KEY": KEY,
                                     "SSL_BIB_CATALOG": ""})
    assert result.exit_code == 2
    assert "no such catalog file; run `ssl-bib zotero pull` first" in result.stderr


# -- a pull that starts a catalog from a group with no papers ---------------------------


def _article(title: str, tag: str) -> dict[str, object]:
    return {"itemType": "journalArticle", "title": title, "date": "2024-03",
            "publicationTitle": "Medical Image Analysis", "journalAbbreviation": "MedIA",
            "creators": [{"creatorType": "author", "firstName": "Jane", "lastName": "Doe"}],
            "tags": [{"tag": tag}]}


def test_pull_of_a_group_with_no_papers_starts_the_catalog(server: FakeZotero,
                                                           tmp_path: Path) -> None:
    """Before, the pull wrote only its sync state: the catalog file was never
    made, so every later status or sync said to run pull first."""
    catalog = tmp_path / "lab" / "new.toml"
    catalog.parent.mkdir()
    code, out, err = _invoke(catalog, server, "pull", "--group", str(GROUP))
    assert code == 0, err
    assert out.splitlines() == [
        f"note: the group has no papers yet: started {catalog} with no entries"]
    assert load(catalog).catalog.entries == []
    check = CliRunner().invoke(cli, ["--catalog", str(catalog), "check"])
    assert (check.exit_code, check.stderr) == (0, "new.toml: 0 entries, 0 errors, 0 warnings\n")
    code, out, err = _invoke(catalog, server, "status", "--group", str(GROUP))
    assert (code, out) == (0, ""), err
    # The papers people add later come in with the next pull, their tags as categories.
    server.add_item(GROUP, _article("A Paper Added Later", "Contrastive"))
    code, out, err = _invoke(catalog, server, "pull", "--group", str(GROUP))
    assert code == 0, err
    assert "catalog: new: doePaperAddedLater2024" in out.splitlines()
    assert "note: the group has no papers yet" not in out
    pulled = load(catalog).catalog
    assert [e.key for e in pulled.entries] == ["doePaperAddedLater2024"]
    assert pulled.categories == ["Contrastive"] and "MedIA" in pulled.venues
    check = CliRunner().invoke(cli, ["--catalog", str(catalog), "check"])
    assert check.exit_code == 0 and " 0 errors" in check.stderr, check.stderr


def test_a_dry_run_pull_of_a_group_with_no_papers_says_it_would_start_the_catalog(
        server: FakeZotero, tmp_path: Path) -> None:
    catalog = tmp_path / "new.toml"
    code, out, err = _invoke(catalog, server, "pull", "--dry-run", "--group", str(GROUP))
    assert code == 0, err
    assert out.splitlines() == [
        f"note: the group has no papers yet: would start {catalog} with no entries"]
    assert os.listdir(tmp_path) == []                # neither the catalog nor a sync state


def test_a_group_with_only_its_catalog_note_starts_a_catalog_with_its_venues(
        server: FakeZotero, catalog: Path, tmp_path: Path) -> None:
    from ssl_bib.zotero import catalog_note

    bundled = load(catalog).catalog
    record = catalog_note.of_catalog(bundled)
    server.add_item(GROUP, {"itemType": "note", "note": catalog_note.render(record)})
    fresh = tmp_path / "fresh.toml"
    code, out, err = _invoke(fresh, server, "pull", "--group", str(GROUP))
    assert code == 0, err
    assert out.splitlines()[-1] == (
        f"note: the group has no papers yet: started {fresh} with no entries")
    pulled = load(fresh).catalog
    assert pulled.entries == [] and pulled.categories == bundled.categories
    assert list(pulled.venues) == list(bundled.venues)


def test_a_group_whose_items_cannot_be_entries_says_so(server: FakeZotero,
                                                       tmp_path: Path) -> None:
    server.add_item(GROUP, {"itemType": "book", "title": "A Textbook", "date": "2020"})
    catalog = tmp_path / "new.toml"
    code, out, err = _invoke(catalog, server, "pull", "--group", str(GROUP))
    assert code == 0, err
    assert out.splitlines()[-1] == (
        f"note: no item of the group became an entry (1 read): started {catalog} with no "
        "entries")
    assert any(line.startswith("note: Zotero item ") and "not pulled" in line
               for line in out.splitlines()), out
    assert catalog.exists()
