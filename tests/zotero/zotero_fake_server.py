"""The local Zotero (ssl_bib.zotero.localserver) with faults, for tests and benchmarks.

The product's server speaks the protocol; this subclass adds what a test
needs to break it. Test controls: `faults[n] = kind` injects a fault on
request n (0-based; "500", "503", "429", "429-backoff", "backoff", "drop" -
the last applies the request and then closes the connection without an
answer; and the hostile ones: "retry-after-299", "redirect" to another host,
"hang" (no answer for `hang_seconds`), "slowloris" (a body trickling in a
byte at a time), "huge" (a gigabyte, its length declared or,
"huge-chunked", not)); `fail_from = (n, kind)` gives every request from n on
that fault; `hooks[n] = fn` runs fn(server) before request n and
`before_write = fn` before the next write to items (a second user editing);
`tamper = fn` may rewrite every answer (status, headers, body) before it is
sent (wrong types, bad keys, a foreign Link, versions going backwards);
`forget_writes` answers writes of items as saved but stores nothing (True:
the library version stays; "bump": it moves anyway); `log` records every
request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, BinaryIO

from ssl_bib.zotero.localserver import (
    HttpError,
    HttpServer,
    Library,
    LocalZotero,
    LoggedRequest,
    Reply,
)
from ssl_bib.zotero.localserver.itemtypes import (
    ALPHABET,
    CREATOR_TYPES,
    FIELDS,
    KEY_RE,
    MAX_WRITE,
    PROPERTIES,
)
from tests.local_server import misbehave as misbehave_with

__all__ = ["ALPHABET", "CREATOR_TYPES", "FIELDS", "KEY_RE", "MAX_WRITE", "PROPERTIES",
           "FakeZotero", "HttpError", "Library", "LoggedRequest"]

_STATUS_FAULTS = {"500": {}, "503": {"Retry-After": "2"}, "429": {"Retry-After": "3"},
                  "429-backoff": {"Backoff": "4"}, "retry-after-299": {"Retry-After": "299"}}
_MISBEHAVE = ("hang", "slowloris", "huge", "huge-chunked")


class FakeZotero(LocalZotero):
    def __init__(self) -> None:
        super().__init__(keep_log=True)
        self.faults: dict[int, str] = {}
        self.hooks: dict[int, Callable[[FakeZotero], None]] = {}
        # Run once, just before the next write to /items: a second user editing
        # between our read and our write.
        self.before_write: Callable[[FakeZotero], None] | None = None
        self.fail_from: tuple[int, str] | None = None
        self.hang_seconds = 30.0
        self.tamper: Callable[[LoggedRequest, int, dict[str, str], bytes],
                              tuple[int, dict[str, str], bytes]] | None = None
        self.forget_writes: bool | str = False
        self._http: HttpServer | None = None
        self._fault_of: dict[int, str] = {}

    def add_group(self, group: int, name: str = "ssl-bib test group") -> Library:
        return super().add_group(group, name)

    def start(self) -> str:
        self._http = HttpServer(self)
        return self._http.start()

    def stop(self) -> None:
        if self._http is not None:
            self._http.stop()

    def clear_log(self) -> None:
        self.log.clear()
        self.faults.clear()
        self.hooks.clear()

    # -- faults -------------------------------------------------------------------

    def before(self, request: LoggedRequest) -> Reply | None:
        with self.lock:
            fault = self.faults.get(request.index)
            if fault is None and self.fail_from and request.index >= self.fail_from[0]:
                fault = self.fail_from[1]
            hook = self.hooks.get(request.index)
        if hook:
            hook(self)
        if self.before_write and request.method != "GET" and request.path.endswith("/items"):
            second_user, self.before_write = self.before_write, None
            second_user(self)
        if fault in _STATUS_FAULTS:
            status = int(fault[:3]) if fault[:3].isdigit() else 429
            return Reply(status, dict(_STATUS_FAULTS[fault]), b"Simulated fault")
        if fault == "redirect":
            return Reply(302, {"Location": f"http://evil.invalid:8080{request.path}"}, b"")
        if fault in _MISBEHAVE:
            return Reply(200, {}, b"", writer=self._misbehave(fault))
        if fault:
            self._fault_of[request.index] = fault
        return None

    def after(self, request: LoggedRequest, reply: Reply) -> Reply:
        fault = self._fault_of.pop(request.index, None)
        if fault == "backoff":
            reply.headers["Backoff"] = "5"
        if self.tamper is not None:
            reply.status, reply.headers, reply.body = self.tamper(
                request, reply.status, reply.headers, reply.body)
        reply.drop = fault == "drop"
        return reply

    def _misbehave(self, kind: str) -> Callable[[BinaryIO], None]:
        def write(wfile: BinaryIO) -> None:
            if kind == "hang":
                time.sleep(self.hang_seconds)
                return
            misbehave_with(wfile, kind, start=b"[", content_type="application/json",
                           extra_headers="Last-Modified-Version: 1\r\n")
        return write

    def write_objects(self, lib: Library, kind: str, objects: list[Any],
                      header_version: str | None) -> dict[str, dict[str, Any]]:
        before = (dict(lib.items), dict(lib.collections), lib.version)
        result = super().write_objects(lib, kind, objects, header_version)
        if self.forget_writes and kind == "items" and result["success"]:
            lib.items, lib.collections = before[0], before[1]
            if self.forget_writes != "bump":
                lib.version = before[2]
        return result
