"""Direct quotes (words in quotation marks) and who said them.

Pure text rules over the sentences and entities spaCy already produced: no parse walk, so the
stage costs next to nothing beside NER and runs on any worker. The cascade:

1. marks: pair quotation marks paragraph by paragraph; a quote whose paragraph ends open and
   whose next paragraph opens with a mark runs on (one match over several paragraphs).
2. cue: a speech verb next to the quote: after it ('"...," Rutte said' / '"...," said Rutte'),
   before it ('Rutte said: "..."'), or ending the lead-in paragraph ('Rutte said:' then a quote).
3. speaker: the entity, name, pronoun or description in the cue's subject slot (for ', saying'
   the main clause's subject; a name after a preposition is never one); pronouns and definite
   descriptions ('the minister') go to the last named speaker before them, 'he'/'she' to the
   last one not known (from Mr./Ms. or an earlier he/she) to be of the other gender; a surname
   to the nearest full name before it ('Rutte' -> 'Mark Rutte').
4. run-on: an uncued quote right after an attributed one (the next paragraph, the next
   sentence, or the second half of a split quote) keeps that speaker; failing that, an uncued
   quote after a sentence that opens with a person is theirs.
5. scare quotes: a quote shorter than `MIN_QUOTE_WORDS`, or a Title Case name, or a short
   fragment with no cue, is a term, not speech: it is left out (rule documented at each name).

Thresholds were tuned on `evals/quotes.py` (PolNeAR train split); re-run it after any change.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from ..model import EntitySpan, QuoteMatch
from ..thresholds import thresholds

# -- lexicons -------------------------------------------------------------------------------------

OPEN_MARKS = "“„«"  # curly opening double marks (and guillemets some wires keep)
CLOSE_MARKS = "”»"
STRAIGHT = '"'
SINGLE_OPEN = "‘'"
SINGLE_CLOSE = "’'"

# Speech verbs: base forms get -s/-ed/-ing; irregular forms are listed. A verb missing here makes
# its quotes fall back to run-on or no speaker; re-run evals/quotes.py after editing.
_REGULAR_CUES = (
    "add acknowledge admit agree allege announce argue ask assert boast caution claim comment "
    "complain concede conclude confirm contend continue counter declare demand deny describe "
    "emphasize emphasise exclaim explain insist joke lament maintain mention muse note observe "
    "opine plead pledge point predict proclaim promise quip recall recount remark repeat reply "
    "report respond retort scoff shout snap state stress suggest testify tweet urge vow warn "
    "wonder yell write post reiterate thunder fume chide blast answer remember assure interject"
).split()
_IRREGULAR_CUES = "said say says saying told tell tells telling wrote written writes writing cried cries replied replies denied denies".split()


def _inflect(base: str) -> list[str]:
    """-s, -ed and -ing forms; the bare form is left out, as most are nouns too ('the report')."""
    stem = base[:-1] if base.endswith("e") else base
    if base.endswith("y") and base[-2] not in "aeiou":
        return [base[:-1] + "ies", base[:-1] + "ied", base + "ing"]
    if base in ("quip", "snap"):
        return [base + "s", base + base[-1] + "ed", base + base[-1] + "ing"]
    return [base + "s", stem + "ed", stem + "ing"]


CUE_WORDS = sorted({f for b in _REGULAR_CUES for f in _inflect(b)} | set(_IRREGULAR_CUES), key=len, reverse=True)
_CUE = r"(?:according\s+to|quoted\s+(?:as\s+)?saying|(?:shot|fired|hit|wrote)\s+back|" + "|".join(CUE_WORDS) + r")"
# Words allowed between a speaker and the verb ('Rutte has warned', 'he later told').
_AUX = r"(?:(?:has|had|have|was|were|is|also|later|then|previously|once|again|recently|reportedly|further|would|will|had\s+been|just|simply|flatly|bluntly|quickly|repeatedly|publicly|privately|told\s+\w+\s+and)\s+)*"
CUE_RE = re.compile(r"(?<!United )\b" + _CUE + r"\b", re.IGNORECASE)  # 'United States' states nothing

PRONOUNS = {"he", "she", "him", "her"}  # resolved to the last named speaker of that gender
FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}
GENDERED_PRONOUN = re.compile(r"\b(he|his|him|himself|she|her|hers|herself)\b", re.IGNORECASE)
MALE_TITLES = {"mr", "sir"}
SENTENCE_OPENING = re.compile(r"[\W]*(?:[A-Z][\w.’'-]*\s+){0,3}")  # only titles before the name
GENDERED_TITLE = re.compile(r"\b(Mr|Mrs|Ms|Miss|Sir|Dame)\.?\s+((?:[A-Z][\w’'-]*\.?\s+){0,2}[A-Z][\w’'-]+)")
UNRESOLVED_PRONOUNS = {"they", "we", "i", "you", "it", "who"}  # no single named speaker to give
DEFINITE = {"the", "his", "her", "its", "their", "this", "that"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "gen", "lt", "col", "sir", "dame", "prof", "president", "senator"}
# Capitalised words that start a clause but name nobody (fallback name finder skips them).
NOT_NAMES = {"the", "a", "an", "in", "on", "at", "but", "and", "he", "she", "it", "they", "we", "i", "his", "her",
             "this", "that", "as", "after", "when", "while", "monday", "tuesday", "wednesday", "thursday",
             "friday", "saturday", "sunday", "mr", "mrs", "ms", "dr", "if", "so", "still", "for", "then"}
SPEAKER_LABELS = ("PERSON", "ORG", "GROUP")  # PLACE speaks only when nothing else does ('Moscow said')
TITLE_SMALL_WORDS = {"of", "the", "and", "a", "an", "in", "on", "for", "to", "at", "with", "or", "de"}

# A sentence end inside a before-frame; honorifics and initials ('Mr.', 'U.S.') are no end.
# The mark first, then what may not stand before it: with the lookbehinds first, the engine
# tried all twelve at every character of the text (a scan 28x slower, same matches).
SENTENCE_END = re.compile(
    r"[.!?](?<!\bMr.)(?<!\bMs.)(?<!\bDr.)(?<!\bSt.)(?<!\bJr.)(?<!\bSr.)(?<!\bMrs.)(?<!\bSen.)(?<!\bRep.)(?<!\bGov.)(?<!\bGen.)(?<!\b[A-Z].)"
    r"[\"”’']*\s+(?=[A-Z“\"‘'])"
)

# Where a name after a verb ends: ', NATO's secretary general' / ' in a statement' / ' who ...'.
SPEAKER_CUT = re.compile(r"[,;:]|(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\bSen)(?<!\bRep)(?<!\bGov)(?<!\bGen)(?<!\b[A-Z])\.(?:\s|$)|\s+(?:in|on|at|during|after|before|to|who|which|that|as|when|while|from|about)\s", re.IGNORECASE)

# '"...," Name, a long apposition, said': the name before the first comma (quotes end the match).
APPOSITION_HEAD = re.compile(r"([A-Z][^,\"“”]*?),\s[^\"“”]*,\s*$")
NEXT_QUOTE = re.compile(r"[\s,:]*(?:''|``|[“\"«])")

PARTICIPLE_CUES = {"adding", "saying", "noting", "telling", "writing", "warning", "stressing", "insisting", "explaining", "arguing"}

# -- thresholds -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Raw:
    """A quoted stretch before attribution: content offsets and mark offsets."""

    start: int
    end: int
    open_mark: int
    close_mark: int  # == end of paragraph when the quote never closes
    para_start: int  # of the paragraph the quote opens in
    after: int  # first character after the closing mark


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    text: str
    named: bool  # a name (entity or capitalised run), not a pronoun or description


@dataclass(frozen=True, slots=True)
class _Attribution:
    cue: str
    mention: _Mention | None
    adjacent: bool  # the cue touches the quote ('"...," he said'), as speech verbs do


# -- 1. marks -----------------------------------------------------------------------------------


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _is_headline(line: str) -> bool:
    stripped = line.strip()
    return len(stripped.split()) <= thresholds().quotes_headline_max_words and not stripped.endswith((".", "!", "?", '"', "”"))


ATTRIBUTE = re.compile(r'\w="[^"\n]*"')  # markup left in copy (<tweet author="...">) is no quote
DOUBLE_MARK = re.compile(r"''|``|[“”„«»\"]")  # NYT archive copy writes ''...'' (and ``...'')


def _double_marks(text: str, ps: int, pe: int) -> list[tuple[int, int, str]]:
    """(position, length, role) of each mark: 'o'pen / 'c'lose from a curly glyph, 's'
    (decided by pairing) for straight ones."""
    masked = [(m.start() + ps, m.end() + ps) for m in ATTRIBUTE.finditer(text[ps:pe])]
    out = []
    for m in DOUBLE_MARK.finditer(text, ps, pe):
        i, mark = m.start(), m.group(0)
        if any(a <= i < b for a, b in masked):
            continue
        role = "o" if mark in OPEN_MARKS or mark == "``" else "c" if mark in CLOSE_MARKS else "s"
        out.append((i, len(mark), role))
    return out


def _flank(text: str, i: int, ps: int, pe: int, width: int = 1) -> str:
    before = text[i - 1] if i > ps else " "
    after = text[i + width] if i + width < pe else " "
    if (before.isspace() or before in "([{—–-/") and not after.isspace():
        return "o"
    if not before.isspace() and (after.isspace() or not after.isalnum()):
        return "c"
    return "?"


def _pair_marks(text: str, paras: list[tuple[int, int]]) -> list[_Raw]:
    raws: list[_Raw] = []
    carry: tuple[int, int, int] | None = None  # (open mark, its length, paragraph start) running on
    for n, (ps, pe) in enumerate(paras):
        marks = _double_marks(text, ps, pe)
        open_at: tuple[int, int, int] | None = None
        if carry is not None:
            first = ps + len(text[ps:pe]) - len(text[ps:pe].lstrip())
            if marks and marks[0][0] == first and marks[0][2] in "os":
                open_at = carry
                marks = marks[1:]  # the repeated opening mark of a run-on paragraph
            elif marks and (marks[0][2] == "c" or _flank(text, marks[0][0], ps, pe, marks[0][1]) == "c"):
                open_at = carry  # a paragraph broken mid-quote: the quote closes down here
            else:
                raws.append(_make_raw(text, carry, paras[n - 1][1], paras[n - 1][1]))  # never closed
            carry = None
        for i, width, role in marks:
            if role == "s":
                role = "c" if open_at is not None else "o"
            elif role == "o" and open_at is not None and _flank(text, i, ps, pe, width) == "c":
                role = "c"  # a misprinted closing mark
            elif role == "c" and open_at is None and _flank(text, i, ps, pe, width) == "o":
                role = "o"
            if role == "o":
                open_at = (i, width, ps)  # an unclosed earlier mark is dropped as a stray
            elif open_at is not None:
                raws.append(_make_raw(text, open_at, i, i + width))
                open_at = None
        if open_at is not None:
            carry = open_at
        if not marks and carry is None and _is_headline(text[ps:pe]):
            raws.extend(_single_quotes(text, ps, pe))
    if carry is not None:
        raws.append(_make_raw(text, carry, paras[-1][1], paras[-1][1]))
    return [r for r in raws if r.end > r.start]


def _make_raw(text: str, opening: tuple[int, int, int], close_mark: int, after: int) -> _Raw:
    open_mark, width, para_start = opening
    start, end = open_mark + width, close_mark
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return _Raw(start, end, open_mark, close_mark, para_start, after)


def _single_quotes(text: str, ps: int, pe: int) -> list[_Raw]:
    """'Nato chief warns of 'a long war'' style headline quotes; an apostrophe inside a word
    ('Ukraine's') has letters on both sides and never closes a quote."""
    out, open_at = [], None
    for i in range(ps, pe):
        ch = text[i]
        if ch not in SINGLE_OPEN and ch not in SINGLE_CLOSE:
            continue
        side = _flank(text, i, ps, pe)
        if open_at is None and ch in SINGLE_OPEN and side == "o":
            open_at = i
        elif open_at is not None and ch in SINGLE_CLOSE and side == "c":
            out.append(_make_raw(text, (open_at, 1, ps), i, i + 1))
            open_at = None
    return out


# -- 2./3. cue and speaker ------------------------------------------------------------------------


class _Context:
    """The document's entities and quote regions, indexed for the speaker look-ups."""

    def __init__(self, text: str, sentences: Sequence[tuple[int, int]], entities: Sequence[EntitySpan], raws: list[_Raw]):
        self.text = text
        self.sentences = sorted(sentences)
        self.sent_starts = [s for s, _ in self.sentences]
        self.quoted = [(r.open_mark, r.after) for r in raws]
        self.q_starts = [q[0] for q in self.quoted]
        ents = sorted((e for e in entities if not self.in_quote(e.start)), key=lambda e: e.start)
        self.entities = ents
        self.e_starts = [e.start for e in ents]
        self.cue_subjects = self._cue_subjects()
        self.cs_starts = [m.start for m in self.cue_subjects]
        self.genders = self._genders()

    def in_quote(self, pos: int) -> bool:
        k = bisect.bisect_right(self.q_starts, pos) - 1
        return k >= 0 and self.quoted[k][0] <= pos < self.quoted[k][1]

    def sentence_at(self, pos: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.sent_starts, pos) - 1
        if k >= 0 and self.sentences[k][0] <= pos < self.sentences[k][1]:
            return self.sentences[k]
        line_start = self.text.rfind("\n", 0, pos) + 1
        line_end = self.text.find("\n", pos)
        return line_start, len(self.text) if line_end < 0 else line_end

    def last_sentence_end(self, start: int, end: int) -> int | None:
        """Where the last sentence break (SENTENCE_END) that begins at or after `start` and ends
        at or before `end` ends, if any: what scanning the text from `start` finds, from one
        scan of the text (a scan per quote from its paragraph's start went over long
        paragraphs again and again: 2.5% of ingest's CPU)."""
        starts, ends = self._breaks
        first = bisect.bisect_left(starts, start)
        last = bisect.bisect_right(ends, end) - 1
        return ends[last] if last >= first else None

    @cached_property
    def _breaks(self) -> tuple[list[int], list[int]]:
        """Starts and ends of the text's sentence breaks, scanned when a quote first needs them."""
        spans = [m.span() for m in SENTENCE_END.finditer(self.text)]
        return [b for b, _ in spans], [e for _, e in spans]

    def entities_in(self, start: int, end: int) -> list[EntitySpan]:
        lo = bisect.bisect_left(self.e_starts, start)
        hi = bisect.bisect_left(self.e_starts, end)
        return [e for e in self.entities[lo:hi] if e.end <= end]

    def _genders(self) -> dict[str, str]:
        """Surname -> 'm'/'f' where the text says so: a title ('Mr. Weiner', 'Ms. Abedin') or
        the first he/she after the person is a subject (opens a sentence, or says something),
        before anyone else is named; a name inside a clause ('married to Huma Abedin, ...
        his') gives no evidence. A surname with evidence both ways (Mr. and Mrs. Clinton) gets
        none."""
        votes: dict[str, list[int]] = {}
        text = self.text
        for m in GENDERED_TITLE.finditer(text):
            v = votes.setdefault(_surname(m.group(2)), [0, 0])
            v[m.group(1).lower().rstrip(".") not in MALE_TITLES] += thresholds().quotes_title_vote
        subjects = {m.start for m in self.cue_subjects}
        for n, e in enumerate(self.entities):
            if e.label != "PERSON":
                continue
            if e.start not in subjects and not SENTENCE_OPENING.fullmatch(text, self.sentence_at(e.start)[0], e.start):
                continue
            stop = min(e.end + thresholds().quotes_pronoun_window, self.entities[n + 1].start if n + 1 < len(self.entities) else len(text))
            for p in GENDERED_PRONOUN.finditer(text, e.end, stop):
                if not self.in_quote(p.start()):
                    votes.setdefault(_surname(e.text), [0, 0])[p.group(1).lower() in FEMALE_PRONOUNS] += 1
                    break
        return {k: ("m" if m > f else "f") for k, (m, f) in votes.items() if k and (m >= thresholds().quotes_gender_margin * f or f >= thresholds().quotes_gender_margin * m) and m != f}

    def gender(self, name: str) -> str | None:
        return self.genders.get(_surname(name))

    def _cue_subjects(self) -> list[_Mention]:
        """PERSON entities that are the subject of a speech verb anywhere ('Merkel said she
        ...'): the antecedents a later 'she said' most likely means, ahead of a person only
        mentioned in passing."""
        out = []
        for e in self.entities:
            if e.label != "PERSON":
                continue
            m = re.match(r"\s+" + _AUX + _CUE + r"\b", self.text[e.end : e.end + 60], re.IGNORECASE)
            if m and not self.in_quote(e.end + 1):
                out.append(_Mention(e.start, e.end, e.text, True))
        return out


def _possessive(text: str, e: EntitySpan) -> bool:
    """'Clinton's spokesman said': the owner is not the speaker (spaCy keeps the 's or not)."""
    return e.text.endswith(("’s", "'s")) or text[e.end : e.end + 2] in ("’s", "'s")


def _speaker_in(ctx: _Context, start: int, end: int, *, prefer_last: bool) -> _Mention | None:
    """The speaker named in a subject slot: an entity (PERSON first, not a possessive), else a
    pronoun or description right against the cue, else a capitalised run NER missed."""
    text = ctx.text
    region = text[start:end]
    if not region.strip() or len(region.split()) > thresholds().quotes_max_speaker_words:
        return None
    ents = [e for e in ctx.entities_in(start, end) if not _possessive(text, e)]
    for labels in (("PERSON",), SPEAKER_LABELS, ("PLACE",)):
        cands = [e for e in ents if e.label in labels]
        if cands:
            e = cands[-1] if prefer_last else cands[0]
            return _Mention(e.start, e.end, e.text, True)
    words = list(re.finditer(r"[A-Za-z][\w’'.-]*", region))
    if not words:
        return None
    word = (words[-1] if prefer_last else words[0]).group(0).lower()
    first = words[0].group(0).lower()
    if first in PRONOUNS and len(words) <= 2 or word in PRONOUNS and len(words) == 1:
        w = words[0]
        return _Mention(start + w.start(), start + w.end(), w.group(0), False)
    if first in UNRESOLVED_PRONOUNS and len(words) <= 2:
        return None
    run = _capitalised_run(region, prefer_last=prefer_last)
    if run is not None:
        s, e = run
        return _Mention(start + s, start + e, region[s:e], True)
    if first in DEFINITE:
        w0, w1 = words[0], words[-1]
        return _Mention(start + w0.start(), start + w1.end(), region[w0.start() : w1.end()], False)
    return None


def _capitalised_run(region: str, *, prefer_last: bool) -> tuple[int, int] | None:
    runs = []
    for m in re.finditer(r"(?:[A-Z][\w’'.-]*\s+)*[A-Z][\w’'-]*", region):
        words = m.group(0).split()
        while words and words[0].lower().strip(".") in NOT_NAMES:
            words = words[1:]
        if not words:
            continue
        s = m.start() + m.group(0).index(words[0])
        runs.append((s, m.end()))
    if not runs:
        return None
    return runs[-1] if prefer_last else runs[0]


def _after(ctx: _Context, raw: _Raw, limit: int) -> _Attribution | None:
    """'"...," Rutte said' / '"...," said Rutte' / '"...", according to X' in the rest of the
    sentence after the closing mark."""
    text = ctx.text
    s = raw.after
    frame = text[s:limit]
    m = re.match(r"[\s,.;:!?—–-]*", frame)
    lead = m.end() if m else 0
    ended = raw.end > raw.start and text[raw.end - 1] == "." and frame[lead : lead + 1].isupper()
    body = frame[lead:]
    cue = CUE_RE.search(body)
    if cue is None:
        return None
    b = s + lead
    head = re.sub(r"\s+" + _AUX + r"$", " ", body[: cue.start()], flags=re.IGNORECASE)
    apposition = None
    if len(head.split()) > thresholds().quotes_max_speaker_words:
        apposition = APPOSITION_HEAD.match(head)
        if apposition is None or len(head.split()) > thresholds().quotes_max_apposition_words or len(apposition.group(1).split()) > thresholds().quotes_max_name_words:
            return None
    if ended and len(body.split()) > 12:
        return None  # a new sentence of its own, not this quote's tag
    if ended and NEXT_QUOTE.match(text, b + cue.end()):
        return None  # '"...." He added, "..."': the tag of the next quote
    word = cue.group(0).lower()
    mention = None
    if apposition is not None:
        mention = _speaker_in(ctx, b, b + apposition.end(1), prefer_last=True)
    elif head.strip() and not word.startswith(("according", "quoted")):  # '"...," Rutte said'
        mention = _speaker_in(ctx, b, b + len(head.rstrip()), prefer_last=True)
    if mention is None and not re.search(r"\b(?:and|or|but)\W*$", head, re.IGNORECASE):  # '"...," said Mark Rutte, NATO's secretary general' / 'according to X'
        spk = body[cue.end() :]
        lead2 = len(spk) - len(spk.lstrip())
        cut = SPEAKER_CUT.search(spk, lead2)
        e = b + cue.end() + (cut.start() if cut else len(spk.rstrip(".")))
        mention = _speaker_in(ctx, b + cue.end() + lead2, e, prefer_last=False)
    return _Attribution(word, mention, not head.strip() or mention is not None)


def _before(ctx: _Context, frame_start: int, open_mark: int, *, subject_floor: int | None = None) -> _Attribution | None:
    """'Rutte said: "..."' / 'Rutte said the plan was "..."' / 'according to X, "..."' /
    'X was quoted as saying "..."' in the sentence before the opening mark. The cue is looked
    for after `frame_start` (the end of an earlier quote in the sentence); a subject missing
    there is looked for back to `subject_floor` ('Clinton supports "...," and recalled: "..."')."""
    text = ctx.text
    # spaCy often puts a sentence break after a quote, not before the next one. A break ends
    # before `open_mark`: its lookahead needs the next character (as a scan stopping there)
    brk = ctx.last_sentence_end(frame_start, open_mark - 1)
    frame_start = frame_start if brk is None else brk
    if subject_floor is not None:
        brk = ctx.last_sentence_end(subject_floor, min(frame_start, open_mark - 1))
        subject_floor = subject_floor if brk is None else brk
    frame = text[frame_start:open_mark]
    cues = list(CUE_RE.finditer(frame))
    if not cues:
        if frame.rstrip().endswith(":"):  # 'Cruz called them on it:'
            mention = _lead_in_subject(ctx, frame_start, open_mark) or _speaker_in(ctx, frame_start, open_mark, prefer_last=False)
            if mention is not None:
                return _Attribution(":", mention, True)
        return None
    cue = cues[-1]
    word = cue.group(0).lower()
    adjacent = len(frame[cue.end() :].split()) <= 3
    if word.startswith("according") or word.startswith("quoted"):
        tail_end = frame_start + len(frame.rstrip(" ,:"))
        mention = _speaker_in(ctx, frame_start + cue.end(), tail_end, prefer_last=False)
        return _Attribution(word, mention, adjacent)
    q = re.search(r"quoted\s+(.{1,80}?)\s+as\s+saying", frame[: cue.end()], re.IGNORECASE)
    if q:
        mention = _speaker_in(ctx, frame_start + q.start(1), frame_start + q.end(1), prefer_last=False)
        return _Attribution("quoted as saying", mention, adjacent)
    subj_start = frame_start
    head = frame[: cue.start()]
    if not head.strip():  # 'Continued Stone: "..."', 'Said Rutte, "..."': the subject follows
        tail = frame[cue.end() :]
        cut = SPEAKER_CUT.search(tail, len(tail) - len(tail.lstrip()))
        tail_end = frame_start + cue.end() + (cut.start() if cut else len(tail.rstrip()))
        mention = _speaker_in(ctx, frame_start + cue.end(), tail_end, prefer_last=False)
        return _Attribution(word, mention, adjacent)
    if cues[0].start() < cue.start() and word in PARTICIPLE_CUES:
        head = frame[: cues[0].start()]  # 'Merkel stressed ..., adding that': the first verb's subject
    if word.endswith("ing") and head.rstrip().endswith(","):
        # 'Kasich bemoaned America's reputation, saying': the main clause's subject, not the last name
        mention = _clause_subject(ctx, subj_start, subj_start + len(head.rstrip()))
    else:
        mention = _subject_before(ctx, subj_start, subj_start + len(head.rstrip()))
    if mention is None and subject_floor is not None and subject_floor < frame_start:
        mention = _clause_subject(ctx, subject_floor, frame_start)
    return _Attribution(word, mention, adjacent)


def _clause_subject(ctx: _Context, start: int, end: int) -> _Mention | None:
    """The first person (or organisation) named in a clause outside a prepositional phrase, or
    the pronoun the clause opens with."""
    first = re.match(r"\W*([A-Za-z]+)\b", ctx.text[start:end])
    if first and ctx.in_quote(start + first.start(1)):
        first = None
    if first and first.group(1).lower() in PRONOUNS:
        return _Mention(start + first.start(1), start + first.end(1), first.group(1), False)
    if first and first.group(1).lower() in UNRESOLVED_PRONOUNS:
        return None
    ents = [e for e in ctx.entities_in(start, end) if _not_object(ctx, start, e)]
    cands = [e for e in ents if e.label in SPEAKER_LABELS]
    if cands:
        return _Mention(cands[0].start, cands[0].end, cands[0].text, True)
    return _subject_before(ctx, start, end)


# An entity right after a preposition ('by Minnesota Sen. Al Franken', 'to Iowans') is no
# subject; nor, unless the verb follows it at once, one after a subordinator ('When Wallace died').
_PREPOSITIONS = r"of|to|with|about|at|on|for|by|from|against|than|like|behind|toward|towards"
PREPOSITION_BEFORE = re.compile(r"\b(?:" + _PREPOSITIONS + r")\s+(?:[\w.’'-]+\s+){0,3}$", re.IGNORECASE)
SUBORDINATE_BEFORE = re.compile(r"\b(?:" + _PREPOSITIONS + r"|after|before|when|while)\s+(?:[\w.’'-]+\s+){0,3}$", re.IGNORECASE)
# A name right against the verb ('— Sanders responded'), found even when NER missed it.
NAME_AT_END = re.compile(r"((?:[A-Z][\w’'.-]*\s+){0,3}[A-Z][\w’'-]*)\s*$")
PARENTHESIS_AT_END = re.compile(r"\s*\([^()]{0,40}\)[\s,]*$")  # 'Sen. Jack Reed (D-R.I.), said'


def _not_object(ctx: _Context, start: int, e: EntitySpan) -> bool:
    return not _possessive(ctx.text, e) and not SUBORDINATE_BEFORE.search(ctx.text[max(start, e.start - 40) : e.start])


def _lead_in_subject(ctx: _Context, start: int, end: int) -> _Mention | None:
    """'When Wallace died in 1998, President Clinton released the following statement:': the
    last person named outside a prepositional or subordinate phrase is the clause's subject."""
    for e in reversed(ctx.entities_in(start, end)):
        if e.label == "PERSON" and _not_object(ctx, start, e):
            return _Mention(e.start, e.end, e.text, True)
    return None


def _subject_before(ctx: _Context, start: int, end: int) -> _Mention | None:
    """The subject of a verb at `end`: a pronoun right before it, else the nearest named entity
    ('After meeting Macron, Trump said') unless it sits in a ', who ...' clause of an earlier one."""
    text = ctx.text
    paren = PARENTHESIS_AT_END.search(text, start, end)
    if paren:
        end = paren.start()
    region = text[start:end]
    last = re.search(r"([A-Za-z]+)\W*$", region)
    if last and last.group(1).lower() in PRONOUNS:
        return _Mention(start + last.start(1), start + last.end(1), last.group(1), False)
    if last and last.group(1).lower() in UNRESOLVED_PRONOUNS:
        return None
    near = NAME_AT_END.search(region)
    if (near and near.group(1).split()[0].lower().strip(".") not in NOT_NAMES and not near.group(1).endswith(("’s", "'s"))
            and not PREPOSITION_BEFORE.search(region[: near.start(1)])):
        s0, e0 = start + near.start(1), start + near.end(1)
        for e in ctx.entities_in(start, end):
            if e.start < e0 and s0 < e.end and e.label in SPEAKER_LABELS:
                return _Mention(e.start, e.end, e.text, True)
        if not any(e.start < e0 and s0 < e.end for e in ctx.entities_in(max(start, s0 - 80), end)):
            return _Mention(s0, e0, near.group(1), True)
    ents = [e for e in ctx.entities_in(start, end) if _not_object(ctx, start, e)]
    persons = [e for e in ents if e.label == "PERSON"] or [e for e in ents if e.label in SPEAKER_LABELS]
    if persons:
        pick = persons[-1]
        for e in persons[:-1]:
            if re.match(r",\s+(?:who|whose)\b", text[e.end : e.end + 10]):
                pick = e
                break
        return _Mention(pick.start, pick.end, pick.text, True)
    desc = re.search(r"\b(the|his|her|its|their|a|an)\s+((?:[\w’'-]+\s+){0,4}[\w’'-]+)\W*$", region, re.IGNORECASE)
    run = _capitalised_run(region, prefer_last=True)
    if run is not None:
        s, e = run
        return _Mention(start + s, start + e, region[s:e], True)
    if desc:
        return _Mention(start + desc.start(), start + desc.end(2), region[desc.start() : desc.end(2)], False)
    places = [e for e in ents if e.label == "PLACE"]
    if places:
        return _Mention(places[-1].start, places[-1].end, places[-1].text, True)
    return None


# -- resolution ---------------------------------------------------------------------------------


def _surname(name: str) -> str:
    words = [w.strip(".,’'").lower() for w in name.split()]
    words = [w for w in words if w and w not in HONORIFICS]
    return words[-1].removesuffix("’s").removesuffix("'s") if words else ""


def _full_name(ctx: _Context, m: _Mention) -> _Mention:
    """The nearest earlier mention of the same surname that gives more of the name."""
    key = _surname(m.text)
    if not key:
        return m
    k = bisect.bisect_left(ctx.e_starts, m.start)
    for e in reversed(ctx.entities[:k]):
        if e.end <= m.start and len(e.text.split()) >= 2 and _surname(e.text) == key and e.label != "PLACE":
            if e.text.split()[0].lower().strip(".") not in HONORIFICS:
                return _Mention(e.start, e.end, e.text, True)
    # NER missed the full name ('councilor Alexei Gorinov'): a capitalised first name before it
    runs = list(re.finditer(r"\b([A-Z][\w’'-]+)[ \t]+(?:[A-Z]\.[ \t]+)?" + re.escape(m.text.split()[-1]) + r"\b", ctx.text[: m.start]))
    for r in reversed(runs):
        if r.group(1).lower() not in HONORIFICS and r.group(1).lower() not in NOT_NAMES and not ctx.in_quote(r.start()):
            return _Mention(r.start(), r.end(), r.group(0), True)
    return m


def _antecedent(ctx: _Context, pos: int, speakers: list[_Mention], pronoun: str = "") -> _Mention | None:
    """The last named speaker before `pos` (a cue subject or an attributed quote's speaker),
    else the last person named outside quotes; for 'he'/'she', the last one not known to be of
    the other gender."""
    floor = pos - thresholds().quotes_speaker_lookback
    want = {"he": "m", "him": "m", "she": "f", "her": "f"}.get(pronoun.lower())

    def fits(m: _Mention) -> bool:
        return want is None or ctx.gender(m.text) in (None, want)

    k = bisect.bisect_left(ctx.cs_starts, pos)
    cands = [m for m in ctx.cue_subjects[:k][::-1][:thresholds().quotes_antecedent_candidates] if m.start >= floor]
    cands += [m for m in speakers[::-1][:thresholds().quotes_antecedent_candidates] if floor <= m.start < pos]
    for m in sorted(cands, key=lambda m: -m.start):
        if fits(m):
            return m
    k = bisect.bisect_left(ctx.e_starts, pos)
    for e in reversed(ctx.entities[:k]):
        if e.start < floor:
            break
        if e.label == "PERSON" and fits(_Mention(e.start, e.end, e.text, True)):
            return _Mention(e.start, e.end, e.text, True)
    return None


LEAD_SENTENCE_END = re.compile(r"[.!?:]\s*$")


def _lead_sentence_subject(ctx: _Context, raw: _Raw, speakers: list[_Mention]) -> _Mention | None:
    text = ctx.text
    lead = text[raw.para_start : raw.open_mark]
    if not lead.strip() or not LEAD_SENTENCE_END.search(lead) or ctx.in_quote(raw.open_mark - 1 - (len(lead) - len(lead.rstrip()))):
        return None
    brk = ctx.last_sentence_end(raw.para_start, raw.open_mark - 1)
    start = raw.para_start if brk is None else brk
    first = re.match(r"\W*([A-Za-z]+)\b", text[start : raw.open_mark])
    if first and first.group(1).lower() in ("he", "she"):
        return _antecedent(ctx, start + first.start(1), speakers, first.group(1))
    for e in ctx.entities_in(start, raw.open_mark):
        if e.label == "PERSON" and SENTENCE_OPENING.fullmatch(text, start, e.start) and not _possessive(text, e):
            return _Mention(e.start, e.end, e.text, True)
    return None


# -- the cascade --------------------------------------------------------------------------------


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end < 0 else end


def _words(s: str) -> int:
    return len(re.findall(r"\w+", s))


def _is_title(s: str) -> bool:
    """'Meet the Press.', 'State of the Union,': a Title Case name (US style puts the comma
    or period inside the marks); a sentence of speech has lower-case words."""
    words = re.findall(r"[\w’'-]+", s)
    if not words or re.search(r"[.!?]\s", s):
        return False
    return all(w[0].isupper() or w.lower() in TITLE_SMALL_WORDS or w[0].isdigit() for w in words)


def find_quotes(text: str, sentences: Sequence[tuple[int, int]], entities: Sequence[EntitySpan]) -> list[QuoteMatch]:
    """Direct quotes with their speakers, in text order. `sentences`/`entities` are the spaCy
    spans for the same text; entity labels are the project's PERSON/ORG/PLACE/GROUP."""
    paras = _paragraphs(text)
    raws = _pair_marks(text, paras)
    ctx = _Context(text, sentences, entities, raws)
    para_index = [p[0] for p in paras]
    out: list[QuoteMatch] = []
    speakers: list[_Mention] = []
    prev: tuple[_Raw, QuoteMatch] | None = None
    for i, raw in enumerate(raws):
        content = text[raw.start : raw.end]
        # 2. cue: after the quote, then before it, then a lead-in paragraph ending in ':'
        after_pos = raw.after + len(text[raw.after : raw.after + 8]) - len(text[raw.after : raw.after + 8].lstrip(" ,.;:!?—–-"))
        limit = min(ctx.sentence_at(min(after_pos, len(text) - 1))[1], _line_end(text, raw.after))
        if i + 1 < len(raws) and raws[i + 1].open_mark >= raw.after:
            limit = min(limit, raws[i + 1].open_mark)
        attribution = _after(ctx, raw, max(limit, raw.after))
        if attribution is None or attribution.mention is None:
            frame_start = max(ctx.sentence_at(raw.open_mark)[0], raw.para_start)
            if i and raws[i - 1].after <= raw.open_mark:
                frame_start = max(frame_start, raws[i - 1].after)
            before = _before(ctx, frame_start, raw.open_mark, subject_floor=raw.para_start)
            if before is None and not text[raw.para_start : raw.open_mark].strip():
                pk = bisect.bisect_left(para_index, raw.para_start)
                if pk and text[paras[pk - 1][0] : paras[pk - 1][1]].rstrip().endswith(":"):
                    ps, pe = paras[pk - 1]
                    lead_s = max(ctx.sentence_at(pe - 1)[0], ps)
                    before = _before(ctx, lead_s, pe)
            if before is not None and (attribution is None or before.mention is not None):
                attribution = before
        # 5. scare quotes and titles
        n = _words(content)
        adjacent = attribution is not None and attribution.adjacent
        if n < thresholds().quotes_min_quote_words and not adjacent:
            continue
        if _is_title(content) and not adjacent:
            continue
        # 3. speaker
        mention = attribution.mention if attribution else None
        if mention is not None:
            if not mention.named:
                mention = _antecedent(ctx, mention.start, speakers, mention.text)
            mention = _full_name(ctx, mention) if mention is not None else None
        # 4. run-on: an uncued quote right after an attributed one
        if (attribution is None or mention is None) and prev is not None and prev[1].speaker is not None:
            p_raw, p_q = prev
            pk = bisect.bisect_right(para_index, raw.para_start) - bisect.bisect_right(para_index, p_raw.close_mark)
            between = text[p_raw.after : raw.open_mark]
            # '"A," said X, an aide to Y. "B."': one tag sentence between the halves of a split
            # quote; a person named in its apposition is not a new speaker
            split = pk == 0 and SENTENCE_END.search(between.rstrip()) is None and CUE_RE.search(between) is not None
            others = [e for e in ctx.entities_in(p_raw.after, raw.open_mark) if e.label == "PERSON" and _surname(e.text) != _surname(p_q.speaker)]
            if 0 <= pk <= thresholds().quotes_run_on_paragraphs and (split or not others):
                mention = _Mention(p_q.speaker_start, p_q.speaker_end, p_q.speaker, True)
        # 5. lead sentence: 'Clinton touted her record. "We need ..."' (no cue, no run-on; the
        # sentence before it in the paragraph opens with a person)
        if attribution is None and mention is None and n >= thresholds().quotes_min_uncued_words:
            mention = _lead_sentence_subject(ctx, raw, speakers)
        if attribution is None and mention is None and n < thresholds().quotes_min_uncued_words and text[raw.para_start : raw.open_mark].strip():
            continue  # a short uncued fragment inside a sentence: a term, not speech
        q = QuoteMatch(
            start=raw.start,
            end=raw.end,
            text=content,
            speaker=mention.text if mention else None,
            speaker_start=mention.start if mention else None,
            speaker_end=mention.end if mention else None,
            cue=attribution.cue if attribution else None,
        )
        if mention is not None:
            speakers.append(mention)
        out.append(q)
        prev = (raw, q)
    return out
