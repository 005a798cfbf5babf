"""The insights page in a real browser: charts and tables without JavaScript, axe finds nothing, no sideways
scroll at 320 px. The live site's counts are seeded (the test browser is a robot, so it is never counted)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.cache import pages_changed
from portal.db import session_scope
from portal.insights.counter import day_of, today_number, upsert
from portal.insights.model import CALENDAR, DAY, PAGE, SEARCH, SELFCHECK

from .conftest import describe

LANGS = ("en", "zh-hk")
HEADING = {"en": "Insights: what families look for on this site", "zh-hk": "使用數據：家庭在本網站找甚麼"}
TABLE = {"en": "Show the figures as a table", "zh-hk": "以表格顯示數字"}
FEWER = {"en": "fewer than 10", "zh-hk": "少於 10"}


@pytest.fixture(scope="module")
def seeded(live_server):
    today = day_of(today_number())
    rows = [(PAGE, "/en/help", 40), (PAGE, "/en/articles/what-is-an-ifsc", 25), (SELFCHECK, "phq9", 14),
            (SELFCHECK, "gad7", 3), (SEARCH, "stress", 12), (CALENDAR, "feed:wan-chai:", 11)]  # fmt: skip
    with session_scope(live_server.app) as session:
        upsert(session.connection(), [
            {"period": DAY, "start": today - timedelta(days=days), "kind": kind, "key": key, "count": n}
            for kind, key, n in rows for days in (0, 8)
        ])  # fmt: skip
    pages_changed(live_server.app)  # a survey may have kept the page from before the seeding
    return live_server


@pytest.mark.parametrize("lang", LANGS)
def test_without_javascript_the_charts_and_their_tables_are_all_there(seeded, browser, lang):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 800})
    try:
        page = context.new_page()
        page.goto(f"{seeded.url}/{lang}/insights")
        assert page.get_by_role("heading", level=1).inner_text() == HEADING[lang]
        charts = page.locator("svg[role=img]")
        assert charts.count() >= 5
        assert page.locator("svg[role=img] rect.chart-bar").count() >= 5
        summary = page.get_by_text(TABLE[lang]).first
        summary.click()  # <details> opens without JavaScript
        table = page.locator("details[open] table").first
        assert table.is_visible() and FEWER[lang] in table.inner_text()
        assert "stress" in page.locator("#searches").locator("..").inner_text()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the page scrolls sideways at 320 px ({width} px wide)"
        csv = page.request.get(f"{seeded.url}/{lang}/insights.csv")
        assert csv.ok and csv.text().startswith("section,key,label,count")
    finally:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_on_the_insights_page(seeded, axe, lang):
    violations = axe(f"{seeded.url}/{lang}/insights")
    assert not violations, describe(violations)
