"""Full-text search on both backends: the right segments for a name, web-search syntax (phrases,
OR, -word), pagination, the title counting less than the body, the migration's backfill, and
no query string, however hostile, ever raising."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrail.errors import StoreError
from wiretrail.model import AnalyzedDocument, Document, Segment
from wiretrail.pipeline import ingest
from wiretrail.settings import Settings
from wiretrail.store import open_store
from wiretrail.store.search import ELLIPSIS, fts5_query

HOSTILE = [
    '"NATO" OR (', "Zelensky's", "Zelensky’s", "(", ")", '"', '""', "'", "-", "--", "OR", "OR OR", "AND",
    "NOT", "NOT Rutte", "NEAR(Rutte Zelensky, 2)", "title:Rutte", "body : x", "Rutte*", "*", "^Rutte",
    "Rutte +", "a & b | !c", ":*", "\\", "%", "_", "Rutte; DROP TABLE documents; --", "\x00Rutte\x00",
    '"unclosed phrase', "-Rutte", "-", "{}", "[Rutte]", "Rutte~2", "😀", "Рютте", "ルッテ", " ", "",
    "x" * 5000, "Rutte " * 300, "'; SELECT pg_sleep(10); --", "?", "$1", "%s", "%(x)s",
]  # fmt: skip


def _segment_texts(store) -> dict[str, str]:
    out = {}
    for doc in store.documents():
        for seg in store.segments(doc.id):
            out[seg.id] = doc.text[seg.start : seg.end]
    return out


@pytest.fixture(scope="module")
def seeded(seeds_dir, module_store_db):
    store = open_store(module_store_db)
    ingest(store, [seeds_dir], settings=Settings(workers=1))
    yield store
    store.close()


def _ids(hits) -> set[str]:
    return {h.segment_id for h in hits}


def test_a_name_finds_exactly_the_segments_that_mention_it(seeded):
    texts = _segment_texts(seeded)
    mentioning = {sid for sid, text in texts.items() if "rutte" in text.lower()}
    assert len(mentioning) >= 3  # the seeds quote NATO's secretary general in several entries
    hits = seeded.search("Rutte", limit=100)
    assert _ids(hits) == mentioning
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    for hit in hits:
        text = texts[hit.segment_id]
        assert "rutte" in hit.snippet.lower(), hit.snippet
        assert len(hit.snippet.split()) < len(text.split()) or len(text.split()) <= 30
        core = hit.snippet.strip(ELLIPSIS)
        assert core in " ".join(text.split())  # an excerpt of the segment, not made-up text
        doc = seeded.document(hit.doc_id)
        assert (hit.start, hit.end) == next((s.start, s.end) for s in seeded.segments(doc.id) if s.index == hit.segment_index)


def test_phrase_or_and_exclusion_combine_like_a_web_search(seeded):
    texts = _segment_texts(seeded)
    rutte = _ids(seeded.search("Rutte", limit=500))
    zelensky = _ids(seeded.search("Zelensky", limit=500))
    phrase = _ids(seeded.search('"Mark Rutte"', limit=500))
    assert phrase and phrase <= rutte
    assert all(re.search(r"mark\s+rutte", texts[s], re.IGNORECASE) for s in phrase)
    assert _ids(seeded.search("Rutte OR Zelensky", limit=500)) == rutte | zelensky
    assert _ids(seeded.search("Rutte Zelensky", limit=500)) == rutte & zelensky
    assert _ids(seeded.search("Zelensky -Rutte", limit=500)) == zelensky - rutte
    assert _ids(seeded.search("Zelensky's", limit=500)) == zelensky  # a possessive is its name
    assert seeded.search("-Rutte") == [] and seeded.search("-Rutte OR -Zelensky") == []  # only exclusions


def test_pages_follow_one_ranking(seeded):
    everything = seeded.search("Ukraine", limit=1000)
    assert len(everything) > 6
    assert seeded.search("Ukraine", limit=3, offset=2) == everything[2:5]
    assert seeded.search("Ukraine", limit=0) == []
    with pytest.raises(ValueError, match="must not be negative"):
        seeded.search("Ukraine", limit=-1)


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(seeded, query):
    hits = seeded.search(query)
    assert isinstance(hits, list) and len(hits) <= 20
    if query in ('"NATO" OR (', "Zelensky's", "Zelensky’s", "[Rutte]", "\x00Rutte\x00", "Rutte*"):
        assert hits  # the words in them still search
    if not re.search(r"[^\W_]", query):
        assert hits == []  # nothing to search for is no hits
    assert seeded.counts().documents == 5  # nothing was dropped


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from('ab "()*:-+^~&|!\'\\%?_{}OR NOT AND NEAR\x00é'), max_size=40))
def test_random_punctuation_is_never_a_syntax_error(seeded, query):
    assert isinstance(seeded.search(query), list)


def test_fts5_query_quotes_every_term():
    assert fts5_query('"NATO" OR (') == '("NATO")'
    assert fts5_query("Rutte NEAR(x) -title:y") == '(("Rutte" AND "NEAR(x)") NOT "title:y")'
    assert fts5_query('say "he said ""no"""') is not None
    assert fts5_query("-only -exclusions") is None
    assert fts5_query("( ) * -") is None


def _doc(doc_id: str, title: str, paragraphs: list[str]) -> AnalyzedDocument:
    text = "\n\n".join(paragraphs)
    segments, at = [], 0
    for i, para in enumerate(paragraphs):
        segments.append(Segment(doc_id, i, at, at + len(para)))
        at += len(para) + 2
    document = Document(id=doc_id, source=f"{doc_id}.txt", text=text, title=title, ingested_at=datetime.now(timezone.utc))
    return AnalyzedDocument(document, tuple(segments))


FLOOD = _doc("flood1", "Flood barrier fails", [
    "Water reached the old town at dawn after the barrier gave way.",
    "Crews worked all night; the flood barrier had been repaired in March.",
    "The mayor asked residents to stay indoors.",
])  # fmt: skip


def test_the_title_counts_but_less_than_the_segment(store_db):
    with open_store(store_db) as store:
        store.write_batch([FLOOD])
        hits = store.search("flood")
        assert [h.segment_index for h in hits][0] == 1  # the one segment that says it
        assert {h.segment_index for h in hits} == {0, 1, 2}  # the others through the title
        assert [h.segment_index for h in store.search("mayor")] == [2]


def test_a_failed_batch_leaves_nothing_searchable(store_db):
    with open_store(store_db) as store:
        store.write_batch([FLOOD])
        broken = _doc("levee2", "Levee breached", ["The levee breached near Dordrecht."])
        bad = AnalyzedDocument(Document(id="bad3", source=None, text="x"), ())  # NOT NULL source
        with pytest.raises(StoreError, match="nothing changed"):
            store.write_batch([broken, bad])
        assert store.search("Dordrecht") == [] and store.search("levee") == []
        store.write_batch([broken])
        assert [h.doc_id for h in store.search("Dordrecht")] == ["levee2"]


def test_migration_10_indexes_what_was_stored_before_it(store_db, raw_sql):
    with open_store(store_db) as store:
        store.write_batch([FLOOD])
    raw_sql(store_db, "DROP TABLE segment_search")  # as a store from before the migration
    raw_sql(store_db, "DELETE FROM schema_migrations WHERE version = 10")
    with open_store(store_db) as store:
        assert [h.segment_index for h in store.search("mayor")] == [2]
        assert len(store.search("flood")) == 3


def test_postgres_snippets_start_near_the_first_stemmed_match():
    from wiretrail.store.search import excerpt, query_lexemes

    assert query_lexemes("'troop' & !'kursk' | 'mark' <-> 'rutt' & 'o''brien'") == ["troop", "mark", "rutt", "o'brien"]
    body = " ".join(f"w{i}" for i in range(100)) + " President Zelensky’s troops “held”, he said. " + "tail " * 50
    snippet = excerpt(body, ["zelenski"])  # the stem is no prefix of the word: 'zelenski', 'Zelensky'
    assert snippet.startswith(ELLIPSIS) and snippet.endswith(ELLIPSIS)
    assert "Zelensky’s troops “held”," in snippet and " ".join(snippet.strip(ELLIPSIS).split()) in " ".join(body.split())
    assert excerpt("Short entry.", ["absent"]) == "Short entry."
