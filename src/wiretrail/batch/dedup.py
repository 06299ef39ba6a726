"""Corpus-wide near-duplicate detection, the distributed way: every pair decided once, by a
task whose size depends on a document's neighbours, never on the corpus.

    1. keys: each partition wrote the index keys of its documents (exact and LSH band keys of
       sentences, winnowed passage keys, salient terms) — the keys the store indexes and
       matching and the rewrite search look up
    2. neighbours (on the workers, `neighbour_rows`): the (key, document) rows are shuffled by
       key; for each key, every document gets as neighbours the key's first KEY_DOCS_CAP
       documents in input order that ingest would already have stored when it matched that
       document (an earlier batch, or its own) — the candidates the store's index returns.
       Through a text key (sentence, passage) one shared key makes a neighbour; through salient
       terms only a pair that may share `provenance_rewrite_min_shared_terms` of them, the fewest
       the rewrite search takes (shared among the capped ones, plus the document's terms whose
       stored documents exceed the cap)
    3. decide (`decide`): documents are cut into tasks of consecutive "owners"; a task writes
       its owners and their neighbours into a scratch store batch by batch in input order and
       runs the single-machine `update_provenance` on the owners only, so each match and link
       is found exactly as `wiretrail ingest` finds it when the later document of the pair
       arrives. A task keeps the matches and links whose later document it owns: every pair
       is decided once, by one task. It writes them as Parquet beside the partition files
       (`decided_paths`), so neither a worker nor the client ever holds the corpus's matches

Why not connected groups: documents chain through keys each shared by two to six documents (a
reused passage here, a near-copy there) into one group holding most of the corpus — 134 of 286
real ukraine-2022 articles, 392 of 600 benchmark documents, with no key in more than 15
documents — so a group is decided on one core however many workers there are.

What is not exactly the same: a term in more than KEY_DOCS_CAP documents brings only its first
ones, and terms are counted among those, so a rewrite candidate sharing enough terms with a
document only through common ones can be missed (ingest ranks every stored document by shared
terms). Counting terms per pair matters for scale: with any shared term a neighbour, a common
term's first documents were every later document's neighbours, and a task of 256 owners had
10,058 neighbours on average among 20,000 generated documents. A match found through an LSH band counts how many
documents carry the other sentence's exact text among the task's documents only (stock lines).
"""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..gc_pause import collection_paused
from ..model import AnalyzedDocument, Link, SentenceMatch
from ..provenance import update_provenance
from ..report.export import link_from_record, link_record
from ..store import SQLiteStore
from ..store.base import CANDIDATES_PER_KEY
from ..thresholds import DEFAULT, Thresholds, thresholds, using
from .analyze import keys_path
from .results import read_partition_results
from .tables import MATCHES, SCHEMAS, read_rows

KEY_DOCS_CAP = CANDIDATES_PER_KEY  # a key's neighbours are its first this many documents: the
# store returns at most this many rows per key, earliest first, so later ones are never candidates
OWNER_DOCS = 2048  # documents whose pairs one task decides (`wiretrail batch --owner-docs`). A task
# writes its owners and their earlier neighbours into its scratch store, and with copies spread
# over the input every earlier document can be a neighbour: on 20,000 generated documents, 256
# owners a task wrote 795,133 documents in all (10,064 a task), 2,048 wrote 112,149 (10 tasks:
# still enough to keep 2 workers busy, biggest first)


@dataclass(frozen=True, slots=True)
class Member:
    """A document a decision task reads: where its result is, its place in input order."""

    part_id: str
    doc_id: str
    rank: int  # among distinct documents in input order
    owner: bool  # the task decides the pairs whose later document this is


@dataclass(frozen=True, slots=True)
class Decided:
    """What a task wrote (`decided_paths`): counts only, the rows are in the files."""

    task: int
    matches: int
    links: int
    owners: int
    written: int  # owners and neighbours in the task's scratch store


MATCHES_DIR, LINKS_DIR = "matches", "decided_links"  # under the work folder, one file per task


def decided_paths(work: Path, task: int) -> tuple[Path, Path]:
    """Where task `task` writes its matches (`tables.MATCHES`) and links (the export schema)."""
    name = f"part-{task:05d}.parquet"
    return work / MATCHES_DIR / name, work / LINKS_DIR / name


def clear_decided(work: Path) -> None:
    """Remove an earlier run's task files: its tasks may have been cut otherwise."""
    for folder in (MATCHES_DIR, LINKS_DIR):
        for old in (work / folder).glob("part-*.parquet*"):
            old.unlink()


def decided_matches(work: Path) -> Iterator[SentenceMatch]:
    """Every task's matches, task by task: one file in memory at a time."""
    for row in read_rows(work / MATCHES_DIR):
        yield SentenceMatch(**row)


def decided_links(work: Path) -> Iterator[Link]:
    """Every task's links, task by task."""
    for row in read_rows(work / LINKS_DIR):
        yield link_from_record(row)


OVER = -1  # the neighbour column of a row that counts a document's terms over the cap
# Document ranks and shared-term counts in the neighbour step's frames: 4 bytes (2 billion
# documents) instead of pandas' 8 halve the pair counts shuffled (57.8M rows for 20,000
# generated documents).
COUNT_DTYPE = "int32"


def neighbour_rows(client, key_files: Sequence[str], ranks: dict[str, int], *, batch_size: int, owner_docs: int) -> set[tuple[int, int]]:
    """(task, neighbour rank) for every neighbour a task's owners need, computed on the cluster."""
    import dask.dataframe as dd
    import pandas as pd

    keys = dd.read_parquet(list(key_files), columns=["key", "doc_id", "term"])
    # documents by number before anything moves (the 16-character ids were most of the bytes
    # shuffled); a document in the input twice gives the same rows twice, dropped after the
    # shuffle, where all of a key's rows are in one partition
    ranked = keys.merge(pd.DataFrame({"doc_id": list(ranks), "rank": pd.Series(list(ranks.values()), dtype=COUNT_DTYPE)}), on="doc_id")[["key", "rank", "term"]]
    shuffled = ranked.shuffle(on="key")
    meta = pd.DataFrame({"task": pd.Series(dtype="int64"), "neighbour": pd.Series(dtype="int64")})
    lexical = shuffled.map_partitions(_key_neighbours, batch_size=batch_size, owner_docs=owner_docs, meta=meta)
    # a salient term alone makes no candidate: the rewrite search takes documents sharing at
    # least `provenance_rewrite_min_shared_terms` of them, so pairs are counted over all terms
    # first (a common term's first documents were every later document's neighbours: a task's
    # neighbours grew with the corpus). The counts of one pair come from every partition its
    # terms hashed to: they are shuffled by document, with each document's terms over the cap
    # (`_terms_over_cap`, as neighbour -1) beside them, and summed and filtered one partition
    # at a time. A groupby over the pairs instead held them in memory: 33M distinct pairs of
    # 20,000 generated documents took a worker to 4.3 GB.
    count_meta = pd.DataFrame({c: pd.Series(dtype=COUNT_DTYPE) for c in ("rank", "neighbour", "shared")})
    counts = shuffled.map_partitions(_term_counts, batch_size=batch_size, meta=count_meta).shuffle(on="rank")
    min_shared = thresholds().provenance_rewrite_min_shared_terms
    by_terms = counts.map_partitions(_enough_terms, min_shared=min_shared, owner_docs=owner_docs, meta=meta)
    frame = client.compute(dd.concat([lexical, by_terms]).drop_duplicates()).result()
    return set(zip(frame["task"].tolist(), frame["neighbour"].tolist()))


def _distinct(frame):
    """A shuffled partition's rows once each (a document read twice brings its keys twice)."""
    return frame.drop_duplicates(["key", "rank"])


def _stored_pairs(frame, *, batch_size: int):
    """(key, rank, neighbour) for each document and each of its key's first KEY_DOCS_CAP
    documents that ingest would already have stored when matching it."""
    frame = frame[["key", "rank"]].sort_values(["key", "rank"])
    early = frame[frame.groupby("key").cumcount() < KEY_DOCS_CAP].rename(columns={"rank": "neighbour"})
    pairs = frame.merge(early, on="key")
    stored = (pairs["neighbour"] != pairs["rank"]) & (pairs["neighbour"] // batch_size <= pairs["rank"] // batch_size)
    return pairs[stored]


def _key_neighbours(frame, *, batch_size: int, owner_docs: int):
    """One shuffled partition of (key, rank, term) rows -> (task, neighbour rank) through text
    keys, duplicates dropped."""
    pairs = _stored_pairs(_distinct(frame[~frame["term"]]), batch_size=batch_size)
    out = pairs.assign(task=pairs["rank"] // owner_docs)[["task", "neighbour"]]
    return out.drop_duplicates().astype("int64")


def _terms_over_cap(frame, *, batch_size: int):
    """One shuffled partition -> (rank, its terms for which more than KEY_DOCS_CAP documents
    are stored when it is matched)."""
    terms = _distinct(frame[frame["term"]])[["key", "rank"]].copy()
    terms["batch"] = terms["rank"] // batch_size
    per_batch = terms.groupby(["key", "batch"]).size().rename("n").reset_index().sort_values(["key", "batch"])
    per_batch["stored"] = per_batch.groupby("key")["n"].cumsum() - 1  # up to its batch, itself excluded
    marked = terms.merge(per_batch[["key", "batch", "stored"]], on=["key", "batch"])
    over = marked[marked["stored"] > KEY_DOCS_CAP].groupby("rank").size().rename("over").reset_index()
    return over.astype(COUNT_DTYPE)


def _term_pairs(frame, *, batch_size: int):
    """One shuffled partition -> (rank, neighbour, terms they share among this partition's)."""
    pairs = _stored_pairs(_distinct(frame[frame["term"]]), batch_size=batch_size)
    counted = pairs.groupby(["rank", "neighbour"]).size().rename("shared").reset_index()
    return counted.astype(COUNT_DTYPE)


def _term_counts(frame, *, batch_size: int):
    """One shuffled partition -> its pairs' shared terms, and each document's terms over the
    cap as a row (rank, OVER, count): the neighbour may share those too, beyond the cap."""
    import pandas as pd

    pairs = _term_pairs(frame, batch_size=batch_size)
    over = _terms_over_cap(frame, batch_size=batch_size).rename(columns={"over": "shared"}).assign(neighbour=OVER)
    return pd.concat([pairs, over[["rank", "neighbour", "shared"]]], ignore_index=True).astype(COUNT_DTYPE)


def _enough_terms(frame, *, min_shared: int, owner_docs: int):
    """One partition of term counts shuffled by document -> (task, neighbour) for the pairs
    that may share `min_shared` terms: shared among the capped ones plus the document's over."""
    summed = frame.groupby(["rank", "neighbour"])["shared"].sum().reset_index()
    is_over = summed["neighbour"] == OVER
    over = summed[is_over].set_index("rank")["shared"]
    pairs = summed[~is_over]
    possible = pairs["shared"] + pairs["rank"].map(over).fillna(0)
    enough = pairs[possible >= min_shared]
    return enough.assign(task=enough["rank"] // owner_docs)[["task", "neighbour"]].astype("int64")


def plan_tasks(located: Sequence[tuple[str, str, int]], neighbours: Iterable[tuple[int, int]], *, owner_docs: int) -> list[list[Member]]:
    """Members of each decision task: consecutive owners plus the neighbours they need."""
    by_rank = [(part_id, doc_id) for part_id, doc_id, _ in located]
    needed: dict[int, set[int]] = {}
    for task, rank in neighbours:
        needed.setdefault(task, set()).add(rank)
    tasks = []
    for task, start in enumerate(range(0, len(by_rank), owner_docs)):
        owners = range(start, min(start + owner_docs, len(by_rank)))
        ranks = sorted(set(owners) | needed.get(task, set()))
        tasks.append([Member(*by_rank[r], r, r in owners) for r in ranks])
    return tasks


def decide(members: Sequence[Member], task: int, *, work_dir: str, docs_per_batch: int, thresholds: Thresholds = DEFAULT) -> Decided:
    """The pairs whose later document this task owns, decided by the single-machine code on a
    scratch store filled batch by batch in input order and written to the task's files (a
    retried task rewrites them whole). Runs on a worker, under the run's `thresholds`."""
    with using(thresholds):
        return _decide(members, task=task, work_dir=work_dir, docs_per_batch=docs_per_batch)


def _decide(members: Sequence[Member], *, task: int, work_dir: str, docs_per_batch: int) -> Decided:
    ordered = sorted(members, key=lambda m: m.rank)
    owned = {m.doc_id: m.rank for m in ordered if m.owner}
    rank = {m.doc_id: m.rank for m in ordered}
    read = 0
    wanted = _owner_keys(Path(work_dir), [m for m in ordered if m.owner])
    # The cyclic collector is paused (it took a fifth of a task walking the read documents and
    # the provenance caches) and run once after each batch of owners, when a batch's garbage is
    # all unreachable: a 10,000-member task took 160 s instead of 256-270, at the same peak
    with tempfile.TemporaryDirectory(prefix="wiretrail-dedup-") as tmp, _DecidedWriter(Path(work_dir), task) as out, collection_paused():
        store = SQLiteStore(Path(tmp) / "scratch.db", scratch=True)
        try:
            in_order = (d if d.document.id in owned else index_keys_in(d, wanted) for d in _results_in_order(Path(work_dir), ordered))
            for _, batch in groupby(in_order, key=lambda doc: rank[doc.document.id] // docs_per_batch):  # ingest's batches
                docs = list(batch)
                read += len(docs)
                written = store.write_batch(docs)
                new_owners = [d for d in written.added_ids if d in owned]
                del docs, written
                if new_owners:
                    update_provenance(store, new_owners)
                    out.add(*_decided_now(store, new_owners, rank))
                    gc.collect()
        finally:
            store.close()
    return Decided(task, out.matches, out.links, len(owned), read)


def _decided_now(store, new_owners: Sequence[str], rank: dict[str, int]) -> tuple[list[SentenceMatch], list[Link]]:
    """The matches and links whose later document is one of `new_owners`, just matched: final,
    since a later batch's matching only writes pairs that hold one of its own new documents.
    Taken batch by batch, so a task never holds all its owners' matches (at 20,000 generated
    documents, ~15 copies an article: over a million a task, most of a worker's memory)."""
    fresh = set(new_owners)
    matches = {m for d in new_owners for m in store.sentence_matches(d) if _later(m.doc_a, m.doc_b, rank) in fresh}
    links = {(l.from_doc, l.to_doc): l for d in new_owners for l in store.links(d) if _later(l.from_doc, l.to_doc, rank) in fresh}
    return sorted(matches, key=lambda m: (m.doc_a, m.sent_a, m.doc_b, m.sent_b)), [links[k] for k in sorted(links)]


class _DecidedWriter:
    """A task's two files, appended batch by batch and renamed into place only when the task
    ends: a task stopped halfway leaves no file a reader could take for a whole one."""

    def __init__(self, work: Path, task: int) -> None:
        self.paths = decided_paths(work, task)
        self.matches = self.links = 0

    def __enter__(self) -> _DecidedWriter:
        for path in self.paths:
            path.parent.mkdir(parents=True, exist_ok=True)
        self._writers = [pq.ParquetWriter(_partial(p), schema) for p, schema in zip(self.paths, (MATCHES, SCHEMAS["links"]))]
        return self

    def add(self, matches: Sequence[SentenceMatch], links: Sequence[Link]) -> None:
        if matches:
            self._writers[0].write_table(pa.table({f.name: [getattr(m, f.name) for m in matches] for f in MATCHES}, schema=MATCHES))
        if links:
            self._writers[1].write_table(pa.Table.from_pylist([link_record(link) for link in links], schema=SCHEMAS["links"]))
        self.matches += len(matches)
        self.links += len(links)

    def __exit__(self, kind, *_) -> None:
        for writer in self._writers:
            writer.close()
        for path in self.paths:
            if kind is None:
                _partial(path).replace(path)
            else:
                _partial(path).unlink(missing_ok=True)


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def _owner_keys(work: Path, owners: Sequence[Member]) -> set[int]:
    """Every index key of the owners (text keys and salient terms), from the key files."""
    keys: set[int] = set()
    for part_id, group in groupby(owners, key=lambda m: m.part_id):
        ids = sorted(m.doc_id for m in group)
        keys.update(pq.read_table(keys_path(work, part_id), columns=["key"], filters=[("doc_id", "in", ids)])["key"].to_pylist())
    return keys


def index_keys_in(analyzed: AnalyzedDocument, wanted: Container[int]) -> AnalyzedDocument:
    """The document with only the LSH band, passage and salient-term keys in `wanted`, its
    sentences, exact keys and claim terms whole. A dedup task writes its neighbours so: every
    index lookup the owners' matching makes is by one of their own keys, so the rows of other
    keys are never read (links and alignment read the rest). Cuts a task's scratch store to a
    fraction of its rows."""
    prints = tuple(replace(f, bands=tuple(k for k in f.bands if k in wanted)) for f in analyzed.fingerprints)
    passages = tuple(p for p in analyzed.passages if p[0] in wanted)
    return replace(analyzed, fingerprints=prints, passages=passages, terms=tuple(t for t in analyzed.terms if t in wanted))


def _results_in_order(work: Path, ordered: Sequence[Member]) -> Iterator[AnalyzedDocument]:
    """The members' results in input order, one partition in memory at a time: a task's
    neighbours can be thousands of documents (20,000 generated copies: workers grew past 1.6 GB
    holding them all). Ranks follow input order and a partition is a run of it, so walking the
    members by rank reads each partition once."""
    for part_id, group in groupby(ordered, key=lambda m: m.part_id):
        wanted = [m.doc_id for m in group]
        # provenance reads text, sentences, keys and terms, never the extraction
        found = {a.document.id: a for _, a in read_partition_results(work, part_id, set(wanted), extraction=False)}
        for doc_id in wanted:
            analyzed = found.pop(doc_id, None)
            if analyzed is not None:
                yield analyzed


def _later(a: str, b: str, rank: dict[str, int]) -> str:
    return a if rank[a] >= rank[b] else b
