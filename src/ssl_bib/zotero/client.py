"""A small Zotero Web API v3 client on httpx2, for one group library.

Our own rather than pyzotero's (which cannot be installed beside bibtexparser 2,
and whose write calls hide per-object failures): every write returns the
server's per-object results, 304 is an answer not an error, and 429, 503,
Retry-After and Backoff are honoured on every request, reads and writes.

The API key goes in the `Zotero-API-Key` header only, never in a URL, and is
scrubbed from every message this module raises."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import httpx2

DEFAULT_URL = "https://api.zotero.org"
BATCH = 50  # the API's limit on objects per write and keys per itemKey= read
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class ZoteroError(Exception):
    """A failure talking to Zotero, with a one-line message safe to print."""


class AccessError(ZoteroError):
    """The key, its permissions or the group are wrong: nothing was changed."""


class Clock(Protocol):
    def now(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@dataclass
class WriteResult:
    """The per-object outcome of one multi-object write (indexes into the batch)."""

    successful: dict[int, dict[str, Any]] = field(default_factory=dict)
    unchanged: dict[int, str] = field(default_factory=dict)
    failed: dict[int, dict[str, Any]] = field(default_factory=dict)
    version: int = 0


class ZoteroClient:
    def __init__(self, group: int, api_key: str, base_url: str = DEFAULT_URL, *,
                 transport: httpx2.BaseTransport | None = None, clock: Clock | None = None,
                 max_attempts: int = 6, timeout: float = 30.0) -> None:
        import httpx2

        self.group, self.base_url = group, base_url.rstrip("/")
        self._key = api_key
        self.clock: Clock = clock or RealClock()
        self.max_attempts = max_attempts
        self.requests = 0  # requests sent, retries included
        self._not_before = 0.0
        self._http = httpx2.Client(
            base_url=self.base_url, transport=transport, timeout=timeout,
            headers={"Zotero-API-Version": "3", "Zotero-API-Key": api_key,
                     "User-Agent": "ssl-bib (Zotero sync)"})

    @property
    def prefix(self) -> str:
        return f"/groups/{self.group}"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ZoteroClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scrub(self, text: str) -> str:
        return text.replace(self._key, "***") if self._key else text

    # -- transport with retries -------------------------------------------------

    def request(self, method: str, url: str, *, params: dict[str, Any] | None = None,
                json: Any = None, headers: dict[str, str] | None = None) -> httpx2.Response:
        """Send one request, retrying transport errors, 429 and 5xx; honour
        Backoff and Retry-After. Any other status is returned to the caller."""
        import httpx2

        delay = 1.0
        for attempt in range(1, self.max_attempts + 1):
            wait = self._not_before - self.clock.now()
            if wait > 0:
                self.clock.sleep(wait)
            self.requests += 1
            try:
                response = self._http.request(method, url, params=params, json=json,
                                              headers=headers)
            except (httpx2.UnsupportedProtocol, httpx2.InvalidURL, UnicodeError) as exc:
                # A malformed URL: no retry makes it reachable.
                raise ZoteroError(self.scrub(
                    f"cannot use {self.base_url} as the Zotero URL: {type(exc).__name__}: {exc}"
                )) from None
            except httpx2.TransportError as exc:
                if attempt == self.max_attempts:
                    raise ZoteroError(self.scrub(
                        f"cannot reach Zotero at {self.base_url}: {type(exc).__name__}: {exc}"
                    )) from None
                self.clock.sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            backoff = _seconds(response.headers.get("Backoff"))
            if backoff:
                self._not_before = self.clock.now() + backoff
            if response.status_code not in RETRY_STATUSES:
                return response
            if attempt == self.max_attempts:
                raise ZoteroError(f"Zotero answered {response.status_code} to {method} "
                                  f"{self.scrub(str(response.url.path))} "
                                  f"{self.max_attempts} times; try again later")
            retry_after = _seconds(response.headers.get("Retry-After"))
            self.clock.sleep(retry_after if retry_after else delay)
            delay = min(delay * 2, 60.0)
        raise AssertionError("unreachable")  # pragma: no cover

    def _check(self, response: httpx2.Response, what: str, ok: Iterable[int] = (200,)) -> None:
        if response.status_code in ok:
            return
        detail = self.scrub(" ".join(response.text.split())[:200])
        status = response.status_code
        if status == 403:
            raise AccessError(f"Zotero refused access to group {self.group} ({what}): "
                              f"403 {detail}; check the API key and its permissions")
        if status == 404:
            raise AccessError(f"Zotero has no group {self.group} ({what}): 404 {detail}")
        raise ZoteroError(f"Zotero answered {status} to {what}: {detail}")

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = self.request("GET", path, params=params)
        self._check(response, f"GET {path}")
        return response.json()

    # -- reads ------------------------------------------------------------------

    def key_access(self) -> dict[str, Any]:
        """What the key may do: `{"library": bool, "write": bool}` for our group."""
        response = self.request("GET", "/keys/current")
        if response.status_code in (403, 404):
            raise AccessError("Zotero does not know this API key (403); check ZOTERO_API_KEY "
                              "or --api-key-file")
        self._check(response, "GET /keys/current")
        info = response.json()
        groups = (info.get("access") or {}).get("groups") or {}
        access = groups.get(str(self.group)) or groups.get("all") or {}
        return {"library": bool(access.get("library")), "write": bool(access.get("write"))}

    def check_access(self, write: bool) -> None:
        access = self.key_access()
        if not access["library"]:
            raise AccessError(f"the API key has no access to Zotero group {self.group}")
        if write and not access["write"]:
            raise AccessError(f"the API key may only read Zotero group {self.group}; "
                              "give it write access (zotero.org/settings/keys) or use "
                              "`zotero pull`")

    def item_versions(self, since: int) -> tuple[dict[str, int] | None, int]:
        """Versions of items changed since `since` (trashed included) and the
        library version; None when nothing changed (304)."""
        headers = {"If-Modified-Since-Version": str(since)} if since else None
        response = self.request("GET", f"{self.prefix}/items",
                                params={"since": since, "format": "versions",
                                        "includeTrashed": 1}, headers=headers)
        if response.status_code == 304:
            return None, since
        self._check(response, "GET items?format=versions")
        return ({str(k): int(v) for k, v in response.json().items()},
                int(response.headers.get("Last-Modified-Version", "0")))

    def deleted(self, since: int) -> dict[str, list[str]]:
        data = self.get_json(f"{self.prefix}/deleted", {"since": since})
        return {k: [str(x) for x in v] for k, v in data.items() if isinstance(v, list)}

    def items_by_key(self, keys: list[str]) -> list[dict[str, Any]]:
        """Full items for keys, in batches of 50 (one request each)."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(keys), BATCH):
            chunk = keys[start:start + BATCH]
            out.extend(self.get_json(f"{self.prefix}/items", {
                "itemKey": ",".join(chunk), "includeTrashed": 1, "format": "json",
                "limit": BATCH}))
        return out

    def all_pages(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Every object of a listing, following the Link rel="next" headers."""
        out: list[dict[str, Any]] = []
        url: str | None = path
        query: dict[str, Any] | None = {"limit": 100, **params}
        while url:
            response = self.request("GET", url, params=query)
            self._check(response, f"GET {path}")
            out.extend(response.json())
            nxt = response.links.get("next", {}).get("url")
            url, query = (nxt, None) if nxt else (None, None)
        return out

    def collections(self, since: int = 0) -> list[dict[str, Any]]:
        return self.all_pages(f"{self.prefix}/collections", {"since": since})

    # -- writes -----------------------------------------------------------------

    def put_item(self, key: str, data: dict[str, Any]) -> tuple[int, int]:
        """Replace one item whole (its `version` in the data). Returns the
        status (204, or 412/404 for the caller to handle) and the new version."""
        response = self.request("PUT", f"{self.prefix}/items/{key}", json=data)
        if response.status_code not in (204, 412, 404, 400):
            self._check(response, f"PUT items/{key}", ok=(204,))
        return response.status_code, int(response.headers.get("Last-Modified-Version", "0"))

    def post(self, kind: str, objects: list[dict[str, Any]]) -> WriteResult:
        """Create or update up to 50 objects, each carrying its own `version`
        (0 for a new object with a key we chose). Per-object results returned."""
        if len(objects) > BATCH:
            raise ValueError(f"at most {BATCH} objects per write")
        response = self.request("POST", f"{self.prefix}/{kind}", json=objects)
        self._check(response, f"POST {kind}")
        body = response.json()
        result = WriteResult(version=int(response.headers.get("Last-Modified-Version", "0")))
        for index, obj in (body.get("successful") or {}).items():
            result.successful[int(index)] = obj
        for index, key in (body.get("success") or {}).items():
            result.successful.setdefault(int(index), {"key": key})
        for index, key in (body.get("unchanged") or {}).items():
            result.unchanged[int(index)] = str(key)
        for index, failure in (body.get("failed") or {}).items():
            result.failed[int(index)] = failure
        return result


def _seconds(value: str | None) -> float:
    try:
        return max(0.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0
