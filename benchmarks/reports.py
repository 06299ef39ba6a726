"""How fast the analyst's reports answer from a store holding the ukraine-2022 corpus.

    .venv/bin/python benchmarks/reports.py [--db STORE] [--repeat 3]

Builds a store with `wiretrail ingest` of ../shared/corpus/ukraine-2022/ (or uses `--db`), then
times, in one process: the story list, the whole timeline, the figure table with conflicts and
the briefing. Each is timed cold (the report cache and the sentence-terms cache emptied first: what
a new `wiretrail` process pays) and cached (asked again at the same data version: what the API and
a Python session pay until the next write). Baseline measured in the same run: reading every
table once (the JSON Lines export to a temporary folder), the least any report that looks at the
whole corpus must cost. The target is under 1 second for each report.

Seconds are wall-clock; CPU seconds (this process's) are printed beside them, since on a shared
machine the wall clock also counts waiting for a core (the load average is printed too). Reports
build with Python's cyclic collector paused (`wiretrail.gc_pause`); `--collect` builds
them with it running, as before, to show what the pause saves.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "ukraine-2022"


def _cold() -> None:
    """Forget every computed report and sentence's terms, as a new process starts."""
    from wiretrail.report.cache import REPORTS
    from wiretrail.report.timeline import _sentence_terms

    REPORTS.clear()
    _sentence_terms.cache_clear()
    gc.collect()  # every call starts from the same collector state, earlier calls' garbage gone


def _timed(fn, repeat: int, *, cold: bool = False) -> tuple[float, float, object]:
    """Median wall and CPU seconds of `repeat` calls, and the last result."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        if cold:
            _cold()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", help="an existing store to time (default: ingest the corpus into a new one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--collect", action="store_true", help="build with the cyclic collector running (no pause)")
    args = parser.parse_args()
    if args.collect:
        import wiretrail.gc_pause as gc_pause

        gc_pause.collection_paused = contextlib.nullcontext

    from wiretrail.report.briefing import build_briefing
    from wiretrail.report.export import export
    from wiretrail.report.figure_table import figure_table
    from wiretrail.report.stories import stories
    from wiretrail.report.timeline import timeline
    from wiretrail.store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            if not CORPUS.is_dir():
                raise SystemExit(f"{CORPUS} is absent: the benchmark needs ../shared beside the project")
            db = str(Path(tmp) / "wiretrail.db")
            subprocess.run([sys.executable, "-m", "wiretrail", "--quiet", "--db", db, "ingest", str(CORPUS)], check=True, cwd=ROOT)
        store = open_store(db)
        counts = store.counts()
        load_before = os.getloadavg()
        baseline, _, _ = _timed(lambda: export(store, Path(tmp) / "export"), args.repeat)
        results = {}
        for name, fn in (
            ("stories", lambda: stories(store)),
            ("timeline", lambda: timeline(store)),
            ("figures --conflicts", lambda: figure_table(store, conflicts_only=True)),
            ("brief", lambda: build_briefing(store)),
        ):
            seconds, cpu, out = _timed(fn, args.repeat, cold=True)
            cached, _, _ = _timed(fn, args.repeat)
            size = len(out.events) if name == "brief" else len(out)
            results[name] = {
                "seconds": round(seconds, 3), "cpu_seconds": round(cpu, 3), "cached_seconds": round(cached, 4),
                "rows": size, "vs_full_read": round(seconds / baseline, 2),
            }  # fmt: skip
        store.close()
    load = [round(x, 2) for x in (*load_before, *os.getloadavg())]
    print(json.dumps({"documents": counts.documents, "baseline_full_read_s": round(baseline, 3), "collector_paused": not args.collect,
                      "load_average_1_5_15_before_after": load, "reports": results}, indent=2))  # fmt: skip
    for name, r in results.items():
        print(f"{name}: {r['seconds']} s cold ({r['cpu_seconds']} s CPU, {r['rows']} rows), {r['vs_full_read']}x a full read "
              f"of the store ({baseline:.2f} s); cached {r['cached_seconds']} s")
    print(f"load average (1, 5, 15 min) before: {load[:3]}, after: {load[3:]}")


if __name__ == "__main__":
    main()
