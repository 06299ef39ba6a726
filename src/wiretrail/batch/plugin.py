"""The worker plugin that loads spaCy once per worker (imported only where Dask is installed)."""

from __future__ import annotations

from distributed.diagnostics.plugin import WorkerPlugin

from .. import nlp


class SpacyPreload(WorkerPlugin):
    """Each worker loads the spaCy pipeline when it starts, so tasks find it in
    `nlp.load_pipeline`'s per-process cache instead of each paying a model load."""

    name = "wiretrail-spacy"

    def __init__(self, model: str, extract: bool) -> None:
        self.model = model
        self.extract = extract

    def setup(self, worker) -> None:
        nlp.load_pipeline(self.model) if self.extract else nlp.load_sentence_pipeline(self.model)
