"""Ingest throughput and memory against the naive script, measured in the same run.

    .venv/bin/python benchmarks/ingest.py [--limit N] [--workers 2]

Corpus: the ~1,300 real 2022 war articles in ../shared/corpus/ukraine-2022/ (CSV).
Baseline: what a user would write first: read each row, run `nlp(text)` with the full spaCy
pipeline, insert the document, each sentence and each named entity into SQLite one row at a time.
wiretrail: `wiretrail ingest` on the same files into a fresh store: cleaning, segmenting, parsing,
extraction (entities, places, quotes, figures, events) and provenance. `--no-extract` measures
ingest with extraction switched off.
Each runs in its own process; peak RSS is the sum over the process tree (workers included),
sampled every 50 ms. Sentence agreement: the share of the baseline's sentences (as
whitespace-normalised strings) that wiretrail also produces, and the reverse.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import sys
import tempfile
from collections import Counter
from pathlib import Path

from _process import measure  # noqa: E402  (benchmarks/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "ukraine-2022"


def _rows(limit: int | None):
    csv.field_size_limit(1 << 30)
    n = 0
    for path in sorted(CORPUS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if limit is not None and n >= limit:
                    return
                n += 1
                yield row


def naive_baseline(limit: int | None, db: str) -> None:
    """The naive script, as a user would write it (run in a child process)."""
    import spacy

    from wiretrail.nlp import resolve_model_name

    nlp = spacy.load(resolve_model_name())
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, url TEXT, title TEXT, text TEXT)")
    conn.execute("CREATE TABLE sentences (doc_id INTEGER, text TEXT)")
    conn.execute("CREATE TABLE entities (doc_id INTEGER, start INTEGER, end INTEGER, text TEXT, label TEXT)")
    for i, row in enumerate(_rows(limit)):
        doc = nlp(row["Text"])
        conn.execute("INSERT INTO documents VALUES (?, ?, ?, ?)", (i, row["URL"], row["Title"], row["Text"]))
        for sent in doc.sents:
            conn.execute("INSERT INTO sentences VALUES (?, ?)", (i, sent.text))
        for ent in doc.ents:
            conn.execute("INSERT INTO entities VALUES (?, ?, ?, ?, ?)", (i, ent.start_char, ent.end_char, ent.text, ent.label_))
        conn.commit()
    conn.close()


def _subset_csv(limit: int, folder: Path) -> list[str]:
    """Write the first `limit` rows to one CSV so both contenders read the same documents."""
    path = folder / "subset.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["Date", "URL", "Title", "Text"])
        writer.writeheader()
        for row in _rows(limit):
            writer.writerow({k: row[k] for k in ("Date", "URL", "Title", "Text")})
    return [str(path)]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _agreement(baseline_db: str, ours_db: str) -> tuple[float, float]:
    base = Counter(_norm(r[0]) for r in sqlite3.connect(baseline_db).execute("SELECT text FROM sentences"))
    conn = sqlite3.connect(ours_db)
    ours: Counter[str] = Counter()
    texts = dict(conn.execute("SELECT id, text FROM documents"))
    for doc_id, start, end in conn.execute("SELECT doc_id, start_char, end_char FROM sentences"):
        ours[_norm(texts[doc_id][start:end])] += 1
    shared = sum((base & ours).values())
    return shared / max(1, sum(base.values())), shared / max(1, sum(ours.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-extract", action="store_true", help="ingest without extraction")
    parser.add_argument("--child", choices=["baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "baseline":
        naive_baseline(args.limit, args.db)
        return
    if not CORPUS.is_dir():
        raise SystemExit(f"{CORPUS} is absent: the benchmark needs ../shared beside the project")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = _subset_csv(args.limit, folder) if args.limit else [str(CORPUS)]
        n_docs = sum(1 for _ in _rows(args.limit))
        words = sum(len(r["Text"].split()) for r in _rows(args.limit))
        base_db, ours_db = str(folder / "baseline.db"), str(folder / "wiretrail.db")
        base_s, base_rss = measure([sys.executable, __file__, "--child", "baseline", "--db", base_db, *(["--limit", str(args.limit)] if args.limit else [])], cwd=ROOT, quiet=True)
        env = {**os.environ, "WIRETRAIL_EXTRACT": "false" if args.no_extract else "true"}
        ours_s, ours_rss = measure([sys.executable, "-m", "wiretrail", "--quiet", "--db", ours_db, "ingest", "--workers", str(args.workers), *inputs], cwd=ROOT, quiet=True, env=env)
        conn = sqlite3.connect(ours_db)
        stored = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        extracted = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("mentions", "entities", "quotes", "figures", "events")}
        conn.close()
        recall, precision = _agreement(base_db, ours_db)

    result = {
        "documents": n_docs,
        "stored": stored,
        "extracted": extracted,
        "words": words,
        "baseline": {"seconds": round(base_s, 1), "docs_per_s": round(n_docs / base_s, 1), "words_per_s": round(words / base_s), "peak_rss_mb": round(base_rss / 2**20)},
        "wiretrail": {"seconds": round(ours_s, 1), "docs_per_s": round(n_docs / ours_s, 1), "words_per_s": round(words / ours_s), "peak_rss_mb": round(ours_rss / 2**20), "workers": args.workers},
        "speedup": round(base_s / ours_s, 2),
        "sentence_agreement": {"baseline_found_by_wiretrail": round(recall, 4), "wiretrail_found_by_baseline": round(precision, 4)},
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    print(
        f"ingest: wiretrail {result['wiretrail']['docs_per_s']} docs/s, {result['wiretrail']['words_per_s']} words/s, "
        f"peak {result['wiretrail']['peak_rss_mb']} MB; baseline {result['baseline']['docs_per_s']} docs/s, "
        f"{result['baseline']['words_per_s']} words/s, peak {result['baseline']['peak_rss_mb']} MB; speed-up {result['speedup']}x"
    )


if __name__ == "__main__":
    main()
