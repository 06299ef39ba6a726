"""wiretrail: turn a stream of news copies about a developing story into one sourced,
deduplicated record.

    import wiretrail as wt
    with wt.open("wiretrail.db") as record:
        report = record.ingest(["examples/"])
        for doc in record.documents(kind="live-blog"):
            print(doc.title, [s.posted_at for s in record.segments(doc.id)])
"""

from __future__ import annotations

from . import lean_imports as _lean_imports

_lean_imports.import_thinc_without_torch()  # before anything imports spaCy

from .api import Wiretrail, open
from .provenance.audit import Audit
from .provenance.trace import SentenceTrace
from .report.figure_table import FigureGroup
from .report.stories import StorySummary
from .report.timeline import TimelineRow
from .results import Results
from .store.base import SearchHit
from .errors import (
    BinaryInput,
    ConfigError,
    EmptyInput,
    InputError,
    InputNotFound,
    InputTooLarge,
    MalformedInput,
    MissingExtra,
    NotFound,
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
    Link,
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
    "Audit",
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
    "FigureGroup",
    "IngestReport",
    "InputError",
    "InputNotFound",
    "InputTooLarge",
    "Link",
    "MalformedInput",
    "MissingExtra",
    "NotFound",
    "Quote",
    "RawDocument",
    "Results",
    "SchemaVersionError",
    "SearchHit",
    "Segment",
    "SegmentKind",
    "Sentence",
    "SentenceTrace",
    "Settings",
    "StoreError",
    "StorySummary",
    "TimelineRow",
    "Timestamp",
    "Wiretrail",
    "WiretrailError",
    "__version__",
    "load_settings",
    "open",
]
