"""Agency credits: closing credit lines leave the text, dateline credits stay in it."""

from __future__ import annotations

import pytest

from wiretrail.clean import clean_text
from wiretrail.clean.credits import find_credits, parse_credit_line
from wiretrail.model import RawDocument


def _seed(seed_path, prefix: str) -> RawDocument:
    data = seed_path(prefix).read_bytes()
    return RawDocument(source=prefix, text=data.decode("utf-8"), byte_length=len(data), content_sha="x")


def _gold_doc(gold: dict, prefix: str) -> dict:
    (doc,) = [d for d in gold["document"] if d["file"].startswith(prefix)]
    return doc


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_credits_match_gold(seed_path, gold, prefix):
    cleaned = clean_text(_seed(seed_path, prefix))
    assert cleaned.credits == tuple(_gold_doc(gold, prefix).get("credits", ()))


def test_closing_credit_line_leaves_the_text(seed_path):
    raw = _seed(seed_path, "000")
    closing = raw.text.rstrip("\n").rsplit("\n", 1)[1]
    cleaned = clean_text(raw)
    assert closing not in cleaned.text
    assert closing in cleaned.removed_lines


def test_dateline_credit_stays_in_the_text(seed_path):
    raw = _seed(seed_path, "003")
    (line,) = [line for line in raw.text.split("\n") if line.startswith("Reuters: ")]
    assert line in clean_text(raw).text.split("\n")


@pytest.mark.parametrize(
    ("line", "agencies"),
    [
        ("sdi/zc (AFP, AP, dpa, Reuters)", ("AFP", "AP", "dpa", "Reuters")),
        ("jsi/rm (Reuters, dpa)", ("Reuters", "dpa")),
        ("(AFP)", ("AFP",)),
        ("ab (Associated Press and Kyodo)", ("AP", "Kyodo")),
        ("With Agence France-Presse", ("AFP",)),
        ("jk/ts (MP, Reuters)", ("MP", "Reuters")),  # editors' initials vouch for an unknown agency
        ("(MP, Reuters)", None),  # without them an unknown acronym is no credit
        ("jk/ts (in pictures)", None),
        ("Source: Reuters, AP", ("Reuters", "AP")),
        ("With the ferry gone, the town waits.", None),
        ("(file photo)", None),
        ("(in Russian)", None),
        ("The ferry sailed (Reuters) on time.", None),
    ],
)
def test_parse_credit_line(line, agencies):
    assert parse_credit_line(line) == agencies


@pytest.mark.parametrize(
    ("line", "agencies", "dropped"),
    [
        ("PORT AMBLE, Dec 3 (Reuters) - The ferry sailed on time on Tuesday.", ("Reuters",), False),
        ("KYIV, Ukraine (AP) — The ferry sailed on time on Tuesday.", ("AP",), False),
        ("(Reuters) - The ferry sailed on time on Tuesday.", ("Reuters",), False),
        ("AFP: The ferry sailed on time on Tuesday.", ("AFP",), False),
        ("The captain told Reuters the ferry sailed on time.", (), False),
        ("Reporting by Ann Lee; Editing by Tom Roe", (), True),
        ("Associated Press writer Ann Lee contributed to this report.", ("AP",), True),
    ],
)
def test_dateline_and_trailer_credits(line, agencies, dropped):
    found = find_credits([line], [0])
    assert found.agencies == agencies
    assert (0 in found.furniture) is dropped


def test_credits_keep_their_order_and_appear_once():
    lines = ["LONDON (AP) — The ferry sailed.", "It was late (Reuters) — no.", "ab/cd (Reuters, AP)"]
    assert find_credits(lines, [0, 1, 2]).agencies == ("AP", "Reuters")


def test_an_agency_that_could_not_verify_is_a_credit_not_the_outlet():
    text = "The ferry sank near Port Amble, officials said.\nReuters could not independently verify the report."
    cleaned = clean_text(RawDocument(source="t", text=text))
    assert cleaned.credits == ("Reuters",)
    assert cleaned.outlet is None
