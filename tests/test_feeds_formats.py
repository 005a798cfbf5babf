"""The formats NGOs really have, refreshed end to end on SQLite and PostgreSQL from the local
fixture server: schema.org Event JSON-LD in a web page, CSV from a spreadsheet, JSON Feed 1.1."""

from __future__ import annotations

import pytest

from portal.events.model import Event, FeedHealthNote
from portal.feeds.cli import refresh_feeds

from .feeds_server import feed_server_fixture, render_fixture  # noqa: F401 (the feed_server fixture)
from .test_feeds_refresh import STEADY, add_feeds, feed, rows


@pytest.fixture
def feeds_app(make_app, backend):
    """An empty site (no content synced, so no feed but ours is ever fetched)."""
    return make_app(backend, **STEADY)


def health_page(app, lang: str) -> str:
    return app.test_client().get(f"/{lang}/partners/harbour").get_data(as_text=True)


def serve(feed_server, path: str, content_type: str, fixture: str) -> str:
    feed_server.overrides[path] = (200, content_type, render_fixture(fixture))
    return feed_server.url(path)


# --- schema.org Event JSON-LD ------------------------------------------------------------------


def test_a_wordpress_events_page_loads_its_events_with_place_fee_and_status(feeds_app, feed_server):
    url = serve(feed_server, "/events/", "text/html; charset=UTF-8", "jsonld_wordpress.html")
    [feed_id] = add_feeds(feeds_app, url)
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "ok" and outcome.events == 2, outcome.summary()
    assert feed(feeds_app, feed_id).last_result == "ok"
    talk, coffee = sorted(rows(feeds_app, Event, feed_id=feed_id), key=lambda event: event.starts)
    assert talk.uid == f"feed:{feed_id}:https://harbour-family.example/event/parenting-teens/"
    assert talk.title_en == "Parenting teens – an evening talk" and talk.title_zh == ""
    assert talk.description_en.strip() == "<p>A talk for parents of teenagers.</p>"  # escaped twice, decoded once
    assert talk.venue_en == "Harbour Community Hall" and talk.address_en == "12 Harbour Road, Wan Chai, Hong Kong"
    assert (talk.fee_facts.hkd, talk.fee_facts.foreign, talk.is_free, talk.status) == (50, None, False, "scheduled")
    assert talk.registration_url == "https://harbour-family.example/event/parenting-teens/"
    assert (talk.ends - talk.starts).total_seconds() == 2 * 3600 and talk.timezone_offset_minutes == 480
    assert coffee.status == "cancelled" and coffee.is_free is True
    assert "script" not in coffee.description_en and "over coffee" in coffee.description_en

    # The same page again: nothing new; an event gone from the page is hidden, never deleted.
    [again] = refresh_feeds(feeds_app)
    assert (again.new, again.updated) == (0, 0)
    page = render_fixture("jsonld_wordpress.html").split(b",\n{", 1)[0] + b"]\n</script></head></html>"
    feed_server.overrides["/events/"] = (200, "text/html", page)
    [fewer] = refresh_feeds(feeds_app)
    assert fewer.hidden == 1 and len(rows(feeds_app, Event, feed_id=feed_id)) == 2


def test_an_event_graph_in_chinese_with_subtypes_online_places_and_offers(feeds_app, feed_server):
    [feed_id] = add_feeds(feeds_app, serve(feed_server, "/e/talk", "text/html", "jsonld_eventbrite.html"))
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.events == 2 and outcome.news == 0, outcome.summary()  # the Organization and WebPage are not events
    online, workshop = sorted(rows(feeds_app, Event, feed_id=feed_id), key=lambda event: event.starts)
    assert online.title_zh == "網上家長講座：與青少年溝通" and online.title_en == ""
    assert online.online_url == "https://tickets.example/e/online-talk-123/join" and online.is_free is True
    assert online.status == "scheduled"  # rescheduled: startDate is the new date
    assert workshop.status == "postponed" and workshop.all_day
    assert workshop.venue_zh == "海港社區會堂" and workshop.address_zh == "海港道12號, 灣仔"
    assert workshop.online_url == "https://tickets.example/e/workshop-456/live"  # a mixed event has both
    assert (workshop.fee_facts.hkd, workshop.fee_facts.foreign, workshop.is_free) == (80, None, False)
    assert workshop.registration_url == "https://tickets.example/e/workshop-456/book"


def test_a_broken_json_block_and_an_event_without_a_start_are_named_while_the_good_event_loads(feeds_app, feed_server):
    [feed_id] = add_feeds(feeds_app, serve(feed_server, "/broken", "text/html", "jsonld_broken.html"))
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "ok" and outcome.events == 1, outcome.summary()
    [event] = rows(feeds_app, Event, feed_id=feed_id)
    assert event.title_en == "Budgeting for families" and event.venue_en == "Harbour Community Hall"
    assert "JSON-LD block 1 unreadable" in outcome.summary()
    kinds = [(note.kind, note.position, note.detail) for note in rows_of_notes(feeds_app, feed_id)]
    assert kinds == [("block-unreadable", 1, ""), ("item-skipped", 2, "no-start"), ("item-skipped", 3, "bad-date")]
    en, zh = health_page(feeds_app, "en"), health_page(feeds_app, "zh-hk")
    assert "Event data block 1 on the page (JSON-LD) is not valid JSON and was left out" in en
    assert "Item 2 (\u201cDate to be announced\u201d) was skipped: it has no start date or no UID." in en
    assert "網頁上第 1 個活動資料區塊（JSON-LD）" in zh
    assert "第 2 項（「Date to be announced」）已略過" in zh


def rows_of_notes(app, feed_id: int, districts: bool = False) -> list[FeedHealthNote]:
    """The feed's notes in order; "no-district" ones only when asked (tests/test_feeds_districts.py)."""
    notes = sorted(rows(app, FeedHealthNote, feed_id=feed_id), key=lambda note: note.id)
    return [note for note in notes if districts or not note.kind.endswith("no-district")]


def test_a_web_page_without_events_is_still_not_a_feed_in_plain_words(feeds_app, feed_server):
    ids = add_feeds(
        feeds_app,
        serve(feed_server, "/about", "text/html", "jsonld_no_events.html"),
        serve(feed_server, "/home", "text/html", "not_a_feed.html"),
    )
    outcomes = refresh_feeds(feeds_app)
    assert [(o.result, o.error_kind) for o in outcomes] == [("error", "not-a-feed")] * 2
    assert all("it may be a web page" in o.error for o in outcomes)
    assert all(feed(feeds_app, feed_id).last_result == "error" for feed_id in ids)


# --- CSV from a spreadsheet -------------------------------------------------------------------


def test_a_published_google_sheet_loads_bilingual_events_with_fee_district_and_status(feeds_app, feed_server):
    url = serve(feed_server, "/spreadsheets/d/e/2PACX-example/pub", "text/csv; charset=utf-8", "sheet_google.csv")
    [feed_id] = add_feeds(feeds_app, url + "?gid=0&single=true&output=csv")
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "ok" and outcome.events == 3 and not outcome.notes, outcome.summary()
    games, reading, clinic = sorted(rows(feeds_app, Event, feed_id=feed_id), key=lambda event: event.starts)
    assert games.uid == f"feed:{feed_id}:sheet-1"
    assert (games.title_en, games.title_zh) == ("Family games afternoon", "親子遊戲下午")
    assert (games.venue_en, games.venue_zh) == ("Harbour Community Hall", "海港社區會堂")
    assert games.description_en == "<p>Games for the whole family.</p><p>Bring a drink.</p>"  # a cell on two lines
    assert games.address_en == "12 Harbour Road, Wan Chai" and games.district == "wan-chai"
    assert games.is_free is True and games.languages == "Cantonese, English"
    assert games.registration_url == "https://harbour-family.example/games/book"
    assert (reading.title_en, reading.title_zh, reading.address_zh) == ("", "親子閱讀工作坊", "灣仔海港道12號")
    assert reading.all_day and reading.status == "postponed" and (reading.fee_facts.hkd, reading.is_free) == (80, False)
    assert clinic.status == "cancelled" and clinic.fee_facts.hkd == 100 and clinic.fee_facts.foreign is None


def test_bad_rows_of_an_excel_csv_are_named_by_row_number_in_both_languages_and_good_rows_load(feeds_app, feed_server):
    url = serve(feed_server, "/events.csv", "application/octet-stream", "sheet_excel_bom.csv")
    [feed_id] = add_feeds(feeds_app, url, format_hint="csv")
    [outcome] = refresh_feeds(feeds_app)
    assert outcome.result == "ok" and outcome.events == 2, outcome.summary()
    titles = sorted(event.title_en for event in rows(feeds_app, Event, feed_id=feed_id))
    assert titles == ["Carers meet-up", "Walk in the park"]
    assert [(note.kind, note.position, note.detail) for note in rows_of_notes(feeds_app, feed_id)] == [
        ("row-skipped", 3, "bad-date"),
        ("row-skipped", 4, "no-title"),
        ("row-skipped", 5, "no-start"),
        ("row-skipped", 6, "bad-end"),
    ]
    assert "row 3 skipped: starts 'next Friday'" in outcome.summary()
    en, zh = health_page(feeds_app, "en"), health_page(feeds_app, "zh-hk")
    assert "Row 3 (\u201cBad date\u201d) was skipped: its date or time could not be read." in en
    assert "Row 4 was skipped: it has no title." in en
    assert "第 3 行（「Bad date」）已略過：無法讀取其日期或時間。" in zh
    assert "第 4 行已略過：沒有標題。" in zh and "第 6 行（「Bad end」）已略過：無法讀取其結束日期或時間。" in zh


def test_a_csv_without_the_needed_columns_or_not_in_utf8_is_refused_in_plain_words(feeds_app, feed_server):
    feed_server.overrides["/a.csv"] = (200, "text/csv", b"name,date\r\nTalk,2026-12-05\r\n")
    feed_server.overrides["/b.csv"] = (200, "text/csv", "title_en,starts\r\n講座,2026-12-05\r\n".encode("big5"))
    add_feeds(feeds_app, feed_server.url("/a.csv"), feed_server.url("/b.csv"))
    first, second = refresh_feeds(feeds_app)
    assert first.error_kind == "not-a-feed" and "events-template.csv" in first.error
    assert second.error_kind == "encoding" and "UTF-8" in second.error


def test_the_shipped_template_is_a_feed_we_read_and_not_a_partner_file(make_app, backend):
    from pathlib import Path

    from portal.feeds.formats import parse_feed
    from portal.feeds.sheet import COLUMNS

    template = Path(__file__).parents[1] / "content" / "partners" / "events-template.csv"
    parsed = parse_feed(template.read_bytes(), "text/csv")
    assert parsed.format == "csv" and len(parsed.events) == 1 and not parsed.notes
    header = template.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert tuple(header) == COLUMNS
    app = make_app(backend)
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0 and "events-template" not in result.output


# --- JSON Feed 1.1 ----------------------------------------------------------------------------


def test_a_json_feed_becomes_partner_news_in_its_languages_with_odd_items_noted(feeds_app, feed_server):
    from portal.events.model import NewsItem

    url = serve(feed_server, "/feed.json", "application/feed+json", "jsonfeed_news.json")
    plain = serve(feed_server, "/news.json", "application/json", "jsonfeed_news.json")  # detected by its version
    first, second = add_feeds(feeds_app, url, plain, partner="harbour")
    outcomes = refresh_feeds(feeds_app)
    assert [(o.result, o.news, o.events) for o in outcomes] == [("ok", 2, 0)] * 2, [o.summary() for o in outcomes]
    courses, hours = sorted(rows(feeds_app, NewsItem, feed_id=first), key=lambda news: news.published)
    assert (courses.lang, courses.title) == ("zh-hk", "新一期親職課程接受報名")
    assert "onerror" not in courses.summary and "課程共六節。" in courses.summary
    assert (hours.lang, hours.summary) == ("en", "<p>We close on 25 and 26 December.</p><p>Happy holidays.</p>")
    assert hours.published.isoformat() == "2026-11-25T09:00:00+00:00"
    kinds = [(note.kind, note.position, note.number) for note in rows_of_notes(feeds_app, first)]
    assert kinds == [("item-skipped", 4, 0), ("unnamed", 0, 1)]
    assert len(rows(feeds_app, NewsItem, feed_id=second)) == 2


# --- flask feeds try --------------------------------------------------------------------------


def _statements(app) -> list[str]:
    from sqlalchemy import event

    from portal.db import get_engine

    seen: list[str] = []
    event.listen(get_engine(app), "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_feeds_try_tells_what_a_spreadsheet_would_give_in_plain_words_and_stores_nothing(feeds_app, feed_server):
    url = serve(feed_server, "/events.csv", "text/csv", "sheet_excel_bom.csv")
    statements = _statements(feeds_app)
    result = feeds_app.test_cli_runner().invoke(args=["feeds", "try", url])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Format: a spreadsheet (CSV)"
    assert "It would import 2 event(s) and 0 news item(s)." in lines
    first = lines.index("First 2 events:")
    assert lines[first + 1].endswith(" 10:00 Carers meet-up") and lines[first + 2].endswith(" 09:00 Walk in the park")
    assert "  - row 3 skipped: starts 'next Friday'" in lines and "  - row 6 skipped: ends 'soon'" in lines
    assert statements == []  # not one query: nothing read, nothing written
    assert rows(feeds_app, Event) == [] and statements  # (the listener does see queries)


def test_feeds_try_on_a_page_with_broken_and_good_event_data_and_on_a_page_without_any(feeds_app, feed_server):
    good = serve(feed_server, "/broken", "text/html", "jsonld_broken.html")
    runner = feeds_app.test_cli_runner()
    result = runner.invoke(args=["feeds", "try", good])
    assert result.exit_code == 0, result.output
    assert "Format: a web page with schema.org events (JSON-LD)" in result.output
    assert (
        "JSON-LD block 1 unreadable" in result.output
        and "item 2 (\u201cDate to be announced\u201d) skipped" in result.output
    )
    bad = serve(feed_server, "/home", "text/html", "not_a_feed.html")
    refused = runner.invoke(args=["feeds", "try", bad])
    assert refused.exit_code == 1 and "cannot be read: This is not an RSS" in refused.output
    unreachable = runner.invoke(args=["feeds", "try", feed_server.url("/status/404")])
    assert unreachable.exit_code == 1 and "404" in unreachable.output
    news = runner.invoke(
        args=["feeds", "try", serve(feed_server, "/f.json", "application/feed+json", "jsonfeed_news.json")]
    )
    assert news.exit_code == 0 and "It would import 0 event(s) and 2 news item(s)." in news.output
    assert "First 2 news:" in news.output and "Title: 海港家庭服務最新消息（示例）" in news.output


def test_the_new_formats_keep_to_the_item_cap_and_say_so():
    from portal.feeds.formats import parse_feed
    from portal.feeds.parse import ParseLimits

    limits = ParseLimits(max_items=1)
    for fixture, content_type in (
        ("jsonld_wordpress.html", "text/html"),
        ("sheet_google.csv", "text/csv"),
        ("jsonfeed_news.json", "application/feed+json"),
    ):
        parsed = parse_feed(render_fixture(fixture), content_type, limits=limits)
        assert len(parsed.items) == 1 and parsed.notes[-1].kind == "items-capped", fixture
