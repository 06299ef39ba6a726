"""Stories in the store: which story each unit (segment) belongs to, each story's summary row,
and the clusterer's state: its document frequencies (`cluster_df`) and story centroids
(`cluster_stories`) row by row, so that a batch rewrites only the rows it changed, and the rest
(unit count, merges, remembered members: bounded) as one JSON value in `cluster_state`.
Stores made before migration 17 kept the whole state in that value (layout 1): it is read as
it is, and the first pass after it writes everything into the tables.

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
    state: dict  # the clusterer's state but its document frequencies and stories
    df: Sequence[tuple[str, int]] = ()  # (feature, units it occurred in): the counts that changed
    story_states: Sequence[tuple[str, dict]] = ()  # (story id, its state): the stories that changed
    gone: Sequence[str] = ()  # story ids the clusterer no longer has (merged into others)


STATE_IN_TABLES = 2  # cluster_state.layout: df and stories are in their own tables (migration 17)


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
        """The saved state, whole: document frequencies under `df` and the stories, in the
        order they were opened, under `stories`."""
        row = self.conn.execute(self._sql("SELECT state, layout FROM cluster_state WHERE id = 1")).fetchone()
        if row is None:
            return None
        state = _json(row[0])
        if row[1] >= STATE_IN_TABLES:
            state["df"] = {f: int(n) for f, n in self.conn.execute("SELECT feature, n FROM cluster_df")}
            state["stories"] = [_json(v) for (v,) in self.conn.execute("SELECT state FROM cluster_stories ORDER BY rowid")]
        return state

    def state_in_tables(self) -> bool:
        """False when the saved state is one JSON value (a store made before migration 17)."""
        row = self.conn.execute(self._sql("SELECT layout FROM cluster_state WHERE id = 1")).fetchone()
        return row is None or row[0] >= STATE_IN_TABLES

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
        if update.gone:
            self.conn.executemany(self._sql("DELETE FROM cluster_stories WHERE id = ?"), [(sid,) for sid in update.gone])
        if update.story_states:
            self.conn.executemany(
                self._sql(
                    "INSERT INTO cluster_stories (id, state) VALUES (?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET state = excluded.state"
                ),
                [(sid, json.dumps(d, separators=(",", ":"))) for sid, d in update.story_states],
            )
        if update.df:
            self.conn.executemany(
                self._sql("INSERT INTO cluster_df (feature, n) VALUES (?, ?) ON CONFLICT (feature) DO UPDATE SET n = excluded.n"),
                list(update.df),
            )
        self.conn.execute(
            self._sql(
                "INSERT INTO cluster_state (id, units, state, layout) VALUES (1, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET units = excluded.units, state = excluded.state, layout = excluded.layout"
            ),
            (int(update.state.get("units", 0)), json.dumps(update.state, separators=(",", ":")), STATE_IN_TABLES),
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


def _json(value):
    """A JSON column's value: PostgreSQL's driver parses it, SQLite's returns text."""
    return json.loads(value) if isinstance(value, str) else value
