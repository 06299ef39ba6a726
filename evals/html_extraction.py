"""HTML extraction against human gold: shingle F1 of `read_html` vs trafilatura defaults, same run.

    .venv/bin/python evals/html_extraction.py [--worst N] [--per-doc] [--variants]

Data: the 90 real news pages of ../shared/eval/boilerplate/big5-05/ (`html/`), each with a
human-written main text (`gold/*.txt`, cp1252).

Metric (the shingle F1 of the shared README, as evals/text_cleaning.py computes it): word tokens
(`\\w+`, lowercased), 5-word shingles, multiset precision / recall / F1 per page, mean over pages.
It follows the Scrapinghub article-extraction benchmark (token shingles counted as multisets, so
a paragraph extracted twice costs precision), with the README's shingle size. A page with no
output scores 0. The gold includes each page's headline; both extractors are scored on their body
text only (`RawDocument.title` is not added), so neither gets credit for it.

Baseline: `trafilatura.extract(page_bytes)` with default options.
`--variants` also scores read_html with other trafilatura options (how EXTRACTION_OPTIONS in
wiretrail/ingest/html.py was chosen). Target (README of ../shared): >= 0.96 on the held-out half,
where the baseline gives ~0.953.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from statistics import mean
from unittest import mock

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or loaded by path
from shingle_f1 import DATA, Score, pages, score  # noqa: E402

from wiretrail.errors import InputError
from wiretrail.ingest import html as html_reader
from wiretrail.ingest import read_html

VARIANTS = {  # trafilatura options tried on top of read_html's own stages
    "balanced": {"favor_precision": False},
    "favor_recall": {"favor_precision": False, "favor_recall": True},
    "no tables": {"include_tables": False},
}





def ours(name: str, page: bytes) -> str:
    try:
        return read_html(page, source=name).text
    except InputError:
        return ""


def baseline(page: bytes) -> str:
    return trafilatura.extract(page) or ""


def _pages() -> list[tuple[str, bytes, str]]:
    return [(path.name, data, gold) for path, data, gold in pages()]


def _summary(label: str, scores: list[Score], seconds: float) -> str:
    return (
        f"{label:22s} P={mean(s.precision for s in scores):.4f} R={mean(s.recall for s in scores):.4f} "
        f"F1={mean(s.f1 for s in scores):.4f}  ({len(scores)} pages, {seconds:.1f} s)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=0, help="list the N pages where read_html scores worst")
    parser.add_argument("--per-doc", action="store_true", help="list every page's scores")
    parser.add_argument("--variants", action="store_true", help="also score other trafilatura options")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA} is absent: the shared evaluation data is not checked out", file=sys.stderr)
        return 2
    pages = _pages()

    start = time.perf_counter()
    base = [score(baseline(page), gold) for _, page, gold in pages]
    base_s = time.perf_counter() - start
    start = time.perf_counter()
    mine = [score(ours(name, page), gold) for name, page, gold in pages]
    mine_s = time.perf_counter() - start

    rows = list(zip((name for name, _, _ in pages), base, mine))
    if args.per_doc:
        for name, b, m in rows:
            print(f"  {m.f1:.3f} (P={m.precision:.3f} R={m.recall:.3f}; baseline {b.f1:.3f})  {name}")
    for name, b, m in sorted(rows, key=lambda r: r[2].f1)[: args.worst]:
        print(f"  worst {m.f1:.3f} (P={m.precision:.2f} R={m.recall:.2f}; baseline {b.f1:.3f})  {name}")
    if args.variants:
        for label, options in VARIANTS.items():
            start = time.perf_counter()
            with mock.patch.dict(html_reader.EXTRACTION_OPTIONS, options):
                scores = [score(ours(name, page), gold) for name, page, gold in pages]
            print(_summary(f"read_html, {label}", scores, time.perf_counter() - start))
    print(_summary("trafilatura defaults", base, base_s))
    print(_summary("read_html", mine, mine_s))
    print(
        f"summary: read_html F1 {mean(s.f1 for s in mine):.4f} vs trafilatura defaults "
        f"{mean(s.f1 for s in base):.4f} on {len(pages)} pages"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
