"""Furniture recognised by its shape on the page: pointers, related-link lists, teaser blocks.

3. pointers: 'Follow live updates here:' and the link title under it;
4. related lists: the lines under a related-links label ('Top Stories', 'More from World'),
   until reporting resumes;
5. teaser blocks: a section label ('In World') over items between '-' separators that run to
   the end of the text (a 'Key points' list in the middle of a story has the same shape and
   stays).
"""

from __future__ import annotations

from .density import LineKind, classify
from .lines import ends_sentence, is_separator, is_stamp
from .patterns import POINTER, RELATED_LABEL
from ..thresholds import thresholds


def _words(line: str) -> int:
    return len(line.split())


def is_related_label(line: str) -> bool:
    text = line.strip()
    return _words(text) <= thresholds().clean_label_max_words and RELATED_LABEL.match(text) is not None


def pointer_targets(lines: list[str], candidates: list[int], pointers: set[int]) -> set[int]:
    """The link title under each pointer line among `pointers`.

    The title goes only when the line after it is not a live-blog stamp: a title over a stamp is
    an entry's headline, which the segmenter needs.
    """
    out: set[int] = set()
    for k, i in enumerate(candidates[:-1]):
        if i not in pointers or not POINTER.match(lines[i].strip()):
            continue
        target = lines[candidates[k + 1]]
        after = lines[candidates[k + 2]] if k + 2 < len(candidates) else ""
        is_title = _words(target) <= thresholds().clean_pointer_target_max_words and not ends_sentence(target)
        if is_title and not is_stamp(after):
            out.add(candidates[k + 1])
    return out


def related_lists(lines: list[str], candidates: list[int]) -> set[int]:
    """The lines under each related-links label, until reporting resumes.

    Reporting resumes at a live-blog entry (a stamp, or the headline right above one), at two
    prose lines in a row, or at a prose line longer than a teaser's one-sentence summary.
    """
    out: set[int] = set()
    k = 0
    while k < len(candidates):
        if not is_related_label(lines[candidates[k]]):
            k += 1
            continue
        k += 1
        while k < len(candidates) and not _resumes(lines, candidates, k):
            out.add(candidates[k])
            k += 1
    return out


def _resumes(lines: list[str], candidates: list[int], k: int) -> bool:
    following = lines[candidates[k + 1]] if k + 1 < len(candidates) else ""
    kind = classify(lines[candidates[k]])
    if kind is LineKind.STAMP or is_stamp(following):
        return True
    if kind is not LineKind.PROSE:
        return False
    if _words(lines[candidates[k]]) > thresholds().clean_teaser_summary_max_words:
        return True
    return classify(following) is LineKind.PROSE


def teaser_blocks(lines: list[str], candidates: list[int]) -> set[int]:
    """A short label over '-'-separated items, at the end of the text or under a related label."""
    out: set[int] = set()
    k = 0
    while k < len(candidates) - 1:
        label = lines[candidates[k]].strip()
        opens_list = is_separator(lines[candidates[k + 1]])
        if not (opens_list and _words(label) <= thresholds().clean_label_max_words and not ends_sentence(label)):
            k += 1
            continue
        items, end = _separated_items(lines, candidates, k + 1)
        at_end = end == len(candidates)
        if len(items) >= thresholds().clean_min_teasers and (at_end or RELATED_LABEL.match(label)):
            out.update(candidates[k:end])
            k = end
        else:
            k += 1
    return out


def _separated_items(lines: list[str], candidates: list[int], start: int) -> tuple[list[list[int]], int]:
    """Items between separators from `start`; returns them and the position after the block."""
    items: list[list[int]] = []
    k = start
    while k < len(candidates) and is_separator(lines[candidates[k]]):
        k += 1
        item: list[int] = []
        while (
            k < len(candidates)
            and not is_separator(lines[candidates[k]])
            and len(item) < thresholds().clean_teaser_item_max_lines
        ):
            item.append(candidates[k])
            k += 1
        if not item:
            break
        items.append(item)
    return items, k
