"""The Chinese-first mood and stress reflection (content/selfcheck/mood-reflection.yml) with the crisis
rule of PHQ-9 item 9, the validated instruments' Chinese pages pointing to it, and the rule that any
Chinese item text of a validated instrument names its published source."""

from __future__ import annotations

import pytest

from portal.content import ContentError
from portal.selfcheck.schema import parse_tool

from .conftest import FIXTURES
from .test_selfcheck import TOOLS, VALIDATED, form_for

MOOD = TOOLS["mood-reflection"]
CRISIS_MESSAGE = {"en": "You do not have to carry this alone", "zh-hk": "你不需要獨自承受"}


def test_the_mood_reflection_is_ours_in_both_languages_with_six_to_ten_questions():
    assert MOOD.kind == "reflection" and MOOD.item_languages == ["en", "zh-hk"]
    assert 6 <= len(MOOD.items) <= 10
    assert all(item.text["zh-hk"] and item.text["en"] for item in MOOD.items)
    assert "not a test" in MOOD.summary["en"].lower() and "不是測驗" in MOOD.summary["zh-hk"]
    assert "不是診斷" in MOOD.summary["zh-hk"]


def test_its_self_harm_question_has_the_same_crisis_rule_as_phq9_item_nine():
    (alert,) = [a for a in MOOD.alerts if a.crisis]
    (phq9,) = [a for a in TOOLS["phq9"].alerts if a.crisis]
    assert alert.items == ["self-harm"] and (alert.above, alert.at_most) == (phq9.above, phq9.at_most)


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_any_self_harm_answer_shows_help_first_without_javascript_whatever_the_total(client, lang):
    values = {item.id: (3 if item.reverse else 0) for item in MOOD.items} | {"self-harm": 1}
    response = client.post(f"/{lang}/self-check/mood-reflection/result", data=form_for(values))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-band="steady"' in html
    crisis = html.split("sc-crisis-result", 1)[1].split("</section>", 1)[0]
    assert CRISIS_MESSAGE[lang] in crisis
    assert 'href="tel:+85218111"' in crisis and 'href="tel:+852999"' in crisis
    # Help comes before the score.
    assert html.index("sc-crisis-result") < html.index("sc-score-value")
    assert {"private", "no-store"} <= {part.strip() for part in response.headers["Cache-Control"].split(",")}


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_no_crisis_block_without_the_self_harm_answer(client, lang):
    values = {item.id: (0 if item.reverse else 3) for item in MOOD.items} | {"self-harm": 0}
    html = client.post(f"/{lang}/self-check/mood-reflection/result", data=form_for(values)).get_data(as_text=True)
    assert "sc-crisis-result" not in html and 'data-band="heavy"' in html


def test_its_result_links_to_articles_the_hotlines_and_the_centre_finder(client):
    values = {item.id: (0 if item.reverse else 2) for item in MOOD.items} | {"self-harm": 0}
    html = client.post("/zh-hk/self-check/mood-reflection/result", data=form_for(values)).get_data(as_text=True)
    assert "/zh-hk/articles/" in html and "/zh-hk/centres/" in html and 'href="tel:+85218111"' in html


@pytest.mark.parametrize("tool_id", VALIDATED)
def test_the_chinese_pages_of_the_validated_instruments_point_to_it(client, tool_id):
    for page in ("", "/questions"):
        html = client.get(f"/zh-hk/self-check/{tool_id}{page}").get_data(as_text=True)
        note = html.split("sc-english-only", 1)[1].split("</div>", 1)[0]
        assert 'href="/zh-hk/self-check/mood-reflection"' in note and "心情與壓力" in note
    english = client.get(f"/en/self-check/{tool_id}").get_data(as_text=True)
    assert "/self-check/mood-reflection" not in english  # the English page has its questions


# --- Chinese item text of a validated instrument needs a named published source --------------

VALIDATED_DEMO = (FIXTURES / "selfcheck" / "validated-demo.yml").read_text(encoding="utf-8")
SHOWN = "content/selfcheck/validated-demo.yml"


def problems_of(text: str) -> list[str]:
    try:
        parse_tool(text, SHOWN, "validated-demo")
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return []


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def without_chinese_source(text: str) -> str:
    start = text.index("  zh-hk: Demo Scale")
    return text[:start] + text[text.index("\n", start) + 1 :]


def test_a_validated_instrument_with_a_named_published_chinese_source_is_fine():
    assert problems_of(VALIDATED_DEMO) == []


def test_chinese_items_without_a_chinese_wording_source_are_an_error_on_its_line():
    bad = without_chinese_source(VALIDATED_DEMO)
    line = line_of(bad, "  en: Demo Scale")  # the first line of wording_source's texts
    assert any(p.startswith(f"{SHOWN}:{line}: the Chinese wording of a validated questionnaire needs its published")
               for p in problems_of(bad))  # fmt: skip


@pytest.mark.parametrize("source", ["Our translation", "Translated by the Family Portal editors", "我們自行翻譯"])
def test_our_own_translation_is_never_a_published_source(source):
    bad = VALIDATED_DEMO.replace(
        "zh-hk: Demo Scale, Chinese form as published by the Hong Kong Test Institute, J Test Instr 2005;5:10-19.",
        f"zh-hk: {source}",
    )
    found = problems_of(bad)
    assert any("must name a published source, not our own translation" in p for p in found), found


def test_chinese_item_text_counts_even_when_item_languages_is_english_only():
    bad = without_chinese_source(VALIDATED_DEMO).replace(
        "item_languages: [en, zh-hk]",
        "item_languages: [en]\nenglish_only_reason: {en: Not yet., zh-hk: 暫未有。}",
    )
    assert any("needs its published source" in p for p in problems_of(bad))


def test_a_reflection_tool_of_ours_needs_no_published_source():
    ours = without_chinese_source(VALIDATED_DEMO).replace("kind: validated", "kind: reflection")
    ours = ours.replace("  en: Demo Scale,", "  zh-hk: 由本網站編輯撰寫。\n  en: Demo Scale,")
    assert problems_of(ours) == []


def test_the_message_reads_in_chinese_for_chinese_editors():
    try:
        parse_tool(without_chinese_source(VALIDATED_DEMO), SHOWN, "validated-demo")
    except ContentError as exc:
        texts = [p.text("zh-hk") for p in exc.problems]
    assert any("經驗證問卷的中文版本必須註明已發表的出處" in t for t in texts)


def test_an_alternative_must_be_another_existing_tool():
    bad = VALIDATED_DEMO.replace("kind: validated", "kind: validated\nalternative: no-such-tool")
    with pytest.raises(ContentError) as caught:
        parse_tool(bad, SHOWN, "validated-demo", known_tools={"validated-demo", "mood-reflection"})
    assert any("'alternative' must be the id of another self-check" in str(p) for p in caught.value.problems)
