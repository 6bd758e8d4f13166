"""The Zotero Web API v3, answered from group libraries held here.

Answers the way api.zotero.org does, as its documentation ("basics",
"write requests", "syncing") and recorded answers show: library and object
versions, Last-Modified-Version, since=, format=json|versions|keys,
itemKey=, includeTrashed, limit/start with Link and Total-Results,
If-Modified-Since-Version -> 304, multi-object POST with per-object
successful/unchanged/failed (PATCH semantics for existing objects), PUT,
PATCH, DELETE ?itemKey=, 412/428/413, Zotero-Write-Token, field validation
per item type, and API keys with read or write access per group.

`handle` takes one request and gives its `Reply`; http.py puts it on a
socket. Two hooks let a subclass stand between (the tests' fault injection):
`before` may answer instead, `after` may change the answer.
"""

from __future__ import annotations

import copy
import json
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..dates import year_month
from .itemtypes import (
    ALPHABET,
    CHILD_PROPERTIES,
    CREATOR_TYPES,
    FIELDS,
    KEY_RE,
    MAX_WRITE,
    PROPERTIES,
)

_Doc = TypeVar("_Doc", list[Any], dict[str, Any])  # what an upload must be
NOW = "2026-11-26T00:00:00Z"  # dateAdded/dateModified of what is written here


class HttpError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


@dataclass
class Library:
    group: int
    name: str = "ssl-bib local group"
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


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    # For the tests' faults: close the connection without an answer, or write
    # the answer by hand (then close it).
    drop: bool = False
    writer: Callable[[BinaryIO], None] | None = None


class LocalZotero:
    """Group libraries and API keys, and the API over them. Thread-safe:
    every request is answered under one lock."""

    def __init__(self, *, keep_log: bool = True) -> None:
        self.libraries: dict[int, Library] = {}
        self.keys: dict[str, ApiKey] = {}
        self.log: list[LoggedRequest] = []
        self.keep_log = keep_log
        self.lock = threading.RLock()
        self.rng = random.Random(7)
        self.url = ""  # set when served (links in answers name it)
        # Called under the lock around each answer: a folder store reads hand
        # edits before and writes changes after (folder.py).
        self.on_request: Callable[[], None] | None = None
        self.on_answered: Callable[[], None] | None = None

    # -- setup -------------------------------------------------------------------

    def add_group(self, group: int, name: str = "ssl-bib local group") -> Library:
        self.libraries[group] = Library(group, name)
        return self.libraries[group]

    def add_key(self, key: str, access: dict[int, str], user_id: int = 4242) -> None:
        self.keys[key] = ApiKey(key, user_id, access)

    def clear_log(self) -> None:
        self.log.clear()

    @property
    def count(self) -> int:
        return len(self.log)

    def new_key(self) -> str:
        return "".join(self.rng.choice(ALPHABET) for _ in range(8))

    def live_items(self, group: int) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.libraries[group].items.items() if not v.get("deleted")}

    def papers(self, group: int) -> dict[str, dict[str, Any]]:
        """The live items that are no note or attachment."""
        return {k: v for k, v in self.live_items(group).items()
                if v.get("itemType") not in ("note", "attachment")}

    # -- another user, editing directly ------------------------------------------

    def edit_item(self, group: int, key: str, changes: dict[str, Any]) -> None:
        with self.lock:
            lib = self.libraries[group]
            item = {**lib.items[key], **copy.deepcopy(changes)}
            self.validate_item(lib, item)
            lib.version += 1
            item["version"] = lib.version
            lib.items[key] = item

    def add_item(self, group: int, data: dict[str, Any]) -> str:
        with self.lock:
            lib = self.libraries[group]
            key = data.get("key") or self.new_key()
            item = {"key": key, **copy.deepcopy(data)}
            self.validate_item(lib, item)
            lib.version += 1
            item["version"] = lib.version
            item.setdefault("creators", [])
            item.setdefault("tags", [])
            item.setdefault("collections", [])
            item.setdefault("relations", {})
            item.setdefault("dateAdded", NOW)
            lib.items[key] = item
            lib.deleted_items.pop(str(key), None)
            return str(key)

    def add_collection(self, group: int, name: str, parent: str | None = None,
                       key: str | None = None) -> str:
        with self.lock:
            lib = self.libraries[group]
            key = key or self.new_key()
            lib.version += 1
            lib.collections[key] = {"key": key, "version": lib.version, "name": name,
                                    "parentCollection": parent or False, "relations": {}}
            return key

    def trash_item(self, group: int, key: str) -> None:
        self.edit_item(group, key, {"deleted": 1})

    def purge_item(self, group: int, key: str) -> None:
        with self.lock:
            lib = self.libraries[group]
            lib.version += 1
            del lib.items[key]
            lib.deleted_items[key] = lib.version

    # -- request handling ---------------------------------------------------------

    def before(self, request: LoggedRequest) -> Reply | None:
        """A subclass may answer a request itself (the tests' faults)."""
        return None

    def after(self, request: LoggedRequest, reply: Reply) -> Reply:
        """A subclass may change an answer before it is sent."""
        return reply

    def handle(self, method: str, raw_path: str, headers: dict[str, str],
               body: bytes) -> Reply:
        parts = urlsplit(raw_path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self.lock:
            request = LoggedRequest(len(self.log), method, parts.path, query, headers, body)
            if self.keep_log:
                self.log.append(request)
        early = self.before(request)
        if early is not None:
            request.status = early.status
            return early
        with self.lock:
            if self.on_request is not None:
                self.on_request()
            try:
                status, out_headers, out = self._route(method, parts.path, query, headers,
                                                       body)
            except HttpError as exc:
                status, out_headers, out = exc.status, exc.headers, exc.message.encode()
            if self.on_answered is not None:
                self.on_answered()
        reply = self.after(request, Reply(status, {"Zotero-API-Version": "3", **out_headers},
                                          out))
        request.status = reply.status
        return reply

    def _route(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        if path == "/keys/current" or path.startswith("/keys/"):
            return self._key_info(path, headers)
        if path == "/itemFields":
            fields = sorted(set().union(*FIELDS.values()))
            return _json([{"field": f, "localized": f} for f in fields])
        if path == "/itemTypes":
            return _json([{"itemType": t, "localized": t} for t in FIELDS])
        if path == "/items/new":
            return self._template(query)
        m = re.match(r"^/groups/(\d+)(/.*)?$", path)
        if not m:
            raise HttpError(404, "Not found")
        group, rest = int(m.group(1)), m.group(2) or ""
        lib = self._authorize(group, method, headers)
        if rest in ("/items", "/items/top"):
            if method == "GET":
                return self._list_items(lib, query, headers, top=rest.endswith("top"))
            if method == "POST":
                return self._post(lib, "items", headers, body)
            if method == "DELETE":
                return self._delete_many(lib, "items", query, headers)
        if rest == "/collections":
            if method == "GET":
                return self._list_collections(lib, query, headers)
            if method == "POST":
                return self._post(lib, "collections", headers, body)
            if method == "DELETE":
                return self._delete_many(lib, "collections", query, headers)
        m = re.match(r"^/items/([^/]+)$", rest)
        if m:
            return self._one_item(lib, method, m.group(1), headers, body)
        if rest == "/deleted" and method == "GET":
            if "since" not in query:
                raise HttpError(400, "'since' parameter must be provided")
            since = _int_param(query, "since")
            return _json({
                "collections": [k for k, v in lib.deleted_collections.items() if v > since],
                "searches": [], "tags": [], "settings": [],
                "items": [k for k, v in lib.deleted_items.items() if v > since],
            }, {"Last-Modified-Version": str(lib.version)})
        raise HttpError(405 if rest in ("/items", "/collections") else 404,
                        "Method not allowed" if rest else "Not found")

    def _template(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        itype = query.get("itemType", "")
        if itype not in FIELDS:
            raise HttpError(400, f"Invalid item type '{itype}'")
        template: dict[str, Any] = {"itemType": itype}
        if itype not in CHILD_PROPERTIES:
            template["title"] = ""
            template["creators"] = [{"creatorType": "author", "firstName": "", "lastName": ""}]
        template.update({f: "" for f in sorted(FIELDS[itype]) if f != "title"})
        template.update({"tags": [], "collections": [], "relations": {}})
        return _json(template)

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
            children = sum(i.get("parentItem") == data["key"] for i in lib.items.values()) \
                if not data.get("parentItem") else 0
            meta = {"creatorSummary": " and ".join(creators[:2]) if creators else "",
                    "numChildren": children}
            if _parsed_date(str(data.get("date") or "")):
                meta["parsedDate"] = _parsed_date(str(data["date"]))
        else:
            meta = {"numCollections": sum(c.get("parentCollection") == data["key"]
                                          for c in lib.collections.values()),
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
        if since is not None and since.isdigit() and lib.version <= int(since):
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
        if query.get("q"):
            words = query["q"].casefold().split()
            items = [i for i in items
                     if all(w in " ".join(str(v) for v in (i.get("title"), i.get("creators")))
                            .casefold() for w in words)]
        return self._listing(lib, "items", items, query)

    def _list_collections(self, lib: Library, query: dict[str, str],
                          headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        self._not_modified(lib, headers)
        return self._listing(lib, "collections", list(lib.collections.values()), query)

    def _listing(self, lib: Library, kind: str, objects: list[dict[str, Any]],
                 query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        since = _int_param(query, "since")
        objects = [o for o in objects if o["version"] > since]
        objects.sort(key=lambda o: (-o["version"], o["key"]))  # dateModified-like order
        fmt = query.get("format", "json")
        headers = {"Last-Modified-Version": str(lib.version), "Total-Results": str(len(objects))}
        if fmt in ("versions", "keys") and "limit" not in query:
            page = objects
        else:
            limit = min(_int_param(query, "limit", 25), 100)
            start = _int_param(query, "start")
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
        if not value.isdigit():
            raise HttpError(400, "Invalid If-Unmodified-Since-Version")
        if lib.version > int(value):
            raise HttpError(412, f"Library has been modified since specified version "
                                 f"(expected {value}, found {lib.version})",
                            {"Last-Modified-Version": str(lib.version)})

    def _post(self, lib: Library, kind: str, headers: dict[str, str],
              body: bytes) -> tuple[int, dict[str, str], bytes]:
        objects = _uploaded(body, list, "array")
        if len(objects) > MAX_WRITE:
            raise HttpError(413, f"Only {MAX_WRITE} objects can be saved in a single request")
        self._check_library_version(lib, headers, required=False)
        token = headers.get("zotero-write-token")
        api_key = self._key_of(headers) or ""
        if token and (api_key, token) in lib.write_tokens:
            raise HttpError(412, "Write token already used")
        result = self.write_objects(lib, kind, objects, headers.get("if-unmodified-since-version"))
        if token and result["success"]:
            lib.write_tokens.add((api_key, token))
        return _json(result, {"Last-Modified-Version": str(lib.version)})

    def write_objects(self, lib: Library, kind: str, objects: list[Any],
                      header_version: str | None) -> dict[str, dict[str, Any]]:
        """Save a batch: each object created, updated (its fields merged into
        the stored ones) or refused on its own; one new library version."""
        new_version = lib.version + 1
        result: dict[str, dict[str, Any]] = {"successful": {}, "success": {},
                                             "unchanged": {}, "failed": {}}
        store = lib.items if kind == "items" else lib.collections
        changed = False
        for index, obj in enumerate(objects):
            i = str(index)
            try:
                merged, existing = self._merged(lib, kind, obj, header_version)
                if existing is not None and _content(existing) == _content(merged):
                    result["unchanged"][i] = merged["key"]
                    continue
                merged["version"] = new_version
                if kind == "items":
                    merged.setdefault("dateAdded", NOW)
                    merged["dateModified"] = NOW
                store[merged["key"]] = merged
                (lib.deleted_items if kind == "items" else lib.deleted_collections).pop(
                    merged["key"], None)
                changed = True
                result["successful"][i] = self._envelope(lib, kind, merged)
                result["success"][i] = merged["key"]
            except HttpError as exc:
                result["failed"][i] = {"key": obj.get("key", "") if isinstance(obj, dict)
                                       else "", "code": exc.status, "message": exc.message}
        if changed:
            lib.version = new_version
        return result

    def _merged(self, lib: Library, kind: str, obj: Any, header_version: str | None
                ) -> tuple[dict[str, Any], dict[str, Any] | None]:
        """An uploaded object as it would be stored, and the stored one it replaces."""
        if not isinstance(obj, dict):
            raise HttpError(400, "Invalid value in uploaded data; expected JSON object")
        store = lib.items if kind == "items" else lib.collections
        key = obj.get("key") or self.new_key()
        if not KEY_RE.match(str(key)):
            raise HttpError(400, f"'{key}' is not a valid {kind[:-1]} key")
        existing = store.get(key)
        if existing is not None:
            version = obj.get("version", header_version)
            if version is None:
                raise HttpError(428, "Either If-Unmodified-Since-Version or object version "
                                     "property must be provided for key-based writes")
            if str(version) != str(existing["version"]):
                raise HttpError(412, f"{kind[:-1].capitalize()} has been modified since "
                                     f"specified version (expected {version}, found "
                                     f"{existing['version']})")
            merged = {**copy.deepcopy(existing), **copy.deepcopy(obj), "key": key}
        else:
            if obj.get("version") not in (None, 0):
                raise HttpError(404, f"{kind[:-1].capitalize()} doesn't exist (expected "
                                     f"version {obj['version']}; use 0 instead)")
            merged = {**copy.deepcopy(obj), "key": key}
        merged["version"] = existing["version"] if existing else 0
        if kind == "items":
            self.validate_item(lib, merged)
            for name in ("creators", "tags", "collections"):
                merged.setdefault(name, [])
            merged.setdefault("relations", {})
        else:
            if not str(merged.get("name", "")).strip():
                raise HttpError(400, "Collection name cannot be empty")
            parent = merged.setdefault("parentCollection", False)
            if parent and parent not in lib.collections:
                raise HttpError(409, f"Parent collection {parent} not found")
            merged.setdefault("relations", {})
        return merged, existing

    def validate_item(self, lib: Library, item: dict[str, Any]) -> None:
        """Refuse an item api.zotero.org would refuse (HttpError 400/409)."""
        itype = item.get("itemType")
        if not isinstance(itype, str) or itype not in FIELDS:
            raise HttpError(400, f"'{itype}' is not a valid itemType")
        own = CHILD_PROPERTIES.get(itype, set())
        for name, value in item.items():
            if name in PROPERTIES or name in own:
                continue
            if name not in FIELDS[itype]:
                raise HttpError(400, f"'{name}' is not a valid field for type '{itype}'")
            if not isinstance(value, str):
                raise HttpError(400, f"'{name}' must be a string")
        if "note" in own and not isinstance(item.get("note", ""), str):
            raise HttpError(400, "'note' must be a string")
        parent = item.get("parentItem")
        if parent:
            if itype not in CHILD_PROPERTIES:
                raise HttpError(400, f"Only notes and attachments can be child items, "
                                     f"not '{itype}'")
            if parent not in lib.items or lib.items[parent].get("parentItem"):
                raise HttpError(400, f"Parent item {parent} not found")
        creators = item.get("creators", [])
        if not isinstance(creators, list):
            raise HttpError(400, "'creators' must be an array")
        for creator in creators:
            if not isinstance(creator, dict):
                raise HttpError(400, "Creator must be an object")
            ctype = creator.get("creatorType")
            if ctype not in CREATOR_TYPES[itype]:
                raise HttpError(400, f"'{ctype}' is not a valid creator type for item "
                                     f"type '{itype}'")
            if not creator.get("name") and not ("lastName" in creator
                                                and "firstName" in creator):
                raise HttpError(400, "Creator must have name or firstName/lastName")
        tags = item.get("tags", [])
        if not isinstance(tags, list):
            raise HttpError(400, "'tags' must be an array")
        for tag in tags:
            if not isinstance(tag, dict) or not str(tag.get("tag", "")).strip():
                raise HttpError(400, "Tag must be an object with a non-empty 'tag'")
        collections = item.get("collections", [])
        if not isinstance(collections, list):
            raise HttpError(400, "'collections' must be an array")
        for col in collections:
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
            obj = _uploaded(body or b"{}", dict, "object")
        version = obj.get("version", headers.get("if-unmodified-since-version"))
        if item is not None:
            if version is None:
                raise HttpError(428, "If-Unmodified-Since-Version not provided")
            if str(version) != str(item["version"]):
                raise HttpError(412, f"Item has been modified since specified version "
                                     f"(expected {version}, found {item['version']})")
        new_version = lib.version + 1
        if method == "DELETE":
            del lib.items[key]
            lib.deleted_items[key] = new_version
        elif method in ("PUT", "PATCH"):
            merged = ({**copy.deepcopy(item), **obj} if method == "PATCH" and item
                      else {**obj})
            merged["key"] = key
            self.validate_item(lib, merged)
            merged["version"] = new_version
            merged.setdefault("dateAdded", (item or {}).get("dateAdded", NOW))
            merged["dateModified"] = NOW
            lib.items[key] = merged
        else:
            raise HttpError(405, "Method not allowed")
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


def _uploaded(body: bytes, kind: type[_Doc], what: str) -> _Doc:
    """A request's JSON document, which must be a `kind` (a JSON `what`);
    a 400 with Zotero's wording otherwise."""
    try:
        doc = json.loads(body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HttpError(400, f"Invalid JSON: {exc}") from None
    if not isinstance(doc, kind):
        raise HttpError(400, f"Uploaded data must be a JSON {what}")
    return doc


def _int_param(query: dict[str, str], name: str, default: int = 0) -> int:
    value = query.get(name, "")
    if not value:
        return default
    if not value.isdigit():
        raise HttpError(400, f"Invalid '{name}' value '{value}'")
    return int(value)


def _parsed_date(text: str) -> str:
    """meta.parsedDate: "YYYY-MM-00" as far as ssl-bib reads the date (the
    real one has the day too); empty for a date with no year."""
    year, month = year_month(text)
    return "" if year is None else f"{year:04d}-{month or 0:02d}-00"


def _content(obj: dict[str, Any]) -> dict[str, Any]:
    skip = {"version", "dateModified", "dateAdded"}
    return {k: v for k, v in obj.items() if k not in skip and v not in ("", [], {}, None, 0)}


def _json(doc: Any, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json", **(headers or {})}, json.dumps(doc).encode()
