"""Entity spans: NER's mistakes corrected, spellings keyed together, roles read from titles."""

from __future__ import annotations

import pytest

from wiretrail import nlp
from wiretrail.extract.entities import entity_spans, person_roles
from wiretrail.model import PlaceMatch

TEXT = (
    "German Foreign Minister Annalena Baerbock visited Kyiv on Monday. "
    "Zelenskiy said 11,000 North Korean troops are in Kursk region. "
    "Mark Rutte, NATO's secretary general, said Mr Rutte and Volodymyr Zelensky had spoken. "
    "The UN and Nato agree with NATO."
)


def _place(text: str, word: str) -> PlaceMatch:
    start = text.index(word)
    return PlaceMatch(start, start + len(word), word, word, 50.0, 30.0, "UA", "city", f"test:{word}")


@pytest.fixture(scope="module")
def spans():
    parsed = next(nlp.parse_texts([TEXT]))
    places = [_place(TEXT, "Kyiv"), _place(TEXT, "Kursk")]
    return entity_spans(TEXT, parsed.entities, places)


def _by_text(spans):
    return {s.text: s for s in spans}


def test_places_override_ner_labels(spans):
    found = _by_text(spans)
    assert found["Kyiv"].label == "PLACE" and found["Kyiv"].key == "PLACE|test:Kyiv"
    assert found["Kursk"].label == "PLACE"


def test_a_surname_the_document_gives_as_a_person_is_a_person_whatever_ner_said(spans):
    found = _by_text(spans)
    assert found["Zelenskiy"].label == "PERSON"
    assert found["Zelenskiy"].key == found["Volodymyr Zelensky"].key == "PERSON|zelenski|v"
    assert found["Rutte"].key == found["Mark Rutte"].key


def test_acronyms_are_never_people_and_spellings_share_org_keys(spans):
    found = _by_text(spans)
    assert found["UN"].label == "ORG"
    assert found["Nato"].key == found["NATO"].key


def test_roles_from_titles_and_appositions(spans):
    roles = {(r.key, r.role) for r in person_roles(TEXT, spans)}
    assert ("PERSON|baerbock|a", "German Foreign Minister") in roles
    assert ("PERSON|rute|m", "NATO Secretary General") in roles
    assert not any("Monday" in role for _, role in roles)


def test_a_name_run_into_a_place_keeps_the_name():
    text = "Talks with Baerbock in Kyiv went well."
    start = text.index("Baerbock")
    ner = [(start, start + len("Baerbock in Kyiv"), "PERSON")]
    found = _by_text(entity_spans(text, ner, [_place(text, "Kyiv")]))
    assert found["Baerbock"].label == "PERSON" and found["Kyiv"].label == "PLACE"
