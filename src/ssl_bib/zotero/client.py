"""A small Zotero Web API v3 client for one group library, on our HTTP conduct.

Our own rather than pyzotero's (which cannot be installed beside bibtexparser 2,
and whose write calls hide per-object failures): every write returns the
server's per-object results, 304 is an answer not an error. The conduct
(ssl_bib.conduct) honours 429, 5xx, Retry-After and Backoff, bounds every
wait, caps a page's size and never follows a redirect.

Every URL is built here from checked parts: the group id is an int, item
keys are checked against Zotero's alphabet (wire.py) before they go into a
path, and a `Link: rel=next` is followed only when it points to the same
origin and path, its parameters re-encoded. So the API key, which goes in
the `Zotero-API-Key` header only, never reaches another host, and it is
scrubbed from every message this module raises."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from ..conduct import MB, Answer, BadAnswer, Clock, Conduct, Policy, ServiceError, jitter
from ..errors import SslBibError, UsageError
from ..service_settings import ZOTERO_URL
from . import wire
from .credentials import checked_key
from .wire import Rejected, WireError, WriteResult

if TYPE_CHECKING:
    import httpx2

T = TypeVar("T")
DEFAULT_URL = ZOTERO_URL
BATCH = 50  # the API's limit on objects per write and keys per itemKey= read
PAGE = 100  # the API's limit on objects per page of a listing
# A page is at most 100 items (or 50 by key); a note can be long, and
# abstracts are: 32 MB is far beyond any real page and far below harm.
MAX_PAGE = 32 * MB

__all__ = ["BATCH", "DEFAULT_URL", "AccessError", "WriteResult", "ZoteroClient", "ZoteroError"]


class ZoteroError(SslBibError):
    """A failure talking to Zotero, with a one-line message safe to print."""


class AccessError(ZoteroError):
    """The key, its permissions or the group are wrong: nothing was changed."""


def zotero_policy(attempts: int = 5, timeout: float = 20.0, backoff: float = 0.5,
                  max_wait: float = 60.0) -> Policy:
    """The conduct's rules for Zotero: a read timeout of `timeout`, each
    exchange whole within 1.5 times it, pages up to MAX_PAGE."""
    return Policy(attempts=attempts, backoff=backoff, read_timeout=timeout,
                  deadline=1.5 * timeout, max_wait=max_wait, max_bytes=MAX_PAGE)


class ZoteroClient:
    def __init__(self, group: int, api_key: str, base_url: str = DEFAULT_URL, *,
                 transport: httpx2.BaseTransport | None = None, clock: Clock | None = None,
                 max_attempts: int = 5, timeout: float = 20.0, policy: Policy | None = None,
                 rand: Callable[[], float] = jitter) -> None:
        if isinstance(group, bool) or not isinstance(group, int) or group < 1:
            raise UsageError(f"a Zotero group id is a positive integer, not {group!r}")
        checked_key(api_key, "the Zotero API key")
        self.group = group
        self.base_url = base_url.rstrip("/")
        self.conduct = Conduct(
            "Zotero", self.base_url,
            policy=policy or zotero_policy(attempts=max_attempts, timeout=timeout),
            clock=clock, rand=rand, transport=transport, secrets=[api_key],
            headers={"Zotero-API-Version": "3", "Zotero-API-Key": api_key,
                     "User-Agent": "ssl-bib (Zotero sync)"})
        # Objects of answers that could not be used, one line each; the sync
        # reports them and leaves those objects alone.
        self.rejected: list[str] = []
        self.rejected_keys: set[str] = set()

    @property
    def prefix(self) -> str:
        return f"/groups/{self.group}"

    @property
    def requests(self) -> int:
        """Requests sent, retries included."""
        return self.conduct.requests

    def close(self) -> None:
        self.conduct.close()

    def __enter__(self) -> ZoteroClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scrub(self, text: str) -> str:
        return self.conduct.scrub(text)

    def _reject(self, rejected: Iterable[Rejected]) -> None:
        for problem in rejected:
            self.rejected.append(f"{problem.label}: {problem.reason}; skipped")
            key = problem.label.rsplit(" ", 1)[-1]
            if wire.is_key(key):
                self.rejected_keys.add(key)

    # -- transport ----------------------------------------------------------------

    def request(self, method: str, path: str, *, params: Any = None, json: Any = None,
                headers: dict[str, str] | None = None) -> Answer:
        """One request through the conduct; any failure as a ZoteroError."""
        try:
            return self.conduct.request(method, path, params=params, json=json,
                                        headers=headers)
        except ServiceError as exc:
            raise ZoteroError(self.scrub(str(exc))) from None

    def _check(self, answer: Answer, what: str, ok: Iterable[int] = (200,)) -> None:
        if answer.status in ok:
            return
        detail = self.scrub(answer.snippet())
        status = answer.status
        if status == 403:
            raise AccessError(f"Zotero refused access to group {self.group} ({what}): "
                              f"403 {detail}; check the API key and its permissions")
        if status == 404:
            raise AccessError(f"Zotero has no group {self.group} ({what}): 404 {detail}")
        if 300 <= status < 400:
            raise ZoteroError(f"Zotero answered {status} to {what}, a redirect, which is "
                              "not followed (the API key would go with it)")
        raise ZoteroError(f"Zotero answered {status} to {what}: {detail}")

    def _json(self, answer: Answer) -> Any:
        try:
            return answer.json()
        except BadAnswer as exc:
            raise ZoteroError(self.scrub(str(exc))) from None

    def _library_version(self, answer: Answer) -> int:
        version = answer.header_int("Last-Modified-Version")
        if version is None:
            raise ZoteroError(f"{answer.what} carries no valid Last-Modified-Version "
                              f"({wire.shown(answer.headers.get('Last-Modified-Version'))})")
        return version

    def _read(self, answer: Answer, reader: Callable[[Any], tuple[T, list[Rejected]]]) -> T:
        """An answer's JSON through one of wire.py's readers: the objects it
        rejected are kept for the report; a wrong overall shape is an error."""
        try:
            found, rejected = reader(self._json(answer))
        except WireError as exc:
            raise ZoteroError(self.scrub(f"{answer.what} {exc}")) from None
        self._reject(rejected)
        return found

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        answer = self.request("GET", path, params=params)
        self._check(answer, f"GET {path}")
        return self._json(answer)

    # -- reads ------------------------------------------------------------------

    def key_access(self) -> dict[str, Any]:
        """What the key may do: `{"library": bool, "write": bool}` for our group."""
        answer = self.request("GET", "/keys/current")
        if answer.status in (403, 404):
            raise AccessError("Zotero does not know this API key (403); check ZOTERO_API_KEY "
                              "or --api-key-file")
        self._check(answer, "GET /keys/current")
        info = self._json(answer)
        access = info.get("access") if isinstance(info, dict) else None
        groups = access.get("groups") if isinstance(access, dict) else None
        if not isinstance(groups, dict):
            groups = {}
        mine = groups.get(str(self.group)) or groups.get("all") or {}
        if not isinstance(mine, dict):
            mine = {}
        return {"library": mine.get("library") is True, "write": mine.get("write") is True}

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
        answer = self.request("GET", f"{self.prefix}/items",
                              params={"since": since, "format": "versions",
                                      "includeTrashed": 1}, headers=headers)
        if answer.status == 304:
            reported = answer.header_int("Last-Modified-Version")
            return None, since if reported is None else reported
        self._check(answer, "GET items?format=versions")
        version = self._library_version(answer)
        return self._read(answer, wire.versions), version

    def versions_of(self, keys: list[str]) -> dict[str, int]:
        """The current versions of these items (trashed included); a key
        missing from the result is not in the library."""
        out: dict[str, int] = {}
        for start in range(0, len(keys), BATCH):
            chunk = [wire.require_key(k) for k in keys[start:start + BATCH]]
            answer = self.request("GET", f"{self.prefix}/items", params={
                "itemKey": ",".join(chunk), "format": "versions", "includeTrashed": 1})
            self._check(answer, "GET items?itemKey=...&format=versions")
            found = self._read(answer, wire.versions)
            out.update((k, v) for k, v in found.items() if k in chunk)
        return out

    def deleted(self, since: int) -> dict[str, list[str]]:
        answer = self.request("GET", f"{self.prefix}/deleted", params={"since": since})
        self._check(answer, "GET deleted")
        return self._read(answer, wire.deleted)

    def items_by_key(self, keys: list[str]) -> list[dict[str, Any]]:
        """Full items (their checked `data`, with key and version) for keys,
        50 a request. Items the server sends but was not asked for are
        ignored; items that fail the checks are reported and left out."""
        out: list[dict[str, Any]] = []
        for start in range(0, len(keys), BATCH):
            chunk = [wire.require_key(k) for k in keys[start:start + BATCH]]
            page = self.get_json(f"{self.prefix}/items", {
                "itemKey": ",".join(chunk), "includeTrashed": 1, "format": "json",
                "limit": BATCH})
            if not isinstance(page, list):
                raise ZoteroError(f"Zotero's answer to GET items?itemKey=... is "
                                  f"{wire.kind_of(page)}, not a list of items")
            asked = set(chunk)
            for obj in page:
                try:
                    key, data = wire.item(obj)
                except Rejected as problem:
                    self._reject([problem])
                    continue
                if key in asked:
                    out.append(data)
        return out

    def all_pages(self, path: str, params: dict[str, Any],
                  progress: Callable[[int, int], None] | None = None) -> list[Any]:
        """Every object of a listing, following `Link: rel="next"` while it
        stays on the configured origin and this path. `progress(done, total)`
        after each page (total from Total-Results)."""
        out: list[Any] = []
        query: Any = {"limit": PAGE, **params}
        while True:
            answer = self.request("GET", path, params=query)
            self._check(answer, f"GET {path}")
            page = self._json(answer)
            if not isinstance(page, list):
                raise ZoteroError(f"{answer.what} is {wire.kind_of(page)}, not a list")
            out.extend(page)
            if progress is not None:
                progress(len(out), max(len(out), answer.header_int("Total-Results") or 0))
            nxt = answer.links().get("next")
            if not nxt:
                return out
            target = self.conduct.on_origin(nxt)
            if target is None or target[0] != path:
                raise ZoteroError(self.scrub(
                    f"{answer.what} links its next page to {wire.shown(nxt, 80)}, off "
                    f"{self.base_url}{path}; not followed (the API key would go with it)"))
            query = target[1]

    def items_since(self, since: int,
                    progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
        """Every item changed since `since` (trashed included), whole, 100 a
        page: for reading most of a library, half the requests of reading it
        by key. Items that fail the checks are reported and left out."""
        out: list[dict[str, Any]] = []
        for obj in self.all_pages(f"{self.prefix}/items", {
                "since": since, "includeTrashed": 1, "format": "json"}, progress):
            try:
                out.append(wire.item(obj)[1])
            except Rejected as problem:
                self._reject([problem])
        return out

    def collections(self, since: int = 0) -> list[dict[str, Any]]:
        """Collections changed since `since`, their data checked."""
        out: list[dict[str, Any]] = []
        for obj in self.all_pages(f"{self.prefix}/collections", {"since": since}):
            try:
                out.append(wire.collection(obj))
            except Rejected as problem:
                self._reject([problem])
        return out

    # -- writes -----------------------------------------------------------------

    def put_item(self, key: str, data: dict[str, Any]) -> tuple[int, int]:
        """Replace one item whole (its `version` in the data). Returns the
        status (204, or 412/404/400 for the caller to handle) and the new version."""
        path = f"{self.prefix}/items/{wire.require_key(key)}"
        answer = self.request("PUT", path, json=data)
        if answer.status not in (204, 412, 404, 400):
            self._check(answer, f"PUT items/{key}", ok=(204,))
        version = answer.header_int("Last-Modified-Version") if answer.status == 204 else 0
        if version is None:
            version = self._library_version(answer)
        return answer.status, version

    def post(self, kind: str, objects: list[dict[str, Any]]) -> WriteResult:
        """Create or update up to 50 objects, each carrying its own `version`
        (0 for a new object with a key we chose). Per-object results returned."""
        if kind not in ("items", "collections"):
            raise UsageError(f"cannot write {kind!r}")
        if len(objects) > BATCH:
            raise UsageError(f"at most {BATCH} objects per write")
        for obj in objects:
            wire.require_key(str(obj.get("key")))
        answer = self.request("POST", f"{self.prefix}/{kind}", json=objects)
        self._check(answer, f"POST {kind}")
        version = self._library_version(answer)
        return self._read(answer, lambda doc: (wire.write_result(doc, objects, version), []))
