"""The site as a visitor uses it: language toggle, text size, keyboard, no JavaScript,
and an axe-core scan of each core page type in both languages."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.articles.model import Article
from portal.db import session_scope

from .conftest import describe


@pytest.fixture(scope="module")
def article_slug(live_server) -> str:
    """A real article that exists in both languages."""
    with session_scope(live_server.app) as session:
        rows = session.execute(select(Article.slug, Article.lang)).all()
    langs: dict[str, set[str]] = {}
    for slug, lang in rows:
        langs.setdefault(slug, set()).add(lang)
    bilingual = sorted(slug for slug, found in langs.items() if found >= {"en", "zh-hk"})
    assert bilingual, "content/articles has no bilingual article"
    return "what-is-an-ifsc" if "what-is-an-ifsc" in bilingual else bilingual[0]


def core_pages(slug: str) -> list[str]:
    return ["/{lang}/", "/{lang}/articles/", "/{lang}/articles/category/parenting", f"/{{lang}}/articles/{slug}",
            "/{lang}/help", "/{lang}/no-such-page", "/{lang}/stages", "/{lang}/stages/loss-and-grief",
            "/{lang}/topics", "/{lang}/topics/sleep"]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_core_pages_pass_axe(live_server, axe, article_slug, lang):
    for template in core_pages(article_slug):
        url = live_server.url + template.format(lang=lang)
        violations = axe(url)
        assert not violations, f"{url}:\n{describe(violations)}"


def test_language_toggle_lands_on_the_same_page_with_its_query(live_server, page, article_slug):
    page.goto(f"{live_server.url}/en/articles/?page=1")
    page.get_by_role("link", name="中文").first.click()
    assert page.url == f"{live_server.url}/zh-hk/articles/?page=1"
    assert page.locator("html").get_attribute("lang") == "zh-Hant-HK"
    page.goto(f"{live_server.url}/zh-hk/articles/{article_slug}")
    page.get_by_role("link", name="English").first.click()
    assert page.url == f"{live_server.url}/en/articles/{article_slug}"
    assert page.locator("html").get_attribute("lang") == "en-HK"


def test_root_sends_a_chinese_browser_to_chinese(browser, live_server):
    context = browser.new_context(locale="zh-HK", extra_http_headers={"Accept-Language": "zh-HK,zh;q=0.9"})
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + "/zh-hk/"
    context.close()


def font_size(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_text_size_control_changes_and_persists(live_server, page):
    page.goto(f"{live_server.url}/en/help")
    normal = font_size(page)
    page.locator("[data-text-size=larger]").first.click()
    larger = font_size(page)
    assert larger >= normal * 1.2
    page.goto(f"{live_server.url}/zh-hk/")
    assert font_size(page) == larger, "the chosen size is kept on the next page"
    page.locator("[data-text-size=normal]").first.click()
    assert font_size(page) == normal


def test_text_size_and_toggle_work_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/en/help")
    normal = font_size(page)
    page.locator("[data-text-size=large]").first.click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/en/help"
    assert font_size(page) > normal
    page.get_by_role("link", name="中文").first.click()
    assert page.url == f"{live_server.url}/zh-hk/help"
    context.close()


def test_skip_link_is_first_and_moves_focus_to_main(live_server, page):
    page.goto(f"{live_server.url}/en/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_help_bar_numbers_are_tap_to_call(live_server, page):
    page.goto(f"{live_server.url}/zh-hk/")
    bar = page.locator(".help-bar")
    for digits in ("999", "18111", "23432255"):
        assert bar.locator(f'a[href="tel:+852{digits}"]').count() == 1


def test_no_csp_violations_on_core_pages(live_server, page, article_slug):
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text) if "Content Security Policy" in msg.text else None)
    for template in core_pages(article_slug):
        page.goto(live_server.url + template.format(lang="en"))
    assert not messages, messages


def test_the_browser_suite_runs_under_the_shipped_app_server(live_server):
    """Issue 18: the app server the deployment recipe ships (granian) is the one these tests drive."""
    if os.environ.get("PORTAL_TEST_SERVER") == "werkzeug":
        pytest.skip("PORTAL_TEST_SERVER=werkzeug: the browser tests were asked to run in-process")
    with urllib.request.urlopen(live_server.url + "/en/", timeout=10) as response:
        assert response.headers["Server"] == "granian"
    unit = Path(live_server.app.root_path).parent / "deploy" / "systemd" / "portal.service"
    assert "/.venv/bin/granian --interface wsgi" in unit.read_text(encoding="utf-8")
