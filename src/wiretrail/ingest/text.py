"""Plain text files, and what every reader shares: the emptiness check, dates, failures.

A text file is passed on as decoded: its header lines ('date ...', 'Published ...') and page
furniture are cleaning's business, so that a reader never drops what it does not understand.
"""

from __future__ import annotations

import logging
from datetime import datetime
from email.utils import parsedate_to_datetime

from ..errors import BinaryInput, EmptyInput, InputError
from ..ids import content_hash
from ..model import DateOrigin, DatePrecision, Failure, RawDocument, Timestamp
from .decode import decode_bytes

log = logging.getLogger(__name__)


def read_text(data: bytes, *, source: str) -> RawDocument:
    """One text file as a RawDocument; raises `EmptyInput` or `BinaryInput` for unusable bytes."""
    decoded = decode_bytes(data, source=source)
    require_text(decoded.text, source=source)
    return RawDocument(
        source=source,
        text=decoded.text,
        media_type="text/plain",
        content_sha=content_hash(data),
        byte_length=len(data),
        encoding=decoded.encoding,
        ends_mid_character=decoded.ends_mid_character,
    )


def require_text(text: str | None, *, source: str, what: str = "empty: nothing but whitespace") -> str:
    """`text` if it has any non-blank character, else `EmptyInput`."""
    if not text or not text.strip():
        raise EmptyInput(source, what)
    return text


def parse_timestamp(value: str | None, *, origin: DateOrigin) -> Timestamp | None:
    """An ISO 8601 date or date-time (or an RFC 2822 one) as a Timestamp; None if unparsable.

    Minute precision when a time is given, day precision otherwise. A value without a zone stays
    naive: the zone is unknown, and guessing UTC would shift late-evening stamps by a day.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):  # overflow: a year of 30 digits (fuzz/fuzz_jsonl.py)
            log.debug("unparsable date %r ignored", text)
            return None
    if ":" not in text:  # no time given, not even midnight
        return Timestamp(datetime(parsed.year, parsed.month, parsed.day), DatePrecision.DAY, origin)
    return Timestamp(parsed, DatePrecision.MINUTE, origin)


def record_hash(url: str | None, title: str | None, text: str) -> str:
    """content_sha of a record with no bytes of its own (a table row, a feed entry)."""
    return content_hash("\n".join((url or "", title or "", text)))


def as_failure(err: InputError) -> Failure:
    """The record of a bad input: undecodable bytes fail at 'decode', everything else at 'read'."""
    return Failure(err.source, "decode" if isinstance(err, BinaryInput) else "read", err.reason)
