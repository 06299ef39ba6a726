"""Truncation: a round buffer size with an unfinished last line, or bytes cut mid-character."""

from __future__ import annotations

import pytest

from wiretrail.clean import clean_text
from wiretrail.clean.truncation import ends_finished, is_round_size, is_truncated
from wiretrail.model import RawDocument


def _seed(seed_path, prefix: str) -> RawDocument:
    data = seed_path(prefix).read_bytes()
    return RawDocument(source=prefix, text=data.decode("utf-8"), byte_length=len(data), content_sha="x")


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_truncation_matches_gold(seed_path, gold, prefix):
    (doc,) = [d for d in gold["document"] if d["file"].startswith(prefix)]
    raw = _seed(seed_path, prefix)
    assert clean_text(raw).truncated is doc.get("truncated", False)


def test_seed_002_is_cut_at_a_buffer_size(seed_path):
    raw = _seed(seed_path, "002")
    assert raw.byte_length == 8192 and is_round_size(raw.byte_length)


@pytest.mark.parametrize(
    ("size", "expected"),
    [(1024, True), (8192, True), (65536, True), (4096, True), (5000, True), (6144, True), (12000, True),
     (512, False), (2000, False), (3072, False), (8191, False), (6058, False), (35405, False)],
)
def test_round_sizes(size, expected):
    assert is_round_size(size) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("The ferry sailed.", True), ("He said: “It sailed.”", True), ("Why did it sail?", True),
     ("The ferry sai", False), ("Comments", False), ("", True)],
)
def test_ends_finished(text, expected):
    assert ends_finished(text) is expected


def test_round_size_alone_is_not_truncation():
    assert not is_truncated(RawDocument(source="t", text="The ferry sailed.\n", byte_length=4096))


def test_unfinished_text_of_ordinary_size_is_not_truncation():
    assert not is_truncated(RawDocument(source="t", text="The ferry sai", byte_length=4095))


def test_bytes_cut_inside_a_character_are_truncation():
    assert is_truncated(RawDocument(source="t", text="The ferry sailed.", byte_length=17, ends_mid_character=True))


def test_unknown_byte_length_is_not_truncation():
    assert not is_truncated(RawDocument(source="t", text="The ferry sai"))
