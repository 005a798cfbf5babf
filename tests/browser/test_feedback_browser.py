"""The "Was this page useful?" and centre corrections in a real browser: sent without JavaScript (the
thank-you page) and with it (the thanks in place of the form), in both languages; errors
shown and linked; the form at 320px; and axe scans of the form, its errors and the thanks."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, select

from portal.db import session_scope
from portal.feedback.model import Feedback

from .conftest import AXE, describe

ARTICLE = "/{lang}/articles/a-family-budget-that-works"
CENTRE = "/{lang}/centres/swd-kai-ping"
TEXT = {
    "en": {"yes": "Yes", "no": "No", "comment": "How could we make this page better? (optional)", "send": "Send",
           "thanks": "Thank you", "back": "Back to the page you were reading",
           "thanked": "Thank you for your feedback. It helps us make this site better.",
           "correction": "What is wrong or out of date?", "send_correction": "Send the correction"},
    "zh-hk": {"yes": "是", "no": "否", "comment": "我們可以怎樣改善這一頁？（可選填）", "send": "送出",
              "thanks": "多謝你", "back": "返回你剛才閱讀的頁面",
              "thanked": "多謝你的意見，這有助我們改善網站。",
              "correction": "哪些資料錯誤或已過時？", "send_correction": "送出更正"},
}  # fmt: skip


@pytest.fixture
def store(live_server):
    """The live site's feedback table, emptied (the session's server allows more sends than a visitor may)."""
    with session_scope(live_server.app) as session:
        session.execute(delete(Feedback))

    def rows() -> list[Feedback]:
        with session_scope(live_server.app) as session:
            return list(session.scalars(select(Feedback).order_by(Feedback.id)))

    return rows


def scan(page) -> list[dict]:
    """axe on the page as it is now (its context must bypass CSP so axe can be injected)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })).violations"""
    )


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_without_javascript_the_form_posts_and_a_thank_you_page_links_back(live_server, browser, store, lang):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        article = live_server.url + ARTICLE.format(lang=lang)
        page.goto(article)
        section = page.locator("section.feedback")
        section.get_by_label(TEXT[lang]["yes"], exact=True).check()
        section.get_by_label(TEXT[lang]["comment"]).fill("Useful. Call me on 9876 5432")
        section.get_by_role("button", name=TEXT[lang]["send"], exact=True).click()
        page.wait_for_url(re.compile(r"/feedback/thanks\?page="))
        assert page.get_by_role("heading", level=1).inner_text() == TEXT[lang]["thanks"]
        assert TEXT[lang]["thanked"] in page.locator("main").inner_text()
        page.get_by_role("link", name=TEXT[lang]["back"]).click()
        page.wait_for_url(article)
    finally:
        context.close()
    [row] = store()
    assert (row.page, row.lang, row.useful, row.comment) == (
        ARTICLE.format(lang=lang),
        lang,
        True,
        "Useful. Call me on [phone removed]",
    )


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_with_javascript_the_thanks_take_the_forms_place(live_server, page, store, lang):
    article = live_server.url + ARTICLE.format(lang=lang)
    page.goto(article)
    section = page.locator("section.feedback")
    section.get_by_label(TEXT[lang]["no"], exact=True).check()
    section.get_by_role("button", name=TEXT[lang]["send"], exact=True).click()
    thanks = section.locator(".feedback-thanks")
    thanks.wait_for()
    assert thanks.inner_text() == TEXT[lang]["thanked"]
    assert page.evaluate("() => document.activeElement.className") == "feedback-thanks"  # read out at once
    assert page.url == article and section.locator("form").count() == 0
    [row] = store()
    assert (row.page, row.useful, row.comment) == (ARTICLE.format(lang=lang), False, "")


def test_with_javascript_errors_are_shown_linked_and_cleared(live_server, page, store):
    page.goto(live_server.url + ARTICLE.format(lang="en"))
    section = page.locator("section.feedback")
    comment = section.get_by_label(TEXT["en"]["comment"])
    comment.fill("x" * 501)
    section.get_by_role("button", name="Send", exact=True).click()
    error = section.locator("#feedback-comment-error")
    error.wait_for()
    assert "Please use 500 characters or fewer. You used 501." in error.inner_text()
    assert comment.get_attribute("aria-describedby") == "feedback-comment-hint feedback-comment-error"
    assert comment.get_attribute("aria-invalid") == "true"
    assert section.locator("fieldset").get_attribute("aria-describedby") == "feedback-useful-error"
    assert "Choose yes or no." in section.locator("#feedback-useful-error").inner_text()
    assert page.evaluate("() => document.activeElement.id") == "feedback-useful-yes"  # the first problem
    section.get_by_label("Yes", exact=True).check()
    comment.fill("Shorter now")
    section.get_by_role("button", name="Send", exact=True).click()
    section.locator(".feedback-thanks").wait_for()
    assert section.locator(".feedback-error").count() == 0
    assert [(row.useful, row.comment) for row in store()] == [(True, "Shorter now")]


@pytest.mark.parametrize("javascript", [False, True])
def test_a_centre_correction_is_sent_with_the_centre_key(live_server, browser, store, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(live_server.url + CENTRE.format(lang="zh-hk"))
        assert page.locator("a[href^='mailto:corrections']").count() == 0
        section = page.locator("section.feedback-correction")
        section.get_by_label(TEXT["zh-hk"]["correction"]).fill("星期六的開放時間錯了")
        section.get_by_role("button", name=TEXT["zh-hk"]["send_correction"]).click()
        if javascript:
            section.locator(".feedback-thanks").wait_for()
            assert "我們會核實這間中心的資料並作出更正" in section.inner_text()
        else:
            page.wait_for_url(re.compile(r"/zh-hk/feedback/thanks\?page=.*kind=correction"))
            assert "我們會核實這間中心的資料並作出更正" in page.locator("main").inner_text()
    finally:
        context.close()
    [row] = store()
    assert (row.category, row.centre_key, row.comment) == ("correction", "swd-kai-ping", "星期六的開放時間錯了")


def test_the_form_fits_a_320px_screen_with_visible_focus(live_server, browser, store):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(live_server.url + ARTICLE.format(lang="zh-hk"))
        section = page.locator("section.feedback")
        box = section.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 320
        for control in (section.locator("textarea"), section.get_by_role("button", name="送出", exact=True)):
            control_box = control.bounding_box()
            assert control_box["x"] + control_box["width"] <= 320 and control_box["height"] >= 44
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        section.get_by_label("是", exact=True).focus()
        page.keyboard.press("ArrowDown")  # arrow keys move between the radios, as in any radio group
        focused = page.evaluate(
            "() => { const el = document.activeElement; const s = getComputedStyle(el);"
            " return [el.id, s.outlineStyle, s.outlineWidth]; }"
        )
        assert focused[0] == "feedback-useful-no" and focused[1] != "none" and focused[2] != "0px"
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_form_its_errors_and_the_thanks_pass_axe(live_server, browser, axe, store, lang):
    for path in (ARTICLE, "/{lang}/help", CENTRE, "/{lang}/feedback/thanks?page=" + ARTICLE.format(lang=lang)):
        url = live_server.url + path.format(lang=lang)
        violations = axe(url)
        assert not violations, f"{url}:\n{describe(violations)}"
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        # The errors shown in place by JavaScript.
        page.goto(live_server.url + ARTICLE.format(lang=lang))
        page.locator("section.feedback button[type=submit]").click()
        page.locator("#feedback-useful-error").wait_for()
        violations = scan(page)
        assert not violations, describe(violations)
        # The page the server sends back without JavaScript.
        page.goto(live_server.url + CENTRE.format(lang=lang))
        page.evaluate("() => document.querySelector('section.feedback-correction form').submit()")
        page.wait_for_url(re.compile(r"/feedback$"))
        assert page.locator(".feedback-summary").is_visible()
        violations = scan(page)
        assert not violations, describe(violations)
        # The thanks in place of the form.
        page.goto(live_server.url + ARTICLE.format(lang=lang))
        page.locator("section.feedback input[value=yes]").check()
        page.locator("section.feedback button[type=submit]").click()
        page.locator(".feedback-thanks").wait_for()
        violations = scan(page)
        assert not violations, describe(violations)
    finally:
        context.close()
