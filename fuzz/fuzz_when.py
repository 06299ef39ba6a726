"""Fuzz target: dates in sentences (wiretrail.extract.when). Run: .venv/bin/python fuzz/fuzz_when.py -max_total_time=180"""

from datetime import date, timedelta

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.extract.when import find_when

from _harness import run, text_of


def check(data: bytes) -> None:
    reference = None
    if len(data) >= 2:  # the first two bytes pick a reference day (or none, for 0xffff)
        offset = int.from_bytes(data[:2], "big")
        reference = None if offset == 0xFFFF else date(1990, 1, 1) + timedelta(days=offset)
    sentence = text_of(data[2:])
    found = find_when(sentence, reference)
    assert find_when(sentence, reference) == found, "find_when is not deterministic"
    if found is not None:
        assert 0 <= found.start <= found.end <= len(sentence), f"bad span {found}"
        assert (found.day is None) == (found.precision is None)


SEEDS = [b"\x2a\x00on Friday the strike hit", b"\x2a\x0029 February 2023 and Dec 31st", b"\xff\xffyesterday"]

if __name__ == "__main__":
    run("when", check, SEEDS)
