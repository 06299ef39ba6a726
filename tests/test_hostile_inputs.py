"""Named hostile inputs, each with a clear error or a correct result: decompression bombs, entity
bombs, a 1 MB line, NUL bytes, mixed encodings, right-to-left text, emoji, a 100,000-entry live
blog, empty and truncated files, duplicates. Fixtures are built here, small or generated.
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from wiretrail.clean import clean_text
from wiretrail.ingest import iter_inputs
from wiretrail.model import Failure, RawDocument
from wiretrail.pipeline import MAX_PARAGRAPH_CHARS, _bounded, ingest
from wiretrail.segment import segment_document
from wiretrail.settings import Settings
from wiretrail.store import open_store

SLOW = os.environ.get("WIRETRAIL_SLOW") == "1"
LIMIT = 1 << 20  # max_bytes in these tests: 1 MiB
# Memory a refused bomb may cost: the capped read holds at most the limit plus a chunk, then joins.
BOMB_MEMORY_FACTOR = 4
SENTENCE = "The council said the harbour bridge would reopen on Friday after three weeks of repairs. "


def _write_gzip_bomb(path: Path, decompressed: int, unit: bytes = b"a") -> None:
    """`decompressed` bytes of one repeated byte, streamed: the file stays ~1/1000 of that."""
    chunk = unit * (1 << 20)
    with gzip.open(path, "wb", compresslevel=9) as out:
        for _ in range(decompressed // len(chunk)):
            out.write(chunk)


def _read(paths, max_bytes=LIMIT):
    tracemalloc.start()
    try:
        items = list(iter_inputs([str(p) for p in paths], max_bytes=max_bytes))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return items, peak


def _ingest(tmp_path: Path, *inputs, extract: bool = False):
    store = open_store(tmp_path / "hostile.db")
    report = ingest(store, list(inputs), settings=Settings(workers=1, extract=extract))
    return store, report


# -- decompression and entity bombs ------------------------------------------------------------


@pytest.mark.parametrize("name", ["bomb.txt.gz", "bomb.html.gz", "bomb.rss.gz"])
def test_a_gzip_bomb_is_refused_at_the_limit_in_bounded_memory(tmp_path, name):
    bomb = tmp_path / name
    _write_gzip_bomb(bomb, 64 * LIMIT)  # 64 MiB decompressed, ~64 KB on disk
    assert bomb.stat().st_size < LIMIT
    (item,), peak = _read([bomb])
    assert isinstance(item, Failure) and item.source == str(bomb)
    assert f"decompressed size exceeds {LIMIT} bytes" in item.error
    assert peak < BOMB_MEMORY_FACTOR * LIMIT, f"{peak} bytes held reading a refused bomb"


@pytest.mark.parametrize("name", ["bomb.jsonl.gz", "bomb.csv.gz"])
def test_a_gzip_bomb_in_a_streamed_table_stops_at_the_line_limit(tmp_path, name):
    bomb = tmp_path / name
    with gzip.open(bomb, "wb") as out:  # a header, one good row, then one endless line
        out.write(b"title,text\nA,short text\n" if name.endswith(".csv.gz") else b'{"text": "short text"}\n')
        for _ in range(64):
            out.write(b"x" * LIMIT)
    items, peak = _read([bomb])
    assert isinstance(items[0], RawDocument) and items[0].text == "short text"
    assert isinstance(items[-1], Failure) and str(LIMIT) in items[-1].error
    assert peak < BOMB_MEMORY_FACTOR * LIMIT


def test_a_warc_record_claiming_a_huge_length_is_skipped(tmp_path):
    head = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://e.x/huge\r\nContent-Length: 99999999999\r\n\r\n"
    path = tmp_path / "huge.warc"
    path.write_bytes(head + b"HTTP/1.1 200 OK\r\n\r\nsmall")
    items, _ = _read([path])
    assert any(isinstance(i, Failure) and "over the limit" in i.error for i in items), items


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + ']><rss version="2.0"><channel><title>t</title><item><title>&lol9;</title>'
    "<description>The bridge reopened on Friday.</description></item></channel></rss>"
)
QUADRATIC_BLOWUP = (  # one 50 KB entity used 2,000 times: 100 MB if expanded, under expat's depth limits
    f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY big "{"a" * 50_000}">]><rss version="2.0"><channel>'
    f"<item><title>t</title><description>{'&big;' * 2000}</description></item></channel></rss>"
)


@pytest.mark.parametrize("feed", [BILLION_LAUGHS, QUADRATIC_BLOWUP], ids=["billion-laughs", "quadratic-blowup"])
def test_entity_bombs_are_not_expanded(tmp_path, feed):
    path = tmp_path / "bomb.rss"
    path.write_text(feed, encoding="utf-8")
    start = time.process_time()
    items, peak = _read([path])
    assert time.process_time() - start < 10
    assert peak < 20 * 1024 * 1024, f"{peak} bytes: the entities were expanded"
    for item in items:
        if isinstance(item, RawDocument):
            assert len(item.text) + len(item.title or "") < 100_000, "the entities were expanded"
        else:
            assert item.source.startswith(str(path)) and item.error


# -- long, odd and mixed text -------------------------------------------------------------------


def test_long_paragraphs_are_cut_for_the_parser_at_sentence_ends():
    text = SENTENCE * (3 * MAX_PARAGRAPH_CHARS // len(SENTENCE))
    pieces = _bounded(text, 0, len(text.rstrip()))
    assert len(pieces) >= 3
    assert all(0 < end - start <= MAX_PARAGRAPH_CHARS for start, end in pieces)
    assert all(text[end - 1] == "." for _, end in pieces), "a cut inside a sentence"
    assert "".join(text[s:e] for s, e in pieces).replace(" ", "") == text.replace(" ", ""), "characters lost"
    no_spaces = "x" * (2 * MAX_PARAGRAPH_CHARS + 5)
    assert [e - s for s, e in _bounded(no_spaces, 0, len(no_spaces))] == [MAX_PARAGRAPH_CHARS, MAX_PARAGRAPH_CHARS, 5]


def test_a_one_megabyte_single_line_is_ingested(tmp_path):
    """Was: spaCy's E088 (text over 1,000,000 characters) escaped and stopped the whole ingest."""
    line = (SENTENCE * (1_050_000 // len(SENTENCE) + 1))[:1_050_000].rstrip()
    path = tmp_path / "one-line.txt"
    path.write_text(line, encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("Another article.\nIt says the ferry will stop on Friday.\n", encoding="utf-8")
    store, report = _ingest(tmp_path, path, other)
    assert report.failures == [] and report.added == 2
    (doc,) = [d for d in store.documents() if d.source == str(path)]
    assert doc.text == line
    sentences = store.sentences(doc.id)
    assert len(sentences) > 1_000_000 // MAX_PARAGRAPH_CHARS
    assert all(0 <= s.start < s.end <= len(line) for s in sentences)
    assert store.integrity_errors() == []
    store.close()


def test_nul_bytes(tmp_path):
    """Early NULs mean binary content; a stray one later is dropped by cleaning (it broke SQLite's
    length(), so the store's check saw offsets past the text)."""
    early = tmp_path / "early.txt"
    early.write_bytes(b"Headline\x00\x00 of a page\n" + SENTENCE.encode())
    late = tmp_path / "late.txt"
    late_text = SENTENCE * 20 + "A stray \x00 byte in the middle.\n" + SENTENCE
    late.write_bytes(late_text.encode())
    items, _ = _read([early, late])
    assert isinstance(items[0], Failure) and items[0].stage == "decode" and "binary" in items[0].error
    assert isinstance(items[1], RawDocument) and "\x00" in items[1].text
    store, report = _ingest(tmp_path, late)
    assert report.added == 1 and report.failures == []
    (doc,) = store.documents()
    assert doc.text == late_text.replace("\x00", "").strip()
    assert store.integrity_errors() == []
    store.close()


def test_mixed_encodings_in_one_file_are_each_read_right(tmp_path):
    utf8 = "Le maire a déclaré à Zürich que le pont rouvrira après les réparations.\n" * 3
    cp1252 = "Le préfet a annoncé que la fête aura lieu à Noël, déjà prévue.\n" * 3
    path = tmp_path / "joined.txt"
    path.write_bytes(utf8.encode("utf-8") + cp1252.encode("cp1252"))
    (doc,), _ = _read([path])
    assert doc.text == utf8 + cp1252
    assert doc.encoding == "utf-8+cp1252"


def test_right_to_left_text_keeps_its_characters_and_offsets(tmp_path):
    arabic = "\u200fقال المجلس إن الجسر سيعاد فتحه يوم الجمعة بعد الإصلاحات.\n" * 3
    hebrew = "המועצה אמרה שהגשר ייפתח מחדש ביום שישי.\n" * 2
    mixed = (
        "The mayor of Haifa (חיפה) said the bridge would reopen on Friday, and the council in Beirut "
        '(بيروت) agreed.\n\u200fقال المجلس: "الجسر سيعاد فتحه" يوم الجمعة, the statement in Arabic read.\n'
    )
    for name, text in (("ar.txt", arabic), ("he-ar.txt", hebrew + arabic), ("mixed.txt", mixed)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    store, report = _ingest(tmp_path, *(tmp_path / n for n in ("ar.txt", "he-ar.txt", "mixed.txt")), extract=True)
    assert report.failures == [] and report.added == 3
    for doc in store.documents():
        given = (tmp_path / Path(doc.source).name).read_text(encoding="utf-8")
        assert doc.text == given.strip(), f"{doc.source}: right-to-left text was changed"
        sentences = [doc.text[s.start : s.end] for s in store.sentences(doc.id)]
        assert sentences and all(s == s.strip() and s in doc.text for s in sentences)
    assert store.integrity_errors() == []
    store.close()


def test_emoji_count_as_one_character_each(tmp_path):
    """Offsets are code points everywhere: Python, the store, and the extractors."""
    text = "Strikes hit Kharkiv 🇺🇦 overnight 💥\n" + "👩‍👩‍👧 More than 10,000 troops 🪖 were sent to Kursk, officials said.\n" + SENTENCE
    path = tmp_path / "emoji.txt"
    path.write_text(text, encoding="utf-8")
    store, report = _ingest(tmp_path, path, extract=True)
    assert report.failures == [] and report.added == 1
    (doc,) = store.documents()
    figures = store.facts.figures() if hasattr(store.facts, "figures") else []
    for figure in figures:
        assert doc.text[figure.start : figure.end] == figure.text
    for s in store.sentences(doc.id):
        assert doc.text[s.start : s.end] == doc.text[s.start : s.end].strip() != ""
    assert store.integrity_errors() == []
    store.close()


# -- a 100,000-entry live blog ------------------------------------------------------------------

ENTRIES = 100_000
# CPU seconds per entry that cleaning and segmenting may cost: measured ~0.14 ms per entry at
# 10,000 and at 100,000 entries (linear) on this machine; 1 ms leaves room for a slower one.
MAX_CPU_S_PER_ENTRY = 1e-3
# A quadratic step would cost ten times more per entry at 100,000 entries than at 10,000.
MAX_PER_ENTRY_GROWTH = 3.0
# Memory the split may add to the process: measured ~130 MB (the 10 MB text, its lines, segments).
MAX_BLOG_MEMORY_BYTES = 600 * 1024 * 1024
# Each size runs in a fresh process: CPU time and peak memory are then its own (tracemalloc would
# slow allocation-heavy code several times over and hide or fake a quadratic step).
_MEASURE = """
import resource, sys
sys.path.insert(0, sys.argv[1])
from test_hostile_inputs import _clean_and_segment, _live_blog
from wiretrail.model import SegmentKind
text = _live_blog(int(sys.argv[2]))
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result, cpu = _clean_and_segment(text)
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) * 1024
entries = [s for s in result.segments if s.kind is SegmentKind.ENTRY]
undated = sum(s.posted_at is None for s in entries)
distinct = len({s.posted_at for s in entries[:1440]})
newest_first = entries[0].posted_at.value > entries[-1].posted_at.value
print(len(entries), undated, distinct, newest_first, cpu, grown)
"""


def _live_blog(entries: int) -> str:
    lines = ["Live: the bridge repairs, hour by hour"]
    for i in range(entries):
        minute = (23 * 60 - 7 * i) % (24 * 60)  # newest first, wrapping past midnight every ~200 entries
        day = " 3 December 2024" if i == 0 else ""  # the newest entry is dated: the walk back dates the rest
        stamp = f"{day} {minute // 60:02d}:{minute % 60:02d} , Jane Roe".strip()
        lines += [f"Repair crews report progress {i}", stamp, f"Crews replaced {i % 97} panels on span {i}.", ""]
    return "\n".join(lines)


def _clean_and_segment(text: str):
    start = time.process_time()
    cleaned = clean_text(RawDocument(source="blog", text=text))
    result = segment_document("blog", cleaned.text)
    return result, time.process_time() - start


def _measure(entries: int) -> tuple[int, int, int, bool, float, int]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(Path(__file__).parent), str(entries)],
        capture_output=True, text=True, timeout=1200, check=True,
    )  # fmt: skip
    count, undated, distinct, newest_first, cpu, grown = done.stdout.split()
    return int(count), int(undated), int(distinct), newest_first == "True", float(cpu), int(grown)


def test_a_100000_entry_live_blog_is_split_in_linear_time_and_bounded_memory():
    *_, small_cpu, _ = _measure(ENTRIES // 10)
    count, undated, distinct, newest_first, cpu, grown = _measure(ENTRIES)
    assert count == ENTRIES, f"{count} entries of {ENTRIES}"
    assert undated == 0, f"{undated} entries left undated"
    assert distinct == 1440 and newest_first  # a stamp every 7 minutes: a day of distinct times, walked back
    assert cpu < MAX_CPU_S_PER_ENTRY * ENTRIES, f"{cpu:.1f} s CPU"
    assert cpu / ENTRIES < MAX_PER_ENTRY_GROWTH * small_cpu / (ENTRIES // 10), f"{cpu:.1f} s vs {small_cpu:.1f} s for a tenth"
    assert grown < MAX_BLOG_MEMORY_BYTES, f"{grown / 1e6:.0f} MB"


# -- empty, truncated, duplicated --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\n", "empty"),
        ("empty.html", b"<html><body>  </body></html>", "no text in HTML"),
        ("empty.csv", b"title,text\n", "no rows"),
        ("empty.jsonl", b"\n\n", "no JSON lines"),
        ("empty.rss", b'<?xml version="1.0"?><rss><channel><title>t</title></channel></rss>', "no entries"),
        ("empty.warc", b"WARC/1.0\r\n", "WARC"),
        ("empty.txt.gz", gzip.compress(b""), "empty"),
        ("cut.txt.gz", gzip.compress(" ".join(f"{SENTENCE}{i}" for i in range(300)).encode())[:600], "corrupt gzip"),
        ("cut.jsonl", b'{"text": "whole line"}\n{"text": "cut li', "invalid JSON"),
        ("cut.rss", b'<?xml version="1.0"?><rss><channel><item><title>t</title><descr', "no text"),
    ],
)
def test_empty_and_truncated_files_say_what_is_wrong(tmp_path, name, data, says):
    path = tmp_path / name
    path.write_bytes(data)
    items, _ = _read([path])
    failures = [i for i in items if isinstance(i, Failure)]
    assert failures, f"{name}: no failure reported ({items})"
    assert all(f.source.startswith(str(path)) for f in failures)
    assert any(says in f.error for f in failures), [f.error for f in failures]


def test_a_truncated_utf8_file_keeps_its_text_and_is_flagged(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes((SENTENCE + "Zürich, Kyiv and Київ").encode()[:-1])  # half of the 'в'

    (doc,), _ = _read([path])
    assert doc.ends_mid_character and doc.text.startswith(SENTENCE)


def test_duplicates_are_stored_once(tmp_path):
    text = "Bridge to reopen\n" + SENTENCE * 5
    inputs = tmp_path / "inputs"
    for name in ("a.txt", "b/a.txt", "c.txt"):
        (inputs / name).parent.mkdir(parents=True, exist_ok=True)
        (inputs / name).write_text(text, encoding="utf-8")
    rows = inputs / "rows.jsonl"
    rows.write_text(('{"url": "https://e.x/1", "text": "%s"}\n' % SENTENCE) * 3, encoding="utf-8")
    store, report = _ingest(tmp_path, inputs)
    # the three files are one text with no URL: one document; the three rows share a URL: one more
    assert report.added == 2 and report.existing == 4 and report.failures == []
    again = ingest(store, [inputs], settings=Settings(workers=1, extract=False))
    assert again.added == 0 and store.counts().documents == 2
    store.close()
