"""Sentence fingerprints: an exact key and MinHash LSH band keys, computed per document.

Fingerprints are per-document work (pure, cheap: datasketch's bulk MinHash does ~12k
sentences/s here), so they are computed with cleaning and spaCy, on any worker, and stored
with the document. Matching then needs only the stored keys, never the old text.

Tuning: the band layout and shingle size were chosen on the seed corpus (the near-duplicate
'village after village' sentence pair of seeds 002/004 must collide) and on ukraine-2022, whose
outlets repost their own sentences with small edits; re-run `evals/passage_reuse.py` after a
change.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import numpy as np
from datasketch import MinHash

from ..model import SentenceFingerprint
from ..thresholds import thresholds


# One character for one, so that offsets survive folding. '´' and '`' stand for apostrophes in
# copy typed on some wire desks ('AP´s coverage').
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‛": "'", "´": "'", "`": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-"}
)
_WORD = re.compile(r"[^\W_]+(?:['.,][^\W_]+)*", re.UNICODE)


_URL = re.compile(r"(?:https?://|www\.)\S+")


def _mask_urls(text: str) -> str:
    """URLs blanked out (same length): 'https://example.org/hub/war' is an address, not ten words
    of reporting, and one shared link must not make two stories share a passage."""
    return _URL.sub(lambda m: " " * len(m.group()), text)


def normalize(text: str) -> str:
    """Case, quotes, dashes and spacing folded: what 'the same text' means for duplicates."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """Words of the normalised text; '10,000' and 'ukraine's' stay one token each."""
    return [t.replace(",", "") for t in _WORD.findall(normalize(_mask_urls(text)))]


def exact_key(toks: Sequence[str]) -> int:
    """A 63-bit key of the token sequence (fits a signed 64-bit SQL integer)."""
    digest = hashlib.blake2b(" ".join(toks).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") >> 1


def _shingles(toks: Sequence[str]) -> list[bytes]:
    if len(toks) < thresholds().provenance_shingle_words:
        return [" ".join(toks).encode("utf-8")]
    return [" ".join(toks[i : i + thresholds().provenance_shingle_words]).encode("utf-8") for i in range(len(toks) - thresholds().provenance_shingle_words + 1)]


def shingle_set(text: str) -> set[bytes]:
    return set(_shingles(tokens(text)))


def _band_keys(hashvalues: np.ndarray) -> tuple[int, ...]:
    keys = []
    for band in range(thresholds().provenance_minhash_bands):
        chunk = hashvalues[band * thresholds().provenance_minhash_band_rows : (band + 1) * thresholds().provenance_minhash_band_rows].astype("<u8").tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "big")).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return tuple(keys)


def fingerprint_sentences(texts: Sequence[str], *, furniture: Sequence[bool] = ()) -> list[SentenceFingerprint]:
    """Fingerprints of a document's sentences, in order.

    Sentences flagged in `furniture` (a site's stock notices that cleaning could not cut out of
    a one-line article: 'The BBC is not responsible for the content of external sites.') get
    no tokens, so they never match: on ukraine-2022 they alone linked ~7,700 unrelated pairs.
    """
    toks = [[] if (i < len(furniture) and furniture[i]) else tokens(t) for i, t in enumerate(texts)]
    long_enough = [i for i, t in enumerate(toks) if len(t) >= thresholds().provenance_min_match_tokens]
    minhashes = MinHash.bulk([_shingles(toks[i]) for i in long_enough], num_perm=thresholds().provenance_minhash_permutations, seed=thresholds().provenance_minhash_seed) if long_enough else []
    bands = {i: _band_keys(m.hashvalues) for i, m in zip(long_enough, minhashes)}
    return [SentenceFingerprint(i, len(t), exact_key(t), bands.get(i, ())) for i, t in enumerate(toks)]


# -- passages: winnowed word 8-grams over the whole text -------------------------------------


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """Tokens of `text` as `tokens` folds them, with their character offsets in `text`."""
    folded = _mask_urls(text).translate(_QUOTES)  # one character for one: offsets stay valid
    return [(m.group().lower().replace(",", ""), m.start(), m.end()) for m in _WORD.finditer(folded)]


def passage_keys(toks: Sequence[str]) -> list[tuple[int, int]]:
    """(key, position of the 8-gram's first token) chosen by winnowing, in text order."""
    hashes = [exact_key(toks[i : i + thresholds().provenance_passage_key_words]) for i in range(len(toks) - thresholds().provenance_passage_key_words + 1)]
    chosen: dict[int, int] = {}
    for start in range(max(0, len(hashes) - thresholds().provenance_passage_key_window + 1)):
        window = hashes[start : start + thresholds().provenance_passage_key_window]
        offset = min(range(len(window)), key=lambda k: (window[k], -k))  # rightmost minimum
        chosen[start + offset] = window[offset]
    if hashes and not chosen:  # shorter than one window: keep its smallest 8-gram
        i = min(range(len(hashes)), key=hashes.__getitem__)
        chosen[i] = hashes[i]
    return [(key, pos) for pos, key in sorted(chosen.items())]


def passage_tokens(sentences: Sequence[str], furniture: Sequence[bool] = ()) -> list[str]:
    """The document's tokens for passage fingerprints, sentence after sentence, with a site's
    stock notices left out (they would make every page of the site 'share a passage')."""
    out: list[str] = []
    for i, text in enumerate(sentences):
        if not (i < len(furniture) and furniture[i]):
            out.extend(token for token, _, _ in token_spans(text))
    return out
