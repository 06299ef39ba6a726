"""Canonical URLs: the same article reached through two feeds is one page.

Tracking parameters, fragments, default ports and the host's case say nothing about which
page it is, so they are dropped; the remaining query parameters keep their order (some sites
route on it).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .errors import FetchRefused

SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_")  # campaign tags of analytics tools
TRACKING_PARAMS = frozenset(
    "fbclid gclid gclsrc dclid msclkid yclid twclid igshid mkt_tok _hsenc _hsmi ref_src "
    "ocid cmpid s_cid icid at_medium at_campaign".split()
)


def canonical_url(url: str) -> str:
    """`url` without tracking parameters, fragment or default port, host in lower case.

    Raises `FetchRefused` for anything that is not an absolute http(s) URL.
    """
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise FetchRefused(url, f"not an http(s) URL (scheme {parts.scheme or 'missing'!r}); use http:// or https://")
    if not parts.hostname:
        raise FetchRefused(url, "the URL names no host")
    host = parts.hostname.rstrip(".").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError as exc:
        raise FetchRefused(url, f"bad port: {exc}") from exc
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:  # credentials in a URL are kept: they select what is fetched
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    path = parts.path or "/"  # kept as written: decoding %2F would change which page it names
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _tracking(k)]
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def _tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def origin(url: str) -> str:
    """scheme://host[:port] of a canonical URL: the unit robots.txt and politeness apply to."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"
