"""Fuzz target: CSV and TSV tables (wiretrail.ingest.tables.iter_csv). Run: .venv/bin/python fuzz/fuzz_tables.py -max_total_time=180"""

import io

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.errors import InputError
    from wiretrail.ingest.tables import iter_csv
    from wiretrail.model import Failure, RawDocument

from _harness import comparable, run

MAX_BYTES = 4096  # small, so that the per-line limit is exercised too


def read(data: bytes, delimiter: str) -> list:
    try:
        return list(iter_csv(io.BytesIO(data), source="fuzz", max_bytes=MAX_BYTES, delimiter=delimiter))
    except InputError as err:
        return [type(err).__name__]


def check(data: bytes) -> None:
    delimiter = "\t" if data[:1] == b"\t" else ","
    first = read(data, delimiter)
    for item in first:
        assert isinstance(item, (RawDocument, Failure, str)), f"unexpected {item!r}"
        if isinstance(item, RawDocument):
            assert item.text.strip(), "a row without text became a document"
    assert comparable(read(data, delimiter)) == comparable(first), "iter_csv is not deterministic"


SEEDS = [
    b"Date,URL,Title,Text\n2024-12-03,https://e.x/a,Title,\"Body, with comma\"\n,,,\n",
    b"\ttitle\tbody\nT\tText here\n",
    b"\xef\xbb\xbftext\n\"unterminated\n",
]

if __name__ == "__main__":
    run("tables", check, SEEDS)
