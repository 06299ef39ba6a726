"""Parquet files of a batch result: the export tables (README's export schema) with fixed
column types, so that every file of a partitioned table reads as one dataset.

    DIR/<table>/part-NNNNN.parquet   documents, segments, links, entities, mentions, quotes,
                                     figures, events, stories, timeline, failures
    DIR/_work/analyzed/<part>.parquet  per-document results, for `wiretrail load` (internal)
    DIR/_work/keys/<part>.parquet      index keys per document, for the global dedup (internal)
    DIR/_work/matches/part-<task>.parquet        sentence matches each dedup task decided (internal)
    DIR/_work/decided_links/part-<task>.parquet  links each dedup task decided (internal)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

ROWS_PER_FILE = 50_000  # rows per file of a table: files of tens of MB, read in parallel

_s, _i, _f, _b = pa.string(), pa.int64(), pa.float64(), pa.bool_()
_strings = pa.list_(_s)


def _schema(*fields: tuple[str, pa.DataType]) -> pa.Schema:
    return pa.schema(list(fields))


SCHEMAS: dict[str, pa.Schema] = {
    "documents": _schema(
        ("id", _s), ("source", _s), ("url", _s), ("title", _s), ("published", _s), ("published_origin", _s),
        ("published_precision", _s), ("updated", _s), ("updated_origin", _s), ("language", _s), ("kind", _s), ("outlet", _s), ("republisher", _s), ("credits", _strings),
        ("authors", _strings), ("truncated", _b), ("removed_lines", _i), ("text", _s),
    ),
    "segments": _schema(
        ("id", _s), ("doc_id", _s), ("index", _i), ("kind", _s), ("headline", _s), ("posted_at", _s),
        ("author", _s), ("reference_date", _s), ("start", _i), ("end", _i),
    ),
    "links": _schema(
        ("from_doc", _s), ("to_doc", _s), ("relation", _s), ("score", _f), ("first", _s),
        ("shared", pa.list_(pa.struct([("from_start", _i), ("from_end", _i), ("to_start", _i), ("to_end", _i)]))),
    ),
    "entities": _schema(
        ("id", _s), ("name", _s), ("type", _s), ("aliases", _strings), ("roles", _strings), ("lat", _f),
        ("lon", _f), ("country", _s), ("feature", _s), ("approximate", _b), ("gazetteer_id", _s),
        ("mentions", _i), ("documents", _i),
    ),
    "mentions": _schema(("doc_id", _s), ("start", _i), ("end", _i), ("text", _s), ("label", _s), ("entity_id", _s)),
    "quotes": _schema(
        ("id", _s), ("doc_id", _s), ("start", _i), ("end", _i), ("text", _s), ("speaker", _s),
        ("speaker_entity_id", _s), ("cue", _s), ("said_at", _s),
    ),
    "figures": _schema(
        ("id", _s), ("doc_id", _s), ("start", _i), ("end", _i), ("text", _s), ("subject", _s),
        ("value_low", _f), ("value_high", _f), ("unit", _s), ("vague", _b), ("attributed_to", _s), ("as_of", _s),
    ),
    "events": _schema(
        ("id", _s), ("type", _s), ("date", _s), ("date_precision", _s), ("place", _s), ("place_entity_id", _s),
        ("actors", _strings), ("targets", _strings), ("summary", _s),
        ("evidence", pa.list_(pa.struct([("doc_id", _s), ("start", _i), ("end", _i)]))),
    ),
    "failures": _schema(("source", _s), ("stage", _s), ("error", _s), ("at", _s)),
}
INFERRED = ("stories", "timeline")  # nested report rows, small: one file, types inferred

# blob: the analysed document without its extraction and story features, which are in extra
# (the dedup step reads thousands of neighbours and needs only the first; unpickling both took
# most of its reading time)
ANALYZED = pa.schema([("seq", _i), ("doc_id", _s), ("blob", pa.binary()), ("extra", pa.binary())])
KEYS = pa.schema([("key", _i), ("doc_id", _s), ("term", pa.bool_())])  # term: a salient term, not a text key
MATCHES = pa.schema(
    [("doc_a", _s), ("sent_a", _i), ("doc_b", _s), ("sent_b", _i), ("similarity", _f), ("method", _s)]
)


def write_atomic(table: pa.Table, path: Path) -> None:
    """Write to a temporary name, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def write_table(out: Path, name: str, records: Iterable[dict[str, Any]]) -> int:
    """Write one export table as DIR/<name>/part-NNNNN.parquet; returns the rows written."""
    folder = out / name
    if folder.exists():
        for old in folder.glob("part-*.parquet"):
            old.unlink()
    rows = iter(records)
    if name in INFERRED:
        batch = list(rows)
        write_atomic(pa.Table.from_pylist(batch) if batch else pa.table({}), folder / "part-00000.parquet")
        return len(batch)
    schema = SCHEMAS[name]
    total, part = 0, 0
    while True:
        chunk = list(islice(rows, ROWS_PER_FILE))
        if not chunk and part:
            return total
        write_atomic(_table(chunk, schema), folder / f"part-{part:05d}.parquet")
        total += len(chunk)
        part += 1
        if not chunk:
            return total


def _table(chunk: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """The chunk in the table's fixed types; a field the export schema has grown since (not in
    SCHEMAS yet) is kept too, typed from its values (text when they are all null)."""
    columns = {f.name: pa.array([r.get(f.name) for r in chunk], type=f.type) for f in schema}
    for name in dict.fromkeys(k for r in chunk for k in r):
        if name not in columns:
            values = pa.array([r.get(name) for r in chunk])
            columns[name] = values.cast(_s) if pa.types.is_null(values.type) else values
    return pa.table(columns)


def read_rows(folder: Path, *, columns: list[str] | None = None, filters=None) -> Iterator[dict[str, Any]]:
    """Rows of every Parquet file in `folder`, file by file in name order."""
    for path in sorted(folder.glob("*.parquet")):
        table = pq.read_table(path, columns=columns, filters=filters)
        yield from table.to_pylist()
