"""Provenance matching at scale: time to match a new article, and index size, from 10k to 1M
sentences, against an in-memory MinHash LSH measured in the same run.

    .venv/bin/python benchmarks/provenance.py [--quick] [--sizes 10000,100000,1000000]
        [--probes 50] [--copies 10000] [--copies-budget 240] [--workdir DIR] [--out result.json]

Index: documents generated from the real ukraine-2022 articles by perturbation (`_corpus.py`),
written with `store.write_batch` and marked as matched: "already indexed". One store grows
through the sizes; at each one, in a fresh process with the store's default settings:

1. probes: new ~800-word articles (perturbed copies that match, copies reworded so that no
   word 3-gram survives, one of random corpus words, a verbatim repost of a text the index
   holds many times) and a one-word document. Each is written with `write_batch`, then
   `update_provenance(store, [id])` is timed: median, p95, max in ms, whole and by stage.
   "Matching" is its first stage (`match_document`: the index lookups and the verification
   of every candidate sentence, i.e. which stored sentences the article copies); the rest
   decides links, reused passages and rewrites from those matches and writes them. The index
   lookups alone (stored fingerprints + exact keys + band keys) and `related_by_terms` are
   timed apart, after the update (warm).
2. index: SQLite file size (db + WAL), rows in sentence_bands, bytes per table from dbstat,
   the probe process's own peak RSS (VmHWM).
3. baseline: datasketch's `MinHashLSH` (threshold 0.5, 64 permutations, same shingles and
   seed) holding the MinHash of every indexed sentence in memory; its query time for the same
   probes' sentences and its memory (RSS growth while building). Capped at --baseline-max-gb.

After the largest size: 10,000 verbatim copies of one article through the real path
(`write_batch` + `update_provenance`, 100 per batch), batch times as copies accumulate, then
ordinary probes again. Stops at --copies-budget seconds, and says so.

Each step runs in its own process; the parent samples each one's peak RSS every 50 ms.
Progress goes to stderr; the JSON result and a one-line summary to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import tempfile
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _corpus
from _process import measure
from _corpus import (
    BENCH_HOST,
    CORPUS,
    analyzed_document,
    load_articles,
    perturb,
    with_url,
)
from wiretrail.thresholds import thresholds
from wiretrail.batch.rss import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
QUICK_SIZES = (10_000, 100_000)
SEED = 20241203
GENERATE_CHUNK = 250  # documents per worker task (~7,500 sentences, ~2.5 s of work)
WRITE_BATCH = 1000  # documents per store transaction while bulk loading (~30k sentences)
BULK_CACHE_MB = 512  # SQLite page cache while bulk loading only: random band-key inserts into
# a 16M-row index thrash the default 2 MB cache. Probes open the store with its defaults.
PROBE_WORDS = (700, 900)  # "an 800-word article"
LOG_EVERY_SENTENCES = 100_000
COPIES_BATCH = 100
AFTER_COPIES_PROBES = 10
BULK_PREFIX = f"{BENCH_HOST}/bulk/"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _stats(values_ms: list[float]) -> dict[str, float] | None:
    if not values_ms:
        return None
    a = np.asarray(values_ms)
    return {"n": len(a), "median": round(float(np.median(a)), 2), "p95": round(float(np.percentile(a, 95)), 2), "max": round(float(a.max()), 2)}


def _bulk_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM documents WHERE url LIKE ?", (BULK_PREFIX + "%",)).fetchone()[0]


# -- 1. grow the index -------------------------------------------------------------------------


def grow(db: str, target: int, workers: int) -> dict:
    """Add generated documents until the store holds `target` sentences; marked as matched."""
    from wiretrail.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    store._conn.execute(f"PRAGMA cache_size = -{BULK_CACHE_MB * 1024}")  # this process only
    n_sent = store.counts().sentences
    index = _bulk_count(store._conn)
    start_sent, start_index, t0 = n_sent, index, time.perf_counter()
    write_s, next_log = 0.0, n_sent + LOG_EVERY_SENTENCES
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque = deque()
        while n_sent < target:
            take: list = []
            while len(take) < WRITE_BATCH and n_sent < target:
                while len(pending) < workers * 2:
                    pending.append(pool.submit(_corpus.generate_range, SEED, index, GENERATE_CHUNK))
                    index += GENERATE_CHUNK
                for d in pending.popleft().result():
                    if n_sent >= target:
                        break
                    take.append(d)
                    n_sent += len(d.sentences)
            tw = time.perf_counter()
            written = store.write_batch(take)
            store.write_provenance([], [], [], done=written.added_ids)  # "already indexed"
            write_s += time.perf_counter() - tw
            if n_sent >= next_log or n_sent >= target:
                next_log += LOG_EVERY_SENTENCES
                log(f"  {n_sent:,} sentences ({(n_sent - start_sent) / (time.perf_counter() - t0):,.0f}/s)")
        for f in pending:
            f.cancel()
    seconds = time.perf_counter() - t0
    added_docs = _bulk_count(store._conn) - start_index
    store.close()
    return {"sentences": n_sent, "added_sentences": n_sent - start_sent, "added_documents": added_docs, "seconds": round(seconds, 1), "write_seconds": round(write_s, 1)}


# -- 2. probes ---------------------------------------------------------------------------------


def make_probes(size: int, n: int, articles: list) -> list[dict]:
    """The new documents matched at one size: kind, url, paragraphs. Seeded by size."""
    rng = random.Random(f"{SEED}:probes:{size}")
    long = [a for a in articles if PROBE_WORDS[0] <= a.words <= PROBE_WORDS[1]]
    vocab = sorted({w for a in articles[:200] for s in a.sentences for w in s.split()})
    n_reworded, n_verbatim = max(1, n // 5), max(1, n // 16)
    n_copy = max(1, n - n_reworded - n_verbatim - 2)
    probes = []
    for i in range(n_copy):  # perturbed like the index: shares most sentences with a few docs
        probes.append({"kind": "copy", "paragraphs": perturb(articles, rng.choice(long), rng)})
    for i in range(n_reworded):  # same names, figures and words, no 3-gram in common
        paragraphs = []
        for para in perturb(articles, rng.choice(long), rng):
            shuffled = []
            for s in para:
                words = s.split()
                rng.shuffle(words)
                shuffled.append(" ".join(words))
            paragraphs.append(shuffled)
        probes.append({"kind": "reworded", "paragraphs": paragraphs})
    words = [rng.choice(vocab) for _ in range(800)]  # matches nothing
    probes.append({"kind": "random-words", "paragraphs": [[" ".join(words[i : i + 20]) + "." for i in range(0, 800, 20)]]})
    for i in range(n_verbatim):  # the text of an article the index holds in many copies
        probes.append({"kind": "verbatim", "paragraphs": [list(rng.choice(long).sentences)]})
    probes.append({"kind": "one-word", "paragraphs": [["Kyiv"]]})
    rng.shuffle(probes)
    for i, p in enumerate(probes):
        p["url"] = f"{BENCH_HOST}/probe/{size}/{i}"
        p["words"] = sum(len(s.split()) for para in p["paragraphs"] for s in para)
    return probes


def _probe_once(store, probe: dict) -> dict:
    from wiretrail.provenance import update_provenance

    analyzed = analyzed_document(probe["paragraphs"], url=probe["url"])
    t0 = time.perf_counter()
    written = store.write_batch([analyzed])
    t1 = time.perf_counter()
    update = update_provenance(store, list(written.added_ids))
    t2 = time.perf_counter()
    # index lookups alone, repeated after the match (warm), to see which query grows with size
    doc_id = analyzed.document.id
    prints = store.fingerprints(doc_id)
    t3 = time.perf_counter()
    exact = store.exact_candidates([f.exact for f in prints if f.n_tokens >= 6])
    t4 = time.perf_counter()
    bands = store.band_matches([(k, f.sentence_index) for f in prints if f.n_tokens >= 6 for k in f.bands])  # as matching asks
    t5 = time.perf_counter()
    related = store.related_by_terms(doc_id, min_shared=thresholds().provenance_rewrite_min_shared_terms, limit=thresholds().provenance_rewrite_max_candidates)
    t6 = time.perf_counter()
    passages = store.passage_candidates([k for k, _ in store.passage_keys(doc_id)]) if hasattr(store, "passage_candidates") else []
    t7 = time.perf_counter()
    return {
        "kind": probe["kind"],
        "words": probe["words"],
        "sentences": len(analyzed.sentences),
        "write_ms": _ms(t1 - t0),
        "match_ms": _ms(t2 - t1),
        "stage_ms": {stage: _ms(seconds) for stage, seconds in update.seconds},
        "total_ms": _ms(t2 - t0),
        "lookup_ms": _ms(t5 - t2),
        "exact_ms": _ms(t4 - t3),
        "band_ms": _ms(t5 - t4),
        "terms_ms": _ms(t6 - t5),
        "passages_ms": _ms(t7 - t6),
        "passage_rows": len(passages),
        "exact_rows": len(exact),
        "band_pairs": len(bands),
        "related": len(related),
        "matches": update.matches,
        "links": len(update.links),
    }


def _summarise(rows: list[dict]) -> dict:
    article = [r for r in rows if r["kind"] != "one-word"]
    out = {
        "match_ms_800_words": _stats([r["match_ms"] for r in article]),
        "lexical_match_ms_800_words": _stats([r["stage_ms"]["match"] for r in article]),
        "stage_ms_800_words": {stage: _stats([r["stage_ms"][stage] for r in article]) for stage in article[0]["stage_ms"]} if article else {},
        "write_plus_match_ms_800_words": _stats([r["total_ms"] for r in article]),
        "lookup_ms_800_words": _stats([r["lookup_ms"] for r in article]),
        "by_kind": {},
    }
    for kind in sorted({r["kind"] for r in rows}):
        sel = [r for r in rows if r["kind"] == kind]
        out["by_kind"][kind] = {
            "match_ms": _stats([r["match_ms"] for r in sel]),
            "lexical_match_ms": _stats([r["stage_ms"]["match"] for r in sel]),
            "exact_ms": _stats([r["exact_ms"] for r in sel]),
            "band_ms": _stats([r["band_ms"] for r in sel]),
            "related_by_terms_ms": _stats([r["terms_ms"] for r in sel]),
            "passage_lookup_ms": _stats([r["passages_ms"] for r in sel]),
            "mean_passage_rows": round(float(np.mean([r["passage_rows"] for r in sel])), 1),
            "mean_band_pairs": round(float(np.mean([r["band_pairs"] for r in sel])), 1),
            "mean_matches": round(float(np.mean([r["matches"] for r in sel])), 1),
            "mean_links": round(float(np.mean([r["links"] for r in sel])), 1),
        }
    return out


def _index_stats(db: str, conn: sqlite3.Connection) -> dict:
    sizes = {name: os.path.getsize(db + suffix) for suffix, name in (("", "db"), ("-wal", "wal")) if os.path.exists(db + suffix)}
    try:
        tables = dict(conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 12"))
    except sqlite3.DatabaseError:
        tables = {}
    def count(table: str) -> int:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    return {
        "file_bytes": sum(sizes.values()),
        "files": sizes,
        "table_bytes": tables,
        "documents": count("documents"),
        "sentences": count("sentences"),
        "sentence_bands_rows": count("sentence_bands"),
        "doc_terms_rows": count("doc_terms"),
    }


def probe(db: str, size: int, n: int, probes_file: str) -> dict:
    from wiretrail.store.sqlite import SQLiteStore

    articles = load_articles()
    probes = make_probes(size, n, articles)
    Path(probes_file).write_text(json.dumps(probes))
    store = SQLiteStore(db)
    rss_before = psutil.Process().memory_info().rss
    rows = []
    for i, p in enumerate(probes):
        rows.append(_probe_once(store, p))
        if (i + 1) % 10 == 0:
            log(f"  probe {i + 1}/{len(probes)}: last {rows[-1]['kind']} {rows[-1]['match_ms']} ms")
    result = {
        **_summarise(rows),
        "index": _index_stats(db, store._conn),
        "rss_mb": round(psutil.Process().memory_info().rss / 2**20),
        "rss_before_probes_mb": round(rss_before / 2**20),
        "peak_rss_mb": round(peak_rss_mb()),  # VmHWM: its own, not a parent's (see batch/rss.py)
        "probes": rows,
    }
    store.close()
    return result


# -- 3. many copies of one text ----------------------------------------------------------------


def copies(db: str, n_copies: int, budget_s: float, probes: int) -> dict:
    from wiretrail.provenance import update_provenance
    from wiretrail.store.sqlite import SQLiteStore

    articles = load_articles()
    article = next(a for a in articles if PROBE_WORDS[0] <= a.words <= PROBE_WORDS[1])
    template = analyzed_document([list(article.sentences)], url=f"{BENCH_HOST}/copies/template")
    store = SQLiteStore(db)
    batches, t_start, stopped = [], time.perf_counter(), False
    for start in range(0, n_copies, COPIES_BATCH):
        docs = [with_url(template, f"{BENCH_HOST}/copies/{i}") for i in range(start, min(n_copies, start + COPIES_BATCH))]
        t0 = time.perf_counter()
        written = store.write_batch(docs)
        t1 = time.perf_counter()
        update = update_provenance(store, list(written.added_ids))
        t2 = time.perf_counter()
        last = docs[-1].document.id
        prints = [f for f in store.fingerprints(last) if f.n_tokens >= 6]
        rows = {
            "exact_rows": len(store.exact_candidates([f.exact for f in prints])),
            "band_pairs": len(store.band_matches([(k, f.sentence_index) for f in prints for k in f.bands])),
        }
        if hasattr(store, "passage_candidates"):
            rows["passage_rows"] = len(store.passage_candidates([k for k, _ in store.passage_keys(last)]))
        t3 = time.perf_counter()
        store.related_by_terms(last, min_shared=thresholds().provenance_rewrite_min_shared_terms, limit=thresholds().provenance_rewrite_max_candidates)
        rows["related_by_terms_ms"] = _ms(time.perf_counter() - t3)
        batches.append({"copies": start + len(docs), "write_ms": _ms(t1 - t0), "match_ms": _ms(t2 - t1), "match_ms_per_doc": _ms((t2 - t1) / len(docs)), "matches": update.matches, "links": len(update.links), "last_copy_candidate_rows": rows})
        log(f"  {start + len(docs):,} copies: batch matched in {t2 - t1:.1f} s; last copy's candidate rows {rows}")
        if time.perf_counter() - t_start + (t2 - t0) > budget_s and start + len(docs) < n_copies:
            stopped = True  # the next batch, at least as slow as this one, would pass the budget
            break
    # ordinary documents after the copies: did the index slow for everyone else?
    after = [_probe_once(store, p) for p in make_probes(-1, probes, articles)]
    result = {
        "requested": n_copies,
        "inserted": batches[-1]["copies"] if batches else 0,
        "stopped_by_budget": stopped,
        "budget_s": budget_s,
        "seconds": round(time.perf_counter() - t_start, 1),
        "article_words": article.words,
        "article_sentences": len(article.sentences),
        "first_batch": batches[0] if batches else None,
        "last_batch": batches[-1] if batches else None,
        "batches": batches,
        "probes_after": _summarise(after),
        "index_after": _index_stats(db, store._conn),
        "peak_rss_mb": round(peak_rss_mb()),  # VmHWM: its own, not a parent's (see batch/rss.py)
    }
    store.close()
    return result


# -- 4. baseline: datasketch MinHashLSH in memory --------------------------------------------


def baseline(db: str, probes_file: str, max_gb: float) -> dict:
    """Every indexed sentence's MinHash in one in-memory MinHashLSH; query the same probes."""
    from datasketch import MinHash, MinHashLSH

    from wiretrail.provenance.fingerprints import shingle_set, tokens

    def minhashes(texts: list[str]) -> list:
        sets = [shingle_set(t) for t in texts if len(tokens(t)) >= thresholds().provenance_min_match_tokens]
        return MinHash.bulk(sets, num_perm=thresholds().provenance_minhash_permutations, seed=thresholds().provenance_minhash_seed) if sets else []

    conn = sqlite3.connect(db)
    proc = psutil.Process()
    lsh = MinHashLSH(threshold=0.5, num_perm=thresholds().provenance_minhash_permutations)
    rss0 = proc.memory_info().rss
    key, n_sent, capped, t0 = 0, 0, False, time.perf_counter()
    docs = conn.execute("SELECT id, text FROM documents WHERE url LIKE ? ORDER BY rowid", (BULK_PREFIX + "%",))
    while batch := docs.fetchmany(500):
        texts = []
        for doc_id, text in batch:
            texts += [text[a:b] for a, b in conn.execute("SELECT start_char, end_char FROM sentences WHERE doc_id = ? ORDER BY idx", (doc_id,))]
        n_sent += len(texts)
        for m in minhashes(texts):
            lsh.insert(key, m, check_duplication=False)
            key += 1
        if (proc.memory_info().rss - rss0) > max_gb * 2**30:
            capped = True
            log(f"  baseline capped at {n_sent:,} sentences: over {max_gb} GB")
            break
    build_s = time.perf_counter() - t0
    rss_delta = proc.memory_info().rss - rss0
    probes = json.loads(Path(probes_file).read_text())
    rows = []
    for p in probes:
        texts = [s for para in p["paragraphs"] for s in para]
        ta = time.perf_counter()
        ms = minhashes(texts)
        tb = time.perf_counter()
        candidates = sum(len(lsh.query(m)) for m in ms)
        tc = time.perf_counter()
        rows.append({"kind": p["kind"], "minhash_ms": _ms(tb - ta), "query_ms": _ms(tc - tb), "candidates": candidates})
    article = [r for r in rows if r["kind"] != "one-word"]
    return {
        "sentences_read": n_sent,
        "sentences_indexed": key,
        "capped": capped,
        "build_seconds": round(build_s, 1),
        "memory_mb": round(rss_delta / 2**20),
        "peak_rss_mb": round(peak_rss_mb()),  # VmHWM: its own, not a parent's (see batch/rss.py)
        "query_ms_800_words": _stats([r["query_ms"] for r in article]),
        "minhash_plus_query_ms_800_words": _stats([r["minhash_ms"] + r["query_ms"] for r in article]),
        "probes": rows,
    }


# -- the parent ----------------------------------------------------------------------------------


def _child(folder: Path, step: str, *args: str) -> tuple[dict, float, int]:
    out = folder / f"{step}-{time.monotonic_ns()}.json"
    seconds, peak = measure([sys.executable, __file__, "--child", step, "--result", str(out), *args], cwd=ROOT)
    return json.loads(out.read_text()), seconds, peak


def _fmt_bytes(n: float) -> str:
    return f"{n / 2**30:.2f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


def _label(size: int) -> str:
    return f"{size // 1_000_000}M" if size % 1_000_000 == 0 else f"{size // 1000}k" if size % 1000 == 0 else str(size)


def run(args: argparse.Namespace, folder: Path) -> dict:
    sizes = sorted(args.sizes or (QUICK_SIZES if args.quick else DEFAULT_SIZES))
    db = str(folder / "wiretrail.db")
    started = time.perf_counter()
    results = []
    for size in sizes:
        log(f"growing the index to {size:,} sentences")
        built, grow_s, grow_rss = _child(folder, "grow", "--db", db, "--target", str(size), "--workers", str(args.workers))
        log(f"  grown in {grow_s:.0f} s ({built['added_sentences'] / max(grow_s, 1e-9):,.0f} sentences/s)")
        probes_file = str(folder / f"probes-{size}.json")
        log(f"matching {args.probes} probes at {size:,}")
        ours, _, probe_rss = _child(folder, "probe", "--db", db, "--size", str(size), "--probes", str(args.probes), "--probes-file", probes_file)
        ours["peak_rss_sampled_mb"] = round(probe_rss / 2**20)
        log(f"  matching median {ours['lexical_match_ms_800_words']['median']} ms, whole update {ours['match_ms_800_words']['median']} ms; baseline: MinHashLSH over the same sentences")
        base, _, base_rss = _child(folder, "baseline", "--db", db, "--probes-file", probes_file, "--baseline-max-gb", str(args.baseline_max_gb))
        base["peak_rss_sampled_mb"] = round(base_rss / 2**20)
        log(f"  baseline median {base['query_ms_800_words']['median']} ms, {base['memory_mb']} MB")
        results.append({"size": size, "build": {**built, "peak_rss_mb": round(grow_rss / 2**20)}, "wiretrail": ours, "baseline": base})
    many = None
    if args.copies:
        log(f"{args.copies:,} copies of one article at {sizes[-1]:,} sentences (budget {args.copies_budget:.0f} s)")
        many, _, _ = _child(folder, "copies", "--db", db, "--copies", str(args.copies), "--copies-budget", str(args.copies_budget), "--probes", str(AFTER_COPIES_PROBES))
    return {"sizes": results, "copies": many, "seconds": round(time.perf_counter() - started, 1), "cpus": os.cpu_count()}


def summary(result: dict) -> str:
    parts = []
    for r in result["sizes"]:
        w, b = r["wiretrail"], r["baseline"]
        m = w["match_ms_800_words"]
        base = f"MinHashLSH query {b['query_ms_800_words']['median']} ms, {b['memory_mb']} MB in memory" + (f" (capped at {b['sentences_read']:,} sentences)" if b["capped"] else "")
        lexical = w["lexical_match_ms_800_words"]
        parts.append(
            f"{_label(r['size'])} sentences: matching median {lexical['median']} ms (p95 {lexical['p95']:.0f}); "
            f"whole provenance update median {m['median']} ms, p95 {m['p95']:.0f} ms per 800-word article "
            f"(index lookups alone {w['lookup_ms_800_words']['median']} ms); "
            f"index {_fmt_bytes(w['index']['file_bytes'])} on disk, peak RSS {w['peak_rss_mb']} MB; baseline {base}"
        )
    line = "provenance: " + " | ".join(parts)
    c = result.get("copies")
    if c:
        line += (
            f" | {c['inserted']:,} copies{' (stopped by budget)' if c['stopped_by_budget'] else ''}: "
            f"{c['first_batch']['match_ms_per_doc']:.0f} -> {c['last_batch']['match_ms_per_doc']:.0f} ms/doc, "
            f"probes after: median {c['probes_after']['match_ms_800_words']['median']} ms"
        )
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=lambda s: [int(x.replace("_", "")) for x in s.split(",")], help="sentence counts, comma-separated")
    parser.add_argument("--quick", action="store_true", help="10k and 100k sentences only")
    parser.add_argument("--probes", type=int, default=50, help="new documents matched per size")
    parser.add_argument("--copies", type=int, default=10_000, help="copies of one text inserted at the end (0: skip)")
    parser.add_argument("--copies-budget", type=float, default=240.0, help="stop inserting copies after this many seconds")
    parser.add_argument("--baseline-max-gb", type=float, default=6.0, help="stop filling the in-memory baseline beyond this")
    parser.add_argument("--workers", type=int, default=2, help="processes generating documents")
    parser.add_argument("--workdir", help="keep the store and probes here instead of a temporary folder")
    parser.add_argument("--out", help="also write the JSON result here")
    parser.add_argument("--child", choices=["grow", "probe", "baseline", "copies"], help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--target", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--probes-file", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        if args.child == "grow":
            result = grow(args.db, args.target, args.workers)
        elif args.child == "probe":
            result = probe(args.db, args.size, args.probes, args.probes_file)
        elif args.child == "baseline":
            result = baseline(args.db, args.probes_file, args.baseline_max_gb)
        else:
            result = copies(args.db, args.copies, args.copies_budget, args.probes)
        Path(args.result).write_text(json.dumps(result))
        return

    if not CORPUS.is_dir():
        raise SystemExit(f"{CORPUS} is absent: the benchmark needs ../shared beside the project")
    if args.workdir:
        folder = Path(args.workdir)
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / "wiretrail.db").exists():
            raise SystemExit(f"{folder}/wiretrail.db exists: give an empty --workdir")
        result = run(args, folder)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            result = run(args, Path(tmp))
    text = json.dumps(result, indent=2)
    if args.out:
        Path(args.out).write_text(text)
    print(text)
    print(summary(result))


if __name__ == "__main__":
    main()
