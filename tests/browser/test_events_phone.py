"""Events on a 320 px phone (issue 15, part 6): the filters come before the results, folded with
JavaScript and open without it; the calendar's month heading stays on one line; axe finds nothing."""

from __future__ import annotations

import pytest

from .conftest import AXE, describe

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-HK", viewport=PHONE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


def test_filters_come_first_and_fold_on_a_phone(live_server, phone):
    phone.goto(f"{live_server.url}/zh-hk/events")
    summary = phone.locator(".ev-filter-panel > summary")
    first_card = phone.locator(".ev-card").first
    assert summary.bounding_box()["y"] < first_card.bounding_box()["y"]
    # Folded: the panel is no taller than its summary line, so the results follow at once.
    assert phone.locator(".ev-filter-panel").bounding_box()["height"] < 2 * summary.bounding_box()["height"]
    assert not phone.locator("#f-district").is_visible()
    summary.click()
    assert phone.locator("#f-district").is_visible()
    phone.select_option("#f-district", "sha-tin")
    phone.click(".ev-filters button[type=submit]")
    phone.wait_for_load_state()
    assert "district=sha-tin" in phone.url


def test_without_javascript_the_filters_are_open_and_first(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en/events")
        district = page.locator("#f-district")
        assert district.is_visible()
        assert district.bounding_box()["y"] < page.locator(".ev-card").first.bounding_box()["y"]
    finally:
        context.close()


def test_wide_screens_show_the_filters_open_beside_the_results(live_server, page):
    page.goto(f"{live_server.url}/en/events")
    assert page.locator("#f-district").is_visible()
    filters, card = page.locator(".ev-filters").bounding_box(), page.locator(".ev-card").first.bounding_box()
    assert filters["x"] + filters["width"] <= card["x"]


@pytest.mark.parametrize("lang", ["zh-hk", "en"])
def test_the_month_heading_is_one_line_on_a_phone(live_server, phone, lang):
    phone.goto(f"{live_server.url}/{lang}/events/calendar?month=2026-12")
    heading = phone.locator(".ev-month-name")
    assert heading.inner_text() in ("2026年12月", "December 2026")
    assert heading.evaluate("element => element.getClientRects().length") == 1
    line = heading.evaluate("element => parseFloat(getComputedStyle(element).lineHeight) || 30")
    assert heading.bounding_box()["height"] < 1.5 * line


@pytest.mark.parametrize("path", ["/zh-hk/events", "/en/events", "/zh-hk/events/calendar"])
def test_axe_finds_nothing_at_320_px(live_server, browser, path):
    context = browser.new_context(bypass_csp=True, viewport=PHONE)  # bypassed only to inject axe
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{path}")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
            })"""
        )
    finally:
        context.close()
    assert result["violations"] == [], describe(result["violations"])
