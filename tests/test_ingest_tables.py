"""CSV/TSV and JSON Lines: a document per row, a Failure per bad row, streamed."""

from __future__ import annotations

import gzip
import shutil
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

import pytest

from wiretrail.ingest import iter_inputs
from wiretrail.model import DateOrigin, DatePrecision, Failure, RawDocument

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def _split(items):
    items = list(items)
    docs = [i for i in items if isinstance(i, RawDocument)]
    return docs, [i for i in items if isinstance(i, Failure)]


def test_csv_rows_and_bad_rows():
    path = str(FIXTURES / "rows.csv")
    docs, failures = _split(iter_inputs([path]))
    assert [d.source for d in docs] == ["https://courier.example/a", f"{path}#row=2", "https://courier.example/e"]
    first, second, third = docs
    assert (first.title, first.url) == ("Bridge reopens", "https://courier.example/a")
    assert first.published.value == datetime(2024, 12, 2) and first.published.precision is DatePrecision.DAY
    assert first.published.origin is DateOrigin.METADATA
    assert second.url is None
    assert second.text == "The library stays open later.\nFrom December, until nine."  # quoted newline kept
    assert second.published.value == datetime(2024, 12, 1, 18, 5, tzinfo=timezone.utc)
    assert second.published.precision is DatePrecision.MINUTE
    assert third.published is None  # 'not a date' is not guessed at
    assert [(f.source, f.error) for f in failures] == [
        (f"{path}#row=3", "expected 5 columns, found 3"),
        (f"{path}#row=4", "empty text"),
    ]


def test_csv_content_hash_covers_url_title_and_text(tmp_path):
    (tmp_path / "a.csv").write_text("url,title,text\nhttps://x.example/1,T,Same text\n")
    (tmp_path / "b.csv").write_text("url,title,text\nhttps://x.example/2,T,Same text\n")
    (tmp_path / "c.csv").write_text("URL,TITLE,TEXT\nhttps://x.example/1,T,Same text\n")
    a, b, c = (doc.content_sha for doc in iter_inputs([tmp_path]))
    assert a != b and a == c


def test_csv_without_a_text_column_names_what_it_found(tmp_path):
    path = tmp_path / "links.csv"
    path.write_text("Date,URL,Title\n2024-12-01,https://x.example/1,A title\n")
    (failure,) = iter_inputs([path])
    assert isinstance(failure, Failure)
    assert "found columns Date, URL, Title" in failure.error
    assert "expected one of text, body, content, article" in failure.error


def test_tsv_and_cp1252_csv(tmp_path):
    (tmp_path / "a.tsv").write_text("headline\tcontent\nTab separated\tText, with a comma\n")
    rows = [
        "Café,Le café de la place rouvre après les travaux déjà annoncés par la mairie.",
        "Pont,Le pont sera fermé à la circulation jusqu'à vendredi; la déviation passe par le quai.",
        "École,Les élèves reprendront les cours lundi après les vacances d'hiver.",
    ]
    (tmp_path / "b.csv").write_bytes(("title,article\n" + "\n".join(rows) + "\n").encode("cp1252"))
    tsv, *legacy = iter_inputs([tmp_path / "a.tsv", tmp_path / "b.csv"])
    assert (tsv.title, tsv.text) == ("Tab separated", "Text, with a comma")
    assert [doc.title for doc in legacy] == ["Café", "Pont", "École"]
    assert legacy[0].encoding == "cp1252" and "après" in legacy[0].text


def test_long_fields_are_read(tmp_path):
    text = "word " * 100_000  # 500 KB: over the csv module's default 128 KiB field limit
    (tmp_path / "long.csv").write_text(f"title,text\nLong,{text}\n")
    (doc,) = iter_inputs([tmp_path / "long.csv"])
    assert doc.text == text.strip()


def test_a_line_over_the_limit_stops_the_file_with_a_failure(tmp_path):
    (tmp_path / "t.csv").write_text("title,text\nOne,First row\nTwo," + "x" * 5_000 + "\nThree,Third row\n")
    items = list(iter_inputs([tmp_path / "t.csv"], max_bytes=1_000))
    assert items[0].text == "First row"
    assert isinstance(items[1], Failure) and "exceeds 1000 bytes" in items[1].error
    assert len(items) == 2


def test_csv_streams_row_by_row(tmp_path):
    path = tmp_path / "big.csv"
    row = "https://x.example/{n},Title {n},2024-12-01," + "Some words of text. " * 50 + "\n"
    with path.open("w") as fh:
        fh.write("url,title,date,text\n")
        for n in range(10_000):  # ~10 MB
            fh.write(row.format(n=n))
    tracemalloc.start()
    count = sum(1 for _ in iter_inputs([path]))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 10_000
    assert peak < 2 * 1024 * 1024  # a fraction of the file: rows are never held together


def test_gzipped_csv(tmp_path):
    with (FIXTURES / "rows.csv").open("rb") as src, gzip.open(tmp_path / "rows.csv.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    docs, failures = _split(iter_inputs([tmp_path / "rows.csv.gz"]))
    assert len(docs) == 3 and len(failures) == 2


def test_jsonl_rows_and_bad_lines():
    path = str(FIXTURES / "rows.jsonl")
    docs, failures = _split(iter_inputs([path]))
    assert [d.source for d in docs] == ["https://courier.example/a", "https://courier.example/b", f"{path}#row=6"]
    assert docs[0].authors == ("Mara Jovic",)
    assert docs[0].published.precision is DatePrecision.MINUTE
    assert (docs[1].title, docs[1].text) == ("Library hours", "The library stays open later.")  # Headline, body
    assert docs[1].published.isoformat() == "2024-12-01"
    assert docs[2].authors == ("Ilse Marten", "Tomas Brandt")
    assert [f.source for f in failures] == [f"{path}#row=3", f"{path}#row=4", f"{path}#row=7"]
    assert failures[0].error.startswith("invalid JSON (")
    assert failures[1].error == "expected a JSON object, found list"
    assert failures[2].error == "title must be a string"


def test_jsonl_line_over_the_limit_ends_the_file(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "short one"}\n{"text": "' + "x" * 5_000 + '"}\n{"text": "not read"}\n')
    doc, failure = iter_inputs([path], max_bytes=1_000)
    assert doc.text == "short one"
    assert failure.source == f"{path}#row=2" and "exceeds 1000 bytes" in failure.error


def test_ukraine_2022_csvs(shared_dir):
    folder = shared_dir / "corpus" / "ukraine-2022"
    counts, untitled, seen = {}, [], {}
    for name in ("AssociatedPress.csv", "Reuters.csv", "bbc.csv", "guardian.csv"):
        items = list(iter_inputs([folder / name]))
        assert not [i for i in items if isinstance(i, Failure)]
        assert all(doc.url and doc.published and doc.text for doc in items)
        counts[name] = len(items)
        untitled += [doc.url for doc in items if not doc.title]
        seen[name] = items[0]
    assert counts == {"AssociatedPress.csv": 217, "Reuters.csv": 61, "bbc.csv": 849, "guardian.csv": 199}
    assert untitled == ["https://www.bbc.com/sport/av/tennis/61176616"]  # a video page: its Title cell is empty
    ap, bbc = seen["AssociatedPress.csv"], seen["bbc.csv"]
    assert ap.title == "Russia, Ukraine trade claims of nuclear plant attacks"
    assert ap.published.isoformat() == "2022-08-28" and ap.published.precision is DatePrecision.DAY
    assert ap.source == ap.url == (
        "https://www.dailymail.co.uk/wires/ap/article-11154041/Cities-near-Ukrainian-nuclear-plant-shelled.html"
    )
    assert bbc.url == "https://www.bbc.com/news/world-europe-61757829"  # the unnamed index column ignored
    assert bbc.title == "Russia's war prompts regional rush to become EU candidates"
    assert bbc.published.isoformat() == "2022-06-11T00:57"
    assert seen["guardian.csv"].published.value.tzinfo is not None  # '...Z'


@pytest.mark.parametrize("header", ["Date,URL,Title,Text", ",URL,Date,Title,Text"])
def test_column_orders_of_the_shared_corpus(tmp_path, header):
    cells = {"Date": "2022-06-11", "URL": "https://x.example/1", "Title": "T", "Text": "Body text", "": "0"}
    (tmp_path / "t.csv").write_text(header + "\n" + ",".join(cells[h] for h in header.split(",")) + "\n")
    (doc,) = iter_inputs([tmp_path / "t.csv"])
    assert (doc.url, doc.title, doc.text, doc.published.isoformat()) == ("https://x.example/1", "T", "Body text", "2022-06-11")


@pytest.mark.parametrize(
    "name, content, error",
    [("header.csv", "title,text\n", "empty: a header and no rows"), ("blank.jsonl", "\n\n  \n", "empty: no JSON lines")],
)
def test_tables_without_rows_are_failures(tmp_path, name, content, error):
    (tmp_path / name).write_text(content)
    (failure,) = iter_inputs([tmp_path / name])
    assert isinstance(failure, Failure) and failure.error == error
