"""Fuzz target: JSON Lines (wiretrail.ingest.tables.iter_jsonl). Run: .venv/bin/python fuzz/fuzz_jsonl.py -max_total_time=180"""

import io

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.errors import InputError
    from wiretrail.ingest.tables import iter_jsonl
    from wiretrail.model import Failure, RawDocument

from _harness import comparable, run

MAX_BYTES = 4096


def read(data: bytes) -> list:
    try:
        return list(iter_jsonl(io.BytesIO(data), source="fuzz", max_bytes=MAX_BYTES))
    except InputError as err:
        return [type(err).__name__]


def check(data: bytes) -> None:
    first = read(data)
    for item in first:
        assert isinstance(item, (RawDocument, Failure, str)), f"unexpected {item!r}"
    assert comparable(read(data)) == comparable(first), "iter_jsonl is not deterministic"


SEEDS = [
    b'{"url": "https://e.x/a", "title": "T", "text": "Body", "published": "2024-12-03T10:00:00+01:00", "authors": ["A B"]}\n',
    b'[1]\n{"text": 5}\n{"TEXT": "x", "date": "Tue, 03 Dec 2024 10:00:00 GMT"}\n',
]

if __name__ == "__main__":
    run("jsonl", check, SEEDS)
