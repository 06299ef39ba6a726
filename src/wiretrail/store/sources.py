"""Sources to poll, HTTP validators, page versions, entry changes, alert rules and alerts
(the tables of migration 11).

A fetched page is identified by its canonical URL (`pages`). Documents stay immutable and
content-addressed: every distinct text a URL has served is one document, listed in
`page_versions`, and the page points at the newest. `entry_changes` records, per version,
only what changed among the page's entries (added, edited, removed, restored), so the history
of one live-blog entry is its rows in version order and nothing fetched is ever overwritten.

Portable SQL for SQLite and PostgreSQL; `ph` is the backend's parameter placeholder and
`transaction` a context-manager factory the backend supplies.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, ContextManager

from ..errors import StoreError

ENTRY_CHANGES = ("added", "edited", "removed", "restored")


class SourceConflict(StoreError):
    """A source with this name or URL is already in the store."""


@dataclass(frozen=True, slots=True)
class Source:
    id: int
    name: str
    url: str
    added_at: datetime
    last_fetch_at: datetime | None = None
    last_status: str | None = None  # ok | not-modified | error
    items: int = 0  # documents (new or new versions) this source has brought in, all polls
    errors: int = 0  # polls that failed
    last_error: str | None = None


@dataclass(frozen=True, slots=True)
class PageVersion:
    url: str
    version: int
    doc_id: str
    fetched_at: datetime


@dataclass(frozen=True, slots=True)
class EntryChange:
    """One entry's change in one version. For `removed`, `doc_id` is the version it is missing
    from and `segment_index` is None: its text stays in the earlier version's document."""

    entry_key: str
    change: str  # added | edited | removed | restored
    doc_id: str
    segment_index: int | None
    text_hash: str | None
    version: int = 0


@dataclass(frozen=True, slots=True)
class AlertRule:
    id: int
    kinds: tuple[str, ...]  # new-story | figure-conflict | entity | figure-edit
    entities: tuple[str, ...]
    webhook: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Passage:
    """The text that triggered an alert, by its offsets into a stored document."""

    doc_id: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"doc_id": self.doc_id, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Alert:
    id: str
    kind: str
    summary: str
    passages: tuple[Passage, ...]
    at: datetime
    rule_id: int | None = None
    delivery: str | None = None  # what happened to the webhook POST: 'ok', 'HTTP 500', ...

    def to_dict(self) -> dict:
        return {
            "id": self.id, "kind": self.kind, "summary": self.summary, "at": self.at.isoformat(),
            "rule_id": self.rule_id, "passages": [p.to_dict() for p in self.passages], "delivery": self.delivery,
        }  # fmt: skip


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


class SourceTables:
    def __init__(
        self, conn, ph: str = "?", transaction: Callable[[], ContextManager] | None = None
    ) -> None:
        self.conn = conn
        self.ph = ph
        self._transaction = transaction or contextlib.nullcontext

    def _x(self, sql: str, params: Sequence = ()):
        return self.conn.execute(sql.replace("?", self.ph) if self.ph != "?" else sql, tuple(params))

    def _many(self, sql: str, rows: Iterable[Sequence]) -> None:
        self.conn.executemany(sql.replace("?", self.ph) if self.ph != "?" else sql, [tuple(r) for r in rows])

    # -- sources ------------------------------------------------------------------------------

    def add_source(self, name: str, url: str) -> Source:
        for column, value in (("name", name), ("url", url)):
            if self._x(f"SELECT 1 FROM fetch_sources WHERE {column} = ?", (value,)).fetchone():
                raise SourceConflict(f"a source with {column} {value!r} exists already; see `wiretrail sources list`")
        self._x("INSERT INTO fetch_sources (name, url, added_at) VALUES (?, ?, ?)", (name, url, _now()))
        return self.source(name)  # type: ignore[return-value]

    def source(self, name_or_url: str) -> Source | None:
        row = self._x(
            "SELECT id, name, url, added_at, last_fetch_at, last_status, items, errors, last_error "
            "FROM fetch_sources WHERE name = ? OR url = ? ORDER BY id LIMIT 1",
            (name_or_url, name_or_url),
        ).fetchone()
        return _source(row) if row else None

    def sources(self) -> list[Source]:
        rows = self._x(
            "SELECT id, name, url, added_at, last_fetch_at, last_status, items, errors, last_error "
            "FROM fetch_sources ORDER BY name"
        ).fetchall()
        return [_source(r) for r in rows]

    def remove_source(self, name_or_url: str) -> bool:
        """Stop polling a source; what it brought in stays in the store."""
        cursor = self._x("DELETE FROM fetch_sources WHERE name = ? OR url = ?", (name_or_url, name_or_url))
        return cursor.rowcount > 0

    def record_poll(self, source_id: int, *, status: str, items: int = 0, error: str | None = None) -> None:
        self._x(
            "UPDATE fetch_sources SET last_fetch_at = ?, last_status = ?, items = items + ?, "
            "errors = errors + ?, last_error = ? WHERE id = ?",
            (_now(), status, items, 1 if error else 0, error, source_id),
        )

    # -- HTTP validators ----------------------------------------------------------------------

    def validators(self, url: str) -> tuple[str | None, str | None]:
        row = self._x("SELECT etag, last_modified FROM http_validators WHERE url = ?", (url,)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def save_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._x(
            "INSERT INTO http_validators (url, etag, last_modified, checked_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified, "
            "checked_at = excluded.checked_at",
            (url, etag, last_modified, _now()),
        )

    # -- pages and versions -------------------------------------------------------------------

    def page_doc(self, url: str) -> tuple[str, int] | None:
        """(current document id, version number) of a page, or None for a page never stored."""
        row = self._x("SELECT doc_id, versions FROM pages WHERE url = ?", (url,)).fetchone()
        return (row[0], int(row[1])) if row else None

    def page_of(self, doc_id: str) -> str | None:
        row = self._x("SELECT url FROM page_versions WHERE doc_id = ? ORDER BY version LIMIT 1", (doc_id,)).fetchone()
        return row[0] if row else None

    def has_version(self, url: str, doc_id: str) -> bool:
        row = self._x("SELECT 1 FROM page_versions WHERE url = ? AND doc_id = ?", (url, doc_id)).fetchone()
        return row is not None

    def touch_page(self, url: str) -> None:
        self._x("UPDATE pages SET checked_at = ? WHERE url = ?", (_now(), url))

    def record_version(self, url: str, doc_id: str, fetched_at: datetime, changes: Sequence[EntryChange]) -> int:
        """Make `doc_id` the page's newest version with its entry changes, atomically; returns
        the version number (1 for a page seen for the first time)."""
        at = fetched_at.isoformat()
        with self._transaction():
            current = self.page_doc(url)
            version = 1 if current is None else current[1] + 1
            if current is None:
                self._x(
                    "INSERT INTO pages (url, doc_id, versions, first_fetched_at, changed_at, checked_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (url, doc_id, version, at, at, at),
                )
            else:
                self._x(
                    "UPDATE pages SET doc_id = ?, versions = ?, changed_at = ?, checked_at = ? WHERE url = ?",
                    (doc_id, version, at, at, url),
                )
            self._x(
                "INSERT INTO page_versions (url, version, doc_id, fetched_at) VALUES (?, ?, ?, ?)",
                (url, version, doc_id, at),
            )
            self._many(
                "INSERT INTO entry_changes (url, entry_key, version, change, doc_id, segment_idx, text_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(url, c.entry_key, version, c.change, c.doc_id, c.segment_index, c.text_hash) for c in changes],
            )
        return version

    def versions(self, url: str) -> list[PageVersion]:
        rows = self._x(
            "SELECT url, version, doc_id, fetched_at FROM page_versions WHERE url = ? ORDER BY version", (url,)
        ).fetchall()
        return [PageVersion(u, int(v), d, _time(at)) for u, v, d, at in rows]  # type: ignore[arg-type]

    def entry_changes(self, url: str, entry_key: str | None = None) -> list[EntryChange]:
        sql = "SELECT entry_key, change, doc_id, segment_idx, text_hash, version FROM entry_changes WHERE url = ?"
        params: list = [url]
        if entry_key is not None:
            sql += " AND entry_key = ?"
            params.append(entry_key)
        rows = self._x(sql + " ORDER BY version, entry_key", params).fetchall()
        return [EntryChange(k, c, d, s, h, int(v)) for k, c, d, s, h, v in rows]

    def current_entries(self, url: str) -> dict[str, EntryChange]:
        """Each entry's latest state, removed entries included (their change says so)."""
        latest: dict[str, EntryChange] = {}
        for change in self.entry_changes(url):
            latest[change.entry_key] = change
        return latest

    # -- alert rules and alerts ---------------------------------------------------------------

    def add_rule(self, kinds: Sequence[str], entities: Sequence[str], webhook: str | None) -> AlertRule:
        cursor = self._x(
            "INSERT INTO alert_rules (kinds, entities, webhook, created_at) VALUES (?, ?, ?, ?)",
            (json.dumps(list(kinds)), json.dumps(list(entities)), webhook, _now()),
        )
        rule_id = getattr(cursor, "lastrowid", None)
        if rule_id is None:  # backends without lastrowid: the newest rule is ours (one writer per add)
            rule_id = self._x("SELECT MAX(id) FROM alert_rules").fetchone()[0]
        return next(r for r in self.rules() if r.id == rule_id)

    def rules(self) -> list[AlertRule]:
        rows = self._x("SELECT id, kinds, entities, webhook, created_at FROM alert_rules ORDER BY id").fetchall()
        return [AlertRule(int(i), tuple(_json(k)), tuple(_json(e)), w, _time(at)) for i, k, e, w, at in rows]  # type: ignore[arg-type]

    def remove_rule(self, rule_id: int) -> bool:
        return self._x("DELETE FROM alert_rules WHERE id = ?", (rule_id,)).rowcount > 0

    def add_alert(self, alert: Alert) -> bool:
        """Store an alert; False when the same alert (same id) was raised before."""
        cursor = self._x(
            "INSERT INTO alerts (id, rule_id, kind, at, summary, passages, delivery) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            (alert.id, alert.rule_id, alert.kind, alert.at.isoformat(), alert.summary,
             json.dumps([p.to_dict() for p in alert.passages], ensure_ascii=False), alert.delivery),
        )  # fmt: skip
        return cursor.rowcount > 0

    def set_delivery(self, alert_id: str, delivery: str) -> None:
        self._x("UPDATE alerts SET delivery = ? WHERE id = ?", (delivery, alert_id))

    def alerts(self, *, since: datetime | None = None, kind: str | None = None, limit: int | None = None) -> list[Alert]:
        where, params = ["1 = 1"], []
        if since is not None:
            where.append("at >= ?")
            params.append(since.isoformat())
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        sql = f"SELECT id, rule_id, kind, at, summary, passages, delivery FROM alerts WHERE {' AND '.join(where)} ORDER BY at DESC, id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [
            Alert(i, k, s, tuple(Passage(**p) for p in _json(ps)), _time(at), r, d)  # type: ignore[arg-type]
            for i, r, k, at, s, ps, d in self._x(sql, params).fetchall()
        ]


def _source(row: Sequence) -> Source:
    i, name, url, added, last, status, items, errors, error = row
    return Source(int(i), name, url, _time(added), _time(last), status, int(items), int(errors), error)  # type: ignore[arg-type]

