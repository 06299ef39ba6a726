"""Fuzz target: bytes to text (wiretrail.ingest.decode). Run: .venv/bin/python fuzz/fuzz_decode.py -max_total_time=180"""

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.errors import BinaryInput
    from wiretrail.ingest.decode import decode_bytes

from _harness import run


def check(data: bytes) -> None:
    try:
        first = decode_bytes(data, source="fuzz")
    except BinaryInput:
        return
    assert "\r" not in first.text, "newlines are not normalised"
    assert decode_bytes(data, source="fuzz") == first, "decoding is not deterministic"


SEEDS = [b"plain ascii", "café".encode("cp1252"), "Zürich – \u201cquote\u201d".encode(), b"\xef\xbb\xbfbom", "утро".encode("cp1251")]

if __name__ == "__main__":
    run("decode", check, SEEDS)
