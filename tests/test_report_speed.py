"""What keeps the reports fast, pinned structurally (never by timing): each sentence's terms
computed once, listings that never read an article's text, and narrow reads that answer what
the wide ones did. `benchmarks/reports.py` measures the times."""

from __future__ import annotations

import pytest

from wiretrail.report.cache import REPORTS
from wiretrail.store.base import DocumentQuery
from wiretrail.report.timeline import timeline


@pytest.fixture(scope="module")
def store(seeded_store):
    return seeded_store


def test_each_distinct_sentence_is_read_for_terms_once(store, monkeypatch):
    """The merge compares reports by their sentences' terms: computing them once per distinct
    sentence (not once per comparison or per report) keeps the timeline linear in its events."""
    import wiretrail.report.timeline as module

    calls: list[str] = []
    real = module.sentence_terms
    monkeypatch.setattr(module, "sentence_terms", lambda text: calls.append(text) or real(text))
    module._sentence_terms.cache_clear()
    REPORTS.clear()  # other tests' timelines of this store are cached: compute this one
    rows = timeline(store)
    summaries = {rep.event.summary for row in rows for rep in row.reports}
    assert calls and len(calls) == len(set(calls)) and set(calls) <= summaries
    calls.clear()
    assert [r.summary for r in module.build_timeline(store)] == [r.summary for r in rows]
    assert calls == []  # a second computation (another query, or after a write) reuses them


def test_stories_read_no_document_text(store, monkeypatch):
    from wiretrail.report.stories import stories

    expected = stories(store)
    monkeypatch.setattr(store, "documents", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read every document")))
    monkeypatch.setattr(store, "document", lambda *a, **k: (_ for _ in ()).throw(AssertionError("read a document")))
    assert stories(store) == expected and any(s.sources for s in expected)


def test_place_features_match_the_entity_listing(store):
    from wiretrail.store.facts import FactQuery

    places = store.facts.entities(FactQuery(type="PLACE"))
    expected = {e.name: e.feature for e in places}
    for e in places:
        for alias in e.aliases:
            expected.setdefault(alias, e.feature)
    assert store.facts.place_features() == expected and expected


def test_text_spans_cut_each_span_of_a_document(store):
    doc = next(d for d in store.documents() if len(d.text) > 500)
    spans = [(doc.id, 0, 40), (doc.id, 100, 180), (doc.id, 150, 160), (doc.id, len(doc.text) - 20, len(doc.text) + 50), ("no-such-doc", 0, 5)]
    assert store.facts.text_spans(spans) == {
        (doc.id, 0, 40): doc.text[0:40], (doc.id, 100, 180): doc.text[100:180], (doc.id, 150, 160): doc.text[150:160],
        (doc.id, len(doc.text) - 20, len(doc.text) + 50): doc.text[-20:], ("no-such-doc", 0, 5): "",
    }  # fmt: skip


def test_unordered_events_are_the_fact_listing_s_events(store):
    """The timeline reads events unsorted (`ordered=False`): the same events `facts.events`
    lists for each filter (in another order)."""
    from datetime import date

    from wiretrail.store.facts import FactQuery

    events = store.facts.events()
    days = sorted({e.date for e in events if e.date})
    assert events and len(days) > 2
    for kw in ({}, {"type": events[0].type.lower()}, {"since": days[1]}, {"until": days[-1]}, {"since": days[0], "until": days[1]}, {"until": date(1900, 1, 1)}):
        assert sorted(store.facts.events(FactQuery(**kw), ordered=False), key=lambda e: e.id) == sorted(store.facts.events(FactQuery(**kw)), key=lambda e: e.id), kw


def test_the_briefing_explains_only_the_figure_groups_it_shows(store):
    """`top_conflicts(n)` is the conflicting figure table's first n groups, row for row and
    difference for difference, though it reads places and time words of those groups only."""
    from wiretrail.report.figure_table import _count_differences, build_figure_table, top_conflicts

    full = build_figure_table(store, conflicts_only=True)
    assert full

    def shown(groups):
        return [(g.head, g.unit, g.differences, [(r.figure, r.sentence, r.near, r.places, r.time_words, r.scope_near, r.qualifiers) for r in g.rows]) for g in groups]

    for n in (0, 1, 3, len(full), len(full) + 5):
        assert shown(top_conflicts(store, n)) == shown(full[:n])
    for group in build_figure_table(store):
        assert _count_differences(group.rows) == len(group.differences)


def test_counting_differences_handles_inverted_bounds():
    from wiretrail.model import Figure
    from wiretrail.report.figure_table import FigureRow, _count_differences, _differences

    def row(lo, hi):
        f = Figure("f", "d", 0, 1, "x", "troops", lo, hi, None, False, None, None, 0, 1)
        return FigureRow(f, "", "", "", frozenset(), None)

    for bounds in ([(1, 2), (3, 4), (2, 3), (10, None), (0, 0)], [(5, 1), (2, 3), (0, 9)], [(1, 1)] * 4, []):
        rows = [row(lo, hi) for lo, hi in bounds]
        assert _count_differences(rows) == len(_differences(rows))


def test_the_briefing_reads_quotes_until_its_page_is_full(store):
    """The briefing reads the earliest quotes first and reads on only when they do not fill its
    list: any first page gives the same quotes."""
    from wiretrail.report.briefing import _quotes, _RewriteAudit

    audit = _RewriteAudit(store)
    docs = frozenset(d.id for d in list(store.documents(DocumentQuery(text=False)))[:2])
    for only in (None, docs):
        expected = _quotes(store, only, audit, page=10**6)
        for page in (1, 2, 5):
            assert _quotes(store, only, audit, page=page) == expected
    assert _quotes(store, None, audit)


def test_collection_is_paused_while_reports_build_and_restored_after():
    import gc

    from wiretrail.gc_pause import collection_paused

    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # disabled by someone else: left disabled
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    try:
        with collection_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()
