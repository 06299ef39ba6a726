"""What the SQL backends share: the `Store` methods written once in portable SQL.

A backend supplies a connection that takes qmark (`?`) parameters and returns cursors that
iterate rows answering both `row[0]` and `row["column"]` (sqlite3 does; the PostgreSQL backend
adapts psycopg), a `_transaction()` that holds the backend's write lock, `_table_exists`, and
`_search`. Everything else (batches, reads, the provenance index, stories, facts) is here, so
the two backends cannot drift apart.
"""

from __future__ import annotations

import heapq
import json
import logging
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timezone
from operator import itemgetter
from typing import Any, ClassVar, Self

from ..errors import SchemaVersionError, StoreError
from ..model import (
    AnalyzedDocument,
    Document,
    Failure,
    Link,
    Relation,
    Segment,
    Sentence,
    SentenceFingerprint,
    SentenceMatch,
    SharedSpan,
)
from . import rows, search
from .base import CANDIDATES_PER_KEY, DataStamp, DocumentQuery, SearchHit, StoreCounts, WriteResult
from .extraction import ExtractionWriter
from .facts import FactReader
from .migrations import LATEST_VERSION, MIGRATIONS, POSTGRES
from .sources import SourceTables
from .story_rows import StoryTables, StoryUpdate

log = logging.getLogger(__name__)

LISTING_COLUMNS = ", ".join(c for c in rows.DOCUMENT_COLUMNS if c != "text")  # all but the text
ID_LOOKUP_CHUNK = 500  # ids per `IN (...)` query, under SQLite's bound-parameter limit
RELATED_LOOKUP_COST = 32  # reading one posting row costs ~1/32 of looking a (term, document)
# pair up (measured on a 1M-sentence store): a common term is looked up for the documents left
# when they number fewer than its postings / 32, else its postings are read and filtered
RELATED_JOIN_RATIO = 4  # a posting counted in Python costs ~4 counted by the self-join in SQL:
# 300k sentences, audit's 6 of 40: pruned 14 ms, join 8.5 ms; 1M, rewrites' 12 of 40: 12 vs 47 ms
SEQ_IDS_KEPT = 200_000  # document numbers whose ids a store object keeps (~30 MB)


def placeholders(n: int) -> str:
    return ", ".join("?" * n)


def like_escape(text: str) -> str:
    """`text` matched literally by `LIKE ... ESCAPE '\\'` (a user's `%` or `_` is no wildcard)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# documents with a mention of an entity named by id or by a spelling containing the text
MENTIONING = (
    "id IN (SELECT m.doc_id FROM mentions AS m JOIN entities AS e ON e.id = m.entity_id "
    "WHERE (e.id = ? OR e.id IN (SELECT entity_id FROM entity_forms WHERE LOWER(form) LIKE ? ESCAPE '\\')){type})"
)


class SQLStore:
    """The shared body of `SQLiteStore` and `PostgresStore`."""

    backend: ClassVar[str]  # 'sqlite' | 'postgres': which migration statements apply
    index_sql: ClassVar[str]  # search.py's statement that indexes the segments a WHERE selects
    db_errors: ClassVar[tuple[type[Exception], ...]]  # the driver's errors, wrapped in StoreError

    name: str  # how messages name the store (a path, or a URL without its password)
    _conn: Any

    # -- what a backend supplies --------------------------------------------------------------

    def _transaction(self) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _table_exists(self, table: str) -> bool:
        raise NotImplementedError

    def _search(self, query: str, limit: int, offset: int) -> list[SearchHit]:
        raise NotImplementedError

    # -- schema -------------------------------------------------------------------------------

    def schema_version(self) -> int:
        if not self._table_exists("schema_migrations"):
            return 0
        row = self._conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    def data_version(self) -> int:
        """The data's version: it grows with every write that changes what reports read."""
        return self.data_stamp().version

    def data_stamp(self) -> DataStamp:
        """The store's id and data version, in one indexed read (reports check it per call)."""
        store_id, version = self._conn.execute("SELECT store_id, version FROM data_version WHERE id = 1").fetchone()
        return DataStamp(f"{self.backend}:{self.name}:{store_id}", version)

    @staticmethod
    def _bump_version(conn: Any) -> None:
        """Inside a write transaction: a cached report computed before it is now stale."""
        conn.execute("UPDATE data_version SET version = version + 1 WHERE id = 1")

    def _check_version(self, version: int) -> None:
        if version > LATEST_VERSION:
            raise SchemaVersionError(
                f"store {self.name} has schema version {version}; this wiretrail knows up to "
                f"{LATEST_VERSION}: upgrade wiretrail"
            )

    def _applied(self) -> set[int]:
        if not self._table_exists("schema_migrations"):
            return set()
        return {r[0] for r in self._conn.execute("SELECT version FROM schema_migrations")}

    def _migrate(self) -> None:
        self._check_version(self.schema_version())
        if {m.version for m in MIGRATIONS} <= self._applied():
            return
        with self._transaction() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations "
                "(version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
            # read again under the write lock: another process may have migrated meanwhile; by
            # set, not by maximum, so a version added below one already applied still runs
            applied = self._applied()
            self._check_version(max(applied, default=0))
            for migration in MIGRATIONS:
                if migration.version in applied:
                    continue
                for statement in migration.render(self.backend):
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    (migration.version, migration.description, datetime.now(timezone.utc).isoformat()),
                )
                log.info("store %s migrated to schema %d", self.name, migration.version)

    # -- writing ------------------------------------------------------------------------------

    def pinned_settings(self) -> dict[str, str]:
        """Settings the store's rows were built with (`thresholds.STORED_THRESHOLDS`)."""
        return {name: value for name, value in self._conn.execute("SELECT name, value FROM pinned_settings")}

    def pin_settings(self, values: dict[str, str]) -> None:
        """Record `values` for names not yet pinned; a pinned value is never changed."""
        now = datetime.now(timezone.utc).isoformat()
        with self._transaction() as conn:
            conn.executemany(
                "INSERT INTO pinned_settings (name, value, pinned_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
                [(name, value, now) for name, value in values.items()],
            )


    def write_batch(
        self, documents: Sequence[AnalyzedDocument], failures: Sequence[Failure] = ()
    ) -> WriteResult:
        """Write a batch in one transaction: all of it lands, or none of it."""
        added: list[str] = []
        existing = n_segments = n_sentences = 0
        try:
            with self._transaction() as conn:
                # documents are numbered in the order they are stored (under the write lock)
                seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM documents").fetchone()[0]
                term_counts: Counter[int] = Counter()
                for analyzed in documents:
                    doc = analyzed.document
                    cursor = conn.execute(
                        f"INSERT INTO documents ({', '.join(rows.DOCUMENT_COLUMNS)}, seq) "
                        f"VALUES ({placeholders(len(rows.DOCUMENT_COLUMNS) + 1)}) "
                        "ON CONFLICT (id) DO NOTHING",
                        (*rows.document_row(doc), seq + 1),
                    )
                    if cursor.rowcount == 0:
                        existing += 1
                        continue
                    seq += 1
                    added.append(doc.id)
                    self._write_document(conn, analyzed, seq)
                    term_counts.update(set(analyzed.terms))
                    n_segments += len(analyzed.segments)
                    n_sentences += len(analyzed.sentences)
                if added:  # failures alone change no report
                    # one upsert per term and batch, in key order: concurrent batches on
                    # PostgreSQL lock the rows they share in the same order (no deadlock)
                    conn.executemany(
                        "INSERT INTO term_df (term_key, n) VALUES (?, ?) "
                        "ON CONFLICT (term_key) DO UPDATE SET n = term_df.n + excluded.n",
                        sorted(term_counts.items()),
                    )
                    self._index_for_search(conn, added)
                    self._bump_version(conn)
                conn.executemany(
                    f"INSERT INTO failures ({', '.join(rows.FAILURE_COLUMNS)}) "
                    f"VALUES ({placeholders(len(rows.FAILURE_COLUMNS))})",
                    [rows.failure_row(f) for f in failures],
                )
        except self.db_errors as exc:
            raise StoreError(f"store {self.name}: batch not written, nothing changed: {exc}") from exc
        return WriteResult(tuple(added), existing, n_segments, n_sentences, len(failures))

    def _index_for_search(self, conn: Any, doc_ids: Sequence[str]) -> None:
        """Index the segments of a batch's documents, after everything else the batch writes: on
        SQLite, every statement run after the full-text table was written in a transaction
        makes it flush its pending terms: indexed document by document, 4,096 generated
        documents took 24.6 s to write in batches of 64, indexed last 17.9 s."""
        for i in range(0, len(doc_ids), ID_LOOKUP_CHUNK):
            chunk = doc_ids[i : i + ID_LOOKUP_CHUNK]
            conn.execute(self.index_sql + search.SOME_DOCUMENTS.format(placeholders(len(chunk))), chunk)

    def _write_document(self, conn: Any, analyzed: AnalyzedDocument, seq: int) -> None:
        """Everything of a document new to the store but its `documents` row (numbered `seq`)."""
        doc = analyzed.document
        conn.executemany(
            f"INSERT INTO segments ({', '.join(rows.SEGMENT_COLUMNS)}) "
            f"VALUES ({placeholders(len(rows.SEGMENT_COLUMNS))})",
            [rows.segment_row(s) for s in analyzed.segments],
        )
        conn.executemany(
            f"INSERT INTO sentences ({', '.join(rows.SENTENCE_COLUMNS)}) "
            f"VALUES ({placeholders(len(rows.SENTENCE_COLUMNS))})",
            [rows.sentence_row(s) for s in analyzed.sentences],
        )
        conn.executemany(
            "INSERT INTO sentence_keys (doc_id, sent_idx, n_tokens, exact_key) VALUES (?, ?, ?, ?)",
            [(doc.id, f.sentence_index, f.n_tokens, f.exact) for f in analyzed.fingerprints],
        )
        conn.executemany(  # a band key repeated within a sentence (a hash collision) is kept once
            "INSERT INTO sentence_bands (band_key, doc_seq, sent_idx) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(key, seq, f.sentence_index) for f in analyzed.fingerprints for key in f.bands],
        )
        conn.execute("INSERT INTO provenance_pending (doc_id) VALUES (?)", (doc.id,))
        conn.executemany(
            "INSERT INTO passage_keys (passage_key, doc_seq, token_pos) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(key, seq, pos) for key, pos in analyzed.passages],
        )
        conn.executemany(
            "INSERT INTO doc_terms (term_key, doc_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(key, doc.id) for key in analyzed.terms],
        )
        if analyzed.claim_terms:
            conn.execute(
                "INSERT INTO claim_terms (doc_id, settings, terms) VALUES (?, ?, ?)",
                (doc.id, analyzed.terms_settings, _encode_terms(analyzed.claim_terms)),
            )
        ExtractionWriter(conn).write(analyzed)
        conn.executemany(
            "INSERT INTO stories_pending (unit_key, doc_id, features) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            [(f.key, doc.id, json.dumps(f.to_dict())) for f in analyzed.story_features],
        )

    # -- reading ------------------------------------------------------------------------------

    def _rows_for_ids(self, sql: str, ids: Iterable[Any], after: Sequence[Any] = ()) -> Iterator[tuple]:
        """The rows of `sql` as plain tuples, whose `{}` is an `IN (...)` list, over `ids` in
        chunks small enough for SQLite's bound-parameter limit (`after`: the parameters that
        follow the list)."""
        ids = list(ids)
        for i in range(0, len(ids), ID_LOOKUP_CHUNK):
            chunk = ids[i : i + ID_LOOKUP_CHUNK]
            yield from self._plain(sql.format(placeholders(len(chunk))), [*chunk, *after])

    def known_ids(self, ids: Iterable[str]) -> set[str]:
        return {r[0] for r in self._rows_for_ids("SELECT id FROM documents WHERE id IN ({})", ids)}

    def documents(self, query: DocumentQuery = DocumentQuery()) -> Iterator[Document]:
        where, params = [], []
        if query.since is not None:
            where.append("published_at >= ?")
            params.append(rows.time_bound(query.since))
        if query.until is not None:
            where.append("published_at < ?")
            params.append(rows.time_bound(query.until))
        if query.kind is not None:
            where.append("kind = ?")
            params.append(query.kind)
        if query.language is not None:
            where.append("language = ?")
            params.append(query.language)
        for needle, place in ((query.entity, False), (query.place, True)):
            if needle:
                where.append(MENTIONING.format(type=" AND e.type = 'PLACE'" if place else ""))
                params += [needle, "%" + like_escape(needle.lower()) + "%"]
        sql = "SELECT * FROM documents" if query.text else f"SELECT {LISTING_COLUMNS}, '' AS text FROM documents"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY published_at IS NULL, published_at, source, id"
        if query.limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [query.limit, query.offset]
        for row in self._conn.execute(sql, params):
            yield rows.document_from_row(dict(row))

    def document(self, doc_id: str) -> Document | None:
        row = self._conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return rows.document_from_row(dict(row)) if row else None

    def resolve_id(self, prefix: str) -> list[str]:
        """Ids starting with `prefix` (so a user can type the first few characters)."""
        escaped = like_escape(prefix)
        cursor = self._conn.execute(
            "SELECT id FROM documents WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT 10",
            (escaped + "%",),
        )
        return [r[0] for r in cursor]

    def segments(self, doc_id: str | None = None) -> Iterator[Segment]:
        if doc_id is None:
            cursor = self._conn.execute("SELECT * FROM segments ORDER BY doc_id, idx")
        else:
            cursor = self._conn.execute("SELECT * FROM segments WHERE doc_id = ? ORDER BY idx", (doc_id,))
        for row in cursor:
            yield rows.segment_from_row(dict(row))

    def document_titles(self, doc_ids: Iterable[str]) -> dict[str, str | None]:
        """The titles of `doc_ids` (those stored), without reading their text."""
        return {r[0]: r[1] for r in self._rows_for_ids("SELECT id, title FROM documents WHERE id IN ({})", doc_ids)}

    def segment_counts(self, doc_ids: Iterable[str] | None = None) -> dict[str, int]:
        """Segments per document: of every document, or of `doc_ids` only (a page of a listing)."""
        if doc_ids is None:
            cursor = self._conn.execute("SELECT doc_id, COUNT(*) FROM segments GROUP BY doc_id")
            return {r[0]: r[1] for r in cursor}
        sql = "SELECT doc_id, COUNT(*) FROM segments WHERE doc_id IN ({}) GROUP BY doc_id"
        return {r[0]: r[1] for r in self._rows_for_ids(sql, doc_ids)}

    def sentences(self, doc_id: str) -> list[Sentence]:
        cursor = self._plain(
            "SELECT doc_id, segment_idx, idx, start_char, end_char FROM sentences WHERE doc_id = ? ORDER BY idx", (doc_id,)
        )  # columns in `Sentence`'s order, as tuples: provenance reads every candidate's sentences
        return [Sentence(*r) for r in cursor]

    def read_documents(self, doc_ids: Iterable[str]) -> dict[str, tuple[Document, list[Sentence], list[Segment]]]:
        """Stored documents with their sentences and segments, by id: three queries for any
        number of documents (provenance verifies a new document against ~50 stored ones, which
        one by one took three queries each)."""
        ids = sorted(set(doc_ids))
        docs: dict[str, Document] = {}
        for i in range(0, len(ids), ID_LOOKUP_CHUNK):
            chunk = ids[i : i + ID_LOOKUP_CHUNK]
            for row in self._conn.execute(f"SELECT * FROM documents WHERE id IN ({placeholders(len(chunk))})", chunk):
                doc = rows.document_from_row(dict(row))
                docs[doc.id] = doc
        sentences: dict[str, list[Sentence]] = {d: [] for d in docs}
        sql = "SELECT doc_id, segment_idx, idx, start_char, end_char FROM sentences WHERE doc_id IN ({}) ORDER BY doc_id, idx"
        for r in self._rows_for_ids(sql, list(docs)):
            sentences[r[0]].append(Sentence(*r))
        segments: dict[str, list[Segment]] = {d: [] for d in docs}
        found = list(docs)
        for i in range(0, len(found), ID_LOOKUP_CHUNK):
            chunk = found[i : i + ID_LOOKUP_CHUNK]
            sql = f"SELECT * FROM segments WHERE doc_id IN ({placeholders(len(chunk))}) ORDER BY doc_id, idx"
            for row in self._conn.execute(sql, chunk):
                seg = rows.segment_from_row(dict(row))
                segments[seg.doc_id].append(seg)
        return {d: (docs[d], sentences[d], segments[d]) for d in docs}

    def failures(self, *, limit: int | None = None) -> list[Failure]:
        sql = "SELECT * FROM failures ORDER BY id DESC"
        params: list[int] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [rows.failure_from_row(dict(r)) for r in self._conn.execute(sql, params)]

    def counts(self) -> StoreCounts:
        def count(table: str) -> int:
            return self._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

        return StoreCounts(count("documents"), count("segments"), count("sentences"), count("failures"))

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[SearchHit]:
        """Segments matching `query` (web-search syntax: words, "a phrase", OR, -word), best
        first. Any text is a valid query: what cannot match gives no hits, never an error."""
        if limit < 0 or offset < 0:
            raise ValueError(f"search {query!r}: limit ({limit}) and offset ({offset}) must not be negative")
        text = search.clean_query(query)
        if limit == 0 or search.fts5_query(text) is None:  # no word to find, or only exclusions:
            return []  # no hits on either backend (websearch_to_tsquery would match all for '-x')
        return self._search(text, limit, offset)

    # -- provenance -----------------------------------------------------------------------------

    def _plain(self, sql: str, params: Sequence[Any] = ()) -> Iterable[tuple]:
        """Rows as plain tuples, for the provenance lookups that read thousands of rows per
        document (a backend whose rows are not tuples overrides this)."""
        return self._conn.execute(sql, params)

    def fingerprints(self, doc_id: str, *, bands: bool = True) -> list[SentenceFingerprint]:
        """A document's sentence fingerprints; without `bands`, the band keys are left empty
        (links need only word counts and exact keys: 16 band rows a sentence not read)."""
        by_sentence: dict[int, list[int]] = {}
        if bands:  # each sentence's band keys in key order (the order of the bands is not kept)
            for key, idx in self._plain(
                "SELECT band_key, sent_idx FROM sentence_bands WHERE doc_seq = "
                "(SELECT seq FROM documents WHERE id = ?) ORDER BY sent_idx, band_key",
                (doc_id,),
            ):
                by_sentence.setdefault(idx, []).append(key)
        cursor = self._plain(
            "SELECT sent_idx, n_tokens, exact_key FROM sentence_keys WHERE doc_id = ? ORDER BY sent_idx", (doc_id,)
        )
        return [SentenceFingerprint(i, n, k, tuple(by_sentence.get(i, ()))) for i, n, k in cursor]

    def _per_key(self, sql: str, keys: Iterable[int], after: Sequence[Any] = ()) -> Iterator[tuple]:
        """The rows of `sql`, whose `{values}` is a `probe (k)` table of the distinct keys, over
        chunks of them (`after`: the parameters that follow the keys). Each key can then be
        looked at on its own in a correlated subquery: its first rows read with a limit."""
        keys = sorted(set(keys))
        for i in range(0, len(keys), ID_LOOKUP_CHUNK):
            chunk = keys[i : i + ID_LOOKUP_CHUNK]
            values = ", ".join(["(CAST(? AS BIGINT))"] * len(chunk))
            yield from self._plain(sql.format(values=values), [*chunk, *after])

    def _lookup(self, sql: str, keys: Sequence[int]) -> list[tuple]:
        return list(self._rows_for_ids(sql, sorted(set(keys))))

    def _first_per_key(
        self, table: str, key: str, columns: str, keys: Sequence[int], per_key: int, *, order: str = "rowid"
    ) -> list[tuple[int, str, int]]:
        """Rows for each key, at most `per_key` of them, earliest stored first: a popular key
        (10,000 copies of one text) is cut in SQL instead of being fetched whole."""
        sql = (
            f"SELECT {columns} FROM (SELECT {columns}, ROW_NUMBER() OVER (PARTITION BY {key} ORDER BY {order}) AS rn "
            f"FROM {table} WHERE {key} IN ({{}})) AS ranked WHERE rn <= {int(per_key)}"
        )
        return self._lookup(sql, keys)

    def _ids_by_seq(self, seqs: Iterable[int]) -> dict[int, str]:
        """Document ids by document number (`documents.seq`). A number, once committed, names
        one document for good, so the answers are kept (up to SEQ_IDS_KEPT of them)."""
        known: dict[int, str] = self.__dict__.setdefault("_seq_id_cache", {})
        missing = sorted({s for s in seqs if s not in known})
        if len(known) + len(missing) > SEQ_IDS_KEPT:
            known.clear()
        known.update(self._rows_for_ids("SELECT seq, id FROM documents WHERE seq IN ({})", missing))
        return known

    def _with_ids(self, rows: Iterable[tuple[int, int, int]]) -> list[tuple[int, str, int]]:
        """(key, doc_seq, position) rows as (key, doc_id, position)."""
        rows = list(rows)
        ids = self._ids_by_seq(r[1] for r in rows)
        return [(k, ids[seq], pos) for k, seq, pos in rows]

    def _doc_seq(self, doc_id: str) -> int | None:
        row = next(iter(self._plain("SELECT seq FROM documents WHERE id = ?", (doc_id,))), None)
        return None if row is None else row[0]

    def exact_candidates(self, keys: Sequence[int], *, per_key: int = CANDIDATES_PER_KEY) -> list[tuple[int, str, int]]:
        """(exact_key, doc_id, sent_idx) of stored sentences with one of these exact keys."""
        return self._first_per_key("sentence_keys", "exact_key", "exact_key, doc_id, sent_idx", keys, per_key)

    def exact_key_documents(self, keys: Sequence[int], *, cap: int = CANDIDATES_PER_KEY) -> dict[int, int]:
        """For each exact sentence key, how many documents carry it, counted up to `cap`: the
        distinct documents among its first `cap` rows (earliest stored first).

        Each key's first rows are read with a limit, in index order (a correlated subquery per
        key): ranking all of a key's rows with a window function read them all and took twice
        as long on a 1M-sentence store."""
        sql = (
            "WITH probe (k) AS (VALUES {values}) SELECT k, (SELECT COUNT(DISTINCT doc_id) FROM "
            f"(SELECT doc_id FROM sentence_keys WHERE exact_key = probe.k ORDER BY rowid LIMIT {int(cap)}) AS firsts) FROM probe"
        )
        return {k: n for k, n in self._per_key(sql, keys) if n}

    def sentence_keys_of(self, doc_ids: Iterable[str]) -> dict[str, list[SentenceFingerprint]]:
        """`fingerprints(doc_id, bands=False)` of many documents in one query."""
        found: dict[str, list[SentenceFingerprint]] = {}
        sql = "SELECT doc_id, sent_idx, n_tokens, exact_key FROM sentence_keys WHERE doc_id IN ({}) ORDER BY doc_id, sent_idx"
        for doc_id, i, n, k in self._rows_for_ids(sql, sorted(set(doc_ids))):
            found.setdefault(doc_id, []).append(SentenceFingerprint(i, n, k, ()))
        return found

    def passage_keys(self, doc_id: str) -> list[tuple[int, int]]:
        cursor = self._plain(
            "SELECT passage_key, token_pos FROM passage_keys WHERE doc_seq = "
            "(SELECT seq FROM documents WHERE id = ?) ORDER BY token_pos, passage_key",
            (doc_id,),
        )
        return [(r[0], r[1]) for r in cursor]

    def passage_candidates(self, keys: Sequence[int], *, per_key: int = CANDIDATES_PER_KEY) -> list[tuple[int, str, int]]:
        """(passage_key, doc_id, token_pos) of stored passages sharing one of these keys."""
        return self._with_ids(
            self._first_per_key("passage_keys", "passage_key", "passage_key, doc_seq, token_pos", keys, per_key, order="doc_seq, token_pos")
        )

    def band_candidates(self, keys: Sequence[int], *, per_key: int = CANDIDATES_PER_KEY) -> list[tuple[int, str, int]]:
        """(band_key, doc_id, sent_idx) of stored sentences sharing one of these LSH band keys."""
        return self._with_ids(
            self._first_per_key("sentence_bands", "band_key", "band_key, doc_seq, sent_idx", keys, per_key, order="doc_seq, sent_idx")
        )

    def passage_seed_rows(
        self, keys: Sequence[int], doc_id: str, *, per_key: int, max_docs: int
    ) -> list[tuple[int, str, int]]:
        """The rows of `passage_candidates(keys, per_key=per_key)` of documents other than
        `doc_id`, for the keys whose rows name at most `max_docs` other documents and fewer than
        `per_key - 1` rows: the rest (stock wording, keys cut short) are dropped in SQL, since
        copies of a text share most of its keys and each would bring `per_key` rows."""
        sql = (
            "WITH capped AS MATERIALIZED (SELECT passage_key, doc_seq, token_pos FROM (SELECT passage_key, doc_seq, token_pos, "
            "ROW_NUMBER() OVER (PARTITION BY passage_key ORDER BY doc_seq, token_pos) AS rn FROM passage_keys "
            "WHERE passage_key IN ({})) AS ranked "
            f"WHERE rn <= {int(per_key)} AND doc_seq != ?), "
            "kept AS (SELECT passage_key FROM capped GROUP BY passage_key "
            f"HAVING COUNT(DISTINCT doc_seq) <= {int(max_docs)} AND COUNT(*) < {int(per_key) - 1}) "
            "SELECT capped.passage_key, capped.doc_seq, capped.token_pos FROM capped JOIN kept ON kept.passage_key = capped.passage_key"
        )
        seq = self._doc_seq(doc_id)
        own = -1 if seq is None else seq
        return self._with_ids(self._rows_for_ids(sql, self._passage_keys_not_crowded(keys, own, per_key), after=(own,)))

    def _passage_keys_not_crowded(self, keys: Sequence[int], own: int, per_key: int) -> list[int]:
        """The keys whose first `per_key` rows hold fewer than `per_key - 1` of other documents
        (`passage_seed_rows` drops the rest): each key's first rows read with a limit, so a key
        in 1,000 copies of one text costs `per_key` rows, not 1,000 ranked by a window function
        (which made the seed lookup most of a copy's cost as copies accumulated)."""
        sql = (
            "WITH probe (k) AS (VALUES {values}) SELECT k FROM probe WHERE (SELECT COUNT(*) FROM "
            f"(SELECT doc_seq FROM passage_keys WHERE passage_key = probe.k ORDER BY doc_seq, token_pos LIMIT {int(per_key)}) "
            f"AS firsts WHERE firsts.doc_seq != ?) < {int(per_key) - 1}"
        )
        return [r[0] for r in self._per_key(sql, keys, after=(own,))]

    def band_matches(self, probes: Sequence[tuple[int, int]], *, per_key: int = CANDIDATES_PER_KEY) -> set[tuple[int, str, int]]:
        """(probe, doc_id, sent_idx) for each (band_key, probe) given: the first `per_key` rows of
        each key (earliest stored first, as `band_candidates`), paired with the key's probes. Two
        copies of a sentence share most of its 16 band keys; this returns the pair once.

        Keys with more than `per_key` rows (a text in many copies) are few: they are found by a
        count and read one by one with a limit; the others are paired with their probes in SQL,
        which returns each pair once (~800 rows for an 800-word copy at 1M indexed sentences,
        not the ~10,000 band rows behind them). Ranking every key's rows in SQL (a window
        function) took ~40% longer, with the same answer."""
        by_key: dict[int, list[int]] = {}
        for key, probe in probes:
            by_key.setdefault(key, []).append(probe)
        sql = (  # each key's rows counted up to one past the cap: 10,000 copies are not read
            "WITH probe (k) AS (VALUES {values}) SELECT k FROM probe WHERE (SELECT COUNT(*) FROM "
            f"(SELECT 1 FROM sentence_bands WHERE band_key = probe.k LIMIT {int(per_key) + 1}) AS capped) > {int(per_key)}"
        )
        popular = {r[0] for r in self._per_key(sql, by_key)}
        found: set[tuple[int, int, int]] = set()
        rest = sorted({(key, probe) for key, probe in probes if key not in popular})
        for i in range(0, len(rest), ID_LOOKUP_CHUNK // 2):
            chunk = rest[i : i + ID_LOOKUP_CHUNK // 2]
            values = ", ".join(["(CAST(? AS BIGINT), CAST(? AS INTEGER))"] * len(chunk))
            sql = (
                f"WITH probe (k, i) AS (VALUES {values}) SELECT DISTINCT probe.i, bands.doc_seq, bands.sent_idx "
                "FROM probe JOIN sentence_bands AS bands ON bands.band_key = probe.k"
            )
            found.update(self._plain(sql, [v for pair in chunk for v in pair]))
        for key in sorted(popular):
            sql = f"SELECT doc_seq, sent_idx FROM sentence_bands WHERE band_key = ? ORDER BY doc_seq, sent_idx LIMIT {int(per_key)}"
            rows_ = list(self._plain(sql, (key,)))
            found.update((probe, seq, idx) for probe in by_key[key] for seq, idx in rows_)
        return set(self._with_ids(found))

    def claim_terms(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, list[dict[str, float]]]]:
        """The stored claim terms of these documents: {doc_id: (settings, terms per sentence)};
        documents stored without them (before migration 16, or by other code) are left out."""
        sql = "SELECT doc_id, settings, terms FROM claim_terms WHERE doc_id IN ({})"
        return {doc_id: (settings, _decode_terms(blob)) for doc_id, settings, blob in self._rows_for_ids(sql, doc_ids)}

    def related_by_terms(self, doc_id: str, *, min_shared: int, limit: int) -> list[tuple[str, int]]:
        """Documents sharing at least `min_shared` salient terms with `doc_id`, most first (ties
        by id): the answer of counting every term's documents, without reading them all.

        Terms are read rarest first (`term_df`). Of `n` terms, a document first met when `left`
        remain cannot share more than `left`: once that is below the bar (`min_shared`, or the
        `limit`-th best count so far, which only grows), no new document is admitted, and the
        commonest terms (in most documents of a corpus on one war) are looked up only for the
        documents still able to reach the bar. At 1M indexed sentences this reads ~11k postings
        instead of ~135k. When the bar is low (the audit's 6 of 40, or a small corpus) the terms
        that must be read in full hold more than a quarter of all the postings, and counting
        them all in SQL (a self-join, RELATED_JOIN_RATIO) is faster than counting in Python."""
        terms = sorted(
            self._plain(
                "SELECT mine.term_key, COALESCE(df.n, 0) FROM doc_terms AS mine "
                "LEFT JOIN term_df AS df ON df.term_key = mine.term_key WHERE mine.doc_id = ?",
                (doc_id,),
            ),
            key=lambda row: (row[1], row[0]),
        )
        admitted_rows = sum(df for _, df in terms[: max(0, len(terms) - min_shared + 1)])
        if admitted_rows * RELATED_JOIN_RATIO >= sum(df for _, df in terms):
            return self._related_by_join(doc_id, min_shared=min_shared, limit=limit)
        posting = "SELECT doc_id FROM doc_terms WHERE term_key = ?"
        counts: Counter[str] = Counter()
        bar = min_shared
        for i, (key, df) in enumerate(terms):
            left = len(terms) - i  # terms not yet read, this one included
            if left >= bar:  # a document first met here can still reach the bar: read them all
                counts.update(map(itemgetter(0), self._plain(posting, (key,))))
            else:
                counts = Counter({d: k for d, k in counts.items() if k + left >= bar})
                if not counts:
                    break
                if len(counts) * RELATED_LOOKUP_COST < df:  # the few left, looked up one by one
                    hits = self._rows_for_ids("SELECT doc_id FROM doc_terms WHERE doc_id IN ({}) AND term_key = ?", list(counts), after=(key,))
                else:
                    hits = (row for row in self._plain(posting, (key,)) if row[0] in counts)
                counts.update(map(itemgetter(0), hits))
            counts.pop(doc_id, None)
            if len(counts) >= limit and len(terms) - i - 1 <= i + 1:  # else the bar cannot bind yet
                bar = max(bar, heapq.nlargest(limit, counts.values())[-1])
        found = sorted(((d, k) for d, k in counts.items() if k >= min_shared), key=lambda item: (-item[1], item[0]))
        return found[:limit]

    def _related_by_join(self, doc_id: str, *, min_shared: int, limit: int) -> list[tuple[str, int]]:
        """`related_by_terms` by counting every posting of every term in SQL (a self-join)."""
        cursor = self._plain(
            "SELECT other.doc_id, COUNT(*) AS n FROM doc_terms AS mine "
            "JOIN doc_terms AS other ON other.term_key = mine.term_key AND other.doc_id != mine.doc_id "
            "WHERE mine.doc_id = ? GROUP BY other.doc_id HAVING COUNT(*) >= ? "
            "ORDER BY n DESC, other.doc_id LIMIT ?",
            (doc_id, min_shared, limit),
        )
        return [(r[0], r[1]) for r in cursor]

    def pending_provenance(self) -> list[str]:
        """Documents stored but not yet matched (an ingest stopped between the two steps)."""
        return [r[0] for r in self._conn.execute("SELECT doc_id FROM provenance_pending ORDER BY doc_id")]

    def write_provenance(
        self,
        matches: Sequence[SentenceMatch],
        links: Sequence[Link],
        pairs: Iterable[tuple[str, str]],
        done: Sequence[str] = (),
    ) -> None:
        """Add sentence matches and replace the links of the given document pairs, atomically;
        the documents whose matches these are leave the pending list in the same transaction."""
        pairs = list(pairs)
        with self._transaction() as conn:
            if matches or links or pairs:  # links make copy groups; matches feed the audit
                self._bump_version(conn)
            conn.executemany("DELETE FROM provenance_pending WHERE doc_id = ?", [(d,) for d in done])
            conn.executemany(
                "INSERT INTO sentence_matches (doc_a, sent_a, doc_b, sent_b, similarity, method) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (doc_a, sent_a, doc_b, sent_b) DO NOTHING",
                [(m.doc_a, m.sent_a, m.doc_b, m.sent_b, m.similarity, m.method) for m in matches],
            )
            for a, b in pairs:
                conn.execute(
                    "DELETE FROM links WHERE (from_doc = ? AND to_doc = ?) OR (from_doc = ? AND to_doc = ?)", (a, b, b, a)
                )
            conn.executemany(
                "INSERT INTO links (from_doc, to_doc, relation, score, first_doc, shared) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (l.from_doc, l.to_doc, l.relation.value, l.score, l.first,
                     json.dumps([[s.from_start, s.from_end, s.to_start, s.to_end] for s in l.shared]))
                    for l in links
                ],
            )  # fmt: skip

    def sentence_matches(self, doc_id: str, other: str | None = None) -> list[SentenceMatch]:
        """Matches with a sentence of `doc_id` on either side (and of `other` on the other side)."""
        if other is None:
            sql = "SELECT * FROM sentence_matches WHERE doc_a = ? OR doc_b = ?"
            params: tuple[str, ...] = (doc_id, doc_id)
        else:
            sql = "SELECT * FROM sentence_matches WHERE (doc_a = ? AND doc_b = ?) OR (doc_a = ? AND doc_b = ?)"
            params = (doc_id, other, other, doc_id)
        return [
            SentenceMatch(r["doc_a"], r["sent_a"], r["doc_b"], r["sent_b"], r["similarity"], r["method"])
            for r in self._conn.execute(sql + " ORDER BY doc_a, sent_a, doc_b, sent_b", params)
        ]

    def links(self, doc_id: str | None = None, *, relation: str | None = None) -> list[Link]:
        where, params = [], []
        if doc_id is not None:
            where.append("(from_doc = ? OR to_doc = ?)")
            params += [doc_id, doc_id]
        if relation is not None:
            where.append("relation = ?")
            params.append(relation)
        sql = "SELECT * FROM links" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY from_doc, to_doc"
        out = []
        for r in self._conn.execute(sql, params):
            shared = json.loads(r["shared"]) if isinstance(r["shared"], str) else r["shared"]
            out.append(
                Link(r["from_doc"], r["to_doc"], Relation(r["relation"]), r["score"], r["first_doc"],
                     tuple(SharedSpan(*s) for s in shared))
            )  # fmt: skip
        return out

    # -- stories, facts, sources ----------------------------------------------------------------

    @property
    def story_tables(self) -> StoryTables:
        """Story memberships, summaries and the clusterer's state (reads; writes go through
        `write_stories`)."""
        return StoryTables(self._conn)

    def write_stories(self, update: StoryUpdate) -> None:
        """Apply a clustering pass in one transaction: memberships, merges, stories, state."""
        try:
            with self._transaction() as conn:
                StoryTables(conn).write(update)
                self._bump_version(conn)
        except self.db_errors as exc:
            raise StoreError(f"store {self.name}: stories not written, nothing changed: {exc}") from exc

    @property
    def sources(self) -> SourceTables:
        """Sources, page versions, alert rules and alerts (migration 11; wiretrail.fetch)."""
        return SourceTables(self._conn, transaction=self._transaction)

    @property
    def facts(self) -> FactReader:
        """Extracted entities, quotes, figures and events."""
        return FactReader(self._conn, plain=self._plain)

    # -- health ---------------------------------------------------------------------------------

    def integrity_errors(self) -> list[str]:
        """Rows whose offsets fall outside their document's text (empty when healthy); the
        backends add what their own checks find."""
        bad = self._conn.execute(
            "SELECT s.doc_id, s.idx, 'segment' FROM segments AS s JOIN documents AS d ON d.id = s.doc_id "
            "WHERE s.start_char < 0 OR s.end_char < s.start_char OR s.end_char > length(d.text) "
            "UNION ALL SELECT t.doc_id, t.idx, 'sentence' FROM sentences AS t JOIN documents AS d ON d.id = t.doc_id "
            "WHERE t.start_char < 0 OR t.end_char < t.start_char OR t.end_char > length(d.text)"
        ).fetchall()
        return [f"{kind} {doc_id}:{idx} lies outside its document's text" for doc_id, idx, kind in bad]

    def table_names(self) -> set[str]:
        """The tables of this store (its schema on PostgreSQL), for checks that apply only to
        tables a store of this schema version has."""
        if self.backend == POSTGRES:
            sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        else:
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        return {r[0] for r in self._conn.execute(sql).fetchall()}

    def read_rows(self, sql: str) -> list[tuple]:
        """Rows of a query composed by `store/maintenance.py` (reads, and FTS5's integrity-check
        command, which changes nothing): one seam for both backends, so the check never reaches
        for a driver's connection."""
        return [tuple(r) for r in self._conn.execute(sql).fetchall()]

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _encode_terms(per_sentence: Sequence[dict[str, float]]) -> bytes:
    """Claim terms as compressed JSON (~2 KB for an 800-word article)."""
    return zlib.compress(json.dumps(list(per_sentence), separators=(",", ":")).encode("utf-8"), 6)


def _decode_terms(blob: bytes | memoryview) -> list[dict[str, float]]:
    return json.loads(zlib.decompress(bytes(blob)))
