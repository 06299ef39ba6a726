"""Was the input cut off? Files saved by fetchers and clipboard tools often stop at a buffer size.

A text is truncated when its bytes stop inside a multi-byte character, or when its size is a
round buffer size *and* its last line does not end the way finished text ends. Neither signal
alone is enough: many whole articles end without a full stop (a byline, 'Comments'), and a
file can be exactly 8192 bytes by chance.
"""

from __future__ import annotations

from ..model import RawDocument
from ..thresholds import thresholds

ROUND_UNITS = (1000, 1024)  # decimal and binary kilobytes
# How finished text ends: sentence punctuation, closing quotes and brackets, an ellipsis.
FINISHED_ENDINGS = tuple('.!?…"”’\')]»')


def is_round_size(size: int) -> bool:
    """A size a buffer or a download limit would produce, not one text happens to have."""
    if size >= thresholds().clean_min_power_of_two and size & (size - 1) == 0:
        return True
    return size >= thresholds().clean_min_round_multiple and any(size % unit == 0 for unit in ROUND_UNITS)


def ends_finished(text: str) -> bool:
    """Does the last non-blank line end like a finished sentence or paragraph?"""
    stripped = text.rstrip()
    return not stripped or stripped.endswith(FINISHED_ENDINGS)


def is_truncated(raw: RawDocument) -> bool:
    if raw.ends_mid_character:
        return True
    if raw.byte_length is None or not is_round_size(raw.byte_length):
        return False
    return not ends_finished(raw.text)
