"""What a wiretrail process imports: spaCy without PyTorch, stop words without scikit-learn."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _run(code: str, **env: str) -> dict:
    """Run `code` in a fresh interpreter (imports are per process) and return what it printed."""
    full_env = {k: v for k, v in os.environ.items() if k != "WIRETRAIL_SPACY_TORCH"} | env
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full_env, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_ingest_modules_load_neither_torch_nor_sklearn():
    seen = _run(
        "import sys, json, wiretrail, wiretrail.pipeline, wiretrail.stories.update;"
        "print(json.dumps({m: m in sys.modules for m in ('spacy', 'torch', 'sklearn')}))"
    )
    assert seen == {"spacy": True, "torch": False, "sklearn": False}


def test_the_spacy_pipeline_parses_without_torch_and_torch_stays_importable():
    seen = _run(
        "import sys, json, wiretrail;"
        "from wiretrail.nlp import parse_texts;"
        "(p,) = parse_texts(['Zelensky met Rutte in Kyiv on Friday. Both spoke to reporters.']);"
        "import thinc.compat;"
        "torch_ok = True\n"
        "try:\n import torch\nexcept ImportError:\n torch_ok = False\n"
        "print(json.dumps({'sents': len(p.sentences), 'ents': [l for *_, l in p.entities],"
        " 'thinc_torch': thinc.compat.has_torch, 'torch': torch_ok}))"
    )
    assert seen["sents"] == 2 and seen["ents"].count("PERSON") == 2 and "DATE" in seen["ents"]
    assert seen["thinc_torch"] is False
    assert seen["torch"] is HAS_TORCH  # hidden from thinc only, not from the embeddings


@pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed (the embeddings extra brings it)")
def test_the_environment_variable_lets_thinc_see_torch():
    seen = _run("import json, wiretrail, thinc.compat; print(json.dumps(thinc.compat.has_torch))", WIRETRAIL_SPACY_TORCH="1")
    assert seen is True


@pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn is not installed")
def test_story_stop_words_hold_sklearns_whole_list():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from wiretrail.stories.features import NEWS_STOP_WORDS, STOP_WORDS

    assert STOP_WORDS == frozenset(ENGLISH_STOP_WORDS) | NEWS_STOP_WORDS
    assert {"the", "whereafter", "said"} <= STOP_WORDS and "kyiv" not in STOP_WORDS
