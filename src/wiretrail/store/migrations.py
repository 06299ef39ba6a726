"""Versioned schema migrations, written once for both SQLite and PostgreSQL.

Each migration is portable DDL with a few placeholders for the types the two databases spell
differently; a backend fills them in. Timestamps are ISO 8601 text on both backends, with their
precision and origin beside them: a live blog's stamp often has no known zone, and a
`timestamptz` column would invent one. ISO text sorts correctly, and conversion happens at the
store boundary, so the model only ever sees `datetime` and `date` objects.

What only one database can say (an FTS5 table, a GIN index, a column SQLite has implicitly)
goes in a migration's `sqlite_only` / `postgres_only` statements, run after the shared ones.
The PostgreSQL-only statements of migrations 2 to 9 were added with the PostgreSQL backend,
before any PostgreSQL store existed, so no store has those versions without them.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import search

SQLITE = "sqlite"
POSTGRES = "postgres"

SQLITE_TYPES = {
    "TIMESTAMP": "TEXT",
    "DATE": "TEXT",
    "JSON": "TEXT",
    "SERIAL": "INTEGER PRIMARY KEY AUTOINCREMENT",
    "BOOL": "INTEGER",
    "BIGINT": "INTEGER",
    "FLOAT": "REAL",
    "FALSE": "0",
    "BLOB": "BLOB",
}
POSTGRES_TYPES = {
    "TIMESTAMP": "TEXT",
    "DATE": "DATE",
    # JSON, not JSONB: JSONB reorders object keys, and the clusterer's saved state must come
    # back in the order it was written for both backends to cluster alike
    "JSON": "JSON",
    "SERIAL": "BIGSERIAL PRIMARY KEY",
    "BOOL": "BOOLEAN",
    "BIGINT": "BIGINT",
    "FLOAT": "DOUBLE PRECISION",  # PostgreSQL's REAL is 4 bytes; SQLite's is 8
    "FALSE": "FALSE",
    "BLOB": "BYTEA",
}
TYPES = {SQLITE: SQLITE_TYPES, POSTGRES: POSTGRES_TYPES}

# PostgreSQL has no implicit rowid: tables whose insertion order matters (first stored wins,
# bands in order, pending units in order) get an explicit `rowid` column there, so the
# portable `ORDER BY rowid` means the same on both backends.
PG_ROWID = "ALTER TABLE {table} ADD COLUMN rowid BIGSERIAL"


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]  # for both backends, run first
    sqlite_only: tuple[str, ...] = ()
    postgres_only: tuple[str, ...] = ()

    def render(self, backend: str) -> list[str]:
        """The statements for `backend` ('sqlite' or 'postgres'), types filled in."""
        if backend not in TYPES:
            raise ValueError(f"unknown store backend {backend!r}; choose one of {', '.join(TYPES)}")
        own = self.sqlite_only if backend == SQLITE else self.postgres_only
        return [s.format(**TYPES[backend]) for s in (*self.statements, *own)]


def _rekeyed_index(table_options: str) -> tuple[str, ...]:
    """Migration 15's statements after `documents.seq` is filled: band and passage keys copied
    into tables keyed by (key, document number, position), the old tables dropped. Within a key,
    rows sort as they were stored (documents in `seq` order, each one's rows by position), which
    is what `ORDER BY rowid` gave before."""
    out = ["CREATE UNIQUE INDEX documents_seq ON documents (seq)"]
    for table, key, pos in (("sentence_bands", "band_key", "sent_idx"), ("passage_keys", "passage_key", "token_pos")):
        out += [
            f"""CREATE TABLE {table}_by_seq (
                {key} {{BIGINT}} NOT NULL,
                doc_seq {{BIGINT}} NOT NULL
                    REFERENCES documents (seq) ON DELETE CASCADE,
                {pos} INTEGER NOT NULL,
                PRIMARY KEY ({key}, doc_seq, {pos})
            ){table_options}""",
            f"INSERT INTO {table}_by_seq ({key}, doc_seq, {pos}) SELECT t.{key}, d.seq, t.{pos} "
            f"FROM {table} AS t JOIN documents AS d ON d.id = t.doc_id WHERE true ON CONFLICT DO NOTHING",
            f"DROP TABLE {table}",
            f"ALTER TABLE {table}_by_seq RENAME TO {table}",
            f"CREATE INDEX {table}_doc ON {table} (doc_seq)",
        ]
    return tuple(out)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "documents, segments, sentences, failures",
        (
            """CREATE TABLE documents (
                id TEXT PRIMARY KEY,
                source TEXT NOT NULL,
                url TEXT,
                title TEXT,
                published_at {TIMESTAMP},
                published_precision TEXT,
                published_origin TEXT,
                updated_at {TIMESTAMP},
                updated_precision TEXT,
                updated_origin TEXT,
                kind TEXT NOT NULL,
                outlet TEXT,
                republisher TEXT,
                credits {JSON} NOT NULL,
                authors {JSON} NOT NULL,
                truncated {BOOL} NOT NULL,
                content_hash TEXT NOT NULL,
                removed_lines INTEGER NOT NULL,
                fetched_at {TIMESTAMP},
                ingested_at {TIMESTAMP} NOT NULL,
                text TEXT NOT NULL
            )""",
            "CREATE INDEX documents_published ON documents (published_at)",
            "CREATE INDEX documents_url ON documents (url)",
            """CREATE TABLE segments (
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                idx INTEGER NOT NULL,
                kind TEXT NOT NULL,
                headline TEXT,
                posted_at {TIMESTAMP},
                posted_precision TEXT,
                posted_origin TEXT,
                author TEXT,
                reference_date {DATE},
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                PRIMARY KEY (doc_id, idx)
            )""",
            "CREATE INDEX segments_posted ON segments (posted_at)",
            """CREATE TABLE sentences (
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                idx INTEGER NOT NULL,
                segment_idx INTEGER NOT NULL,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                PRIMARY KEY (doc_id, idx)
            )""",
            """CREATE TABLE failures (
                id {SERIAL},
                source TEXT NOT NULL,
                stage TEXT NOT NULL,
                error TEXT NOT NULL,
                at {TIMESTAMP} NOT NULL
            )""",
        ),
    ),
    Migration(
        2,
        "sentence fingerprints: exact keys and MinHash LSH band keys",
        (
            """CREATE TABLE sentence_keys (
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                sent_idx INTEGER NOT NULL,
                n_tokens INTEGER NOT NULL,
                exact_key {BIGINT} NOT NULL,
                PRIMARY KEY (doc_id, sent_idx)
            )""",
            "CREATE INDEX sentence_keys_exact ON sentence_keys (exact_key)",
            """CREATE TABLE sentence_bands (
                band_key {BIGINT} NOT NULL,
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                sent_idx INTEGER NOT NULL
            )""",
            "CREATE INDEX sentence_bands_key ON sentence_bands (band_key)",
            "CREATE INDEX sentence_bands_doc ON sentence_bands (doc_id)",
        ),
        postgres_only=(PG_ROWID.format(table="sentence_keys"), PG_ROWID.format(table="sentence_bands")),
    ),
    Migration(
        3,
        "provenance: verified sentence matches and document links",
        (
            """CREATE TABLE sentence_matches (
                doc_a TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                sent_a INTEGER NOT NULL,
                doc_b TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                sent_b INTEGER NOT NULL,
                similarity {FLOAT} NOT NULL,
                method TEXT NOT NULL,
                PRIMARY KEY (doc_a, sent_a, doc_b, sent_b)
            )""",
            "CREATE INDEX sentence_matches_b ON sentence_matches (doc_b, sent_b)",
            """CREATE TABLE links (
                from_doc TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                to_doc TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                relation TEXT NOT NULL,
                score {FLOAT} NOT NULL,
                first_doc TEXT,
                shared {JSON} NOT NULL,
                PRIMARY KEY (from_doc, to_doc)
            )""",
            "CREATE INDEX links_to ON links (to_doc)",
        ),
    ),
    Migration(
        4,
        "salient terms per document: candidates for rewrite detection and the audit",
        (
            """CREATE TABLE doc_terms (
                term_key {BIGINT} NOT NULL,
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                PRIMARY KEY (term_key, doc_id)
            )""",
            "CREATE INDEX doc_terms_doc ON doc_terms (doc_id)",
        ),
    ),
    Migration(
        5,
        "documents waiting for provenance, so a crash between a batch and its links is resumed",
        (
            """CREATE TABLE provenance_pending (
                doc_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE
            )""",
        ),
    ),
    Migration(
        6,
        "passage fingerprints: winnowed word 8-grams, for reuse inside differently worded sentences",
        (
            """CREATE TABLE passage_keys (
                passage_key {BIGINT} NOT NULL,
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                token_pos INTEGER NOT NULL
            )""",
            "CREATE INDEX passage_keys_key ON passage_keys (passage_key)",
            "CREATE INDEX passage_keys_doc ON passage_keys (doc_id)",
        ),
        postgres_only=(PG_ROWID.format(table="passage_keys"),),
    ),
    Migration(
        7,
        "extraction: canonical entities, their mentions, spellings and roles; quotes, figures, events",
        (
            """CREATE TABLE entities (
                id TEXT PRIMARY KEY,
                key TEXT NOT NULL,
                type TEXT NOT NULL,
                lat {FLOAT},
                lon {FLOAT},
                country TEXT,
                feature TEXT,
                gazetteer_id TEXT,
                approximate {BOOL} NOT NULL DEFAULT {FALSE}
            )""",
            "CREATE INDEX entities_key ON entities (key)",
            """CREATE TABLE entity_forms (
                entity_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
                form TEXT NOT NULL,
                n INTEGER NOT NULL,
                PRIMARY KEY (entity_id, form)
            )""",
            """CREATE TABLE mentions (
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                text TEXT NOT NULL,
                label TEXT NOT NULL,
                ner_label TEXT,
                entity_id TEXT REFERENCES entities (id),
                PRIMARY KEY (doc_id, start_char, end_char)
            )""",
            "CREATE INDEX mentions_entity ON mentions (entity_id)",
            """CREATE TABLE entity_roles (
                entity_id TEXT NOT NULL REFERENCES entities (id),
                role TEXT NOT NULL,
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL
            )""",
            "CREATE INDEX entity_roles_entity ON entity_roles (entity_id)",
            "CREATE INDEX entity_roles_doc ON entity_roles (doc_id)",
            """CREATE TABLE quotes (
                id TEXT PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                text TEXT NOT NULL,
                speaker TEXT,
                speaker_start INTEGER,
                speaker_end INTEGER,
                speaker_entity_id TEXT REFERENCES entities (id),
                cue TEXT,
                said_at {TIMESTAMP}
            )""",
            "CREATE INDEX quotes_doc ON quotes (doc_id)",
            "CREATE INDEX quotes_speaker ON quotes (speaker_entity_id)",
            """CREATE TABLE figures (
                id TEXT PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                start_char INTEGER NOT NULL,
                end_char INTEGER NOT NULL,
                text TEXT NOT NULL,
                subject TEXT NOT NULL,
                value_low {FLOAT},
                value_high {FLOAT},
                unit TEXT,
                vague {BOOL} NOT NULL,
                attributed_to TEXT,
                as_of {DATE},
                sentence_start INTEGER,
                sentence_end INTEGER
            )""",
            "CREATE INDEX figures_doc ON figures (doc_id)",
            """CREATE TABLE events (
                id TEXT PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                type TEXT NOT NULL,
                event_date {DATE},
                date_precision TEXT,
                summary TEXT NOT NULL,
                actors {JSON} NOT NULL,
                targets {JSON} NOT NULL,
                place TEXT,
                place_entity_id TEXT REFERENCES entities (id),
                evidence {JSON} NOT NULL
            )""",
            "CREATE INDEX events_doc ON events (doc_id)",
            "CREATE INDEX events_date ON events (event_date)",
        ),
        # surname lookups scan a range of keys ('PERSON|kim|' < key < 'PERSON|kim}'): that needs
        # byte order, which SQLite always uses and PostgreSQL only in the C collation
        postgres_only=('ALTER TABLE entities ALTER COLUMN key TYPE TEXT COLLATE "C"',),
    ),
    Migration(
        8,
        "stories: each unit's story, each story's summary, and the clusterer's state",
        (
            """CREATE TABLE stories (
                id TEXT PRIMARY KEY,
                title TEXT,
                first_day {DATE},
                last_day {DATE},
                size INTEGER NOT NULL
            )""",
            """CREATE TABLE story_units (
                unit_key TEXT PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                story_id TEXT NOT NULL
            )""",
            "CREATE INDEX story_units_story ON story_units (story_id)",
            "CREATE INDEX story_units_doc ON story_units (doc_id)",
            """CREATE TABLE cluster_state (
                id INTEGER PRIMARY KEY,
                units INTEGER NOT NULL,
                state {JSON} NOT NULL
            )""",
        ),
    ),
    Migration(
        9,
        "units stored but not yet clustered, so a crash between a batch and its story pass is resumed",
        (
            """CREATE TABLE stories_pending (
                unit_key TEXT PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
                features {JSON} NOT NULL
            )""",
        ),
        postgres_only=(PG_ROWID.format(table="stories_pending"),),
    ),
    Migration(
        10,
        "full-text search over segments, with their document's title",
        (),
        sqlite_only=(search.SQLITE_CREATE, search.SQLITE_INDEX),  # the index is filled for
        postgres_only=(*search.POSTGRES_CREATE, search.POSTGRES_INDEX),  # stores made before it
    ),
    Migration(
        11,
        "live sources: sources to poll, HTTP validators, page versions and entry changes, alert rules and alerts",
        (
            """CREATE TABLE fetch_sources (
                id {SERIAL},
                name TEXT NOT NULL UNIQUE,
                url TEXT NOT NULL UNIQUE,
                added_at {TIMESTAMP} NOT NULL,
                last_fetch_at {TIMESTAMP},
                last_status TEXT,
                items INTEGER NOT NULL DEFAULT 0,
                errors INTEGER NOT NULL DEFAULT 0,
                last_error TEXT
            )""",
            """CREATE TABLE http_validators (
                url TEXT PRIMARY KEY,
                etag TEXT,
                last_modified TEXT,
                checked_at {TIMESTAMP} NOT NULL
            )""",
            """CREATE TABLE pages (
                url TEXT PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents (id),
                versions INTEGER NOT NULL,
                first_fetched_at {TIMESTAMP} NOT NULL,
                changed_at {TIMESTAMP} NOT NULL,
                checked_at {TIMESTAMP} NOT NULL
            )""",
            """CREATE TABLE page_versions (
                url TEXT NOT NULL REFERENCES pages (url) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                doc_id TEXT NOT NULL REFERENCES documents (id),
                fetched_at {TIMESTAMP} NOT NULL,
                PRIMARY KEY (url, version)
            )""",
            "CREATE INDEX page_versions_doc ON page_versions (doc_id)",
            """CREATE TABLE entry_changes (
                url TEXT NOT NULL REFERENCES pages (url) ON DELETE CASCADE,
                entry_key TEXT NOT NULL,
                version INTEGER NOT NULL,
                change TEXT NOT NULL,
                doc_id TEXT NOT NULL REFERENCES documents (id),
                segment_idx INTEGER,
                text_hash TEXT,
                PRIMARY KEY (url, entry_key, version)
            )""",
            """CREATE TABLE alert_rules (
                id {SERIAL},
                kinds {JSON} NOT NULL,
                entities {JSON} NOT NULL,
                webhook TEXT,
                created_at {TIMESTAMP} NOT NULL
            )""",
            """CREATE TABLE alerts (
                id TEXT PRIMARY KEY,
                rule_id INTEGER REFERENCES alert_rules (id) ON DELETE SET NULL,
                kind TEXT NOT NULL,
                at {TIMESTAMP} NOT NULL,
                summary TEXT NOT NULL,
                passages {JSON} NOT NULL,
                delivery TEXT
            )""",
            "CREATE INDEX alerts_at ON alerts (at)",
        ),
    ),
    Migration(
        12,
        "documents: the detected language (extraction runs on English only)",
        (
            "ALTER TABLE documents ADD COLUMN language TEXT",
            "CREATE INDEX documents_language ON documents (language)",
        ),
    ),
    Migration(
        13,
        "data version: a counter every write that changes what reports read bumps, so a cache of "
        "computed reports knows when it is stale; a random id tells stores at one path apart",
        (
            """CREATE TABLE data_version (
                id INTEGER PRIMARY KEY,
                store_id TEXT NOT NULL,
                version {BIGINT} NOT NULL
            )""",
        ),
        sqlite_only=("INSERT INTO data_version (id, store_id, version) VALUES (1, lower(hex(randomblob(16))), 0)",),
        postgres_only=(
            "INSERT INTO data_version (id, store_id, version) VALUES (1, md5(random()::text || clock_timestamp()::text), 0)",
        ),
    ),
    Migration(
        14,
        "pinned settings: thresholds that shape stored fingerprints (MinHash seed, permutations, "
        "bands, shingle size, passage keys), recorded on the first ingest so a later one under "
        "other values is refused instead of mixing incomparable rows",
        (
            """CREATE TABLE pinned_settings (
                name TEXT PRIMARY KEY,
                value TEXT NOT NULL,
                pinned_at {TIMESTAMP} NOT NULL
            )""",
        ),
    ),
    Migration(
        15,
        "provenance index by document number: each document gets `seq`, its place in the order "
        "documents were stored; LSH band keys and passage keys are kept clustered by key with "
        "that number instead of the 16-character id (twice: table and index), so a key's rows "
        "are read in one B-tree range, earliest stored first, and the index takes half the disk",
        ("ALTER TABLE documents ADD COLUMN seq {BIGINT}",),
        sqlite_only=("UPDATE documents SET seq = rowid", *_rekeyed_index(" WITHOUT ROWID")),
        postgres_only=(
            # PostgreSQL documents have no rowid: their order is that of their first fingerprint
            """UPDATE documents SET seq = ordered.n FROM (SELECT d.id, ROW_NUMBER() OVER (ORDER BY
                (SELECT MIN(k.rowid) FROM sentence_keys AS k WHERE k.doc_id = d.id), d.ingested_at, d.id) AS n
                FROM documents AS d) AS ordered WHERE documents.id = ordered.id""",
            *_rekeyed_index(""),
        ),
    ),
    Migration(
        16,
        "claim terms per document: the content terms of each sentence that rewrite alignment "
        "compares, computed at ingest beside the salient terms and kept compressed with the "
        "settings they depend on, so aligning a stored document does not recompute them",
        (
            """CREATE TABLE claim_terms (
                doc_id TEXT PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
                settings TEXT NOT NULL,
                terms {BLOB} NOT NULL
            )""",
        ),
    ),
    Migration(
        17,
        "the story clusterer's state in parts: document frequencies and story centroids in "
        "tables of their own, so that a batch writes only the rows it changed (the whole state "
        "as one JSON value was rewritten by every batch: 5.5 MB at 2,000 documents, growing "
        "with the corpus); `layout` says where a store's state is",
        (
            """CREATE TABLE cluster_df (
                feature TEXT PRIMARY KEY,
                n {BIGINT} NOT NULL
            )""",
            """CREATE TABLE cluster_stories (
                id TEXT PRIMARY KEY,
                state {JSON} NOT NULL
            )""",
            "ALTER TABLE cluster_state ADD COLUMN layout INTEGER NOT NULL DEFAULT 1",
        ),
        postgres_only=(PG_ROWID.format(table="cluster_stories"),),
    ),
    Migration(
        18,
        "how many documents carry each salient term, so the rewrite-candidate search reads "
        "a document's rare terms first and the commonest (in most documents) only for the few "
        "documents still in the running; filled from the terms already stored",
        (
            """CREATE TABLE term_df (
                term_key {BIGINT} PRIMARY KEY,
                n {BIGINT} NOT NULL
            )""",
            "INSERT INTO term_df (term_key, n) SELECT term_key, COUNT(*) FROM doc_terms GROUP BY term_key",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
