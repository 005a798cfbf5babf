"""Search in a real browser: the header box on any page leads to highlighted results; axe finds nothing."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from .conftest import describe


def test_typing_in_the_header_box_shows_highlighted_results(live_server, page):
    page.goto(live_server.url + "/zh-hk/centres/")
    page.get_by_role("search").first.get_by_role("searchbox").fill("沟通")  # Simplified
    page.get_by_role("search").first.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/zh-hk/search\?q="))
    expect(page.locator(".search-result mark").first).to_have_text("溝通")


def test_the_kind_filter_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/en/search?q=family")
    page.get_by_role("main").get_by_label("Kind of page").select_option("selfcheck")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"kind=selfcheck"))
    expect(page.locator(".search-kind").first).to_be_visible()
    kinds = page.locator(".search-kind").all_inner_texts()
    assert kinds and all(text.startswith("Self-checks") for text in kinds)
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/en/search?q=" + quote("family support"),
        "/zh-hk/search?q=" + quote("照顧"),
        "/en/search?q=zzyzzxqv",
        "/zh-hk/search?q=" + quote("<script>"),
    ],
)
def test_results_pages_pass_axe(live_server, axe, path):
    violations = axe(live_server.url + path)
    assert not violations, describe(violations)
