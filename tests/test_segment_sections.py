"""Pages without stamps: sections at headlines, one body for an article, and the document kind."""

from __future__ import annotations

from datetime import date

import pytest

from wiretrail.model import DocumentKind, SegmentKind, Timestamp
from wiretrail.segment import Segmentation, segment_document

NOV_29 = Timestamp.from_date(date(2024, 11, 29))

PAGE = "\n".join(
    [
        "What to know today",
        "Council approves new budget for schools",
        "The council approved the budget on Friday.",
        '"We are pleased," the mayor said.',
        "Short line of body.",
        "Bridge closes for repairs next month",
        "The bridge will close for six weeks, officials said.",
        "Officials said the closure was 'unavoidable'",
        "Traffic will be diverted through the old town.",
        "Storm warning issued for the coast",
        "Forecasters warned of high winds.",
        '"Stay indoors if you can."',
    ]
)


def assert_covers(text: str, result: Segmentation) -> None:
    pos = 0
    for n, seg in enumerate(result.segments):
        assert seg.index == n
        assert pos <= seg.start < seg.end <= len(text)
        assert not text[pos : seg.start].strip()
        if seg.headline is not None and seg.kind is not SegmentKind.BODY:
            assert text[seg.start : seg.end].startswith(seg.headline)
        pos = seg.end
    assert not text[pos:].strip()


def test_a_page_splits_at_headlines_over_body_paragraphs():
    result = segment_document("p", PAGE, published=NOV_29)
    assert result.kind is DocumentKind.ARTICLE  # three subheads on a dated page: still an article
    assert [s.kind for s in result.segments] == [SegmentKind.LEAD] + [SegmentKind.SECTION] * 3
    assert [s.headline for s in result.segments[1:]] == [
        "Council approves new budget for schools",
        "Bridge closes for repairs next month",
        "Storm warning issued for the coast",
    ]
    assert all(s.reference_date == date(2024, 11, 29) and s.posted_at is None for s in result.segments)
    assert_covers(PAGE, result)


def test_the_title_hint_decides_between_live_blog_live_updates_and_article():
    assert segment_document("p", PAGE, title="Storm latest: coast on alert").kind is DocumentKind.LIVE_BLOG
    assert segment_document("p", PAGE, title="City updates").kind is DocumentKind.LIVE_UPDATES
    undated = segment_document("p", PAGE, title="A long read")
    assert undated.kind is DocumentKind.ARTICLE and len(undated.segments) == 4


def test_an_article_with_a_title_and_subtitle_is_one_body():
    text = "\n\nStorm hits the coast\nThousands without power after high winds\nThe storm arrived overnight.\nIt moved east.\n"
    result = segment_document("a", text, title="Storm hits the coast")
    assert result.kind is DocumentKind.ARTICLE
    (body,) = result.segments
    assert body.kind is SegmentKind.BODY and body.headline == "Storm hits the coast"
    assert text[body.start : body.end] == text.strip()


def test_the_title_line_never_opens_a_section():
    lines = PAGE.split("\n")
    text = "\n".join(["Council approves new budget for schools", *lines[2:]])
    result = segment_document("p", text, title="Council approves new budget for schools")
    assert result.kind is DocumentKind.ARTICLE  # two headlines left: too few for sections


def test_empty_text_has_no_segments():
    assert segment_document("e", "  \n ") == Segmentation(DocumentKind.ARTICLE, ())


# -- the seed corpus ------------------------------------------------------------------------------

PUBLISHED = {"000": date(2024, 11, 29), "002": date(2024, 12, 2)}


@pytest.fixture(scope="module")
def seed(seed_path, gold):
    """A seed as the cleaner would hand it over: ' date' header and gold boilerplate removed."""

    def load(prefix: str):
        path = seed_path(prefix)
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines[0].startswith(" date "):
            lines = lines[1:]
        furniture = tuple(gold["boilerplate"].get(path.name, ()))
        text = "\n".join(x for x in lines if not (furniture and x.startswith(furniture)))
        (want,) = [d for d in gold["document"] if d["file"] == path.name]
        published = Timestamp.from_date(PUBLISHED[prefix]) if prefix in PUBLISHED else None
        return text, segment_document(prefix, text, published=published, title=want.get("title")), want

    return load


def test_seed_000_has_the_lead_and_six_sections(seed):
    text, result, want = seed("000")
    assert result.kind.value == want["kind"]
    assert len(result.segments) == want["sections"]
    lead, *sections = result.segments
    assert text[lead.start : lead.end] == "What you need to know"
    for seg, topic in zip(sections, ["Gorinov", "Baerbock", "landmine", "Belousov", "oil depot", "Merkel"]):
        assert seg.kind is SegmentKind.SECTION
        assert topic.lower() in text[seg.start : seg.end].lower()
    assert all(s.reference_date == date(2024, 11, 29) for s in result.segments)
    assert_covers(text, result)


def test_seed_002_is_a_live_blog_split_at_its_headlines(seed):
    text, result, want = seed("002")
    assert result.kind.value == want["kind"]
    assert len(result.segments) >= 5
    headlines = [s.headline for s in result.segments]
    assert "Kremlin says Georgia protests have signs of attempted Ukraine-style revolution" in headlines
    assert all(s.reference_date == date(2024, 12, 2) for s in result.segments)
    assert_covers(text, result)


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_seeds_001_and_003_are_articles_kept_whole(seed, prefix):
    text, result, _ = seed(prefix)
    assert result.kind is DocumentKind.ARTICLE
    assert [s.kind for s in result.segments] == [SegmentKind.BODY]
    assert_covers(text, result)
