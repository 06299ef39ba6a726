"""The Python API as an analyst's notebook uses it: `wt.open`, lazy results, DataFrames."""

from __future__ import annotations

import inspect
import types

import pytest

import wiretrail as wt
from wiretrail.api import Wiretrail
from wiretrail.settings import Settings

TEXT = (
    "NATO Secretary General Mark Rutte met Ukrainian President Volodymyr Zelensky in Brussels on "
    "Tuesday. Zelensky said 11,000 North Korean troops were fighting in Russia's Kursk region."
)


@pytest.fixture(scope="module")
def seeded(seeded_store):
    return Wiretrail(seeded_store, Settings(workers=1))  # not closed: the session fixture owns the store


def test_all_lists_exactly_the_public_names():
    public = {
        name for name, value in vars(wt).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType) and name != "annotations"
    }  # fmt: skip
    assert set(wt.__all__) - {"__version__"} == public
    assert len(wt.__all__) == len(set(wt.__all__))


def test_every_exception_is_in_the_one_tree():
    errors = [v for v in vars(wt).values() if inspect.isclass(v) and issubclass(v, BaseException)]
    assert errors and all(issubclass(e, wt.WiretrailError) for e in errors)
    assert issubclass(wt.NotFound, LookupError) and issubclass(wt.MissingExtra, ImportError)


def test_ingest_a_text_and_read_it_back(tmp_path):
    with wt.open(tmp_path / "w.db", workers=1) as record:
        report = record.ingest(TEXT)
        assert report.added == 1 and not report.failures
        assert record.ingest(TEXT).added == 0  # the same text twice adds nothing
        (doc,) = record.documents()
        assert doc.source == "<text>"
        assert record.document(doc.id[:6]).id == doc.id  # a unique prefix works
        people = {e.name for e in record.entities(type="PERSON")}
        assert {"Mark Rutte", "Volodymyr Zelensky"} <= people
        missing = tmp_path / "nope.txt"
        assert record.ingest([missing]).failures[0].source == str(missing)  # an existing-looking path stays a path? no: missing
        with pytest.raises(wt.NotFound, match="no document has an id starting with 'zzzz'"):
            record.document("zzzz")


def test_results_iterate_lazily_and_again(seeded):
    calls = []
    docs = seeded.documents()

    original = seeded.store.documents

    def counting(query):
        calls.append(query)
        return original(query)

    seeded.store.documents = counting  # instance attribute: undone below
    try:
        lazy = seeded.documents(kind="live-blog")
        assert calls == []  # nothing read until iterated
        first = [d.id for d in lazy]
        second = [d.id for d in lazy]
        assert first == second and len(calls) == 2  # each iteration runs the query again
    finally:
        del seeded.store.documents
    assert len(docs) == 5 and docs[0].id == list(docs)[0].id


def test_figures_to_pandas_and_arrow_have_the_export_columns(seeded):
    pandas = pytest.importorskip("pandas")
    pyarrow = pytest.importorskip("pyarrow")
    figures = seeded.figures(about="troops")
    frame = figures.to_pandas()
    assert isinstance(frame, pandas.DataFrame) and len(frame) == len(figures) > 3
    for column in ("id", "doc_id", "start", "end", "subject", "value_low", "value_high", "unit", "vague", "attributed_to", "as_of"):
        assert column in frame.columns
    assert {8000.0, 2000.0} <= set(frame["value_low"]) and 10000.0 in set(frame["value_high"])  # the seeds: 8,000; 2,000 more; up to 10,000
    table = seeded.timeline().to_arrow()
    assert isinstance(table, pyarrow.Table) and table.num_rows == len(seeded.timeline())
    assert "date" in table.column_names


def test_reports_match_what_the_cli_shows(seeded):
    stories = seeded.stories()
    assert len(stories) > 0
    story = stories[0]
    assert seeded.story(story.id[:8]).id == story.id
    rows = seeded.timeline(story=story.id)
    assert all(set(r.sources) & set(story.doc_ids) for r in rows)
    brief = seeded.brief(format="md")
    assert brief.startswith("#") and "[1]" in brief
    audit = seeded.audit(next(d.id for d in seeded.documents() if d.source.split("/")[-1].startswith("001")))
    assert audit.sources and audit.unsupported
    links = seeded.links(relation="rewrite-of")
    assert len(links) >= 1 and links.to_records()[0]["relation"] == "rewrite-of"
    traces = seeded.provenance(links[0].from_doc)
    assert len(traces) > 0 and "first_seen" in traces.to_records()[0]
