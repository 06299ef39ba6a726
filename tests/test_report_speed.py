"""What keeps the reports fast, pinned structurally (never by timing): each sentence's terms
computed once, listings that never read an article's text, and narrow reads that answer what
the wide ones did. `benchmarks/reports.py` measures the times."""

from __future__ import annotations

import pytest

from wiretrail.report.cache import REPORTS
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
