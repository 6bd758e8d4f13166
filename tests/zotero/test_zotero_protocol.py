"""The client against the local server: retries, Backoff, 304, pagination; and
the server's own answers (412, 428, 413, 400, write tokens), as the Web API
docs describe them, so the sync tests run against a faithful double."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from ssl_bib.zotero.client import ZoteroClient, ZoteroError
from tests.zotero.zotero_fake_server import FakeZotero
from tests.zotero.zotero_helpers import GROUP, KEY, FakeClock


def _client(server: FakeZotero, clock: FakeClock | None = None, **kw: Any) -> ZoteroClient:
    """A client on the fake clock, its jitter fixed at the top of each step."""
    return ZoteroClient(GROUP, KEY, server.url, clock=clock or FakeClock(), rand=lambda: 1.0,
                        **kw)


def _article(title: str = "A paper") -> dict[str, Any]:
    return {"itemType": "journalArticle", "title": title, "date": "2020"}


@pytest.mark.parametrize(("kind", "waits"), [
    ("429", [3.0]), ("503", [2.0]), ("500", [0.5]), ("429-backoff", [4.0]), ("drop", [0.5]),
])
def test_retry_honours_retry_after_and_backoff(server: FakeZotero, kind: str,
                                               waits: list[float]) -> None:
    clock = FakeClock()
    server.faults[1] = kind
    with _client(server, clock) as client:
        client.key_access()  # Zotero has answered: a dropped connection is retried
        versions, version = client.item_versions(0)
    assert versions == {} and version == 0
    assert server.count == 3 and client.requests == 3
    # 429-backoff: no Retry-After, but Backoff says when the next request may go.
    assert sum(clock.sleeps) == pytest.approx(sum(waits))


def test_a_first_request_dropped_is_not_retried(server: FakeZotero) -> None:
    """Before Zotero has answered once, a dropped connection says the URL or
    the network is wrong: one line at once, no retry."""
    clock = FakeClock()
    server.faults[0] = "drop"
    with _client(server, clock) as client, pytest.raises(ZoteroError) as err:
        client.key_access()
    assert str(err.value).startswith(f"cannot reach Zotero at {server.url} (")
    assert server.count == 1 and clock.sleeps == []


def test_backoff_on_a_success_delays_the_next_request(server: FakeZotero) -> None:
    clock = FakeClock()
    server.faults[0] = "backoff"
    with _client(server, clock) as client:
        client.item_versions(0)
        assert clock.sleeps == []
        client.item_versions(0)
    assert clock.sleeps == [5.0]


def test_gives_up_with_a_clear_message(server: FakeZotero) -> None:
    for n in range(3):
        server.faults[n] = "503"
    with _client(server, max_attempts=3) as client, pytest.raises(ZoteroError) as err:
        client.item_versions(0)
    assert "503" in str(err.value) and "try again later" in str(err.value)


def test_304_when_nothing_changed(server: FakeZotero) -> None:
    key = server.add_item(GROUP, _article())
    with _client(server) as client:
        versions, version = client.item_versions(0)
        assert versions == {key: 1} and version == 1
        assert client.item_versions(1) == (None, 1)
    assert server.log[-1].status == 304
    assert server.log[-1].headers["if-modified-since-version"] == "1"


def test_pagination_follows_link_with_every_parameter(server: FakeZotero) -> None:
    for n in range(130):
        server.add_item(GROUP, _article(f"Paper {n}"))
    server.trash_item(GROUP, next(iter(server.libraries[GROUP].items)))
    with _client(server) as client:
        items = client.all_pages(f"/groups/{GROUP}/items", {"includeTrashed": 1,
                                                             "format": "json"})
        assert len(items) == 130 == len({i["key"] for i in items})
        assert len(client.all_pages(f"/groups/{GROUP}/items", {"format": "json"})) == 129
    pages = [r for r in server.log if r.query.get("includeTrashed") == "1"]
    assert [r.query.get("start") for r in pages] == [None, "100"]
    assert pages[1].query["limit"] == "100" and pages[1].query["format"] == "json"


def test_items_by_key_reads_fifty_at_a_time(server: FakeZotero) -> None:
    keys = [server.add_item(GROUP, _article(f"P{n}")) for n in range(120)]
    with _client(server) as client:
        assert len(client.items_by_key(keys)) == 120
    reads = [r for r in server.log if "itemKey" in r.query]
    assert [len(r.query["itemKey"].split(",")) for r in reads] == [50, 50, 20]


def test_key_goes_in_a_header_never_in_the_url(server: FakeZotero) -> None:
    with _client(server) as client:
        client.check_access(write=True)
        client.item_versions(0)
    for request in server.log:
        assert request.headers["zotero-api-key"] == KEY
        assert request.headers["zotero-api-version"] == "3"
        assert KEY not in request.path and KEY not in str(request.query)


# -- the server, straight over HTTP ---------------------------------------------

def _http(server: FakeZotero) -> httpx2.Client:
    return httpx2.Client(base_url=f"{server.url}/groups/{GROUP}",
                         headers={"Zotero-API-Key": KEY, "Zotero-API-Version": "3"})


def test_server_write_preconditions(server: FakeZotero) -> None:
    key = server.add_item(GROUP, _article())
    with _http(server) as http:
        # per-object: a stale version fails that object only, with 412
        body = http.post("/items", json=[{"key": key, "version": 0, "title": "x"},
                                         _article("new")]).json()
        assert body["failed"]["0"]["code"] == 412 and "1" in body["successful"]
        # no version at all for an existing object: 428
        body = http.post("/items", json=[{"key": key, "title": "x"}]).json()
        assert body["failed"]["0"]["code"] == 428
        # a stale library version: the whole request fails with 412
        r = http.post("/items", json=[_article()], headers={"If-Unmodified-Since-Version": "1"})
        assert r.status_code == 412
        # more than 50 objects: 413
        assert http.post("/items", json=[_article()] * 51).status_code == 413
        # an unknown field for the item type: 400 for that object
        body = http.post("/items", json=[{**_article(), "repository": "arXiv"}]).json()
        assert body["failed"]["0"]["code"] == 400
        assert "not a valid field for type 'journalArticle'" in body["failed"]["0"]["message"]
        # POST on an existing object is a PATCH: unsent fields stay; same data is "unchanged"
        version = server.libraries[GROUP].items[key]["version"]
        body = http.post("/items", json=[{"key": key, "version": version,
                                          "volume": "3"}]).json()
        assert body["successful"]["0"]["data"]["title"] == "A paper"
        version = body["successful"]["0"]["version"]
        body = http.post("/items", json=[{"key": key, "version": version,
                                          "volume": "3"}]).json()
        assert body["unchanged"] == {"0": key}
        # a write token is accepted once
        token = {"Zotero-Write-Token": "19a4f01ad623aa7214f82347e3711f56"}
        assert http.post("/items", json=[_article()], headers=token).status_code == 200
        assert http.post("/items", json=[_article()], headers=token).status_code == 412


def test_server_single_object_and_delete(server: FakeZotero) -> None:
    key = server.add_item(GROUP, _article())
    with _http(server) as http:
        r = http.get(f"/items/{key}")
        version = r.headers["Last-Modified-Version"]
        assert r.json()["data"]["title"] == "A paper"
        assert http.patch(f"/items/{key}", json={"volume": "2"}).status_code == 428
        r = http.patch(f"/items/{key}", json={"volume": "2"},
                       headers={"If-Unmodified-Since-Version": version})
        assert r.status_code == 204
        assert http.put(f"/items/{key}", json={**_article("B"), "version": int(version)}
                        ).status_code == 412
        current = r.headers["Last-Modified-Version"]
        assert http.delete("/items", params={"itemKey": key}).status_code == 428
        r = http.delete("/items", params={"itemKey": key},
                        headers={"If-Unmodified-Since-Version": current})
        assert r.status_code == 204
        deleted = http.get("/deleted", params={"since": current}).json()
        assert deleted["items"] == [key]
        assert http.get(f"/items/{key}").status_code == 404


def test_server_auth(server: FakeZotero) -> None:
    with httpx2.Client(base_url=server.url) as http:
        assert http.get(f"/groups/{GROUP}/items").status_code == 403
        bad = {"Zotero-API-Key": "nope"}
        assert http.get(f"/groups/{GROUP}/items", headers=bad).status_code == 403
        ro = {"Zotero-API-Key": "sslBibReadOnlyKey987654321"}
        assert http.get(f"/groups/{GROUP}/items", headers=ro).status_code == 200
        assert http.post(f"/groups/{GROUP}/items", headers=ro, json=[]).status_code == 403
        good = {"Zotero-API-Key": KEY}
        assert http.get("/groups/99/items", headers=good).status_code == 404
        access = http.get("/keys/current", headers=ro).json()["access"]["groups"]
        assert access == {str(GROUP): {"library": True, "write": False}}
        template = http.get("/items/new", params={"itemType": "preprint"}).json()
        assert "repository" in template and "publicationTitle" not in template


def test_server_top_items_and_keys_format(server: FakeZotero) -> None:
    parent = server.add_item(GROUP, _article())
    server.add_item(GROUP, {"itemType": "note", "note": "<p>a note</p>", "parentItem": parent})
    with _http(server) as http:
        top = http.get("/items/top", params={"format": "keys"})
        assert top.text.split() == [parent] and top.headers["Total-Results"] == "1"
        assert len(http.get("/items", params={"format": "keys"}).text.split()) == 2
        fields = httpx2.get(f"{server.url}/itemFields").json()
        assert {"field": "citationKey", "localized": "citationKey"} in fields


def test_a_first_pull_reads_the_library_100_a_page(server: FakeZotero, syncer: Any,
                                                  tmp_path: Any) -> None:
    """Reading most of a library by key costs a request per 50 items; the
    listing gives 100 a page: a pull into an empty catalog takes the listing,
    a sync after a few edits reads those items by key."""
    for n in range(250):
        server.add_item(GROUP, {**_article(f"Paper number {n}"), "date": f"{2000 + n % 20}"})
    catalog = tmp_path / "entries.toml"
    catalog.write_text("schema = 1\n")
    server.log.clear()
    report = syncer.run(catalog, "pull")
    assert len(report.catalog["new"]) == 250 and not report.failures
    reads = [r for r in server.log if r.path.endswith("/items")]
    # items?format=versions, then 3 pages of 100 (not 5 reads of 50 keys)
    assert [r.query.get("format") for r in reads] == ["versions", "json", "json", "json"]
    assert all("itemKey" not in r.query for r in reads)
    for key in list(server.libraries[GROUP].items)[:3]:
        server.edit_item(GROUP, key, {"volume": "9"})
    server.log.clear()
    report = syncer.run(catalog, "pull")
    assert len(report.catalog["changed"]) == 3
    by_key = [r for r in server.log if "itemKey" in r.query and r.query.get("format") == "json"]
    assert len(by_key) == 1 and len(by_key[0].query["itemKey"].split(",")) == 3
