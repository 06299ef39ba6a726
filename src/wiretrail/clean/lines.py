"""Line-level facts every cleaning rule shares: separators, live-blog stamps, quoted speech."""

from __future__ import annotations

import re

SEPARATORS = frozenset({"-", "–", "—", "•", "*", "·", "|", "/"})  # a lone list bullet or rule

_WEEKDAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)[a-z]*,?"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DAY_FIRST = rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?,?"
_MONTH_FIRST = rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?(?:\s+\d{{4}})?,?"
_TIME = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:GMT|BST|UTC|CET|CEST|EET|EST|EDT|ET|PT|PST|PDT))?"
_AUTHOR = r"[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|al|bin|el|da|di|la|le)){0,4}"
# '09:01 , Jabed Ahmed', 'Tuesday 3 December 2024 23:59 , Jabed Ahmed', '1.15pm GMT', '10:27 BST'
_STAMP = re.compile(
    rf"^(?:{_WEEKDAY}\s+)?(?:(?:{_DAY_FIRST}|{_MONTH_FIRST})\s+)?{_TIME}"
    rf"(?:\s*(?:[,|–—-]|by)\s*{_AUTHOR})?\s*$"
)
_QUOTED = re.compile(r"“[^”]*(?:”|$)|\"[^\"]*(?:\"|$)|‘[^’]*(?:’(?!\w)|$)|«[^»]*(?:»|$)")


def is_separator(line: str) -> bool:
    return line.strip() in SEPARATORS


def is_stamp(line: str) -> bool:
    """A live-blog entry stamp: a time, perhaps a day before it and an author after it."""
    text = line.strip()
    return len(text) <= 80 and _STAMP.match(text) is not None


def outside_quotes(line: str) -> str:
    """The line with quoted speech blanked out: what the writer says in their own voice.

    A quote left open runs to the end of the line, as live-blog paragraphs of a long quote do.
    """
    return _QUOTED.sub(" ", line)


def ends_sentence(line: str) -> bool:
    return line.rstrip().endswith(tuple(".!?…\"”’)"))
