"""Parsing partner feeds: every supported format, both languages, Big5/GB2312, hostile HTML, recurring calendars."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.feeds.formats import parse_feed
from portal.feeds.parse import ParseError

from .feeds_server import render_fixture

HK = ZoneInfo("Asia/Hong_Kong")
TODAY = datetime.now(HK).date()


def hk(days: int, hour: int, minute: int = 0) -> datetime:
    """Today + days at hour:minute in Hong Kong, as UTC."""
    local = datetime(TODAY.year, TODAY.month, TODAY.day, hour, minute, tzinfo=HK) + timedelta(days=days)
    return local.astimezone(UTC)


def parse(name: str, content_type: str = "", hint: str = ""):
    return parse_feed(render_fixture(name), content_type, hint)


def test_rss_items_with_event_dates_are_events_and_the_others_news():
    feed = parse("rss_en.xml")
    assert feed.format == "rss" and feed.lang == "en"
    assert [item.title for item in feed.events] == ["Parenting teens: an evening talk"]
    event = feed.events[0]
    assert event.guid == "hfs-event-teens-talk"
    assert event.starts == hk(10, 19) and event.ends == hk(10, 21)
    assert event.offset_minutes == 480 and not event.all_day
    assert event.location == "Harbour Community Hall, 1 Example Road, Sha Tin"
    assert event.summary == "<p>A talk for <strong>parents</strong> of teenagers.</p>"
    assert event.link == "https://harbour-family.example/events/teens-talk"
    assert {item.guid for item in feed.news} == {
        "https://harbour-family.example/news/hotline-hours",
        "https://harbour-family.example/news/annual-report",
    }
    assert feed.news[0].published == datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


def test_chinese_utf8_rss_keeps_its_characters_and_language():
    feed = parse("rss_zh_utf8.xml")
    assert feed.lang == "zh-hk"
    assert feed.events[0].title == "親子溝通工作坊"
    assert feed.events[0].location == "沙田示例社區會堂"
    assert feed.news[0].title == "照顧者熱線延長服務時間"


def test_big5_declared_in_the_xml_is_decoded():
    feed = parse("rss_big5.xml")
    assert feed.title == "九龍家庭中心（示例）"
    event = feed.events[0]
    assert event.title == "記憶力訓練小組"
    assert event.location == "旺角示例中心"
    assert event.starts == datetime(2030, 3, 4, 6, 30, tzinfo=UTC)


def test_gb2312_declared_only_in_the_http_header_is_decoded():
    feed = parse("rss_gb2312.xml", content_type="application/rss+xml; charset=gb2312")
    assert feed.news[0].title == "亲子阅读活动"
    assert feed.news[0].summary == "欢迎参加。"


def test_atom_entries_with_and_without_event_dates():
    feed = parse("atom_en.xml")
    assert feed.format == "atom" and feed.lang == "en"
    assert [item.title for item in feed.news] == ["Respite service now in Eastern District"]
    tea = feed.events[0]
    assert tea.title == "Carers\u2019 tea gathering"  # markup in a title is dropped, entities decoded
    assert tea.all_day and tea.starts == hk(20, 0)
    assert tea.summary == "<p>Meet other carers.</p>"


def test_chinese_atom_language_comes_from_xml_lang():
    feed = parse("atom_zh.xml")
    assert feed.news[0].lang == "zh-hk"
    assert feed.news[0].title == "東區暫託服務開始"


def test_rss_1_0_event_module():
    feed = parse("rdf_events.xml")
    assert feed.format == "rdf"
    hike, fair = feed.events
    assert hike.title == "Family hike" and hike.starts == hk(14, 9) and hike.ends == hk(14, 13)
    assert hike.location == "Mui Wo Ferry Pier" and hike.organizer == "Lantau Youth Centre"
    assert fair.all_day and fair.starts == hk(30, 0) and fair.ends is None
    assert not feed.news


def test_icalendar_in_english_and_chinese():
    feed = parse("ics_en.ics")
    assert feed.format == "ics"
    talk = next(item for item in feed.items if item.guid == "stress-workshop@harbour-family.example")
    assert talk.title == "Managing stress for parents"
    assert talk.starts == hk(9, 14) and talk.ends == hk(9, 16)
    assert talk.location == "Harbour Community Hall, Sha Tin"
    assert talk.organizer == "Harbour Family Services"
    assert talk.summary == "<p>Practical tips.</p><p>Free of charge.</p>"
    open_day = next(item for item in feed.items if item.guid == "open-day@harbour-family.example")
    assert open_day.all_day and open_day.starts == hk(40, 0)
    zh = parse("ics_zh.ics").items[0]
    assert zh.title == "認識長者抑鬱講座" and zh.location == "觀塘示例活動室"
    assert zh.starts == hk(11, 10)


def test_recurring_calendar_expands_occurrences_with_exdate_moved_and_cancelled():
    feed = parse("recurring.ics")
    uid = "carers-group@island-carers.example"
    by_guid = {item.guid: item for item in feed.items}

    def key(days: int) -> str:
        return f"{uid}:{hk(days, 19).strftime('%Y-%m-%dT%H:%M:%SZ')}"

    # Weekly x5 from tomorrow: day 1, 8 (EXDATE), 15 (moved to 16), 22 (cancelled), 29.
    assert set(by_guid) == {key(1), key(15), key(22), key(29)}
    assert by_guid[key(1)].starts == hk(1, 19) and by_guid[key(1)].status == "scheduled"
    moved = by_guid[key(15)]
    assert moved.starts == hk(16, 19, 30) and moved.ends == hk(16, 21)
    assert moved.title == "Carers support group (moved to the next day)"
    assert moved.location == "Island Carers Centre, room 2"
    assert by_guid[key(22)].status == "cancelled"
    assert all(item.is_event for item in feed.items)


def test_hostile_html_is_cleaned_and_unsafe_links_dropped():
    feed = parse("hostile.xml")
    event = feed.events[0]
    assert "<script" not in event.title and event.title.endswith("Free workshop")
    assert event.link == ""  # javascript: link
    summary = event.summary
    for bad in ("<script", "onclick", "onerror", "javascript:", "<iframe", "alert("):
        assert bad not in summary
    assert 'href="https://ok.example/"' in summary
    assert event.location == "Hall"
    news = feed.news[0].summary
    for bad in ("style=", "<svg", "onload", "<script", "<form", "<input"):
        assert bad not in news


def test_malformed_xml_is_an_error_with_the_line():
    with pytest.raises(ParseError) as caught:
        parse("malformed.xml")
    assert caught.value.kind == "not-a-feed"
    assert "not valid XML (line" in caught.value.message


def test_a_web_page_or_garbage_is_not_a_feed():
    for body in (render_fixture("not_a_feed.html"), b"\x00\x01garbage", b"   "):
        with pytest.raises(ParseError) as caught:
            parse_feed(body, "text/html")
        assert caught.value.kind == "not-a-feed"


def test_bytes_that_do_not_match_the_declared_encoding():
    body = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>家庭</title></channel></rss>'
    with pytest.raises(ParseError) as caught:
        parse_feed(body.encode("big5"))
    assert caught.value.kind in ("encoding", "not-a-feed")
    with pytest.raises(ParseError) as caught:
        parse_feed("BEGIN:VCALENDAR\nSUMMARY:家庭\nEND:VCALENDAR\n".encode("big5"), "text/calendar")
    assert caught.value.kind == "encoding"


def test_entity_expansion_attack_does_not_blow_up():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
        )
        + b']><rss version="2.0"><channel><title>&lol9;</title></channel></rss>'
    )
    try:
        feed = parse_feed(bomb)
    except ParseError:
        return
    assert len(feed.title) < 10_000


def test_a_body_that_names_a_local_file_is_not_opened(tmp_path):
    local = tmp_path / "secret.xml"
    local.write_bytes(render_fixture("rss_en.xml"))
    with pytest.raises(ParseError):
        parse_feed(str(local).encode())
