"""The mood and stress reflection in a real browser: the self-harm answer shows help at once, in both
languages, and the result keeps it first whatever the total (the same rule as PHQ-9 item 9)."""

from __future__ import annotations

import re

import pytest

from .conftest import describe

WORDS = {
    "en": {"next": "Next", "result": "See my result", "alone": "You do not have to carry this alone"},
    "zh-hk": {"next": "下一題", "result": "查看我的結果", "alone": "你不需要獨自承受"},
}


@pytest.mark.parametrize("lang", ["zh-hk", "en"])
def test_the_self_harm_answer_shows_help_at_once_and_first_on_the_result(live_server, page, lang):
    words = WORDS[lang]
    page.goto(f"{live_server.url}/{lang}/self-check/mood-reflection/questions")
    for _ in range(7):
        page.locator('fieldset.sc-question:visible input[value="0"]').check()
        page.get_by_role("button", name=words["next"]).click()
    assert page.locator("fieldset.sc-question:visible").get_attribute("data-item") == "self-harm"
    crisis = page.locator(".sc-form .sc-crisis")
    assert crisis.is_hidden()
    page.locator('fieldset.sc-question:visible input[value="1"]').check()
    assert crisis.is_visible()
    assert words["alone"] in crisis.inner_text()
    assert crisis.locator('a[href="tel:+85218111"]').is_visible()
    page.get_by_role("button", name=words["result"]).click()
    page.wait_for_url(re.compile(r"/result$"))
    assert page.locator(".sc-crisis-result").is_visible()
    assert words["alone"] in page.locator(".sc-crisis-result").inner_text()


@pytest.mark.parametrize("path", ["/zh-hk/self-check/mood-reflection", "/zh-hk/self-check/mood-reflection/questions",
                                  "/zh-hk/self-check/phq9"])  # fmt: skip
def test_the_mood_reflection_and_the_pointer_to_it_pass_axe(live_server, axe, path):
    violations = axe(live_server.url + path)
    assert not violations, describe(violations)
