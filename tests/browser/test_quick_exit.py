"""Quick exit in a real browser: the button and Shift × 3 leave for the neutral page and Back does not
return; without JavaScript the link goes there too; the site pages pass axe in both languages.

The neutral page is served by the test server itself, so nothing reaches the network.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portal import create_app
from portal.cli import sync_content

from .conftest import LiveServer, describe, site_settings

NEUTRAL_PATH = "/neutral-test-page"
ARTICLE = "/{lang}/articles/disagreeing-without-hurting"  # tagged domestic-violence: shows the button


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[LiveServer]:
    """The site with the real content, its quick exit pointing at a neutral page on the same test server."""
    instance = tmp_path_factory.mktemp("quick-exit-live")
    app = create_app(site_settings(instance))
    app.add_url_rule(
        NEUTRAL_PATH, "neutral_test_page",
        lambda: '<!doctype html><html lang="en"><title>Weather</title><main><h1>Weather</h1></main></html>',
    )  # fmt: skip
    sync_content(app)
    live = LiveServer(app)
    app.config["SITE_URL"] = live.url
    app.config["QUICK_EXIT_URL"] = live.url + NEUTRAL_PATH
    yield live
    live.stop()


def neutral(server: LiveServer) -> str:
    return server.url + NEUTRAL_PATH


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_button_replaces_the_page_and_back_does_not_return_to_it(server, page, lang):
    home, article = f"{server.url}/{lang}/", server.url + ARTICLE.format(lang=lang)
    page.goto(home)
    page.goto(article)
    name = "Exit this page" if lang == "en" else "離開此網頁"
    button = page.get_by_role("button", name=name)
    assert button.is_visible()
    button.click()
    page.wait_for_url(neutral(server))
    assert page.title() == "Weather"
    page.go_back()
    page.wait_for_load_state()
    assert page.url == home, "Back goes to the page before, never to the page that was left"


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_shift_pressed_three_times_exits_and_the_presses_are_announced(server, page, lang):
    help_page = f"{server.url}/{lang}/help"
    page.goto(f"{server.url}/{lang}/")
    page.goto(help_page)
    status = page.locator(".exit-this-page__status")
    page.keyboard.press("Shift")
    expected = "Shift, press 2 more times to exit." if lang == "en" else "再按 Shift 鍵兩次即可離開。"
    assert status.text_content() == expected
    assert status.get_attribute("role") == "status"
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_url(neutral(server))
    page.go_back()
    page.wait_for_load_state()
    assert page.url != help_page


def test_shift_as_part_of_typing_does_not_count(server, page):
    page.goto(f"{server.url}/en/self-check/who5")
    for _ in range(3):
        page.keyboard.press("Shift+A")
    page.wait_for_timeout(300)
    assert page.url == f"{server.url}/en/self-check/who5"


def test_the_button_stays_in_view_while_the_page_scrolls(server, page):
    page.set_viewport_size({"width": 390, "height": 700})  # a phone
    page.goto(f"{server.url}/en/help")
    page.mouse.wheel(0, 3000)
    page.wait_for_timeout(200)
    box = page.locator(".exit-this-page__button").bounding_box()
    assert box is not None and 0 <= box["y"] < 700


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_without_javascript_the_button_is_a_link_to_the_neutral_page(browser, server, lang):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server.url}/{lang}/self-check/phq9")
    link = page.locator("a.exit-this-page__button")
    assert link.get_attribute("href") == neutral(server)
    link.click()
    page.wait_for_url(neutral(server))
    assert page.title() == "Weather"
    context.close()


SITE_PAGES = ["about", "contact", "privacy", "accessibility", "terms", "browsing-safely"]


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_site_pages_and_pages_with_the_button_pass_axe(server, axe, lang):
    # The help page and the self-checks, with their button, are scanned in test_site.py and test_selfcheck_browser.py.
    paths = [f"/{lang}/{slug}" for slug in SITE_PAGES] + [ARTICLE.format(lang=lang)]
    for path in paths:
        violations = axe(server.url + path)
        assert not violations, f"{path}:\n{describe(violations)}"


def test_no_csp_violations_on_the_new_pages(server, page):
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(msg.text) if "Content Security Policy" in msg.text else None)
    for slug in SITE_PAGES:
        page.goto(f"{server.url}/en/{slug}")
    page.goto(server.url + ARTICLE.format(lang="zh-hk"))
    assert not messages, messages
