"""Provenance on the real seeds, against ../shared/gold/seeds.toml: links, first-seen, audit."""

from __future__ import annotations

import pytest

from wiretrail.model import Relation
from wiretrail.pipeline import ingest
from wiretrail.provenance import embeddings
from wiretrail.provenance.audit import audit_document
from wiretrail.settings import Settings
from wiretrail.store import open_store

ONE_PROCESS = Settings(workers=1)


def _by_file(store, seeds_dir):
    return {d.source.rsplit("/", 1)[-1]: d for d in store.documents()}


@pytest.fixture(scope="module")
def seeded(seeds_dir, tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("prov") / "w.db")
    ingest(store, [seeds_dir], settings=ONE_PROCESS)
    yield store, _by_file(store, seeds_dir)
    store.close()


def test_gold_links_are_found_and_nothing_else(seeded, gold):
    store, docs = seeded
    found = {(l.from_doc, l.to_doc): l for l in store.links()}
    for want in gold["link"]:
        key = (docs[want["from"]].id, docs[want["to"]].id)
        assert key in found, want
        assert found[key].relation.value == want["relation"]
    assert len(found) == len(gold["link"])  # no other link between the seeds
    for a, b in gold["provenance"]["unrelated_pairs"]:
        ids = {docs[a].id, docs[b].id}
        assert not any({l.from_doc, l.to_doc} == ids for l in found.values())


def test_shared_passages_point_at_the_gold_passages(seeded, gold):
    store, docs = seeded
    (want,) = [g for g in gold["link"] if g["relation"] == "shares-passages"]
    copy, source = docs[want["from"]], docs[want["to"]]
    (link,) = store.links(copy.id)
    assert link.first == source.id  # 002 (2 Dec) came before 004's entries (3-4 Dec)
    copied = [copy.text[s.from_start : s.from_end] for s in link.shared]
    originals = [source.text[s.to_start : s.to_end] for s in link.shared]
    for passage in want["passages"]:
        assert any(passage in c or c in passage for c in copied), passage
    assert any("fully seize" in o for o in originals)  # the near-duplicate, not only exact copies


def test_rewrite_direction_without_dates_is_not_guessed(seeded, gold):
    store, docs = seeded
    link = next(l for l in store.links() if l.relation is Relation.REWRITE_OF)
    assert (link.from_doc, link.to_doc) == (docs[gold["rewrite_audit"]["document"]].id, docs[gold["rewrite_audit"]["source"]].id)
    assert link.first is None  # 001 carries no date: which came first is unknown


def test_live_blog_reposts_are_matched_inside_the_document(seeded, gold):
    store, docs = seeded
    (spec,) = [d for d in gold["document"] if "reposted" in d]
    blog = docs[spec["file"]]
    segments = {s.index: s for s in store.segments(blog.id)}
    sentences = store.sentences(blog.id)
    reposted = set()
    for m in store.sentence_matches(blog.id):
        if m.doc_a == m.doc_b:
            first, second = (segments[sentences[i].segment_index] for i in (m.sent_a, m.sent_b))
            if first.posted_at is None or second.posted_at is None:
                continue  # the blog's lead repeats an entry's text: a summary, not a repost
            reposted.add((first.headline, *sorted((first.posted_at.isoformat(), second.posted_at.isoformat()))))
    for repost in spec["reposted"]:
        assert (repost["headline"], *repost["at"]) in reposted, repost["headline"]


def test_ingest_order_does_not_change_the_links(seeds_dir, tmp_path, seeded):
    store, _ = seeded
    reverse = open_store(tmp_path / "reverse.db")
    for path in sorted(seeds_dir.glob("*.txt"), reverse=True):
        ingest(reverse, [path], settings=ONE_PROCESS)
    key = lambda l: (l.from_doc, l.to_doc, l.relation, l.first)  # noqa: E731
    assert sorted(map(key, reverse.links())) == sorted(map(key, store.links()))
    reverse.close()


def _flagged(audit, fragment):
    return [s for s in audit.unsupported if fragment[:60] in s.text or s.text[:60] in fragment]


def test_audit_flags_what_no_source_supports(seeded, gold):
    store, docs = seeded
    spec = gold["rewrite_audit"]
    audit = audit_document(store, docs[spec["document"]].id, embeddings=embeddings.is_available())
    assert docs[spec["source"]].id in audit.sources
    missed = [s for s in spec["unsupported"] if not _flagged(audit, s)]
    if embeddings.is_available():  # cosine 0.675, under EMBED_SUPPORT_SIMILARITY: caught
        assert missed == []
    else:
        # The lexical measure scores the padded Rutte sentence 0.36 against 004's Nato entries,
        # above the 0.34 support threshold: a known miss without the embeddings extra.
        assert missed == [s for s in spec["unsupported"] if s.startswith("Rutte has also stressed")]
    lexical = audit_document(store, docs[spec["document"]].id, embeddings=False)
    assert [s for s in spec["unsupported"] if not _flagged(lexical, s)] == [
        s for s in spec["unsupported"] if s.startswith("Rutte has also stressed")
    ]
    for quote in spec["unsourced_quotes"]:
        assert any(quote in q.text for q in audit.unsourced_quotes), quote


def test_audit_keeps_paraphrases_its_sources_support(seeded, gold):
    store, docs = seeded
    spec = gold["rewrite_audit"]
    audit = audit_document(store, docs[spec["document"]].id)
    for sentence in spec["supported"]:
        assert not _flagged(audit, sentence), sentence
    elsewhere = docs["004_1665a3bc29fa3434.txt"].id
    for sentence in spec["supported_elsewhere"]:
        (hit,) = [s for s in audit.sentences if sentence[:60] in s.text]
        assert hit.supported_by == elsewhere
