"""Which language a document is written in (py3langid, whose model ships in its PyPI package).

Extraction runs English models (spaCy's small English pipeline, an English gazetteer of names,
English trigger words), so a document in another language is stored, cleaned, split into
sentences, fingerprinted and searchable, but not run through extraction: English models on
Russian text give confident garbage. Too little text to judge is taken as English, the language
of nearly all the corpora wiretrail is used on.
"""

from __future__ import annotations

import threading
from functools import cache

from .model import ANALYSED_LANGUAGES
from .thresholds import thresholds


_LOCK = threading.Lock()


@cache
def _identifier():  # -> py3langid LanguageIdentifier; loading costs ~1 s, once per process
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little to tell."""
    sample = text[:thresholds().language_sample_chars]
    if sum(ch.isalpha() for ch in sample) < thresholds().language_min_letters:
        return None
    with _LOCK:  # the identifier keeps scratch state; the HTTP API runs ingests in threads
        code, confidence = _identifier().classify(sample)
    return code if confidence >= thresholds().language_min_confidence else None


def is_analysed(language: str | None) -> bool:
    """Whether extraction runs on text in `language` (unknown counts as English)."""
    return language is None or language in ANALYSED_LANGUAGES
