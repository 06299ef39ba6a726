"""The header line, 'Published ...' stamps and headline titles (gold: ../shared/gold/seeds.toml)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from wiretrail.clean import clean_text
from wiretrail.clean.header import looks_like_headline, parse_date, split_published
from wiretrail.model import DateOrigin, DatePrecision, RawDocument, Timestamp


def _seed(seed_path, prefix: str) -> RawDocument:
    data = seed_path(prefix).read_bytes()
    return RawDocument(source=prefix, text=data.decode("utf-8"), byte_length=len(data), content_sha="x")


def _gold_doc(gold: dict, prefix: str) -> dict:
    (doc,) = [d for d in gold["document"] if d["file"].startswith(prefix)]
    return doc


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_title_and_dates_match_gold(seed_path, gold, prefix):
    doc = _gold_doc(gold, prefix)
    cleaned = clean_text(_seed(seed_path, prefix))
    assert cleaned.title == (doc.get("title") or None)
    published = _day(doc.get("published", ""))
    assert (cleaned.published.day if cleaned.published else None) == published
    if "updated" in doc:
        assert cleaned.updated is not None and cleaned.updated.day == _day(doc["updated"])
    if published:
        assert cleaned.published.origin is DateOrigin.HEADER
        assert cleaned.published.precision is DatePrecision.DAY


@pytest.mark.parametrize("prefix", ["000", "002"])
def test_header_line_leaves_the_text(seed_path, prefix):
    raw = _seed(seed_path, prefix)
    cleaned = clean_text(raw)
    header = raw.text.split("\n", 1)[0]
    assert header.startswith(" date ")
    assert header not in cleaned.text
    assert "Published" not in cleaned.text.split("\n", 1)[0]
    assert header not in cleaned.removed_lines  # metadata, not furniture


@pytest.mark.parametrize("prefix", ["001", "003"])
def test_headline_first_text_keeps_its_headline(seed_path, prefix):
    cleaned = clean_text(_seed(seed_path, prefix))
    assert cleaned.text.split("\n", 1)[0] == cleaned.title


def test_glued_published_and_updated_are_split():
    stamped = split_published("Mayor opens bridgePublished March 3, 2023last updated March 4, 2023")
    assert stamped.title == "Mayor opens bridge"
    assert stamped.published == Timestamp(datetime(2023, 3, 3), DatePrecision.DAY, DateOrigin.HEADER)
    assert stamped.updated is not None and stamped.updated.day == date(2023, 3, 4)


def test_a_headline_that_merely_says_published_is_left_whole():
    stamped = split_published("Report Published Today Shows Rise in Ferry Fares")
    assert (stamped.title, stamped.published, stamped.updated) == (
        "Report Published Today Shows Rise in Ferry Fares", None, None
    )


def test_header_with_time_of_day_keeps_minutes():
    raw = RawDocument(source="t", text=" date 2023-03-03 Bridge opens Published 3 March 2023 10:30\nThe bridge opened.")
    cleaned = clean_text(raw)
    assert cleaned.title == "Bridge opens"
    assert cleaned.published.precision is DatePrecision.MINUTE
    assert cleaned.published.value.hour == 10 and cleaned.published.value.minute == 30


def test_header_without_title_or_stamp():
    cleaned = clean_text(RawDocument(source="t", text=" date 2023-03-03\nThe bridge opened on Friday."))
    assert cleaned.title is None
    assert cleaned.published.day == date(2023, 3, 3)
    assert cleaned.text == "The bridge opened on Friday."


@pytest.mark.parametrize("text", ["yesterday", "Friday", "3 March", "two days ago"])
def test_dates_are_never_guessed_from_today(text):
    assert parse_date(text) is None


def test_standalone_published_line_gives_the_date_and_leaves_the_text():
    text = "Ferry strike ends\nPublished 12 May 2021\nThe ferry strike ended on Tuesday after talks, the union said."
    cleaned = clean_text(RawDocument(source="t", text=text))
    assert cleaned.published.day == date(2021, 5, 12)
    assert "Published" not in cleaned.text
    assert cleaned.title == "Ferry strike ends"


def test_metadata_from_the_reader_wins():
    stamp = Timestamp.from_date(date(2021, 5, 11))
    raw = RawDocument(
        source="t", text=" date 2021-05-12 Ferry strike ends\nThe strike ended.", title="Meta title", published=stamp,
        media_type="text/html",
    )
    cleaned = clean_text(raw)
    assert (cleaned.title, cleaned.published) == ("Meta title", stamp)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Harbour town votes to keep its lighthouse", True),
        ("Minister: “We will not back down”", True),
        ("The harbour town voted on Sunday to keep its lighthouse.", False),  # a sentence
        ("World", False),  # a section label
        ("09:01 , Jane Doe", False),  # a live-blog stamp
        (" ".join(["word"] * 30), False),  # too long for a headline
    ],
)
def test_looks_like_headline(line, expected):
    assert looks_like_headline(line) is expected


def test_empty_and_windows_texts():
    empty = clean_text(RawDocument(source="t", text=" \n\n"))
    assert (empty.text, empty.title, empty.removed_lines) == ("", None, ())
    crlf = clean_text(RawDocument(source="t", text="Ferry strike ends\r\nThe strike ended on Tuesday.\r\n"))
    assert crlf.text == "Ferry strike ends\nThe strike ended on Tuesday."
    assert crlf.title == "Ferry strike ends"
