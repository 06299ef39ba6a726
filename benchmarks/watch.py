"""One polling cycle over many feeds: wall time, CPU, and the latency from an item appearing to
its alert.

    .venv/bin/python benchmarks/watch.py [--feeds 200] [--items 20] [--workers 2]
    .venv/bin/python benchmarks/watch.py --feeds 6 --items 3      # a quick check that it runs

A local server (127.0.0.1) serves `--feeds` RSS feeds with ETags. Cycle 1 brings `--items` new
items per feed (synthetic text: a figure, a place, sometimes a named person); cycle 2 is the same
again with new items; cycle 3 finds nothing new (every feed answers 304). Cycle 3 is the
baseline measured in the same run: what polling costs when there is nothing to ingest.
An alert rule (new story, figure conflict, entity "Rutte") posts to a local webhook receiver.

Latency is per item: from the moment the feed server publishes the item (all of a cycle's items
are published just before the cycle starts) to the arrival at the receiver of the first alert
citing a passage of the item's document. Items no alert cites are counted, not timed. With real
polling, add whatever part of the polling interval had passed when the item appeared.

Politeness: the feeds share one host here, so the per-host delay is set to 0; with real
feeds on different hosts the delay applies per host and the cycle fetches 8 at a time.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import statistics
from collections import Counter
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from wiretrail.fetch import FetchConfig, Fetcher, Poller  # noqa: E402
from wiretrail.settings import Settings  # noqa: E402
from wiretrail.store import open_store  # noqa: E402

PLACES = ["Kharkiv", "Odesa", "Dnipro", "Zaporizhzhia", "Sumy", "Kherson", "Lviv", "Mykolaiv", "Poltava", "Chernihiv"]
THINGS = ["drones", "missiles", "artillery shells", "troops", "tanks", "aid lorries"]
VERBS = ["were reported near", "were sent to", "were counted around", "arrived in", "were intercepted over"]
PEOPLE = ["Mark Rutte", "a regional governor", "the defence ministry", "local officials", "a military spokesman"]
# Filler words for the rest of an item: random sentences, so items share no passages by accident
# (a benchmark of template text would measure provenance on 4,000 near-copies instead).
WORDS = (
    "the a of to and in on for with after before during while council city residents officials water power "
    "school bridge road market hospital station report meeting plan budget winter repairs supplies shelter "
    "north south east west morning evening night week month said says told added expected announced "
    "confirmed denied reported described warned promised agreed rejected checked opened closed moved "
    "local regional national new old small large early late long short quiet busy damaged restored"
).split()


def filler(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = [rng.choice(WORDS) for _ in range(rng.randrange(12, 20))]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def item_text(rng: random.Random) -> tuple[str, str]:
    place, thing = rng.choice(PLACES), rng.choice(THINGS)
    n = rng.randrange(10, 5000)
    who = rng.choice(PEOPLE)
    title = f"{n} {thing} {rng.choice(VERBS)} {place}"
    lead = f"{who[0].upper() + who[1:]} said on Tuesday that {n:,} {thing} {rng.choice(VERBS)} {place}."
    return title, lead + " " + filler(rng, 3)


class Feeds:
    def __init__(self, n_feeds: int, per_cycle: int, seed: int = 7) -> None:
        self.n_feeds, self.per_cycle = n_feeds, per_cycle
        self.rng = random.Random(seed)
        self.items: list[list[tuple[str, str, str]]] = [[] for _ in range(n_feeds)]
        self.version = 0
        self.port = 0
        self.published: dict[str, float] = {}  # item link (without tracking) -> when it was published

    def publish(self) -> None:
        """Add `per_cycle` new items to every feed (feeds keep their newest 50)."""
        self.version += 1
        for f in range(self.n_feeds):
            for k in range(self.per_cycle):
                title, text = item_text(self.rng)
                link = f"http://127.0.0.1:{self.port}/story/{f}/{self.version}/{k}?utm_source=feed{f}"
                self.items[f].insert(0, (title, link, text))
            del self.items[f][50:]
        now = time.monotonic()
        self.published = {link.split("?")[0]: now for f in range(self.n_feeds) for _, link, _ in self.items[f][: self.per_cycle]}

    def feed(self, f: int) -> bytes:
        body = "".join(
            f"<item><title>{t}</title><link>{link}</link><description>{d}</description>"
            "<pubDate>Tue, 03 Dec 2024 10:00:00 GMT</pubDate></item>"
            for t, link, d in self.items[f]
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {f}</title>{body}</channel></rss>'.encode()


def serve(feeds: Feeds, received: list[tuple[float, set[str]]]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            if not self.path.startswith("/feed/"):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = f'"v{feeds.version}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            body = feeds.feed(int(self.path.split("/")[2].split(".")[0]))
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            at = time.monotonic()
            received.append((at, {p["doc_id"] for p in json.loads(body)["alert"]["passages"]}))
            self.send_response(204)
            self.end_headers()

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    feeds.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # pool workers, once they have exited
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile: a value that was measured, not an interpolation."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def item_latencies(store, feeds: Feeds, alerts: list[tuple[float, set[str]]]) -> tuple[list[float], int]:
    """Seconds from each item's publication to the first alert citing its document, and how
    many of the cycle's items no alert cited."""
    first: dict[str, float] = {}
    for at, doc_ids in alerts:
        for doc_id in doc_ids:
            first.setdefault(doc_id, at)
    latencies, uncited = [], 0
    for url, published in feeds.published.items():
        page = store.sources.page_doc(url)
        if page is None or page[0] not in first:
            uncited += 1
            continue
        latencies.append(first[page[0]] - published)
    return latencies, uncited


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    feeds, received = Feeds(args.feeds, args.items), []
    httpd = serve(feeds, received)
    config = FetchConfig(allow_loopback=True, host_delay_s=0, backoff_s=0.1, timeout_s=30)
    results = []
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "watch.db") as store:
        store.sources.add_rule(["new-story", "figure-conflict", "entity"], ["Rutte"], f"http://127.0.0.1:{feeds.port}/hook")
        for f in range(args.feeds):
            store.sources.add_source(f"feed {f}", f"http://127.0.0.1:{feeds.port}/feed/{f}.xml")
        with Poller(store, settings=Settings(workers=args.workers), fetcher=Fetcher(config)) as poller:
            for cycle, publish in ((1, True), (2, True), (3, False)):
                if publish:
                    feeds.publish()
                start_received = len(received)
                started, cpu_before = time.monotonic(), cpu()
                report = poller.poll_sources()
                wall, used = time.monotonic() - started, cpu() - cpu_before
                latencies, uncited = item_latencies(store, feeds, received[start_received:]) if publish else ([], 0)
                arrivals = [t - started for t, _ in received[start_received:]]
                new_docs = sum(len(r.documents) for r in report.results)
                statuses = {s: sum(r.status == s for r in report.results) for s in ("ok", "not-modified", "error")}
                row = {
                    "cycle": cycle, "new_items": args.feeds * args.items if publish else 0, "documents_added": new_docs,
                    "wall_s": round(wall, 2), "cpu_s": round(used, 2), "statuses": statuses, "alerts": len(report.alerts),
                    "alerts_by_kind": dict(Counter(a.kind for a in report.alerts)),
                    "items_per_s": round(new_docs / wall, 1) if wall else None,
                    "alerts_arrived_s": {
                        "first": round(min(arrivals), 2), "median": round(statistics.median(arrivals), 2),
                        "last": round(max(arrivals), 2),
                    } if arrivals else None,
                    "item_latency_s": {
                        "items": len(latencies), "uncited": uncited, "p50": round(percentile(latencies, 0.5), 2),
                        "p95": round(percentile(latencies, 0.95), 2), "max": round(max(latencies), 2),
                    } if latencies else None,
                }  # fmt: skip
                results.append(row)
                print(json.dumps(row), flush=True)
    httpd.shutdown()
    print(json.dumps({"feeds": args.feeds, "items_per_feed_per_cycle": args.items, "workers": args.workers, "cycles": results}, indent=2))


if __name__ == "__main__":
    main()
