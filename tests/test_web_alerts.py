"""The Alerts view in headless Chromium: an entity rule fires while polling a local page, the
view lists the alert, its hostile passage stays text, and a click opens the passage highlighted."""

from __future__ import annotations

import pytest

import test_fetch_server
from test_web_page import browser, open_view, page, passage, serving, wait_for_view  # noqa: F401 (fixtures)
from wiretrail.fetch import FetchConfig, Fetcher, Poller
from wiretrail.server import create_app
from wiretrail.settings import Settings
from wiretrail.store import open_store

local_server = test_fetch_server.local_server  # the fixture, shared

LOOPBACK = FetchConfig(allow_loopback=True, host_delay_s=0, backoff_s=0.01, timeout_s=5.0, attempts=2)
TRAP = '<img src=x onerror="window.__pwned=1">'
PAGE = (  # the trap is escaped in the HTML, so the stored text holds it as text
    "<html><body><main><h1>Talks in Kyiv</h1><p>Published 3 December 2024</p>"
    "<p>The talks in Kyiv ended after six hours without a joint statement, officials said.</p>"
    "<p>Nato Secretary General Mark Rutte said &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt; "
    "the alliance was watching the front closely.</p>"
    "<p>Air defences shot down 12 drones over the region overnight, the air force said.</p></main></body></html>"
)


@pytest.fixture()
def alerted(tmp_path, local_server):
    """A store in which polling the page raised one entity alert, served over HTTP."""
    db = tmp_path / "alerts.db"
    local_server.page("/rutte", PAGE)
    with open_store(db) as store:
        store.sources.add_rule(["entity"], ["Rutte"], None)
        with Poller(store, settings=Settings(workers=1), fetcher=Fetcher(LOOPBACK)) as poller:
            report = poller.poll([local_server.url("/rutte")])
        (alert,) = report.alerts
        text = store.document(alert.passages[0].doc_id).text
    with serving(create_app(db, settings=Settings(db=str(db), workers=1))) as url:
        yield url, alert, text


def test_an_alert_links_to_its_highlighted_passage(page, alerted, tmp_path):  # noqa: F811
    url, alert, text = alerted
    cited = alert.passages[0]
    assert "Mark Rutte" in cited.text and TRAP in cited.text
    open_view(page, url, "#/alerts")
    page.screenshot(path=str(tmp_path / "alerts.png"))
    assert page.locator("nav a[data-view=alerts]").get_attribute("aria-current") is not None
    assert page.locator("li.alert").count() == 1
    assert page.locator("li.alert .summary").inner_text() == alert.summary
    assert page.locator("li.alert .rule").inner_text() == "rule 1: entity (Rutte)"
    assert page.locator("li.alert .excerpt").inner_text() == cited.text  # the trap shown as text
    assert page.locator("#view img, #view script, #view [onerror]").count() == 0
    page.locator("li.alert a.passage-link").first.click()
    wait_for_view(page)
    page.screenshot(path=str(tmp_path / "alert-passage.png"))
    assert page.evaluate("location.hash").startswith(f"#/doc/{cited.doc_id}?start={cited.start}&end={cited.end}")
    assert passage(page) == text[cited.start : cited.end] == cited.text
    assert page.locator("mark#passage").is_visible()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert not page.problems and not page.dialogs


def test_the_kind_filter_reaches_the_api(page, alerted):  # noqa: F811
    url, _, _ = alerted
    open_view(page, url, "#/alerts")
    page.select_option("select[name=kind]", "figure-edit")
    page.click("form.filters button")
    page.wait_for_function("location.hash.includes('kind=figure-edit')")
    wait_for_view(page)
    page.wait_for_selector("#view p.muted:has-text('No alerts match.')")
    assert page.locator("li.alert").count() == 0
    assert not page.problems
