"""Direct quotes and speakers: quote P/R/F1 and speaker accuracy on PolNeAR, against a naive
baseline (quote regex + nearest PERSON) run on the same spaCy output in the same run.

    .venv/bin/python evals/quotes.py [--limit N] [--half even|odd] [--verbose] [--data DIR]

Data: ../shared/eval/quotes/polnear-train (brat standoff: `text/<doc>.txt`, and one or more
`attributions/<doc>_<annotator>.ann` with Source / Cue / Content spans tied by Attribution
relations). Where a document has several annotators, the first file (sorted) is used.

Gold direct quotes: every Content fragment (discontinuous spans are split, then fragments
separated only by whitespace or quotation marks are re-joined: annotators cut at sentence and
paragraph breaks) in which quoted characters (text between paired double marks, or '' pairs in
NYT copy) cover >= GOLD_QUOTED_SHARE of its letters; each quoted stretch in it, marks excluded, is
one gold quote ('"A," he said, "B."' is two, as the extractor gives it). Mixed fragments
quoted below that share ('said Clinton was "absolutely wrong" to ...') are paraphrase with a
quoted phrase: a prediction overlapping one is ignored, neither right nor wrong.

Matching: a prediction and a gold quote match when their character overlap is >= 50% of the
longer of the two (so each covers at least half of the other); one-to-one, greedily by overlap.

Speaker accuracy: over matched gold quotes whose gold Source names someone (the Source span
holds a spaCy PERSON/ORG/GPE/NORP entity, or a capitalised word that is not a pronoun or a
sentence-initial determiner); right when the predicted speaker span overlaps the Source span,
or the predicted speaker's surname (last word, honorifics and possessives dropped) is a word of
the Source span ('Mark Schmidt' for 'Mr. Schmidt, who bought the property').

Naive baseline: every "..." / “...” pair in a paragraph is a quote; its speaker is the PERSON
entity nearest to it (by character distance, either side, outside quotes).

spaCy output is cached in /tmp/wiretrail-quotes-cache (keyed by text hash) so reruns are cheap.
Targets (brief): quote F1 >= 0.93 and speaker accuracy >= 0.90; the baseline is ~0.93 / ~0.72.
--half even|odd scores every other document: tune on one half, check the other for overfitting.
Re-run after changing src/wiretrail/extract/quotes.py.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from wiretrail.extract.quotes import find_quotes
from wiretrail.model import EntitySpan, EntityType, QuoteMatch

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "eval" / "quotes" / "polnear-train"
CACHE = Path("/tmp/wiretrail-quotes-cache")
GOLD_QUOTED_SHARE = 0.5  # a Content fragment at least half in quotation marks is a direct quote
GOLD_MIN_WORDS = 3  # one- and two-word quoted terms ('calling it "pathetic"') are scare quotes by
# the extractor's documented rule: ignored both ways in the main figure; the strict line counts them
MATCH_OVERLAP = 0.5  # share of the longer span the overlap must cover
SPACY_LABELS = {"PERSON": EntityType.PERSON, "ORG": EntityType.ORG, "GPE": EntityType.PLACE,
                "LOC": EntityType.PLACE, "FAC": EntityType.PLACE, "NORP": EntityType.GROUP}
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "the", "a", "an", "his", "her", "their", "its", "this", "that", "one", "some", "many", "both"}
HONORIFICS = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "senator"}


# -- spaCy (cached) ---------------------------------------------------------------------------


def parse(text: str) -> dict:
    """Sentences and entities for a whole text, parsed line by line (offsets shifted)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"{hashlib.sha1(text.encode()).hexdigest()}.json"
    if path.exists():
        return json.loads(path.read_text())
    from wiretrail.nlp import parse_lines

    (parsed,) = parse_lines([text])
    out = {"sentences": [list(s) for s in parsed.sentences], "entities": [list(e) for e in parsed.entities]}
    path.write_text(json.dumps(out))
    return out


def entity_spans(text: str, ents: list) -> list[EntitySpan]:
    return [EntitySpan(s, e, text[s:e], SPACY_LABELS[lab].value, lab) for s, e, lab in ents if lab in SPACY_LABELS]


# -- gold ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    source: tuple[int, int, str] | None  # a named Source span, else None
    counted: bool  # a direct quote (else: a mixed fragment, ignored when predicted)


def read_gold(text: str, ann: Path, ents: list, *, min_words: int = 0) -> list[Gold]:
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    rels = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        if parts[0].startswith("T"):
            kind, _, offsets = parts[1].partition(" ")
            frags = [tuple(int(x) for x in f.split()) for f in offsets.split(";")]
            spans[parts[0]] = (kind, frags)
        elif parts[0].startswith("E"):
            rels.append(dict(a.split(":", 1) for a in parts[1].split() if ":" in a))
    named_ents = [(s, e) for s, e, lab in ents if lab in SPACY_LABELS]
    golds = []
    seen = set()
    for rel in rels:
        if "Content" not in rel or rel["Content"] not in spans:
            continue
        source = None
        if "Source" in rel and rel["Source"] in spans:
            s_frags = spans[rel["Source"]][1]
            ss, se = s_frags[0][0], s_frags[-1][1]
            if _is_named(text, ss, se, named_ents):
                source = (ss, se, text[ss:se])
        for cs, ce in _merged(text, spans[rel["Content"]][1]):
            quoted = _quoted_parts(text[cs:ce])
            if not quoted:
                continue
            letters = sum(ch.isalnum() for ch in text[cs:ce]) or 1
            share = sum(sum(ch.isalnum() for ch in text[cs + a : cs + b]) for a, b in quoted) / letters
            counted = share >= GOLD_QUOTED_SHARE
            for a, b in quoted:  # '"A," he said, "B."' is two quotes, as the extractor gives it
                qs, qe = cs + a, cs + b
                while qs < qe and text[qs].isspace():
                    qs += 1
                while qe > qs and text[qe - 1].isspace():
                    qe -= 1
                if (qs, qe) in seen or qe <= qs:
                    continue
                seen.add((qs, qe))
                speech = len(re.findall(r"\w+", text[qs:qe])) >= min_words
                golds.append(Gold(qs, qe, source, counted and speech))
    return golds


MARK = re.compile(r"''|[“”\"]")  # NYT archive copy writes ''...'' for double quotes


def _merged(text: str, frags: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Fragments split only by a sentence break or a run-on paragraph's marks are one quote."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(frags):
        if out and not text[out[-1][1] : s].strip(" \n\t“”\"'") and s >= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _quoted_parts(frag: str) -> list[tuple[int, int]]:
    """(start, end) of the quoted stretches of a fragment; a closing mark with no opening one
    closes a quote that began before the fragment, an opening mark with no close runs to its
    end (annotators cut quotes at sentence and paragraph breaks)."""
    parts, open_at = [], None
    marks = [(m.start(), m.group(0)) for m in MARK.finditer(frag)]
    for i, ch in marks:
        opening = ch == "“" or (ch != "”" and open_at is None)
        if opening and open_at is None:
            open_at = i + len(ch)
        elif not opening:
            parts.append((0 if open_at is None else open_at, i))
            open_at = None
    if open_at is not None:
        parts.append((open_at, len(frag)))
    return [(a, b) for a, b in parts if frag[a:b].strip()]


def _is_named(text: str, s: int, e: int, named_ents: list) -> bool:
    if any(a < e and s < b for a, b in named_ents):
        return True
    words = re.findall(r"[A-Za-z][\w’'.-]*", text[s:e])
    return any(w[0].isupper() and w.lower().strip(".") not in PRONOUNS for w in words)


# -- scoring ------------------------------------------------------------------------------------


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _surname(name: str) -> str:
    words = [w.strip(".,’'").lower().removesuffix("’s").removesuffix("'s") for w in name.split()]
    words = [w for w in words if w and w not in HONORIFICS]
    return words[-1] if words else ""


def _words_of(name: str) -> set[str]:
    return {w.strip(".,’'").lower().removesuffix("’s").removesuffix("'s") for w in name.split()}


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    spk_total: int = 0
    spk_right: int = 0

    def add(self, other: "Score") -> None:
        for f in ("tp", "fp", "fn", "spk_total", "spk_right"):
            setattr(self, f, getattr(self, f) + getattr(other, f))

    def line(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        acc = self.spk_right / self.spk_total if self.spk_total else 0.0
        return (f"{name:<10} quotes P {p:.3f} R {r:.3f} F1 {f:.3f} (tp {self.tp} fp {self.fp} fn {self.fn})"
                f"   speaker acc {acc:.3f} ({self.spk_right}/{self.spk_total})")


def score(text: str, preds: list[QuoteMatch], golds: list[Gold], log: list[str] | None = None, doc: str = "") -> Score:
    sc = Score()
    pairs = []
    for i, p in enumerate(preds):
        for j, g in enumerate(golds):
            ov = _overlap((p.start, p.end), (g.start, g.end))
            if ov and ov >= MATCH_OVERLAP * max(p.end - p.start, g.end - g.start):
                pairs.append((ov, i, j))
    used_p, used_g = set(), set()
    for ov, i, j in sorted(pairs, reverse=True):
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        g, p = golds[j], preds[i]
        if not g.counted:
            continue
        sc.tp += 1
        if g.source is not None:
            sc.spk_total += 1
            ok = p.speaker is not None and (
                (p.speaker_start is not None and _overlap((p.speaker_start, p.speaker_end), g.source[:2]) > 0)
                or _surname(p.speaker) in _words_of(g.source[2]))
            sc.spk_right += ok
            if not ok and log is not None:
                log.append(f"SPK  {doc}: gold {g.source[2]!r} pred {p.speaker!r} | {text[p.start:p.end][:80]!r}")
    for i, p in enumerate(preds):
        if i in used_p:
            continue
        # an unmatched prediction overlapping a mixed (uncounted) fragment is ignored
        if any(not g.counted and _overlap((p.start, p.end), (g.start, g.end)) for g in golds):
            continue
        sc.fp += 1
        if log is not None:
            log.append(f"FP   {doc}: {text[max(0, p.start - 40):p.end + 40]!r}".replace("\\n", " / "))
    for j, g in enumerate(golds):
        if g.counted and j not in used_g:
            sc.fn += 1
            if log is not None:
                log.append(f"FN   {doc}: {text[max(0, g.start - 40):g.end + 40]!r}".replace("\\n", " / "))
    return sc


# -- baseline -----------------------------------------------------------------------------------

NAIVE_QUOTE = re.compile(r"(?:[“\"]|'')([^“”\"\n]+?)(?:[”\"]|'')")


def naive_quotes(text: str, entities: list[EntitySpan]) -> list[QuoteMatch]:
    spans = [(m.start(1), m.end(1)) for m in NAIVE_QUOTE.finditer(text)]
    persons = [e for e in entities if e.label == "PERSON" and not any(s - 1 <= e.start < t + 1 for s, t in spans)]
    out = []
    for s, t in spans:
        best = min(persons, key=lambda e: min(abs(e.end - s), abs(e.start - t)), default=None)
        out.append(QuoteMatch(s, t, text[s:t], best.text if best else None,
                              best.start if best else None, best.end if best else None))
    return out


# -- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--verbose", action="store_true", help="print every miss")
    ap.add_argument("--half", choices=("even", "odd"), help="only the even- or odd-numbered documents (sorted "
                    "order, from 0): tune on one half, check the other for overfitting")
    args = ap.parse_args(argv)
    if not (args.data / "text").is_dir():
        print(f"no PolNeAR data at {args.data}", file=sys.stderr)
        return 2
    docs = sorted((args.data / "text").glob("*.txt"))
    if args.half:
        docs = docs[args.half == "odd" :: 2]
    if args.limit:
        docs = docs[: args.limit]
    ours, naive, strict, strict_naive = Score(), Score(), Score(), Score()
    log: list[str] = []
    words = 0
    spent = 0.0
    for path in docs:
        anns = sorted((args.data / "attributions").glob(path.stem + "_*.ann"))
        if not anns:
            continue
        text = path.read_text(encoding="utf-8")
        parsed = parse(text)
        ents = entity_spans(text, parsed["entities"])
        sents = [tuple(s) for s in parsed["sentences"]]
        golds = read_gold(text, anns[0], parsed["entities"], min_words=GOLD_MIN_WORDS)
        all_golds = read_gold(text, anns[0], parsed["entities"])
        t0 = time.perf_counter()
        preds = find_quotes(text, sents, ents)
        spent += time.perf_counter() - t0
        words += len(text.split())
        ours.add(score(text, preds, golds, log if args.verbose else None, path.stem[:40]))
        baseline = naive_quotes(text, ents)
        naive.add(score(text, baseline, golds))
        strict.add(score(text, preds, all_golds))
        strict_naive.add(score(text, baseline, all_golds))
    for line in log:
        print(line)
    print(f"PolNeAR {args.data.name}{' (' + args.half + ' half)' if args.half else ''}: {len(docs)} documents, {words} words")
    print(ours.line("wiretrail"))
    print(naive.line("naive"))
    print("strict (one- and two-word quoted terms counted as gold quotes):")
    print(strict.line("wiretrail"))
    print(strict_naive.line("naive"))
    print(f"find_quotes: {1000 * spent / max(words, 1) * 1000:.2f} ms per 1,000 words ({words / max(spent, 1e-9):,.0f} words/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
