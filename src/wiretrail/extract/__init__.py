"""Extraction: entities, places, quotes, figures and events, each pointing back to its text.

Per-document and pure (runs in worker processes and on Dask unchanged):

    spaCy (parser + NER) -> 1. places (gazetteer; corrects NER's place labels)
                         -> 2. entity spans (NER corrected by places and context)
                         -> 3. quotes (speakers among the entity spans)
                         -> 4. figures (what is counted, who says so)
                         -> 5. events (who did what to whom, where, when)

Canonical entities across documents (Zelensky = Zelenskyy) are decided when documents are
merged into the store, not here.
"""
