"""Plain-text cleaning against human gold: shingle F1, no cleaning vs `clean_text`, same run.

    .venv/bin/python evals/text_cleaning.py [--verbose] [--worst N]

Data: the 90 real news pages of ../shared/eval/boilerplate/big5-05/ (`html/`), each with a
human-written main text (`gold/*.txt`, cp1252). Each page is flattened to plain text the way the
seeds were (every text line of the page kept: menus, footers, link lists and all), then given
to `clean_text` as a `text/plain` document.

Metric: lowercased word tokens, 5-word shingles, multiset precision / recall / F1 per document,
mean over documents. The baseline scores the flattened text itself (no cleaning).
Target (README of ../shared): >= 0.90 on the held-out half; the naive baseline is ~0.666.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from statistics import mean

from lxml import etree, html

from wiretrail.clean import clean_text
from wiretrail.model import RawDocument

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "boilerplate" / "big5-05"
SHINGLE = 5  # words per shingle: the size the shared README's target is stated for

_DROP = ("script", "style", "noscript", "head", "title", "iframe", "object", "embed", "svg", "template")
_BLOCK = frozenset(
    "address article aside blockquote body br caption center dd div dl dt fieldset figcaption "
    "figure footer form frame h1 h2 h3 h4 h5 h6 header hr html img input legend li main nav ol "
    "option p pre section select table tbody td textarea tfoot th thead tr ul".split()
)
_WORD = re.compile(r"\w+")
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


def shingles(text: str) -> Counter:
    words = _WORD.findall(text.lower())
    return Counter(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float


def score(candidate: str, gold: str) -> Score:
    got, want = shingles(candidate), shingles(gold)
    common = sum((got & want).values())
    p = common / sum(got.values()) if got else 0.0
    r = common / sum(want.values()) if want else 0.0
    return Score(p, r, 2 * p * r / (p + r) if p + r else 0.0)


def _pages() -> list[tuple[str, bytes, str]]:
    out = []
    for page in sorted((DATA / "html").glob("*.htm*")):
        gold = DATA / "gold" / f"{page.stem}.txt"
        if gold.exists():
            out.append((page.stem, page.read_bytes(), gold.read_bytes().decode("cp1252", "replace")))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages")
    args = parser.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA} is absent: the shared evaluation data is not checked out", file=sys.stderr)
        return 2
    rows = []
    for name, page, gold in _pages():
        flat = flatten(page)
        raw = RawDocument(source=name, text=flat, byte_length=len(flat.encode()), content_sha=name)
        rows.append((name, score(flat, gold), score(clean_text(raw).text, gold)))
    for label, idx in (("no cleaning", 1), ("clean_text", 2)):
        s = [r[idx] for r in rows]
        print(
            f"{label:12s} P={mean(x.precision for x in s):.3f} R={mean(x.recall for x in s):.3f} "
            f"F1={mean(x.f1 for x in s):.3f}  ({len(s)} pages)"
        )
    for name, base, ours in sorted(rows, key=lambda r: r[2].f1)[: args.worst]:
        print(f"  {ours.f1:.3f} (P={ours.precision:.2f} R={ours.recall:.2f}; baseline {base.f1:.3f})  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
