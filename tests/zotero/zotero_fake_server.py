"""A local stand-in for api.zotero.org (Web API v3), for tests and benchmarks.

A threaded HTTP server on 127.0.0.1 that keeps group libraries in memory and
answers the way the real API does, as its docs ("basics", "write requests",
"syncing") and recorded responses show: library and object versions,
Last-Modified-Version, since=, format=json|versions|keys, itemKey=,
includeTrashed, limit/start with Link and Total-Results, If-Modified-Since-
Version -> 304, multi-object POST with per-object successful/unchanged/failed
(and PATCH semantics for existing objects), PUT, PATCH, DELETE ?itemKey=,
412/428/413, Zotero-Write-Token, field validation per item type, and API keys
with read or write access per group.

Test controls: `faults[n] = kind` injects a fault on request n (0-based;
"500", "503", "429", "429-backoff", "backoff", "drop" - the last applies the
request and then closes the connection without an answer; and the hostile
ones: "retry-after-299", "redirect" to another host, "hang" (no answer for
`hang_seconds`), "slowloris" (a body trickling in a byte at a time), "huge"
(a gigabyte, its length declared or, "huge-chunked", not)); `fail_from = (n,
kind)` gives every request from n on that fault; `hooks[n] = fn` runs
fn(server) before request n and `before_write = fn` before the next write to
items (a second user editing); `tamper = fn` may rewrite every answer
(status, headers, body) before it is sent (wrong types, bad keys, a foreign
Link, versions going backwards); `forget_writes` answers writes of items as
saved but stores nothing (True: the library version stays; "bump": it moves anyway);
`log` records every request.
"""

from __future__ import annotations

import copy
import json
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from local_server import misbehave as misbehave_with

# Item types and fields this server accepts: written by hand from the Zotero
# schema (independently of ssl_bib's own table, so the two check each other).
_COMMON = ["title", "abstractNote", "date", "shortTitle", "language", "url", "accessDate",
           "archive", "archiveLocation", "libraryCatalog", "callNumber", "rights", "extra"]
FIELDS: dict[str, set[str]] = {
    "journalArticle": set(_COMMON) | {
        "publicationTitle", "publisher", "place", "volume", "issue", "section", "partNumber",
        "partTitle", "pages", "series", "seriesTitle", "seriesText", "journalAbbreviation",
        "DOI", "citationKey", "PMID", "PMCID", "ISSN"},
    "conferencePaper": set(_COMMON) | {
        "proceedingsTitle", "conferenceName", "publisher", "place", "eventPlace", "volume",
        "issue", "numberOfVolumes", "pages", "series", "seriesNumber", "DOI", "ISBN",
        "citationKey", "ISSN"},
    "preprint": set(_COMMON) | {
        "genre", "repository", "archiveID", "place", "series", "seriesNumber", "DOI",
        "citationKey"},
    "book": set(_COMMON) | {
        "series", "seriesNumber", "volume", "numberOfVolumes", "edition", "place",
        "publisher", "numPages", "ISBN", "citationKey", "originalDate", "originalPublisher",
        "originalPlace", "format", "DOI", "ISSN"},
    "note": {"note"},  # a note's text is a property of its own, not a schema field
}
CREATOR_TYPES: dict[str, set[str]] = {
    "journalArticle": {"author", "contributor", "editor", "translator", "reviewedAuthor"},
    "conferencePaper": {"author", "contributor", "editor", "translator", "seriesEditor"},
    "preprint": {"author", "contributor", "editor", "translator", "reviewedAuthor"},
    "book": {"author", "contributor", "editor", "translator", "seriesEditor"},
    "note": set(),
}
PROPERTIES = {"key", "version", "itemType", "creators", "tags", "collections", "relations",
              "dateAdded", "dateModified", "deleted", "parentItem"}
KEY_RE = re.compile(r"^[23456789ABCDEFGHIJKLMNPQRSTUVWXYZ]{8}$")
ALPHABET = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"
MAX_WRITE = 50


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass
class Library:
    group: int
    name: str = "ssl-bib test group"
    version: int = 0
    items: dict[str, dict[str, Any]] = field(default_factory=dict)        # key -> data
    collections: dict[str, dict[str, Any]] = field(default_factory=dict)  # key -> data
    deleted_items: dict[str, int] = field(default_factory=dict)           # key -> version
    deleted_collections: dict[str, int] = field(default_factory=dict)
    write_tokens: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class LoggedRequest:
    index: int
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    status: int = 0


@dataclass
class ApiKey:
    key: str
    user_id: int
    access: dict[int, str]  # group -> "r" or "rw"


class FakeZotero:
    def __init__(self) -> None:
        self.libraries: dict[int, Library] = {}
        self.keys: dict[str, ApiKey] = {}
        self.faults: dict[int, str] = {}
        self.hooks: dict[int, Callable[[FakeZotero], None]] = {}
        self.log: list[LoggedRequest] = []
        # Run once, just before the next write to /items: a second user editing
        # between our read and our write.
        self.before_write: Callable[[FakeZotero], None] | None = None
        self.fail_from: tuple[int, str] | None = None
        self.hang_seconds = 30.0
        self.tamper: Callable[[LoggedRequest, int, dict[str, str], bytes],
                              tuple[int, dict[str, str], bytes]] | None = None
        self.forget_writes: bool | str = False
        self.lock = threading.RLock()
        self.rng = random.Random(7)
        self._httpd: ThreadingHTTPServer | None = None
        self.url = ""

    # -- setup -------------------------------------------------------------------

    def add_group(self, group: int) -> Library:
        self.libraries[group] = Library(group)
        return self.libraries[group]

    def add_key(self, key: str, access: dict[int, str], user_id: int = 4242) -> None:
        self.keys[key] = ApiKey(key, user_id, access)

    def start(self) -> str:
        server = self

        class Handler(_Handler):
            fake = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        return self.url

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    def clear_log(self) -> None:
        self.log.clear()
        self.faults.clear()
        self.hooks.clear()

    @property
    def count(self) -> int:
        return len(self.log)

    # -- a second user, editing directly ----------------------------------------

    def edit_item(self, group: int, key: str, changes: dict[str, Any]) -> None:
        with self.lock:
            lib = self.libraries[group]
            item = {**lib.items[key], **copy.deepcopy(changes)}
            self._validate_item(lib, item)
            lib.version += 1
            item["version"] = lib.version
            lib.items[key] = item

    def add_item(self, group: int, data: dict[str, Any]) -> str:
        with self.lock:
            lib = self.libraries[group]
            key = data.get("key") or self.new_key()
            lib.version += 1
            item = {"key": key, **copy.deepcopy(data), "version": lib.version}
            self._validate_item(lib, item)
            item.setdefault("creators", [])
            item.setdefault("tags", [])
            item.setdefault("collections", [])
            item.setdefault("relations", {})
            lib.items[key] = item
            return str(key)

    def trash_item(self, group: int, key: str) -> None:
        self.edit_item(group, key, {"deleted": 1})

    def purge_item(self, group: int, key: str) -> None:
        with self.lock:
            lib = self.libraries[group]
            lib.version += 1
            del lib.items[key]
            lib.deleted_items[key] = lib.version

    def new_key(self) -> str:
        return "".join(self.rng.choice(ALPHABET) for _ in range(8))

    def live_items(self, group: int) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.libraries[group].items.items() if not v.get("deleted")}

    def papers(self, group: int) -> dict[str, dict[str, Any]]:
        """The live items that are no note or attachment."""
        return {k: v for k, v in self.live_items(group).items()
                if v.get("itemType") not in ("note", "attachment")}

    # -- request handling ---------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes, bool]:
        """(status, headers, body, drop connection afterwards)."""
        parts = urlsplit(raw_path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self.lock:
            index = len(self.log)
            entry = LoggedRequest(index, method, parts.path, query, headers, body)
            self.log.append(entry)
            hook = self.hooks.get(index)
            fault = self.faults.get(index)
            if fault is None and self.fail_from and index >= self.fail_from[0]:
                fault = self.fail_from[1]
        if hook:
            hook(self)
        if self.before_write and method != "GET" and parts.path.endswith("/items"):
            second_user, self.before_write = self.before_write, None
            second_user(self)
        if fault in ("500", "503", "429", "429-backoff", "retry-after-299"):
            extra = {"503": {"Retry-After": "2"}, "429": {"Retry-After": "3"},
                     "429-backoff": {"Backoff": "4"},
                     "retry-after-299": {"Retry-After": "299"}}.get(fault, {})
            entry.status = int(fault[:3]) if fault[:3].isdigit() else 429
            return entry.status, extra, b"Simulated fault", False
        if fault == "redirect":
            entry.status = 302
            return 302, {"Location": f"http://evil.invalid:8080{parts.path}"}, b"", False
        if fault in ("hang", "slowloris", "huge", "huge-chunked"):
            entry.status = 200
            return 200, {"X-Misbehave": fault}, b"", False
        with self.lock:
            try:
                status, out_headers, out = self._route(method, parts.path, query, headers,
                                                       body)
            except HttpError as exc:
                status, out_headers, out = exc.status, exc.headers, exc.message.encode()
        out_headers = {"Zotero-API-Version": "3", **out_headers}
        if fault == "backoff":
            out_headers["Backoff"] = "5"
        if self.tamper is not None:
            status, out_headers, out = self.tamper(entry, status, out_headers, out)
        entry.status = status
        return status, out_headers, out, fault == "drop"

    def _route(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        if path in ("/keys/current",) or path.startswith("/keys/"):
            return self._key_info(path, headers)
        if path == "/itemFields":
            fields = sorted(set().union(*FIELDS.values()))
            return _json([{"field": f, "localized": f} for f in fields])
        if path == "/itemTypes":
            return _json([{"itemType": t, "localized": t} for t in FIELDS])
        if path == "/items/new":
            itype = query.get("itemType", "")
            if itype not in FIELDS:
                raise HttpError(400, f"Invalid item type '{itype}'")
            template: dict[str, Any] = {"itemType": itype}
            if itype != "note":
                template["title"] = ""
                template["creators"] = [{"creatorType": "author", "firstName": "",
                                         "lastName": ""}]
            template.update({f: "" for f in sorted(FIELDS[itype]) if f != "title"})
            template.update({"tags": [], "collections": [], "relations": {}})
            return _json(template)
        m = re.match(r"^/groups/(\d+)(/.*)?$", path)
        if not m:
            raise HttpError(404, "Not found")
        group, rest = int(m.group(1)), m.group(2) or ""
        lib = self._authorize(group, method, headers)
        if rest in ("/items", "/items/top"):
            if method == "GET":
                return self._list_items(lib, query, headers, top=rest.endswith("top"))
            if method == "POST":
                return self._post(lib, "items", query, headers, body)
            if method == "DELETE":
                return self._delete_many(lib, "items", query, headers)
        if rest == "/collections":
            if method == "GET":
                return self._list_collections(lib, query, headers)
            if method == "POST":
                return self._post(lib, "collections", query, headers, body)
            if method == "DELETE":
                return self._delete_many(lib, "collections", query, headers)
        m = re.match(r"^/items/([^/]+)$", rest)
        if m:
            return self._one_item(lib, method, m.group(1), headers, body)
        if rest == "/deleted" and method == "GET":
            if "since" not in query:
                raise HttpError(400, "'since' parameter must be provided")
            since = int(query["since"])
            return _json({
                "collections": [k for k, v in lib.deleted_collections.items() if v > since],
                "searches": [], "tags": [], "settings": [],
                "items": [k for k, v in lib.deleted_items.items() if v > since],
            }, {"Last-Modified-Version": str(lib.version)})
        raise HttpError(405 if rest in ("/items", "/collections") else 404,
                        "Method not allowed" if rest else "Not found")

    # -- auth ---------------------------------------------------------------------

    def _key_of(self, headers: dict[str, str]) -> str | None:
        key = headers.get("zotero-api-key")
        auth = headers.get("authorization", "")
        if not key and auth.lower().startswith("bearer "):
            key = auth[7:].strip()
        return key

    def _key_info(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        key = self._key_of(headers) if path == "/keys/current" else path.rsplit("/", 1)[-1]
        api_key = self.keys.get(key or "")
        if api_key is None:
            raise HttpError(403, "Invalid key")
        groups = {str(g): {"library": True, "write": a == "rw"}
                  for g, a in api_key.access.items()}
        return _json({"key": api_key.key, "userID": api_key.user_id,
                      "username": f"user{api_key.user_id}", "displayName": "",
                      "access": {"user": {"library": True, "files": True, "notes": True,
                                          "write": True}, "groups": groups}})

    def _authorize(self, group: int, method: str, headers: dict[str, str]) -> Library:
        key = self._key_of(headers)
        if key is None:
            raise HttpError(403, "Forbidden")
        api_key = self.keys.get(key)
        if api_key is None:
            raise HttpError(403, "Invalid key")
        if group not in self.libraries:
            raise HttpError(404, "Group not found")
        access = api_key.access.get(group)
        if access is None:
            raise HttpError(403, "Forbidden")
        if method != "GET" and access != "rw":
            raise HttpError(403, "Write access denied")
        return self.libraries[group]

    # -- reads --------------------------------------------------------------------

    def _envelope(self, lib: Library, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        href = f"{self.url}/groups/{lib.group}/{kind}/{data['key']}"
        meta: dict[str, Any] = {}
        if kind == "items":
            creators = [c.get("lastName") or c.get("name", "") for c in data.get("creators", [])]
            meta = {"creatorSummary": " and ".join(creators[:2]) if creators else "",
                    "numChildren": 0}
            if data.get("date"):
                meta["parsedDate"] = str(data["date"])[:10]
        else:
            meta = {"numCollections": 0,
                    "numItems": sum(data["key"] in i.get("collections", [])
                                    for i in lib.items.values())}
        return {"key": data["key"], "version": data["version"],
                "library": {"type": "group", "id": lib.group, "name": lib.name,
                            "links": {"alternate": {
                                "href": f"https://www.zotero.org/groups/{lib.group}",
                                "type": "text/html"}}},
                "links": {"self": {"href": href, "type": "application/json"},
                          "alternate": {"href": f"https://www.zotero.org/groups/{lib.group}/"
                                                f"{kind}/{data['key']}", "type": "text/html"}},
                "meta": meta, "data": data}  # serialised at once, under the lock

    def _not_modified(self, lib: Library, headers: dict[str, str]) -> None:
        since = headers.get("if-modified-since-version")
        if since is not None and lib.version <= int(since):
            raise HttpError(304, "", {"Last-Modified-Version": str(lib.version)})

    def _list_items(self, lib: Library, query: dict[str, str], headers: dict[str, str],
                    top: bool) -> tuple[int, dict[str, str], bytes]:
        self._not_modified(lib, headers)
        items = list(lib.items.values())
        if query.get("includeTrashed") not in ("1", "true"):
            items = [i for i in items if not i.get("deleted")]
        if top:
            items = [i for i in items if not i.get("parentItem")]
        if "itemKey" in query:
            keys = [k for k in query["itemKey"].split(",") if k]
            if len(keys) > MAX_WRITE:
                raise HttpError(400, f"Cannot request more than {MAX_WRITE} items by key")
            items = [i for i in items if i["key"] in keys]
        return self._listing(lib, "items", items, query)

    def _list_collections(self, lib: Library, query: dict[str, str],
                          headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self._not_modified(lib, headers)
        return self._listing(lib, "collections", list(lib.collections.values()), query)

    def _listing(self, lib: Library, kind: str, objects: list[dict[str, Any]],
                 query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        since = int(query.get("since", "0") or 0)
        objects = [o for o in objects if o["version"] > since]
        objects.sort(key=lambda o: (-o["version"], o["key"]))  # dateModified-like order
        fmt = query.get("format", "json")
        headers = {"Last-Modified-Version": str(lib.version), "Total-Results": str(len(objects))}
        if fmt in ("versions", "keys") and "limit" not in query:
            page = objects
        else:
            limit = min(int(query.get("limit", "25")), 100)
            start = int(query.get("start", "0"))
            page = objects[start:start + limit]
            headers["Link"] = self._links(lib, kind, query, start, limit, len(objects))
        if fmt == "versions":
            return _json({o["key"]: o["version"] for o in page}, headers)
        if fmt == "keys":
            return 200, {**headers, "Content-Type": "text/plain"}, (
                "\n".join(o["key"] for o in page) + "\n").encode()
        if fmt != "json":
            raise HttpError(400, f"Invalid 'format' value '{fmt}'")
        return _json([self._envelope(lib, kind, o) for o in page], headers)

    def _links(self, lib: Library, kind: str, query: dict[str, str], start: int, limit: int,
               total: int) -> str:
        base = f"{self.url}/groups/{lib.group}/{kind}"

        def url(at: int) -> str:
            params = {k: v for k, v in query.items() if k != "start"}
            if at:
                params["start"] = str(at)
            return base + ("?" + urlencode(params) if params else "")

        links = []
        if start > 0:
            links.append(f'<{url(0)}>; rel="first"')
            links.append(f'<{url(max(0, start - limit))}>; rel="prev"')
        if start + limit < total:
            links.append(f'<{url(start + limit)}>; rel="next"')
            links.append(f'<{url(((total - 1) // limit) * limit)}>; rel="last"')
        links.append(f'<https://www.zotero.org/groups/{lib.group}/{kind}>; rel="alternate"')
        return ", ".join(links)

    # -- writes -------------------------------------------------------------------

    def _check_library_version(self, lib: Library, headers: dict[str, str],
                               required: bool) -> None:
        value = headers.get("if-unmodified-since-version")
        if value is None:
            if required:
                raise HttpError(428, "If-Unmodified-Since-Version not provided")
            return
        if lib.version > int(value):
            raise HttpError(412, f"Library has been modified since specified version "
                                 f"(expected {value}, found {lib.version})",
                            {"Last-Modified-Version": str(lib.version)})

    def _post(self, lib: Library, kind: str, query: dict[str, str], headers: dict[str, str],
              body: bytes) -> tuple[int, dict[str, str], bytes]:
        try:
            objects = json.loads(body or b"null")
        except json.JSONDecodeError as exc:
            raise HttpError(400, f"Invalid JSON: {exc.msg}") from None
        if not isinstance(objects, list):
            raise HttpError(400, "Uploaded data must be a JSON array")
        if len(objects) > MAX_WRITE:
            raise HttpError(413, f"Only {MAX_WRITE} objects can be saved in a single request")
        self._check_library_version(lib, headers, required=False)
        token = headers.get("zotero-write-token")
        api_key = self._key_of(headers) or ""
        if token and (api_key, token) in lib.write_tokens:
            raise HttpError(412, "Write token already used")
        new_version = lib.version + 1
        before_items, before_collections = dict(lib.items), dict(lib.collections)
        result: dict[str, dict[str, Any]] = {"successful": {}, "success": {},
                                             "unchanged": {}, "failed": {}}
        store = lib.items if kind == "items" else lib.collections
        changed = False
        header_version = headers.get("if-unmodified-since-version")
        for index, obj in enumerate(objects):
            i = str(index)
            try:
                if not isinstance(obj, dict):
                    raise HttpError(400, "Invalid value for index 0 in uploaded data; "
                                         "expected JSON object")
                key = obj.get("key") or self.new_key()
                if not KEY_RE.match(str(key)):
                    raise HttpError(400, f"'{key}' is not a valid {kind[:-1]} key")
                existing = store.get(key)
                if existing is not None:
                    version = obj.get("version", header_version)
                    if version is None:
                        raise HttpError(428, "Either If-Unmodified-Since-Version or object "
                                             "version property must be provided for "
                                             "key-based writes")
                    if int(version) != existing["version"]:
                        raise HttpError(412, f"{kind[:-1].capitalize()} has been modified "
                                             f"since specified version (expected {version}, "
                                             f"found {existing['version']})")
                    merged = {**copy.deepcopy(existing), **copy.deepcopy(obj), "key": key}
                else:
                    if obj.get("version") not in (None, 0):
                        raise HttpError(404, f"{kind[:-1].capitalize()} doesn't exist "
                                             f"(expected version {obj['version']}; use 0 "
                                             "instead)")
                    merged = {**copy.deepcopy(obj), "key": key}
                merged["version"] = existing["version"] if existing else 0
                if kind == "items":
                    self._validate_item(lib, merged)
                    for name in ("creators", "tags", "collections"):
                        merged.setdefault(name, [])
                    merged.setdefault("relations", {})
                else:
                    if not str(merged.get("name", "")).strip():
                        raise HttpError(400, "Collection name cannot be empty")
                    merged.setdefault("parentCollection", False)
                    merged.setdefault("relations", {})
                if existing is not None and _content(existing) == _content(merged):
                    result["unchanged"][i] = key
                    continue
                merged["version"] = new_version
                if kind == "items":
                    merged.setdefault("dateAdded", "2026-11-26T00:00:00Z")
                    merged["dateModified"] = "2026-11-26T00:00:00Z"
                store[key] = merged
                (lib.deleted_items if kind == "items" else lib.deleted_collections).pop(key,
                                                                                        None)
                changed = True
                result["successful"][i] = self._envelope(lib, kind, merged)
                result["success"][i] = key
            except HttpError as exc:
                result["failed"][i] = {"key": obj.get("key", "") if isinstance(obj, dict)
                                       else "", "code": exc.status, "message": exc.message}
        if changed and self.forget_writes and kind == "items":
            lib.items, lib.collections = before_items, before_collections
            changed = self.forget_writes == "bump"
        if changed:
            lib.version = new_version
            if token:
                lib.write_tokens.add((api_key, token))
        return _json(result, {"Last-Modified-Version": str(lib.version)})

    def _validate_item(self, lib: Library, item: dict[str, Any]) -> None:
        itype = item.get("itemType")
        if itype not in FIELDS:
            raise HttpError(400, f"'{itype}' is not a valid itemType")
        for name, value in item.items():
            if name in PROPERTIES:
                continue
            if name not in FIELDS[itype]:
                raise HttpError(400, f"'{name}' is not a valid field for type '{itype}'")
            if not isinstance(value, str):
                raise HttpError(400, f"'{name}' must be a string")
        for creator in item.get("creators", []):
            ctype = creator.get("creatorType")
            if ctype not in CREATOR_TYPES[itype]:
                raise HttpError(400, f"'{ctype}' is not a valid creator type for item "
                                     f"type '{itype}'")
            if not creator.get("name") and not ("lastName" in creator
                                                and "firstName" in creator):
                raise HttpError(400, "Creator must have name or firstName/lastName")
        for tag in item.get("tags", []):
            if not isinstance(tag, dict) or not str(tag.get("tag", "")).strip():
                raise HttpError(400, "Tag must be an object with a non-empty 'tag'")
        for col in item.get("collections", []):
            if col not in lib.collections:
                raise HttpError(409, f"Collection {col} not found")

    def _one_item(self, lib: Library, method: str, key: str, headers: dict[str, str],
                  body: bytes) -> tuple[int, dict[str, str], bytes]:
        item = lib.items.get(key)
        if method == "GET":
            if item is None:
                raise HttpError(404, "Not found")
            return _json(self._envelope(lib, "items", item),
                         {"Last-Modified-Version": str(item["version"])})
        if item is None and method != "PUT":
            raise HttpError(404, "Not found")
        obj: dict[str, Any] = {}
        if method in ("PUT", "PATCH"):
            try:
                obj = json.loads(body or b"{}")
            except json.JSONDecodeError as exc:
                raise HttpError(400, f"Invalid JSON: {exc.msg}") from None
        version = obj.get("version", headers.get("if-unmodified-since-version"))
        if item is not None:
            if version is None:
                raise HttpError(428, "If-Unmodified-Since-Version not provided")
            if int(version) != item["version"]:
                raise HttpError(412, f"Item has been modified since specified version "
                                     f"(expected {version}, found {item['version']})")
        new_version = lib.version + 1
        if method == "DELETE":
            del lib.items[key]
            lib.deleted_items[key] = new_version
        else:
            merged = ({**copy.deepcopy(item), **obj} if method == "PATCH" and item
                      else {**obj})
            merged["key"] = key
            self._validate_item(lib, merged)
            merged["version"] = new_version
            lib.items[key] = merged
        lib.version = new_version
        return 204, {"Last-Modified-Version": str(lib.version)}, b""

    def _delete_many(self, lib: Library, kind: str, query: dict[str, str],
                     headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        param = "itemKey" if kind == "items" else "collectionKey"
        keys = [k for k in query.get(param, "").split(",") if k]
        if not keys:
            raise HttpError(400, f"'{param}' must be provided")
        if len(keys) > MAX_WRITE:
            raise HttpError(413, f"Only {MAX_WRITE} objects can be deleted in a single request")
        self._check_library_version(lib, headers, required=True)
        store = lib.items if kind == "items" else lib.collections
        deleted = lib.deleted_items if kind == "items" else lib.deleted_collections
        if any(k in store for k in keys):
            lib.version += 1
            for k in keys:
                if store.pop(k, None) is not None:
                    deleted[k] = lib.version
        return 204, {"Last-Modified-Version": str(lib.version)}, b""


def _content(obj: dict[str, Any]) -> dict[str, Any]:
    skip = {"version", "dateModified", "dateAdded"}
    return {k: v for k, v in obj.items() if k not in skip and v not in ("", [], {}, None, 0)}


def _json(doc: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json", **(headers or {})}, json.dumps(doc).encode()


class _Handler(BaseHTTPRequestHandler):
    fake: FakeZotero
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm
    # and delayed ACKs add 40 ms to every keep-alive response.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, out_headers, out, drop = self.fake.handle(self.command, self.path, headers, body)
        if drop:
            self.close_connection = True
            return
        misbehave = out_headers.get("X-Misbehave")
        if misbehave == "hang":
            self.close_connection = True
            time.sleep(self.fake.hang_seconds)
            return
        if misbehave:
            self.close_connection = True
            misbehave_with(self.wfile, misbehave, start=b"[", content_type="application/json",
                           extra_headers="Last-Modified-Version: 1\r\n")
            return
        self.send_response(status)
        for name, value in out_headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(out) if status != 304 else 0))
        self.end_headers()
        if status != 304:
            self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
