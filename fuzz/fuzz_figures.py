"""Fuzz target: figures in sentences (wiretrail.extract.figures). Run: .venv/bin/python fuzz/fuzz_figures.py -max_total_time=180

Sentences are the text's lines (the pipeline never lets a sentence cross a line break); a
capitalised word pair is passed as a PERSON entity so that the attribution code runs too.
"""

import re

import atheris

with atheris.instrument_imports(include=["wiretrail"]):
    from wiretrail.extract.figures import find_figures
    from wiretrail.model import EntitySpan

from _harness import check_spans, run, text_of

_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")


def check(data: bytes) -> None:
    text = text_of(data)
    sentences, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            sentences.append((pos, pos + len(line)))
        pos += len(line) + 1
    entities = [EntitySpan(m.start(), m.end(), m.group(), "PERSON") for m in _NAME.finditer(text)]
    figures = find_figures(text, sentences, entities)
    assert find_figures(text, sentences, entities) == figures, "find_figures is not deterministic"
    check_spans(((f.start, f.end) for f in figures), len(text), "figure")
    for f in figures:
        assert text[f.start : f.end] == f.text, f"figure text {f.text!r} is not text[{f.start}:{f.end}]"
        assert f.sentence_start <= f.start <= f.end <= f.sentence_end, f"figure outside its sentence: {f}"


SEEDS = [
    b"More than 10,000 North Korean troops were sent to Kursk, according to Kyrylo Budanov.",
    b'"We lost 314 children," Maria Ivanova said.\nThe package, valued at $725m, was approved.',
]

if __name__ == "__main__":
    run("figures", check, SEEDS)
