"""read_html: main text and metadata, and hostile or broken markup that must not crash or hang."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from wiretrail.errors import EmptyInput
from wiretrail.ingest import read_html
from wiretrail.model import DateOrigin, DatePrecision

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PARAGRAPH = "<p>" + "The ferry crossed the harbour in twenty minutes and the passengers walked to the square. " * 3 + "</p>"
HOSTILE_SECONDS = 5.0  # each case below takes well under a second; a hang or a blow-up takes far more


def _page(body: str, head: str = "") -> bytes:
    return f"<html><head>{head}</head><body>{body}</body></html>".encode()


def test_article_text_and_metadata():
    doc = read_html((FIXTURES / "article.html").read_bytes(), source="article.html")
    assert doc.media_type == "text/html"
    assert doc.title == "Harbour bridge reopens after storm repairs"
    assert doc.outlet == "The Lakeside Courier"
    assert doc.url == "https://courier.example/news/harbour-bridge-reopens"
    assert doc.authors == ("Mara Jovic", "Tomas Brandt")
    assert doc.published.value == datetime(2024, 12, 2, 9, 30)
    assert doc.published.precision is DatePrecision.MINUTE
    assert doc.published.origin is DateOrigin.METADATA
    assert doc.encoding == "utf-8"
    assert doc.byte_length == len((FIXTURES / "article.html").read_bytes())
    lines = doc.text.split("\n")
    assert any(line.startswith("Engineers replaced two damaged support cables") for line in lines)
    assert any(line.startswith("Buses will return") for line in lines)  # one line per paragraph
    for furniture in ("do not extract", "injected advert", "Copyright 2024", "Sport"):
        assert furniture not in doc.text


def test_a_given_url_wins_over_the_page_canonical():
    doc = read_html((FIXTURES / "article.html").read_bytes(), source="s", url="https://mirror.example/x")
    assert doc.url == "https://mirror.example/x"


def test_a_date_without_time_has_day_precision():
    head = '<meta property="article:published_time" content="2024-11-29">'
    doc = read_html(_page(PARAGRAPH * 3, head), source="s")
    assert doc.published.isoformat() == "2024-11-29"
    assert doc.published.precision is DatePrecision.DAY


def test_text_input_is_accepted():
    doc = read_html(_page(PARAGRAPH * 3).decode(), source="s")
    assert doc.text.startswith("The ferry crossed")
    assert doc.byte_length is None and doc.encoding is None


def test_meta_charset_is_honoured():
    body = "<p>" + "Le maire a déclaré que le pont rouvrira après les réparations du château. " * 4 + "</p>"
    page = _page(body, '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">')
    doc = read_html(page.decode().encode("latin-1"), source="s")
    assert "déclaré" in doc.text and "château" in doc.text


def test_transport_charset_is_honoured():
    body = "<p>" + "Мэр заявил, что мост будет вновь открыт после ремонта. " * 4 + "</p>"
    doc = read_html(_page(body).decode().encode("cp1251"), source="s", charset="windows-1251")
    assert "Мэр заявил" in doc.text


def test_short_page_falls_back_to_body_text():
    doc = read_html(_page("<div>Short note.</div><script>alert(1)</script>"), source="s")
    assert doc.text == "Short note."


def test_page_without_text_is_refused():
    with pytest.raises(EmptyInput, match="no text in HTML"):
        read_html(_page("<script>run()</script><style>p{}</style>"), source="s")


def test_text_after_a_stray_end_of_document_is_kept():
    # pages that embed ad documents carry several </body></html>; browsers ignore them
    page = _page('<div id="ad"></body></html></div>' + PARAGRAPH * 3)
    assert "The ferry crossed" in read_html(page, source="s").text


def test_layout_table_cells_keep_their_paragraphs_and_lose_their_menus():
    menu = "<table><tr>" + "".join(f'<td><a href="/{n}">Section {n}</a></td>' for n in range(8)) + "</tr></table>"
    story = "".join(f"<p>Paragraph {n}: " + "the council met and agreed the budget for the bridge. " * 4 + "</p>" for n in range(4))
    page = _page(f"<table><tr><td>{menu}</td></tr><tr><td>{story}</td></tr></table>")
    doc = read_html(page, source="s")
    assert [line[:11] for line in doc.text.split("\n")] == [f"Paragraph {n}" for n in range(4)]


def test_data_tables_are_kept():
    rows = "".join(f"<tr><td>Region {n}</td><td>{n * 10}</td></tr>" for n in range(5))
    page = _page(PARAGRAPH * 2 + f"<table><tr><th>Region</th><th>Shelters</th></tr>{rows}</table>" + PARAGRAPH)
    assert "Region 3" in read_html(page, source="s").text


HOSTILE = {  # built on demand: some are megabytes
    "100,000 nested divs": lambda: PARAGRAPH + "<div>" * 100_000 + "deep" + "</div>" * 100_000,
    "100,000 nested divs and nothing else": lambda: "<div>" * 100_000 + "deep" + "</div>" * 100_000,
    "nested tables": lambda: PARAGRAPH + "<table><tr><td>" * 5_000 + "deep" + "</td></tr></table>" * 5_000,
    "a 12 MB attribute": lambda: f'<div title="{"x" * 12_000_000}">{PARAGRAPH}</div>',
    "10,000 scripts": lambda: '<script>var a = "</p><p>not text</p>";</script>' * 10_000 + PARAGRAPH,
    "unclosed everything": lambda: "<div><p><b><i><table><tr><td>" * 2_000 + PARAGRAPH,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_markup_neither_crashes_nor_hangs(name):
    body = HOSTILE[name]()
    start = time.perf_counter()
    try:
        doc = read_html(_page(body), source=name)
    except EmptyInput:  # refusing a page is fine; crashing or hanging is not
        doc = None
    assert time.perf_counter() - start < HOSTILE_SECONDS
    if doc is not None:
        assert "not text" not in doc.text


def test_real_cp1252_page(shared_dir):
    page = shared_dir / "eval" / "boilerplate" / "big5-05" / "html" / "bear (1).htm"
    doc = read_html(page.read_bytes(), source=str(page))
    assert doc.encoding == "cp1252"  # no charset label; a few curly quotes in English text
    assert doc.title == "The Bear Necessities"
    assert doc.authors == ("David Amsden",)
    assert "“Right,” said Goldberg." in doc.text
    assert doc.text.startswith("On Saturday, December 10, at five in the morning")
    assert "Wayback Machine" not in doc.text
