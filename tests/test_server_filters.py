"""Documents filtered by the entities and places they mention: the store on both backends, and
GET /api/documents on the seed corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrail.pipeline import ingest
from wiretrail.settings import Settings
from wiretrail.store import DocumentQuery, open_store

pytest.importorskip("fastapi", reason="the server extra is not installed: pip install 'wiretrail[server]'")

from fastapi.testclient import TestClient  # noqa: E402

from wiretrail.server import create_app  # noqa: E402

ODESA = (
    " date 2024-12-05 Drones hit Odesa port\n"
    "Russian drones struck the port of Odesa on Thursday, regional governor Oleh Kiper said.\n"
    "Two cargo ships were damaged and 4 people were injured, Kiper said on Telegram.\n"
)
SUMY = " date 2024-12-06 Power cut in Sumy\nShelling cut power in Sumy on Friday, officials said.\n"


@pytest.fixture(scope="module")
def client(seeded_store):
    with TestClient(create_app(seeded_store, settings=Settings(token="t", workers=1))) as c:
        yield c


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [d["id"] for d in response.json()["items"]]


def mentioning(store, entity_id: str) -> set[str]:
    docs = {d.id for d in store.documents()}
    return {doc for doc in docs if any(m.entity_id == entity_id for m in store.facts.mentions(doc))}


def test_entity_and_place_filters_on_both_backends(store_db, tmp_path: Path):
    for name, text in (("odesa.txt", ODESA), ("sumy.txt", SUMY)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    store = open_store(store_db)
    try:
        ingest(store, [tmp_path / "odesa.txt", tmp_path / "sumy.txt"], settings=Settings(workers=1))
        every = {d.id for d in store.documents()}
        odesa = {d.id for d in store.documents() if "Odesa" in d.text}
        assert len(every) == 2 and len(odesa) == 1

        def found(**filters) -> set[str]:
            return {d.id for d in store.documents(DocumentQuery(**filters))}

        assert found(place="odesa") == odesa  # any case, part of a spelling
        assert found(place="Sumy") == every - odesa
        assert found(entity="Kiper") == odesa  # a person is an entity
        assert found(place="Kiper") == set()  # but no place
        (entity,) = [e for e in store.facts.entities() if e.name == "Odesa"]
        assert found(entity=entity.id) == odesa  # by canonical id
        assert found(entity="%") == found(entity="_") == set()  # wildcards are literal
        assert found(place="Odesa", entity="Sumy") == set()  # filters combine
        assert found(place="Odesa", limit=1) == odesa
    finally:
        store.close()


def test_documents_by_place_and_entity_over_http(client, seeded_store):
    every = ids(client.get("/api/documents", params={"limit": 500}))
    places = [e for e in seeded_store.facts.entities() if e.type == "PLACE" and 1 < e.documents < len(every)]
    assert places, "the seeds name places in some documents but not all"
    place = places[0]
    expected = mentioning(seeded_store, place.id)
    by_id = ids(client.get("/api/documents", params={"place": place.id, "limit": 500}))
    assert set(by_id) == expected and len(by_id) == place.documents
    by_name = ids(client.get("/api/documents", params={"place": place.name, "limit": 500}))
    assert expected <= set(by_name) < set(every)
    assert by_id == [d for d in every if d in expected]  # the listing's order, filtered
    person = next(e for e in seeded_store.facts.entities() if e.type == "PERSON" and e.documents > 0)
    assert set(ids(client.get("/api/documents", params={"entity": person.id, "limit": 500}))) == mentioning(seeded_store, person.id)
    assert ids(client.get("/api/documents", params={"place": person.id})) == []
    assert ids(client.get("/api/documents", params={"entity": "no such name anywhere"})) == []


def test_document_filters_page_and_combine_with_a_story(client, seeded_store):
    from wiretrail.report.stories import stories

    place = max((e for e in seeded_store.facts.entities() if e.type == "PLACE"), key=lambda e: e.documents)
    expected = mentioning(seeded_store, place.id)
    pages = [ids(client.get("/api/documents", params={"place": place.id, "limit": 1, "offset": i})) for i in range(len(expected))]
    assert {d for page in pages for d in page} == expected
    story = stories(seeded_store)[0]
    both = ids(client.get("/api/documents", params={"place": place.id, "story": story.id, "limit": 500}))
    assert set(both) == expected & set(story.doc_ids)


def test_listing_reads_no_text_and_counts_only_the_page_s_segments(store_db, seeds_dir):
    """A listing must not read every document's text nor count every document's segments:
    both grow with the corpus, and the page needs neither."""
    with open_store(store_db) as store:
        ingest(store, [seeds_dir], settings=Settings(workers=1))
        listed = list(store.documents(DocumentQuery(text=False)))
        full = list(store.documents())
        assert [d.id for d in listed] == [d.id for d in full] and all(d.text == "" for d in listed)
        assert [d.title for d in listed] == [d.title for d in full]
        every = store.segment_counts()
        some = store.segment_counts([full[0].id, full[2].id])
        assert some == {full[0].id: every[full[0].id], full[2].id: every[full[2].id]}
        assert store.document_titles([full[1].id, "no-such-id"]) == {full[1].id: full[1].title}
