"""Stories in the store: which story each unit (segment) belongs to, each story's summary row,
and the clusterer's state (document frequencies and story centroids) as one JSON value.

Portable SQL for SQLite and PostgreSQL; `ph` is the backend's parameter placeholder. Unit
memberships live in `story_units`, not in the state, so saving the state does not grow with the
number of units ever clustered.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .rows import _date


@dataclass(frozen=True, slots=True)
class StoryRow:
    id: str
    title: str | None
    first_day: date | None
    last_day: date | None
    size: int  # units (segments) in the story, copies included


@dataclass(frozen=True, slots=True)
class StoryUpdate:
    """What one clustering pass changed: new memberships, merges, and the stories it touched."""

    units: Sequence[tuple[str, str, str]]  # (unit key, doc id, story id)
    merged: Sequence[tuple[str, str]]  # (absorbed story id, the story it joined)
    stories: Sequence[StoryRow]
    state: dict


class StoryTables:
    def __init__(self, conn, ph: str = "?") -> None:
        self.conn = conn
        self.ph = ph

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.ph) if self.ph != "?" else sql

    def state_units(self) -> int:
        """Units the saved state has seen: tells a process whether its in-memory state is current."""
        row = self.conn.execute(self._sql("SELECT units FROM cluster_state WHERE id = 1")).fetchone()
        return int(row[0]) if row else 0

    def state(self) -> dict | None:
        row = self.conn.execute(self._sql("SELECT state FROM cluster_state WHERE id = 1")).fetchone()
        if row is None:
            return None
        return json.loads(row[0]) if isinstance(row[0], str) else row[0]

    def write(self, update: StoryUpdate) -> None:
        """Apply one pass; the caller holds the transaction."""
        for old, new in update.merged:
            self.conn.execute(self._sql("UPDATE story_units SET story_id = ? WHERE story_id = ?"), (new, old))
            self.conn.execute(self._sql("DELETE FROM stories WHERE id = ?"), (old,))
        if update.units:
            self.conn.executemany(
                self._sql("DELETE FROM stories_pending WHERE unit_key = ?"), [(key,) for key, _doc, _story in update.units]
            )
            self.conn.executemany(
                self._sql(
                    "INSERT INTO story_units (unit_key, doc_id, story_id) VALUES (?, ?, ?) "
                    "ON CONFLICT (unit_key) DO UPDATE SET story_id = excluded.story_id"
                ),
                list(update.units),
            )
        if update.stories:
            self.conn.executemany(
                self._sql(
                    "INSERT INTO stories (id, title, first_day, last_day, size) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET title = excluded.title, first_day = excluded.first_day, "
                    "last_day = excluded.last_day, size = excluded.size"
                ),
                [
                    (s.id, s.title, s.first_day.isoformat() if s.first_day else None,
                     s.last_day.isoformat() if s.last_day else None, s.size)
                    for s in update.stories
                ],
            )  # fmt: skip
        self.conn.execute(
            self._sql(
                "INSERT INTO cluster_state (id, units, state) VALUES (1, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET units = excluded.units, state = excluded.state"
            ),
            (int(update.state.get("units", 0)), json.dumps(update.state, separators=(",", ":"))),
        )

    def stories(self, *, since: date | None = None, until: date | None = None) -> list[StoryRow]:
        where, params = ["1 = 1"], []
        if since:
            where.append("(last_day IS NULL OR last_day >= ?)")
            params.append(since.isoformat())
        if until:
            where.append("(first_day IS NULL OR first_day < ?)")
            params.append(until.isoformat())
        rows = self.conn.execute(
            self._sql(f"SELECT id, title, first_day, last_day, size FROM stories WHERE {' AND '.join(where)}"),
            tuple(params),
        ).fetchall()
        return [StoryRow(sid, title, _date(first), _date(last), size) for sid, title, first, last, size in rows]

    def units(self, story_id: str | None = None) -> list[tuple[str, str, str]]:
        """(unit key, doc id, story id), of one story or of all."""
        if story_id is None:
            sql, params = "SELECT unit_key, doc_id, story_id FROM story_units ORDER BY story_id, unit_key", ()
        else:
            sql, params = "SELECT unit_key, doc_id, story_id FROM story_units WHERE story_id = ? ORDER BY unit_key", (story_id,)
        return [tuple(r) for r in self.conn.execute(self._sql(sql), params).fetchall()]

    def pending(self) -> list[dict]:
        """Features of units stored but not yet clustered, in the order they were stored."""
        rows = self.conn.execute(self._sql("SELECT features FROM stories_pending ORDER BY rowid")).fetchall()
        return [json.loads(r[0]) if isinstance(r[0], str) else r[0] for r in rows]

    def clustered_docs(self, doc_ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(doc_ids), 500):
            part = list(doc_ids[i : i + 500])
            marks = ", ".join(self.ph for _ in part)
            found |= {r[0] for r in self.conn.execute(f"SELECT DISTINCT doc_id FROM story_units WHERE doc_id IN ({marks})", part)}
        return found
