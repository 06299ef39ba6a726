"""Full-text search over segments: the index each backend keeps, and turning what a user types
into a query that can never be a syntax error.

A segment is indexed with its document's title (weighted lower, so a body match ranks first):
SQLite keeps an FTS5 table (porter stemming), PostgreSQL a `tsvector` per segment with a GIN
index (the `english` configuration). Both are filled in the batch transaction that stores the
segments, and by migration 10 for segments stored before it.

Users type web-search syntax on both backends: words (all must match), `"a phrase"`, `OR`
between alternatives, `-word` to exclude. PostgreSQL reads that with `websearch_to_tsquery`,
which never rejects its input; for FTS5 `fts5_query` rebuilds the query with every term quoted,
so FTS5 operators, parentheses, column filters and stray quotes are only ever text.
"""

from __future__ import annotations

import re
from itertools import islice

MAX_QUERY_CHARS = 500  # longer queries are cut: nobody types more, and parse time grows with it
INDEXED_CHARS = 200_000  # a segment's text past this is not indexed: far longer than any entry or
# article body, and it keeps a segment's tsvector under PostgreSQL's 1 MB limit, which would
# otherwise fail the whole batch
TITLE_WEIGHT = 0.2  # a match in the document's title counts this much of a match in the segment:
# the title is the same for every segment of a document, so it must not outrank the body
RANK_NORMALIZATION = 1  # PostgreSQL divides a segment's rank by 1 + log(its length), as BM25
# does on SQLite: a long entry that mentions a name once must not outrank a short one about it
SNIPPET_WORDS = 24  # words in a snippet: about two lines of context around the match
ELLIPSIS = "…"

# -- the index ----------------------------------------------------------------------------------

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE segment_search USING fts5("
    "title, body, doc_id UNINDEXED, idx UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')"
)
SQLITE_INDEX = (  # every segment the WHERE clause appended to it selects (none: all of them)
    "INSERT INTO segment_search (title, body, doc_id, idx) "
    f"SELECT COALESCE(d.title, ''), substr(d.text, s.start_char + 1, MIN(s.end_char - s.start_char, {INDEXED_CHARS})), "
    "s.doc_id, s.idx FROM segments AS s JOIN documents AS d ON d.id = s.doc_id"
)

POSTGRES_CREATE = (
    """CREATE TABLE segment_search (
        doc_id TEXT NOT NULL,
        idx INTEGER NOT NULL,
        tsv TSVECTOR NOT NULL,
        PRIMARY KEY (doc_id, idx),
        FOREIGN KEY (doc_id, idx) REFERENCES segments (doc_id, idx) ON DELETE CASCADE
    )""",
    "CREATE INDEX segment_search_tsv ON segment_search USING GIN (tsv)",
)
POSTGRES_INDEX = (  # title weighted 'C', body 'A': the ranking below gives 'C' TITLE_WEIGHT
    "INSERT INTO segment_search (doc_id, idx, tsv) SELECT s.doc_id, s.idx, "
    "setweight(to_tsvector('english', COALESCE(d.title, '')), 'C') || "
    f"setweight(to_tsvector('english', substr(d.text, s.start_char + 1, LEAST(s.end_char - s.start_char, {INDEXED_CHARS}))), 'A') "
    "FROM segments AS s JOIN documents AS d ON d.id = s.doc_id"
)
SOME_DOCUMENTS = " WHERE s.doc_id IN ({})"

# -- searching ----------------------------------------------------------------------------------

SQLITE_SEARCH = (
    "SELECT segment_search.doc_id, segment_search.idx, s.start_char, s.end_char, "
    f"-bm25(segment_search, {TITLE_WEIGHT}, 1.0) AS score, "
    f"snippet(segment_search, 1, '', '', '{ELLIPSIS}', {SNIPPET_WORDS}) "
    "FROM segment_search JOIN segments AS s ON s.doc_id = segment_search.doc_id AND s.idx = segment_search.idx "
    "WHERE segment_search MATCH ? ORDER BY score DESC, segment_search.doc_id, segment_search.idx LIMIT ? OFFSET ?"
)
POSTGRES_SEARCH = (  # rank and cut in SQL; the page's snippets are cut in Python (`excerpt`):
    # ts_headline re-parses each segment and costs ~8 ms per news article on this machine
    "WITH q AS (SELECT websearch_to_tsquery('english', ?) AS query), "
    "hits AS (SELECT f.doc_id, f.idx, "
    f"ts_rank_cd(ARRAY[0, {TITLE_WEIGHT}, 0, 1.0]::float4[], f.tsv, q.query, {RANK_NORMALIZATION}) AS score "
    "FROM segment_search AS f, q WHERE f.tsv @@ q.query ORDER BY score DESC, f.doc_id, f.idx LIMIT ? OFFSET ?) "
    "SELECT h.doc_id, h.idx, s.start_char, s.end_char, h.score, "
    f"substr(d.text, s.start_char + 1, LEAST(s.end_char - s.start_char, {INDEXED_CHARS})), q.query::text "
    "FROM hits AS h JOIN segments AS s ON s.doc_id = h.doc_id AND s.idx = h.idx "
    "JOIN documents AS d ON d.id = h.doc_id CROSS JOIN q ORDER BY h.score DESC, h.doc_id, h.idx"
)

# -- what the user typed --------------------------------------------------------------------------

_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')  # a quoted phrase (maybe unclosed), or a bare word
_HAS_TOKEN = re.compile(r"[^\W_]")  # FTS5's tokenizer keeps letters and digits, nothing else
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)  # "Zelensky's" searches for Zelensky


def clean_query(text: str) -> str:
    """The query as the backends receive it: no NUL (PostgreSQL refuses it in text), not
    longer than MAX_QUERY_CHARS, trimmed."""
    return text.replace("\x00", " ")[:MAX_QUERY_CHARS].strip()


def fts5_query(text: str) -> str | None:
    """Web-search syntax as an FTS5 expression in which every term is a quoted string; None when
    nothing in it can match (only punctuation, or only exclusions, which FTS5 cannot express)."""
    groups: list[tuple[list[str], list[str]]] = [([], [])]  # OR-ed groups of (wanted, excluded)
    or_next = False
    for match in _TERM.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None:
            if bare == "OR":
                or_next = bool(groups[-1][0] or groups[-1][1])
                continue
            if bare.startswith("-") and len(bare) > 1:
                negated, bare = "-", bare[1:]
            phrase = _POSSESSIVE.sub("", bare)
        if not _HAS_TOKEN.search(phrase):
            continue
        if or_next:
            groups.append(([], []))
            or_next = False
        wanted, excluded = groups[-1]
        (excluded if negated else wanted).append('"' + phrase.replace('"', '""') + '"')
    parts = []
    for wanted, excluded in groups:
        if not wanted:
            continue
        expr = "(" + " AND ".join(wanted) + ")"
        for term in excluded:
            expr = f"({expr} NOT {term})"
        parts.append(expr)
    return " OR ".join(parts) or None


def tidy_snippet(snippet: str) -> str:
    """A snippet on one line."""
    return " ".join(snippet.split())


_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_LEXEME = re.compile(r"(!?)'((?:[^']|'')*)'")  # in a tsquery's text; `!'x'` is excluded


def query_lexemes(tsquery: str) -> list[str]:
    """The lexemes a PostgreSQL tsquery looks for ('rutt', 'zelenski'), not those it excludes."""
    return [m.group(2).replace("''", "'") for m in _LEXEME.finditer(tsquery) if not m.group(1)]


def _stem_pattern(lexemes: list[str]) -> re.Pattern[str] | None:
    """Words that could be what the stemmer made one of `lexemes` of: stems keep the start of a
    word and cut or change its end ('troops' -> 'troop', 'Zelensky' -> 'zelenski'), so a word
    matches when it starts with the lexeme less its last letter."""
    starts = {lx[:-1] if len(lx) > 3 else lx for lx in lexemes if lx}
    if not starts:
        return None
    alternatives = "|".join(re.escape(x) for x in sorted(starts, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})", re.IGNORECASE)


LOOKBACK_CHARS = 300  # text before the match searched for the snippet's leading words


def excerpt(body: str, lexemes: list[str]) -> str:
    """SNIPPET_WORDS words of `body` from shortly before the first word matching a lexeme (the
    start when none does), an ellipsis where text was cut; the text itself is never changed."""
    pattern = _stem_pattern(lexemes)
    found = pattern.search(body) if pattern else None
    at = found.start() if found else 0
    lead = SNIPPET_WORDS // 4  # words of context before the match
    before = list(_WORD.finditer(body, max(0, at - LOOKBACK_CHARS), at))[-lead:] if at else []
    after = list(islice(_WORD.finditer(body, at), SNIPPET_WORDS - len(before)))
    words = before + after
    if not words:
        return tidy_snippet(body)
    cut_start, cut_end = words[0].start(), words[-1].end()
    while cut_start > 0 and not body[cut_start - 1].isspace():  # keep an opening quote or bracket
        cut_start -= 1
    while cut_end < len(body) and not body[cut_end].isspace():  # and the closing punctuation
        cut_end += 1
    text = tidy_snippet(body[cut_start:cut_end])
    cut_before = _WORD.search(body, 0, cut_start) is not None
    cut_after = _WORD.search(body, cut_end) is not None
    return (ELLIPSIS if cut_before else "") + text + (ELLIPSIS if cut_after else "")
