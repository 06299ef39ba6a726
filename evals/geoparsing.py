"""Geoparsing on LGL: place mentions found and resolved within 161 km, against a naive baseline
run on the same spaCy output in the same run.

    .venv/bin/python evals/geoparsing.py [--limit N] [--errors K]

Data: ../shared/eval/geoparsing/lgl.xml, 588 US local-news articles with gold toponym spans and
GeoNames coordinates (toponyms without coordinates are not scored).

Metric: a gold toponym is right when a predicted place overlapping its span resolves within
161 km (100 miles) of the gold point; missed toponyms count as wrong. Precision: the share of
predicted places with coordinates that overlap a gold toponym and lie within 161 km of it.
Demonyms ('Russian') and places inside organisation names ('the Texas Forest Service') are
gold toponyms in LGL, so the main figure runs `find_places(..., demonyms=True, nested=True)`;
the figure with the defaults (neither) is printed too.

Outlet figure: LGL's articles come from ~90 local papers (5-20 articles each, `<domain>`). The
second figure passes each article the home region its outlet's *other* articles show on their
own (`home_region`, pooled by `common_home`): what a pipeline that knows the source of a text
can do. The main figure uses the text alone.

Naive baseline: spaCy GPE/LOC spans, exact-name lookup, the most populous candidate.
Target (brief): accuracy >= 0.75, baseline ~0.17 in the project's README. Rerun after changing
extract/places.py or extract/gazetteer.py. Weights were tuned on all of LGL: the held-out half
used for release will score lower.
"""

from __future__ import annotations

import argparse
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from wiretrail.extract import gazetteer as gz
from wiretrail.extract.places import common_home, find_places, home_region
from wiretrail.nlp import parse_texts

ROOT = Path(__file__).resolve().parent.parent
LGL = ROOT.parent / "shared" / "eval" / "geoparsing" / "lgl.xml"
RIGHT_KM = 161.0  # 100 miles, the customary geoparsing tolerance


@dataclass(frozen=True, slots=True)
class Gold:
    start: int
    end: int
    phrase: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Predicted:
    start: int
    end: int
    lat: float | None
    lon: float | None
    name: str = ""


def read_lgl(path: Path, limit: int | None) -> list[tuple[str, list[Gold], str]]:
    """(text, gold toponyms, outlet domain) per article."""
    articles = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        golds = []
        for t in art.find("toponyms") or ():
            g = t.find("gaztag")
            if g is None or g.findtext("lat") is None:
                continue
            golds.append(Gold(int(t.findtext("start")), int(t.findtext("end")), t.findtext("phrase") or "",
                              float(g.findtext("lat")), float(g.findtext("lon"))))  # fmt: skip
        articles.append((text, golds, art.findtext("domain") or ""))
        if limit and len(articles) >= limit:
            break
    return articles


def baseline(text: str, entities: list[tuple[int, int, str]]) -> list[Predicted]:
    out = []
    for start, end, label in entities:
        if label not in ("GPE", "LOC"):
            continue
        cands = gz.lookup(text[start:end])
        best = max(cands, key=lambda p: p.population, default=None)
        out.append(Predicted(start, end, best.lat if best else None, best.lon if best else None))
    return out


@dataclass
class Score:
    gold: int = 0
    right: int = 0
    predicted: int = 0
    predicted_right: int = 0
    unresolved: int = 0

    def add(self, golds: list[Gold], preds: list[Predicted], errors: list | None = None, text: str = "") -> None:
        self.gold += len(golds)
        for g in golds:
            overlapping = [p for p in preds if p.start < g.end and g.start < p.end and p.lat is not None]
            ok = any(gz.distance_km(p.lat, p.lon, g.lat, g.lon) <= RIGHT_KM for p in overlapping)
            self.right += ok
            if not ok and errors is not None:
                errors.append((g.phrase, [p.name for p in overlapping] or "-missed-", text[max(0, g.start - 40) : g.end + 40]))
        for p in preds:
            if p.lat is None:
                self.unresolved += 1
                continue
            self.predicted += 1
            self.predicted_right += any(
                p.start < g.end and g.start < p.end and gz.distance_km(p.lat, p.lon, g.lat, g.lon) <= RIGHT_KM
                for g in golds
            )

    def line(self, name: str) -> str:
        acc = self.right / max(self.gold, 1)
        prec = self.predicted_right / max(self.predicted, 1)
        return (f"{name:<34} accuracy@161km {acc:.3f} ({self.right}/{self.gold})  "
                f"precision {prec:.3f} ({self.predicted_right}/{self.predicted})  unresolved {self.unresolved}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    ap.add_argument("--errors", type=int, default=0, help="print the K most frequent misses")
    args = ap.parse_args()

    articles = read_lgl(LGL, args.limit)
    texts = [t for t, _, _ in articles]
    t0 = time.perf_counter()
    gz.load()
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    parses = [p.entities for p in parse_texts(texts)]
    spacy_s = time.perf_counter() - t0

    ours, no_demonyms, naive = Score(), Score(), Score()
    halves = (Score(), Score())  # even and odd articles: a gap between them hints at overfitting
    errors: list = []
    find_s = 0.0
    for k, ((text, golds, _), ents) in enumerate(zip(articles, parses)):
        t0 = time.perf_counter()
        found = find_places(text, ents, demonyms=True, nested=True)
        find_s += time.perf_counter() - t0
        preds = [Predicted(m.start, m.end, m.lat, m.lon, m.name) for m in found]
        ours.add(golds, preds, errors, text)
        halves[k % 2].add(golds, preds)
        plain = find_places(text, ents)
        no_demonyms.add(golds, [Predicted(m.start, m.end, m.lat, m.lon) for m in plain])
        naive.add(golds, baseline(text, ents))

    # The outlet's home region: each article's own, pooled over the outlet's *other* articles
    # (by domain; never the gold), standing in where an article shows none of its own.
    homes = [home_region(text, ents, demonyms=True, nested=True) for (text, _, _), ents in zip(articles, parses)]
    by_outlet: dict[str, list[int]] = {}
    for k, (_, _, domain) in enumerate(articles):
        by_outlet.setdefault(domain, []).append(k)
    outlet, outlet_halves = Score(), (Score(), Score())
    for k, ((text, golds, domain), ents) in enumerate(zip(articles, parses)):
        home = common_home(homes[j] for j in by_outlet[domain] if j != k) if domain else None
        found = find_places(text, ents, demonyms=True, nested=True, home=home)
        preds = [Predicted(m.start, m.end, m.lat, m.lon, m.name) for m in found]
        outlet.add(golds, preds)
        outlet_halves[k % 2].add(golds, preds)

    words = sum(len(t.split()) for t in texts)
    print(f"LGL: {len(articles)} articles, {words} words, {ours.gold} gold toponyms with coordinates")
    print(ours.line("wiretrail (demonyms, nested)"))
    print(halves[0].line("  even articles"))
    print(halves[1].line("  odd articles"))
    print(outlet.line("with the outlet's home region"))
    print(outlet_halves[0].line("  even articles"))
    print(outlet_halves[1].line("  odd articles"))
    print(no_demonyms.line("wiretrail (defaults)"))
    print(naive.line("baseline: GPE/LOC, most populous"))
    print(f"gazetteer load {load_s:.2f} s; spaCy {spacy_s / words * 1000 * 1000:.0f} ms per 1,000 words; "
          f"find_places {find_s / words * 1000 * 1000:.1f} ms per 1,000 words")  # fmt: skip
    if args.errors:
        print("\nmost frequent misses (gold phrase, predicted names):")
        for (phrase, names), n in Counter((e[0], str(e[1])) for e in errors).most_common(args.errors):
            print(f"{n:4d}  {phrase!r:28} {names}")


if __name__ == "__main__":
    main()
