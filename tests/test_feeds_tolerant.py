"""Feeds that are bounded and tolerant (issue 13): one bad item never refuses a feed, and no rule,
however often it repeats, makes a feed cost more than its caps and the refresh's deadline."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.feeds.formats import parse_feed
from portal.feeds.parse import OutOfTime, ParseError, ParseLimits

from .feeds_server import render_fixture

HK = ZoneInfo("Asia/Hong_Kong")


def parse(name: str, limits: ParseLimits | None = None, replace: tuple[bytes, bytes] | None = None, **kwargs):
    body = render_fixture(name)
    if replace is not None:
        body = body.replace(*replace)
    return parse_feed(body, limits=limits, **kwargs)


def notes_of(feed, kind: str):
    return [note for note in feed.notes if note.kind == kind]


def test_one_bad_event_in_a_314_event_calendar_is_skipped_and_named_while_the_rest_load():
    feed = parse("calendar_314_one_bad.ics")
    assert len(feed.events) == 313
    assert "Programme session 157" not in {item.title for item in feed.items}
    [note] = feed.notes
    assert (note.kind, note.position, note.detail) == ("item-skipped", 157, "bad-date")
    assert note.uid == "session-157@harbour-family.example" and note.title == "Programme session 157"
    assert "notadate" in note.extra


def test_a_byte_order_mark_is_read_in_icalendar_and_xml():
    [talk] = parse("bom.ics").events
    assert talk.title == "Sleep and screens: a talk for parents"
    news = parse("bom.xml")
    assert news.format == "rss" and [item.title for item in news.news] == ["Holiday opening hours"]
    assert not news.notes


def test_every_vcalendar_in_one_file_is_read():
    feed = parse("multi_calendar.ics")
    assert {item.guid for item in feed.items} == {
        "centre-a-coffee@island-carers.example",
        "centre-b-walk@island-carers.example",
        "centre-b-craft@island-carers.example",
    }
    assert feed.title == "Island Carers (example): centre A"


def test_a_lunar_repeat_rule_is_skipped_with_a_note_and_the_other_events_load():
    feed = parse("rscale_chinese.ics")
    titles = [item.title for item in feed.items]
    assert "Mid-Autumn lantern evening" not in titles
    assert titles.count("Homework club") == 2 and "Parents' tea" in titles  # RSCALE=GREGORIAN is just a rule
    [note] = feed.notes
    assert (note.kind, note.position, note.detail) == ("rscale", 1, "CHINESE")
    assert note.uid == "mid-autumn@harbour-family.example"


def test_a_bare_ampersand_and_an_html_entity_are_read_as_meant_with_a_warning():
    feed = parse("bare_ampersand.xml")
    play = feed.events[0]
    assert play.link == "https://harbour-family.example/events?id=7&lang=en"
    assert play.title == "Parents & toddlers play morning"
    assert [item.title for item in feed.news] == ["New leaflet for carers"]
    [warning] = feed.notes
    assert warning.kind == "xml-warning" and "not valid XML (line 8" in warning.extra


def test_xml_that_is_broken_beyond_use_is_still_refused():
    with pytest.raises(ParseError) as caught:
        parse("malformed.xml")
    assert caught.value.kind == "not-a-feed"
    for body in (b"<rss><chan", b"<rss version='2.0'><channel><item>&bogus;</item>"):
        with pytest.raises(ParseError):
            parse_feed(body)


def test_entries_with_no_id_link_or_title_are_counted_not_dropped_silently():
    feed = parse("unnamed_entries.xml")
    assert [item.title for item in feed.items] == ["Volunteers wanted"]
    [note] = feed.notes
    assert (note.kind, note.number) == ("unnamed", 2)


def test_no_style_attribute_survives_in_feed_html():
    [item] = parse("table_styles.xml").items
    assert "style" not in item.summary
    assert item.summary.startswith("<table><tbody><tr><td>Mon</td>")


@pytest.mark.parametrize(("freq", "step"), [("HOURLY", 3600), ("MINUTELY", 60), ("SECONDLY", 1)])
def test_a_fast_repeat_rule_lists_only_its_first_dates_in_the_window_and_says_so(freq, step):
    now = datetime.now(UTC)
    feed = parse("every_minute.ics", replace=(b"FREQ=MINUTELY", f"FREQ={freq}".encode()), now=now)
    yoga = [item for item in feed.items if item.title == "Yoga"]
    assert len(yoga) == 200
    starts = [item.starts for item in yoga]
    assert starts == sorted(starts) and starts[0] >= now - timedelta(days=30) - timedelta(hours=1)
    # The rule started 400 days ago at 09:00: the dates listed are still its own, step by step.
    assert all((later - earlier).total_seconds() == step for earlier, later in zip(starts, starts[1:], strict=False))
    first = datetime.combine(datetime.now(HK).date() - timedelta(days=400), datetime.min.time(), HK)
    assert (starts[0] - first.replace(hour=9)).total_seconds() % step == 0
    assert "Evening talk" in {item.title for item in feed.items}
    [note] = feed.notes
    assert (note.kind, note.title, note.detail, note.number) == ("occurrences-capped", "Yoga", freq, 200)


def test_the_caps_are_settings():
    feed = parse("every_minute.ics", limits=ParseLimits(max_occurrences=5, max_items=3))
    assert len(feed.items) == 3  # the first three in time order: all of them Yoga, a month ago
    assert {item.title for item in feed.items} == {"Yoga"}
    assert {note.kind for note in feed.notes} == {"occurrences-capped", "items-capped"}
    assert notes_of(feed, "items-capped")[0].number == 3
    news = parse("rss_en.xml", limits=ParseLimits(max_items=2))
    assert len(news.items) == 2 and notes_of(news, "items-capped")[0].number == 2


def test_a_huge_calendar_is_cut_to_the_earliest_items_of_the_feed():
    feed = parse("calendar_314_one_bad.ics", limits=ParseLimits(max_items=50))
    assert len(feed.items) == 50
    starts = [item.starts for item in feed.items]
    assert starts == sorted(starts)
    everything = parse("calendar_314_one_bad.ics")
    assert starts == sorted(item.starts for item in everything.items)[:50]


class CountingLimits(ParseLimits):
    """Limits whose clock runs out after ``calls`` looks at it (a deadline that passes mid-parse)."""

    def __init__(self, calls: int):
        super().__init__()
        object.__setattr__(self, "calls", calls)

    def check(self) -> None:
        object.__setattr__(self, "calls", self.calls - 1)
        if self.calls < 0:
            raise OutOfTime()


def test_the_deadline_is_checked_inside_the_expansion():
    with pytest.raises(OutOfTime) as caught:
        parse("every_minute.ics", limits=CountingLimits(calls=2))
    assert caught.value.kind == "out-of-time" and "ran out of time" in caught.value.message
    with pytest.raises(OutOfTime):
        parse("rss_en.xml", limits=ParseLimits(not_after=time.monotonic()))


def test_an_unexpandable_rule_skips_only_its_event():
    broken = (b"RRULE:FREQ=MINUTELY", b"RRULE:FREQ=WEEKLY;BYDAY=XX")
    feed = parse("every_minute.ics", replace=broken)
    assert [item.title for item in feed.items] == ["Evening talk"]
    [note] = feed.notes
    assert (note.kind, note.detail, note.position) == ("item-skipped", "bad-rule", 1)


def test_a_rule_too_dense_to_walk_to_the_window_skips_only_its_event(monkeypatch):
    monkeypatch.setattr("portal.feeds.parse.SKIP_BUDGET", 1000)
    # Every minute of 09:00-09:59, from 400 days ago: BYHOUR keeps its start where it was.
    feed = parse("every_minute.ics", replace=(b"RRULE:FREQ=MINUTELY", b"RRULE:FREQ=MINUTELY;BYHOUR=9"))
    assert [item.title for item in feed.items] == ["Evening talk"]
    [note] = feed.notes
    assert (note.kind, note.detail, note.title) == ("item-skipped", "too-dense", "Yoga")


def test_a_count_that_ran_out_before_the_window_lists_nothing_and_a_plain_count_keeps_its_dates():
    feed = parse("every_minute.ics", replace=(b"RRULE:FREQ=MINUTELY", b"RRULE:FREQ=MINUTELY;COUNT=10"))
    assert [item.title for item in feed.items] == ["Evening talk"] and not feed.notes
    # 400 days ago at 09:00 plus 100 million minutes is long after the window: capped like the endless rule.
    feed = parse("every_minute.ics", replace=(b"RRULE:FREQ=MINUTELY", b"RRULE:FREQ=MINUTELY;COUNT=100000000"))
    assert len([item for item in feed.items if item.title == "Yoga"]) == 200
    now = datetime.now(UTC)
    weekly = parse("every_minute.ics", replace=(b"RRULE:FREQ=MINUTELY", b"RRULE:FREQ=WEEKLY;COUNT=60"), now=now)
    yoga = [item.starts for item in weekly.items if item.title == "Yoga"]
    # The rule is moved forward by whole weeks and its COUNT reduced by as many: the same 60 dates.
    first = datetime.combine(datetime.now(HK).date() - timedelta(days=400), datetime.min.time(), HK).replace(hour=9)
    expected = [first + timedelta(weeks=k) for k in range(60)]
    assert yoga == [day for day in expected if day + timedelta(hours=1) >= now - timedelta(days=30)]


# --- what `make fuzz` found: feedparser itself raising -------------------------------------------------

RSS_WITH = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>%s</channel></rss>'


def test_a_character_reference_to_a_surrogate_reads_as_the_replacement_character():
    item = b"<item><title>Talk &#xD800; &#0; &#1114112; &#x4E2D;</title><link>https://x.example.org/a</link></item>"
    parsed = parse_feed(RSS_WITH % item)
    assert [i.title for i in parsed.items] == ["Talk \ufffd \ufffd \ufffd 中"]


def test_a_broken_encoding_name_in_the_xml_declaration_is_a_plain_words_encoding_error():
    body = b'<?xml version="1.0" encoding="utf\xe28"?><rss version="2.0"><channel><title>T</title></channel></rss>'
    with pytest.raises(ParseError) as caught:
        parse_feed(body)
    assert caught.value.kind == "encoding" and "UTF-8" in caught.value.message


def test_any_other_exception_inside_feedparser_becomes_a_parse_error(monkeypatch):
    def trips(*_args, **_kwargs):
        raise ValueError("too many values to unpack (expected 2)")  # feedparser/parsers/strict.py, seen by fuzzing

    monkeypatch.setattr("portal.feeds.parse.feedparser.parse", trips)
    monkeypatch.setattr("portal.feeds.parse.read_plain_rss", lambda *_args: None)  # plain RSS skips feedparser
    with pytest.raises(ParseError) as caught:
        parse_feed(RSS_WITH % b"")
    assert caught.value.kind == "not-a-feed" and "ValueError" in caught.value.message
