"""Bytes to text: the encoding is detected, never assumed.

    1. a byte-order mark decides (UTF-8, UTF-16, UTF-32)
    2. NUL bytes early on mean binary content, not text
    3. strict UTF-8; a multi-byte character cut off in the last bytes is dropped and flagged
    4. a charset the transport or the page declared (HTTP Content-Type, <meta charset>)
    5. mostly-ASCII bytes: windows-1252, as browsers assume for unlabeled Western text
    6. charset-normalizer's best guess, windows-1252 on a near tie; no guess means binary content

Single-byte Latin code pages often decode the same bytes equally plausibly, and charset-normalizer
then picks by table order (cp1250 read Spanish 'ñ' as 'ń'). Near a tie windows-1252, the most
common on the web, wins; unlabeled Czech, Hungarian or Turkish text is then misread: label it (a
<meta charset>, an HTTP header) or convert it to UTF-8. tests/test_ingest_decode.py holds samples.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ..errors import BinaryInput
from ..thresholds import thresholds

log = logging.getLogger(__name__)

BINARY_SNIFF_BYTES = 1024  # NUL bytes this early are binary content: no text encoding we read has them
MAX_UTF8_TAIL = 3  # a UTF-8 character is at most 4 bytes, so a cut leaves at most 3 of them
# Detection cut-offs (non-ASCII share, the windows-1252 tie-break, mixed files) are settings:
# `ingest_*` in wiretrail/thresholds.py, with their evidence.
MIXED_ENCODING = "utf-8+cp1252"  # what DecodedText.encoding says of such text; no codec has the name
# ...unless windows-1252 puts a symbol right after a letter: Polish ł, ą, ż in cp1250 read as ³ ¹ ¿.
_SYMBOL_IN_WORD = re.compile(r"[^\W\d_][¹³¿¥¾¼¦]")

_BOMS = (  # UTF-32 first: its little-endian mark starts with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# WHATWG Encoding: these labels mean windows-1252 on the web (its C1 range holds curly quotes).
_ASCII = bytes(range(0x80))
_WEB_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text with the encoding it was read in; `ends_mid_character` marks bytes cut off mid-character."""

    text: str
    encoding: str
    ends_mid_character: bool = False


def decode_bytes(data: bytes, *, source: str, declared: str | None = None) -> DecodedText:
    """Decode `data`, detecting its encoding; newlines become '\\n'.

    `declared` is a charset named by the transport or the document itself; it is honoured when the
    bytes are not valid UTF-8 (pages often declare latin-1 and are UTF-8, never the reverse).
    Raises `BinaryInput` when the bytes are no text in any encoding we can detect.
    """
    decoded = _decode(data, source=source, declared=declared)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(text, decoded.encoding, decoded.ends_mid_character)


def normalize_charset(name: str | None) -> str | None:
    """Python's codec name for a declared charset, web aliases applied; None if unknown."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):  # ValueError: a NUL in the name (fuzz/fuzz_warc.py, an HTTP header)
        log.debug("unknown charset %r ignored", name)
        return None
    return _WEB_ALIASES.get(codec, codec)


def _decode(data: bytes, *, source: str, declared: str | None) -> DecodedText:
    # 1. byte-order mark
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data[len(bom) :].decode(encoding), encoding)
            except UnicodeDecodeError as err:
                reason = f"binary content, not text ({encoding} BOM, {err.reason})"
                raise BinaryInput(source, reason) from None
    # 2. binary sniff
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        raise BinaryInput(source, "binary content, not text")
    # 3. UTF-8, possibly cut inside its last character
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as err:
        if err.reason == "unexpected end of data" and err.start >= len(data) - MAX_UTF8_TAIL:
            log.debug("%s: ends inside a UTF-8 character; %d bytes dropped", source, len(data) - err.start)
            return DecodedText(data[: err.start].decode("utf-8"), "utf-8", ends_mid_character=True)
    # 4. declared charset
    encoding = normalize_charset(declared)
    if encoding and encoding != "utf-8":
        text = _try_decode(data, encoding)
        if text is not None:
            return DecodedText(text, encoding)
        log.debug("%s: declared charset %s does not fit the bytes; detecting", source, declared)
    # 4b. UTF-8 with stretches of windows-1252: files joined from two exports
    mixed = _mixed_utf8(data)
    if mixed is not None:
        log.debug("%s: UTF-8 with bytes that are not; those read as windows-1252", source)
        return DecodedText(mixed, MIXED_ENCODING)
    # 5. mostly ASCII: windows-1252
    non_ascii = len(data.translate(None, _ASCII))
    if non_ascii < thresholds().ingest_western_fallback_max_non_ascii * len(data):
        text = _try_decode(data, "cp1252")
        if text is not None:
            return DecodedText(text, "cp1252")
    # 6. detection
    results = from_bytes(data)
    best = results.best()
    if best is None:
        raise BinaryInput(source, "binary content, not text")
    western = next((r for r in results if "cp1252" in r.could_be_from_charset), None)
    if (
        western is not None
        and western.chaos <= best.chaos + thresholds().ingest_latin_tie_chaos
        and not _SYMBOL_IN_WORD.search(text := _try_decode(data, "cp1252") or "")
    ):
        return DecodedText(text, "cp1252")
    return DecodedText(str(best), best.encoding)


def _mixed_utf8(data: bytes) -> str | None:
    """Text that is UTF-8 in places and windows-1252 in others, each byte that is not UTF-8 read
    as windows-1252; None unless the UTF-8 evidence is clear (thresholds().ingest_mixed_min_utf8_chars, _SHARE).

    Legacy text in one code page rarely forms valid multi-byte UTF-8 by accident, so many such
    characters mean some of the file really is UTF-8; read as one code page, either half would be
    mojibake (detection picked iso8859-10 for a French file joined from a UTF-8 and a cp1252 export).
    """
    utf8_part = data.decode("utf-8", errors="ignore")
    utf8_chars = len(utf8_part) - len(utf8_part.encode("ascii", errors="ignore"))
    bad_bytes = len(data) - len(utf8_part.encode("utf-8"))
    if utf8_chars < thresholds().ingest_mixed_min_utf8_chars or utf8_chars < thresholds().ingest_mixed_min_utf8_share * (utf8_chars + bad_bytes):
        return None
    return data.decode("utf-8", errors=CP1252_FALLBACK)


def _cp1252_bytes(err: UnicodeDecodeError) -> tuple[str, int]:
    chunk = err.object[err.start : err.end]
    return chunk.decode("cp1252", errors="ignore") or chunk.decode("latin-1"), err.end


CP1252_FALLBACK = "wiretrail-cp1252"  # a codec error handler: open(..., encoding="utf-8", errors=CP1252_FALLBACK)
codecs.register_error(CP1252_FALLBACK, _cp1252_bytes)


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        if encoding == "cp1252":  # its five unassigned bytes are C1 controls on the web
            return data.decode("latin-1")
        return None
