"""wiretrail: turn a stream of news copies about a developing story into one sourced,
deduplicated record.

    import wiretrail as wt
    with wt.open("wiretrail.db") as record:
        report = record.ingest(["examples/"])
        for doc in record.documents(kind="live-blog"):
            print(doc.title, [s.posted_at for s in record.segments(doc.id)])
"""

from __future__ import annotations

from .api import Wiretrail, open
from .errors import (
    BinaryInput,
    ConfigError,
    EmptyInput,
    InputError,
    InputNotFound,
    InputTooLarge,
    MalformedInput,
    SchemaVersionError,
    StoreError,
    WiretrailError,
)
from .model import (
    AnalyzedDocument,
    DateOrigin,
    DatePrecision,
    Document,
    DocumentKind,
    Entity,
    Event,
    Evidence,
    Failure,
    Figure,
    Quote,
    RawDocument,
    Segment,
    SegmentKind,
    Sentence,
    Timestamp,
)
from .pipeline import IngestReport
from .settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "AnalyzedDocument",
    "BinaryInput",
    "ConfigError",
    "DateOrigin",
    "DatePrecision",
    "Document",
    "DocumentKind",
    "EmptyInput",
    "Entity",
    "Event",
    "Evidence",
    "Failure",
    "Figure",
    "IngestReport",
    "InputError",
    "InputNotFound",
    "InputTooLarge",
    "MalformedInput",
    "Quote",
    "RawDocument",
    "SchemaVersionError",
    "Segment",
    "SegmentKind",
    "Sentence",
    "Settings",
    "StoreError",
    "Timestamp",
    "Wiretrail",
    "WiretrailError",
    "load_settings",
    "open",
]
