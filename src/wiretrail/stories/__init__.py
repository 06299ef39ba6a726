"""Stories: segments clustered incrementally into the developing stories they report.

`features` turns one unit (a live-blog entry, a section, an article body) into `StoryFeatures`
(per-document work, runs in ingest workers); `cluster.StoryClusterer` assigns each to a story,
keeping all it knows in a plain-data `ClusterState` the store can persist.
"""

from .cluster import ClusterState, StoryClusterer, StoryState, story_id
from .features import StoryFeatures, build_features, features_from_extraction, features_from_text, segment_features

__all__ = [
    "ClusterState",
    "StoryClusterer",
    "StoryFeatures",
    "StoryState",
    "build_features",
    "features_from_extraction",
    "features_from_text",
    "segment_features",
    "story_id",
]
