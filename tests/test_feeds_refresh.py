"""`flask feeds refresh` end to end against a local HTTP server, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from portal.content import on_content_changed
from portal.db import session_scope
from portal.events.model import Event, NewsItem, Partner, PartnerFeed
from portal.feeds.cli import refresh_feeds

from .feeds_server import feed_server_fixture, render_fixture  # noqa: F401 (the feed_server fixture)

# Short limits for the tests whose feeds hang or trickle (they end when a limit is reached) ...
FAST = {"FEED_READ_TIMEOUT": 1.0, "FEED_TOTAL_TIMEOUT": 4.0, "FEED_MAX_BYTES": 200_000, "FEED_WORKERS": 4}
# ... and generous ones for feeds that answer: the deadline now covers parsing and storing too, and a
# busy 2-core CI machine must not turn a good local feed into a "timeout" (it did at 0.5 s / 2 s).
STEADY = {**FAST, "FEED_READ_TIMEOUT": 5.0, "FEED_TOTAL_TIMEOUT": 30.0}


@pytest.fixture
def feeds_app(make_app, backend):
    """An empty site (no content synced, so no feed but ours is ever fetched); feeds that answer."""
    return make_app(backend, **STEADY)


@pytest.fixture
def faults_app(make_app, backend):
    """The same with short timeouts, for feeds that hang or trickle."""
    return make_app(backend, **FAST)


def add_feeds(app, *urls: str, partner: str = "harbour", **feed_fields) -> list[int]:
    with session_scope(app) as session:
        if session.get(Partner, partner) is None:
            session.add(Partner(id=partner, name_en="Harbour (example)", name_zh="海港（示例）", is_example=True))
            session.flush()
        feeds = [PartnerFeed(partner_id=partner, url=url, **feed_fields) for url in urls]
        session.add_all(feeds)
        session.flush()
        return [feed.id for feed in feeds]


def rows(app, model, **where):
    with session_scope(app) as session:
        query = select(model).order_by(model.uid)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return list(session.scalars(query))


def feed(app, feed_id: int) -> PartnerFeed:
    with session_scope(app) as session:
        return session.get(PartnerFeed, feed_id)


def test_events_and_news_from_every_format_are_stored_in_the_feeds_language(feeds_app, feed_server):
    changes = []
    on_content_changed(feeds_app, lambda _app, kinds: changes.append(kinds))
    names = ["rss_en.xml", "rdf_events.xml", "recurring.ics", "ics_zh.ics", "atom_zh.xml", "rss_big5.xml"]
    ids = add_feeds(feeds_app, *(feed_server.url(f"/feeds/{name}") for name in names))
    outcomes = refresh_feeds(feeds_app)
    assert [o.result for o in outcomes] == ["ok"] * 6, [o.summary() for o in outcomes]
    assert (
        outcomes[0].summary()
        == f"harbour/{feed_server.url('/feeds/rss_en.xml')}: ok, 3 items (1 events, 2 news), 3 new"
    )
    assert changes == [{"events", "news"}]

    talk = rows(feeds_app, Event, uid=f"feed:{ids[0]}:hfs-event-teens-talk")[0]
    assert talk.title_en == "Parenting teens: an evening talk" and talk.title_zh == ""
    assert talk.venue_en.startswith("Harbour Community Hall") and talk.source == "feed"
    assert talk.partner_id == "harbour" and talk.feed_id == ids[0] and talk.is_example
    assert talk.original_url == "https://harbour-family.example/events/teens-talk"
    assert len(rows(feeds_app, NewsItem, feed_id=ids[0])) == 2

    assert len(rows(feeds_app, Event, feed_id=ids[1])) == 2  # RSS 1.0 ev:
    occurrences = rows(feeds_app, Event, feed_id=ids[2])
    assert len(occurrences) == 4 and all(":carers-group@island-carers.example:" in e.uid for e in occurrences)
    assert [e.status for e in occurrences].count("cancelled") == 1
    zh = rows(feeds_app, Event, feed_id=ids[3])[0]
    assert zh.title_zh == "認識長者抑鬱講座" and zh.title_en == "" and zh.venue_zh == "觀塘示例活動室"
    assert rows(feeds_app, NewsItem, feed_id=ids[4])[0].lang == "zh-hk"
    assert rows(feeds_app, Event, feed_id=ids[5])[0].title_zh == "記憶力訓練小組"

    health = feed(feeds_app, ids[2])
    assert health.last_result == "ok" and health.last_success_at and health.events_found == 4
    assert (health.items_found, health.news_found, health.last_error) == (4, 0, "")


def test_feed_default_language_and_district_win(feeds_app, feed_server):
    [feed_id] = add_feeds(
        feeds_app, feed_server.url("/feeds/rss_en.xml"), default_lang="zh-hk", default_district="sha-tin"
    )
    refresh_feeds(feeds_app)
    event = rows(feeds_app, Event, feed_id=feed_id)[0]
    assert event.title_zh == "Parenting teens: an evening talk" and event.district == "sha-tin"


def test_hostile_html_is_sanitised_before_it_is_stored(feeds_app, feed_server):
    [feed_id] = add_feeds(feeds_app, feed_server.url("/feeds/hostile.xml"))
    refresh_feeds(feeds_app)
    stored = rows(feeds_app, Event, feed_id=feed_id) + rows(feeds_app, NewsItem, feed_id=feed_id)
    text = " ".join(str(value) for row in stored for value in vars(row).values() if isinstance(value, str))
    for bad in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "style=", "<form"):
        assert bad not in text


FAULTS = {
    "/hang": "timeout",
    "/trickle": "timeout",
    "/status/500": "http-status",
    "/loop": "too-many-redirects",
    "/huge": "too-large",
    "/feeds/malformed.xml": "not-a-feed",
    "/feeds/not_a_feed.html": "not-a-feed",
    "/redirect?to=file:///etc/passwd": "bad-scheme",
}


def test_every_fault_is_isolated_and_recorded_in_plain_words(faults_app, feed_server):
    bad_ids = add_feeds(faults_app, *(feed_server.url(path) for path in FAULTS))
    [good] = add_feeds(faults_app, feed_server.url("/feeds/rss_en.xml"))
    outcomes = {o.feed_id: o for o in refresh_feeds(faults_app)}
    assert outcomes[good].result == "ok" and len(rows(faults_app, Event, feed_id=good)) == 1
    for feed_id, kind in zip(bad_ids, FAULTS.values(), strict=True):
        assert outcomes[feed_id].result == "error"
        health = feed(faults_app, feed_id)
        assert (health.last_result, health.last_error_kind) == ("error", kind), health.last_error
        assert health.last_error and health.last_fetched_at and health.last_success_at is None
        assert outcomes[feed_id].summary().endswith(f"error: {health.last_error}")


def test_a_failing_feed_never_loses_or_hides_what_was_stored(feeds_app, feed_server):
    path = "/partner-feed.xml"
    feed_server.overrides[path] = (200, "application/xml", render_fixture("rss_en.xml"))
    [feed_id] = add_feeds(feeds_app, feed_server.url(path))
    refresh_feeds(feeds_app)
    for status, body in ((500, b"oops"), (200, b"<rss><chan"), (200, b"\x00garbage"), (200, b"")):
        feed_server.overrides[path] = (status, "application/xml", body)
        [outcome] = refresh_feeds(feeds_app)
        assert outcome.result == "error"
        events = rows(feeds_app, Event, feed_id=feed_id)
        assert len(events) == 1 and not events[0].hidden
        assert len(rows(feeds_app, NewsItem, feed_id=feed_id)) == 2
    assert feed(feeds_app, feed_id).events_found == 1  # last good count kept


def test_an_event_that_leaves_the_feed_is_hidden_and_shown_again_when_it_returns(feeds_app, feed_server):
    path = "/changing.xml"
    full = render_fixture("rss_en.xml")
    without_event = full.replace(b'<guid isPermaLink="false">hfs-event-teens-talk</guid>', b"<guid>renamed</guid>")
    without_event = without_event.replace(b"<ev:startdate>", b"<x>").replace(b"</ev:startdate>", b"</x>")
    feed_server.overrides[path] = (200, "application/xml", full)
    [feed_id] = add_feeds(feeds_app, feed_server.url(path))
    refresh_feeds(feeds_app)
    feed_server.overrides[path] = (200, "application/xml", without_event)
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.hidden == 1 and outcome.summary().endswith(", 1 new, 1 hidden")
    [event] = rows(feeds_app, Event, feed_id=feed_id)
    assert event.hidden
    feed_server.overrides[path] = (200, "application/xml", full)
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.shown_again == 1 and outcome.new == 0
    [event] = rows(feeds_app, Event, feed_id=feed_id)
    assert not event.hidden


def test_items_are_deduplicated_by_guid_across_refreshes_and_within_a_feed(feeds_app, feed_server):
    body = render_fixture("rss_en.xml")
    item = body[body.index(b"<item>") : body.index(b"</item>") + 7]
    feed_server.overrides["/dup.xml"] = (200, "application/xml", body.replace(item, item + item))
    ids = add_feeds(feeds_app, feed_server.url("/dup.xml"), feed_server.url("/feeds/recurring.ics"))
    refresh_feeds(feeds_app)
    [second, third] = refresh_feeds(feeds_app)
    assert second.new == 0 and second.updated == 0 and third.new == 0
    assert len(rows(feeds_app, Event, feed_id=ids[0])) == 1
    assert len(rows(feeds_app, Event, feed_id=ids[1])) == 4
    assert len(rows(feeds_app, NewsItem, feed_id=ids[0])) == 2


def test_conditional_get_304_changes_nothing_but_the_health(feeds_app, feed_server):
    [feed_id] = add_feeds(feeds_app, feed_server.url("/etag/rss_en.xml"))
    refresh_feeds(feeds_app)
    before = [(e.uid, e.last_seen, e.content_hash) for e in rows(feeds_app, Event, feed_id=feed_id)]
    first_fetch = feed(feeds_app, feed_id)
    assert first_fetch.etag
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "not-modified"
    assert feed_server.requests[-1][1]["if-none-match"] == first_fetch.etag
    after = [(e.uid, e.last_seen, e.content_hash) for e in rows(feeds_app, Event, feed_id=feed_id)]
    assert after == before
    health = feed(feeds_app, feed_id)
    assert health.last_result == "not-modified" and health.last_fetched_at > first_fetch.last_fetched_at
    assert health.events_found == 1 and health.etag == first_fetch.etag


def test_two_refreshes_at_once_make_no_duplicates_and_lose_nothing(make_app, backend, feed_server):
    first = make_app(backend, **FAST)
    second = make_app(backend, **FAST)  # a second process's app on the same database
    names = ["rss_en.xml", "recurring.ics", "rdf_events.xml", "atom_en.xml"]
    ids = add_feeds(first, *(feed_server.url(f"/feeds/{name}") for name in names))
    results: list = []
    errors: list = []

    def run(app):
        try:
            results.append(refresh_feeds(app))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(app,)) for app in (first, second, first)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert all(o.result == "ok" for outcomes in results for o in outcomes)
    with session_scope(first) as session:
        duplicates = session.execute(select(Event.uid).group_by(Event.uid).having(func.count() > 1)).all()
        assert duplicates == []
        assert session.scalar(select(func.count()).select_from(Event)) == 1 + 4 + 2 + 1
        assert session.scalar(select(func.count()).select_from(NewsItem)) == 2 + 1
        assert all(not e.hidden for e in session.scalars(select(Event)))
    assert sum(o.new for outcomes in results for o in outcomes) == 8 + 3
    assert len(ids) == 4


def test_cli_prints_one_line_per_feed_and_fails_only_when_every_feed_failed(feeds_app, feed_server):
    runner = feeds_app.test_cli_runner()
    result = runner.invoke(args=["feeds", "refresh"])
    assert result.exit_code == 0 and "No partner feeds" in result.output

    [bad] = add_feeds(feeds_app, feed_server.url("/status/500"))
    result = runner.invoke(args=["feeds", "refresh"])
    assert result.exit_code == 1
    assert f"harbour/{feed_server.url('/status/500')}: error: The server answered 500" in result.output
    assert "Refreshing feeds" not in result.output  # no progress bar when not a terminal

    add_feeds(feeds_app, feed_server.url("/feeds/rss_en.xml"))
    result = runner.invoke(args=["feeds", "refresh"])
    assert result.exit_code == 0, result.output
    assert "ok, 3 items (1 events, 2 news), 3 new" in result.output
    assert "1 of 2 feed(s) refreshed, 1 failed." in result.output

    result = runner.invoke(args=["feeds", "refresh", "--feed", str(bad)])
    assert result.exit_code == 1


def test_the_whole_refresh_ends_by_the_total_timeout_however_many_feeds_hang(make_app, feed_server):
    # One worker, two feeds that trickle forever (only the total deadline ends them), one good feed after them.
    app = make_app("sqlite", **{**FAST, "FEED_WORKERS": 1, "FEED_TOTAL_TIMEOUT": 1.0})
    first, second = add_feeds(app, feed_server.url("/trickle"), feed_server.url("/trickle?again"))
    [good] = add_feeds(app, feed_server.url("/feeds/rss_en.xml"))
    outcomes = {o.feed_id: o for o in refresh_feeds(app)}
    assert outcomes[first].result == "error" and feed(app, first).last_error_kind == "timeout"
    # The other two never got their turn within the refresh's time: skipped, their health untouched.
    for feed_id in (second, good):
        assert outcomes[feed_id].result == "skipped"
        assert "skipped: the refresh ran out of time before this feed's turn" in outcomes[feed_id].summary()
        assert feed(app, feed_id).last_result == "" and feed(app, feed_id).last_fetched_at is None
    assert rows(app, Event, feed_id=good) == []
    result = app.test_cli_runner().invoke(args=["feeds", "refresh"])
    assert result.exit_code == 1 and "0 of 3 feed(s) refreshed, 1 failed, 2 skipped (out of time)." in result.output
