"""Incremental story clustering: each new unit joins the story it is closest to, or opens one.

    1. weigh: the unit's words, names, places, numbers and years become one sparse vector, each
       feature weighted by its inverse document frequency *now* (document counts are part of
       the state and grow with every unit) times the weight of its kind (a shared name counts
       more than a shared word)
    2. candidates: stories sharing one of the unit's rarest features (an inverted index over
       the stories' bounded centroids; features already in MAX_POSTINGS stories are not looked
       up) - never a scan of every story, so the work per unit does not grow with the corpus
    3. score: cosine between the unit and each candidate's centroid, moved by dates (a unit
       dated far outside a story's time range is pulled away from it) and by years: a unit
       naming a year well past any the story names or is dated in is a later event of the
       same kind (a second quake whose report recalls the first), not this story
    4. assign: a copy of a member the story remembers joins that story; else the best
       candidate at or above JOIN_THRESHOLD, else a new story
    5. merge: the story that changed is compared with its own candidates; two stories whose
       centroids are this close are one story that started twice (order effects), and merge;
       so do a lone unit that now clears the join threshold, and two stories whose remembered
       members are alike on average. The absorbed id is kept in `merged` so the store can
       redirect its segments lazily.
    5b. split: each story remembers its last few members (bounded; for the stories changed
       last). When they fall into two groups far less alike across than within, the first
       report of a second event joined it and others followed: the later group leaves as a
       story of its own (`moved` lists the units, for the store). Pairs of members compare
       on their own names and years, which a centroid averages away.
    6. title: the member headline or lead sentence most central to the story's words

The state (`ClusterState`) is plain data: dicts of numbers and strings, dates, lists, with
`to_dict`/`from_dict` for JSON, so the store can keep it in SQLite or PostgreSQL. The inverted
index is derived and rebuilt on load.

Thresholds were tuned on the odd-numbered ECB+ topics (`evals/clustering.py`, B-cubed at
document level; re-run it after any change here); the even topics are held out.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .features import StoryFeatures, weigh_terms, words
from ..thresholds import thresholds

# -- named thresholds (tuned on ECB+ odd topics: evals/clustering.py) -------------------------
# Weight of each kind's cosine: words, lead words, lead names, names, places, numbers, years,
# event types. Started from a logistic regression on same-topic document pairs (same event or
# not), then adjusted on the incremental runs.
KIND_WEIGHTS = {"w": 1.0, "l": 0.3, "h": 0.5, "e": 0.35, "p": 0.25, "n": 0.6, "y": 0.3, "t": 0.2}


# Titles whose weighed words are kept (cleared when full): the titles of the stories in play.
_TITLE_CACHE = 4096

# The story's per-key count maps that CENTROID_KEYS bounds.
_KEYED = ("entities", "places", "numbers", "years", "event_types", "lead_entities")


def story_id(founding_key: str) -> str:
    """A story is named after the unit that opened it: the same ingest gives the same ids."""
    return "s" + hashlib.sha256(founding_key.encode("utf-8")).hexdigest()[:15]


@dataclass(slots=True)
class StoryState:
    """One story's summary: enough to score a new unit against it and to title it."""

    id: str
    size: int = 0  # units assigned (copies included: the store counts documents and sources)
    terms: dict[str, float] = field(default_factory=dict)  # sum of members' word weights, bounded
    lead_terms: dict[str, float] = field(default_factory=dict)  # the same for titles and leads
    entities: dict[str, float] = field(default_factory=dict)  # entity key -> sum of 1 + log(mentions)
    places: dict[str, float] = field(default_factory=dict)  # gazetteer id -> sum of 1 + log(mentions)
    numbers: dict[str, int] = field(default_factory=dict)
    years: dict[str, int] = field(default_factory=dict)
    event_types: dict[str, int] = field(default_factory=dict)
    lead_entities: dict[str, int] = field(default_factory=dict)  # entity key -> members naming it up top
    first_day: date | None = None
    last_day: date | None = None
    title: str | None = None
    titles: list[str] = field(default_factory=list)  # candidate titles, most central first

    def to_dict(self) -> dict:
        return {
            "id": self.id, "size": self.size, "terms": self.terms, "lead_terms": self.lead_terms,
            "entities": self.entities,
            "places": self.places, "numbers": self.numbers, "years": self.years,
            "event_types": self.event_types, "lead_entities": self.lead_entities,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "title": self.title, "titles": list(self.titles),
        }

    @classmethod
    def from_dict(cls, d: dict) -> StoryState:
        return cls(
            id=d["id"], size=d["size"], terms=dict(d["terms"]), lead_terms=dict(d.get("lead_terms", {})),
            entities=dict(d["entities"]),
            places=dict(d["places"]), numbers=dict(d["numbers"]), years=dict(d["years"]),
            event_types=dict(d.get("event_types", {})), lead_entities=dict(d.get("lead_entities", {})),
            first_day=date.fromisoformat(d["first_day"]) if d.get("first_day") else None,
            last_day=date.fromisoformat(d["last_day"]) if d.get("last_day") else None,
            title=d.get("title"), titles=list(d.get("titles", [])),
        )


@dataclass(slots=True)
class Member:
    """A remembered member of a story: its raw vector (exactly what it added to the story's
    sums, so it can be taken out again), its days and title, and when it arrived."""

    key: str
    seq: int  # the unit count when it was assigned: arrival order
    raw: dict[str, float]
    first_day: date | None = None
    last_day: date | None = None
    title: str | None = None

    def to_list(self) -> list:
        return [self.key, self.seq, self.raw, self.first_day.isoformat() if self.first_day else None,
                self.last_day.isoformat() if self.last_day else None, self.title]

    @classmethod
    def from_list(cls, v: list) -> Member:
        key, seq, raw, first, last, title = v
        return cls(key, seq, dict(raw), date.fromisoformat(first) if first else None,
                   date.fromisoformat(last) if last else None, title)


@dataclass(slots=True)
class ClusterState:
    """Everything the clusterer remembers between units; plain data, JSON-ready via to_dict.

    `df` counts the units each feature occurred in ('w:quake', 'e:PERSON|lohan|l',
    'p:geonames:5386015', 'n:7.3', 'y:2008', 't:ATTACK'); `members` maps every unit key to the
    story it was assigned (follow `merged` to the live story: `ClusterState.resolve`)."""

    units: int = 0
    df: dict[str, int] = field(default_factory=dict)
    stories: dict[str, StoryState] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)  # absorbed story id -> the id it joined
    members: dict[str, str] = field(default_factory=dict)  # unit key -> story id when assigned
    # story id -> its last `stories_split_members` members, for the split check; kept for the
    # `stories_split_active_stories` stories changed last (least recently changed first)
    recent: dict[str, list[Member]] = field(default_factory=dict)

    def resolve(self, sid: str) -> str:
        while sid in self.merged:
            sid = self.merged[sid]
        return sid

    def to_dict(self) -> dict:
        return {**self.core_dict(), "df": self.df, "stories": [s.to_dict() for s in self.stories.values()]}

    def core_dict(self) -> dict:
        """All but the document frequencies and the stories, which grow with the corpus: a
        store keeps those row by row and rewrites only the rows a batch changed."""
        return {
            "units": self.units, "merged": self.merged, "members": self.members,
            "recent": [[sid, [m.to_list() for m in ms]] for sid, ms in self.recent.items()],
        }

    @classmethod
    def from_dict(cls, d: dict) -> ClusterState:
        return cls(
            units=d["units"], df=dict(d.get("df", {})), merged=dict(d["merged"]), members=dict(d.get("members", {})),
            stories={s["id"]: StoryState.from_dict(s) for s in d.get("stories", [])},
            recent={sid: [Member.from_list(m) for m in ms] for sid, ms in d.get("recent", [])},
        )


def _unit_features(f: StoryFeatures) -> dict[str, float]:
    """The unit's raw (pre-idf) sparse vector with kind-prefixed feature names."""
    v: dict[str, float] = {f"w:{t}": w for t, w in f.terms}
    v.update({f"l:{t}": w for t, w in f.lead_terms})
    v.update({f"e:{k}": 1.0 + math.log(c) for k, c in f.entities})
    v.update({f"p:{k}": 1.0 + math.log(c) for k, c in f.places})
    v.update({f"n:{n}": 1.0 for n in f.numbers})
    v.update({f"y:{y}": 1.0 for y in f.years})
    v.update({f"h:{k}": 1.0 for k in f.lead_entities})
    v.update({f"t:{t}": 1.0 for t in f.event_types})
    return v


def _story_features(s: StoryState) -> dict[str, float]:
    """A story's centroid in the same space: mean word weights, share of members per feature."""
    n = max(s.size, 1)
    v: dict[str, float] = {f"w:{t}": w / n for t, w in s.terms.items()}
    v.update({f"l:{t}": w / n for t, w in s.lead_terms.items()})
    for prefix, counts in (("h", s.lead_entities), ("e", s.entities), ("p", s.places), ("n", s.numbers), ("y", s.years), ("t", s.event_types)):
        v.update({f"{prefix}:{k}": c / n for k, c in counts.items()})
    return v


def _principal(raw: dict[str, float], people: Iterable[str]) -> str | None:
    """The person a text (or a story, by its mean weights) is mostly about, if anyone:
    `people` are its `e:PERSON|` features."""
    best, weight = None, thresholds().stories_principal_min_weight
    for f in people:
        x = raw[f]
        if x > weight or (x == weight and best is not None and f < best):
            best, weight = f, x
    return best


@dataclass(frozen=True, slots=True)
class _Facets:
    """What the conflict rules read off a vector, computed once per vector."""

    principal: str | None
    names_people: bool
    lead_people: frozenset[str]
    years: frozenset[str]
    latest: int | None  # the latest year named: a text is written no earlier than that


@dataclass(frozen=True, slots=True)
class _Vectors:
    """A unit's or a story's vectors as scoring reads them: raw, idf-weighted per kind, the
    per-kind norms (cached with a story's view: recomputing them was most of the scoring)."""

    raw: dict[str, float]
    by_kind: dict[str, dict[str, float]]
    norms: dict[str, float]
    facets: _Facets


@dataclass(slots=True)
class ClusterCost:
    """Work done so far, for tests that bound it structurally (not timed)."""

    stories_scored: int = 0  # candidate stories returned by lookups (assignment and merge checks)
    postings_read: int = 0  # inverted-index entries read by lookups
    pairs_scored: int = 0  # remembered member pairs scored (split checks, member merges; cached after)


def _facets(raw: dict[str, float], by_kind: dict[str, dict[str, float]]) -> _Facets:
    """Read off the kinds that carry them (`by_kind` groups `raw`'s features by kind, in
    `raw`'s order): a story's hundreds of words are not looked at."""
    names = [f for f in by_kind.get("e", ()) if f.startswith("e:PERSON|")]
    years = by_kind.get("y", {})
    return _Facets(
        _principal(raw, names),
        bool(names),
        frozenset(f for f in by_kind.get("h", ()) if f.startswith("h:PERSON|")),
        frozenset(years),
        max((int(f[2:]) for f in years if f[2:].isdigit()), default=None),
    )


def _principal_conflict(a: _Facets, b: _Facets, b_raw: dict[str, float]) -> int:
    """1 when `a` is mostly about someone `b`, which names people, never names."""
    if a.principal is None or a.principal in b_raw:
        return 0
    return int(b.names_people)


def _lead_people_conflict(a: _Facets, b: _Facets) -> bool:
    """Both leads name people, and not one in common: two stories about different people."""
    return bool(a.lead_people and b.lead_people and not a.lead_people & b.lead_people)


def _years_conflict(a: _Facets, b: _Facets) -> bool:
    return bool(a.years and b.years and not a.years & b.years)


def _compact(raw: dict[str, float]) -> dict[str, float]:
    """A member's vector as a story remembers it: every name, place, number and year, and only
    its `stories_member_words` heaviest words (the state stays small; pairs of members still
    compare on what they are about)."""
    limit = thresholds().stories_member_words
    words = [f for f in raw if f[0] == "w"]
    if len(words) <= limit:
        return dict(raw)
    keep = set(heapq.nsmallest(limit, words, key=lambda f: (-raw[f], f)))
    return {f: x for f, x in raw.items() if f[0] != "w" or f in keep}


def _heaviest(vec: dict[str, float], k: int) -> list[str]:
    """The `k` features of largest weight, ties by name: what `heapq.nsmallest(k, vec,
    key=lambda f: (-vec[f], f))` returns, without a key call per feature (a story's vector has
    hundreds; the cut-off weight is found by sorting the bare values)."""
    if len(vec) > k:
        cut = sorted(vec.values(), reverse=True)[k - 1]
        vec = {f: x for f, x in vec.items() if x >= cut}
    return sorted(vec, key=lambda f: (-vec[f], f))[:k]


def _pairs_overflow(pairs: dict) -> bool:
    """The member-pair cache holds more than every active story's remembered pairs."""
    t = thresholds()
    return len(pairs) > t.stories_split_active_stories * t.stories_split_members ** 2


def _latest(facets: _Facets, day: date | None) -> int | None:
    """The latest year a text (or a story) names or is dated in: it was written no earlier."""
    years = [y for y in (facets.latest, day.year if day else None) if y is not None]
    return max(years) if years else None


def _later(a: int | None, b: int | None) -> bool:
    """`a` reaches at least `stories_later_year_gap` years past the latest year `b` names or is
    dated in: `a` tells of a later time than anything in `b` (a second quake, a second
    arrest, years after the first, whose report names the first in passing)."""
    return a is not None and b is not None and a >= b + thresholds().stories_later_year_gap


_SUMS = {"w": "terms", "l": "lead_terms", "e": "entities", "p": "places"}
_COUNTS = {"n": "numbers", "y": "years", "t": "event_types", "h": "lead_entities"}


def _apply(s: StoryState, raw: dict[str, float], sign: int) -> None:
    """Add (sign 1) or take out (-1) one member's raw vector from a story's sums: the raw vector
    is exactly what `_add` added (words and names pruned since are skipped)."""
    for f, x in raw.items():
        kind, key = f[0], f[2:]
        if kind in _SUMS:
            sums, value = getattr(s, _SUMS[kind]), x
        elif kind in _COUNTS:
            sums, value = getattr(s, _COUNTS[kind]), int(round(x))
        else:
            continue
        if sign > 0:
            sums[key] = sums.get(key, 0) + value
        elif key in sums:
            left = sums[key] - value
            if left > 1e-9:
                sums[key] = left
            else:
                del sums[key]


def _span(ms: list[Member]) -> tuple[date | None, date | None]:
    days = [d for m in ms for d in (m.first_day, m.last_day) if d is not None]
    return (min(days), max(days)) if days else (None, None)


class StoryClusterer:
    """Assigns units to stories one at a time; `state` is all it keeps."""

    def __init__(self, state: ClusterState | None = None, *, join_threshold: float | None = None,
                 merge_threshold: float | None = None, kind_weights: dict[str, float] | None = None) -> None:
        self.state = state or ClusterState()
        # None: the thresholds in effect (`wiretrail.thresholds`) when the clusterer is made
        self.join_threshold = thresholds().stories_join_threshold if join_threshold is None else join_threshold
        self.merge_threshold = thresholds().stories_merge_threshold if merge_threshold is None else merge_threshold
        self.kind_weights = dict(KIND_WEIGHTS, **(kind_weights or {}))
        self._index: dict[str, set[str]] = defaultdict(set)  # feature -> story ids (derived)
        self._views: dict[str, tuple] = {}  # story id -> (version, _Vectors)
        self._member_views: dict[str, _Vectors] = {}  # remembered member key -> vectors (derived)
        self._pairs: dict[tuple[str, str], float] = {}  # member key pair -> similarity (derived)
        self._pairs_epoch: int | None = None
        self._titles: dict[str, tuple[tuple[str, float], ...]] = {}  # title -> weighed words (derived)
        # what splits changed, for a caller that writes memberships (it clears them): unit key ->
        # the story a split moved it to, and new story id -> the story it split from
        self.moved: dict[str, str] = {}
        self.split_from: dict[str, str] = {}
        self.cost = ClusterCost()
        self._indexed: dict[str, frozenset[str]] = {}  # story id -> the features it is indexed under
        self._fresh_feats: tuple[str, dict[str, float]] | None = None  # a story's features, unchanged since
        # feature -> idf, valid while the unit count is _idf_units: df changes only in `assign`,
        # together with the unit count
        self._idf_memo: dict[str, float] = {}
        self._idf_units = self.state.units
        # what changed since the caller last saved (it clears them): stories (changed, opened
        # or gone) and features whose document count moved
        self.changed_stories: set[str] = set()
        self.changed_df: set[str] = set()
        for s in self.state.stories.values():
            self._index_story(s)
        self.changed_stories.clear()  # indexing them is no change

    def mark_all_changed(self) -> None:
        """Everything is to be saved: the state came from a store that kept it whole."""
        self.changed_stories.update(self.state.stories)
        self.changed_df.update(self.state.df)

    # -- 1. weigh -----------------------------------------------------------------------------

    def idf(self, feature: str) -> float:
        memo = self._idf_table()
        value = memo.get(feature)
        if value is None:
            n = self.state.units
            value = memo[feature] = math.log((n + 1) / (self.state.df.get(feature, 0) + 1)) + 1.0
        return value

    def _idf_table(self) -> dict[str, float]:
        """The idf values computed since the corpus last changed: a story's features are
        weighed many times per unit (its view, merge candidates, pruning, titles)."""
        if self._idf_units != self.state.units:
            self._idf_memo.clear()
            self._idf_units = self.state.units
        return self._idf_memo

    def _weighted(self, v: _Vectors) -> dict[str, float]:
        """One flat vector, idf-weighted and weighted by kind: what candidate lookup ranks
        features by (from vectors weighed at the current idf: a unit's, or a story's just
        changed)."""
        out = {}
        for kind, vec in v.by_kind.items():
            w = self.kind_weights.get(kind, 0)
            if w > 0:
                out.update({f: x * w for f, x in vec.items()})
        return out

    def _by_kind(self, raw: dict[str, float]) -> dict[str, dict[str, float]]:
        """idf-weighted vectors, one per kind of feature: each kind is compared on its own, so
        a long text's many words cannot drown the few names that tell two stories apart."""
        out: dict[str, dict[str, float]] = {}
        # `idf` inlined (a story's view weighs ~1,500 features, and the memo is new each unit)
        known, df, n1, log = self._idf_table(), self.state.df, self.state.units + 1, math.log
        for f, x in raw.items():
            kind = out.get(f[0])
            if kind is None:
                kind = out[f[0]] = {}
            value = known.get(f)
            if value is None:
                value = known[f] = log(n1 / (df.get(f, 0) + 1)) + 1.0
            kind[f] = x * value
        return out

    # -- 2. candidates ------------------------------------------------------------------------

    def _index_story(self, s: StoryState) -> None:
        """Index a story under its current features, touching only those that changed since it
        was last indexed (a unit joining a story adds or drops a few of its hundreds)."""
        self.changed_stories.add(s.id)  # (indexed again after every change to it)
        feats = _story_features(s)
        self._fresh_feats = (s.id, feats)  # the view of this story can reuse them
        now = frozenset(feats)
        before = self._indexed.get(s.id, frozenset())
        for f in before - now:
            self._drop_posting(f, s.id)
        for f in now - before:
            self._index[f].add(s.id)
        self._indexed[s.id] = now

    def _unindex_story(self, s: StoryState) -> None:
        self._changing(s)
        self.changed_stories.add(s.id)
        for f in self._indexed.pop(s.id, ()):
            self._drop_posting(f, s.id)

    def _drop_posting(self, feature: str, sid: str) -> None:
        ids = self._index.get(feature)
        if ids is not None:
            ids.discard(sid)
            if not ids:
                del self._index[feature]

    def _changing(self, s: StoryState) -> None:
        """Call before changing a story's sums: features computed before are stale."""
        if self._fresh_feats is not None and self._fresh_feats[0] == s.id:
            self._fresh_feats = None

    def _candidates(self, vec: dict[str, float], exclude: str | None = None, *, limit: int | None = None) -> list[str]:
        limit = thresholds().stories_max_candidate_stories if limit is None else limit
        rare = _heaviest(vec, thresholds().stories_candidate_features)
        shared: dict[str, float] = defaultdict(float)
        read = 0
        for f in rare:
            ids = self._index.get(f, ())
            if len(ids) > thresholds().stories_max_postings:
                continue
            read += len(ids)
            for sid in ids:
                shared[sid] += vec[f]
        shared.pop(exclude, None)  # type: ignore[arg-type]
        best = heapq.nsmallest(limit, shared, key=lambda sid: (-shared[sid], sid))
        self.cost.postings_read += read
        self.cost.stories_scored += len(best)
        return sorted(best)

    def _view(self, story: StoryState) -> _Vectors:
        """A story's vectors, cached until it changes (its size) or idf has drifted."""
        version = (story.size, len(story.terms), self._idf_epoch())
        cached = self._views.get(story.id)
        if cached is None or cached[0] != version:
            fresh = self._fresh_feats
            feats = fresh[1] if fresh is not None and fresh[0] == story.id else _story_features(story)
            cached = (version, self._vectors(feats))
            self._views[story.id] = cached
        return cached[1]

    def _idf_epoch(self) -> int:
        n = self.state.units
        if n < thresholds().stories_idf_geometric_from:
            return n // thresholds().stories_idf_refresh_units
        grown = math.log(n / thresholds().stories_idf_geometric_from) / math.log1p(thresholds().stories_idf_refresh_growth)
        return thresholds().stories_idf_geometric_from // thresholds().stories_idf_refresh_units + int(grown)

    def _vectors(self, raw: dict[str, float]) -> _Vectors:
        by_kind = self._by_kind(raw)
        norms = {k: math.sqrt(sum(x * x for x in v.values())) for k, v in by_kind.items()}
        return _Vectors(raw, by_kind, norms, _facets(raw, by_kind))

    # -- 3. score -----------------------------------------------------------------------------

    @staticmethod
    def _cosine(a: dict[str, float], b: dict[str, float], na: float | None = None, nb: float | None = None) -> float:
        """Cosine of two sparse vectors; pass the norms when they are cached."""
        small, big = (a, b) if len(a) <= len(b) else (b, a)
        dot = sum([x * big[f] for f, x in small.items() if f in big])  # a list sums faster
        if dot == 0.0:
            return 0.0
        na = math.sqrt(sum(x * x for x in a.values())) if na is None else na
        nb = math.sqrt(sum(x * x for x in b.values())) if nb is None else nb
        return dot / (na * nb)

    @staticmethod
    def date_adjustment(first: date | None, last: date | None, s_first: date | None, s_last: date | None) -> float:
        if first is None or s_first is None or last is None or s_last is None:
            return 0.0
        if last < s_first:
            gap = (s_first - last).days
        elif first > s_last:
            gap = (first - s_last).days
        else:
            gap = 0
        if gap <= thresholds().stories_date_near_days:
            return thresholds().stories_date_bonus
        if gap > thresholds().stories_date_far_days:
            return -thresholds().stories_date_penalty
        return 0.0

    def score(self, features: StoryFeatures, story: StoryState) -> float:
        """How well `features` fits `story` (for inspection and tests)."""
        return self._score(self._vectors(_unit_features(features)), features.first_day, features.last_day, story)

    def _similarity(self, a: _Vectors, b: _Vectors) -> float:
        """Weighted sum of per-kind cosines, less the conflicts: a different principal person,
        years that do not overlap."""
        sim = 0.0
        for k, w in self.kind_weights.items():
            if w and k in a.by_kind and k in b.by_kind:
                sim += w * self._cosine(a.by_kind[k], b.by_kind[k], a.norms[k], b.norms[k])
        fa, fb, a_raw, b_raw = a.facets, b.facets, a.raw, b.raw
        conflicts = _principal_conflict(fa, fb, b_raw) + _principal_conflict(fb, fa, a_raw)
        sim -= thresholds().stories_principal_conflict_penalty * conflicts
        if _lead_people_conflict(fa, fb):
            sim -= thresholds().stories_lead_conflict_penalty
        if _years_conflict(fa, fb):
            sim -= thresholds().stories_year_conflict_penalty
        return sim

    def _score(self, unit: _Vectors, first: date | None, last: date | None, story: StoryState) -> float:
        view = self._view(story)
        sim = self._similarity(unit, view)
        if _later(_latest(unit.facets, last), _latest(view.facets, story.last_day)):
            sim -= thresholds().stories_later_year_penalty
        return sim + self.date_adjustment(first, last, story.first_day, story.last_day)

    # -- 4. assign ----------------------------------------------------------------------------

    def assign(self, features: StoryFeatures) -> str:
        """The id of the story `features` joins (or opens). Assigning a key again returns its
        story unchanged: running the stage twice on the same input is a no-op."""
        st = self.state
        if features.key in st.members:
            return st.resolve(st.members[features.key])
        raw = _unit_features(features)
        # document counts first: the unit's own features are part of the corpus it is scored in
        st.units += 1
        for f in raw:
            st.df[f] = st.df.get(f, 0) + 1
        self.changed_df.update(raw)
        unit = self._vectors(raw)
        candidates = self._candidates(self._weighted(unit))
        best = self._copied(raw, candidates)  # a copy joins the story of the text it copies
        if best is None:
            best_score = self.join_threshold
            for sid in candidates:
                sc = self._score(unit, features.first_day, features.last_day, st.stories[sid])
                if sc >= best_score and (best is None or sc > best_score or sid < best):
                    best, best_score = sid, sc
        if best is None:
            story = StoryState(id=story_id(features.key))
            st.stories[story.id] = story
        else:
            story = st.stories[best]
        self._add(story, features)  # (re-indexed below for the features that changed)
        self._remember(story.id, Member(features.key, st.units, _compact(raw), features.first_day, features.last_day, features.title))
        self._index_story(story)
        st.members[features.key] = story.id
        self._split_check(self._merge_pass(story.id))
        return st.resolve(st.members[features.key])

    def _add(self, s: StoryState, f: StoryFeatures) -> None:
        self._changing(s)
        s.size += 1
        for sums, pairs in ((s.terms, f.terms), (s.lead_terms, f.lead_terms),
                            (s.entities, [(k, 1.0 + math.log(c)) for k, c in f.entities]),
                            (s.places, [(k, 1.0 + math.log(c)) for k, c in f.places])):
            for t, w in pairs:
                sums[t] = sums.get(t, 0.0) + w
        for counts, keys in ((s.numbers, list(f.numbers)), (s.years, [str(y) for y in f.years]),
                             (s.event_types, list(f.event_types)), (s.lead_entities, list(f.lead_entities))):
            for k in keys:
                counts[k] = counts.get(k, 0) + 1
        if f.first_day is not None:
            s.first_day = min(s.first_day, f.first_day) if s.first_day else f.first_day
        if f.last_day is not None:
            s.last_day = max(s.last_day, f.last_day) if s.last_day else f.last_day
        self._maybe_prune(s)
        if f.title and f.title not in s.titles:
            s.titles.append(f.title)
        self._retitle(s)

    def _maybe_prune(self, s: StoryState) -> None:
        """Keep every centroid bounded (amortised: pruned to half once it doubles)."""
        if len(s.terms) > (2 * thresholds().stories_centroid_terms) or len(s.lead_terms) > (2 * thresholds().stories_centroid_terms):
            self._prune(s)
        for attr in _KEYED:
            counts = getattr(s, attr)
            if len(counts) > (2 * thresholds().stories_centroid_keys):
                keep = heapq.nsmallest(thresholds().stories_centroid_keys, counts, key=lambda k: (-counts[k], k))
                setattr(s, attr, {k: counts[k] for k in keep})

    def _prune(self, s: StoryState) -> None:
        for prefix, attr in (("w", "terms"), ("l", "lead_terms")):
            sums = getattr(s, attr)
            keep = sorted(sums, key=lambda t: (-sums[t] * self.idf(f"{prefix}:{t}"), t))[:thresholds().stories_centroid_terms]
            setattr(s, attr, {t: sums[t] for t in keep})

    # -- 5. merge -----------------------------------------------------------------------------

    def _merge_pass(self, sid: str) -> str:
        """Fold together stories that turn out to be one; returns the surviving id of `sid`."""
        st = self.state
        while True:
            story = st.stories[sid]
            view = self._view(story)
            best, best_score = None, self.merge_threshold
            for other in self._candidates(self._weighted(view), exclude=sid, limit=thresholds().stories_merge_candidate_stories):
                sc = self._merge_score(story, view, st.stories[other])
                if sc >= best_score and (best is None or sc > best_score or other < best):
                    best, best_score = other, sc
            if best is None:
                return sid
            sid = self._merge(sid, best)

    def _merge_score(self, story: StoryState, view: _Vectors, other: StoryState) -> float:
        """Centroids this close are one story. Short of that, two stories still merge when
        one is a lone unit that now clears the join threshold (it opened its story before
        the story it belongs to had formed), or when their remembered members are on average
        alike (`stories_member_merge_similarity`) and not two groups (`_apart`): fragments
        of one story that started twice."""
        t = thresholds()
        ov = self._view(other)
        sc = self._similarity(view, ov)
        a, b = _latest(view.facets, story.last_day), _latest(ov.facets, other.last_day)
        if (story.size == 1 and _later(a, b)) or (other.size == 1 and _later(b, a)):
            sc -= t.stories_later_year_penalty  # a lone unit later than a story: as its unit scored
        elif _later(a, b) or _later(b, a):
            sc -= t.stories_later_year_merge_penalty
        sc += self.date_adjustment(story.first_day, story.last_day, other.first_day, other.last_day)
        if sc >= self.merge_threshold:
            return sc
        if min(story.size, other.size) == 1 and sc >= self.join_threshold:
            return self.merge_threshold
        ma, mb = self.state.recent.get(story.id, []), self.state.recent.get(other.id, [])
        if ma and mb and self._mean(ma, mb) >= t.stories_member_merge_similarity and not self._apart(ma, mb):  # type: ignore[operator]
            return self.merge_threshold
        return sc

    def _merge(self, a: str, b: str) -> str:
        st = self.state
        sa, sb = st.stories[a], st.stories[b]
        # the bigger story survives (ties: the smaller id), so ids stay stable as stories grow
        keep, gone = (sa, sb) if (sa.size, sb.id) > (sb.size, sa.id) else (sb, sa)
        self._changing(keep)
        self._unindex_story(gone)  # (keep is re-indexed below for the features that changed)
        keep.size += gone.size
        for mine, theirs in ((keep.terms, gone.terms), (keep.lead_terms, gone.lead_terms), (keep.entities, gone.entities), (keep.places, gone.places), (keep.numbers, gone.numbers),
                             (keep.years, gone.years), (keep.event_types, gone.event_types),
                             (keep.lead_entities, gone.lead_entities)):
            for k, c in theirs.items():
                mine[k] = mine.get(k, 0) + c  # type: ignore[assignment]
        days = [d for d in (keep.first_day, keep.last_day, gone.first_day, gone.last_day) if d is not None]
        keep.first_day, keep.last_day = (min(days), max(days)) if days else (None, None)
        keep.titles += [t for t in gone.titles if t not in keep.titles]
        self._maybe_prune(keep)
        self._retitle(keep)
        self._views.pop(gone.id, None)
        del st.stories[gone.id]
        st.merged[gone.id] = keep.id
        remembered = st.recent.pop(keep.id, []) + st.recent.pop(gone.id, [])
        if remembered:
            st.recent[keep.id] = sorted(remembered, key=lambda m: m.seq)[-thresholds().stories_split_members:]
            self._evict()
        self._index_story(keep)
        return keep.id

    # -- 5b. split ----------------------------------------------------------------------------

    def _remember(self, sid: str, member: Member) -> None:
        st = self.state
        remembered = st.recent.pop(sid, [])
        remembered.append(member)
        st.recent[sid] = remembered[-thresholds().stories_split_members:]
        self._evict()

    def _evict(self) -> None:
        st = self.state
        while len(st.recent) > thresholds().stories_split_active_stories:
            del st.recent[next(iter(st.recent))]

    def _member_view(self, m: Member) -> _Vectors:
        v = self._member_views.get(m.key)
        if v is None:
            v = self._member_views[m.key] = self._vectors(m.raw)
        return v

    def _fresh_caches(self) -> None:
        """Member vectors and pair scores are kept until idf drifts (bounded: the remembered
        members of the active stories)."""
        epoch = self._idf_epoch()
        if epoch != self._pairs_epoch or _pairs_overflow(self._pairs):
            self._pairs.clear()
            self._member_views.clear()
            self._pairs_epoch = epoch

    def _copied(self, raw: dict[str, float], candidates: Iterable[str]) -> str | None:
        """The candidate story with a remembered member whose words the unit repeats (word
        cosine at least `stories_copy_word_cosine`): a repost or a copy belongs with its
        original, even when the original's story is not the closest centroid."""
        self._fresh_caches()
        unit = self._vectors(_compact(raw))
        words = unit.by_kind.get("w")
        if not words:
            return None
        norm = unit.norms["w"]
        best, best_cos = None, thresholds().stories_copy_word_cosine
        for sid in sorted(candidates):
            for m in self.state.recent.get(sid, []):
                view = self._member_view(m)
                theirs = view.by_kind.get("w")
                cos = self._cosine(words, theirs, norm, view.norms["w"]) if theirs else 0.0
                if cos >= best_cos and (best is None or cos > best_cos):
                    best, best_cos = sid, cos
        return best

    def _pair(self, a: Member, b: Member) -> float:
        """Similarity of two remembered members (cached until idf drifts: `_copied`, the
        first step of every assignment, checks that; here only the cache's bound is kept, as
        `_fresh_caches` would at the next call)."""
        key = (a.key, b.key) if a.key < b.key else (b.key, a.key)
        sim = self._pairs.get(key)
        if sim is None:
            t = thresholds()
            va, vb = self._member_view(a), self._member_view(b)
            self.cost.pairs_scored += 1
            sim = self._similarity(va, vb)
            la, lb = _latest(va.facets, a.last_day), _latest(vb.facets, b.last_day)
            if _later(la, lb) or _later(lb, la):
                sim -= t.stories_later_year_penalty
            self._pairs[key] = sim
            if _pairs_overflow(self._pairs):
                self._pairs.clear()
                self._member_views.clear()
        return sim

    def _mean(self, a: list[Member], b: list[Member] | None = None) -> float | None:
        if b is None:
            sims = [self._pair(x, y) for i, x in enumerate(a) for y in a[i + 1:]]
        else:
            sims = [self._pair(x, y) for x in a for y in b]
        return sum(sims) / len(sims) if sims else None

    def _apart(self, a: list[Member], b: list[Member]) -> bool:
        """Two groups of members that are far less alike across than within: two stories."""
        if not a or not b:
            return False
        within = [w for w in (self._mean(a), self._mean(b)) if w is not None]
        if not within or min(within) <= 0:
            return False
        return self._mean(a, b) <= thresholds().stories_split_ratio * min(within)  # type: ignore[operator]

    def _bisect(self, ms: list[Member]) -> tuple[list[Member], list[Member]]:
        """Two groups: seeded with the least alike pair, each member then goes to the group it
        is on average more alike (a few rounds)."""
        n = len(ms)
        sim = [[0.0] * n for _ in range(n)]
        for i in range(n):
            for j in range(i + 1, n):
                sim[i][j] = sim[j][i] = self._pair(ms[i], ms[j])
        a, b = min(((i, j) for i in range(n) for j in range(i + 1, n)), key=lambda p: (sim[p[0]][p[1]], p))
        def mean(i: int, group: set[int]) -> float:
            others = [sim[i][j] for j in group if j != i]
            return sum(others) / len(others) if others else math.inf  # alone: stays

        ga, gb = {a}, {b}
        for _ in range(10):
            na = {i for i in range(n) if mean(i, ga) >= mean(i, gb)}
            nb = set(range(n)) - na
            if not na or not nb or (na, nb) == (ga, gb):
                break
            ga, gb = na, nb
        return [ms[i] for i in sorted(ga)], [ms[i] for i in sorted(gb)]

    def _split_check(self, sid: str) -> None:
        """A story whose remembered members form two groups far less alike across than within
        is two stories that one early unit joined: the group without the story's oldest
        remembered member leaves as a story of its own."""
        least = thresholds().stories_split_min_members
        ms = self.state.recent.get(sid, [])
        if len(ms) < 2 * least:
            return
        ga, gb = self._bisect(ms)
        if len(ga) < least or len(gb) < least or not self._apart(ga, gb):
            return
        stay, leave = (ga, gb) if ga[0] is ms[0] else (gb, ga)
        self._split(sid, stay, leave)

    def _split(self, sid: str, stay: list[Member], leave: list[Member]) -> str:
        st = self.state
        old = st.stories[sid]
        self._unindex_story(old)
        new_id = story_id(leave[0].key + "|split")
        while new_id in st.stories or new_id in st.merged:
            new_id = story_id(new_id)
        new = StoryState(id=new_id)
        for m in leave:
            _apply(old, m.raw, -1)
            _apply(new, m.raw, 1)
        old.size -= len(leave)
        new.size = len(leave)
        new.first_day, new.last_day = _span(leave)
        if old.size == len(stay):  # every member remembered: the range is known exactly
            old.first_day, old.last_day = _span(stay)
        gone = {m.title for m in leave if m.title}
        new.titles = list(dict.fromkeys(m.title for m in leave if m.title))
        old.titles = [t for t in old.titles if t not in gone] or list(dict.fromkeys(m.title for m in stay if m.title and m.title not in gone))
        st.stories[new_id] = new
        st.recent[sid] = stay
        st.recent[new_id] = leave
        self._evict()
        for m in leave:
            st.members[m.key] = new_id
            self.moved[m.key] = new_id
        self.split_from[new_id] = sid
        self._views.pop(sid, None)
        for s in (old, new):
            if s.titles:
                self._retitle(s)
            else:
                s.title = None
            self._index_story(s)
        return new_id

    # -- 6. title -----------------------------------------------------------------------------

    def _retitle(self, s: StoryState) -> None:
        """Keep the TITLE_CANDIDATES most central member titles; the first is the title."""
        if not s.titles:
            return
        idf, terms = self.idf, s.terms
        norm: list[float] = []  # the centroid's, computed once and only if a title shares a word

        def cosine(tv: dict[str, float]) -> float:
            """`_cosine(tv, centroid)` with the centroid's weights computed for the title's
            words only (the same products, summed in the same order)."""
            if len(tv) > len(terms):  # the centroid is the smaller vector: its order sums
                return self._cosine(tv, {t: w * idf(f"w:{t}") for t, w in terms.items()})
            dot = sum([x * (terms[t] * idf(f"w:{t}")) for t, x in tv.items() if t in terms])
            if dot == 0.0:
                return 0.0
            if not norm:
                norm.append(math.sqrt(sum(x * x for x in (w * idf(f"w:{t}") for t, w in terms.items()))))
            return dot / (math.sqrt(sum(x * x for x in tv.values())) * norm[0])

        def centrality(title: str) -> tuple[float, str]:
            tv = {t: w * idf(f"w:{t}") for t, w in self._title_terms(title)}
            sc = cosine(tv) if tv else 0.0
            if len(title.split()) > thresholds().stories_headline_like_words:
                sc -= thresholds().stories_title_long_penalty
            return (-sc, title)

        s.titles = sorted(s.titles, key=centrality)[:thresholds().stories_title_candidates]
        s.title = s.titles[0]

    def _title_terms(self, title: str) -> tuple[tuple[str, float], ...]:
        """A title's weighed words (a story's titles are weighed again at every change to it)."""
        found = self._titles.get(title)
        if found is None:
            if len(self._titles) >= _TITLE_CACHE:
                self._titles.clear()
            found = self._titles[title] = weigh_terms(words(title))
        return found

    # -- reading ------------------------------------------------------------------------------

    def story_of(self, key: str) -> str | None:
        sid = self.state.members.get(key)
        return self.state.resolve(sid) if sid else None

    def assign_all(self, units: Iterable[StoryFeatures]) -> list[str]:
        return [self.assign(f) for f in units]

    def clusters(self) -> dict[str, list[str]]:
        """Live story id -> unit keys, in assignment order."""
        out: dict[str, list[str]] = defaultdict(list)
        for key, sid in self.state.members.items():
            out[self.state.resolve(sid)].append(key)
        return dict(out)
