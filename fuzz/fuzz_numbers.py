"""Fuzz target: numbers and amounts (wiretrail.extract.numbers). Run: .venv/bin/python fuzz/fuzz_numbers.py -max_total_time=180"""

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.extract.numbers import find_amounts, parse_number

from _harness import run, text_of


def check(data: bytes) -> None:
    text = text_of(data)
    amounts = find_amounts(text)
    assert find_amounts(text) == amounts, "find_amounts is not deterministic"
    for a in amounts:
        assert 0 <= a.start <= a.end <= len(text) and a.start <= a.raw_start <= a.end, f"bad span {a}"
        assert a.low is None or a.high is None or a.low <= a.high, f"low above high: {a}"
    parse_number(text)


SEEDS = [b"between 10,000-12,000 troops", b"$725m in aid, up to 100 and thousands of people", b"two million and a half a dozen 5.5% 1,000-km"]

if __name__ == "__main__":
    run("numbers", check, SEEDS)
