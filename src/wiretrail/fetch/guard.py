"""Refuse URLs whose host resolves to a private, loopback, link-local or otherwise internal
address: a source list or a redirect must not turn wiretrail into a probe of the network it
runs in. Every address the name resolves to is checked, since a client may connect to any.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

from .errors import FetchRefused

Resolver = Callable[[str, int], Sequence[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({info[4][0] for info in infos})


def internal_reason(address: str, *, allow_loopback: bool, allow_private: bool) -> str | None:
    """Why `address` is off limits, or None when it is a public address (or allowed)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback or allow_private else "loopback"
    if ip.is_link_local:
        return None if allow_private else "link-local"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "not a unicast address"
    if ip.is_private or not ip.is_global:
        return None if allow_private else "private"
    return None


def check_host(
    url: str, host: str, port: int, *, allow_loopback: bool, allow_private: bool, resolver: Resolver = resolve
) -> str:
    """Raise `FetchRefused` naming the URL and the address unless every address is allowed;
    return the address to connect to (see pinning.py: the connection must go to a checked one)."""
    try:
        addresses = resolver(host.strip("[]"), port)
    except (OSError, UnicodeError) as exc:
        raise FetchRefused(url, f"cannot resolve host {host!r}: {exc}") from exc
    if not addresses:
        raise FetchRefused(url, f"host {host!r} resolves to no address")
    for address in addresses:
        reason = internal_reason(address, allow_loopback=allow_loopback, allow_private=allow_private)
        if reason:
            raise FetchRefused(
                url,
                f"host {host!r} resolves to {address}, a {reason} address; set fetch_allow_private "
                "(or fetch_allow_loopback) to fetch from it",
            )
    return addresses[0]
