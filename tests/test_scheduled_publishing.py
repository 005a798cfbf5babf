"""Scheduled publishing (issue 14 part 5): an article or an editor's event with ``published`` in the
future is loaded but hidden until that moment (Hong Kong time), then is on every page, list, feed,
search result and the sitemap: without another sync, and with the page cache on, on both backends.

Time is moved with the ``CLOCK`` setting, never with sleep.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from portal.cli import sync_content
from portal.publishing import HONG_KONG, Publication, publication_moment

from .conftest import FIXTURES

SLUG = "lantern-evening"
TITLE_EN, TITLE_ZH = "Lantern evening walks for families", "一家人的燈籠晚間散步"
EVENT_TITLE = "Scheduled online lantern workshop"


class Clock:
    """A clock a test moves by hand."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def moment_near_now() -> datetime:
    """A publication moment an hour from now, on the minute (Hong Kong time when written)."""
    return (datetime.now(UTC) + timedelta(hours=1)).replace(second=0, microsecond=0)


def write_scheduled_content(content: Path, moment: datetime) -> None:
    """One article in both languages and one event, both published at ``moment``."""
    local = moment.astimezone(HONG_KONG).strftime("%Y-%m-%d %H:%M")
    folder = content / "articles" / SLUG
    folder.mkdir(parents=True)
    for lang, title, summary in (
        ("en", TITLE_EN, "An evening walk with paper lanterns."),
        ("zh-hk", TITLE_ZH, "提着紙燈籠，一家人晚上散步。"),
    ):
        (folder / f"{lang}.md").write_text(
            f"---\ntitle: {title}\nsummary: {summary}\ncategory: parenting\ntags: [communication]\n"
            f"published: {local}\nreviewed: {moment.astimezone(HONG_KONG).date().isoformat()}\n---\n"
            "Walk slowly, talk about the lights, and let the children lead.\n",
            encoding="utf-8",
        )
    starts = (datetime.now(UTC) + timedelta(days=20)).astimezone(HONG_KONG).strftime("%Y-%m-%dT10:00:00+08:00")
    event = content / "events" / "lantern-workshop"
    event.mkdir(parents=True)
    (event / "en.md").write_text(
        f"---\ntitle: {EVENT_TITLE}\nstarts: {starts}\nonline: https://portal.test/live\n"
        f"published: {local}\n---\nMake a paper lantern together.\n",
        encoding="utf-8",
    )


@pytest.fixture
def scheduled(make_app, backend, tmp_path: Path) -> tuple[Flask, Clock, datetime]:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    moment = moment_near_now()
    write_scheduled_content(content, moment)
    clock = Clock(moment - timedelta(minutes=30))
    app = make_app(backend, CONTENT_DIR=str(content), CLOCK=clock)
    with app.app_context():
        reports = sync_content(app)
    assert not [p for r in reports for p in r.problems if p.severity == "error"]
    return app, clock, moment


def event_id(app: Flask) -> int:
    from portal.db import session_scope
    from portal.events.model import Event

    with session_scope(app) as session:
        return session.query(Event.id).filter(Event.uid == "md:lantern-workshop").scalar()


def pages(app: Flask) -> dict[str, str]:
    """Every place the article or the event shows up, in both languages, with the text that proves it."""
    month = (datetime.now(UTC) + timedelta(days=20)).astimezone(HONG_KONG).strftime("%Y-%m")
    return {
        "/en/": TITLE_EN,
        "/zh-hk/": TITLE_ZH,
        "/en/articles/": TITLE_EN,
        "/zh-hk/articles/": TITLE_ZH,
        "/en/articles/category/parenting": TITLE_EN,
        "/en/articles/feed.atom": TITLE_EN,
        "/zh-hk/articles/feed.atom": TITLE_ZH,
        "/en/articles/family-meals": TITLE_EN,  # related articles
        "/en/events": EVENT_TITLE,
        "/en/events/feed.atom": EVENT_TITLE,
        "/en/events/feed.ics": EVENT_TITLE,
        f"/en/events/calendar?month={month}": EVENT_TITLE,
        "/en/search?q=lantern": TITLE_EN,
        "/en/search?q=workshop": EVENT_TITLE,
    }


def test_a_scheduled_article_and_event_appear_everywhere_at_their_moment_with_the_page_cache_on(scheduled):
    app, clock, moment = scheduled
    client = app.test_client()
    where = pages(app)
    event = event_id(app)
    for _round in range(2):  # the second round is served from the page cache where pages are cached
        for path, text in where.items():
            response = client.get(path)
            assert response.status_code == 200, path
            assert text not in response.get_data(as_text=True), f"{path} shows it before its moment"
        direct = (f"/en/articles/{SLUG}", f"/zh-hk/articles/{SLUG}", f"/en/events/{event}", f"/en/events/{event}.ics")
        for path in direct:
            assert client.get(path).status_code == 404, path
    assert client.get("/en/articles/").headers.get("X-Cache") == "hit"

    clock.at = moment - timedelta(seconds=1)
    assert TITLE_EN not in client.get("/en/articles/").get_data(as_text=True)

    clock.at = moment  # the moment itself: published, without a sync and before the cache expires
    for path, text in where.items():
        assert text in client.get(path).get_data(as_text=True), f"{path} does not show it at its moment"
    assert TITLE_EN in client.get(f"/en/articles/{SLUG}").get_data(as_text=True)
    assert TITLE_ZH in client.get(f"/zh-hk/articles/{SLUG}").get_data(as_text=True)
    assert EVENT_TITLE in client.get(f"/en/events/{event}").get_data(as_text=True)
    assert client.get("/en/articles/").headers.get("X-Cache") == "hit"  # cached again, under the new key


def test_the_category_count_and_the_sitemap_leave_scheduled_items_out_until_their_moment(scheduled):
    app, clock, moment = scheduled
    client = app.test_client()
    event = event_id(app)

    def sitemap_text() -> str:
        index = client.get("/sitemap.xml").get_data(as_text=True)
        return "".join(
            client.get(loc.replace("http://portal.test", "")).get_data(as_text=True)
            for loc in re.findall(r"<loc>([^<]+)</loc>", index)
        )

    before = sitemap_text()
    assert f"/articles/{SLUG}<" not in before and f"/events/{event}<" not in before
    assert "/articles/family-meals<" in before
    clock.at = moment + timedelta(minutes=1)
    after = sitemap_text()
    assert f"/en/articles/{SLUG}<" in after and f"/zh-hk/events/{event}<" in after


def test_a_date_alone_publishes_at_midnight_hong_kong_time():
    assert publication_moment(date(2026, 12, 25)) == datetime(2026, 12, 24, 16, 0, tzinfo=UTC)
    assert publication_moment("2026-12-25 09:30") == datetime(2026, 12, 25, 1, 30, tzinfo=UTC)
    assert publication_moment(datetime(2026, 12, 25, 9, 30)) == datetime(2026, 12, 25, 1, 30, tzinfo=UTC)
    assert publication_moment("2026-12-25T09:30+00:00") == datetime(2026, 12, 25, 9, 30, tzinfo=UTC)
    for bad in ("2026-13-01", "next week", 20261225, None):
        with pytest.raises(ValueError):
            publication_moment(bad)


def test_a_bad_published_value_is_reported_with_its_line_and_the_expected_form(make_app, tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    path = content / "articles" / "family-meals" / "en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("published: 2026-01-10", "published: soon"), "utf-8")
    app = make_app(CONTENT_DIR=str(content))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert "articles/family-meals/en.md:6: 'published' must be a date like 2026-12-05" in result.output
    assert "(Hong Kong time)" in result.output


def test_moving_the_date_back_publishes_at_once_and_a_deleted_item_leaves_no_schedule(scheduled):
    app, clock, moment = scheduled
    content = Path(app.config["CONTENT_DIR"])
    for lang in ("en", "zh-hk"):
        path = content / "articles" / SLUG / f"{lang}.md"
        text = path.read_text(encoding="utf-8")
        path.write_text(
            "\n".join("published: 2026-01-01" if line.startswith("published:") else line for line in text.split("\n")),
            encoding="utf-8",
        )
    with app.app_context():
        sync_content(app)
    assert TITLE_EN in app.test_client().get("/en/articles/").get_data(as_text=True)
    shutil.rmtree(content / "events" / "lantern-workshop")
    with app.app_context():
        sync_content(app)
    from portal.db import session_scope

    with session_scope(app) as session:
        assert session.query(Publication).count() == 0
