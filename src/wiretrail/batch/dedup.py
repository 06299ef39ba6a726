"""Corpus-wide near-duplicate detection, the distributed way.

    1. keys: each partition wrote the index keys of its documents (exact and LSH band keys of
       sentences, winnowed passage keys) — the keys the store indexes and matching looks up
    2. shuffle: the (key, document) rows are grouped by key across partitions (dask.dataframe);
       each document is joined to the smallest document id sharing a key with it
    3. groups: connected documents form one group (union-find on the client); documents in
       different groups share no key, so no sentence match, passage or copy can link them
    4. decide: each group (small groups packed together in input order) runs the single-machine
       provenance code — the store's `write_batch`, then `update_provenance` — on a scratch
       store on a worker, batch by batch in input order, so matches, links, relations and
       `first` are decided exactly as `wiretrail ingest` decides them

What is not exactly the same: rewrites (`rewrite-of`) are looked for among the documents of a
group, while ingest looks among everything stored before; a rewrite sharing no sentence or
passage key with its source can be missed when the two land in different groups.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from ..model import Link, SentenceMatch
from ..provenance import update_provenance
from ..store import open_store
from .results import read_partition_results

GROUP_DOCS = 256  # documents per decision task when small groups are packed: big enough that a
# task's scratch store and model caches pay off, small enough to spread over the workers


@dataclass(frozen=True, slots=True)
class Decided:
    matches: tuple[SentenceMatch, ...]
    links: tuple[Link, ...]
    documents: int


def connected_groups(client, key_files: Sequence[str], order: dict[str, int]) -> list[list[str]]:
    """Documents grouped by shared keys (shuffled on the cluster), each group in input order,
    groups ordered by their first document."""
    import dask.dataframe as dd

    keys = dd.read_parquet(list(key_files), columns=["key", "doc_id"]).drop_duplicates()
    roots = keys.groupby("key")["doc_id"].min().to_frame("root")
    joined = keys.merge(roots, left_on="key", right_index=True)
    edges = joined[joined["doc_id"] != joined["root"]][["doc_id", "root"]].drop_duplicates()
    frame = client.compute(edges).result()

    parent = {doc: doc for doc in order}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(frame["doc_id"].tolist(), frame["root"].tolist()):
        if a in parent and b in parent:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb, key=order.__getitem__)] = min(ra, rb, key=order.__getitem__)
    members: dict[str, list[str]] = {}
    for doc in sorted(order, key=order.__getitem__):
        members.setdefault(find(doc), []).append(doc)
    return sorted(members.values(), key=lambda group: order[group[0]])


def pack(groups: Sequence[list[str]], *, limit: int = GROUP_DOCS) -> list[list[str]]:
    """Consecutive small groups packed into tasks of up to `limit` documents (a bigger group is
    a task of its own); depends only on the corpus, never on the number of workers."""
    tasks: list[list[str]] = []
    for group in groups:
        if tasks and len(tasks[-1]) + len(group) <= limit:
            tasks[-1].extend(group)
        else:
            tasks.append(list(group))
    return tasks


def decide(members: Sequence[tuple[str, str, int]], *, work_dir: str, docs_per_batch: int) -> Decided:
    """Provenance of one task's documents ((part id, doc id, seq), any order), decided by the
    single-machine code on a scratch store. Runs on a worker."""
    work = Path(work_dir)
    wanted = sorted(members, key=lambda m: m[0])
    docs = []
    for part_id, rows in groupby(wanted, key=lambda m: m[0]):
        docs.extend(read_partition_results(work, part_id, {doc_id for _, doc_id, _ in rows}))
    docs.sort(key=lambda pair: pair[0])
    with tempfile.TemporaryDirectory(prefix="wiretrail-dedup-") as tmp:
        store = open_store(Path(tmp) / "scratch.db")
        try:
            for i in range(0, len(docs), docs_per_batch):  # as ingest writes and links each batch
                written = store.write_batch([analyzed for _, analyzed in docs[i : i + docs_per_batch]])
                if written.added_ids:
                    update_provenance(store, written.added_ids)
            matches = {m for _, analyzed in docs for m in store.sentence_matches(analyzed.document.id)}
            links = store.links()
        finally:
            store.close()
    ordered = sorted(matches, key=lambda m: (m.doc_a, m.sent_a, m.doc_b, m.sent_b))
    return Decided(tuple(ordered), tuple(links), len(docs))

