"""Direct quotes and speakers: unit tests on invented sentences, and the seed gold with spaCy."""

from __future__ import annotations

import re

import pytest

from wiretrail.extract.quotes import SENTENCE_END, _Context, find_quotes
from wiretrail.model import EntitySpan, QuoteMatch


def _ents(text: str, names: dict[str, str]) -> list[EntitySpan]:
    """Every occurrence of each name, with its label: stands in for NER in unit tests."""
    out = []
    for name, label in names.items():
        for m in re.finditer(re.escape(name), text):
            out.append(EntitySpan(m.start(), m.end(), name, label))
    return sorted(out, key=lambda e: e.start)


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        for m in re.finditer(r"[^.!?]+(?:[.!?]+[”\"]?|$)", line):
            if m.group(0).strip():
                spans.append((pos + m.start(), pos + m.end()))
        pos += len(line) + 1
    return spans


def quotes(text: str, names: dict[str, str] | None = None) -> list[QuoteMatch]:
    return find_quotes(text, _sentences(text), _ents(text, names or {}))


def only(text: str, names: dict[str, str] | None = None) -> QuoteMatch:
    (q,) = quotes(text, names)
    return q


# -- marks -----------------------------------------------------------------------------------------


def test_span_covers_the_words_without_the_marks() -> None:
    text = '"The bridge will reopen in May," Lena Hart said.'
    q = only(text, {"Lena Hart": "PERSON"})
    assert text[q.start : q.end] == q.text == "The bridge will reopen in May,"


def test_curly_marks() -> None:
    q = only("“We have no more beds left tonight,” Tomas Berg said.", {"Tomas Berg": "PERSON"})
    assert q.text == "We have no more beds left tonight,"
    assert q.speaker == "Tomas Berg"


def test_multi_paragraph_quote_is_one_match() -> None:
    text = (
        "Ida Rosen spoke at the depot on Monday.\n"
        "“The trains are running late every single day.\n"
        "“Nobody has told us why,” she said."
    )
    q = only(text, {"Ida Rosen": "PERSON"})
    assert q.text.startswith("The trains") and q.text.endswith("told us why,")
    assert q.speaker == "Ida Rosen"


def test_single_marks_in_a_headline() -> None:
    q = only("Mayor: ‘We will rebuild the harbour wall’\nThe storm hit on Sunday.")
    assert q.text == "We will rebuild the harbour wall"


def test_apostrophes_are_not_single_quotes() -> None:
    assert quotes("Ukraine’s ports and the city’s mayor’s office\nMore text follows here.") == []


# -- cues and speakers -------------------------------------------------------------------------------


def test_speaker_after_the_quote() -> None:
    q = only('"We will not sign this deal," Osei said on Tuesday.', {"Osei": "PERSON"})
    assert (q.speaker, q.cue) == ("Osei", "said")


def test_inverted_speaker_with_apposition() -> None:
    text = '"Talks must start soon," said Mark Dale, the envoy of the alliance.'
    q = only(text, {"Mark Dale": "PERSON"})
    assert q.speaker == "Mark Dale"
    assert text[q.speaker_start : q.speaker_end] == "Mark Dale"


def test_speaker_before_the_quote_with_colon() -> None:
    q = only('Anna Kell told reporters: "The dam is safe for now."', {"Anna Kell": "PERSON"})
    assert (q.speaker, q.cue) == ("Anna Kell", "told")


def test_according_to() -> None:
    q = only('"The fire started in the kitchen," according to Ruth Ames.', {"Ruth Ames": "PERSON"})
    assert (q.speaker, q.cue) == ("Ruth Ames", "according to")


def test_quoted_as_saying() -> None:
    text = 'The paper quoted Piet Vos as saying "the vote was rigged from the start."'
    q = only(text, {"Piet Vos": "PERSON"})
    assert q.speaker == "Piet Vos"


@pytest.mark.parametrize("verb", ["warned", "wrote", "asked", "added", "says"])
def test_other_speech_verbs(verb: str) -> None:
    q = only(f'"Prices will keep rising all winter," Noor {verb}.', {"Noor": "PERSON"})
    assert (q.speaker, q.cue) == ("Noor", verb)


def test_speaker_mid_sentence_after_quote() -> None:
    text = "Allies must do more because “the enemy is not interested in talks”, alliance chief Mark Dale has warned."
    q = only(text, {"Mark Dale": "PERSON"})
    assert (q.speaker, q.cue) == ("Mark Dale", "warned")


def test_surname_resolves_to_the_earlier_full_name() -> None:
    text = 'Mark Dale arrived on Monday.\n"We are ready," Mr Dale said.'
    q = only(text, {"Mark Dale": "PERSON", "Dale": "PERSON"})
    assert q.speaker == "Mark Dale"
    assert (q.speaker_start, q.speaker_end) == (0, 9)


def test_full_name_found_when_ner_missed_it() -> None:
    text = 'The court jailed councilor Ivan Sorin on Friday.\n"I regret nothing at all," Sorin said.'
    q = only(text, {"Sorin": "PERSON"})
    assert q.speaker == "Ivan Sorin"


def test_entity_mislabelled_as_org_still_speaks() -> None:
    q = only('"The line is holding for now," Kovalenko said.', {"Kovalenko": "ORG"})
    assert q.speaker == "Kovalenko"


def test_pronoun_goes_to_the_last_named_speaker_not_the_last_person() -> None:
    text = (
        "Sara Lind said she backed the plan drawn up by Karl Obi.\n"
        '"I support every step taken so far," she said.'
    )
    q = only(text, {"Sara Lind": "PERSON", "Karl Obi": "PERSON"})
    assert q.speaker == "Sara Lind"


def test_description_goes_to_the_last_named_speaker() -> None:
    text = 'Finance Minister Jo Park met bankers.\n"Rates must fall before spring," the minister said.'
    q = only(text, {"Jo Park": "PERSON"})
    assert q.speaker == "Jo Park"


def test_uncued_quote_paragraph_keeps_the_previous_speaker() -> None:
    text = '"We need more shells," Mark Dale said.\n"The enemy is not slowing down at all."'
    first, second = quotes(text, {"Mark Dale": "PERSON"})
    assert second.speaker == "Mark Dale" and second.cue is None


def test_possessive_is_not_the_speaker() -> None:
    text = '"The claim is false," Lena Hart\'s spokesman Omar Diaz told reporters.'
    q = only(text, {"Lena Hart": "PERSON", "Omar Diaz": "PERSON"})
    assert q.speaker == "Omar Diaz"


def test_quote_without_any_speaker() -> None:
    q = only('"No one will be left behind in this city," read a banner on the wall.')
    assert q.speaker is None


def test_split_quote_keeps_its_speaker_past_a_person_in_the_apposition() -> None:
    text = '"The plan is late," said Rosa Vidal, an aide to Karl Obi. "Nobody is surprised by it."'
    first, second = quotes(text, {"Rosa Vidal": "PERSON", "Karl Obi": "PERSON"})
    assert first.speaker == second.speaker == "Rosa Vidal"


def test_long_apposition_between_name_and_verb() -> None:
    text = ('"Wages are finally rising again," Dora Hale, an adviser to the governor and former head of '
            'the state statistics office in the capital, wrote on Friday.')
    q = only(text, {"Dora Hale": "PERSON"})
    assert (q.speaker, q.cue) == ("Dora Hale", "wrote")


def test_inverted_verb_before_a_colon() -> None:
    text = 'Stone spoke for an hour.\nContinued Stone: "The machines can all be rigged."'
    q = only(text, {"Stone": "PERSON"})
    assert q.speaker == "Stone"


def test_tag_before_the_next_quote_is_not_this_ones() -> None:
    text = ('As Aris Toma told reporters, "We have suffered the same fate." '
            'He added, "So they should have been the first to help."')
    first, second = quotes(text, {"Aris Toma": "PERSON"})
    assert first.speaker == second.speaker == "Aris Toma"
    assert first.cue == "told"


def test_lead_in_picks_the_clause_subject() -> None:
    text = 'When Karl Obi died, Governor Rosa Vidal released this statement:\n"He was a friend to all of us."'
    q = only(text, {"Karl Obi": "PERSON", "Rosa Vidal": "PERSON"})
    assert q.speaker == "Rosa Vidal"


def test_participle_cue_takes_the_main_clause_subject() -> None:
    text = 'Dora Hale attacked Karl Obi on Monday, saying "his plan would wreck the budget."'
    q = only(text, {"Dora Hale": "PERSON", "Karl Obi": "PERSON"})
    assert q.speaker == "Dora Hale"


def test_person_after_a_preposition_is_not_the_subject() -> None:
    text = 'Hale, speaking to Obi, said, "Last time I looked you had not voted."'
    q = only(text, {"Hale": "ORG", "Obi": "PERSON"})
    assert q.speaker == "Hale"


def test_name_right_before_the_verb_when_ner_missed_it() -> None:
    text = 'Asked about Karl Obi, Vidal responded with a phrase: "Do not moan to me about that."'
    q = only(text, {"Karl Obi": "PERSON"})
    assert q.speaker == "Vidal"


def test_pronoun_skips_a_person_of_the_other_gender() -> None:
    text = (
        "Ms. Vidal and Karl Obi arrived on Monday.\n"
        '"We had been friends for some time," Vidal said.\n'
        '"It was a long road for all of us," he said.'
    )
    first, second = quotes(text, {"Karl Obi": "PERSON", "Vidal": "PERSON"})
    assert (first.speaker, second.speaker) == ("Vidal", "Karl Obi")


def test_uncued_quote_after_a_sentence_about_a_person() -> None:
    text = 'Rosa Vidal touted her record on schools. "We need to pay teachers what they are worth."'
    q = only(text, {"Rosa Vidal": "PERSON"})
    assert q.speaker == "Rosa Vidal" and q.cue is None


def test_united_states_is_no_speech_verb() -> None:
    q = only('The tax had "negligible effects on aggregate economic performance at all," in United States dollars.')
    assert q.speaker is None


# -- scare quotes and titles ----------------------------------------------------------------------------


def test_scare_quote_is_not_a_quote() -> None:
    assert quotes('Moscow calls it a "special operation" and bans other words.') == []


def test_short_quote_with_a_cue_next_to_it_is_kept() -> None:
    q = only('"Never," Osei said.', {"Osei": "PERSON"})
    assert q.text == "Never," and q.speaker == "Osei"


def test_title_is_not_a_quote() -> None:
    assert quotes("She was a guest on “Meet the Press” last week.") == []


def test_uncued_fragment_in_a_sentence_is_not_a_quote() -> None:
    assert quotes("The report called the raid a “grave breach of law” in its summary.") == []


# -- seeds (spaCy) -----------------------------------------------------------------------------------------

SPACY_TO_TYPE = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE", "NORP": "GROUP"}


def _parse(text: str) -> tuple[list[tuple[int, int]], list[EntitySpan]]:
    pytest.importorskip("spacy")
    from wiretrail.errors import ConfigError
    from wiretrail.nlp import parse_lines

    try:
        (parsed,) = parse_lines([text])
    except ConfigError as exc:
        pytest.skip(f"no spaCy model: {exc}")
    sents = list(parsed.sentences)
    ents = [EntitySpan(s, e, text[s:e], SPACY_TO_TYPE[lab], lab) for s, e, lab in parsed.entities if lab in SPACY_TO_TYPE]
    return sents, ents


def _surname(name: str) -> str:
    return name.split()[-1].lower().replace("zelenskiy", "zelensky").replace("zelenskyy", "zelensky")


def test_seed_quotes_have_the_right_speaker(gold: dict, seeds_dir) -> None:
    cases = gold.get("quote", [])
    assert len(cases) >= 6
    found: dict[str, list[QuoteMatch]] = {}
    failures = []
    for case in cases:
        if case["doc"] not in found:
            text = (seeds_dir / case["doc"]).read_text(encoding="utf-8")
            found[case["doc"]] = find_quotes(text, *_parse(text))
        want = case["text"].strip(" ,.")
        hits = [q for q in found[case["doc"]] if want in q.text or q.text.strip(" ,.") in want and len(q.text) > 10]
        right = [q for q in hits if q.speaker and _surname(q.speaker) == _surname(case["speaker"])]
        if not right:
            failures.append((case["text"], case["speaker"], [(q.text[:40], q.speaker) for q in hits]))
    assert not failures, failures


# SENTENCE_END as it was written first, lookbehinds before the mark: the plain definition
PLAIN_SENTENCE_END = re.compile(r"(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bJr)(?<!\bSr)(?<!\bMrs)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bGen)(?<!\b[A-Z])[.!?][\"”’']*\s+(?=[A-Z“\"‘'])")


def _scan(text: str, start: int, end: int, stop: int) -> int | None:
    """The plain definition `_before` had: scan from `start` to `stop`, keep the last break
    ending at or before `end`."""
    found = None
    for m in PLAIN_SENTENCE_END.finditer(text, start, stop):
        if m.end() <= end:
            found = m.end()
    return found


BREAKS = (
    'Mr. Rutte said. "We will stay." Dr. Who spoke! ‘Yes’ she said. U.S. officials said: "No."\n'
    'He said. "Then" \'again\'. Gen. Syrskyi? “Quote” ends.  Another one.\nA. B. Smith said so.'
)


@pytest.mark.parametrize("source", ["invented", "seeds"])
def test_sentence_breaks_before_a_quote_are_the_scan_s(source, request):
    """`_Context.last_sentence_end`, from one scan of the text, finds what scanning from each
    quote's frame finds: at every start, and ending where a scan stopping at the opening mark
    ends (a break right before the mark needs the mark for its lookahead)."""
    if source == "invented":
        texts = [BREAKS]
    else:
        seeds = request.getfixturevalue("seeds_dir")
        texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.iterdir())]
    checked = 0
    for text in texts:
        assert [m.span() for m in SENTENCE_END.finditer(text)] == [m.span() for m in PLAIN_SENTENCE_END.finditer(text)]
        ctx = _Context(text, [], [], [])
        marks = [m.start() for m in re.finditer(r"[\"“‘']", text)] or [len(text)]
        step = max(1, len(text) // 300)
        for mark in marks[:: max(1, len(marks) // 60)]:
            for start in range(max(0, mark - 3000), mark + 1, step):
                assert ctx.last_sentence_end(start, mark - 1) == _scan(text, start, len(text), mark), (start, mark)
                middle = (start + mark) // 2
                assert ctx.last_sentence_end(start, min(middle, mark - 1)) == _scan(text, start, middle, mark), (start, mark)
                checked += 1
    assert checked > (100 if source == "invented" else 5_000)
