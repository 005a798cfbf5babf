"""Self-checks: tools as data, scoring at every band boundary, crisis safety, the no-JavaScript
flow, tampered forms, and checks of badly written tool files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.content import ContentError
from portal.selfcheck.engine import read_answers, score
from portal.selfcheck.loader import load_tool, tool_files
from portal.selfcheck.schema import Tool, parse_tool

from .conftest import FIXTURES, REAL_CONTENT
from .test_sitemap import sitemap_text

TOOLS = {path.stem: load_tool(path, REAL_CONTENT) for path in tool_files(REAL_CONTENT)}
VALIDATED = ("who5", "phq9", "gad7", "family-apgar")


def answers_for(tool: Tool, raw: int) -> dict[str, int]:
    """Option values (as the form sends them) whose points add up to ``raw``."""
    remaining, values = raw, {}
    for item in tool.items:
        by_points = {item.points(o.value): o.value for o in item.options}
        pick = max((p for p in by_points if p <= remaining), default=min(by_points))
        values[item.id] = by_points[pick]
        remaining -= pick
    assert remaining == 0, f"cannot reach raw score {raw} in {tool.id}"
    return values


def form_for(values: dict[str, int]) -> dict[str, str]:
    return {f"q-{key}": str(value) for key, value in values.items()}


def strip_tags(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the launch set -------------------------------------------------------------------


def test_launch_set_has_the_four_validated_tools_and_two_reflection_tools():
    kinds = {tool_id: tool.kind for tool_id, tool in TOOLS.items()}
    assert all(kinds.get(tool_id) == "validated" for tool_id in VALIDATED)
    assert sum(kind == "reflection" for kind in kinds.values()) >= 2
    for tool in TOOLS.values():
        if tool.kind == "validated":
            assert tool.citation and tool.licence and tool.wording_source["en"]
        else:
            assert tool.has_items_in("zh-hk"), f"{tool.id}: our own reflection tools are bilingual"


@pytest.mark.parametrize(
    ("tool_id", "raw", "band"),
    [
        ("phq9", 0, "minimal"), ("phq9", 4, "minimal"), ("phq9", 5, "mild"), ("phq9", 9, "mild"),
        ("phq9", 10, "moderate"), ("phq9", 14, "moderate"), ("phq9", 15, "moderately-severe"),
        ("phq9", 19, "moderately-severe"), ("phq9", 20, "severe"), ("phq9", 27, "severe"),
        ("gad7", 0, "minimal"), ("gad7", 4, "minimal"), ("gad7", 5, "mild"), ("gad7", 9, "mild"),
        ("gad7", 10, "moderate"), ("gad7", 14, "moderate"), ("gad7", 15, "severe"), ("gad7", 21, "severe"),
        # WHO-5: percentage = raw x 4; <= 28 very low, <= 50 (raw < 13) low.
        ("who5", 0, "very-low"), ("who5", 7, "very-low"), ("who5", 8, "low"), ("who5", 12, "low"),
        ("who5", 13, "good"), ("who5", 25, "good"),
        ("family-apgar", 0, "hard-time"), ("family-apgar", 3, "hard-time"), ("family-apgar", 4, "some-strain"),
        ("family-apgar", 6, "some-strain"), ("family-apgar", 7, "works-well"), ("family-apgar", 10, "works-well"),
    ],
)  # fmt: skip
def test_validated_tools_score_each_band_boundary_as_published(tool_id, raw, band):
    tool = TOOLS[tool_id]
    result = score(tool, answers_for(tool, raw))
    assert result.raw == raw
    assert result.band.key == band


@pytest.mark.parametrize("tool_id", sorted(TOOLS))
def test_every_band_of_every_tool_is_reached_at_both_ends(tool_id):
    tool = TOOLS[tool_id]
    possible = sorted(tool.possible_scores())
    for band in tool.bands:
        inside = [s for s in possible if band.min <= s <= band.max]
        assert inside, f"{tool_id}: band {band.key} can never be reached"
        for target in (inside[0], inside[-1]):
            result = score(tool, answers_for(tool, target // tool.multiplier))
            assert result.score == target and result.band is band
    assert {tool.band_for(s).key for s in possible} == {b.key for b in tool.bands}


def test_who5_percentage_is_raw_times_four_never_raw_minus_five():
    tool = TOOLS["who5"]
    assert tool.multiplier == 4
    top = score(tool, answers_for(tool, 25))
    assert (top.raw, top.score) == (25, 100)
    assert score(tool, answers_for(tool, 12)).score == 48
    assert score(tool, answers_for(tool, 0)).score == 0
    assert tool.score_range == (0, 100)


def test_who5_any_answer_of_one_or_less_suggests_a_closer_look():
    tool = TOOLS["who5"]
    values = {item.id: 5 for item in tool.items}
    assert not score(tool, values).alerts
    values["q3"] = 1
    result = score(tool, values)
    assert result.band.key == "good" and len(result.alerts) == 1 and not result.crisis


def test_reverse_scored_items_count_from_the_other_end():
    text = (FIXTURES / "selfcheck" / "reverse-demo.yml").read_text(encoding="utf-8")
    tool = parse_tool(text, "reverse-demo.yml", "reverse-demo")
    assert [item.reverse for item in tool.items] == [False, True]
    assert score(tool, {"plain": 0, "flipped": 3}).raw == 0
    assert score(tool, {"plain": 0, "flipped": 0}).raw == 3
    high = score(tool, {"plain": 3, "flipped": 0})
    assert (high.raw, high.score, high.band.key) == (6, 12, "high")
    assert score(tool, {"plain": 2, "flipped": 3}).band.key == "low"  # 2 x 2 = 4


def test_reflection_tool_reverses_its_positive_items():
    tool = TOOLS["carer-coping"]
    assert {item.id for item in tool.items if item.reverse} == {"own-time", "help"}
    worst = {item.id: (0 if item.reverse else 3) for item in tool.items}
    assert score(tool, worst).score == 24 and score(tool, worst).urgent


def test_phq9_item_nine_above_zero_is_a_crisis_whatever_the_total():
    tool = TOOLS["phq9"]
    values = {item.id: 0 for item in tool.items}
    values["q9"] = 1
    result = score(tool, values)
    assert result.crisis and result.band.key == "minimal"
    values["q9"] = 0
    assert not score(tool, values).crisis


def test_very_high_totals_are_urgent():
    assert score(TOOLS["phq9"], answers_for(TOOLS["phq9"], 20)).urgent
    assert not score(TOOLS["phq9"], answers_for(TOOLS["phq9"], 19)).urgent
    assert score(TOOLS["gad7"], answers_for(TOOLS["gad7"], 15)).urgent
    assert score(TOOLS["who5"], answers_for(TOOLS["who5"], 7)).urgent  # 28
    assert not score(TOOLS["who5"], answers_for(TOOLS["who5"], 8)).urgent


def test_family_apgar_never_says_dysfunctional():
    text = (REAL_CONTENT / "selfcheck" / "family-apgar.yml").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert "dysfunction" not in body.lower()


# --- pages without JavaScript ----------------------------------------------------------


def test_list_intro_and_questions_in_both_languages(client):
    listing = client.get("/en/self-check").get_data(as_text=True)
    for tool in TOOLS.values():
        assert f'href="/en/self-check/{tool.id}"' in listing
    assert "not validated" in listing or "not a validated questionnaire" in listing
    intro = strip_tags(client.get("/en/self-check/phq9").get_data(as_text=True))
    assert "the last 2 weeks" in intro and "This is not a diagnosis." in intro
    assert "Your answers are not stored." in intro and "Need help now?" in intro
    zh = client.get("/zh-hk/self-check/family-communication/questions").get_data(as_text=True)
    assert "我說話時，其他家人會聆聽而不打斷。" in zh and "很少" in zh


@pytest.mark.parametrize("tool_id", VALIDATED)
def test_chinese_page_of_an_english_only_questionnaire_says_so(client, tool_id):
    zh = client.get(f"/zh-hk/self-check/{tool_id}").get_data(as_text=True)
    assert "這份問卷的問題只有英文版本" in zh
    questions = client.get(f"/zh-hk/self-check/{tool_id}/questions").get_data(as_text=True)
    assert 'lang="en-HK"' in questions and TOOLS[tool_id].items[0].text["en"] in questions
    assert "只有英文版本" not in client.get(f"/en/self-check/{tool_id}").get_data(as_text=True)


def test_form_posts_every_question_and_the_result_is_scored_on_the_server(client):
    form = client.get("/en/self-check/phq9/questions").get_data(as_text=True)
    assert 'method="post" action="/en/self-check/phq9/result"' in form
    assert form.count('type="radio"') == 9 * 4
    response = client.post("/en/self-check/phq9/result", data=form_for(answers_for(TOOLS["phq9"], 12)))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-score="12"' in html and 'data-band="moderate"' in html
    assert "Help is available, whatever your score" in html and "Check again in 2 weeks" in html
    assert "<svg" in html and "style=" not in html.split("<main", 1)[1]
    assert 'data-module="print"' in html


def test_result_is_never_cached_and_answers_never_reach_a_url(client):
    response = client.post("/en/self-check/gad7/result", data=form_for(answers_for(TOOLS["gad7"], 7)))
    assert "no-store" in response.headers["Cache-Control"]
    assert "X-Cache" not in response.headers
    html = response.get_data(as_text=True)
    toggle = re.search(r'class="lang-toggle" href="([^"]+)"', html).group(1)
    assert toggle == "/language/zh-hk?next=/zh-hk/self-check/gad7/result"  # answers stay out of URLs
    back = client.get(client.get(toggle).headers["Location"])
    assert back.status_code == 302 and back.headers["Location"].endswith("/zh-hk/self-check/gad7")
    for url in re.findall(r'(?:href|action)="([^"]*)"', html):
        assert "q-" not in url and "?q" not in url


def test_crisis_answer_shows_tap_to_call_lines_even_with_a_low_total(client):
    values = {item.id: 0 for item in TOOLS["phq9"].items} | {"q9": 1}
    html = client.post("/en/self-check/phq9/result", data=form_for(values)).get_data(as_text=True)
    assert "sc-crisis-result" in html and 'data-band="minimal"' in html
    assert 'href="tel:+85218111"' in html and 'href="tel:+852999"' in html
    calm = html.split("sc-crisis-result", 1)[1].split("</section>", 1)[0]
    assert "You do not have to carry this alone" in calm


def test_crisis_message_is_ready_on_the_question_page_for_the_stepper(client):
    html = client.get("/en/self-check/phq9/questions").get_data(as_text=True)
    block = re.search(r'<div class="callout callout-urgent sc-crisis"[^>]*>', html).group(0)
    assert 'data-crisis-items="q9"' in block and 'data-above="0"' in block and "hidden" in block
    assert 'href="tel:+852 2896 0000"' not in html and 'href="tel:+85228960000"' in html


def test_no_crisis_block_without_the_crisis_answer_but_urgent_block_for_very_high_totals(client):
    values = {item.id: 3 for item in TOOLS["phq9"].items} | {"q9": 0}
    html = client.post("/en/self-check/phq9/result", data=form_for(values)).get_data(as_text=True)
    assert "sc-crisis-result" not in html and "Please talk to someone soon" in html
    assert "no risk" not in html.lower()


def test_carer_result_always_offers_the_carer_hotline(client):
    values = {item.id: (3 if item.reverse else 0) for item in TOOLS["carer-coping"].items}
    html = client.post("/zh-hk/self-check/carer-coping/result", data=form_for(values)).get_data(as_text=True)
    assert 'href="tel:+852182183"' in html and "你似乎應付得不錯" in html


def test_sitemap_lists_the_self_checks(client):
    sitemap = sitemap_text(client)  # the index and every file it names
    assert "/en/self-check/phq9" in sitemap and "/zh-hk/self-check" in sitemap


# --- bad input --------------------------------------------------------------------------


def test_missing_answers_bring_the_form_back_with_the_answers_kept(client):
    values = answers_for(TOOLS["gad7"], 5)
    del values["q4"]
    response = client.post("/en/self-check/gad7/result", data=form_for(values))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "no-store" in response.headers["Cache-Control"]
    assert "Please check your answers" in html and 'href="#item-q4"' in html
    for item_id, value in values.items():
        assert re.search(rf'name="q-{item_id}" value="{value}" checked', html)


@pytest.mark.parametrize(
    "tamper",
    [
        {"q-q1": "7"},  # not an option
        {"q-q1": "-1"},  # out of range
        {"q-q1": "one"},  # not a number
        {"q-q1": "1" * 5000},  # absurdly long
        {"q-q99": "1"},  # an item this tool does not have
        {"q-q1": "1.5"},
    ],
)
def test_tampered_values_get_a_friendly_400_with_the_form(client, tamper):
    values = form_for(answers_for(TOOLS["phq9"], 6)) | tamper
    response = client.post("/en/self-check/phq9/result", data=values)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "were not ones this questionnaire offers" in html
    assert re.search(r'name="q-q2" value="\d" checked', html)


def test_huge_payload_is_refused_kindly_not_with_a_500(client):
    values = form_for(answers_for(TOOLS["phq9"], 6)) | {"padding": "x" * 200_000}
    response = client.post("/en/self-check/phq9/result", data=values)
    assert response.status_code == 400
    assert "Please check your answers" in response.get_data(as_text=True)
    many = {f"field{i}": "1" for i in range(600)}
    assert client.post("/en/self-check/phq9/result", data=many).status_code == 400


def test_unknown_tool_is_a_404(client):
    assert client.get("/en/self-check/nope").status_code == 404
    assert client.post("/en/self-check/nope/result", data={}).status_code == 404


def test_read_answers_never_raises_on_odd_input():
    tool = TOOLS["phq9"]
    for form in ({}, {"q-": "1"}, {"q-q1": ""}, {"q-q1": " 2 "}, {"q-q1": "٣"}):
        answers = read_answers(tool, form)
        assert not answers.complete


# --- checking tool files ----------------------------------------------------------------

GOOD = (FIXTURES / "selfcheck" / "reverse-demo.yml").read_text(encoding="utf-8")


def problems_of(text: str, name: str = "reverse-demo") -> list[str]:
    try:
        parse_tool(text, f"content/selfcheck/{name}.yml", name)
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return []


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_good_fixture_has_no_problems():
    assert problems_of(GOOD) == []


def test_a_gap_between_bands_is_reported_with_its_line():
    bad = GOOD.replace("  - min: 5\n", "  - min: 6\n")
    line = line_of(bad, "  - min: 6")
    assert f"content/selfcheck/reverse-demo.yml:{line}: gap: no band covers 5-5" in problems_of(bad)


def test_overlapping_bands_and_uncovered_top_scores_are_reported():
    bad = GOOD.replace("  - min: 5\n", "  - min: 4\n").replace("    max: 12\n", "    max: 10\n")
    found = "\n".join(problems_of(bad))
    assert "overlaps band 0-4" in found
    assert "bands end at 10 but the highest possible score is 12" in found


def test_an_item_without_options_is_reported():
    bad = GOOD.replace("  - {id: flipped, options: scale, ", "  - {id: flipped, ")
    line = line_of(bad, "  - {id: flipped")
    assert f"content/selfcheck/reverse-demo.yml:{line}: item 'flipped' has no options" in problems_of(bad)


def test_a_missing_language_is_reported():
    bad = GOOD.replace("text: {en: A plain item, zh-hk: 普通題}", "text: {en: A plain item}")
    line = line_of(bad, "text: {en: A plain item}")
    assert f"content/selfcheck/reverse-demo.yml:{line}: 'text' has no 'zh-hk' text" in problems_of(bad)


def test_english_only_needs_a_reason():
    bad = GOOD.replace("kind: reflection", "kind: reflection\nitem_languages: [en]")
    assert any("'english_only_reason' is missing" in p for p in problems_of(bad))


def test_bad_scoring_rules_are_reported():
    found = "\n".join(problems_of(GOOD.replace("method: sum", "method: average")))
    assert "scoring 'method' must be 'sum'" in found
    found = "\n".join(problems_of(GOOD.replace("reverse_items: [flipped]", "reverse_items: [nothing]")))
    assert "reverse_items: no item 'nothing'" in found
    found = "\n".join(problems_of(GOOD.replace("multiplier: 2", "multiplier: zero")))
    assert "'multiplier' must be a whole number" in found


def test_unknown_tags_and_hotlines_are_reported():
    bad = GOOD.replace("kind: reflection", "kind: reflection\nrelated_tags: [no-such-tag]\nhotlines: [no-such-line]")
    with pytest.raises(ContentError) as caught:
        parse_tool(bad, "content/selfcheck/reverse-demo.yml", "reverse-demo", {"stress"}, {"mh-18111"})
    found = "\n".join(str(p) for p in caught.value.problems)
    assert "content/selfcheck/reverse-demo.yml:4: related_tags: 'no-such-tag' is not in content/tags.yml" in found
    assert "content/selfcheck/reverse-demo.yml:5: hotlines: 'no-such-line' is not an id" in found


def test_validated_tools_need_citation_and_licence():
    found = "\n".join(problems_of(GOOD.replace("kind: reflection", "kind: validated")))
    assert "needs 'citation'" in found and "needs 'licence'" in found


def test_file_name_must_match_the_id_and_yaml_errors_have_lines():
    assert any("'id' must be 'other'" in p for p in problems_of(GOOD, "other"))
    broken = GOOD.replace("title: {en: Reverse demo", "title: {en: [Reverse demo")
    problem = problems_of(broken)[0]
    assert problem.startswith("content/selfcheck/reverse-demo.yml:") and "brackets [ ] or { } are not closed" in problem


def test_flask_content_check_reports_bad_tool_files(make_app, content_copy: Path):
    (content_copy / "selfcheck" / "broken.yml").write_text(
        GOOD.replace("id: reverse-demo", "id: broken").replace("  - min: 5\n", "  - min: 7\n"), encoding="utf-8"
    )
    app = make_app(CONTENT_DIR=str(content_copy))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert re.search(r"content/selfcheck/broken\.yml:\d+: gap: no band covers 5-6", result.output)


def test_sync_keeps_the_last_good_version_of_a_broken_tool(make_app, content_copy: Path):
    from portal.cli import sync_content

    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    path = content_copy / "selfcheck" / "gad7.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("    max: 21\n", "    max: 20\n"), encoding="utf-8")
    sync_content(app)
    client = app.test_client()
    assert client.get("/en/self-check/gad7").status_code == 200
    (content_copy / "selfcheck" / "who5.yml").unlink()
    sync_content(app)
    assert client.get("/en/self-check/who5").status_code == 404


# --- every tool, through the pages --------------------------------------------------------


@pytest.mark.parametrize("tool_id", sorted(TOOLS))
def test_every_tool_scores_its_band_edges_through_the_no_javascript_form(client, tool_id):
    tool = TOOLS[tool_id]
    form = client.get(f"/en/self-check/{tool_id}/questions").get_data(as_text=True)
    assert form.count('type="radio"') == sum(len(item.options) for item in tool.items)
    possible = sorted(tool.possible_scores())
    for band in tool.bands:
        for target in (min(s for s in possible if s >= band.min), max(s for s in possible if s <= band.max)):
            values = answers_for(tool, target // tool.multiplier)
            response = client.post(f"/zh-hk/self-check/{tool_id}/result", data=form_for(values))
            html = response.get_data(as_text=True)
            assert response.status_code == 200, (tool_id, target)
            assert f'data-score="{target}"' in html and f'data-band="{band.key}"' in html
            assert band.label["zh-hk"] in html and "無論分數如何，都可以尋求協助" in html


@pytest.mark.parametrize("tool_id", sorted(TOOLS))
def test_every_tool_refuses_tampered_answers_kindly(client, tool_id):
    tool = TOOLS[tool_id]
    values = form_for(answers_for(tool, 0))
    first = f"q-{tool.items[0].id}"
    top = max(option.value for option in tool.items[0].options)
    for bad in (str(top + 1), "x", "", "99999999999"):
        response = client.post(f"/en/self-check/{tool_id}/result", data=values | {first: bad})
        assert response.status_code in (400, 422), (tool_id, bad)
        assert "Please check your answers" in response.get_data(as_text=True)


def test_related_articles_come_from_the_band_and_tool_tags(make_app, tmp_path):
    import shutil

    from portal.cli import sync_content

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    shutil.copytree(REAL_CONTENT / "selfcheck", content / "selfcheck")
    app = make_app(CONTENT_DIR=str(content))
    sync_content(app)
    client = app.test_client()
    tool = TOOLS["carer-coping"]
    worst = {item.id: (0 if item.reverse else 3) for item in tool.items}
    html = client.post("/en/self-check/carer-coping/result", data=form_for(worst)).get_data(as_text=True)
    related = html.split("Articles that may help", 1)[1].split("</ul>", 1)[0]
    # Band tags (carer-wellbeing, family-services) come before the tool's own.
    assert 'href="/en/articles/behind-in-chinese"' in related and 'href="/en/articles/pictures"' in related


def test_a_hotline_name_that_starts_with_its_number_shows_the_number_once(client):
    html = client.get("/en/self-check/phq9").get_data(as_text=True)
    assert '<span class="sc-number">18111</span> <span class="sc-name">Mental Health Support Hotline</span>' in html


def test_a_band_can_add_its_own_hotlines(client):
    tool = TOOLS["family-apgar"]
    low = client.post("/en/self-check/family-apgar/result", data=form_for(answers_for(tool, 0))).get_data(as_text=True)
    assert 'href="tel:+85218281"' in low and 'href="tel:+85225220434"' in low
    high = client.post("/en/self-check/family-apgar/result", data=form_for(answers_for(tool, 10))).get_data(
        as_text=True
    )
    assert 'href="tel:+85218281"' not in high
