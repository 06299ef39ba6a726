"""Region selection on flattened pages: menus, teasers and footers go, the story and its stamps stay."""

from __future__ import annotations

import pytest

from wiretrail.clean import clean_text
from wiretrail.clean.archive import find_archive_banner
from wiretrail.clean.density import LineKind, classify, select_reporting
from wiretrail.model import RawDocument

MENU = ["Home", "News", "Sport", "Weather", "Business", "Culture", "Travel", "Opinion", "Video", "Audio"]
STORY = [
    "Harbour town votes to keep its lighthouse",
    "Residents of Port Amble voted on Sunday to keep the old lighthouse, the council said, ending a "
    "dispute that had split the town for more than a year.",
    "The keeper, who has tended the light for 31 years, said he was relieved and would stay on.",
    "Engineers expect the repairs to take two years and to cost about half of the harbour fund.",
    "Work will start in spring.",
]
TEASERS = ["Ferry timetable changes", "Fishing quotas cut again", "Storm warning for the coast",
           "Council elections: who is standing", "Pictures of the week", "New harbour master named",
           "Port Amble in numbers"]
FOOTER = ["About us", "Contact", "Careers", "© 2024 Harbour Gazette"]


def _clean(lines: list[str]) -> list[str]:
    return clean_text(RawDocument(source="t", text="\n".join(lines))).text.split("\n")


def test_story_is_found_between_menu_teasers_and_footer():
    assert _clean([*MENU, *STORY, *TEASERS, *FOOTER]) == STORY  # with the headline right above it


def test_headline_right_above_the_story_is_kept():
    # a short head (<= PREAMBLE_LINES) is the document's own: kept whole
    assert _clean([*STORY, *TEASERS]) == STORY


def test_story_split_by_a_fact_box_keeps_both_parts():
    facts = ["FACTS", "Built: 1871", "Height: 24m", "Range: 18 nautical miles", "Keepers: 1", "Fuel: diesel",
             "Visitors: 12,000 a year", "Listed: grade II"]
    head = STORY[:4]  # light beside what follows the box: kept because it runs on into the story
    rest = [
        "The vote followed months of meetings in which residents argued over the cost of the work.",
        "Opponents had wanted the money spent on the harbour wall, which was damaged last winter.",
        "The council said it would look for other funds for the wall next year, the mayor said.",
        "Residents will be able to visit the lighthouse again once the work is finished, she added.",
        "A public meeting on the timetable is planned for March, the council said in a statement.",
        "The keeper said he hoped to welcome visitors back by the summer after next, if all went well.",
    ] * 3
    assert _clean([*MENU, *head, *facts, *rest, *FOOTER]) == [*head, *rest]  # the box itself goes


def test_live_blog_stamps_and_short_entries_survive():
    blog = [
        "Lighthouse vote: live", STORY[1], "Key points", "-", "Vote passed", "-", "Repairs to follow",
        "Keeper speaks", "10:02 , Ann Lee", STORY[2],
        "Watch: the count", "09:40 , Ann Lee",
        "Pictured: the queue", "Tuesday 3 December 2024 23:59 , Ann Lee",
        "Polls open", "09:01 , Ann Lee", STORY[3],
    ]
    assert _clean(blog) == blog


def test_text_without_prose_is_left_alone():
    assert _clean(TEASERS) == TEASERS


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (STORY[1], LineKind.PROSE),
        ("Putin met the foreign minister of North Korea, Choe Son Hui, in the Kremlin on Monday in Moscow.",
         LineKind.PROSE),
        (STORY[4], LineKind.SENTENCE),
        ("Council Elections: Who Is Standing And What They Promise For The Harbour And The Town Centre", LineKind.SHORT),
        ("09:01 , Ann Lee", LineKind.STAMP),
        ("Tuesday 3 December 2024 23:59 , Ann Lee", LineKind.STAMP),
        ("-", LineKind.SEPARATOR),
        ("Home", LineKind.SHORT),
    ],
)
def test_classify(line, kind):
    assert classify(line) is kind


def test_select_reporting_returns_indices_outside_the_story():
    lines = [*MENU, *STORY]
    outside = select_reporting(lines, list(range(len(lines))))
    assert outside == frozenset(range(len(MENU)))  # the headline right above the story stays


def test_web_archive_banner_goes():
    banner = ["Nov", "DEC", "2004", "17 captures", "About this capture", "COLLECTED BY",
              "Organization: Example Crawls", "Example crawls donate their data to the archive.",
              "Collection: Crawl 7", "This data is currently not publicly accessible."]
    lines = [*banner, STORY[0], STORY[1]]
    assert find_archive_banner(lines, list(range(len(lines)))) == frozenset(range(len(banner)))
    assert _clean(lines) == [STORY[0], STORY[1]]
