"""The briefing on the seeds: covers what the gold says it must, and cites every sentence."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from wiretrail.cli import app
from wiretrail.report.briefing import Briefing, Citation, build_briefing, to_html, to_markdown
from wiretrail.report.timeline import Report, TimelineRow
from wiretrail.model import Event

# The list for the seeds, as words a briefing line must hold.
MUST_COVER = {
    "the North Korean deployment with its figures": [r"North Korean", r"11,000"],
    "the Belousov visit": [r"Belousov.*Pyongyang|Pyongyang.*Belousov"],
    "Gorinov's sentence": [r"Vladimir|Gorinov|councilor"],
    "the landmine dispute": [r"ICBL|landmine|anti-personnel mine"],
    "the Atlas depot strike": [r"oil depot"],
    "Scholz in Kyiv": [r"Scholz"],
    "the claims on Romanivka and Novodarivka": [r"Romanivka"],
}


@pytest.fixture(scope="module")
def page(seeded_store) -> str:
    return to_markdown(build_briefing(seeded_store))


@pytest.mark.parametrize("what", sorted(MUST_COVER))
def test_the_briefing_covers_what_the_gold_asks(page, what):
    for pattern in MUST_COVER[what]:
        assert re.search(pattern, page), f"{what}: no line matches {pattern!r}"


def test_every_line_cites_sources_that_are_listed(page):
    body, sources = page.split("## Sources")
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", sources, re.M)}
    lines = [line for line in body.splitlines() if line.startswith("- ")]
    assert lines
    for line in lines:
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", line)}
        assert cited and cited <= listed, line


def test_article_text_is_escaped_in_html():
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    event = Event("e1", "ATTACK", None, None, hostile, doc_id="d1")
    row = TimelineRow(None, None, "ATTACK", "<b>Kyiv</b>", hostile, (), [Report(event, None, {})], 1)
    brief = Briefing("<i>title</i>", events=[(row, [1], False)], citations=[Citation(1, "d1", "<x>", None, "javascript:alert(3)")])
    page = to_html(brief)
    assert "<script>" not in page and "<img" not in page and "<b>" not in page and "<x>" not in page
    assert "&lt;script&gt;" in page


def test_brief_from_the_command_line(seeded_store, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(seeded_store.path), "brief", "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!doctype html>") and "<h2>Sources</h2>" in result.stdout
    assert runner.invoke(app, ["--db", str(seeded_store.path), "brief", "--format", "pdf"]).exit_code == 2
