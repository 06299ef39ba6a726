"""Synthetic news copies made from the real ukraine-2022 articles, for benchmarks at scale.

Every generated document is a real article perturbed the way copies are edited in the wild:
sentences dropped or repeated, a few words swapped for synonyms, figures changed, paragraphs
reordered, sentences spliced in from another article, or the text reposted verbatim. Each gets
its own URL, so ids differ even when the text does not.

Documents are built straight into `AnalyzedDocument`s, without cleaning or spaCy: sentences
are the generator's own units (a real article is split once, by a regex), fingerprints and
terms come from wiretrail's own functions, so the index holds what an ingest would hold, at
~50x the speed. Generation is a pure function of (seed, index): any worker can build any
document, and two runs build the same corpus.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from wiretrail.clean.boilerplate import is_furniture_line
from wiretrail.ids import content_hash, document_id
from wiretrail.model import (
    AnalyzedDocument,
    Document,
    Segment,
    SegmentKind,
    Sentence,
    Timestamp,
)
from wiretrail.provenance import fingerprints
from wiretrail.provenance import meaning
from wiretrail.provenance.meaning import salient_terms

# Passage fingerprints are newer than sentence fingerprints: fill them when this wiretrail has
# them, so the generated index holds what `analyze_batch` would write.
_PASSAGES = hasattr(fingerprints, "passage_keys") and "passages" in AnalyzedDocument.__dataclass_fields__

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "ukraine-2022"
BENCH_HOST = "https://bench.invalid"  # .invalid: a generated URL can never be fetched

# A sentence ends at . ! or ? (optionally closed by a quote or bracket) before a capital,
# digit or opening quote: crude, but it only has to be the same for the index and the probes.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[A-Z0-9\"“‘'(])")
_NUMBER = re.compile(r"\d+")

SYNONYMS = {
    "said": "stated", "says": "states", "killed": "slain", "attack": "assault",
    "attacks": "assaults", "troops": "soldiers", "forces": "troops", "city": "town",
    "officials": "authorities", "war": "conflict", "invasion": "offensive", "help": "aid",
    "big": "large", "large": "big", "began": "started", "started": "began", "more": "over",
    "people": "residents", "government": "administration", "president": "leader",
    "shelling": "bombardment", "missile": "rocket", "missiles": "rockets", "near": "close to",
    "told": "informed", "country": "nation", "also": "additionally", "after": "following",
}  # fmt: skip

# Perturbation rates: a copy keeps most of its source, as reposts and wire rewrites do.
VERBATIM_SHARE = 0.1  # reposted unchanged at another URL (syndication)
DROP_SENTENCE = 0.08
REPEAT_SENTENCE = 0.02
SYNONYM_SENTENCE = 0.25  # sentences with one word swapped for a synonym
NUMBER_SENTENCE = 0.3  # sentences with figures that get one figure changed
SPLICE_SHARE = 0.3  # documents that take a few sentences from another article
SHUFFLE_SHARE = 0.3  # documents whose paragraphs are reordered
PARAGRAPH_SENTENCES = (3, 6)


@dataclass(frozen=True, slots=True)
class Article:
    outlet: str
    url: str
    title: str
    published: date | None
    sentences: tuple[str, ...]

    @property
    def words(self) -> int:
        return sum(len(s.split()) for s in self.sentences)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def _date(value: str) -> date | None:
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")[:19]).date()
    except ValueError:
        return None


def load_articles(folder: Path = CORPUS) -> list[Article]:
    """The real articles, in file then row order (bbc/guardian's unnamed index column ignored)."""
    if not folder.is_dir():
        raise SystemExit(f"{folder} is absent: the benchmark needs ../shared beside the project")
    csv.field_size_limit(1 << 30)
    out = []
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                sentences = split_sentences(row.get("Text") or "")
                if sentences:
                    out.append(Article(path.stem, row["URL"], row.get("Title") or "", _date(row.get("Date") or ""), tuple(sentences)))
    if not out:
        raise SystemExit(f"no articles with text in {folder}/*.csv")
    return out


# -- perturbation -------------------------------------------------------------------------------


def _swap_synonym(sentence: str, rng: random.Random) -> str:
    words = sentence.split(" ")
    spots = [i for i, w in enumerate(words) if w.lower() in SYNONYMS]
    if not spots:
        return sentence
    i = rng.choice(spots)
    words[i] = SYNONYMS[words[i].lower()]
    return " ".join(words)


def _change_number(sentence: str, rng: random.Random) -> str:
    found = list(_NUMBER.finditer(sentence))
    if not found:
        return sentence
    m = rng.choice(found)
    value = int(m.group()) + rng.randint(1, 9)
    return sentence[: m.start()] + str(value) + sentence[m.end() :]


def perturb(articles: list[Article], base: Article, rng: random.Random) -> list[list[str]]:
    """Paragraphs (lists of sentences) of a perturbed copy of `base`."""
    sentences = list(base.sentences)
    if rng.random() >= VERBATIM_SHARE:
        edited: list[str] = []
        for s in sentences:
            if rng.random() < DROP_SENTENCE and len(sentences) > 1:
                continue
            if rng.random() < SYNONYM_SENTENCE:
                s = _swap_synonym(s, rng)
            if rng.random() < NUMBER_SENTENCE:
                s = _change_number(s, rng)
            edited.append(s)
            if rng.random() < REPEAT_SENTENCE:
                edited.append(s)
        sentences = edited or sentences[:1]
        if rng.random() < SPLICE_SHARE:
            donor = rng.choice(articles).sentences
            start = rng.randrange(len(donor))
            at = rng.randrange(len(sentences) + 1)
            sentences[at:at] = donor[start : start + rng.randint(2, 5)]
    paragraphs, i = [], 0
    while i < len(sentences):
        n = rng.randint(*PARAGRAPH_SENTENCES)
        paragraphs.append(sentences[i : i + n])
        i += n
    if len(paragraphs) > 1 and rng.random() < SHUFFLE_SHARE:
        rng.shuffle(paragraphs)
    return paragraphs


# -- analyzed documents -------------------------------------------------------------------------


def analyzed_document(
    paragraphs: list[list[str]], *, url: str, title: str = "", outlet: str | None = None, published: date | None = None
) -> AnalyzedDocument:
    """What `analyze_batch` would produce for this text, with the generator's sentences."""
    text_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for p, para in enumerate(paragraphs):
        if p:
            text_parts.append("\n\n")
            pos += 2
        for j, sentence in enumerate(para):
            if j:
                text_parts.append(" ")
                pos += 1
            text_parts.append(sentence)
            spans.append((pos, pos + len(sentence)))
            pos += len(sentence)
    text = "".join(text_parts)
    sha = content_hash(text)
    doc_id = document_id(sha, url)
    doc = Document(
        id=doc_id,
        source=url,
        text=text,
        url=url,
        title=title or None,
        published=Timestamp.from_date(published) if published else None,
        outlet=outlet,
        content_hash=sha,
        ingested_at=datetime.now(UTC),
    )
    segment = Segment(doc_id, 0, 0, len(text), SegmentKind.BODY, reference_date=published)
    sentences = tuple(Sentence(doc_id, 0, i, a, b) for i, (a, b) in enumerate(spans))
    texts = [text[a:b] for a, b in spans]
    furniture = [is_furniture_line(t) for t in texts]  # as `analyze_batch` does
    extra = {}
    if _PASSAGES:
        extra["passages"] = tuple(fingerprints.passage_keys(fingerprints.passage_tokens(texts, furniture)))
    if hasattr(meaning, "document_terms"):  # as `analyze_batch` does (older versions: salient terms only)
        salient, extra["claim_terms"] = meaning.document_terms(texts)
        extra["terms_settings"] = meaning.terms_settings()
    else:
        salient = salient_terms(texts)
    return AnalyzedDocument(
        doc, (segment,), sentences, tuple(fingerprints.fingerprint_sentences(texts, furniture=furniture)), salient, **extra
    )


def generated_document(articles: list[Article], seed: int, index: int, *, kind: str = "bulk") -> AnalyzedDocument:
    """Document `index` of the generated corpus: a perturbed copy of article index % n."""
    rng = random.Random(f"{seed}:{kind}:{index}")
    base = articles[index % len(articles)]
    published = base.published + timedelta(days=rng.randint(0, 3)) if base.published else None
    return analyzed_document(
        perturb(articles, base, rng), url=f"{BENCH_HOST}/{kind}/{index}", title=base.title, outlet=base.outlet, published=published
    )


_ARTICLES: list[Article] | None = None


def generate_range(seed: int, start: int, count: int) -> list[AnalyzedDocument]:
    """Documents start..start+count-1 (for a worker process: articles are loaded once per process)."""
    global _ARTICLES
    if _ARTICLES is None:
        _ARTICLES = load_articles()
    return [generated_document(_ARTICLES, seed, i) for i in range(start, start + count)]


def with_url(template: AnalyzedDocument, url: str) -> AnalyzedDocument:
    """`template` republished at another URL: same text and fingerprints, its own id.

    Fingerprints and terms do not depend on the id, so 10,000 copies cost one fingerprinting."""
    doc_id = document_id(template.document.content_hash, url)
    doc = replace(template.document, id=doc_id, url=url, source=url, ingested_at=datetime.now(UTC))
    return AnalyzedDocument(
        doc,
        tuple(replace(s, doc_id=doc_id) for s in template.segments),
        tuple(replace(s, doc_id=doc_id) for s in template.sentences),
        template.fingerprints,
        template.terms,
        **({"passages": template.passages} if _PASSAGES else {}),
    )
