"""Deterministic ids from content hashes: re-ingesting the same input changes nothing."""

from __future__ import annotations

import hashlib


def content_hash(data: str | bytes) -> str:
    """Full SHA-256 of an input's content, as hex."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def document_id(content_sha: str, url: str | None) -> str:
    """A document is its content plus, when known, the URL it was published at.

    The same bytes at two URLs are two copies (syndication is what provenance looks for);
    the same file read from two local paths is one document, since a path says nothing about
    where the text was published.
    """
    key = f"{url or ''}\n{content_sha}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
