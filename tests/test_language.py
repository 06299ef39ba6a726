"""Documents in languages extraction has no models for: stored, searchable, linked, not extracted."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import wiretrail as wt
from wiretrail.cli import app
from wiretrail.language import detect_language, is_analysed

RUSSIAN = (
    " date 2024-12-03 Обстрел Сум\n\n"
    "Российские войска в среду обстреляли Сумы, оставив часть города без электричества, сообщил "
    "губернатор Владимир Артюх. По его словам, пострадали два человека. Ремонтные бригады "
    "работали всю ночь.\n"
)
ENGLISH = (
    " date 2024-12-03 Sumy shelled\n\n"
    "Russian forces shelled Sumy on Wednesday, cutting power to part of the city, governor "
    "Volodymyr Artyukh said. Two people were hurt, he said. Repair crews worked through the night.\n"
)


def test_languages_are_told_apart_and_short_texts_are_not_judged():
    assert detect_language(ENGLISH) == "en"
    assert detect_language(RUSSIAN) == "ru"
    assert detect_language("Die Ukraine meldet neue Angriffe auf Kiew. Der Präsident sprach am Abend zur Nation.") == "de"
    assert detect_language("Zelensky, Kyiv") is None  # too few letters to tell
    assert is_analysed(None) and is_analysed("en") and not is_analysed("ru")


def test_a_russian_report_is_stored_searchable_and_linked_but_not_extracted(tmp_path):
    (tmp_path / "ru.txt").write_text(RUSSIAN, encoding="utf-8")
    (tmp_path / "ru-copy.txt").write_text(RUSSIAN.replace(" date 2024-12-03", " date 2024-12-04"), encoding="utf-8")
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    with wt.open(tmp_path / "w.db", workers=1) as record:
        report = record.ingest([tmp_path])  # the store's own files in the folder are skipped
        assert report.added == 3 and not report.failures
        by_lang = {d.language: d for d in record.documents() if d.published.value.day == 3}
        assert by_lang["ru"].flags == ("not analysed (ru)",)
        assert by_lang["en"].flags == ()
        assert [d.title for d in record.documents(language="ru")] == ["Обстрел Сум", "Обстрел Сум"]
        # extraction ran on the English report only
        assert not record.entities(doc_id=by_lang["ru"].id)
        assert {"Sumy", "Volodymyr Artyukh"} <= {e.name for e in record.entities(doc_id=by_lang["en"].id)}
        assert not record.figures(doc_id=by_lang["ru"].id)
        # but it is split into sentences, fingerprinted (its copy is linked) and searchable
        assert len(record.sentences(by_lang["ru"].id)) == 3
        (link,) = record.links(by_lang["ru"].id)
        assert link.first == by_lang["ru"].id  # the copy posted a day later is the copy
        hits = record.search("электричества")
        assert {h.doc_id for h in hits} <= {d.id for d in record.documents(language="ru")} and len(hits) == 2


def test_docs_lang_filter_on_the_command_line(tmp_path):
    (tmp_path / "ru.txt").write_text(RUSSIAN, encoding="utf-8")
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    runner = CliRunner()
    db = str(tmp_path / "w.db")
    assert runner.invoke(app, ["--db", db, "ingest", "--workers", "1", str(tmp_path / "ru.txt"), str(tmp_path / "en.txt")]).exit_code == 0
    rows = [json.loads(x) for x in runner.invoke(app, ["--db", db, "docs", "--lang", "ru"]).stdout.splitlines()]
    assert [r["language"] for r in rows] == ["ru"] and rows[0]["flags"] == ["not analysed (ru)"]
