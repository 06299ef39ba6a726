"""Load on `wiretrail serve`: concurrent readers and one writer on loopback, SQLite and PostgreSQL.

    .venv/bin/python benchmarks/load.py [--readers 50] [--seconds 60] [--docs 300] [--backends sqlite,postgres]

For each backend: a store holding the seeds plus a sample of ../shared/corpus/ukraine-2022
(`--docs` articles, sampled with a fixed seed) is served by `wiretrail serve` (uvicorn, one
process, real sockets on 127.0.0.1; rate limits off, since all readers share one address). Then
`--readers` clients (one keep-alive HTTP/1.1 connection each, `Connection`, all in this process
on uvloop) ask for the timeline, search, stories and documents in turn for `--seconds`, while one
writer POSTs documents built at run time from other ukraine-2022 articles (never written to
disk). Reported: requests served, errors (any non-2xx answer, an answer cut short or not a JSON
object, a failed connection), p50/p95 latency per endpoint, requests/s, CPU seconds per process
(server, its ingest worker, this client), and whether every POSTed document is in the store
afterwards (no lost writes).

Baseline in the same run: the OpenAPI schema, a response the app builds once and then only
sends, asked for in the same rotation: the floor of the server and this client on this machine.

The target (issue 6) is p95 under 100 ms at 50 readers. Clients and server share the machine's
cores, so latency includes waiting for a core: the load average is printed beside the figures.
`benchmarks/api.py` is the same script (issue 6 names it so).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "ukraine-2022"
SEEDS = SHARED / "corpus" / "seeds"
POSTGRES = os.environ.get("WIRETRAIL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
TOKEN = secrets.token_hex(16)
SAMPLE_SEED = 2022  # the same sample every run, so runs compare
TARGET_P95_MS = 100  # issue 6: p95 under 100 ms at 50 concurrent readers
SERVER_START_S = 120  # the server imports spaCy's stack before it listens
REQUEST_TIMEOUT_S = 60  # a reader waiting longer than this counts an error
# Every answer must be whole (its Content-Length read) and look like a JSON object; one in this
# many is parsed in full. Parsing them all was half the readers' CPU, taken from the server.
JSON_CHECK_EVERY = 8
PAGE = 50  # items per listing request: the web page's page size

# What a reader asks for, in turn; search words are common in the corpus and rare ones.
SEARCHES = ("Kyiv", "sanctions", "grain exports", '"nuclear power plant"', "Kherson OR Kharkiv", "Zelensky -Putin", "drone")
ENDPOINTS = ("timeline", "search", "stories", "documents", "document", "baseline")


@dataclass
class LoadResult:
    backend: str
    seconds: float
    readers: int
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    posted: list[str] = field(default_factory=list)  # ids the server said it stored
    post_latencies: list[float] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    documents_before: int = 0
    documents_after: int = 0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    cpu_server_s: float = 0.0  # the server's own process during the window
    cpu_ingest_s: float = 0.0  # its child processes (the ingest worker)
    cpu_client_s: float = 0.0  # this process: the readers and the writer

    @property
    def served(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    def summary(self) -> dict:
        per = {}
        for name in ENDPOINTS:
            values = sorted(self.latencies.get(name, []))
            if values:
                per[name] = {"requests": len(values), "p50_ms": round(_pct(values, 50) * 1000, 1), "p95_ms": round(_pct(values, 95) * 1000, 1)}
        if self.post_latencies:
            values = sorted(self.post_latencies)
            per["POST document"] = {"requests": len(values), "p50_ms": round(_pct(values, 50) * 1000, 1), "p95_ms": round(_pct(values, 95) * 1000, 1)}
        return {
            "backend": self.backend, "readers": self.readers, "seconds": round(self.seconds, 1), "served": self.served,
            "requests_per_s": round(self.served / self.seconds, 1) if self.seconds else 0.0, "errors": len(self.errors),
            "error_examples": self.errors[:5], "posted": len(self.posted), "lost_writes": len(self.lost),
            "documents_before": self.documents_before, "documents_after": self.documents_after,
            "load_average_before": self.load_before, "load_average_after": self.load_after,
            "cpu_s": {"server": round(self.cpu_server_s, 1), "ingest_worker": round(self.cpu_ingest_s, 1), "client": round(self.cpu_client_s, 1)},
            "server_cpu_ms_per_read": round(self.cpu_server_s * 1000 / self.served, 2) if self.served else None,
            "endpoints": per,
        }  # fmt: skip


def _pct(sorted_values: list[float], pct: int) -> float:
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[pct - 1]


# -- corpus -------------------------------------------------------------------------------------


def corpus_rows() -> list[dict[str, str]]:
    """Every ukraine-2022 article with text, in file then row order."""
    if not CORPUS.is_dir():
        raise SystemExit(f"{CORPUS} is absent: the load benchmark needs ../shared beside the project")
    csv.field_size_limit(1 << 30)
    rows = []
    for path in sorted(CORPUS.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows += [r for r in csv.DictReader(fh) if (r.get("Text") or "").strip()]
    return rows


def split_sample(rows: list[dict[str, str]], docs: int) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(articles loaded before the run, the others: what the writer posts)."""
    order = list(range(len(rows)))
    random.Random(SAMPLE_SEED).shuffle(order)
    return [rows[i] for i in order[:docs]], [rows[i] for i in order[docs:]]


def post_record(row: dict[str, str], n: int) -> dict[str, str]:
    """A JSON record for POST /api/documents; its own URL, so it is a new document even when the
    same article was sampled into the store."""
    return {"title": row.get("Title") or "", "text": row["Text"], "published": (row.get("Date") or "")[:10],
            "url": f"https://bench.invalid/load/{n}"}  # fmt: skip


def fill_store(db: str, sample: list[dict[str, str]], *, workers: int = 2) -> int:
    """Ingest the seeds and `sample` into `db` (the sample goes through a temporary CSV file,
    deleted afterwards); the number of documents stored."""
    from wiretrail.pipeline import ingest
    from wiretrail.settings import Settings
    from wiretrail.store import open_store

    inputs: list[Path] = [SEEDS] if SEEDS.is_dir() else []
    with tempfile.TemporaryDirectory(prefix="wiretrail-load-") as tmp:
        if sample:
            path = Path(tmp) / "sample.csv"
            with path.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=["Date", "URL", "Title", "Text"], extrasaction="ignore")
                writer.writeheader()
                writer.writerows(sample)
            inputs.append(path)
        with open_store(db) as store:
            ingest(store, inputs, settings=Settings(workers=workers))
            return store.counts().documents


@contextmanager
def postgres_schema(url: str = POSTGRES) -> Iterator[str]:
    """A URL whose tables go to a fresh private schema, dropped afterwards."""
    import psycopg

    schema = f"wt_load_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield url + ("&" if "?" in url else "?") + f"options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


# -- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: str) -> Iterator[tuple[str, int]]:
    """`wiretrail serve` on `db` in a child process; yields its base URL and pid once it answers."""
    port = free_port()
    env = {**os.environ, "WIRETRAIL_TOKEN": TOKEN, "WIRETRAIL_RATE_LIMIT_PER_MINUTE": "0", "WIRETRAIL_WRITE_RATE_LIMIT_PER_MINUTE": "0"}
    command = [sys.executable, "-m", "wiretrail", "--quiet", "--db", db, "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                if httpx.get(f"{base}/api/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"wiretrail serve did not come up: {server.communicate(timeout=10)[1][-2000:]}")
            time.sleep(0.3)
        yield base, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# -- the load -------------------------------------------------------------------------------------


def _request(name: str, doc_ids: list[str], rng: random.Random) -> tuple[str, dict]:
    if name == "timeline":
        return "/api/timeline", {"limit": PAGE, "offset": rng.choice((0, 0, PAGE))}
    if name == "search":
        return "/api/search", {"q": rng.choice(SEARCHES), "limit": 20}
    if name == "stories":
        return "/api/stories", {"limit": PAGE}
    if name == "documents":
        return "/api/documents", {"limit": PAGE, "offset": rng.randrange(0, max(1, len(doc_ids) - PAGE + 1))}
    if name == "document":
        return f"/api/documents/{rng.choice(doc_ids)}", {}
    return "/api/openapi.json", {}


class HttpError(Exception):
    """The server closed the connection or sent something that is not an HTTP/1.1 answer."""


class Connection:
    """One keep-alive HTTP/1.1 connection for GETs: the readers' client. httpx cost ~1.3 ms of
    CPU per request here, as much as the server, on the same two cores; this costs a tenth of
    that, so the figures say more about the server. It reads what it needs (status,
    Content-Length or chunks, Connection: close) and nothing else."""

    def __init__(self, base: str) -> None:
        host, _, port = base.removeprefix("http://").partition(":")
        self.host, self.port = host, int(port or 80)
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str, params: dict) -> tuple[int, bytes]:
        target = f"{path}?{urlencode(params, quote_via=quote)}" if params else path
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        try:
            writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: */*\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            version, _, rest = lines[0].partition(" ")
            if not version.startswith("HTTP/1."):
                raise HttpError(f"not an HTTP/1.1 answer: {lines[0][:80]!r}")
            status = int(rest[:3])
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name:
                    headers[name.strip().lower()] = value.strip()
            if "content-length" in headers:
                body = await reader.readexactly(int(headers["content-length"]))
            elif headers.get("transfer-encoding", "").lower() == "chunked":
                chunks = []
                while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
                    chunks.append(await reader.readexactly(size))
                    await reader.readexactly(2)
                await reader.readuntil(b"\r\n")  # no trailers are sent
                body = b"".join(chunks)
            else:
                body = await reader.read()
                headers["connection"] = "close"
        except BaseException:
            self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


async def _reader(base: str, n: int, stop: float, doc_ids: list[str], result: LoadResult) -> None:
    rng = random.Random(n)
    turn = n  # readers start at different endpoints, so each moment sees a mix
    connection = Connection(base)
    checks = n  # each reader parses a different sample of its answers
    try:
        while time.monotonic() < stop:
            name = ENDPOINTS[turn % len(ENDPOINTS)]
            turn += 1
            path, params = _request(name, doc_ids, rng)
            started = time.perf_counter()
            try:
                status, body = await asyncio.wait_for(connection.get(path, params), REQUEST_TIMEOUT_S)
                elapsed = time.perf_counter() - started
                if status != 200:
                    result.errors.append(f"GET {path} {params}: {status} {body[:200]!r}")
                    continue
                if body[:1] != b"{" or body[-1:] != b"}" or (checks % JSON_CHECK_EVERY == 0 and not isinstance(json.loads(body), dict)):
                    raise ValueError(f"not a JSON object: {body[:80]!r}")
                checks += 1
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, HttpError, ValueError) as exc:
                result.errors.append(f"GET {path} {params}: {type(exc).__name__}: {exc}")
                continue
            result.latencies.setdefault(name, []).append(elapsed)
    finally:
        connection.close()


async def _writer(base: str, stop: float, records: list[dict], result: LoadResult) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=base, timeout=REQUEST_TIMEOUT_S * 5) as client:
        for record in records:
            if time.monotonic() >= stop:
                return
            started = time.perf_counter()
            try:
                response = await client.post("/api/documents", json=record, headers=auth)
            except httpx.HTTPError as exc:
                result.errors.append(f"POST {record['url']}: {type(exc).__name__}: {exc}")
                continue
            if response.status_code not in (200, 201):
                result.errors.append(f"POST {record['url']}: {response.status_code} {response.text[:200]}")
                continue
            result.post_latencies.append(time.perf_counter() - started)
            result.posted.append(response.json()["id"])


async def _load(base: str, readers: int, seconds: float, doc_ids: list[str], records: list[dict], result: LoadResult) -> None:
    stop = time.monotonic() + seconds
    await asyncio.gather(_writer(base, stop, records, result), *(_reader(base, n, stop, doc_ids, result) for n in range(readers)))


def run_load(db: str, *, backend: str, readers: int, seconds: float, records: list[dict]) -> LoadResult:
    """Serve `db`, warm the server up (its first ingest loads spaCy), then readers and one writer
    for `seconds`; afterwards every id the server stored must be in the store."""
    from wiretrail.store import open_store

    result = LoadResult(backend, seconds, readers)
    with open_store(db) as store:
        doc_ids = [d.id for d in store.documents()]
    if not doc_ids:
        raise RuntimeError(f"the store {backend} holds no documents to read")
    with serving(db) as (base, pid):
        warm = httpx.post(f"{base}/api/documents", json=records[0], headers={"Authorization": f"Bearer {TOKEN}"}, timeout=SERVER_START_S * 2)
        if warm.status_code not in (200, 201):
            raise RuntimeError(f"warm-up POST failed: {warm.status_code} {warm.text[:300]}")
        result.posted.append(warm.json()["id"])
        for name in ENDPOINTS:  # build the schema and any cache once, outside the window
            path, params = _request(name, doc_ids, random.Random(0))
            httpx.get(base + path, params=params, timeout=REQUEST_TIMEOUT_S)
        with open_store(db) as store:
            result.documents_before = store.counts().documents
        result.load_before = os.getloadavg()
        cpu_before = _cpu_seconds(pid), _children_cpu_seconds(pid), time.process_time()
        started = time.monotonic()
        _run(_load(base, readers, seconds, doc_ids, records[1:], result))
        result.seconds = time.monotonic() - started
        result.load_after = os.getloadavg()
        result.cpu_server_s = _cpu_seconds(pid) - cpu_before[0]
        result.cpu_ingest_s = _children_cpu_seconds(pid) - cpu_before[1]
        result.cpu_client_s = time.process_time() - cpu_before[2]
    with open_store(db) as store:  # after the server stopped: what it said it stored is there
        result.lost = [i for i in result.posted if store.document(i) is None]
        result.documents_after = store.counts().documents
    return result


def _run(main: Coroutine) -> None:
    """On uvloop when it is installed (the server's extra brings it): a cheaper loop for the
    clients, like the server's."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one live process (Linux /proc), 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds(pid: int) -> float:
    """CPU of `pid`'s live child processes (the server's ingest worker)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return sum(_cpu_seconds(c) for c in children)


# -- report ---------------------------------------------------------------------------------------


def print_report(summary: dict) -> None:
    print(f"\n== {summary['backend']}: {summary['readers']} readers + 1 writer, {summary['seconds']} s")
    print(f"served {summary['served']} reads ({summary['requests_per_s']}/s), errors {summary['errors']}, "
          f"posted {summary['posted']} (lost {summary['lost_writes']}); documents {summary['documents_before']} -> {summary['documents_after']}")  # fmt: skip
    print(f"load average before {summary['load_average_before']}, after {summary['load_average_after']} (2 cores, shared)")
    cpu = summary["cpu_s"]
    print(f"CPU s in the window: server {cpu['server']} ({summary['server_cpu_ms_per_read']} ms per read), "
          f"ingest worker {cpu['ingest_worker']}, client {cpu['client']}")  # fmt: skip
    print(f"{'endpoint':<16} {'requests':>9} {'p50 ms':>9} {'p95 ms':>9}  target p95 < {TARGET_P95_MS} ms")
    for name, row in summary["endpoints"].items():
        mark = "" if name == "POST document" else ("met" if row["p95_ms"] < TARGET_P95_MS else "NOT met")
        print(f"{name:<16} {row['requests']:>9} {row['p50_ms']:>9} {row['p95_ms']:>9}  {mark}")
    for example in summary["error_examples"]:
        print(f"  error: {example}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--readers", type=int, default=50, help="concurrent readers (default 50, the issue's target)")
    parser.add_argument("--seconds", type=float, default=60, help="length of the measured window (default 60)")
    parser.add_argument("--docs", type=int, default=300, help="ukraine-2022 articles loaded before the run (default 300)")
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--json", type=Path, help="also write the summaries here")
    args = parser.parse_args(argv)
    rows = corpus_rows()
    sample, others = split_sample(rows, args.docs)
    records = [post_record(row, n) for n, row in enumerate(others[:2000])]
    summaries = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        with tempfile.TemporaryDirectory(prefix="wiretrail-load-") as tmp:
            places = postgres_schema() if backend == "postgres" else _nullcontext(str(Path(tmp) / "load.db"))
            with places as db:
                started = time.monotonic()
                stored = fill_store(db, sample)
                print(f"{backend}: {stored} documents loaded in {time.monotonic() - started:.0f} s", file=sys.stderr)
                result = run_load(db, backend=backend, readers=args.readers, seconds=args.seconds, records=records)
        summary = result.summary()
        summaries.append(summary)
        print_report(summary)
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2), encoding="utf-8")
    return 1 if any(s["errors"] or s["lost_writes"] for s in summaries) else 0


@contextmanager
def _nullcontext(value: str) -> Iterator[str]:
    yield value


if __name__ == "__main__":
    sys.exit(main())
