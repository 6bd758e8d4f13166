"""What the local test servers (Crossref, arXiv, Zotero) share: an HTTP
server on 127.0.0.1 with an ephemeral port, in a daemon thread, whose GET
requests go to the subclass's `_handle` (`with Server(...) as server: ...
server.url ...`), and the hostile answers every service test needs
(`misbehave`)."""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, BinaryIO, Self


class QuietServer(ThreadingHTTPServer):
    """A client hanging up mid-answer (a deadline, a refused next page) is what
    many tests do on purpose: no traceback from the server's thread, which
    CliRunner would catch in the command's own output."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LocalServer:
    def __init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server._handle(self)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # A short poll interval: shutdown() waits for one, and tests start many servers.
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,),
                                       daemon=True)

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def misbehave(wfile: BinaryIO, kind: str, *, start: bytes, content_type: str,
              extra_headers: str = "", interval: float = 0.2) -> None:
    """Answer 200 with `start` and then never finish: trickle a byte every
    `interval` seconds ("slowloris"), or pour out a gigabyte ("huge", with its
    length declared; "huge-chunked", without). Stops when the client hangs up,
    or after two minutes at most (a test must not leave a thread behind).
    The caller closes the connection afterwards."""
    chunked = kind == "huge-chunked"
    size = 100_000 if kind == "slowloris" else 1 << 30
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    started = time.monotonic()
    block = b" " * 65536
    try:
        wfile.write(f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n{extra_headers}"
                    f"{length}\r\n\r\n".encode("ascii"))
        wfile.write(b"%x\r\n%s\r\n" % (len(start), start) if chunked else start)
        while time.monotonic() - started < 120:
            if kind == "slowloris":
                wfile.write(b" ")
                wfile.flush()
                time.sleep(interval)
            elif chunked:
                wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
            else:
                wfile.write(block)
    except OSError:
        pass  # the client hung up: what a client with a deadline or a cap does
