"""A refresh retires the cached partner pages, even when it only changes the feed's health:
with the page cache on, the health page tells of a broken feed in both languages at once."""

from __future__ import annotations

from portal.feeds.cli import changed_kinds, refresh_feeds
from portal.feeds.store import FeedOutcome

from .feeds_server import feed_server_fixture, render_fixture  # noqa: F401 (the feed_server fixture)
from .test_feeds_refresh import STEADY, add_feeds


def test_the_health_page_says_failed_in_both_languages_right_after_a_refresh_with_the_page_cache_on(
    make_app, backend, feed_server
):
    app = make_app(backend, **{**STEADY, "PAGE_CACHE_SECONDS": 600})
    path = "/programme.ics"
    feed_server.overrides[path] = (200, "text/calendar", render_fixture("ics_en.ics"))
    add_feeds(app, feed_server.url(path))
    refresh_feeds(app)
    client = app.test_client()
    for lang in ("en", "zh-hk"):
        client.get(f"/{lang}/partners/harbour")
        cached = client.get(f"/{lang}/partners/harbour")
        assert cached.headers.get("X-Cache") == "hit"  # the page cache is really on
    assert "讀取成功" in client.get("/zh-hk/partners/harbour").get_data(as_text=True)

    feed_server.overrides[path] = (500, "text/html", b"oops")
    [outcome] = refresh_feeds(app)
    assert outcome.failed and not outcome.changed  # no event changed: only the health did

    en = client.get("/en/partners/harbour").get_data(as_text=True)
    zh = client.get("/zh-hk/partners/harbour").get_data(as_text=True)
    assert "Fetched successfully" not in en and "Failed" in en
    assert "The feed's server answered with an error." in en
    assert "讀取成功" not in zh and "失敗" in zh
    assert "資料來源的伺服器回覆錯誤。" in zh
    # The server's own English words, where kept, are marked as English on the Chinese page.
    assert 'lang="en">(' in zh


def test_a_refresh_that_only_read_feeds_still_retires_pages_but_one_that_skipped_every_feed_does_not():
    failed = FeedOutcome(feed_id=1, label="a", result="error")
    unchanged = FeedOutcome(feed_id=2, label="b", result="not-modified")
    skipped = FeedOutcome(feed_id=3, label="c", result="skipped")
    new = FeedOutcome(feed_id=4, label="d", result="ok", new=1)
    assert changed_kinds([failed, skipped]) == {"feed-health"}
    assert changed_kinds([unchanged]) == {"feed-health"}
    assert changed_kinds([skipped]) == set()
    assert changed_kinds([failed, new]) == {"events", "news"}
