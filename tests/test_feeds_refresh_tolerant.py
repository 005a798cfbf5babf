"""Refreshing feeds that are too big, partly broken or empty, end to end on SQLite and PostgreSQL:
what is stored, what the partner's feed-health section says (in both languages), and what it costs."""

from __future__ import annotations

import time
import tracemalloc
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.cli import sync_content
from portal.db import session_scope
from portal.events.model import Event, FeedHealthNote, PartnerFeed
from portal.feeds.cli import _feed_rows, refresh_feeds, refresh_one
from portal.feeds.fetch import FetchResult, FetchSettings
from portal.feeds.formats import parse_feed
from portal.feeds.parse import OutOfTime, ParseLimits
from portal.feeds.store import FeedOutcome, store_feed

from .feeds_server import feed_server_fixture, render_fixture  # noqa: F401 (the feed_server fixture)
from .test_feeds_refresh import STEADY, add_feeds, feed, rows


@pytest.fixture
def feeds_app(make_app, backend):
    """An empty site (no content synced, so no feed but ours is ever fetched)."""
    return make_app(backend, **STEADY)


def notes(app, feed_id: int) -> list[FeedHealthNote]:
    with session_scope(app) as session:
        query = select(FeedHealthNote).where(FeedHealthNote.feed_id == feed_id).order_by(FeedHealthNote.id)
        return list(session.scalars(query))


def health_page(app, lang: str) -> str:
    return app.test_client().get(f"/{lang}/partners/harbour").get_data(as_text=True)


def test_one_bad_event_is_named_on_the_health_page_while_313_load(feeds_app, feed_server):
    path = "/programme.ics"
    feed_server.overrides[path] = (200, "text/calendar", render_fixture("calendar_314_one_bad.ics"))
    [feed_id] = add_feeds(feeds_app, feed_server.url(path))
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "ok" and outcome.events == 313
    assert "; item 157 (\u201cProgramme session 157\u201d) skipped: DTSTART: Wrong date format" in outcome.summary()
    assert len(rows(feeds_app, Event, feed_id=feed_id)) == 313
    [note] = notes(feeds_app, feed_id)
    assert (note.kind, note.position, note.uid) == ("item-skipped", 157, "session-157@harbour-family.example")
    en, zh = health_page(feeds_app, "en"), health_page(feeds_app, "zh-hk")
    assert "Item 157 (\u201cProgramme session 157\u201d) was skipped: its date or time could not be read." in en
    assert "UID session-157@harbour-family.example" in en
    assert "第 157 項（「Programme session 157」）已略過：無法讀取其日期或時間。" in zh

    # A failed refresh keeps the notes of the last read; the next good one replaces them.
    feed_server.overrides[path] = (500, "text/html", b"oops")
    refresh_feeds(feeds_app)
    assert len(notes(feeds_app, feed_id)) == 1
    feed_server.overrides[path] = (200, "text/calendar", render_fixture("ics_en.ics"))
    refresh_feeds(feeds_app)
    assert notes(feeds_app, feed_id) == []


def test_a_minutely_calendar_refreshes_within_the_deadline_and_bounded_memory_with_a_reported_cap(
    make_app, backend, feed_server
):
    app = make_app(backend, **{**STEADY, "FEED_TOTAL_TIMEOUT": 20.0})
    [feed_id] = add_feeds(app, feed_server.url("/feeds/every_minute.ics"))
    [row] = _feed_rows(app, [feed_id])
    settings = FetchSettings.from_config(app.config)
    tracemalloc.start()
    try:
        outcome = refresh_one(app, row, settings, not_after=time.monotonic() + settings.total_timeout)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.result == "ok", outcome.summary()  # the deadline logic returned: not "out-of-time"
    assert peak < 100 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"
    assert outcome.events == 201 and len(rows(app, Event, feed_id=feed_id)) == 201  # 200 dates of Yoga + a talk
    expected = "; only the first 200 dates of \u201cYoga\u201d were listed (it repeats every minute)"
    assert outcome.summary().endswith(expected)
    assert "Only the first 200 dates of \u201cYoga\u201d were listed: the calendar repeats it every minute." in (
        health_page(app, "en")
    )
    assert "只列出「Yoga」的首 200 個日期：日曆設定它每分鐘重複一次。" in health_page(app, "zh-hk")
    result = app.test_cli_runner().invoke(args=["feeds", "refresh"])
    assert result.exit_code == 0 and expected in result.output


def test_a_feed_that_runs_out_of_time_mid_parse_keeps_its_events_and_says_why(feeds_app, feed_server, monkeypatch):
    path = "/yoga.ics"
    feed_server.overrides[path] = (200, "text/calendar", render_fixture("every_minute.ics"))
    [feed_id] = add_feeds(feeds_app, feed_server.url(path))
    refresh_feeds(feeds_app)
    calls = {"left": 2}  # the third look at the clock, inside the expansion of "Yoga"

    def clock_runs_out(_limits) -> None:
        calls["left"] -= 1
        if calls["left"] < 0:
            raise OutOfTime()

    monkeypatch.setattr(ParseLimits, "check", clock_runs_out)
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "error" and calls["left"] < 0
    health = feed(feeds_app, feed_id)
    assert health.last_error_kind == "out-of-time" and "ran out of time while reading this feed" in health.last_error
    events = rows(feeds_app, Event, feed_id=feed_id)
    assert len(events) == 201 and not any(event.hidden for event in events)
    assert "The refresh ran out of time while reading this feed; the events already listed stay." in (
        health_page(feeds_app, "en")
    )
    assert "讀取這個資料來源時超出了時限；已列出的活動會保留。" in health_page(feeds_app, "zh-hk")


def test_storing_checks_the_deadline_and_writes_nothing_past_it(feeds_app, feed_server):
    [feed_id] = add_feeds(feeds_app, feed_server.url("/unused.xml"))
    parsed = parse_feed(render_fixture("calendar_314_one_bad.ics"))
    fetched = FetchResult(not_modified=False, body=b"", url="")
    with pytest.raises(OutOfTime):
        store_feed(feeds_app, feed_id, fetched, parsed, FeedOutcome(feed_id, "x"), not_after=time.monotonic() - 1)
    assert rows(feeds_app, Event, feed_id=feed_id) == [] and feed(feeds_app, feed_id).last_result == ""


def test_an_empty_feed_keeps_the_events_listed_for_the_grace_period_then_hides_them(feeds_app, feed_server):
    path = "/slip.xml"
    feed_server.overrides[path] = (200, "application/xml", render_fixture("rss_en.xml"))
    [feed_id] = add_feeds(feeds_app, feed_server.url(path))
    refresh_feeds(feeds_app)
    feed_server.overrides[path] = (200, "application/xml", render_fixture("empty.xml"))
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "ok" and outcome.hidden == 0 and "; empty since " in outcome.summary()
    [event] = rows(feeds_app, Event, feed_id=feed_id)
    assert not event.hidden
    [note] = notes(feeds_app, feed_id)
    assert note.kind == "empty" and note.number == 1 and note.until - note.since == timedelta(hours=72)
    en, zh = health_page(feeds_app, "en"), health_page(feeds_app, "zh-hk")
    assert "The feed was empty at " in en and "; its 1 event stays listed until " in en
    assert "Parenting teens: an evening talk" in en
    assert "資料來源在 " in zh and " 沒有任何項目；其 1 個活動會繼續列出，直至 " in zh
    first_since = note.since

    refresh_feeds(feeds_app)  # still empty: the grace period runs from the first empty read
    [note] = notes(feeds_app, feed_id)
    assert note.since == first_since and not rows(feeds_app, Event, feed_id=feed_id)[0].hidden

    with session_scope(feeds_app) as session:  # 73 hours later
        session.execute(
            update(FeedHealthNote)
            .where(FeedHealthNote.feed_id == feed_id)
            .values(since=first_since - timedelta(hours=73), until=first_since - timedelta(hours=1))
        )
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.hidden == 1 and rows(feeds_app, Event, feed_id=feed_id)[0].hidden
    assert "The feed has been empty since " in health_page(feeds_app, "en")
    assert "起沒有任何項目；其活動已於 " in health_page(feeds_app, "zh-hk")

    feed_server.overrides[path] = (200, "application/xml", render_fixture("rss_en.xml"))
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.shown_again == 1 and notes(feeds_app, feed_id) == []


def test_the_grace_period_is_a_setting(make_app, backend, feed_server):
    app = make_app(backend, **STEADY, FEED_EMPTY_GRACE_HOURS=0)
    path = "/slip.xml"
    feed_server.overrides[path] = (200, "application/xml", render_fixture("rss_en.xml"))
    [feed_id] = add_feeds(app, feed_server.url(path))
    refresh_feeds(app)
    feed_server.overrides[path] = (200, "application/xml", render_fixture("empty.xml"))
    [outcome] = refresh_feeds(app)
    assert outcome.hidden == 1 and rows(app, Event, feed_id=feed_id)[0].hidden


def test_an_empty_feed_that_never_had_events_has_no_note(feeds_app, feed_server):
    [feed_id] = add_feeds(feeds_app, feed_server.url("/feeds/empty.xml"))
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "ok" and notes(feeds_app, feed_id) == []


def test_tolerated_feeds_load_with_their_warnings_on_the_health_page(feeds_app, feed_server):
    names = ["bare_ampersand.xml", "bom.ics", "bom.xml", "multi_calendar.ics", "rscale_chinese.ics"]
    names.append("unnamed_entries.xml")
    ids = dict(zip(names, add_feeds(feeds_app, *(feed_server.url(f"/feeds/{name}") for name in names)), strict=True))
    outcomes = refresh_feeds(feeds_app)
    assert [o.result for o in outcomes] == ["ok"] * len(names), [o.summary() for o in outcomes]
    [play] = rows(feeds_app, Event, feed_id=ids["bare_ampersand.xml"])
    assert play.original_url == "https://harbour-family.example/events?id=7&lang=en"
    assert len(rows(feeds_app, Event, feed_id=ids["multi_calendar.ics"])) == 3
    assert len(rows(feeds_app, Event, feed_id=ids["rscale_chinese.ics"])) == 3
    en, zh = health_page(feeds_app, "en"), health_page(feeds_app, "zh-hk")
    assert "The feed is not valid XML; we read what we could." in en
    assert "資料來源不是有效的 XML；我們已盡量讀取。" in zh
    rscale = "Item 1 (\u201cMid-Autumn lantern evening\u201d) was skipped: it repeats by another calendar (RSCALE"
    assert rscale in en
    assert "第 1 項（「Mid-Autumn lantern evening」）已略過：它按另一種曆法重複（RSCALE=CHINESE，例如農曆）" in zh
    assert "2 entries had no id, link or title and were left out." in en
    assert "2 個項目沒有 id、連結或標題，因此沒有列出。" in zh


def test_only_the_first_skipped_items_are_named_one_by_one(feeds_app, feed_server):
    body = render_fixture("calendar_314_one_bad.ics").replace(b"DTSTART;TZID=Asia/Hong_Kong:", b"DTSTART:x")
    feed_server.overrides["/all-bad.ics"] = (200, "text/calendar", body)
    [feed_id] = add_feeds(feeds_app, feed_server.url("/all-bad.ics"))
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "ok" and outcome.events == 0
    stored = notes(feeds_app, feed_id)
    assert [note.kind for note in stored] == ["item-skipped"] * 50 + ["more-skipped"]
    assert stored[-1].number == 264
    assert "264 more items were skipped." in health_page(feeds_app, "en")


def test_a_feed_removed_from_its_partner_file_takes_its_notes_with_it(make_app, backend, content_copy):
    partner = content_copy / "partners" / "real-ngo.yml"
    partner.write_text("name_en: Real NGO\nfeeds:\n  - url: https://ngo.example/a.ics\n", encoding="utf-8")
    app = make_app(backend, CONTENT_DIR=str(content_copy))
    sync_content(app)
    with session_scope(app) as session:
        feed_id = session.scalars(select(PartnerFeed.id).where(PartnerFeed.partner_id == "real-ngo")).one()
        session.add(FeedHealthNote(feed_id=feed_id, kind="unnamed", number=2))
    partner.write_text("name_en: Real NGO\nfeeds: []\n", encoding="utf-8")
    sync_content(app)
    with session_scope(app) as session:
        assert session.get(PartnerFeed, feed_id) is None
        assert session.scalars(select(FeedHealthNote).where(FeedHealthNote.feed_id == feed_id)).all() == []


def test_a_new_note_reaches_a_cached_partner_page_even_when_no_item_changed(feeds_app, feed_server):
    path = "/news.xml"
    body = render_fixture("rss_en.xml")
    feed_server.overrides[path] = (200, "application/xml", body)
    add_feeds(feeds_app, feed_server.url(path))
    refresh_feeds(feeds_app)
    client = feeds_app.test_client()
    assert "had no id, link or title" not in client.get("/en/partners/harbour").get_data(as_text=True)  # cached now
    nameless = b"<item><description>No name.</description></item></channel>"
    feed_server.overrides[path] = (200, "application/xml", body.replace(b"</channel>", nameless))
    [outcome] = refresh_feeds(feeds_app)
    assert (outcome.new, outcome.updated, outcome.notes_changed) == (0, 0, True)
    page = client.get("/en/partners/harbour").get_data(as_text=True)
    assert "1 entry had no id, link or title and was left out." in page
    [again] = refresh_feeds(feeds_app)
    assert not again.notes_changed and not again.changed
