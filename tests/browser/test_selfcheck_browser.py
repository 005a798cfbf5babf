"""The self-check stepper in a real browser: one question per screen, Back, keyboard use,
switching language half-way, the crisis message at once, the server's score, and axe scans."""

from __future__ import annotations

import re

import pytest

from .conftest import describe

PHQ9 = "/en/self-check/phq9/questions"


def visible_question(page) -> str:
    return page.locator("fieldset.sc-question:visible").get_attribute("data-item")


def test_one_question_per_screen_with_progress_and_back(live_server, page):
    page.goto(live_server.url + PHQ9)
    assert page.locator("fieldset.sc-question:visible").count() == 1
    assert page.locator(".sc-progress-text").inner_text() == "1 of 9"
    assert page.get_by_role("button", name="Previous question").is_hidden()
    assert page.get_by_role("button", name="See my result").is_hidden()
    # Next without an answer asks for one and stays.
    page.get_by_role("button", name="Next").click()
    assert page.locator(".sc-step-message").is_visible() and visible_question(page) == "q1"
    page.locator('fieldset.sc-question:visible input[value="2"]').check()
    page.get_by_role("button", name="Next").click()
    page.locator('fieldset.sc-question:visible input[value="1"]').check()
    page.get_by_role("button", name="Next").click()
    assert page.locator(".sc-progress-text").inner_text() == "3 of 9" and visible_question(page) == "q3"
    page.get_by_role("button", name="Previous question").click()
    assert visible_question(page) == "q2"
    assert page.locator('fieldset.sc-question:visible input[value="1"]').is_checked()


def test_keyboard_only_answers_and_result_equals_the_servers(live_server, page, context):
    page.goto(live_server.url + "/en/self-check/gad7/questions")
    values = [3, 2, 1, 0, 3, 2, 1]
    for index, value in enumerate(values):
        radio = page.locator(f'fieldset.sc-question:visible input[value="{value}"]')
        radio.focus()
        page.keyboard.press("Space")
        assert radio.is_checked()
        if index < len(values) - 1:
            page.get_by_role("button", name="Next").focus()
            page.keyboard.press("Enter")
    assert page.locator(".sc-progress-text").inner_text() == "7 of 7"
    page.get_by_role("button", name="See my result").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/result$"))
    shown = int(page.locator(".sc-score-value").inner_text())
    # The same answers posted without JavaScript give the same score.
    form = {f"q-q{i + 1}": str(v) for i, v in enumerate(values)}
    response = context.request.post(live_server.url + "/en/self-check/gad7/result", form=form)
    server = int(re.search(r'data-score="(\d+)"', response.text()).group(1))
    assert shown == server == sum(values)
    assert page.evaluate("() => window.sessionStorage.getItem('selfcheck:gad7')") is None


def test_switching_language_half_way_keeps_the_answers(live_server, page):
    page.goto(live_server.url + "/en/self-check/family-communication/questions")
    for value in (3, 2, 1):
        page.locator(f'fieldset.sc-question:visible input[value="{value}"]').check()
        page.get_by_role("button", name="Next").click()
    page.get_by_role("link", name="繁體中文").click()
    page.wait_for_url(re.compile(r"/zh-hk/self-check/family-communication/questions$"))
    assert "?" not in page.url
    assert page.locator(".sc-progress-text").inner_text() == "第 4 題，共 8 題"
    page.get_by_role("button", name="上一題").click()
    assert page.locator('fieldset.sc-question:visible input[value="1"]').is_checked()
    assert page.locator('input[name="q-listen"][value="3"]').is_checked()
    assert page.locator('input[name="q-feelings"][value="2"]').is_checked()
    page.get_by_role("link", name="简体中文").click()  # and on to the Simplified edition: still kept
    page.wait_for_url(re.compile(r"/zh-cn/self-check/family-communication/questions$"))
    assert page.locator(".sc-progress-text").inner_text() == "第 3 题，共 8 题"
    assert page.locator('input[name="q-listen"][value="3"]').is_checked()


def test_crisis_answer_shows_the_safety_message_at_once(live_server, page):
    page.goto(live_server.url + PHQ9)
    for _ in range(8):
        page.locator('fieldset.sc-question:visible input[value="0"]').check()
        page.get_by_role("button", name="Next").click()
    crisis = page.locator(".sc-form .sc-crisis")
    assert crisis.is_hidden()
    page.locator('fieldset.sc-question:visible input[value="1"]').check()
    assert crisis.is_visible()
    assert crisis.locator('a[href="tel:+85218111"]').is_visible()
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url(re.compile(r"/result$"))
    assert page.locator(".sc-crisis-result").is_visible()
    assert page.locator(".sc-score-value").inner_text() == "1"


def test_without_javascript_every_question_is_on_one_form(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/en/self-check/who5/questions")
        assert page.locator("fieldset.sc-question:visible").count() == 5
        for index in range(1, 6):
            page.locator(f'input[name="q-q{index}"][value="3"]').check()
        page.get_by_role("button", name="See my result").click()
        assert page.locator(".sc-score-value").inner_text() == "60"
        assert page.locator("button[data-module=print]").is_hidden()
    finally:
        context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/en/self-check",
        "/en/self-check/phq9",
        PHQ9,
        "/zh-hk/self-check/who5",
        "/zh-hk/self-check/carer-coping/questions",
    ],
)
def test_self_check_pages_have_no_axe_violations(live_server, axe, path):
    violations = axe(live_server.url + path)
    assert not violations, describe(violations)


def test_result_page_has_no_axe_violations(live_server, browser):
    """The result only exists as a POST response, so scan it in place after submitting."""
    from .conftest import AXE

    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        for lang, tool in (("en", "phq9"), ("zh-hk", "family-apgar")):
            page.goto(f"{live_server.url}/{lang}/self-check/{tool}/questions")
            while page.locator(".sc-next:visible").count():
                page.locator("fieldset.sc-question:visible input[type=radio]").last.check()
                page.locator(".sc-next").click()
            page.locator("fieldset.sc-question:visible input[type=radio]").first.check()
            page.locator(".sc-submit").click()
            page.wait_for_url(re.compile(r"/result$"))
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                """async () => await axe.run(document, {
                    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
                })"""
            )
            assert not result["violations"], describe(result["violations"])
    finally:
        context.close()


def test_crisis_message_and_form_sent_back_have_no_axe_violations(live_server, browser):
    """Scan the question page with the safety message showing, and a form the server sent back."""
    from .conftest import AXE

    def scan(page) -> list[dict]:
        page.add_script_tag(path=str(AXE))
        return page.evaluate(
            """async () => (await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
            })).violations"""
        )

    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/zh-hk/self-check/phq9/questions")
        for _ in range(8):
            page.locator('fieldset.sc-question:visible input[value="0"]').check()
            page.locator(".sc-next").click()
        page.locator('fieldset.sc-question:visible input[value="3"]').check()
        assert page.locator(".sc-form .sc-crisis").is_visible()
        violations = scan(page)
        assert not violations, describe(violations)
        page.goto(live_server.url + "/en/self-check/gad7/questions")
        page.locator('fieldset.sc-question:visible input[value="2"]').check()
        page.evaluate("() => document.querySelector('form.sc-form').submit()")  # skips the stepper's own check
        page.wait_for_url(re.compile(r"/result$"))
        assert page.locator(".sc-error-summary").is_visible()
        # The stepper opens on the first unanswered question, with the kept answer still chosen.
        assert page.locator("fieldset.sc-question:visible").get_attribute("data-item") == "q2"
        violations = scan(page)
        assert not violations, describe(violations)
    finally:
        context.close()
