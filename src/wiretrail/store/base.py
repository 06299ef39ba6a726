"""The `Store` interface every backend implements (SQLite and PostgreSQL).

The pipeline hands a store whole `AnalyzedDocument`s and `Failure`s in batches; a batch is
written in one transaction, so a crash or a bad input never leaves half a document behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from .facts import FactReader
from .story_rows import StoryTables, StoryUpdate

from ..model import (
    AnalyzedDocument,
    Document,
    Failure,
    Link,
    Segment,
    Sentence,
    SentenceFingerprint,
    SentenceMatch,
)


CANDIDATES_PER_KEY = 100  # rows a backend returns per index key: matching keeps at most 50 per
# sentence (MAX_MATCHES_PER_SENTENCE) and skips passage keys in more than 10 documents, so 100
# loses nothing for ordinary keys and stops 10,000 copies of one text fetching 10,000 rows each


@dataclass(frozen=True, slots=True)
class WriteResult:
    added_ids: tuple[str, ...]  # documents new to the store
    existing: int  # documents the store already held (same id): skipped, nothing changed
    segments: int
    sentences: int
    failures: int

    @property
    def added(self) -> int:
        return len(self.added_ids)


@dataclass(frozen=True, slots=True)
class DocumentQuery:
    since: datetime | None = None  # published at or after (undated documents are excluded)
    until: datetime | None = None
    kind: str | None = None
    language: str | None = None  # ISO 639-1 code
    # documents mentioning an entity (a place): its id, or text any of its spellings contains
    # (any case), as the timeline's --entity and --place match names
    entity: str | None = None
    place: str | None = None
    limit: int | None = None
    offset: int = 0
    # False: documents with an empty `text` (listings: one live blog's text can be megabytes)
    text: bool = True


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A segment matching a full-text query; `start`/`end` are the segment's offsets in its
    document's clean text, `snippet` a short excerpt around the best match."""

    doc_id: str
    segment_index: int
    start: int
    end: int
    snippet: str
    score: float  # higher is better; comparable within one result list only

    @property
    def segment_id(self) -> str:
        return f"{self.doc_id}:{self.segment_index}"


@dataclass(frozen=True, slots=True)
class StoreCounts:
    documents: int
    segments: int
    sentences: int
    failures: int


@dataclass(frozen=True, slots=True)
class DataStamp:
    """Which store and which state of its data: `version` grows with every write that changes
    what reports read, `store` tells apart stores that could share a counter value (two files at
    one path over time, two schemas of one database)."""

    store: str
    version: int


@runtime_checkable
class Store(Protocol):
    """What the pipeline, reports, CLI and API need from storage."""

    def write_batch(
        self, documents: Sequence[AnalyzedDocument], failures: Sequence[Failure] = ()
    ) -> WriteResult: ...

    def known_ids(self, ids: Iterable[str]) -> set[str]: ...

    def documents(self, query: DocumentQuery = DocumentQuery()) -> Iterator[Document]: ...

    def document(self, doc_id: str) -> Document | None: ...

    def resolve_id(self, prefix: str) -> list[str]: ...

    def segments(self, doc_id: str | None = None) -> Iterator[Segment]: ...

    def segment_counts(self, doc_ids: Iterable[str] | None = None) -> dict[str, int]: ...

    def document_titles(self, doc_ids: Iterable[str]) -> dict[str, str | None]: ...

    def sentences(self, doc_id: str) -> list[Sentence]: ...

    def read_documents(self, doc_ids: Iterable[str]) -> dict[str, tuple[Document, list[Sentence], list[Segment]]]: ...

    def failures(self, *, limit: int | None = None) -> list[Failure]: ...

    def counts(self) -> StoreCounts: ...

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> list[SearchHit]: ...

    # provenance index and links
    def fingerprints(self, doc_id: str, *, bands: bool = True) -> list[SentenceFingerprint]: ...

    def exact_candidates(self, keys: Sequence[int]) -> list[tuple[int, str, int]]: ...

    def band_candidates(self, keys: Sequence[int]) -> list[tuple[int, str, int]]: ...

    def band_matches(self, probes: Sequence[tuple[int, int]], *, per_key: int = CANDIDATES_PER_KEY) -> set[tuple[int, str, int]]: ...

    def exact_key_documents(self, keys: Sequence[int], *, cap: int = CANDIDATES_PER_KEY) -> dict[int, int]: ...

    def sentence_keys_of(self, doc_ids: Iterable[str]) -> dict[str, list[SentenceFingerprint]]: ...

    def passage_keys(self, doc_id: str) -> list[tuple[int, int]]: ...

    def passage_candidates(self, keys: Sequence[int]) -> list[tuple[int, str, int]]: ...

    def passage_seed_rows(self, keys: Sequence[int], doc_id: str, *, per_key: int, max_docs: int) -> list[tuple[int, str, int]]: ...

    def claim_terms(self, doc_ids: Iterable[str]) -> dict[str, tuple[str, list[dict[str, float]]]]: ...

    def related_by_terms(self, doc_id: str, *, min_shared: int, limit: int) -> list[tuple[str, int]]: ...

    def pending_provenance(self) -> list[str]: ...

    def write_provenance(
        self,
        matches: Sequence[SentenceMatch],
        links: Sequence[Link],
        pairs: Iterable[tuple[str, str]],
        done: Sequence[str] = (),
    ) -> None: ...

    def sentence_matches(self, doc_id: str, other: str | None = None) -> list[SentenceMatch]: ...

    def links(self, doc_id: str | None = None, *, relation: str | None = None) -> list[Link]: ...

    @property
    def facts(self) -> FactReader: ...

    @property
    def story_tables(self) -> StoryTables: ...

    def write_stories(self, update: StoryUpdate) -> None: ...

    def schema_version(self) -> int: ...

    # thresholds that shape stored rows, pinned on the first ingest (`pipeline.pin_stored_thresholds`)
    def pinned_settings(self) -> dict[str, str]: ...

    def pin_settings(self, values: dict[str, str]) -> None: ...

    # bumped in the transaction of every write reports read (documents, links, stories): a
    # report computed at one version is current until the next
    def data_version(self) -> int: ...

    def data_stamp(self) -> DataStamp: ...

    def close(self) -> None: ...
