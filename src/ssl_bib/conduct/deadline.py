"""An httpx2 transport whose every socket operation ends by the exchange's
deadline, not only by a per-read timeout.

A per-read timeout does not bound an exchange: a server that sends one byte
every 19 s never trips a 20 s read timeout, and httpcore reads the status
line and headers in a loop of its own, so a check between body chunks alone
would not stop a server that trickles its headers. Here each read, write,
connect and TLS handshake gets `min(its timeout, time left)`, so the whole
exchange ends within its deadline. Name resolution, which no socket timeout
covers (getaddrinfo blocks as long as the resolver likes), runs in a helper
thread that is waited for no longer than the connect timeout.

The deadline is per thread (`exchange_deadline`), so concurrent requests of
one client each keep their own.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from ..errors import SslBibError

if TYPE_CHECKING:
    import httpcore2
    import httpx2

Resolver = Callable[..., list[tuple[Any, ...]]]

_local = threading.local()


@contextlib.contextmanager
def exchange_deadline(seconds: float) -> Iterator[DeadlineState]:
    """Within this block, socket operations of this thread end `seconds` from now."""
    state = DeadlineState(time.monotonic() + seconds)
    previous = getattr(_local, "state", None)
    _local.state = state
    try:
        yield state
    finally:
        _local.state = previous


class DeadlineState:
    def __init__(self, until: float) -> None:
        self.until = until

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.until


def _bounded(timeout: float | None) -> float | None:
    """`timeout`, shortened to the current exchange's time left. At the
    deadline, raise the timeout the operation would have raised."""
    state: DeadlineState | None = getattr(_local, "state", None)
    if state is None:
        return timeout
    left = state.until - time.monotonic()
    if left <= 0:
        import httpcore2

        raise httpcore2.ReadTimeout("the exchange's deadline passed")
    return left if timeout is None else min(timeout, left)


def make_transport(*, verify: bool = True, resolver: Resolver | None = None,
                   **options: Any) -> httpx2.HTTPTransport:
    """An httpx2 HTTPTransport whose sockets keep the exchange deadline."""
    import httpx2

    transport = httpx2.HTTPTransport(verify=verify, **options)
    if not install(transport, resolver):  # pragma: no cover - an httpx2 without this seam
        raise SslBibError("this httpx2 has no network backend to bound; ssl-bib needs one")
    return transport


def install(transport: object, resolver: Resolver | None = None) -> bool:
    """Give an httpx2 HTTPTransport (its connection pool) the deadline
    backend; False when it has no pool to give it to (a mock transport)."""
    pool = getattr(transport, "_pool", None)
    inner = getattr(pool, "_network_backend", None)
    if inner is None:
        return False
    if not isinstance(inner, DeadlineBackend):
        pool._network_backend = DeadlineBackend(inner, resolver)  # type: ignore[union-attr]
    return True


class DeadlineBackend:
    """Wraps httpcore's own backend: bounded resolution, bounded sockets."""

    def __init__(self, inner: httpcore2.NetworkBackend, resolver: Resolver | None = None) -> None:
        self.inner = inner
        self.resolve: Resolver = resolver or socket.getaddrinfo

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> DeadlineStream:
        import httpcore2

        last: Exception | None = None
        for address in self._addresses(host, port, timeout):
            try:
                stream = self.inner.connect_tcp(address, port, _bounded(timeout),
                                                local_address, socket_options)
            except (httpcore2.ConnectError, httpcore2.ConnectTimeout) as exc:
                last = exc
                continue
            return DeadlineStream(stream)
        assert last is not None
        raise last

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> DeadlineStream:
        return DeadlineStream(self.inner.connect_unix_socket(path, _bounded(timeout),
                                                             socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)

    def _addresses(self, host: str, port: int, timeout: float | None) -> list[str]:
        """The host's addresses, resolved within the connect timeout."""
        import httpcore2

        try:
            ipaddress.ip_address(host)
            return [host]
        except ValueError:
            pass
        limit = _bounded(timeout)
        done = threading.Event()
        outcome: list[Any] = []

        def resolve() -> None:
            try:
                outcome.append(self.resolve(host, port, type=socket.SOCK_STREAM))
            except (OSError, UnicodeError) as exc:
                outcome.append(exc)
            done.set()

        threading.Thread(target=resolve, name="resolve", daemon=True).start()
        if not done.wait(limit):
            raise httpcore2.ConnectTimeout(f"resolving {host} took more than {limit:.1f} s")
        result = outcome[0]
        if isinstance(result, Exception):
            message = result.args[1] if len(result.args) > 1 else str(result)
            raise httpcore2.ConnectError(f"cannot resolve host {host}: {message}")
        addresses = list(dict.fromkeys(str(info[4][0]) for info in result))
        if not addresses:
            raise httpcore2.ConnectError(f"cannot resolve host {host}: no address")
        return addresses


class DeadlineStream:
    """Wraps a network stream: every operation bounded by the deadline."""

    def __init__(self, inner: httpcore2.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> DeadlineStream:
        return DeadlineStream(self.inner.start_tls(ssl_context, server_hostname,
                                                   _bounded(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)
