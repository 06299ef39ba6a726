"""Furniture leaves, reporting stays: the gold's [boilerplate] lines and every other seed line.

Real news text is read from ../shared at test time; the synthetic cases below use a fictional
outlet, 'The Harbour Gazette'.
"""

from __future__ import annotations

import re

import pytest

from wiretrail.clean import clean_text
from wiretrail.clean.boilerplate import is_appeal, is_furniture_line
from wiretrail.clean.lines import is_stamp
from wiretrail.model import RawDocument

SEEDS = ["000", "001", "002", "003", "004"]


def _seed(seed_path, prefix: str) -> RawDocument:
    data = seed_path(prefix).read_bytes()
    return RawDocument(source=prefix, text=data.decode("utf-8"), byte_length=len(data), content_sha="x")


def _gold_doc(gold: dict, prefix: str) -> dict:
    (doc,) = [d for d in gold["document"] if d["file"].startswith(prefix)]
    return doc


def _furniture_prefixes(gold: dict, prefix: str) -> list[str]:
    return [p for name, ps in gold["boilerplate"].items() if name.startswith(prefix) for p in ps]


def _may_go(lines: list[str], prefix: str) -> set[int]:
    """Lines that are not reporting although the gold does not list them.

    000: the closing credit line (tested in test_clean_credits); 003: the teasers under the
    'In World' label (listed in the gold) up to the end; 004: a pointer ending in 'here:' and
    the link title under it.
    """
    out: set[int] = set()
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if prefix == "000":
        out.add(nonblank[-1])
    if prefix == "003":
        label = next(i for i in nonblank if lines[i] == "In World")
        out.update(i for i in nonblank if i >= label)
    if prefix == "004":
        for k, i in enumerate(nonblank[:-1]):
            if lines[i].rstrip().endswith("here:"):
                out.update({i, nonblank[k + 1]})
    return out


@pytest.mark.parametrize("prefix", SEEDS)
def test_gold_furniture_is_gone(seed_path, gold, prefix):
    cleaned = clean_text(_seed(seed_path, prefix))
    for furniture in _furniture_prefixes(gold, prefix):
        assert not any(line.startswith(furniture) for line in cleaned.text.split("\n")), furniture
        assert any(line.startswith(furniture) for line in cleaned.removed_lines), furniture


@pytest.mark.parametrize("prefix", SEEDS)
def test_every_reporting_line_survives(seed_path, gold, prefix):
    raw = _seed(seed_path, prefix)
    cleaned = clean_text(raw)
    kept = set(cleaned.text.split("\n"))
    lines = raw.text.split("\n")
    furniture = _furniture_prefixes(gold, prefix)
    may_go = _may_go(lines, prefix)
    lost = [
        line
        for i, line in enumerate(lines)
        if line.strip()
        and not line.startswith(" date ")
        and i not in may_go
        and not any(line.startswith(p) for p in furniture)
        and line.rstrip() not in kept
    ]
    assert lost == []


@pytest.mark.parametrize("prefix", SEEDS)
def test_clean_text_is_made_of_input_lines(seed_path, prefix):
    raw = _seed(seed_path, prefix)
    cleaned = clean_text(raw)
    source = set(raw.text.split("\n"))
    assert all(line in source or not line for line in cleaned.text.split("\n"))
    assert not cleaned.text.startswith("\n") and not cleaned.text.endswith("\n")


def test_live_blog_structure_survives(seed_path, gold):
    """Stamps, entry headlines and the Key Points separators: a segmenter needs all of them."""
    raw = _seed(seed_path, "004")
    text = clean_text(raw).text
    lines = text.split("\n")
    assert sum(is_stamp(line) for line in lines) == _gold_doc(gold, "004")["entries"]
    assert sum(is_stamp(line) for line in raw.text.split("\n")) == _gold_doc(gold, "004")["entries"]
    for key in ("first_entry", "entry_at_0100", "first_dated_entry", "last_entry"):
        assert _gold_doc(gold, "004")[key]["headline"] in lines
    assert lines.count("-") == raw.text.split("\n").count("-")


@pytest.mark.parametrize(
    ("prefix", "outlet", "republisher"),
    [("000", None, None), ("001", None, None), ("002", "The Independent", None), ("003", None, None),
     ("004", "The Independent", "EMEA Tribune")],
)
def test_outlet_and_republisher_match_gold(seed_path, gold, prefix, outlet, republisher):
    doc = _gold_doc(gold, prefix)
    cleaned = clean_text(_seed(seed_path, prefix))
    assert cleaned.outlet == doc.get("outlet", outlet)
    assert cleaned.republisher == doc.get("republisher", republisher)


# -- synthetic cases ------------------------------------------------------------------------

APPEAL = [
    "Independent journalism needs you",
    "From city hall to the harbour, The Harbour Gazette is there when the news breaks, and we "
    "know how much our readers rely on it.",
    "Your donation keeps our reporters on the beat. Support us today.",
]
STORY = [
    "Harbour town votes to keep its lighthouse",
    "Residents of Port Amble voted on Sunday to keep the old lighthouse, the council said.",
    "“We need your support to keep the light on,” the keeper told the crowd before the vote.",
    "The mayor said the town would support the repairs with money from the harbour fund.",
    "Engineers expect the work to take two years, the council said in a statement.",
]


def test_fictional_outlets_appeal_goes_and_names_the_outlet():
    text = "\n".join([STORY[0], *APPEAL, *STORY[1:], "Join the conversation", "Share this article"])
    cleaned = clean_text(RawDocument(source="t", text=text))
    assert cleaned.text.split("\n") == STORY
    assert cleaned.outlet == "The Harbour Gazette"
    assert list(cleaned.removed_lines) == [*APPEAL, "Join the conversation", "Share this article"]


def test_imperative_appeal_joins_the_appeal_and_prompts_name_the_outlet():
    appeal = [
        "Our reporters have been at the harbour since dawn so that you can follow every vote.",
        "We do not put our coverage behind a paywall.",
        "Support the Harbour Gazette today – it takes a minute.",
    ]
    cleaned = clean_text(RawDocument(source="t", text="\n".join([*STORY[:2], *appeal, *STORY[2:]])))
    assert cleaned.text.split("\n") == STORY
    assert cleaned.outlet == "Harbour Gazette"
    prompt = "Follow the Port Courier on social media for the latest updates"
    cleaned = clean_text(RawDocument(source="t", text="\n".join([*STORY, prompt])))
    assert cleaned.text.split("\n") == STORY
    assert cleaned.outlet == "Port Courier"


def test_support_in_reporting_and_in_quotes_is_not_an_appeal():
    assert not is_appeal(STORY[2])  # quoted speech is the speaker's voice, not the outlet's
    assert not is_appeal(STORY[3])
    assert is_appeal(APPEAL[2])


@pytest.mark.parametrize(
    "line",
    [
        "Join our commenting forum",
        "12 Comments",
        "Leave a reply",
        "Powered by WordPress",
        "Share this story on Facebook",
        "Sign up for our morning newsletter",
        "We use cookies to improve your experience on this site",
        "Follow the live coverage here:",
        "Advertisement",
        "© 2024 Harbour Gazette Ltd. All rights reserved.",
        "Port Daily is not involved in this news article, it is taken from our partners.",
        "Most read",
        '<a href="https://ads.example.com/click?id=1"><img src="banner.gif"></a>',
        "https://www.example.com/harbour-gazette",
        "Next story »",
        "1 of 3",
        "From the March 3, 2026 issue of Harbour Monthly.",
        "(Photo credit: Ann Lee)",
        "Special offer: three months for £1 - act now!",
    ],
)
def test_furniture_lines(line):
    assert is_furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The ferry company said it would share the cost of the new pier with the council.",
        "Comments by the minister drew criticism from the opposition on Monday.",
        "Most readers of the report will find its conclusions familiar, the author said.",
        "Subscribers to the ferry pass will pay less from January, the operator said, after months of talks.",
        "The old site broke when a <br> tag was left in the timetable page, the ferry company said on Monday.",
        "Next year the ferry will run twice a day, the operator said.",
    ],
)
def test_reporting_lines_are_not_furniture(line):
    assert not is_furniture_line(line)


def test_teaser_block_at_the_end_goes_but_a_key_points_list_stays():
    key_points = ["Key Points", "-", "Lighthouse saved by vote", "-", "Repairs to take two years"]
    teasers = ["In Region", "-", "A ferry ran aground near Port Amble on Tuesday, officials said.", "-",
               "Fishermen protested new quotas outside the council offices on Monday."]
    text = "\n".join([*STORY[:2], *key_points, *STORY[2:], *teasers])
    cleaned = clean_text(RawDocument(source="t", text=text))
    assert cleaned.text.split("\n") == [*STORY[:2], *key_points, *STORY[2:]]
    assert list(cleaned.removed_lines) == teasers


def test_pointer_and_its_link_title_go_but_an_entry_headline_stays():
    text = "\n".join([
        STORY[1], "10:02 , Ann Lee", STORY[3],
        "Follow our live coverage of the storm here:", "Storm hits coast — live", "Ferries cancelled",
        "09:58 , Ann Lee", STORY[4],
    ])
    lines = clean_text(RawDocument(source="t", text=text)).text.split("\n")
    assert lines == [STORY[1], "10:02 , Ann Lee", STORY[3], "Ferries cancelled", "09:58 , Ann Lee", STORY[4]]


def test_blank_lines_between_paragraphs_survive_but_not_around_dropped_lines():
    text = "\n\n".join([*STORY, "No comments:", "Powered by Blogger."]) + "\n"
    assert clean_text(RawDocument(source="t", text=text)).text == "\n\n".join(STORY)


def test_html_extracted_text_gets_furniture_removal_but_no_region_selection():
    menu = ["Home", "News", "Sport", "Weather", "Business", "Culture", "Travel", "Opinion"]
    text = "\n".join([*menu, *STORY, "Share this article"])
    cleaned = clean_text(RawDocument(source="t", text=text, media_type="text/html"))
    assert cleaned.text.split("\n") == [*menu, *STORY]
    assert re.search(r"^Harbour town", clean_text(RawDocument(source="t", text=text)).text)


def test_related_list_ends_at_the_next_live_blog_entry():
    text = "\n".join([
        STORY[1], "10:02 , Ann Lee", STORY[3],
        "Read more", "Ferry timetable changes", "Fishing quotas cut again",
        "Storm closes the harbour", "09:58 , Ann Lee", STORY[4],
    ])
    lines = clean_text(RawDocument(source="t", text=text)).text.split("\n")
    assert lines == [STORY[1], "10:02 , Ann Lee", STORY[3], "Storm closes the harbour", "09:58 , Ann Lee", STORY[4]]


def test_a_notice_glued_to_a_one_line_article_keeps_the_article():
    line = " ".join(STORY[1:]) + " © 2024 Harbour Gazette. The Gazette is not responsible for the content of external sites."
    assert clean_text(RawDocument(source="t", text=line)).text == line


def test_quoted_appeal_words_are_reporting():
    line = "“When they needed help we supported them,” she said. “Now they do not support us.”"
    assert not is_appeal(line)
    text = "\n".join([STORY[0], STORY[1], line, STORY[3]])
    assert clean_text(RawDocument(source="t", text=text)).text == text


def test_stock_notices_of_news_sites_are_furniture_but_reporting_is_not():
    from wiretrail.clean.boilerplate import is_furniture_line

    for notice in (
        "The Daily Example is not responsible for the content of external sites.",
        "Read about our approach to external linking.",
        "Send your story ideas to news@example.org",
        "If you have a story suggestion email tips@example.org",
        "Follow Example News West on Facebook, Twitter and Instagram.",
        "Follow EP's coverage of the flood at https://example.org/hub/flood",
        "Why not follow Example News North on Facebook, Twitter and Instagram?",
        "You can also send story ideas to north@example.org",
        "Please include your name, age and location with any submission.",
        "Sign up to Morning Brief, our free daily newsletter – every weekday morning at 7am GMT",
        "This photo was taken during a trip organized by the Ruritanian Ministry of Defence.",
    ):
        assert is_furniture_line(notice), notice
    for sentence in (
        "The ministry said it was not responsible for the outage at the external sites it leases.",
        "Residents were asked to send photos of the flooding to the council.",
    ):
        assert not is_furniture_line(sentence), sentence
