"""Passage reuse between real articles: wiretrail's links against an exact reference.

    .venv/bin/python evals/passage_reuse.py [--limit N] [--show 20] [--db existing.db]

Corpus: ../shared/corpus/ukraine-2022 (AP, Reuters, Guardian, BBC; outlets repost their own
text across days). Reference: a pair of documents reuses a passage when they share at least
REFERENCE_MIN_SHINGLES distinct word 8-grams (exact, after lowercasing and folding quotes), i.e.
a common run of about ten words or more, in the documents' reporting text (sentences cleaning
flags as page furniture left out), not counting 8-grams found in more than REFERENCE_MAX_DOCS
documents (stock phrases of a site). Predicted: wiretrail links the pair as duplicate or
shares-passages (or rewrite-of with shared passages). Baseline, in the same run: document-level
MinHash (datasketch, 128 permutations, word 5-grams) with an LSH threshold of 0.5, the usual
near-duplicate detector. Prints precision, recall and F1 for both, and disagreements to read.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from itertools import combinations
from pathlib import Path

from datasketch import MinHash, MinHashLSH

import wiretrail as wt
from wiretrail.clean.boilerplate import is_furniture_line
from wiretrail.provenance.fingerprints import tokens

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "ukraine-2022"
REFERENCE_SHINGLE = 8
REFERENCE_MIN_SHINGLES = 3  # one shared 10-word run gives 3 8-grams; a stock 8-word phrase gives 1
REFERENCE_MAX_DOCS = 10  # an 8-gram in more documents than this is a site's stock phrase
# ('the BBC is not responsible for the content of external sites'), not a reused passage


def shingles(text: str, n: int) -> set[str]:
    toks = tokens(text)
    return {" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)}


def reporting_text(text: str, sentences) -> str:
    """The document without the sentences cleaning calls page furniture ('Follow our coverage
    at ...', 'Send your story ideas to ...'): the reference measures passage reuse, not whether
    two pages of one site carry the same footer."""
    return "\n".join(text[s.start : s.end] for s in sentences if not is_furniture_line(text[s.start : s.end]))


def reference_pairs(texts: dict[str, str]) -> dict[tuple[str, str], int]:
    by_shingle: dict[str, list[str]] = defaultdict(list)
    for doc_id, text in texts.items():
        for sh in shingles(text, REFERENCE_SHINGLE):
            by_shingle[sh].append(doc_id)
    shared: dict[tuple[str, str], int] = defaultdict(int)
    for docs in by_shingle.values():
        if 1 < len(docs) <= REFERENCE_MAX_DOCS:
            for a, b in combinations(sorted(docs), 2):
                shared[(a, b)] += 1
    return {pair: n for pair, n in shared.items() if n >= REFERENCE_MIN_SHINGLES}


def minhash_pairs(texts: dict[str, str], threshold: float = 0.5) -> set[tuple[str, str]]:
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = {}
    for doc_id, text in texts.items():
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([s.encode() for s in shingles(text, 5)])
        hashes[doc_id] = m
        lsh.insert(doc_id, m)
    pairs = set()
    for doc_id, m in hashes.items():
        for other in lsh.query(m):
            if other != doc_id:
                pairs.add(tuple(sorted((doc_id, other))))
    return pairs


def score(predicted: set, reference: set) -> tuple[float, float, float]:
    tp = len(predicted & reference)
    p = tp / len(predicted) if predicted else 1.0
    r = tp / len(reference) if reference else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="use an existing store holding the corpus instead of ingesting it")
    parser.add_argument("--show", type=int, default=20, help="disagreements to print")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"{CORPUS} is absent: this evaluation needs ../shared beside the project")
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "reuse.db")
        with wt.open(db, workers=2) as record:
            if not args.db:
                report = record.ingest([CORPUS])
                print(f"ingested {report.added} documents, {report.links} links", file=sys.stderr)
            docs = {d.id: d for d in record.documents()}
            texts = {i: reporting_text(d.text, record.sentences(i)) for i, d in docs.items()}
            predicted = {
                tuple(sorted((l.from_doc, l.to_doc)))
                for l in record.store.links()
                if l.relation.value != "rewrite-of" or l.shared
            }
    reference = reference_pairs(texts)
    baseline = minhash_pairs(texts)
    ref = set(reference)
    p, r, f = score(predicted, ref)
    bp, br, bf = score(baseline, ref)
    print(f"reference pairs (>= {REFERENCE_MIN_SHINGLES} shared {REFERENCE_SHINGLE}-word shingles): {len(ref)} among {len(texts)} documents")
    print(f"wiretrail links:        precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  ({len(predicted)} pairs)")
    print(f"document MinHash (0.5): precision {bp:.3f}  recall {br:.3f}  F1 {bf:.3f}  ({len(baseline)} pairs)")
    missed = sorted(ref - predicted, key=lambda pair: -reference[pair])
    extra = sorted(predicted - ref)
    for label, pairs in (("missed", missed), ("extra", extra)):
        for a, b in pairs[: args.show // 2]:
            common = shingles(texts[a], REFERENCE_SHINGLE) & shingles(texts[b], REFERENCE_SHINGLE)
            sample = next(iter(sorted(common)), "")
            print(f"{label}: {docs[a].source} ~ {docs[b].source} shared 8-grams={len(common)} e.g. '{sample}'")


if __name__ == "__main__":
    main()
