"""Content terms of a sentence (rewrite alignment, salient terms, the timeline): the fast
`sentence_terms` gives exactly what its definition says, on crafted sentences and on every
sentence-sized line of the real seeds."""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

from wiretrail.provenance.fingerprints import tokens
from wiretrail.provenance.meaning import TermIndex, dice, sentence_terms
from wiretrail.thresholds import Thresholds, thresholds, using


def _by_definition(text: str) -> dict[str, float]:
    """The definition, written plainly: numbers weigh `number_weight`; a word beginning a
    capitalised word of the sentence (not its first) weighs `name_weight`; the rest 1; stop
    words and 1-character tokens dropped; words cut to `stem_chars`; a stem keeps its top weight."""
    t = thresholds()
    names = {w.lower() for w in text.split()[1:] if w[:1].isupper()}
    out: dict[str, float] = {}
    for tok in tokens(text):
        if tok in STOP_WORDS or len(tok) < 2:
            continue
        if any(ch.isdigit() for ch in tok):
            out[tok] = t.provenance_number_weight
            continue
        stem = tok[: t.provenance_stem_chars]
        weight = t.provenance_name_weight if any(n.startswith(tok) for n in names) else 1.0
        out[stem] = max(out.get(stem, 0.0), weight)
    return out


CRAFTED = [
    "Zelenskiy said 11,000 North Korean troops are in Kursk region.",
    "German Foreign Minister Annalena Baerbock visited Kyiv on Monday, her eighth visit.",
    "He said the x2 drones and the 3rd brigade's ² units hit Zaporizhzhia — again.",
    "Nato's chief Mark Rutte met Mr Zelensky; Rutte's office said 'more air defence'.",
    "A word and a name: Sumy, sumy, SUMY, Su, s.",
    "",
]


def test_terms_follow_their_definition_on_crafted_sentences():
    for text in CRAFTED:
        assert sentence_terms(text) == _by_definition(text), text
    terms = sentence_terms(CRAFTED[0])
    assert terms["11000"] == 2.0 and terms["zelens"] == 1.0 and terms["korean"] == 1.5  # the first word is no name clue and terms["troops"] == 1.0
    assert "are" not in terms and "in" not in terms


def test_terms_follow_their_definition_on_the_seeds(seeds_dir):
    lines = [
        line
        for path in sorted(seeds_dir.iterdir())
        for line in re.split(r"(?<=[.!?])\s+|\n", path.read_text(encoding="utf-8"))
        if len(line.split()) >= 4
    ]
    assert len(lines) > 300
    for line in lines:
        assert sentence_terms(line) == _by_definition(line), line


def test_terms_follow_the_settings_in_force():
    text = "Russia fired 97 drones at Odesa overnight, Ukrainian officials said."
    with using(Thresholds(provenance_number_weight=5.0, provenance_name_weight=3.0, provenance_stem_chars=4)):
        terms = sentence_terms(text)
        assert terms == _by_definition(text)
    assert terms["97"] == 5.0 and terms["odes"] == 3.0 and terms["dron"] == 1.0


def test_best_restatement_needs_the_shared_terms_in_force():
    pool = [sentence_terms("Ukraine's army said Russian forces captured Novodarivka village."), sentence_terms("Rain fell.")]
    query = sentence_terms("Russian forces captured the village of Novodarivka, Ukraine's army said.")
    assert TermIndex(pool).best(query)[0] == 0
    with using(Thresholds(provenance_min_shared_terms=50)):
        assert TermIndex(pool).best(query) == (-1, 0.0)


def test_one_documents_index_scores_both_directions_of_a_pair(seeds_dir):
    """Rewrite alignment builds only the new document's index: each sentence of the other
    document scored against it also gives each new sentence its best score in the other, as
    the other's own index would (dice is symmetric). Checked on the seeds' rewrite pair."""
    def pool(name: str) -> list:
        text = next(p for p in sorted(seeds_dir.iterdir()) if p.name.startswith(name)).read_text(encoding="utf-8")
        return [sentence_terms(s) for s in re.split(r"(?<=[.!?])\s+|\n", text) if len(s.split()) >= 6]

    source, rewrite = pool("000"), pool("001")
    index_source = TermIndex(source)
    best_in_rewrite = [0.0] * len(source)
    for terms in rewrite:
        scores = index_source.scores(terms)
        assert max(scores.values(), default=0.0) == index_source.best(terms)[1]
        for i, score in scores.items():
            assert score == dice(source[i], terms) and dice(source[i], terms) == dice(terms, source[i])
            best_in_rewrite[i] = max(best_in_rewrite[i], score)
    index_rewrite = TermIndex(rewrite)
    assert best_in_rewrite == [index_rewrite.best(terms)[1] if terms else 0.0 for terms in source]
    assert sum(score >= thresholds().provenance_align_similarity for score in best_in_rewrite) >= 10
