"""Fuzz target: live-blog stamp lines (wiretrail.segment.stamps). Run: .venv/bin/python fuzz/fuzz_stamps.py -max_total_time=180"""

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.segment.stamps import parse_stamp_line, stamp_datetime

from _harness import run, text_of


def check(data: bytes) -> None:
    line = text_of(data)
    stamp = parse_stamp_line(line)
    assert parse_stamp_line(line) == stamp, "parse_stamp_line is not deterministic"
    if stamp is not None and stamp.day is not None:
        stamp_datetime(stamp.day, stamp.clock, stamp.zone)  # the zone it names must be one we know


SEEDS = [b"09:01 , Jane Roe", b"Tuesday 3 December 2024 23:59 GMT+2", b"By Jo Doe - 9.01am BST", b"2024-12-03T23:59+01:00"]

if __name__ == "__main__":
    run("stamps", check, SEEDS)
