"""The local Zotero API on a socket: a threaded HTTP/1.1 server on 127.0.0.1.

Each request goes to LocalZotero.handle and its Reply goes back as it is:
status, headers, a Content-Length body, connections kept alive (the client
reuses them, as it does with api.zotero.org).
"""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO, cast

from .api import LocalZotero

MAX_BODY = 64 * 1024 * 1024  # a write of 50 items is far below; a bigger one is refused


class _Handler(BaseHTTPRequestHandler):
    api: LocalZotero
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without this, Nagle's algorithm
    # and delayed ACKs add 40 ms to every keep-alive response.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def _serve(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.send_error(413 if length > MAX_BODY else 400)
            return
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        reply = self.api.handle(self.command, self.path, headers, body)
        if reply.drop or reply.writer is not None:
            self.close_connection = True
            if reply.writer is not None:
                reply.writer(cast(BinaryIO, self.wfile))
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body) if reply.status != 304 else 0))
        self.end_headers()
        if reply.status != 304:
            self.wfile.write(reply.body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up in the middle of an answer (it gave up, or it
    refused a next page) is normal here, not a traceback on stderr."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class HttpServer:
    """`api` served at `url` (port 0: a free one) until stopped."""

    def __init__(self, api: LocalZotero, host: str = "127.0.0.1", port: int = 0) -> None:
        class Handler(_Handler):
            pass

        Handler.api = api
        self.httpd = _QuietServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_address[1]}"
        api.url = self.url

    def start(self) -> str:
        """Serve in a daemon thread; returns the URL."""
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        return self.url

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def close(self) -> None:
        """Release the socket of a server that never started."""
        self.httpd.server_close()
