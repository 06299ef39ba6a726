"""Fuzz target: plain-text headers and cleaning (wiretrail.clean.header, wiretrail.clean.clean_text).

Run: .venv/bin/python fuzz/fuzz_header.py -max_total_time=180
"""

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.clean import clean_text
    from wiretrail.clean.header import find_published_line, guess_title, parse_header, split_published
    from wiretrail.model import RawDocument

from _harness import run, text_of


def check(data: bytes) -> None:
    text = text_of(data)
    lines = text.split("\n")
    header = parse_header(lines)
    assert header.line is None or 0 <= header.line < len(lines), f"header line {header.line} out of range"
    assert parse_header(lines) == header, "parse_header is not deterministic"
    kept = [i for i, line in enumerate(lines) if line.strip()]
    stamped = find_published_line(lines, kept)
    assert stamped is None or stamped.line in kept, "published line is not one of the kept lines"
    guess_title(lines, kept)
    split_published(lines[0])
    cleaned = clean_text(RawDocument(source="fuzz", text=text))
    kept_lines = set(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").split("\n"))  # NULs are dropped
    for line in cleaned.text.split("\n"):
        assert not line or any(k.rstrip() == line for k in kept_lines), f"clean text has a line not in the input: {line!r}"


SEEDS = [
    b" date 2024-11-29 Ukraine updates: North KoreaPublished November 29, 2024last updated November 29, 2024\nBody.",
    b"Headline Words Here\nPublished 3 Dec 2024 10:30 GMT\nUpdated 4 Dec 2024\nText.",
    b"date 2024-02-30 bad day\nsdi/zc (AFP, AP, dpa, Reuters)",
]

if __name__ == "__main__":
    run("header", check, SEEDS)
