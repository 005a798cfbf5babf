"""Events in a real browser: filters in the query string, the language toggle keeping them, axe scans."""

from __future__ import annotations

import re

from .conftest import describe


def test_filters_and_language_toggle_keep_them(live_server, page):
    page.goto(f"{live_server.url}/en/events")
    page.select_option("#f-district", "sha-tin")
    page.select_option("#f-audience", "parents")
    page.check("#f-free")
    page.click("button[type=submit]:has-text('Show events')")
    page.wait_for_load_state()
    assert re.search(r"district=sha-tin", page.url) and "audience=parents" in page.url and "free=1" in page.url
    assert page.locator(".ev-card").count() >= 1
    assert page.locator(".card-title", has_text="Talking with teenagers").count() == 1
    assert page.locator(".card-title", has_text="Family fun day").count() == 0
    page.get_by_role("link", name="繁體中文").click()
    page.wait_for_load_state()
    assert page.url.startswith(f"{live_server.url}/zh-hk/events?")
    assert "district=sha-tin" in page.url and "audience=parents" in page.url and "free=1" in page.url
    assert page.locator("#f-district").input_value() == "sha-tin"
    assert page.locator("#f-free").is_checked()
    assert page.locator(".card-title", has_text="與青少年溝通").count() == 1


def test_axe_event_list_and_event_page(live_server, page, axe):
    for path in ("/en/events", "/zh-hk/events/calendar", "/en/partners/example-family-centre"):
        violations = axe(f"{live_server.url}{path}")
        assert violations == [], describe(violations)
    page.goto(f"{live_server.url}/en/events")
    href = page.locator(".ev-card .card-title a").first.get_attribute("href")
    for lang_path in (href, href.replace("/en/", "/zh-hk/")):
        violations = axe(f"{live_server.url}{lang_path}")
        assert violations == [], describe(violations)
