"""Reading extracted facts back: entities with their spellings and roles, quotes, figures, events.

Portable SQL over the tables of migration 7; `ph` is the backend's parameter placeholder.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..extract.names import role_key
from ..model import DatePrecision, Entity, Event, Evidence, Figure, Mention, Quote, Timestamp
from .rows import _date, _timestamp


@dataclass(frozen=True, slots=True)
class FactQuery:
    """Filters shared by the fact listings; None means no filter."""

    doc_id: str | None = None
    since: date | None = None
    until: date | None = None
    type: str | None = None
    text: str | None = None  # entity name / speaker / figure subject contains this (any case)
    limit: int | None = None


class FactReader:
    def __init__(self, conn, ph: str = "?", plain=None) -> None:
        self.conn = conn
        self.ph = ph
        self.plain = plain  # (sql, params) -> rows as plain tuples, where the backend has it

    def _rows(self, sql: str, params: list | tuple = ()) -> list[tuple]:
        if self.ph != "?":
            sql = sql.replace("?", self.ph)
        if self.plain is not None:  # rows are only ever read by position here
            return list(self.plain(sql, tuple(params)))
        return self.conn.execute(sql, tuple(params)).fetchall()

    # -- entities -----------------------------------------------------------------------------

    def entities(self, query: FactQuery = FactQuery()) -> list[Entity]:
        where, params = ["1 = 1"], []
        if query.type:
            where.append("e.type = ?")
            params.append(query.type.upper())
        if query.text:
            where.append("e.id IN (SELECT entity_id FROM entity_forms WHERE LOWER(form) LIKE ?)")
            params.append(f"%{query.text.lower()}%")
        if query.doc_id:
            where.append("e.id IN (SELECT entity_id FROM mentions WHERE doc_id = ?)")
            params.append(query.doc_id)
        rows = self._rows(
            "SELECT e.id, e.type, e.lat, e.lon, e.country, e.feature, e.gazetteer_id, e.approximate, "
            "(SELECT COALESCE(SUM(n), 0) FROM entity_forms f WHERE f.entity_id = e.id) AS n "
            f"FROM entities e WHERE {' AND '.join(where)} ORDER BY n DESC, e.id",
            params,
        )
        if query.limit is not None:
            rows = rows[: query.limit]
        ids = [r[0] for r in rows]
        forms = self._forms(ids)
        roles = self._roles(ids)
        docs = self._doc_counts(ids)
        out = []
        for eid, kind, lat, lon, country, feature, gid, approx, n in rows:
            names = forms.get(eid, [])
            out.append(
                Entity(
                    id=eid, name=_canonical(names) or eid, type=kind,
                    aliases=tuple(f for f, _ in names), roles=tuple(roles.get(eid, ())),
                    lat=lat, lon=lon, country=country, gazetteer_id=gid, approximate=bool(approx),
                    feature=feature, mentions=int(n), documents=docs.get(eid, 0),
                )
            )  # fmt: skip
        return out

    def _chunks(self, ids: list[str], sql: str) -> list[tuple]:
        out = []
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            out += self._rows(sql.format(marks=", ".join("?" * len(part))), part)
        return out

    def _forms(self, ids: list[str]) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for eid, form, n in self._chunks(
            ids, "SELECT entity_id, form, n FROM entity_forms WHERE entity_id IN ({marks}) ORDER BY n DESC, form"
        ):
            out[eid].append((form, n))
        return out

    def _roles(self, ids: list[str]) -> dict[str, list[str]]:
        counts: dict[str, dict[str, tuple[int, str]]] = defaultdict(dict)
        for eid, role in self._chunks(ids, "SELECT entity_id, role FROM entity_roles WHERE entity_id IN ({marks})"):
            key = role_key(role)
            n, shown = counts[eid].get(key, (0, role))
            counts[eid][key] = (n + 1, shown)
        return {eid: [shown for n, shown in sorted(v.values(), key=lambda t: -t[0])] for eid, v in counts.items()}

    def _doc_counts(self, ids: list[str]) -> dict[str, int]:
        rows = self._chunks(
            ids, "SELECT entity_id, COUNT(DISTINCT doc_id) FROM mentions WHERE entity_id IN ({marks}) GROUP BY entity_id"
        )
        return {eid: n for eid, n in rows}

    def mentions(self, doc_id: str) -> list[Mention]:
        return [
            Mention(doc_id, s, e, t, label, eid)
            for s, e, t, label, eid in self._rows(
                "SELECT start_char, end_char, text, label, entity_id FROM mentions WHERE doc_id = ? ORDER BY start_char",
                (doc_id,),
            )
        ]

    def all_mentions(self):
        for row in self._rows(
            "SELECT doc_id, start_char, end_char, text, label, entity_id FROM mentions ORDER BY doc_id, start_char"
        ):
            yield Mention(*row)

    def report_times(self) -> dict[str, tuple[Timestamp | None, list[tuple[int, int, Timestamp]]]]:
        """Every document's publication time and its stamped segments' (start, end, time): when
        each passage was reported, read without loading any text."""
        out: dict[str, tuple[Timestamp | None, list[tuple[int, int, Timestamp]]]] = {}
        for doc_id, at, precision, origin in self._rows(
            "SELECT id, published_at, published_precision, published_origin FROM documents"
        ):
            out[doc_id] = (_timestamp(at, precision, origin), [])
        for doc_id, start, end, at, precision, origin in self._rows(
            "SELECT doc_id, start_char, end_char, posted_at, posted_precision, posted_origin FROM segments "
            "WHERE posted_at IS NOT NULL"
        ):
            if doc_id in out:
                out[doc_id][1].append((start, end, _timestamp(at, precision, origin)))
        return out

    def document_labels(self, doc_ids: list[str] | None = None) -> dict[str, DocumentLabel]:
        """How reports name documents (outlet, title, source, address, publication time), read
        without their text; every document when `doc_ids` is None."""
        columns = "id, outlet, title, source, url, published_at, published_precision, published_origin FROM documents"
        found = self._rows(f"SELECT {columns}") if doc_ids is None else self._chunks(sorted(set(doc_ids)), f"SELECT {columns} WHERE id IN ({{marks}})")
        return {
            doc_id: DocumentLabel(doc_id, outlet, title, source, url, _timestamp(at, precision, origin))
            for doc_id, outlet, title, source, url, at, precision, origin in found
        }

    def place_features(self) -> dict[str, str | None]:
        """Each place's gazetteer feature ('city', 'region', 'country') by its canonical name and,
        where no canonical name says otherwise, by each spelling: what `entities(type=PLACE)`
        gives, without counting mentions and documents."""
        forms: dict[str, list[tuple[str, int]]] = defaultdict(list)
        features: dict[str, str | None] = {}
        order = []
        for eid, feature, form, n in self._rows(
            "SELECT e.id, e.feature, f.form, f.n FROM entities e LEFT JOIN entity_forms f ON f.entity_id = e.id "
            "WHERE e.type = 'PLACE' ORDER BY f.n DESC, f.form"
        ):
            if eid not in features:
                features[eid] = feature
                order.append(eid)
            if form is not None:
                forms[eid].append((form, n))
        # the order of `entities`: most mentioned first (a spelling's feature is the first one's)
        order.sort(key=lambda eid: (-sum(n for _, n in forms.get(eid, ())), eid))
        out = {(_canonical(forms.get(eid, [])) or eid): features[eid] for eid in order}
        for eid in order:
            for form, _ in forms.get(eid, ()):
                out.setdefault(form, features[eid])
        return out

    def text_spans(self, spans: list[tuple[str, int, int]]) -> dict[tuple[str, int, int], str]:
        """The text of (doc_id, start, end) spans, cut in SQL so no whole document is loaded:
        one query per document, reading from its first span's start to its last span's end."""
        by_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc_id, start, end in spans:
            by_doc[doc_id].append((start, end))
        out = {}
        for doc_id, parts in by_doc.items():
            first = min(s for s, _ in parts)
            last = max(max(s, e) for s, e in parts)
            row = self._rows("SELECT substr(text, ?, ?) FROM documents WHERE id = ?", (first + 1, last - first, doc_id))
            text = row[0][0] if row else None
            for start, end in parts:
                out[(doc_id, start, end)] = "" if text is None else text[start - first : max(start, end) - first]
        return out

    # -- quotes, figures, events --------------------------------------------------------------

    def quotes(self, query: FactQuery = FactQuery()) -> list[Quote]:
        where, params = ["1 = 1"], []
        if query.doc_id:
            where.append("q.doc_id = ?")
            params.append(query.doc_id)
        if query.text:
            where.append(
                "(LOWER(q.speaker) LIKE ? OR q.speaker_entity_id IN "
                "(SELECT entity_id FROM entity_forms WHERE LOWER(form) LIKE ?))"
            )
            params += [f"%{query.text.lower()}%"] * 2
        _between(query, "q.said_at", where, params)
        sql = (
            "SELECT q.id, q.doc_id, q.start_char, q.end_char, q.text, q.speaker, q.speaker_entity_id, "
            f"q.cue, q.said_at FROM quotes q WHERE {' AND '.join(where)} ORDER BY q.said_at, q.doc_id, q.start_char"
        )
        rows = self._rows(sql + _limit(query), params)
        return [
            Quote(qid, doc, s, e, text, speaker, sid, cue, _timestamp(said, DatePrecision.MINUTE.value if said and "T" in said else "day", "metadata"))
            for qid, doc, s, e, text, speaker, sid, cue, said in rows
        ]

    def figures(self, query: FactQuery = FactQuery()) -> list[Figure]:
        where, params = ["1 = 1"], []
        if query.doc_id:
            where.append("doc_id = ?")
            params.append(query.doc_id)
        if query.text:
            where.append("LOWER(subject) LIKE ?")
            params.append(f"%{query.text.lower()}%")
        if query.type:
            where.append("unit = ?")
            params.append(query.type)
        _between(query, "as_of", where, params)
        rows = self._rows(
            "SELECT id, doc_id, start_char, end_char, text, subject, value_low, value_high, unit, vague, "
            f"attributed_to, as_of, sentence_start, sentence_end FROM figures WHERE {' AND '.join(where)} ORDER BY as_of, doc_id, start_char"
            + _limit(query),
            params,
        )
        return [
            Figure(fid, doc, s, e, text, subj, lo, hi, unit, bool(vague), attr, _date(as_of), ss or 0, se or 0)
            for fid, doc, s, e, text, subj, lo, hi, unit, vague, attr, as_of, ss, se in rows
        ]

    def events(self, query: FactQuery = FactQuery(), *, ordered: bool = True) -> list[Event]:
        """Events by date (undated last), document and id; `ordered=False` leaves out the sort,
        for readers that order them themselves (the timeline)."""
        where, params = ["1 = 1"], []
        if query.doc_id:
            where.append("doc_id = ?")
            params.append(query.doc_id)
        if query.type:
            where.append("type = ?")
            params.append(query.type.upper())
        if query.text:
            where.append("(LOWER(summary) LIKE ? OR LOWER(place) LIKE ?)")
            params += [f"%{query.text.lower()}%"] * 2
        _between(query, "event_date", where, params)
        rows = self._rows(
            "SELECT id, doc_id, type, event_date, date_precision, summary, actors, targets, place, "
            f"place_entity_id, evidence FROM events WHERE {' AND '.join(where)}"
            + (" ORDER BY event_date IS NULL, event_date, doc_id, id" if ordered else "")
            + _limit(query),
            params,
        )
        # each JSON column parsed in one call for all rows, each distinct list of names once
        actors, targets = _names_of([r[6] for r in rows]), _names_of([r[7] for r in rows])
        evidence = _json_all([r[10] for r in rows])
        days: dict = {}  # one parse per distinct day: thousands of events share a few hundred days
        return [
            Event(
                id=eid, type=kind, date=days[day] if day in days else days.setdefault(day, _date(day)),
                date_precision=_PRECISIONS[prec] if prec else None,
                summary=summary, actors=acts, targets=tgts, place=place,
                place_entity_id=pid, evidence=tuple(Evidence(*v) for v in spans), doc_id=doc,
            )
            for (eid, doc, kind, day, prec, summary, _, _, place, pid, _), acts, tgts, spans
            in zip(rows, actors, targets, evidence, strict=True)
        ]  # fmt: skip


@dataclass(frozen=True, slots=True)
class DocumentLabel:
    """What a citation shows of a document."""

    id: str
    outlet: str | None
    title: str | None
    source: str
    url: str | None
    published: Timestamp | None


def _between(query: FactQuery, column: str, where: list[str], params: list) -> None:
    """The --since/--until filters on a date column (ISO text sorts like the dates)."""
    if query.since:
        where.append(f"{column} >= ?")
        params.append(query.since.isoformat())
    if query.until:
        where.append(f"{column} < ?")
        params.append(query.until.isoformat())


def _limit(query: FactQuery) -> str:
    return f" LIMIT {int(query.limit)}" if query.limit is not None else ""


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


_PRECISIONS = {p.value: p for p in DatePrecision}


def _json_all(values: list) -> list:
    """`_json` of each value; JSON texts (SQLite) parsed in one call."""
    if all(isinstance(v, str) for v in values):
        return json.loads("[" + ",".join(values) + "]") if values else []
    return [_json(v) for v in values]


def _names_of(values: list) -> list[tuple[str, ...]]:
    """`_names` of each value; each distinct JSON text parsed once (most events name the same
    few lists)."""
    if all(isinstance(v, str) for v in values):
        distinct = list(dict.fromkeys(values))
        table = {v: tuple(n) for v, n in zip(distinct, _json_all(distinct), strict=True)}
        return [table[v] for v in values]
    return [_names(v) for v in values]


def _names(value) -> tuple[str, ...]:
    """A JSON list of names as a tuple; half the events name no actor or target ('[]')."""
    return () if value == "[]" else tuple(_json(value))


def _canonical(forms: list[tuple[str, int]]) -> str | None:
    """The most used of the fullest spellings: 'Volodymyr Zelensky' over 'Zelensky'."""
    if not forms:
        return None
    longest = max(len(f.split()) for f, _ in forms)
    return max(((n, f) for f, n in forms if len(f.split()) == longest), key=lambda t: (t[0], -len(t[1])))[1]
