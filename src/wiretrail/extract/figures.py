"""Figures: numbers with what they count, their value or range, unit, vagueness and who says so.

Text rules over each sentence, no spaCy: this runs on every sentence the pipeline ingests and
must cost far less than the parser. Per sentence:

    1. amounts   -- `numbers.find_amounts`: '10,000-12,000', '$725m', 'up to 100', 'thousands of'
    2. not figures -- dates, years, times, ages, durations, ordinals, list and label numbers,
                      phone numbers, page furniture ('5 comments'), numbers in names ('Su-34')
    3. subject   -- what is counted: the noun phrase after the number ('314 Ukrainian children
                    taken to Russia'), the one it is 'worth'/'totaled' ('aid package worth $725m'),
                    or the previous figure's for an elliptical number ('up from 8,000')
    4. source    -- 'according to X', 'a report by X', 'X said', a quote's speaker, 'X estimate
                    of N'; None for hearsay ('is said to', 'reportedly') and unattributed text

Names are taken as the text gives them; resolving them to entities is the store's job.
Evaluation to re-run after changing a lexicon or limit: tests/test_extract_figures.py (seeds).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model import EntitySpan, FigureMatch
from .numbers import UNITS, Amount, find_amounts
from ..thresholds import thresholds

# --- limits -----------------------------------------------------------------------------------


# --- lexicons ---------------------------------------------------------------------------------

MEASURE_UNITS = frozenset(UNITS.values())  # units of measure, as against money and percent

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
WEEKDAYS = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
# Nouns that make the number a label, not a count ('Article 5', 'Resolution 2231', 'top 100').
LABEL_NOUNS = (
    "no", "no.", "nos", "number", "article", "section", "chapter", "resolution", "route",
    "flight", "room", "page", "paragraph", "item", "step", "question", "episode", "season",
    "vol", "vol.", "volume", "part", "unit", "building", "gate", "platform", "level", "phase",
    "category", "grade", "rank", "table", "figure", "fig.", "appendix", "annex", "clause",
    "amendment", "decree", "order", "bill", "battalion", "brigade", "regiment", "division",
    "corps", "squadron", "line", "highway", "top", "channel", "district", "block", "zone",
    "sector", "apartment", "house", "lot", "model", "version", "generation", "group", "pool",
)  # fmt: skip
# A counted noun that is a span of time makes the number a duration, which the brief excludes
# with dates and times ('within 24 hours', 'two weeks after').
TIME_UNITS = frozenset(
    "second seconds minute minutes hour hours day days night nights week weeks month months "
    "year years decade decades century centuries weekend weekends".split()
)
# Page furniture: counts a page shows about itself.
FURNITURE_RE = re.compile(
    r"\s+(?:comments?|replies|likes|shares|views|retweets|reposts|min(?:ute)?s?\s+read|photos?"
    r"|images?|videos?|slides?)\b",
    re.IGNORECASE,
)
DETERMINERS = frozenset(
    "a an the this that these those its their his her our my your another some any each every "
    "both all such".split()
)
PRONOUNS = frozenset("i we you he she it they them us him me this that these those who".split())
# Words that end a noun phrase after a number: function words, auxiliaries, conjunctions.
NP_STOP = frozenset(
    """
    is are was were be been being am have has had having will would could can may might must
    should shall do does did not no nor but yet so if as than then when where while which who whom
    whose that what why how because since until unless although though whether to into onto at by
    for from in on with within without about against among between through during before after
    over under above below across along around toward towards per via amid despite like near
    and or of off up down out also just only even still already now here there said says say
    told tells according reportedly allegedly each every this these those it its they their he she
    his her we our you your i me him them us overnight today yesterday tonight tomorrow ago
    earlier later recently meanwhile
    """.split()
)
# Verbs between a subject and its amount: 'revenues totaled $632bn', 'package worth $725m'.
LEFT_LINKS = frozenset(
    """
    worth valued value at of totaled totalled totaling totalling total totals reached reach
    reaches exceeds exceeded exceed exceeding was were is are be been stood stands stand to by
    cost costs costing rose fell increased decreased jumped dropped grew climbed amounted amounts
    amounting came comes put puts estimated has have had now some an a around about nearly almost
    roughly approximately just more less than up over under least
    """.split()
)
# Prepositions a noun phrase may carry on its left ('damage to Ukraine's energy sector').
INNER_PREPOSITIONS = frozenset("of to from in for on".split())
PP_PREPOSITIONS = frozenset("of in from for on at inside across".split())
# Past participles that introduce a tail worth keeping ('children taken to Russia').
PARTICIPLES = frozenset(
    "taken sent killed wounded injured deployed deported displaced held detained captured "
    "arrested stationed based moved transferred evacuated missing born made given shown seen "
    "gone brought driven left known called dubbed named".split()
)
# Common irregular finite verbs: with no tagger, the '-ed' guess misses these.
IRREGULAR_VERBS = frozenset(
    "saw see sees came come comes went go goes got gets took takes gave gives became becomes "
    "won lost hit hits spent spends paid pays sent made makes kept keeps left fled flee stay "
    "remain remains remained face faces need needs".split()
)
WEAK_LINKS = frozenset("a an some around about nearly almost roughly approximately just".split())
# Links that name the subject on the left even across a comma: 'package, valued at $725m'.
PARTICIPLE_LINKS = frozenset("worth valued estimated totalling totaling costing".split())
VERB_BOUNDS = frozenset("exceeds exceeded exceeding".split())
TIME_WORDS = frozenset(
    "on last this next in early late monday tuesday wednesday thursday friday saturday sunday "
    "week month year today yesterday".split()
)
# Verbs that introduce who says so. 'according' is handled on its own.
SPEECH_VERBS = frozenset(
    """
    said says say told tells tell estimated reported claimed claims announced announces stated
    added adds believes believe warned warns wrote writes found finds shows showed revealed
    reveals confirmed confirms noted identified identifies
    """.split()
)  # not 'states', 'reports', 'estimates', 'notes': nouns as often as verbs ('United States')
# Verbs after which an inverted speaker may follow: '..." said Zelensky'.
INVERTING_VERBS = frozenset("said says told added wrote warned".split())
AUXILIARIES = frozenset(
    "has have had also previously earlier later repeatedly has also would will could".split()
)
# Hearsay with no source: 'Pyongyang is said to have dispatched ...' is unattributed.
HEARSAY_RE = re.compile(
    r"\b(?:(?:is|are|was|were)\s+(?:said|believed|thought|reported|understood|alleged)\s+to"
    r"|reportedly|allegedly|reports\s+suggest|it\s+is\s+(?:said|believed|understood))\b",
    re.IGNORECASE,
)
SOURCE_NOUNS = (
    r"(?:report|reports|study|survey|research|analysis|data|figures|estimates?|assessment"
    r"|poll|census|statement|count|tally|calculations?|records)"
)
REPORT_BY_RE = re.compile(rf"\b{SOURCE_NOUNS}\s+(?:by|from)\s+", re.IGNORECASE)
ACCORDING_RE = re.compile(
    rf"\baccording\s+to\s+(?:(?:a|an|the|new|latest|recent|official)\s+)*"
    rf"(?:{SOURCE_NOUNS}\s+(?:by|from|of)\s+)?",
    re.IGNORECASE,
)
# 'an earlier U.S. assessment of 8,000': the estimate names its own source.
LOCAL_SOURCE_RE = re.compile(
    r"(?P<src>(?:[\w.’'-]+\s+){0,3}?(?:assessment|estimate|count|tally|forecast|projection))"
    r"\s+(?:of|at|put\s+at|was|is)\s+$",
    re.IGNORECASE,
)
SOURCE_ADJECTIVES = frozenset("earlier previous latest new initial official own recent first".split())
ELLIPSIS_CUE_RE = re.compile(
    r"\b(?:up|down|rising|falling|compared)\s+(?:from|with)\s+(?:(?:a|an|the)\s+)?(?:[\w.’'-]+\s+){0,4}?"
    r"(?:of\s+)?$|\b(?:from|to|or|and|than|versus|vs\.?)\s+(?:an?\s+(?:estimated\s+)?)?$",
    re.IGNORECASE,
)
PHONE_RE = re.compile(r"(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){2,}")
TIME_SUFFIX_RE = re.compile(
    r"\s*(?:[ap]\.?m\b\.?|GMT|BST|CET|CEST|EET|EEST|UTC|EST|EDT|PST|ET\b|local\s+time|hrs\b"
    r"|o['’]clock)",
    re.IGNORECASE,
)
AGE_PREFIX_RE = re.compile(r"\b(?:aged|age|ages|age\s+of)\s+(?:between\s+)?$", re.IGNORECASE)
AGE_SUFFIX_RE = re.compile(r"[\s-]*(?:years?|yrs?|months?|weeks?|days?)[\s-]*old\b", re.IGNORECASE)
QUOTE_OPEN = "“"
QUOTE_CLOSE = "”"
WORD_RE = re.compile(r"\w+(?:[’'&./-]\w+)*(?:(?<=\b[A-Z])\.)?|[^\w\s]")


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int  # in the sentence
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum()


@dataclass(frozen=True, slots=True)
class _Sentence:
    start: int
    end: int
    text: str
    entities: tuple[EntitySpan, ...]  # offsets relative to the sentence
    opens_in_quote: bool  # a quote opened in an earlier sentence is still running
    closes_quote: bool  # a running or opened quote ends in this sentence


def find_figures(
    text: str, sentences: Sequence[tuple[int, int]], entities: Sequence[EntitySpan]
) -> list[FigureMatch]:
    """Every figure in `text`, in order, read sentence by sentence."""
    sents = _sentences(text, sentences, entities)
    figures: list[FigureMatch] = []
    for index, sent in enumerate(sents):
        sentence_figures: list[FigureMatch] = []
        source: str | None | bool = False  # computed once per sentence, lazily
        previous = figures[-1] if figures else None
        for amount in _figure_amounts(sent):
            subject = _subject(sent, amount, sentence_figures, previous)
            if not subject:
                continue
            local = LOCAL_SOURCE_RE.search(sent.text, 0, amount.start)
            if local:
                attributed = _clean_source(local["src"])
            else:
                if source is False:
                    source = _sentence_source(sents, index)
                attributed = source
            figure = FigureMatch(
                start=sent.start + amount.start,
                end=sent.start + amount.end,
                text=sent.text[amount.start : amount.end],
                subject=subject,
                value_low=amount.low,
                value_high=amount.high,
                unit=amount.unit,
                vague=amount.vague,
                attributed_to=attributed or None,
                sentence_start=sent.start,
                sentence_end=sent.end,
            )
            sentence_figures.append(figure)
        figures.extend(sentence_figures)
    return figures


# 1. sentences with their entities and quote state -------------------------------------------


def _sentences(
    text: str, spans: Sequence[tuple[int, int]], entities: Sequence[EntitySpan]
) -> list[_Sentence]:
    ordered = sorted(entities, key=lambda e: e.start)
    out = []
    in_quote = False
    last_end = 0
    j = 0
    for start, end in spans:
        if "\n" in text[last_end:start]:
            in_quote = False  # quotes do not run across paragraphs here
        while j < len(ordered) and ordered[j].end <= start:
            j += 1
        ents = []
        k = j
        while k < len(ordered) and ordered[k].start < end:
            e = ordered[k]
            if e.start >= start and e.end <= end:
                ents.append(replace(e, start=e.start - start, end=e.end - start))
            k += 1
        chunk = text[start:end]
        opens = in_quote
        for ch in chunk:
            if ch == QUOTE_OPEN:
                in_quote = True
            elif ch == QUOTE_CLOSE:
                in_quote = False
            elif ch == '"':
                in_quote = not in_quote
        closes = (opens or QUOTE_OPEN in chunk or '"' in chunk) and not in_quote
        out.append(_Sentence(start, end, chunk, tuple(ents), opens, closes))
        last_end = end
    return out


# 2. amounts that are figures -----------------------------------------------------------------


def _figure_amounts(sent: _Sentence) -> list[Amount]:
    s = sent.text
    phones = [m.span() for m in PHONE_RE.finditer(s) if sum(c.isdigit() for c in m[0]) >= 8]
    kept: list[Amount] = []
    for a in find_amounts(s):
        if any(p0 <= a.raw_start < p1 for p0, p1 in phones):
            continue
        if _not_a_figure(s, a, sent.entities):
            continue
        # a parenthesised conversion of the amount before it: '$317bn (£263bn)', '1,000-km (600-mile)'
        if kept and re.fullmatch(r"\s*\(\s*", s[kept[-1].end : a.start]):
            continue
        kept.append(a)
    return kept


def _not_a_figure(s: str, a: Amount, entities: Sequence[EntitySpan]) -> bool:
    """True for the numbers the brief excludes: dates, times, ages, names, labels, furniture."""
    prefix, suffix = s[: a.raw_start], s[a.end :]
    raw = s[a.raw_start : a.end]
    if a.year_like:
        return True
    if not a.vague or not a.spelled:
        if re.search(r"[A-Za-z][-‐]?$|[#/]$", prefix):  # 'Su-34', 'F-16', 'G7', '#1'
            return True
        if re.match(r"[A-Za-z]|[-‐–][A-Za-z]|/\d", suffix):  # '47th', '15-member', '1/2'
            return True
    # times: '23:59', '10.30 GMT', '3pm', '3 p.m.'
    if re.search(r"\d[:.]$", prefix) or re.match(r"[:.]\d", suffix) or TIME_SUFFIX_RE.match(suffix):
        return True
    # dates: '3 December', 'December 3', 'Tuesday 3', '3/12'
    if re.search(rf"\b(?:{MONTHS}|{WEEKDAYS})\.?,?\s+$", prefix) and a.unit is None:
        return True
    if re.match(rf"\s+(?:of\s+)?{MONTHS}\b", suffix) and a.unit is None and not a.spelled:
        return True
    # ages: 'aged 19', '19 years old', 'Ivanova, 33,'
    if AGE_PREFIX_RE.search(prefix) or AGE_SUFFIX_RE.match(suffix):
        return True
    if (
        a.unit is None
        and a.low is not None
        and a.low == a.high
        and a.low <= thresholds().figures_max_age
        and re.search(r"[A-Za-z’']\s*[,(]\s*$", prefix)
        and re.match(r"\s*[,);]", suffix)
        and (_ends_with_person(prefix, entities) or re.search(r"\b[A-Z]\w+\s*[,(]\s*$", prefix))
    ):
        return True
    # a model name: 'Leopard 1 tanks', 'Patriot 3' (a capitalised word, then a single digit)
    model = re.search(r"\b([A-Z][a-z]+)\s$", prefix)
    if (
        model
        and re.fullmatch(r"\d", raw)
        and model[1].lower() not in NP_STOP | LEFT_LINKS | DETERMINERS | SPEECH_VERBS
        and not re.search(rf"(?:{MONTHS}|{WEEKDAYS})\s$", prefix)
    ):
        return True
    # labels and list numbers: 'Article 5', 'top 100', '1. First point'
    words = prefix.lower().split()
    if words and words[-1] in LABEL_NOUNS and a.unit is None:
        return True
    if not prefix.strip() and re.match(r"[.)]\s", suffix):
        return True
    if FURNITURE_RE.match(suffix) and a.unit is None:
        return True
    # spelled small numbers: 'one of them' and 'the two leaders' are rarely figures
    if a.spelled and not a.vague:
        if raw.lower() in ("one", "a", "zero") or re.fullmatch(r"(?i)one", raw):
            return True
        if words and words[-1] in DETERMINERS | {"top", "first", "last", "next", "past"}:
            return True
    return False


def _ends_with_person(prefix: str, entities: Sequence[EntitySpan]) -> bool:
    stripped = len(prefix.rstrip(" ,("))
    return any(e.label == "PERSON" and e.end == stripped for e in entities)


# 3. what is counted --------------------------------------------------------------------------


def _tokens(s: str, offset: int = 0) -> list[_Token]:
    return [_Token(m[0], m.start() + offset, m.end() + offset) for m in WORD_RE.finditer(s)]


def _subject(
    sent: _Sentence, a: Amount, same_sentence: list[FigureMatch], previous: FigureMatch | None
) -> str | None:
    """What the amount counts, in the text's words; None when nothing says (then it is dropped)."""
    s = sent.text
    right = _tokens(s[a.end :], a.end)
    # skip a parenthesised conversion right after the amount: '1,000-km (600-mile) frontline'
    if right and right[0].text == "(":
        close = next((i for i, t in enumerate(right) if t.text == ")"), None)
        if close is not None and close <= 6:
            right = right[close + 1 :]
    money_like = a.unit is not None and a.unit not in MEASURE_UNITS
    left = _left_subject(s, a, strong_only=True) if money_like else None
    if left:
        return left
    # 'thousands of civilians', '100 of them', '20 per cent of Ukraine's territory'
    if right and right[0].low == "of":
        np = _noun_phrase(s, right[1:], skip_determiners=True)
        if np and np.split()[0].lower() not in PRONOUNS:
            return np
        if np is None or np.split()[0].lower() in PRONOUNS:
            return _inherited(s, a, same_sentence, previous, pronoun=True)
    if a.vague and a.spelled and not right[:1]:
        return None
    np = _noun_phrase(s, right, skip_determiners=False, verb_first=money_like)
    if np:
        core = re.split(r"\s(?:of|in|from|for|on|at|to)\s", np)[0].lower().split()
        if TIME_UNITS.intersection(core) or FURNITURE_RE.match(" " + np):
            return None  # 'three additional years in prison': a duration
        return np
    # '$16 billion in direct physical destruction'
    if money_like and right and right[0].low in ("in", "of", "for"):
        np = _noun_phrase(s, right[1:], skip_determiners=True)
        if np:
            return np
    # elliptical: 'up from an earlier assessment of 8,000', 'There are 11,000 in Kursk region'
    inherited = _inherited(s, a, same_sentence, previous, pronoun=False)
    if inherited:
        return inherited
    left = _left_subject(s, a)
    if left:
        return left
    if right and right[0].low in ("in", "at", "inside", "near"):
        tail = _noun_phrase(s, right[1:], skip_determiners=True)
        if tail and tail[0].isupper():
            return f"{right[0].text} {tail}"
    if a.unit in MEASURE_UNITS:
        return _actor_and_verb(s, a)  # 'troops advanced 8 km': what moved, and how
    return None


def _actor_and_verb(s: str, a: Amount) -> str | None:
    """'The convoy drove 45 miles' -> 'convoy drove': a measure with no noun of its own."""
    tokens = _tokens(s[: a.start])
    if len(tokens) < 2 or not tokens[-1].is_word or tokens[-1].low in NP_STOP:
        return None
    k = len(tokens) - 2
    start = k + 1
    while k >= 0 and tokens[k].is_word and len(tokens) - 1 - k <= thresholds().figures_max_subject_words:
        if tokens[k].low in NP_STOP or tokens[k].low in DETERMINERS or _looks_finite(tokens[k].low):
            break
        start = k
        k -= 1
    if start > len(tokens) - 2:
        return None
    return s[tokens[start].start : tokens[-1].end]


def _inherited(
    s: str,
    a: Amount,
    same_sentence: list[FigureMatch],
    previous: FigureMatch | None,
    *,
    pronoun: bool,
) -> str | None:
    """The subject of the figure an elliptical number continues: 'up from 8,000', '100 of them'."""
    if same_sentence and (pronoun or ELLIPSIS_CUE_RE.search(s, 0, a.start)):
        return same_sentence[-1].subject
    if pronoun and previous is not None:
        return previous.subject
    return None


def _noun_phrase(
    s: str, tokens: list[_Token], *, skip_determiners: bool, verb_first: bool = False
) -> str | None:
    """The noun phrase starting at tokens[0], with one prepositional or participle tail."""
    i = 0
    while skip_determiners and i < len(tokens) and tokens[i].low in DETERMINERS:
        i += 1
    first = i
    while i < len(tokens) and i - first < thresholds().figures_max_subject_words:
        t = tokens[i]
        if not t.is_word or t.text[0].isdigit():
            break
        low = t.low
        if low in ("and", "or") and i > first and not tokens[i - 1].low.endswith("s"):
            # 'missile and drone strikes': a conjunction inside the phrase, before its head
            if i + 1 < len(tokens) and tokens[i + 1].is_word and tokens[i + 1].low not in NP_STOP:
                i += 1
                continue
        if low in NP_STOP or low in SPEECH_VERBS:
            break
        if (i > first or verb_first) and (
            low.endswith("ly") or low in PARTICIPLES or _looks_finite(low)
        ):
            break
        i += 1
    if i == first:
        return None
    end = i
    # one tail: 'taken to Russia', 'in Kursk region', 'of aid'
    if end < len(tokens):
        j = end
        if tokens[j].low in PARTICIPLES and j + 1 < len(tokens) and tokens[j + 1].low in (
            "to", "from", "in", "into", "by", "at", "on"
        ):
            j += 2
        elif tokens[j].low in PP_PREPOSITIONS:
            j += 1
        if j > end:
            k = j
            if k < len(tokens) and tokens[k].low == "the":
                k += 1
            stop = k
            while stop < len(tokens) and stop - k < thresholds().figures_max_pp_words:
                t = tokens[stop]
                if not t.is_word or t.text[0].isdigit() or t.low in NP_STOP or t.low in SPEECH_VERBS:
                    break
                if stop > k and (t.low in PARTICIPLES or _looks_finite(t.low)):
                    break
                stop += 1
            if stop > k:
                end = stop
    return s[tokens[first].start : tokens[end - 1].end]


def _looks_finite(low: str) -> bool:
    """A cheap guess at a finite verb ending a phrase, with no tagger: 'showed', 'totaled'."""
    return (low.endswith("ed") and len(low) > 4 and "-" not in low) or low in IRREGULAR_VERBS


def _left_subject(s: str, a: Amount, *, strong_only: bool = False) -> str | None:
    """The noun phrase an amount is linked to on its left: 'aid package worth $725m'.

    `strong_only` accepts only links that name a subject ('worth', 'totaled', 'of'), not
    'a'/'some', so that 'a 4.2 per cent increase' reads its subject on the right."""
    tokens = _tokens(s[: a.start])
    i = len(tokens) - 1
    links = 1 if a.bound in VERB_BOUNDS else 0
    strong = links > 0
    while i >= 0 and tokens[i].low in LEFT_LINKS and links < thresholds().figures_max_left_links:
        strong = strong or tokens[i].low not in WEAK_LINKS
        i -= 1
        links += 1
    if links == 0 or i < 0 or (strong_only and not strong):
        return None
    if i + 1 < len(tokens) and tokens[i + 1].low in PARTICIPLE_LINKS and tokens[i].text == ",":
        # 'its latest military aid package on Monday, valued at some $725m'
        i -= 1
        skipped = 0
        while i >= 0 and skipped < 3 and (tokens[i].low in TIME_WORDS or tokens[i].text[0].isdigit()):
            i -= 1
            skipped += 1
    end = i
    while i >= 0 and end - i < thresholds().figures_max_left_subject_words:
        t = tokens[i]
        if not t.is_word:
            break
        low = t.low
        if low in INNER_PREPOSITIONS or (t.text[0].isdigit() and i < end):
            i -= 1
            continue
        if low in DETERMINERS and i > 0 and tokens[i - 1].low in INNER_PREPOSITIONS:
            i -= 1  # 'revenues from the top 100 arms companies'
            continue
        if low in NP_STOP or low in SPEECH_VERBS or low in DETERMINERS:
            break
        if i < end and _looks_finite(low):
            break
        i -= 1
    start = i + 1
    while start <= end and (
        tokens[start].low in INNER_PREPOSITIONS
        or tokens[start].low in DETERMINERS
        or tokens[start].text[0].isdigit()
    ):
        start += 1
    if start > end or tokens[end].low in PRONOUNS or tokens[end].low in INNER_PREPOSITIONS:
        return None
    if _looks_finite(tokens[end].low) or tokens[end].low in PARTICIPLES:
        return None  # 'she held up 3': a verb, not what is counted
    if tokens[end].low.endswith("ing") and (end == 0 or not tokens[end - 1].is_word):
        return None  # ', heading to 2.5%': a participle clause, not a noun
    return s[tokens[start].start : tokens[end].end]


# 4. who says so ------------------------------------------------------------------------------


def _sentence_source(sents: list[_Sentence], index: int) -> str | None:
    """Who the sentence credits for what it says, as the text names them."""
    sent = sents[index]
    s = sent.text
    m = ACCORDING_RE.search(s)
    if m:
        return _name_at(s, _tokens(s[m.end() :], m.end()))
    m = REPORT_BY_RE.search(s)
    if m:
        name = _name_at(s, _tokens(s[m.end() :], m.end()))
        if name:
            return name
    speaker = _speaker(sents, index)
    if speaker:
        return speaker
    if HEARSAY_RE.search(s):
        return None
    # a quote that runs on: the speaker is named where it closes
    if sent.opens_in_quote or (QUOTE_OPEN in s and not sent.closes_quote):
        for later in range(index + 1, min(len(sents), index + 1 + thresholds().figures_quote_lookahead)):
            if sents[later].closes_quote:
                return _speaker(sents, later)
    return None


def _speaker(sents: list[_Sentence], index: int) -> str | None:
    """The subject of a speech verb ('X said', 'said X', 'X told Y'), pronouns resolved."""
    s = sents[index].text
    tokens = _tokens(s)
    for i, t in enumerate(tokens):
        if t.low not in SPEECH_VERBS:
            continue
        if i > 0 and tokens[i - 1].low in ("is", "are", "was", "were", "be", "been"):
            continue  # 'is said to': hearsay, not a speaker
        if i > 0 and tokens[i - 1].low in DETERMINERS:
            continue  # 'an estimated $25bn': an adjective
        j = i - 1
        while j >= 0 and tokens[j].low in AUXILIARIES:
            j -= 1
        name = _name_before(sents[index], tokens, j)
        if name is None and j >= 0 and tokens[j].text == ",":
            # an appositive: 'The United States, the biggest supplier of aid, announced'
            k = j - 1
            while k >= 0 and j - k < thresholds().figures_max_appositive_tokens and tokens[k].text != ",":
                k -= 1
            if k > 0 and tokens[k].text == ",":
                name = _name_before(sents[index], tokens, k - 1)
        if (
            name is None
            and t.low in INVERTING_VERBS
            and i + 1 < len(tokens)
            and i > 0
            and not tokens[i - 1].is_word
        ):
            name = _name_at(s, tokens[i + 1 :])  # '..." said Zelensky.'
        if name and name.lower() in PRONOUNS:
            name = _resolve_pronoun(sents, index, name.lower())
        if name:
            return name
    return None


def _name_before(sent: _Sentence, tokens: list[_Token], j: int) -> str | None:
    """The noun phrase ending at tokens[j]: an entity ending there, else up to a few words."""
    if j < 0 or not tokens[j].is_word or tokens[j].low in NP_STOP - PRONOUNS:
        return None
    end = tokens[j].end
    for e in sent.entities:
        if e.end == end:
            return re.sub(r"^(?i:the)\s+", "", e.text)
    if tokens[j].low in PRONOUNS:
        return tokens[j].text
    k = j  # the leftmost token kept
    while k > 0 and j - k < thresholds().figures_max_source_words:
        t = tokens[k - 1]
        if t.low in INNER_PREPOSITIONS or (
            t.low in DETERMINERS and k > 1 and tokens[k - 2].low in INNER_PREPOSITIONS
        ):
            k -= 1  # 'sources close to the matter'
            continue
        if (
            not t.is_word
            or t.low in NP_STOP
            or t.low in DETERMINERS
            or t.low in SPEECH_VERBS
            or _looks_finite(t.low)
        ):
            break
        k -= 1
    while k < j and (tokens[k].low in INNER_PREPOSITIONS or tokens[k].low in DETERMINERS):
        k += 1
    return sent.text[tokens[k].start : end]


def _name_at(s: str, tokens: list[_Token]) -> str | None:
    """A name starting at tokens[0]: capitalised words and their connectors ('Kyiv School of
    Economics'), or a short lower-case noun phrase ('the prosecutor's office'), with a following
    '(ACRONYM)'."""
    i = 0
    while i < len(tokens) and tokens[i].low in DETERMINERS:
        i += 1
    first = i
    capitalised = i < len(tokens) and tokens[i].text[0].isupper()
    while i < len(tokens) and i - first < thresholds().figures_max_source_words:
        t = tokens[i]
        if not t.is_word:
            break
        if capitalised:
            if t.text[0].isupper():
                i += 1
                continue
            if t.low in ("of", "for", "and", "on", "the", "de", "&") and i + 1 < len(tokens) and tokens[i + 1].text[0].isupper():
                i += 1
                continue
            break
        if t.low in NP_STOP or t.low in SPEECH_VERBS or _looks_finite(t.low):
            break
        i += 1
    if i == first:
        return None
    end = tokens[i - 1].end
    if i + 2 < len(tokens) and tokens[i].text == "(" and tokens[i + 2].text == ")" and tokens[i + 1].text.isupper():
        end = tokens[i + 2].end
    return s[tokens[first].start : end]


def _resolve_pronoun(sents: list[_Sentence], index: int, pronoun: str) -> str | None:
    """'he'/'she' -> the last person named, 'it'/'they' -> the last organisation, nearby."""
    wanted = "PERSON" if pronoun in ("he", "she") else "ORG" if pronoun in ("it", "they") else None
    if wanted is None:
        return None
    for k in range(index, max(-1, index - thresholds().figures_pronoun_lookback - 1), -1):
        for e in reversed(sents[k].entities):
            if e.label == wanted:
                return e.text
    return None


def _clean_source(phrase: str) -> str:
    words = [w for w in phrase.split() if w.lower() not in DETERMINERS | SOURCE_ADJECTIVES]
    return " ".join(words)
