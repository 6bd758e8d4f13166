"""`ssl-bib zotero` against a broken or hostile server: nothing it answers
may print a traceback, leak the API key, send the key elsewhere, put a
server's string into a URL, corrupt the catalog or the state, or hang.
Every failure below is one line, within a measured bound."""

from __future__ import annotations

import copy
import json
import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ssl_bib.cli import cli
from ssl_bib.store import load
from ssl_bib.zotero.state import state_path
from tests.cli_helpers import one_line
from tests.zotero.zotero_fake_server import FakeZotero, LoggedRequest
from tests.zotero.zotero_helpers import GROUP, KEY

COMMANDS = ("status", "pull", "push", "sync")
FAST = {"SSL_BIB_ZOTERO_TIMEOUT": "0.5", "SSL_BIB_ZOTERO_BACKOFF": "0.01"}


def run(catalog: Path, url: str, *args: str, env: dict[str, str] | None = None
        ) -> tuple[int, str, str, float]:
    """The CLI in process: exit code, stdout, stderr, seconds taken."""
    full = {"SSL_BIB_ZOTERO_URL": url, "ZOTERO_API_KEY": KEY, **(env or {})}
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["--catalog", str(catalog), "zotero", *args,
                                      "--group", str(GROUP)], env=full)
    took = time.monotonic() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output and KEY not in result.output
    return result.exit_code, result.stdout, result.stderr, took


def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def unchanged(catalog: Path) -> Callable[[], None]:
    """A check that the catalog and the state file are as they are now."""
    state = state_path(catalog, GROUP)
    before = (catalog.read_bytes(), state.read_bytes() if state.exists() else None)

    def check() -> None:
        assert catalog.read_bytes() == before[0], "the catalog changed"
        assert (state.read_bytes() if state.exists() else None) == before[1], \
            "the state changed"
    return check


# -- fast, clear failure -------------------------------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("where", ["refused", "unknown-host", "tls"])
def test_an_unreachable_zotero_is_one_line_in_under_2_s(
        server: FakeZotero, catalog: Path, command: str, where: str) -> None:
    url = {"refused": refused_url(), "unknown-host": "http://no-such-host.invalid:8080",
           "tls": server.url.replace("http:", "https:")}[where]
    same = unchanged(catalog)
    code, out, err, took = run(catalog, url, command)
    line = one_line(err)
    assert code == 1 and out == ""
    assert line.startswith(f"ssl-bib: cannot reach Zotero at {url} ("), line
    assert took < 2.0, f"{where}: {took:.2f} s"
    same()


@pytest.mark.parametrize(("fault", "message"), [
    ("hang", "(ReadTimeout: nothing received for 0.5 s)"),
    ("slowloris", "(no complete answer within 0.75 s)"),
])
def test_no_answer_in_time_is_one_line_within_the_deadline(
        server: FakeZotero, catalog: Path, fault: str, message: str) -> None:
    server.faults[0] = fault
    server.hang_seconds = 5
    code, _, err, took = run(catalog, server.url, "sync", env=FAST)
    assert code == 1 and message in one_line(err), err
    assert took < 2.5, f"{fault}: {took:.2f} s"


def test_a_server_failing_forever_ends_after_its_retries(server: FakeZotero,
                                                         catalog: Path) -> None:
    server.fail_from = (0, "500")
    same = unchanged(catalog)
    code, _, err, took = run(catalog, server.url, "sync", env=FAST)
    assert code == 1
    assert one_line(err) == ("ssl-bib: Zotero failed GET /keys/current 5 times (last: HTTP "
                             "500); try again later; nothing more was changed")
    assert server.count == 5 and took < 2.0
    same()


def test_a_timeout_in_the_middle_is_retried_once_then_ends(server: FakeZotero,
                                                           catalog: Path) -> None:
    server.fail_from = (1, "hang")
    server.hang_seconds = 5
    code, _, err, took = run(catalog, server.url, "sync", env=FAST)
    assert code == 1 and "2 times (last: ReadTimeout" in one_line(err), err
    assert server.count == 3 and took < 3.0


@pytest.mark.parametrize(("args", "env"), [
    ([], {}), (["--max-wait", "100"], {"SSL_BIB_MAX_WAIT": "400"}),
], ids=["default", "option-over-env"])
def test_a_retry_after_beyond_the_limit_stops_with_when_to_retry(
        server: FakeZotero, catalog: Path, args: list[str], env: dict[str, str]) -> None:
    server.faults[1] = "retry-after-299"
    same = unchanged(catalog)
    code, _, err, took = run(catalog, server.url, "sync", *args, env={**FAST, **env})
    limit = "100" if args else "60"
    assert code == 1
    assert re.fullmatch(rf"ssl-bib: Zotero asked to wait 299 s \(Retry-After\), longer than "
                        rf"the {limit} s allowed \(--max-wait\); try again after "
                        r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC; nothing more was changed",
                        one_line(err)), err
    assert took < 2.0 and server.count == 2
    same()


def test_the_wait_limit_from_env_and_setting(server: FakeZotero, catalog: Path) -> None:
    server.faults[1] = "retry-after-299"
    code, _, err, _ = run(catalog, server.url, "sync", env={**FAST, "SSL_BIB_MAX_WAIT": "30"})
    assert code == 1 and "longer than the 30 s allowed" in err
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("[settings]\n", "[settings]\nmax_wait = 20\n", 1),
                       encoding="utf-8")
    server.clear_log()
    server.faults[1] = "retry-after-299"
    code, _, err, _ = run(catalog, server.url, "sync", env=FAST)
    assert code == 1 and "longer than the 20 s allowed" in err
    code, _, err, _ = run(catalog, server.url, "sync", "--max-wait", "-1")
    assert code == 2 and "--max-wait" in err


@pytest.mark.parametrize("fault", ["huge", "huge-chunked"])
def test_a_gigabyte_page_is_refused_without_reading_it(server: FakeZotero, catalog: Path,
                                                       fault: str) -> None:
    server.faults[1] = fault
    # The default deadline: 32 MB must be read (and refused) before it, even on a busy machine.
    code, _, err, took = run(catalog, server.url, "sync")
    assert code == 1 and "over the 32.0 MB limit" in one_line(err), err
    assert took < 5.0


def test_a_redirect_is_not_followed(server: FakeZotero, catalog: Path) -> None:
    server.faults[1] = "redirect"
    code, _, err, _ = run(catalog, server.url, "sync", env=FAST)
    assert code == 1 and "302" in one_line(err) and "not followed" in err
    assert server.count == 2


# -- the API key goes nowhere else -------------------------------------------------------

def tamper_json(match: Callable[[LoggedRequest], bool],
                change: Callable[[Any], Any]) -> Callable[..., tuple[int, dict[str, str],
                                                                    bytes]]:
    def tamper(entry: LoggedRequest, status: int, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        if match(entry) and status == 200 and body:
            body = json.dumps(change(json.loads(body))).encode()
        return status, headers, body
    return tamper


@pytest.mark.parametrize("elsewhere", ["port", "host", "path"])
def test_a_next_link_off_the_origin_is_never_followed(server: FakeZotero, catalog: Path,
                                                      elsewhere: str) -> None:
    lib = server.libraries[GROUP]
    for n in range(120):  # two pages of collections: the listing has a next link
        key = server.new_key()
        lib.version += 1
        lib.collections[key] = {"key": key, "version": lib.version, "name": f"Group {n}",
                                "parentCollection": False, "relations": {}}
    visits: list[bytes] = []
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        other.settimeout(0.2)
        target = {"port": f"http://127.0.0.1:{other.getsockname()[1]}",
                  "host": server.url.replace("127.0.0.1", "localhost"),
                  "path": f"{server.url}/users/1/.."}[elsewhere]

        def tamper(entry: LoggedRequest, status: int, headers: dict[str, str],
                   body: bytes) -> tuple[int, dict[str, str], bytes]:
            if "Link" in headers:
                headers = {**headers, "Link": headers["Link"].replace(server.url, target)}
            return status, headers, body

        server.tamper = tamper
        code, _, err, _ = run(catalog, server.url, "pull", env=FAST)
        try:
            conn, _ = other.accept()
            visits.append(conn.recv(65536))
        except OSError:
            pass
    assert visits == [], "a request went to the other port"
    assert code == 1
    assert "links its next page to" in one_line(err) and \
        "not followed (the API key would go with it)" in err, err
    assert [r.query.get("start") for r in server.log if r.path.endswith("/collections")] \
        == [None]


def test_no_server_string_reaches_a_url(server: FakeZotero, catalog: Path) -> None:
    """Keys like `../../../users/1/items/AAAA2222` in every place the server
    names one: reported, skipped, never put in a path."""
    assert run(catalog, server.url, "push")[0] == 0
    item = next(iter(server.libraries[GROUP].items))
    server.edit_item(GROUP, item, {"title": "Edited there"})
    evil = "../../../users/1/items/AAAA2222"

    def change(doc: Any) -> Any:
        if isinstance(doc, dict) and item in doc:  # format=versions
            doc[evil] = doc[item] + 1
            doc["AAAA%2F22"] = 3
        if isinstance(doc, list):
            for obj in doc:
                obj["data"]["collections"] = [*obj["data"].get("collections", []), evil]
        return doc

    server.tamper = tamper_json(lambda e: e.method == "GET", change)
    server.clear_log()
    code, out, err, _ = run(catalog, server.url, "sync", env=FAST)
    assert code == 1, err
    assert f"failed: item {evil!r}: not a Zotero item key; skipped" in out
    assert "collections is not a list of Zotero keys; skipped" in out
    for request in server.log:
        assert re.fullmatch(rf"/keys/current|/groups/{GROUP}/(items|deleted|collections)"
                            r"(/[23456789A-Z]{8})?", request.path), request.path
        assert ".." not in json.dumps(request.query)


def test_the_key_is_scrubbed_from_a_server_message(server: FakeZotero,
                                                   catalog: Path) -> None:
    def echo(entry: LoggedRequest, status: int, headers: dict[str, str],
             body: bytes) -> tuple[int, dict[str, str], bytes]:
        if entry.path.endswith("/items"):
            return 400, headers, f"Bad request for key {KEY}".encode()
        return status, headers, body

    server.tamper = echo
    code, _, err, _ = run(catalog, server.url, "sync")
    assert code == 1 and "Bad request for key ***" in one_line(err)


# -- wrong types, malformed answers ---------------------------------------------------------

WRONG = {
    "title-number": lambda d: d.update(title=42),
    "title-object": lambda d: d.update(title={"a": 1}),
    "title-surrogate": lambda d: d.update(title="bad \ud800"),
    "tags-string": lambda d: d.update(tags="MAE"),
    "tag-number": lambda d: d.update(tags=[{"tag": 5}]),
    "creators-object": lambda d: d.update(creators={"name": "x"}),
    "creator-name-list": lambda d: d.update(creators=[{"creatorType": "author",
                                                       "lastName": ["x"]}]),
    "date-list": lambda d: d.update(date=["2020"]),
    "collections-string": lambda d: d.update(collections="ABCD2345"),
    "extra-number": lambda d: d.update(extra=7),
    "itemType-null": lambda d: d.update(itemType=None),
    "version-string": lambda d: d.update(version="7"),
    "parent-path": lambda d: d.update(parentItem="../x"),
}


@pytest.mark.parametrize("kind", list(WRONG))
def test_one_item_of_wrong_types_is_reported_by_key_and_the_rest_syncs(
        server: FakeZotero, catalog: Path, kind: str) -> None:
    assert run(catalog, server.url, "push")[0] == 0
    entries = load(catalog).catalog.entries
    bad, good = str(entries[3].zotero_key), str(entries[4].zotero_key)
    server.edit_item(GROUP, bad, {"volume": "1"})
    server.edit_item(GROUP, good, {"volume": "2"})

    def change(doc: Any) -> Any:
        for obj in doc:
            if obj["key"] == bad:
                WRONG[kind](obj["data"])
                if kind == "version-string":
                    obj["version"] = "7"
        return doc

    server.tamper = tamper_json(lambda e: "itemKey" in e.query and e.query.get("format") == "json",
                                change)
    code, out, err, _ = run(catalog, server.url, "sync", env=FAST)
    assert code == 1, err
    assert re.search(rf"^failed: Zotero item {bad}: .*; skipped$", out, re.M), out
    assert load(catalog).catalog.entries[4].volume == "2"       # the rest synced
    assert load(catalog).catalog.entries[3].volume != "1"       # the bad one left alone
    state = state_path(catalog, GROUP).read_text(encoding="utf-8")
    json.loads(state)
    assert "\\ud800" not in state


@pytest.mark.parametrize(("change", "message"), [
    (lambda s, h, b: (s, h, b"{not json"), "is not valid JSON"),
    (lambda s, h, b: (s, h, b"<html>proxy login</html>"), "is not valid JSON"),
    (lambda s, h, b: (s, h, b"\xff\xfe"), "is not UTF-8 text"),
    (lambda s, h, b: (s, h, b'["a", "b"]'), "not an object of item versions"),
    (lambda s, h, b: (s, {**h, "Last-Modified-Version": "seven"}, b),
     "carries no valid Last-Modified-Version ('seven')"),
    (lambda s, h, b: (s, {k: v for k, v in h.items() if k != "Last-Modified-Version"}, b),
     "carries no valid Last-Modified-Version"),
    (lambda s, h, b: (s, h, b"[" * 100000), "is JSON nested too deeply"),
], ids=["malformed", "html", "not-utf8", "wrong-shape", "version-text", "version-missing",
        "deep"])
def test_a_malformed_answer_is_one_line_and_changes_nothing(
        server: FakeZotero, catalog: Path, change: Callable[..., Any], message: str) -> None:
    assert run(catalog, server.url, "push")[0] == 0
    same = unchanged(catalog)

    def tamper(entry: LoggedRequest, status: int, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        if entry.query.get("format") == "versions":
            return change(200, headers, body)  # type: ignore[no-any-return]
        return status, headers, body

    server.tamper = tamper
    server.libraries[GROUP].version += 1     # something changed: no 304
    code, _, err, _ = run(catalog, server.url, "sync")
    assert code == 1 and message in one_line(err), err
    same()


# -- trust, but verify --------------------------------------------------------------------

def test_writes_answered_saved_but_not_kept_stop_the_run(server: FakeZotero,
                                                         catalog: Path) -> None:
    server.forget_writes = True
    code, _, err, _ = run(catalog, server.url, "push")
    assert code == 1
    assert "Zotero answered that it saved 50 items, but its library version did not move " \
        "past 1 (1): it did not keep them; the next sync checks the group and sends them " \
        "again; nothing more was changed" in one_line(err)
    assert server.live_items(GROUP) == {}
    server.forget_writes = False
    code, _, err, _ = run(catalog, server.url, "push")       # sends everything again
    assert code == 0, err
    assert len(server.papers(GROUP)) == 62


def test_the_next_sync_re_sends_what_zotero_did_not_keep(server: FakeZotero,
                                                         catalog: Path) -> None:
    """A server that moves its version but keeps nothing passes the first
    check; the next sync finds the items missing and sends them again."""
    server.forget_writes = "bump"
    assert run(catalog, server.url, "push")[0] == 0
    assert server.live_items(GROUP) == {}
    server.forget_writes = False
    code, out, err, _ = run(catalog, server.url, "sync")
    assert code == 0, err
    # The 62 entries' items and the catalog note.
    assert "note: Zotero did not keep 63 items sent at the last sync (" in out
    assert "sending them again" in out
    assert len(server.papers(GROUP)) == 62
    code, out, _, _ = run(catalog, server.url, "sync")
    assert code == 0 and "did not keep" not in out


def test_a_lost_update_is_sent_again(server: FakeZotero, catalog: Path) -> None:
    assert run(catalog, server.url, "push")[0] == 0
    entry = load(catalog).catalog.entries[7]
    text = catalog.read_text(encoding="utf-8")
    before = copy.deepcopy(server.libraries[GROUP].items[str(entry.zotero_key)])
    assert entry.pages != "99-100"
    from tests.zotero.zotero_helpers import edit_local
    edit_local(catalog, entry.key, pages="99-100")
    server.forget_writes = "bump"
    assert run(catalog, server.url, "push")[0] == 0
    server.forget_writes = False
    assert server.libraries[GROUP].items[str(entry.zotero_key)] == before
    code, out, err, _ = run(catalog, server.url, "sync")
    assert code == 0 and f"Zotero did not keep 1 item sent at the last sync " \
        f"({entry.zotero_key})" in out, out
    assert server.libraries[GROUP].items[str(entry.zotero_key)]["pages"] == "99-100"
    assert load(catalog).catalog.entries[7].pages == "99-100"   # never the older value
    assert text != catalog.read_text(encoding="utf-8")


def test_a_library_version_going_backwards_stops_until_reset(server: FakeZotero,
                                                             catalog: Path) -> None:
    assert run(catalog, server.url, "push")[0] == 0
    backup = copy.deepcopy(server.libraries[GROUP])
    entry = load(catalog).catalog.entries[5]
    server.edit_item(GROUP, str(entry.zotero_key), {"title": "Newer title"})
    assert run(catalog, server.url, "sync")[0] == 0
    assert load(catalog).catalog.entries[5].title == "Newer title"
    server.libraries[GROUP] = backup                      # restored from the backup
    same = unchanged(catalog)
    code, out, err, _ = run(catalog, server.url, "sync")
    assert code == 1 and out == ""
    assert re.fullmatch(rf"ssl-bib: Zotero group {GROUP} is at library version \d+, older "
                        r"than the version \d+ this catalog last synced with: the group was "
                        r"restored from a backup, or it is another library; `--reset-state` "
                        r"syncs afresh with the group as it is now; nothing more was changed",
                        one_line(err)), err
    same()
    for command in COMMANDS:
        assert run(catalog, server.url, command)[0] == 1
    same()
    code, out, err, _ = run(catalog, server.url, "sync", "--reset-state")
    # The older title is a conflict now, never a silent replacement.
    assert code == 1 and f"conflict: entry {entry.key}: title" in out, out
    assert load(catalog).catalog.entries[5].title == "Newer title"
    code, _, err, _ = run(catalog, server.url, "sync", "--prefer", "local")
    assert code == 0, err
    assert server.libraries[GROUP].items[str(entry.zotero_key)]["title"] == "Newer title"


# -- an entry the catalog file cannot hold -----------------------------------------------

UNSTORABLE = "Unstorable"


@pytest.fixture
def unstorable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store cannot write an entry whose title holds UNSTORABLE: its
    rendered table does not read back as the entry (the check store.save
    makes of every entry before it writes), as a value no TOML could hold
    would. The Zotero items themselves are fine: the wire lets them in."""
    from ssl_bib.store import proofs

    render = proofs.render_entry

    def broken(entry: Any) -> str:
        text = render(entry)
        return text.replace(UNSTORABLE, "Something else") if UNSTORABLE in entry.title else text

    monkeypatch.setattr(proofs, "render_entry", broken)


def _new_item(server: FakeZotero, title: str) -> str:
    return server.add_item(GROUP, {"itemType": "journalArticle", "title": title,
                                   "date": "2024", "publicationTitle": "Medical Image Analysis",
                                   "creators": [{"creatorType": "author", "lastName": "Doe",
                                                 "firstName": "Jane"}]})


@pytest.mark.parametrize("mode", ["pull", "sync"])
def test_a_new_item_the_catalog_cannot_hold_costs_only_itself(
        server: FakeZotero, catalog: Path, unstorable: None, mode: str) -> None:
    assert run(catalog, server.url, "push")[0] == 0
    before = len(load(catalog).catalog.entries)
    bad = _new_item(server, f"An {UNSTORABLE} Paper on Masked Autoencoders")
    good = _new_item(server, "A Storable Paper on Contrastive Pretraining")
    code, out, err, _ = run(catalog, server.url, mode)
    assert code == 1, err
    failed = [line for line in out.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 1 and failed[0].startswith(f"failed: Zotero item {bad}: entry "), out
    assert "cannot be stored in entries.toml: " in failed[0]
    assert failed[0].endswith("; not pulled")
    entries = load(catalog).catalog.entries
    assert len(entries) == before + 1                     # the rest is saved
    assert [e.zotero_key for e in entries if e.zotero_key == good] == [good]
    assert not any(UNSTORABLE in e.title for e in entries)
    assert "1 failed" in err and "catalog changed: 1 new" in err
    # Not recorded as synced: the next run tries it again, and only it.
    code, out, err, _ = run(catalog, server.url, mode)
    assert code == 1 and f"failed: Zotero item {bad}: " in out
    assert "catalog changed: 0 new, 0 changed" in err


def test_an_edit_the_catalog_cannot_hold_leaves_that_entry_and_comes_again(
        server: FakeZotero, catalog: Path, monkeypatch: pytest.MonkeyPatch,
        unstorable: None) -> None:
    assert run(catalog, server.url, "push")[0] == 0
    entries = load(catalog).catalog.entries
    bad, good = entries[3], entries[4]
    server.edit_item(GROUP, str(bad.zotero_key), {"title": f"{bad.title} ({UNSTORABLE})"})
    server.edit_item(GROUP, str(good.zotero_key), {"volume": "42"})
    code, out, err, _ = run(catalog, server.url, "sync")
    assert code == 1, err
    assert (f"failed: Zotero item {bad.zotero_key}: entry {bad.key}: cannot be stored in "
            "entries.toml: ") in out
    assert "; the catalog keeps the entry as it was" in out
    after = load(catalog).catalog
    assert after.entries[4].volume == "42"                # the rest is saved
    assert after.entries[3].title == bad.title            # that one as it was
    # Its sync state did not move: once the store can hold the value, the
    # next sync brings it in; nothing was lost on either side.
    monkeypatch.undo()
    code, out, err, _ = run(catalog, server.url, "sync")
    assert code == 0, out + err
    assert load(catalog).catalog.entries[3].title == f"{bad.title} ({UNSTORABLE})"
