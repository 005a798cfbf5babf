"""Life stages (content/stages.yml) and topic pages: what a family sees in both languages, how the pages
reach each other, and what an editor is told about a stage or a tag that does not add up."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from markupsafe import escape

from portal.cli import sync_content
from portal.stages.loader import StageSource
from portal.topics.loader import TopicSource

from .conftest import REAL_CONTENT
from .test_sitemap import sitemap_text

STAGES = yaml.safe_load((REAL_CONTENT / "stages.yml").read_text(encoding="utf-8"))
TAGS = yaml.safe_load((REAL_CONTENT / "tags.yml").read_text(encoding="utf-8"))


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def main_of(html: str) -> str:
    return html.split('id="main"', 1)[1].split("</main>", 1)[0]


# --- the stages ----------------------------------------------------------------------------------


def test_the_stages_cover_a_family_from_a_new_baby_to_loss_and_grief():
    ids = [stage["id"] for stage in STAGES]
    expected = ["expecting-and-new-baby", "young-children", "school-age", "teenagers", "couples",
                "separating-and-co-parenting", "caring-for-older-parents", "later-life", "loss-and-grief"]  # fmt: skip
    assert set(expected) <= set(ids)


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_stage_index_lists_every_stage_with_its_intro_in_the_pages_language(client, lang):
    html = client.get(f"/{lang}/stages").get_data(as_text=True)
    for stage in STAGES:
        assert f'href="/{lang}/stages/{stage["id"]}"' in html
        assert stage["name"][lang] in html and stage["intro"][lang] in html


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_a_stage_page_gathers_its_articles_self_checks_and_the_help_that_fits(backend_app, lang):
    client = backend_app.test_client()
    response = client.get(f"/{lang}/stages/caring-for-older-parents")
    assert response.status_code == 200
    html = main_of(response.get_data(as_text=True))
    stage = next(s for s in STAGES if s["id"] == "caring-for-older-parents")
    assert f"<h1>{stage['name'][lang]}</h1>" in html
    assert f'href="/{lang}/articles/caring-for-a-parent-with-dementia"' in html  # tagged dementia
    assert f'href="/{lang}/self-check/carer-coping"' in html  # named in selfchecks
    assert 'href="tel:+852182183"' in html  # carer-182183 from content/hotlines.yml
    assert f'href="/{lang}/centres/"' in html and f'href="/{lang}/help"' in html
    for tag in stage["tags"]:
        assert f'href="/{lang}/topics/{tag}"' in html and escape(TAGS[tag][lang]) in html


def test_a_stage_page_never_lists_an_example_event_and_says_so_plainly(client):
    html = main_of(client.get("/en/stages/teenagers").get_data(as_text=True))
    assert "/en/events/" not in html.split('id="stage-events"', 1)[1].split("</section>", 1)[0].replace(
        'href="/en/events"', ""
    )
    assert "No upcoming events on these topics right now." in html


def test_an_unknown_stage_is_a_404(client):
    assert client.get("/en/stages/no-such-stage").status_code == 404
    assert client.get("/zh-hk/stages/" + "x" * 500).status_code == 404


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_home_page_has_a_way_in_by_stage_of_family_life(client, lang):
    html = client.get(f"/{lang}/").get_data(as_text=True)
    section = html.split('id="home-stages-title"', 1)[1].split("</section>", 1)[0]
    heading = {"en": "Find help for your stage of family life", "zh-hk": "按家庭生活階段尋找支援"}[lang]
    assert heading in section
    for stage in STAGES:
        assert f'href="/{lang}/stages/{stage["id"]}"' in section


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_an_article_links_its_tags_to_topic_pages_and_to_the_stages_it_belongs_to(client, lang):
    html = client.get(f"/{lang}/articles/caring-for-a-parent-with-dementia").get_data(as_text=True)
    assert f'href="/{lang}/topics/dementia"' in html and f'href="/{lang}/topics/elderly-parents"' in html
    assert f'href="/{lang}/stages/caring-for-older-parents"' in html
    assert f'href="/{lang}/stages"' in html


def test_every_article_leads_to_the_stages_even_one_no_stage_claims(client):
    for folder in sorted(p for p in (REAL_CONTENT / "articles").iterdir() if p.is_dir()):
        html = client.get(f"/en/articles/{folder.name}").get_data(as_text=True)
        assert 'href="/en/stages"' in html, folder.name


# --- topic pages -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_a_topic_page_lists_the_articles_and_self_checks_carrying_the_tag(client, lang):
    html = main_of(client.get(f"/{lang}/topics/sleep").get_data(as_text=True))
    assert f"<h1>{TAGS['sleep'][lang]}</h1>" in html
    assert f'href="/{lang}/articles/sleep-and-stress-for-busy-parents"' in html
    assert f'href="/{lang}/self-check/mood-reflection"' in html  # related_tags: [.., sleep, ..]


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_topic_index_links_every_tag_in_both_languages(client, lang):
    html = client.get(f"/{lang}/topics").get_data(as_text=True)
    for tag, labels in TAGS.items():
        assert f'href="/{lang}/topics/{tag}"' in html and escape(labels[lang]) in html


def test_an_unknown_tag_is_a_404(client):
    assert client.get("/en/topics/no-such-tag").status_code == 404
    assert client.get("/zh-hk/topics/%E7%9D%A1").status_code == 404


def test_event_topics_that_are_tags_link_to_their_topic_page(client):
    html = client.get("/en/events").get_data(as_text=True)
    event = re.search(r'href="(/en/events/\d+)"', html).group(1)
    page = client.get(event).get_data(as_text=True)
    assert re.search(r'<a href="/en/topics/[a-z-]+">', page)


def test_a_self_check_introduction_links_its_topics(client):
    html = client.get("/zh-hk/self-check/carer-coping").get_data(as_text=True)
    assert 'href="/zh-hk/topics/carer-wellbeing"' in html and escape(TAGS["carer-wellbeing"]["zh-hk"]) in html


def test_the_sitemap_lists_the_stages_and_the_topics(client):
    sitemap = sitemap_text(client)
    assert "/en/stages/loss-and-grief" in sitemap and "/zh-hk/stages" in sitemap
    assert "/en/topics/sleep" in sitemap and "/zh-hk/topics" in sitemap


# --- with content written for the test ---------------------------------------------------------------


def write_real_event(content: Path, topics: str) -> None:
    day = (date.today() + timedelta(days=20)).isoformat()
    folder = content / "events" / "real-carers-group"
    folder.mkdir()
    (folder / "en.md").write_text(
        f"---\ntitle: A real carers' group\nvenue: A hall\naddress: Sha Tin\nstarts: {day}T10:00+08:00\n"
        f"ends: {day}T12:00+08:00\ndistrict: sha-tin\norganiser: example-family-centre\naudience: [carers]\n"
        f"topics: {topics}\nfee: free\nlanguages: [cantonese]\nstatus: scheduled\n---\nA group for carers.\n",
        encoding="utf-8",
    )


def test_upcoming_real_events_are_on_their_topic_and_stage_pages_examples_never(make_app, content_copy):
    write_real_event(content_copy, "[dementia, carer-wellbeing]")
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    client = app.test_client()
    for path in ("/en/topics/dementia", "/en/stages/caring-for-older-parents"):
        html = main_of(client.get(path).get_data(as_text=True))
        assert escape("A real carers' group") in html, path
        assert "Example" not in text_of(html.split("events", 1)[1]), path


def test_a_tag_nothing_carries_is_an_editor_warning_and_its_page_says_so_with_links_onward(make_app, content_copy):
    tags = content_copy / "tags.yml"
    kite = "kite-flying: {en: Kite flying, zh-hk: 放風箏}\n"
    tags.write_text(tags.read_text(encoding="utf-8") + kite, encoding="utf-8")
    line = tags.read_text(encoding="utf-8").count("\n")
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    with app.app_context():
        problems = TopicSource(app).check(content_copy)
    warning = next(p for p in problems if "kite-flying" in p.text("en"))
    assert warning.severity == "warning" and warning.line == line
    assert f"tag 'kite-flying' in content/tags.yml:{line} is used by nothing" in warning.text("en")
    assert "未被使用" in warning.text("zh-hk")
    assert not any("'sleep'" in p.text("en") for p in problems)  # used by articles
    client = app.test_client()
    says = {"en": "Nothing on this site is about Kite flying yet", "zh-hk": "本網站暫時未有關於「放風箏」的內容"}
    for lang, words in says.items():
        response = client.get(f"/{lang}/topics/kite-flying")
        html = main_of(response.get_data(as_text=True))
        assert response.status_code == 200 and words in html
        assert f'href="/{lang}/topics"' in html and f'href="/{lang}/stages"' in html and f'href="/{lang}/help"' in html


def stage_problems(content: Path) -> list:
    return StageSource().check(content)


def test_a_good_stages_file_has_no_problems():
    assert stage_problems(REAL_CONTENT) == []


def test_unknown_tags_hotlines_and_self_checks_in_a_stage_are_named_on_their_line_in_both_languages(content_copy):
    path = content_copy / "stages.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("tags: [grief, low-mood, self-care]", "tags: [grief, griefs, self-care]")
    text = text.replace("hotlines: [samaritans, sbhk, mh-18111]", "hotlines: [samaritans, sbhk-24h, mh-18111]")
    text = text.replace("selfchecks: [carer-coping]", "selfchecks: [carers-coping]")
    path.write_text(text, encoding="utf-8")
    lines = text.split("\n")
    found = {p.text("en"): p for p in stage_problems(content_copy)}
    tag_line = next(i for i, line in enumerate(lines, 1) if "griefs" in line)
    hotline_line = next(i for i, line in enumerate(lines, 1) if "sbhk-24h" in line)
    check_line = next(i for i, line in enumerate(lines, 1) if "carers-coping" in line)
    assert (f"content/stages.yml:{tag_line}: stage 'loss-and-grief': unknown tag 'griefs': add it to "
            "content/tags.yml first, or use a tag that is there") in found  # fmt: skip
    assert any(t.startswith(f"content/stages.yml:{hotline_line}: stage 'loss-and-grief': 'sbhk-24h' is not a hotline")
               for t in found)  # fmt: skip
    assert any(t.startswith(f"content/stages.yml:{check_line}: stage 'caring-for-older-parents': there is no "
                            "self-check 'carers-coping'") for t in found)  # fmt: skip
    chinese = [p.text("zh-hk") for p in found.values()]
    assert any("沒有「griefs」這個標籤" in t for t in chinese)
    assert any("「sbhk-24h」不是 content/hotlines.yml 內的熱線 id" in t for t in chinese)


def test_a_stage_missing_its_chinese_intro_or_its_tags_is_an_error(content_copy):
    path = content_copy / "stages.yml"
    text = path.read_text(encoding="utf-8").replace("- id: later-life\n", "- id: later-life\n  colour: blue\n")
    text = text.replace("  tags: [later-life, grandparents, self-care]\n", "  tags: []\n")
    path.write_text(text, encoding="utf-8")
    found = "\n".join(p.text("en") for p in stage_problems(content_copy))
    assert "stage 'later-life': unknown field 'colour'" in found
    assert "stage 'later-life' needs at least one tag from content/tags.yml" in found


def test_a_stage_with_errors_keeps_its_last_good_version_online(make_app, content_copy):
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    path = content_copy / "stages.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("tags: [grief,", "tags: [nope,"), encoding="utf-8")
    sync_content(app)
    assert app.test_client().get("/en/stages/loss-and-grief").status_code == 200


@pytest.mark.parametrize(("lang", "words"), [("en", "grief"), ("zh-hk", "喪親")])
def test_a_search_finds_the_stage_page(client, lang, words):
    html = client.get(f"/{lang}/search", query_string={"q": words}).get_data(as_text=True)
    assert f'href="/{lang}/stages/loss-and-grief"' in html
