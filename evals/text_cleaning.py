"""Plain-text cleaning against human gold: shingle F1, no cleaning vs `clean_text`, same run.

    .venv/bin/python evals/text_cleaning.py [--worst N]

Data: the 90 real news pages of ../shared/eval/boilerplate/big5-05/ (`html/`), each with a
human-written main text (`gold/*.txt`, cp1252). Each page is flattened to plain text the way the
seeds were (every text line of the page kept: menus, footers, link lists and all), then given
to `clean_text` as a `text/plain` document.

Metric: lowercased word tokens, 5-word shingles, multiset precision / recall / F1 per document,
mean over documents. The baseline scores the flattened text itself (no cleaning).
Target (README of ../shared): >= 0.90 on the held-out half, where the naive baseline is ~0.666;
this flattener keeps a little less script and banner text, so its baseline here is ~0.73.
tests/test_clean_eval.py holds the floor.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from lxml import etree, html

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or loaded by path
from shingle_f1 import DATA, Score, pages, score  # noqa: E402

from wiretrail.clean import clean_text
from wiretrail.model import RawDocument


# not text a reader sees: code, styles, embedded objects (and <head>, whose <title> the body repeats)
_DROP = ("script", "style", "noscript", "head", "title", "iframe", "object", "embed", "svg", "template")
_BLOCK = frozenset(
    "address article aside blockquote body br caption center dd div dl dt fieldset figcaption "
    "figure footer form frame h1 h2 h3 h4 h5 h6 header hr html img input legend li main nav ol "
    "option p pre section select table tbody td textarea tfoot th thead tr ul".split()
)
_END_OF_DOCUMENT = re.compile(rb"(?i)</(?:body|html)\s*>")


def flatten(page: bytes) -> str:
    """Every text line of a page, in order: block elements break lines, inline ones do not."""
    # browsers ignore stray </body></html> (pages that embed ad documents have several); libxml2
    # stops at the first one and loses the article
    root = html.document_fromstring(_END_OF_DOCUMENT.sub(b"", page))
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_DROP, with_tail=False)
    chunks: list[str] = []

    def walk(el) -> None:
        block = isinstance(el.tag, str) and el.tag.lower() in _BLOCK
        if block:
            chunks.append("\n")
        if el.text:
            chunks.append(el.text)
        for child in el:
            walk(child)
        if block:
            chunks.append("\n")
        if el.tail:
            chunks.append(el.tail)

    walk(root)
    lines = (" ".join(line.split()) for line in "".join(chunks).split("\n"))
    return "\n".join(line for line in lines if line)





def _pages() -> list[tuple[str, bytes, str]]:
    return [(path.stem, data, gold) for path, data, gold in pages()]


@dataclass(frozen=True, slots=True)
class PageResult:
    name: str
    baseline: Score  # the flattened page as it is
    cleaned: Score  # after clean_text


def evaluate() -> list[PageResult]:
    """Score every page of the evaluation set, without cleaning and with `clean_text`."""
    results = []
    for name, page, gold in _pages():
        flat = flatten(page)
        raw = RawDocument(source=name, text=flat, byte_length=len(flat.encode()), content_sha=name)
        results.append(PageResult(name, score(flat, gold), score(clean_text(raw).text, gold)))
    return results


def summary(scores: list[Score]) -> Score:
    return Score(
        mean(s.precision for s in scores), mean(s.recall for s in scores), mean(s.f1 for s in scores)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA} is absent: the shared evaluation data is not checked out", file=sys.stderr)
        return 2
    results = evaluate()
    for label, scores in (
        ("no cleaning", [r.baseline for r in results]),
        ("clean_text", [r.cleaned for r in results]),
    ):
        total = summary(scores)
        print(
            f"{label:12s} P={total.precision:.3f} R={total.recall:.3f} F1={total.f1:.3f}"
            f"  ({len(scores)} pages)"
        )
    for r in sorted(results, key=lambda r: r.cleaned.f1)[: args.worst]:
        print(
            f"  {r.cleaned.f1:.3f} (P={r.cleaned.precision:.2f} R={r.cleaned.recall:.2f};"
            f" baseline {r.baseline.f1:.3f})  {r.name}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
