"""Sentence fingerprints: what counts as the same text, and what never matches."""

from __future__ import annotations

from wiretrail.provenance.fingerprints import fingerprint_sentences, normalize, tokens
from wiretrail.provenance.matching import is_match, similarity
from wiretrail.thresholds import thresholds

ORIGINAL = "Crews from three towns have been clearing mud from the Vessa embankment since dawn, the mayor said."
EDITED = "Meanwhile, crews from three towns have been clearing thick mud from the Vessa embankment since dawn, the mayor said."


def test_case_quotes_and_spacing_do_not_change_the_exact_key():
    a, b = fingerprint_sentences(["The mayor’s “plan” is  ready.", "the Mayor's \"plan\" is ready"])
    assert a.exact == b.exact
    assert normalize("Ukraine’s  war — “now”") == "ukraine's war - \"now\""
    assert tokens("10,000 troops, U.S. aid") == ["10000", "troops", "u.s", "aid"]


def test_a_lightly_edited_copy_shares_lsh_bands_and_verifies():
    a, b = fingerprint_sentences([ORIGINAL, EDITED])
    assert set(a.bands) & set(b.bands)
    assert is_match(similarity(ORIGINAL, EDITED))
    assert not is_match(similarity(ORIGINAL, "The mayor said the embankment would reopen to traffic on Friday."))


def test_short_and_furniture_sentences_never_match():
    short, notice, news = fingerprint_sentences(
        ["He said so.", "Example News is not responsible for the content of external sites.", ORIGINAL],
        furniture=[False, True, False],
    )
    assert short.n_tokens < thresholds().provenance_min_match_tokens and short.bands == ()
    assert notice.n_tokens == 0 and notice.bands == ()
    assert news.n_tokens >= thresholds().provenance_min_match_tokens and len(news.bands) == 16
