"""Connect only to the address the guard checked: a defence against DNS rebinding.

The guard resolves a host and checks every address; if the HTTP client then resolved the name
again, a hostile DNS server could answer the second time with 127.0.0.1 or 10.0.0.1 and the
check would have vouched for nothing. So the fetcher's transport connects through
`PinnedBackend`: a connection to a host goes to the address the guard pinned for it, and a host
nobody pinned (a robots.txt redirect, followed by httpx) is resolved once, checked, and
connected to by address here. The hostname still goes into the Host header and TLS SNI, and the
certificate is verified against it, because only the TCP connect is redirected.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

from .errors import FetchRefused
from .guard import Resolver, check_host


class PinnedBackend(httpcore.NetworkBackend):
    """httpcore's network backend, connecting to pinned (checked) addresses only."""

    def __init__(self, *, resolver: Resolver, allow_loopback: bool, allow_private: bool) -> None:
        self._inner = httpcore.SyncBackend()
        self._resolver = resolver
        self._policy = {"allow_loopback": allow_loopback, "allow_private": allow_private}
        self._pins: dict[str, str] = {}
        self._lock = threading.Lock()

    def check_and_pin(self, url: str, host: str, port: int) -> str:
        """Resolve `host` once, check every address (`FetchRefused` otherwise), pin one of them."""
        address = check_host(url, host, port, resolver=self._resolver, **self._policy)
        with self._lock:
            self._pins[_key(host)] = address
        return address

    def pinned(self, host: str) -> str | None:
        with self._lock:
            return self._pins.get(_key(host))

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:  # fmt: skip
        address = self.pinned(host)
        if address is None:
            try:
                address = self.check_and_pin(f"//{host}:{port}", host, port)
            except FetchRefused as exc:
                raise httpcore.ConnectError(str(exc)) from exc
        return self._inner.connect_tcp(address, port, timeout=timeout, local_address=local_address, socket_options=socket_options)

    def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def pinned_transport(backend: PinnedBackend) -> httpx.HTTPTransport:
    """httpx's own transport (TLS, HTTP/1.1, pooling) with its connections made by `backend`."""
    transport = httpx.HTTPTransport(trust_env=False)
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.ConnectionPool) or not hasattr(pool, "_network_backend"):
        raise RuntimeError(f"httpx {httpx.__version__}: cannot set the transport's network backend; the address pinning needs httpx 0.2x with httpcore 1.x")
    pool._network_backend = backend  # read when each connection is opened
    return transport


def _key(host: str) -> str:
    return host.strip("[]").lower()
