"""Quick exit ("Exit this page"): where it is, where it goes without JavaScript, and the tags editors flag."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal import create_app
from portal.cli import sync_content
from portal.selfcheck.loader import load_tool, tool_files

from .conftest import REAL_CONTENT
from .test_selfcheck import answers_for, form_for

NEUTRAL = "https://neutral.test/weather"
TOOLS = {path.stem: load_tool(path, REAL_CONTENT) for path in tool_files(REAL_CONTENT)}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The real content synced once, with the exit target set to a test address."""
    instance = tmp_path_factory.mktemp("quick-exit-instance")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "INSTANCE_PATH": str(instance), "CONTENT_DIR": str(REAL_CONTENT),
        "SITE_URL": "http://portal.test", "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
        "REDIS_URL": None, "CACHE_DIR": str(instance / "cache"), "QUICK_EXIT_URL": NEUTRAL,
    })  # fmt: skip
    sync_content(app)
    yield app
    app.extensions["portal.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def exit_button(html: str) -> str | None:
    """The quick-exit component's markup, or None when the page has none."""
    match = re.search(r'<div class="exit-this-page[^"]*" data-module="exit-this-page".*?</div>', html, re.S)
    return match.group(0) if match else None


def has_exit(client, path: str, **kwargs) -> bool:
    response = client.post(path, **kwargs) if kwargs else client.get(path)
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    button = exit_button(html)
    assert (button is not None) == ("js/exit-this-page.js" in html), f"{path}: the script comes with the button only"
    return button is not None


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_help_page_has_exit_this_page_marked_up_as_gov_uk_does(client, lang):
    button = exit_button(client.get(f"/{lang}/help").get_data(as_text=True))
    assert button is not None
    link = re.search(r"<a [^>]*exit-this-page__button[^>]*>", button).group(0)
    assert f'href="{NEUTRAL}"' in link  # the no-JavaScript target is the setting
    assert 'role="button"' in link and "button-warning" in link and 'rel="nofollow noreferrer"' in link
    assert '<span class="visually-hidden">' in button
    assert re.search(r'<span class="visually-hidden exit-this-page__status" role="status"></span>', button)
    assert 'data-i18n-press-two-more-times="' in button and 'data-i18n-activated="' in button
    assert f'href="/{lang}/browsing-safely"' in button  # "Browsing safely" beside the button
    words = ("Exit this page", "Browsing safely") if lang == "en" else ("離開此網頁", "安全瀏覽")
    assert all(word in button for word in words)


def test_the_button_comes_first_in_the_main_content(client):
    main = client.get("/en/help").get_data(as_text=True).split('<main id="main"', 1)[1]
    assert main.index('data-module="exit-this-page"') < main.index("<h1>")


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
@pytest.mark.parametrize("tool_id", sorted(TOOLS))
def test_every_self_check_page_has_exit_this_page(client, tool_id, lang):
    tool = TOOLS[tool_id]
    assert has_exit(client, f"/{lang}/self-check/{tool_id}")
    assert has_exit(client, f"/{lang}/self-check/{tool_id}/questions")
    lowest = sum(min(item.points(o.value) for o in item.options) for item in tool.items)
    result = form_for(answers_for(tool, lowest))
    assert has_exit(client, f"/{lang}/self-check/{tool_id}/result", data=result)


def test_the_self_check_list_has_exit_this_page(client):
    assert has_exit(client, "/en/self-check") and has_exit(client, "/zh-hk/self-check")


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
@pytest.mark.parametrize(
    ("slug", "shown"),
    [
        ("disagreeing-without-hurting", True),  # tagged domestic-violence
        ("supporting-someone-in-crisis", True),  # tagged crisis
        ("calling-the-swd-hotline", True),  # tagged crisis
        ("teenagers-and-screens", False),
        ("what-is-an-ifsc", False),
    ],
)
def test_articles_with_a_quick_exit_tag_have_the_button_and_others_do_not(client, slug, shown, lang):
    assert has_exit(client, f"/{lang}/articles/{slug}") is shown


def test_browsing_safely_has_the_button_and_other_site_pages_do_not(client):
    assert has_exit(client, "/en/browsing-safely") and has_exit(client, "/zh-hk/browsing-safely")
    for slug in ("about", "contact", "privacy", "accessibility", "terms"):
        assert not has_exit(client, f"/en/{slug}")


def test_pages_without_a_reason_for_it_have_no_button(client):
    for path in ("/en/", "/zh-hk/articles/", "/en/centres/", "/en/events"):
        assert not has_exit(client, path), path


def test_the_real_tags_file_flags_family_violence_and_crisis(app):
    from portal.db import session_scope
    from portal.sitepages.model import QuickExitTag

    with session_scope(app) as session:
        assert {row.key for row in session.query(QuickExitTag)} == {"domestic-violence", "crisis", "child-safety"}


# --- editors choose the tags -------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def site(make_app, content_copy):
    app = make_app(CONTENT_DIR=str(content_copy), QUICK_EXIT_URL=NEUTRAL)
    sync_content(app)
    return app


def test_an_event_with_a_quick_exit_topic_has_the_button(site, content_copy):
    from sqlalchemy import select

    from portal.db import session_scope
    from portal.events.model import Event

    def event_id(slug: str) -> int:
        with session_scope(site) as session:
            return next(e.id for e in session.scalars(select(Event)) if slug in e.uid)

    client = site.test_client()
    assert not has_exit(client, f"/en/events/{event_id('example-couples-workshop')}")
    edit(content_copy / "events/example-couples-workshop/en.md", "topics: [communication, conflict]",
         "topics: [communication, conflict, domestic-violence]")  # fmt: skip
    sync_content(site)
    assert has_exit(client, f"/en/events/{event_id('example-couples-workshop')}")
    assert has_exit(client, f"/zh-hk/events/{event_id('example-couples-workshop')}")


def test_an_editor_adds_and_removes_a_quick_exit_tag(site, content_copy):
    client = site.test_client()
    assert not has_exit(client, "/en/articles/teenagers-and-screens")
    tags = content_copy / "tags.yml"
    edit(tags, "zh-hk: 青少年}", "zh-hk: 青少年, quick_exit: true}")
    edit(tags, "zh-hk: 危機支援, quick_exit: true}", "zh-hk: 危機支援}")
    report = {r.source: r for r in sync_content(site)}["quick-exit"]
    assert report.updated == 1 and not report.problems
    assert has_exit(client, "/en/articles/teenagers-and-screens")
    assert not has_exit(client, "/en/articles/calling-the-swd-hotline")  # crisis only, no longer flagged
    assert has_exit(client, "/en/articles/disagreeing-without-hurting")


def test_a_bad_flag_names_its_line_and_keeps_the_last_good_tags(site, content_copy):
    tags = content_copy / "tags.yml"
    edit(tags, "crisis: {en: Crisis support, zh-hk: 危機支援, quick_exit: true}",
         "crisis: {en: Crisis support, zh-hk: 危機支援, quick_exit: sometimes}")  # fmt: skip
    result = site.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    lines = tags.read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if text.startswith("crisis:"))
    assert f"content/tags.yml:{line}: tag 'crisis': quick_exit must be true or false" in result.output
    report = {r.source: r for r in sync_content(site)}["quick-exit"]
    assert report.problems and not report.changed
    assert has_exit(site.test_client(), "/en/articles/calling-the-swd-hotline")  # the last good flags stay


def test_no_flagged_tag_is_a_warning(make_app, content_copy):
    tags = content_copy / "tags.yml"
    tags.write_text(tags.read_text(encoding="utf-8").replace(", quick_exit: true", ""), encoding="utf-8")
    result = make_app(CONTENT_DIR=str(content_copy)).test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0
    assert "content/tags.yml:1: warning: no tag has 'quick_exit: true'" in result.output
