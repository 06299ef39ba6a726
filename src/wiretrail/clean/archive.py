"""The capture banner a web archive puts above every page it serves.

Pages fetched from the Wayback Machine (the usual source for news that is no longer online)
flatten with the archive's banner on top: a calendar, 'About this capture', 'COLLECTED BY',
'Organization: ...' and 'Collection: ...', each with a few sentences describing the crawl.
Those sentences are prose, so the density rule alone would take them for reporting.
"""

from __future__ import annotations

import re

from .lines import ends_sentence
from ..thresholds import thresholds


_HEADING = re.compile(r"(?i)^about this capture$")
_FIELD = re.compile(r"(?i)^(?:collected by|organi[sz]ation:.*|collection:.*)$")


def find_archive_banner(lines: list[str], candidates: list[int]) -> frozenset[int]:
    """The banner's lines, and the calendar above it; empty when the text has no banner."""
    head = [i for i in candidates[:thresholds().clean_banner_search_lines] if _HEADING.match(lines[i].strip())]
    if not head:
        return frozenset()
    start = candidates.index(head[0])
    end = start  # position of the last banner line
    k = start + 1
    while k < len(candidates) and k - start <= thresholds().clean_banner_max_lines:
        line = lines[candidates[k]].strip()
        if _FIELD.match(line):
            end = k
            k += 1
            described = 0
            while (
                k < len(candidates)
                and described < thresholds().clean_description_max_lines
                and not _FIELD.match(lines[candidates[k]].strip())
                and (ends_sentence(lines[candidates[k]]) or lines[candidates[k]].rstrip().endswith(":"))
            ):
                end = k
                k += 1
                described += 1
            continue
        break
    return frozenset(candidates[: end + 1])
