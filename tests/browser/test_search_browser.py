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
        "/en/search?q=" + quote("suicide"),  # the crisis help block above the results
        "/zh-hk/search?q=" + quote("活唔落去"),  # crisis help with no page
        "/en/search?q=depresion",  # a spelling fix
        "/en/search?q=sleepwalking",  # nothing found: help numbers, topics, categories
    ],
)
def test_results_pages_pass_axe(live_server, axe, path):
    violations = axe(live_server.url + path)
    assert not violations, describe(violations)


def test_the_crisis_help_is_the_first_thing_after_the_heading_on_a_phone(live_server, browser):
    """At 320 px and the largest text size, the crisis block comes straight after the heading and fits."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + "/zh-hk/search?q=" + quote("我想死"))
    page.goto(live_server.url + "/text-size/larger?next=" + quote("/zh-hk/search?q=" + quote("我想死")))
    block = page.locator(".crisis-help")
    expect(block).to_be_visible()
    first_link = block.get_by_role("link").first
    expect(first_link).to_have_attribute("href", re.compile(r"^tel:\+852"))
    heading_box = page.get_by_role("heading", level=1).bounding_box()
    block_box = block.bounding_box()
    assert block_box["y"] >= heading_box["y"] + heading_box["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()
