"""Fuzz target: HTML pages (wiretrail.ingest.html). Run: .venv/bin/python fuzz/fuzz_html.py -max_total_time=180"""

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.errors import BinaryInput, EmptyInput
    from wiretrail.ingest.html import html_fragment_to_text, read_html

from _harness import run, text_of


def check(data: bytes) -> None:
    html_fragment_to_text(text_of(data))
    try:
        doc = read_html(data, source="fuzz")
    except (EmptyInput, BinaryInput):
        return
    assert doc.text.strip(), "a document without text was returned"
    assert read_html(data, source="fuzz") == doc, "read_html is not deterministic"


SEEDS = [
    b"<html><head><title>T</title><meta charset='utf-8'></head><body><article><h1>Head line</h1>"
    b"<p>First paragraph of the story, long enough to be kept.</p><p>Second.</p></article></body></html>",
    b"<table><tr><td>cell<p>para</td></tr></table></body></html>after",
    b"<div>" * 50 + b"deep" + b"</div>" * 50,
]

if __name__ == "__main__":
    run("html", check, SEEDS)
