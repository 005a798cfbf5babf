"""The calendar's month heading stays in one piece ("2026年12月", "December 2026") on a 320 px phone at
every text size the site offers (issue 16), and the page does not scroll sideways."""

from __future__ import annotations

import pytest

from portal.pages import TEXT_SIZES


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_month_heading_is_never_split(live_server, browser, lang):
    for size in TEXT_SIZES:
        context = browser.new_context(viewport={"width": 320, "height": 700})
        context.add_cookies([{"name": "textsize", "value": size, "url": live_server.url}])
        page = context.new_page()
        page.goto(f"{live_server.url}/{lang}/events/calendar")
        root = float(TEXT_SIZES[size].rstrip("%")) / 100 * 16  # /text-size.css applies the cookie's size
        assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == root, size
        month = page.locator(".ev-calendar caption .ev-month-name")
        assert month.evaluate("e => e.getClientRects().length") == 1, (size, month.inner_text())
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, size
        context.close()
