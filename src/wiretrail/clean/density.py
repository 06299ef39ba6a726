"""Find the reporting in a flattened page by where its prose is, as jusText does for HTML blocks.

A flattened page is a column of lines: menus, teaser lists and footers are runs of short
lines; reporting is prose (long lines, dense in function words) with a few short lines between
(headlines, live-blog stamps, captions). So:

1. each line is PROSE, a short finished SENTENCE, SHORT, STAMP (a live-blog time stamp) or
   SEPARATOR ('-');
2. prose and stamps anchor blocks, and so does a short sentence close under prose; a run of
   more than `MAX_GAP` short lines ends a block;
3. blocks whose prose outweighs `MIN_BLOCK_SHARE` of the heaviest block are kept, and lighter
   ones with runs of prose near a kept block (a fact box split the story); kept from their
   first anchor to their last, with up to `LEAD_LINES` short lines above (a headline); a text
   that opens with only a few short lines keeps them all (title, standfirst, 'Key points');
4. everything else goes: navigation above the story, teaser lists and footers below it.

A text with no prose at all is left alone: there is nothing to measure it against.
Calibrated on ../shared/eval/boilerplate (run `evals/text_cleaning.py`) with the seeds' gold
as a hard constraint (run `pytest -k clean`).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .lines import ends_sentence, is_separator, is_stamp
from ..thresholds import thresholds


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our out over own said same says
    she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will
    with would you your""".split()
)


class LineKind(str, enum.Enum):
    PROSE = "prose"
    SENTENCE = "sentence"  # a short finished sentence: anchors like a stamp, adds no weight
    SHORT = "short"
    STAMP = "stamp"
    SEPARATOR = "separator"


def classify(line: str) -> LineKind:
    if is_separator(line):
        return LineKind.SEPARATOR
    if is_stamp(line):
        return LineKind.STAMP
    if is_prose(line):
        return LineKind.PROSE
    return LineKind.SENTENCE if is_short_sentence(line) else LineKind.SHORT


def is_prose(line: str) -> bool:
    n = len(line.split())
    ended = ends_sentence(line)
    if n < thresholds().clean_prose_min_words_ended or (n < thresholds().clean_prose_min_words and not ended):
        return False
    words = _WORD.findall(line)
    if not words:
        return False
    function = sum(w.lower() in STOPWORDS for w in words) / len(words)
    long_sentence = ended and n >= thresholds().clean_long_sentence_words
    floor = thresholds().clean_min_stopword_density_long_sentence if long_sentence else thresholds().clean_min_stopword_density
    if function < floor:
        return False
    if ended:
        return True  # titles do not end in a full stop; names may crowd a sentence
    content = [w for w in words if w.lower() not in STOPWORDS]
    capitalised = sum(w[0].isupper() for w in content)
    return not content or capitalised / len(content) <= thresholds().clean_max_title_case_share


def is_short_sentence(line: str) -> bool:
    """A few words ending in a full stop, with a verb-like lowercase word: not a menu item."""
    words = _WORD.findall(line)
    return (
        len(line.split()) >= thresholds().clean_sentence_min_words
        and ends_sentence(line)
        and sum(w.islower() for w in words) >= 2
    )


@dataclass(frozen=True, slots=True)
class _Block:
    first: int  # positions in the candidate list
    last: int
    weight: int  # words of prose
    run: int  # the longest run of consecutive prose lines: articles have runs, teaser lists do not


def select_reporting(lines: list[str], candidates: list[int]) -> frozenset[int]:
    """Indices among `candidates` that lie outside every block of reporting."""
    kinds = [classify(lines[i]) for i in candidates]
    blocks = _blocks(lines, candidates, kinds)
    if not blocks:
        return frozenset()
    heaviest = max(b.weight for b in blocks)
    chosen = {k for k, b in enumerate(blocks) if b.weight >= thresholds().clean_min_block_share * heaviest}
    grown = True
    while grown:  # a box or a ticker split the story: take back the parts next to a kept one
        grown = False
        for k, block in enumerate(blocks):
            if k in chosen or block.run < thresholds().clean_bridge_min_run:
                continue
            for n in (k - 1, k + 1):
                if n in chosen and _gap(kinds, blocks[min(k, n)], blocks[max(k, n)]) <= thresholds().clean_bridge_gap:
                    chosen.add(k)
                    grown = True
                    break
    # a kept block close under another continues its story: the line above it is no headline
    continued = {
        k for k in chosen if k - 1 in chosen and _gap(kinds, blocks[k - 1], blocks[k]) <= thresholds().clean_bridge_gap
    }
    keep: set[int] = set()
    for k in sorted(chosen):
        block = blocks[k]
        preamble = sum(map(_is_filler, kinds[: block.first]))
        lead = preamble if preamble <= thresholds().clean_preamble_lines else 0 if k in continued else thresholds().clean_lead_lines
        start = block.first
        while start > 0 and lead and kinds[start - 1] is not LineKind.PROSE:
            start -= 1
            lead -= _is_filler(kinds[start])
        keep.update(range(start, block.last + 1))
    return frozenset(i for k, i in enumerate(candidates) if k not in keep)


def _is_filler(kind: LineKind) -> bool:
    """Lines between blocks: short ones, and short sentences too far from prose to anchor."""
    return kind is LineKind.SHORT or kind is LineKind.SENTENCE


def _gap(kinds: list[LineKind], before: _Block, after: _Block) -> int:
    return sum(map(_is_filler, kinds[before.last + 1 : after.first]))


def _blocks(lines: list[str], candidates: list[int], kinds: list[LineKind]) -> list[_Block]:
    blocks: list[_Block] = []
    first = last = None
    weight = gap = run = best_run = 0
    for k, kind in enumerate(kinds):
        if kind is LineKind.SHORT:
            gap += 1
            run = 0
            continue
        if kind is LineKind.SEPARATOR:
            continue
        if kind is LineKind.SENTENCE and (first is None or gap > thresholds().clean_sentence_max_gap):
            gap += 1
            run = 0
            continue
        if first is not None and gap > thresholds().clean_max_gap:
            if weight:
                blocks.append(_Block(first, last, weight, best_run))
            first, weight, best_run = None, 0, 0
        if first is None:
            first = k
        last, gap = k, 0
        if kind is LineKind.PROSE:
            weight += len(lines[candidates[k]].split())
            run += 1
            best_run = max(best_run, run)
        else:
            run = 0
    if first is not None and weight:
        blocks.append(_Block(first, last, weight, best_run))
    return blocks
