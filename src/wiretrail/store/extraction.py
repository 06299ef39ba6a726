"""Writing a document's extraction: mentions become canonical entities across the store.

Entity ids are hashes of name keys, so the same spelling family gets the same id whatever the
ingest order. One case needs the store: a surname alone ('Zelensky'). It joins the full-name
entity with that surname that has the most mentions; when a full name arrives after surname-only
mentions were stored, those mentions move to it (only when that full name is the one entity with
the surname, so two people called Kim are never merged).

Runs inside the batch transaction of `write_batch`: all of a document lands, or none of it.
The SQL is portable (SQLite and PostgreSQL); `ph` is the backend's parameter placeholder.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from datetime import date

from ..model import AnalyzedDocument, EntitySpan, EntityType, PlaceMatch, Segment, segment_at
from . import rows


def entity_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def item_id(doc_id: str, kind: str, start: int, end: int) -> str:
    return hashlib.sha256(f"{doc_id}:{kind}:{start}:{end}".encode()).hexdigest()[:16]


class ExtractionWriter:
    def __init__(self, conn, ph: str = "?") -> None:
        self.conn = conn
        self.ph = ph

    def _sql(self, sql: str) -> str:
        return sql.replace("?", self.ph) if self.ph != "?" else sql

    def _exec(self, sql: str, params: Sequence = ()):
        return self.conn.execute(self._sql(sql), params)

    def _many(self, sql: str, params: list) -> None:
        if params:
            self.conn.executemany(self._sql(sql), params)

    def write(self, analyzed: AnalyzedDocument) -> None:
        ex = analyzed.extraction
        if ex is None:
            return
        doc = analyzed.document
        places = {(p.start, p.end): p for p in ex.places}
        ids: dict[str, str] = {}
        hashed: dict[str, list[EntitySpan]] = {}  # all but people: the id is the key's hash
        for key, group in _by_key(ex.entities).items():
            if group[0].label == EntityType.PERSON.value:
                ids[key] = self._person(key)
                self._write_entities({key: group}, ids, places)
            else:
                hashed[key] = group
        # in two statements for the whole document, not two per entity (a round trip each on
        # PostgreSQL); people are looked up one by one, and never among these keys
        ids.update({key: entity_id(key) for key in hashed})
        self._write_entities(hashed, ids, places)
        self._many(
            "INSERT INTO mentions (doc_id, start_char, end_char, text, label, ner_label, entity_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(doc.id, m.start, m.end, m.text, m.label, m.ner_label, ids.get(m.key)) for m in ex.entities],
        )
        self._many(
            "INSERT INTO entity_roles (entity_id, role, doc_id, start_char, end_char) VALUES (?, ?, ?, ?, ?)",
            [(ids[r.key], r.role, doc.id, r.start, r.end) for r in ex.roles if r.key in ids],
        )
        spans = {(m.start, m.end): m.key for m in ex.entities}
        self._many(
            "INSERT INTO quotes (id, doc_id, start_char, end_char, text, speaker, speaker_start, "
            "speaker_end, speaker_entity_id, cue, said_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [
                (
                    item_id(doc.id, "quote", q.start, q.end), doc.id, q.start, q.end, q.text, q.speaker,
                    q.speaker_start, q.speaker_end,
                    ids.get(spans.get((q.speaker_start, q.speaker_end), "")),
                    q.cue, _said_at(analyzed, q.start),
                )
                for q in ex.quotes
            ],
        )  # fmt: skip
        self._many(
            "INSERT INTO figures (id, doc_id, start_char, end_char, text, subject, value_low, value_high, "
            "unit, vague, attributed_to, as_of, sentence_start, sentence_end) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (
                    item_id(doc.id, "figure", f.start, f.end), doc.id, f.start, f.end, f.text, f.subject,
                    f.value_low, f.value_high, f.unit, f.vague, f.attributed_to,
                    rows._iso(_segment_day(analyzed.segments, f.start)), f.sentence_start, f.sentence_end,
                )
                for f in ex.figures
            ],
        )  # fmt: skip
        place_keys = {m.text: m.key for m in ex.entities if m.label == EntityType.PLACE.value}
        self._many(
            "INSERT INTO events (id, doc_id, type, event_date, date_precision, summary, actors, targets, "
            "place, place_entity_id, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [
                (
                    e.id, doc.id, e.type, rows._iso(e.date), e.date_precision.value if e.date_precision else None,
                    e.summary, json.dumps(list(e.actors)), json.dumps(list(e.targets)), e.place,
                    _place_entity(e.place, ex.places, place_keys, ids),
                    json.dumps([[v.doc_id, v.start, v.end] for v in e.evidence]),
                )
                for e in ex.events
            ],
        )  # fmt: skip

    # -- entities -----------------------------------------------------------------------------

    def _write_entities(self, groups: dict[str, list[EntitySpan]], ids: dict[str, str], places: dict) -> None:
        """Each key's entity (kept if it exists) and the spellings its mentions used."""
        self._many(
            "INSERT INTO entities (id, key, type, lat, lon, country, feature, gazetteer_id, approximate) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
            [
                (ids[key], key, group[0].label,
                 *_geo(next((places[(m.start, m.end)] for m in group if (m.start, m.end) in places), None)))
                for key, group in groups.items()
            ],
        )  # fmt: skip
        self._many(
            "INSERT INTO entity_forms (entity_id, form, n) VALUES (?, ?, ?) "
            "ON CONFLICT (entity_id, form) DO UPDATE SET n = entity_forms.n + excluded.n",
            [(ids[key], form, n) for key, group in groups.items() for form, n in Counter(m.text for m in group).items()],
        )

    def _person(self, key: str) -> str:
        _, surname, first = key.split("|", 2)
        family = f"PERSON|{surname}|"
        full = self._exec(
            "SELECT e.id, e.key, COALESCE(SUM(f.n), 0) FROM entities e "
            "LEFT JOIN entity_forms f ON f.entity_id = e.id "
            "WHERE e.key > ? AND e.key < ? GROUP BY e.id, e.key",  # a range the key index serves
            (family, family[:-1] + "}"),  # '}' sorts after every character a key holds
        ).fetchall()
        if not first:
            if full:
                return max(full, key=lambda r: (r[2], r[0]))[0]
            return entity_id(key)
        target = entity_id(key)
        others = {r[0] for r in full} - {target}
        if not others:
            self._absorb(entity_id(family), target, key)
        return target

    def _absorb(self, old: str, new: str, key: str) -> None:
        """Move a surname-only entity's mentions, spellings and roles to the full name."""
        if self._exec("SELECT 1 FROM entities WHERE id = ?", (old,)).fetchone() is None:
            return
        self._exec(
            "INSERT INTO entities (id, key, type, approximate) VALUES (?, ?, 'PERSON', ?) "
            "ON CONFLICT (id) DO NOTHING",
            (new, key, False),
        )
        for table, column in (("mentions", "entity_id"), ("entity_roles", "entity_id"), ("quotes", "speaker_entity_id")):
            self._exec(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (new, old))
        self._exec(
            "INSERT INTO entity_forms (entity_id, form, n) SELECT ?, form, n FROM entity_forms WHERE entity_id = ? "
            "ON CONFLICT (entity_id, form) DO UPDATE SET n = entity_forms.n + excluded.n",
            (new, old),
        )
        self._exec("DELETE FROM entity_forms WHERE entity_id = ?", (old,))
        self._exec("DELETE FROM entities WHERE id = ?", (old,))


def _by_key(spans: Sequence[EntitySpan]) -> dict[str, list[EntitySpan]]:
    out: dict[str, list[EntitySpan]] = {}
    for span in spans:
        if span.key:
            out.setdefault(span.key, []).append(span)
    return out


def _geo(place: PlaceMatch | None) -> tuple:
    if place is None:
        return (None, None, None, None, None, False)
    return (place.lat, place.lon, place.country, place.feature, place.gazetteer_id, place.approximate)


def _place_entity(name, places, place_keys, ids) -> str | None:
    if name is None:
        return None
    for p in places:
        if p.name == name and p.text in place_keys:
            return ids.get(place_keys[p.text])
    return None


def _segment_day(segments: Sequence[Segment], pos: int) -> date | None:
    seg = segment_at(segments, pos)
    return seg.reference_date if seg else None


def _said_at(analyzed: AnalyzedDocument, pos: int) -> str | None:
    seg = segment_at(analyzed.segments, pos)
    stamp = (seg.posted_at if seg else None) or analyzed.document.published
    return stamp.isoformat() if stamp else None
