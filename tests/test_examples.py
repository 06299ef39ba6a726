"""The bundled example corpus (examples/) against its own gold (examples/expected.toml).

Runs without ../shared: the examples are invented text that ships with the project.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from wiretrail.model import DocumentKind, Relation, SegmentKind
from wiretrail.pipeline import ingest
from wiretrail.provenance.audit import audit_document
from wiretrail.settings import Settings
from wiretrail.store import open_store

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXPECTED = tomllib.loads((EXAMPLES / "expected.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("examples") / "w.db")
    report = ingest(store, [EXAMPLES], settings=Settings(workers=1))
    docs = {}
    for d in store.documents():
        if d.url:
            docs[d.url] = d
        if "#row=" not in d.source and not d.source.startswith("http"):
            docs[Path(d.source).name] = d
    yield store, report, docs
    store.close()


def _doc(docs, spec):
    if "row" in spec:
        return docs[spec["url"]]
    return docs[spec["file"]]


def _by_name(docs, name):
    if name.startswith("archive.csv#"):
        row = int(name.split("#")[1])
        (spec,) = [d for d in EXPECTED["document"] if d.get("row") == row]
        return docs[spec["url"]]
    return docs[name]


def test_every_example_is_ingested_and_notes_are_not(record):
    store, report, docs = record
    assert report.failures == []
    assert store.counts().documents == EXPECTED["corpus"]["documents"]  # README.md, expected.toml skipped


def test_titles_dates_kinds_and_credits(record):
    _, _, docs = record
    for spec in EXPECTED["document"]:
        doc = _doc(docs, spec)
        assert doc.title == spec["title"], spec
        if spec.get("kind") in ("article", "live-blog"):
            assert doc.kind.value == spec["kind"], spec
        if spec.get("published") and spec["file"] != "live-blog.txt":  # the blog states no date
            assert doc.published.isoformat()[:10] == spec["published"], spec
        if "credits" in spec:
            assert list(doc.credits) == spec["credits"], spec
        if spec.get("republisher"):
            assert doc.republisher == spec["republisher"]


def test_furniture_is_gone(record):
    _, _, docs = record
    for name, prefixes in EXPECTED["boilerplate"].items():
        if name == "archive.csv":
            continue
        lines = docs[name].text.split("\n")
        for prefix in prefixes:
            assert not any(line.strip().startswith(prefix) for line in lines), (name, prefix)


def test_live_blog_rolls_over_to_the_next_day(record):
    store, _, docs = record
    (spec,) = [d for d in EXPECTED["document"] if d["file"] == "live-blog.txt"]
    blog = docs["live-blog.txt"]
    assert blog.kind is DocumentKind.LIVE_BLOG
    entries = [s for s in store.segments(blog.id) if s.kind is SegmentKind.ENTRY]
    assert len(entries) == spec["entries"]
    for key in ("first_entry", "entry_after_midnight", "first_dated_entry", "last_entry"):
        want = spec[key]
        assert any(
            e.headline == want["headline"] and e.posted_at.value == datetime.fromisoformat(want["at"]) and e.author == want["author"]
            for e in entries
        ), key


def test_links_between_the_examples(record):
    store, _, docs = record
    links = {(l.from_doc, l.to_doc): l for l in store.links()}
    want = {
        "syndication-of": {Relation.DUPLICATE, Relation.SHARES_PASSAGES},
        "rewrite-of": {Relation.REWRITE_OF},
        "duplicate-of": {Relation.DUPLICATE},
        "shares-passages": {Relation.SHARES_PASSAGES},
    }
    for spec in EXPECTED["link"]:
        a, b = _by_name(docs, spec["from"]).id, _by_name(docs, spec["to"]).id
        link = links.get((a, b))
        assert link is not None and link.relation in want[spec["relation"]], spec
    for x, y in EXPECTED["provenance"]["unrelated_pairs"]:
        ids = {_by_name(docs, x).id, _by_name(docs, y).id}
        assert not any({l.from_doc, l.to_doc} == ids for l in links.values()), (x, y)


def test_the_padded_rewrite_audit(record):
    store, _, docs = record
    spec = EXPECTED["rewrite_audit"]
    audit = audit_document(store, docs[spec["document"]].id)
    flagged = [s.text for s in audit.unsupported]
    for sentence in spec["unsupported"]:
        assert any(sentence[:50] in f for f in flagged), sentence
    for sentence in spec["supported"]:
        assert not any(sentence[:50] in f for f in flagged), sentence
    for quote in spec["unsourced_quotes"]:
        assert any(quote in q.text for q in audit.unsourced_quotes), quote
    for item in spec["supported_elsewhere"]:
        (hit,) = [s for s in audit.sentences if item["sentence"][:50] in s.text]
        assert hit.supported_by == docs[item["by"]].id
