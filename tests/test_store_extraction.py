"""Extraction rows in the store: canonical entities whatever the ingest order; atomic writes."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from wiretrail.model import (
    AnalyzedDocument, Document, EntityRole, EntitySpan, Extraction, FigureMatch, QuoteMatch, Segment,
)  # fmt: skip
from wiretrail.store import open_store
from wiretrail.store.facts import FactQuery, role_key


def _doc(doc_id: str, text: str, names: list[tuple[str, str, str]], *, quote: str | None = None) -> AnalyzedDocument:
    spans = []
    for name, label, key in names:
        start = text.index(name)
        spans.append(EntitySpan(start, start + len(name), name, label, label, key))
    quotes = ()
    if quote:
        q = text.index(quote)
        speaker = spans[0]
        quotes = (QuoteMatch(q, q + len(quote), quote, speaker.text, speaker.start, speaker.end, "said"),)
    figures = ()
    if "11,000" in text:
        f = text.index("11,000")
        figures = (FigureMatch(f, f + 6, "11,000", "troops", 11000, 11000, sentence_start=0, sentence_end=len(text)),)
    roles = tuple(EntityRole(s.key, "Ukrainian President", 0, 5) for s in spans if s.text.startswith("Volodymyr"))
    document = Document(id=doc_id, source=f"{doc_id}.txt", text=text, ingested_at=datetime.now(timezone.utc))
    segments = (Segment(doc_id, 0, 0, len(text), reference_date=date(2024, 12, 2)),)
    ex = Extraction(entities=tuple(spans), roles=roles, quotes=quotes, figures=figures)
    return AnalyzedDocument(document, segments, extraction=ex)


SURNAME_ONLY = _doc("a1", 'Zelensky said "we hold the line" today.', [("Zelensky", "PERSON", "PERSON|zelenski|")], quote="we hold the line")
FULL_NAME = _doc("b2", "Volodymyr Zelenskyy said 11,000 troops are there.", [("Volodymyr Zelenskyy", "PERSON", "PERSON|zelenski|v")])
OTHER = _doc("c3", "Nato and NATO met.", [("Nato", "ORG", "ORG|nato"), ("NATO", "ORG", "ORG|nato")])


@pytest.mark.parametrize("order", [(SURNAME_ONLY, FULL_NAME, OTHER), (FULL_NAME, OTHER, SURNAME_ONLY)])
def test_a_surname_and_the_full_name_are_one_person_in_either_order(store_db, order):
    with open_store(store_db) as store:
        for doc in order:
            store.write_batch([doc])
        people = store.facts.entities(FactQuery(type="PERSON"))
        assert len(people) == 1
        (person,) = people
        assert person.name == "Volodymyr Zelenskyy"
        assert set(person.aliases) == {"Zelensky", "Volodymyr Zelenskyy"}
        assert (person.mentions, person.documents) == (2, 2)
        assert person.roles == ("Ukrainian President",)
        (quote,) = store.facts.quotes()
        assert quote.speaker_entity_id == person.id and quote.text == "we hold the line"
        (org,) = store.facts.entities(FactQuery(type="ORG"))
        assert org.mentions == 2 and org.name in {"Nato", "NATO"}


def test_two_people_sharing_a_surname_stay_apart(store_db):
    jo = _doc("d4", "Boris Johnson spoke.", [("Boris Johnson", "PERSON", "PERSON|johnson|b")])
    lyndon = _doc("e5", "Lyndon Johnson spoke.", [("Lyndon Johnson", "PERSON", "PERSON|johnson|l")])
    bare = _doc("f6", "Johnson spoke.", [("Johnson", "PERSON", "PERSON|johnson|")])
    with open_store(store_db) as store:
        store.write_batch([jo, bare, lyndon])
        names = {e.name for e in store.facts.entities(FactQuery(type="PERSON"))}
        assert {"Boris Johnson", "Lyndon Johnson"} <= names


def test_figures_take_their_segment_day_and_filters_work(store_db):
    with open_store(store_db) as store:
        store.write_batch([FULL_NAME])
        (fig,) = store.facts.figures(FactQuery(text="troop"))
        assert (fig.value_low, fig.as_of) == (11000, date(2024, 12, 2))
        assert store.facts.figures(FactQuery(text="tanks")) == []
        assert store.facts.entities(FactQuery(text="zelenskyy"))[0].name == "Volodymyr Zelenskyy"


def test_a_failed_batch_leaves_no_extraction_rows(store_db):
    broken = _doc("g7", "Rutte spoke.", [("Rutte", "PERSON", "PERSON|rute|")])
    with open_store(store_db) as store:
        store.write_batch([FULL_NAME])
        before = len(store.facts.entities())
        bad = AnalyzedDocument(Document(id="h8", source=None, text="x"), ())  # NOT NULL source fails
        with pytest.raises(Exception):
            store.write_batch([broken, bad])
        assert len(store.facts.entities()) == before
        assert store.facts.mentions("g7") == []


def test_role_spellings_share_a_key():
    assert role_key("Ukrainian President") == role_key("President of Ukraine")
    assert role_key("NATO Secretary General") == role_key("Secretary General of NATO")
    assert role_key("German Foreign Minister") != role_key("Russian Defense Minister")
