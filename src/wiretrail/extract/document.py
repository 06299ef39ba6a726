"""Extraction for one document, as a numbered cascade over its spaCy parses."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ..model import Document, Extraction, Segment, Sentence
from .entities import entity_spans, person_roles, split_joined_names
from .events import find_events
from .figures import find_figures
from .places import find_places
from .quotes import find_quotes

log = logging.getLogger(__name__)


def extract_document(
    document: Document,
    segments: Sequence[Segment],
    sentences: Sequence[Sentence],
    ner: Sequence[tuple[int, int, str]],
) -> Extraction:
    """Everything extraction reads out of one document; `ner` are spaCy's entity spans, in
    document offsets."""
    text = document.text
    spans = [(s.start, s.end) for s in sentences]
    ner = split_joined_names(text, ner)
    # 1. places: the gazetteer decides what is a place, whatever NER said ('Ukrainian', which NER
    #    calls a group, stays a group)
    groups = {(s, e) for s, e, label in ner if label == "NORP"}
    places = [p for p in find_places(text, ner, sentences=spans) if (p.start, p.end) not in groups]
    # 2. entity spans with corrected labels and shared keys; roles from titles
    entities = entity_spans(text, ner, places)
    roles = person_roles(text, entities)
    # 3. quotes and their speakers
    quotes = find_quotes(text, spans, entities)
    # 4. figures: what is counted, who says so
    figures = find_figures(text, spans, entities)
    # 5. events, dated by their segment
    events = find_events(document.id, text, spans, entities, places, segments)
    return Extraction(
        entities=tuple(entities),
        roles=tuple(roles),
        places=tuple(places),
        quotes=tuple(quotes),
        figures=tuple(figures),
        events=tuple(events),
    )
