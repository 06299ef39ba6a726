"""iter_inputs over paths: walking, dispatch, size limits, compression, and bad files."""

from __future__ import annotations

import gzip
import os
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from wiretrail.ids import content_hash
from wiretrail.ingest import iter_inputs
from wiretrail.model import Failure, RawDocument

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
SEED_SIZES = {"000": 6058, "001": 16952, "002": 8192, "003": 2774, "004": 35405}


def _gzip_bomb(path: Path, size: int) -> None:
    """`size` bytes of one repeated character, streamed into gzip (a few KB on disk)."""
    chunk = b"a" * (1 << 20)
    with gzip.open(path, "wb") as fh:
        for _ in range(size // len(chunk)):
            fh.write(chunk)


def test_the_five_seeds(seeds_dir):
    docs = list(iter_inputs([seeds_dir]))
    assert all(isinstance(doc, RawDocument) for doc in docs)
    assert [Path(doc.source).name[:3] for doc in docs] == sorted(SEED_SIZES)
    for doc in docs:
        data = Path(doc.source).read_bytes()
        assert doc.byte_length == SEED_SIZES[Path(doc.source).name[:3]] == len(data)
        assert doc.content_sha == content_hash(data)
        assert (doc.media_type, doc.encoding) == ("text/plain", "utf-8")
        assert doc.text == data.decode("utf-8")  # passed on as read: no header parsing, no cleaning
    assert docs[2].byte_length == 8192 and docs[2].ends_mid_character is False  # cut on a character boundary


def test_sources_keep_the_folder_as_given(seeds_dir):
    first = next(iter_inputs([str(seeds_dir) + "/"]))
    assert first.source.startswith(str(seeds_dir) + "/")


def test_walk_is_sorted_recursive_and_skips_hidden(tmp_path):
    for rel in ("b.txt", "a/z.txt", "a/b/y.txt", "c.txt", ".hidden.txt", ".git/config.txt", "a/.cache/x.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(f"Text of {rel}.\n")
    names = [os.path.relpath(doc.source, tmp_path) for doc in iter_inputs([tmp_path])]
    assert names == ["a/b/y.txt", "a/z.txt", "b.txt", "c.txt"]


def test_several_paths_and_a_missing_one(tmp_path):
    (tmp_path / "one.txt").write_text("One.\n")
    items = list(iter_inputs([tmp_path / "one.txt", tmp_path / "nope.txt", FIXTURES / "article.html"]))
    assert [type(i).__name__ for i in items] == ["RawDocument", "Failure", "RawDocument"]
    assert items[1].source == str(tmp_path / "nope.txt")
    assert items[1].error == "no such file or directory" and items[1].stage == "read"


def test_dispatch_by_extension_and_by_sniffing(tmp_path):
    html = (FIXTURES / "article.html").read_bytes()
    for name in ("page.htm", "page.xhtml", "page", "page.unknown"):
        (tmp_path / name).write_bytes(html)
    (tmp_path / "notes").write_text("No extension: plain text.\n")
    (tmp_path / "notes.text").write_text("A .text file.\n")
    (tmp_path / "notes.note").write_text("# Unknown extension, text content\n")
    kinds = {Path(d.source).name: d.media_type for d in iter_inputs([tmp_path])}
    assert kinds == {
        "notes": "text/plain",
        "notes.note": "text/plain",
        "notes.text": "text/plain",
        "page": "text/html",
        "page.htm": "text/html",
        "page.unknown": "text/html",
        "page.xhtml": "text/html",
    }


def test_xhtml_with_an_xml_declaration_is_html(tmp_path):
    page = '<?xml version="1.0" encoding="utf-8"?>\n' + (FIXTURES / "article.html").read_text()
    (tmp_path / "page.xml").write_text(page)
    (doc,) = iter_inputs([tmp_path / "page.xml"])
    assert doc.media_type == "text/html" and doc.title == "Harbour bridge reopens after storm repairs"


def test_gzipped_documents(tmp_path):
    (tmp_path / "page.html.gz").write_bytes(gzip.compress((FIXTURES / "article.html").read_bytes()))
    (tmp_path / "note.txt.gz").write_bytes(gzip.compress(b"Compressed note.\n"))
    (tmp_path / "feed.gz").write_bytes(gzip.compress((FIXTURES / "feed.atom").read_bytes()))  # sniffed inside
    (tmp_path / "rows.jsonl.gz").write_bytes(gzip.compress((FIXTURES / "rows.jsonl").read_bytes()))
    docs = [d for d in iter_inputs([tmp_path]) if isinstance(d, RawDocument)]
    by_name = {}
    for doc in docs:
        by_name.setdefault(Path(doc.source).name if not doc.url else doc.url, doc)
    assert by_name["note.txt.gz"].text == "Compressed note.\n"
    assert by_name["https://courier.example/news/harbour-bridge-reopens"].media_type == "text/html"
    assert by_name["https://wire.example/ferry-ends"].title == "Ferry service to end on Friday"
    assert "https://courier.example/a" in by_name  # a JSON Lines row


def test_a_file_over_the_limit_is_refused_unread(tmp_path):
    (tmp_path / "big.txt").write_text("x" * 2_000)
    (failure,) = iter_inputs([tmp_path / "big.txt"], max_bytes=1_000)
    assert failure.error == "file is 2000 bytes, over the limit of 1000 bytes"


def test_a_gzip_bomb_stops_at_the_limit(tmp_path):
    path = tmp_path / "bomb.txt.gz"
    _gzip_bomb(path, 64 << 20)
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    start = time.perf_counter()
    (failure,) = iter_inputs([path], max_bytes=4 << 20)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert failure.error == f"decompressed size exceeds {4 << 20} bytes"
    assert peak < 16 << 20 and seconds < 5


def test_a_gzip_bomb_in_a_streamed_format_stops_at_the_line_limit(tmp_path):
    path = tmp_path / "bomb.jsonl.gz"
    _gzip_bomb(path, 32 << 20)
    tracemalloc.start()
    items = list(iter_inputs([path], max_bytes=1 << 20))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(items) == 1 and "exceeds 1048576 bytes" in items[0].error
    assert peak < 8 << 20


@pytest.mark.parametrize(
    "name, data, error",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b" \n\t\r\n  ", "empty"),
        ("nul.txt", b"text\x00with NUL bytes", "binary content, not text"),
        ("report.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n" + b"stream " * 50, "binary content, not text (PDF)"),
        ("broken.html.gz", b"\x1f\x8b\x08\x00 not really gzip", "corrupt gzip data"),
        ("cut.txt.gz", zlib.compress(b"x")[:0] + gzip.compress(b"A sentence cut off." * 50)[:40], "corrupt gzip data"),
    ],
)
def test_bad_files_are_failures(tmp_path, name, data, error):
    (tmp_path / name).write_bytes(data)
    (failure,) = iter_inputs([tmp_path / name])
    assert isinstance(failure, Failure)
    assert failure.source == str(tmp_path / name)
    assert failure.error.startswith(error)
    assert failure.stage == ("decode" if error.startswith("binary") else "read")


def test_a_bad_file_does_not_stop_the_others(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "b.txt").write_text("Fine.\n")
    a, b = iter_inputs([tmp_path])
    assert isinstance(a, Failure) and b.text == "Fine.\n"


def test_truncated_utf8_file_is_flagged(tmp_path):
    data = "Kyiv, 2 December — the ferry 😀".encode()
    (tmp_path / "cut.txt").write_bytes(data[:-2])
    (doc,) = iter_inputs([tmp_path / "cut.txt"])
    assert doc.ends_mid_character is True and doc.text == "Kyiv, 2 December — the ferry "
    assert doc.byte_length == len(data) - 2


def test_reading_twice_gives_the_same_documents():
    def read():
        return [(i.source, getattr(i, "content_sha", None), getattr(i, "error", None)) for i in iter_inputs([FIXTURES])]

    assert read() == read()


def test_folder_walk_skips_readmes_and_configs_but_reads_them_when_named(tmp_path):
    from wiretrail.ingest import iter_inputs

    (tmp_path / "story.txt").write_text("Bridge reopens\nThe bridge over the fictional Vessa reopened today after repairs.\n")
    (tmp_path / "README.md").write_text("# About this folder\nNotes for people, not news.\n")
    (tmp_path / "expected.toml").write_text("entries = 3\n")
    found = [d.source for d in iter_inputs([tmp_path])]
    assert found == [str(tmp_path / "story.txt")]
    named = [d.source for d in iter_inputs([tmp_path / "README.md"])]
    assert named == [str(tmp_path / "README.md")]
