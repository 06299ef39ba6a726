"""Relative dates resolve against the day a segment was written, or say they cannot."""

from __future__ import annotations

from datetime import date

from wiretrail.extract.when import find_when
from wiretrail.model import DatePrecision

TUESDAY = date(2024, 12, 3)


def test_weekdays_are_the_latest_such_day_on_or_before_the_report():
    assert find_when("Scholz visited Kyiv on Monday.", TUESDAY).day == date(2024, 12, 2)
    assert find_when("The court ruled on Friday.", TUESDAY).day == date(2024, 11, 29)
    assert find_when("Officials met on Tuesday.", TUESDAY).day == TUESDAY


def test_yesterday_and_overnight():
    assert find_when("Drones hit the port yesterday.", TUESDAY).day == date(2024, 12, 2)
    assert find_when("Drones hit the port overnight.", TUESDAY).day == TUESDAY


def test_month_days_take_the_year_closest_before_the_report():
    assert find_when("The deal was signed on 29 November.", TUESDAY).day == date(2024, 11, 29)
    assert find_when("The deal was signed on December 20.", date(2025, 1, 5)).day == date(2024, 12, 20)
    assert find_when("on 3 March 2022 the city fell", TUESDAY).day == date(2022, 3, 3)


def test_without_a_report_date_a_weekday_stays_unresolved():
    found = find_when("Baerbock met Sybiha on Monday.", None)
    assert found is not None and found.day is None and found.precision is None


def test_sentences_without_time_words_have_none():
    assert find_when("The minister spoke to reporters.", TUESDAY) is None
    assert find_when("A Mayday call was heard.", TUESDAY) is None
    assert find_when("He said it.", TUESDAY) is None
    assert find_when("Drones hit the port yesterday.", TUESDAY).precision is DatePrecision.DAY
