"""Events: loader validation, filters, pages, calendar, .ics/Atom/JSON-LD outputs, partners and feed health."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree as ET

import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.cli import sync_content
from portal.db import session_scope
from portal.events.loader import EventSource, parse_when
from portal.events.model import Event, NewsItem, Partner, PartnerFeed

from .test_sitemap import sitemap_text

ATOM = "{http://www.w3.org/2005/Atom}"


def add_event(app, slug: str, days: float, **fields) -> int:
    now = datetime.now(UTC)
    values = {
        "uid": f"test:{slug}",
        "source": "editor",
        "title_en": f"Test {slug}",
        "title_zh": f"測試 {slug}",
        "starts": now + timedelta(days=days),
        "district": "sha-tin",
        "first_seen": now,
        "last_seen": now,
    }
    values.update(fields)
    with session_scope(app) as session:
        event = Event(**values)
        session.add(event)
        session.flush()
        return event.id


def titles(html: str) -> list[str]:
    return re.findall(r'class="card-title"><a href="[^"]+"(?: lang="[^"]+")?>([^<]+)</a>', html)


def test_parse_when_forms():
    today = date(2026, 11, 23)
    absolute = parse_when("2026-12-05T10:00+08:00", today)
    assert absolute.at == datetime(2026, 12, 5, 2, 0, tzinfo=UTC) and not absolute.all_day
    assert absolute.offset_minutes == 480
    all_day = parse_when(date(2026, 12, 5), today)
    assert all_day.all_day and all_day.at == datetime(2026, 12, 4, 16, 0, tzinfo=UTC)
    relative = parse_when("+14d 10:00", today)
    assert relative.at == datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
    assert parse_when("+3d", today).all_day
    with pytest.raises(ValueError, match="offset"):
        parse_when("2026-12-05T10:00", today)
    with pytest.raises(ValueError):
        parse_when("next tuesday", today)


def test_real_content_is_valid(content_copy):
    assert [p for p in EventSource().check(content_copy) if p.severity == "error"] == []


def write_event(root, slug: str, en: str, zh: str | None = None) -> None:
    folder = root / "events" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "en.md").write_text(en, encoding="utf-8")
    if zh is not None:
        (folder / "zh-hk.md").write_text(zh, encoding="utf-8")


def test_check_reports_path_and_line(content_copy):
    write_event(
        content_copy,
        "broken",
        "---\ntitle: Broken\nstarts: 2026-12-05T10:00\ndistrict: atlantis\naudience: [aliens]\n"
        "status: maybe\norganiser: nobody\ncolour: red\n---\nBody\n",
    )
    problems = {str(p) for p in EventSource().check(content_copy)}
    path = "content/events/broken/en.md"
    assert f"{path}:3: 'starts' needs an offset, like 2026-12-05T10:00+08:00" in problems
    assert any(p.startswith(f"{path}:4: unknown district 'atlantis'") for p in problems)
    assert any(p.startswith(f"{path}:5: unknown audience 'aliens'") for p in problems)
    assert any(p.startswith(f"{path}:6: unknown status 'maybe'") for p in problems)
    assert any(p.startswith(f"{path}:7: unknown organiser 'nobody'") for p in problems)
    assert f"{path}:8: unknown field 'colour'" in problems


def test_check_reports_conflicting_languages_and_bad_partner(content_copy):
    write_event(
        content_copy,
        "twice",
        "---\ntitle: Twice\nstarts: 2026-12-05\ndistrict: sha-tin\n---\n",
        "---\ntitle: 兩次\nstarts: 2026-12-06\n---\n",
    )
    bad = content_copy / "partners" / "bad.yml"
    bad.write_text("name_en: Bad\nfeeds:\n  - url: ftp://x/feed\n", encoding="utf-8")
    problems = {str(p) for p in EventSource().check(content_copy)}
    assert any(p.startswith("content/events/twice/zh-hk.md:3: 'starts' differs") for p in problems)
    assert any(p.startswith("content/partners/bad.yml:3: feed url 'ftp://x/feed'") for p in problems)


def test_relative_dates_only_for_examples(content_copy):
    write_event(content_copy, "rolling", "---\ntitle: Rolling\nstarts: +5d 10:00\ndistrict: sha-tin\n---\n")
    problems = {str(p) for p in EventSource().check(content_copy)}
    assert any(p.startswith("content/events/rolling/en.md:3: 'starts': relative dates") for p in problems)


def test_relative_example_dates_roll_with_the_day(make_app, content_copy):
    text = "---\ntitle: Rolling\nstarts: +5d 10:00\ndistrict: sha-tin\nexample: true\n---\n"
    write_event(content_copy, "rolling", text)
    app = make_app(CONTENT_DIR=str(content_copy))
    source = next(s for s in app.extensions["portal.content_sources"] if s.name == "events")
    source.today = lambda: date(2026, 11, 23)
    sync_content(app)
    source.today = lambda: date(2026, 11, 24)
    sync_content(app)
    with session_scope(app) as session:
        event = session.scalars(select(Event).where(Event.uid == "md:rolling")).one()
        assert event.starts == datetime(2026, 11, 29, 2, 0, tzinfo=UTC) and event.is_example


def test_sync_keeps_last_good_version(make_app, content_copy):
    good = "---\ntitle: Good talk\nstarts: 2030-01-05T10:00+08:00\ndistrict: sha-tin\n---\nHello\n"
    write_event(content_copy, "talk", good)
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    write_event(content_copy, "talk", "---\ntitle: Good talk\nstarts: someday\ndistrict: sha-tin\n---\n")
    reports = sync_content(app)
    problems = [str(p) for r in reports for p in r.problems]
    assert any(p.startswith("content/events/talk/en.md:3: 'starts'") for p in problems)
    with session_scope(app) as session:
        event = session.scalars(select(Event).where(Event.uid == "md:talk")).one()
        assert event.title_en == "Good talk"
    assert "Good talk" in app.test_client().get("/en/events").get_data(as_text=True)


def test_partners_and_feeds_synced(make_app, content_copy):
    (content_copy / "partners" / "real-ngo.yml").write_text(
        "name_en: Real NGO\nname_zh: 真機構\nwebsite: https://ngo.example\n"
        "feeds:\n  - url: https://ngo.example/events.ics\n    format: ics\n    lang: zh-hk\n    district: sha-tin\n",
        encoding="utf-8",
    )
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    with session_scope(app) as session:
        feed = session.scalars(select(PartnerFeed)).one()
        assert (feed.partner_id, feed.format_hint, feed.default_lang, feed.default_district) == (
            "real-ngo",
            "ics",
            "zh-hk",
            "sha-tin",
        )
        assert session.get(Partner, "example-family-centre").is_example


def test_list_pages_in_both_languages(backend_app):
    client = backend_app.test_client()
    en = client.get("/en/events").get_data(as_text=True)
    zh = client.get("/zh-hk/events").get_data(as_text=True)
    assert "Example: Talking with teenagers" in en and "示範：與青少年溝通" in zh
    assert "ev-example-note" in en and 'class="ev-badge ev-example">Example<' in en
    assert 'class="ev-badge ev-status-cancelled">Cancelled<' in en
    assert 'class="ev-badge ev-status-postponed">已延期<' in zh
    assert 'class="ev-badge ev-status-full">Full<' in en
    assert "/en/events/feed.ics" in en and "/en/events/feed.atom" in en


def test_upcoming_soonest_first_and_past_archive(app):
    add_event(app, "later", 9)
    add_event(app, "sooner", 1)
    add_event(app, "gone", -3)
    client = app.test_client()
    shown = titles(client.get("/en/events?district=sha-tin").get_data(as_text=True))
    assert shown.index("Test sooner") < shown.index("Test later") and "Test gone" not in shown
    past = titles(client.get("/en/events/past").get_data(as_text=True))
    assert "Test gone" in past and "Test sooner" not in past


def test_hidden_events_are_not_listed(app):
    add_event(app, "vanished", 2, hidden=True)
    assert "Test vanished" not in app.test_client().get("/en/events").get_data(as_text=True)


def test_filters_combine(backend_app):
    app = backend_app
    add_event(app, "carers-shatin-free", 2, audience="carers,parents", topics="stress", is_free=True)
    add_event(app, "carers-shatin-paid", 3, audience="carers", is_free=False, fee="HK$50")
    add_event(app, "carers-online", 4, audience="carers", district="", online_url="https://x.example/m", is_free=True)
    add_event(app, "parents-wanchai", 5, audience="parents", district="wan-chai", is_free=True)
    add_event(app, "far-future", 60, audience="carers", is_free=True)
    client = app.test_client()

    def shown(query: str) -> set[str]:
        return {t for t in titles(client.get(f"/en/events?{query}").get_data(as_text=True)) if t.startswith("Test")}

    assert shown("district=sha-tin&audience=carers") == {
        "Test carers-shatin-free",
        "Test carers-shatin-paid",
        "Test far-future",
    }
    assert shown("district=sha-tin&audience=carers&free=1") == {"Test carers-shatin-free", "Test far-future"}
    to = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    assert shown(f"district=sha-tin&audience=carers&free=1&to={to}") == {"Test carers-shatin-free"}
    assert shown("audience=carers&mode=online") == {"Test carers-online"}
    assert "Test carers-online" not in shown("audience=carers&mode=in-person")
    assert shown("topic=stress") == {"Test carers-shatin-free"}
    assert shown("audience=parent") >= {"Test parents-wanchai"}  # unknown audience value is ignored
    add_event(app, "for-everyone", 6, audience="everyone", district="wan-chai", is_free=True)
    assert shown("district=wan-chai&audience=carers") == {"Test for-everyone"}
    frm = (datetime.now(UTC) + timedelta(days=50)).date().isoformat()
    assert shown(f"from={frm}") == {"Test far-future"}


def test_filters_survive_language_toggle(app):
    html = app.test_client().get("/en/events?district=sha-tin&free=1").get_data(as_text=True)
    toggle = re.search(r'class="lang-toggle" href="([^"]+)"', html)
    target = urlsplit(unescape(toggle.group(1)))  # /language/zh-hk?next=<the same page in Chinese>
    assert target.path == "/language/zh-hk"
    assert parse_qs(target.query)["next"] == ["/zh-hk/events?district=sha-tin&free=1"]


def test_pagination(app):
    for number in range(25):
        add_event(app, f"p{number:02d}", 1 + number / 10, district="islands")
    client = app.test_client()
    first = titles(client.get("/en/events?district=islands").get_data(as_text=True))
    second_html = client.get("/en/events?district=islands&page=2").get_data(as_text=True)
    second = titles(second_html)
    assert len(first) == 20 and len(second) == 5 and not set(first) & set(second)
    assert first[0] == "Test p00" and second[-1] == "Test p24"
    assert "district=islands&amp;page=2" in client.get("/en/events?district=islands").get_data(as_text=True)


def test_month_calendar(app):
    app.config["CLOCK"] = lambda: datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # December 2026 is within the calendar's year
    starts = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)  # 10:00 in Hong Kong
    add_event(app, "december", 0, starts=starts, title_en="December talk")
    late = datetime(2026, 12, 31, 17, 0, tzinfo=UTC)  # 1 January 01:00 in Hong Kong
    add_event(app, "new-year", 0, starts=late, title_en="New year walk")
    html = app.test_client().get("/en/events/calendar?month=2026-12").get_data(as_text=True)
    assert '<caption><span class="ev-month-name">December 2026</span></caption>' in html
    assert html.count('<th scope="col">') == 7
    cell = html[html.find('<span class="ev-day">5</span>') : html.find('<span class="ev-day">6</span>')]
    assert "10:00 December talk" in cell
    assert "New year walk" not in html
    assert "month=2027-01" in html  # the new year walk; where the links stop: test_calendar_bounds.py


def test_event_page_details_and_json_ld(backend_app):
    app = backend_app
    with session_scope(app) as session:
        session.add(Partner(id="ngo", name_en="The NGO", name_zh="機構"))
    event_id = add_event(
        app,
        "detail",
        0,
        starts=datetime(2026, 12, 5, 2, 0, tzinfo=UTC),
        ends=datetime(2026, 12, 5, 4, 0, tzinfo=UTC),
        venue_en="Hall A",
        address_en="1 Example Road, Sha Tin",
        partner_id="ngo",
        status="postponed",
        source="feed",
        original_url="https://ngo.example/e/1",
    )
    html = backend_app.test_client().get(f"/en/events/{event_id}").get_data(as_text=True)
    assert "10:00 – 12:00" in html and "Hong Kong time" in html
    assert "https://www.google.com/maps/search/?api=1&amp;query=1+Example+Road%2C+Sha+Tin" in html
    assert f"/en/events/{event_id}.ics" in html and "/en/partners/ngo" in html
    assert "https://ngo.example/e/1" in html and "This event has been postponed" in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Event" and data["eventStatus"] == "https://schema.org/EventPostponed"
    assert data["startDate"] == "2026-12-05T10:00:00+08:00"
    assert data["location"]["@type"] == "Place" and data["organizer"]["name"] == "The NGO"


def test_online_event_json_ld_and_zh_fallback(app):
    event_id = add_event(app, "online", 3, online_url="https://meet.example/x", district="", title_zh="")
    html = app.test_client().get(f"/zh-hk/events/{event_id}").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://meet.example/x"}
    assert "Test online" in html and "此活動只有另一語言的版本" in html


def test_ics_and_atom_parse_back(backend_app):
    add_event(
        backend_app,
        "ics-carers",
        2,
        audience="carers",
        status="cancelled",
        ends=datetime.now(UTC) + timedelta(days=2, hours=2),
    )
    add_event(backend_app, "ics-other", 2, audience="youth")
    client = backend_app.test_client()
    response = client.get("/en/events/feed.ics?audience=carers&district=sha-tin")
    assert response.mimetype == "text/calendar"
    cal = Calendar.from_ical(response.data)
    events = [c for c in cal.walk("VEVENT")]
    assert {str(e["SUMMARY"]) for e in events} == {"Test ics-carers"}
    assert str(events[0]["STATUS"]) == "CANCELLED"
    assert events[0].decoded("DTSTART").tzinfo is not None
    atom = ET.fromstring(client.get("/zh-hk/events/feed.atom?audience=carers&district=sha-tin").data)
    entries = atom.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["測試 ics-carers"]
    assert entries[0].find(f"{ATOM}link").get("href").startswith("http://portal.test/zh-hk/events/")


def test_single_event_ics_all_day(app):
    event_id = add_event(app, "allday", 0, starts=datetime(2026, 12, 4, 16, 0, tzinfo=UTC), all_day=True)
    response = app.test_client().get(f"/en/events/{event_id}.ics")
    assert "attachment" in response.headers["Content-Disposition"]
    (vevent,) = Calendar.from_ical(response.data).walk("VEVENT")
    assert vevent.decoded("DTSTART") == date(2026, 12, 5)
    assert vevent.decoded("DTEND") == date(2026, 12, 6)


def test_partner_profile_shows_feed_health_and_news(backend_app):
    app = backend_app
    with session_scope(app) as session:
        session.add(Partner(id="ngo", name_en="The NGO", name_zh="機構"))
        session.flush()
        session.add(
            PartnerFeed(
                partner_id="ngo",
                url="https://ngo.example/ok.xml",
                last_result="ok",
                last_fetched_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
                items_found=7,
                events_found=5,
                news_found=2,
            )
        )
        session.add(
            PartnerFeed(
                partner_id="ngo",
                url="https://ngo.example/bad.xml",
                last_result="error",
                last_error_kind="timeout",
                last_error="read timed out after 10 s",
            )
        )
        session.flush()
        session.add(
            NewsItem(
                uid="feed:1:n",
                partner_id="ngo",
                lang="en",
                title="We moved office",
                summary="<p>New address</p>",
                url="https://ngo.example/n",
            )
        )
    add_event(app, "ngo-event", 4, partner_id="ngo")
    client = app.test_client()
    en = client.get("/en/partners/ngo").get_data(as_text=True)
    assert "https://ngo.example/ok.xml" in en and "Fetched successfully" in en
    assert "7 items: 5 events, 2 news" in en
    assert "The feed's server took too long to answer." in en and "read timed out after 10 s" in en
    assert "We moved office" in en and "Test ngo-event" in en
    zh = client.get("/zh-hk/partners/ngo").get_data(as_text=True)
    assert "資料來源的伺服器回應時間太長" in zh and "讀取成功" in zh
    assert "The NGO" in client.get("/en/partners").get_data(as_text=True)


def test_example_partner_is_labelled(app):
    html = app.test_client().get("/en/partners/example-family-centre").get_data(as_text=True)
    assert "A sample organisation, not a real one." in html and "has no feeds" in html
    assert "Example: Talking with teenagers" in html


def test_home_panel_and_sitemap(app):
    client = app.test_client()
    home = client.get("/en/").get_data(as_text=True)
    assert "Coming up" in home and "(Example)" in home
    sitemap = sitemap_text(client)  # the index and every file it names
    assert "/en/events/calendar" in sitemap and "/zh-hk/partners/example-family-centre" in sitemap


def test_unknown_event_is_404(app):
    assert app.test_client().get("/en/events/999999").status_code == 404
    assert app.test_client().get("/en/partners/nobody").status_code == 404


def test_removed_feed_is_detached_not_deleted(make_app, content_copy):
    partner = content_copy / "partners" / "real-ngo.yml"
    partner.write_text("name_en: Real NGO\nfeeds:\n  - url: https://ngo.example/a.xml\n", encoding="utf-8")
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    with session_scope(app) as session:
        feed_id = session.scalars(select(PartnerFeed.id)).one()
    future = add_event(app, "from-feed", 5, source="feed", feed_id=feed_id, partner_id="real-ngo")
    past = add_event(app, "old-from-feed", -5, source="feed", feed_id=feed_id, partner_id="real-ngo")
    partner.write_text("name_en: Real NGO\nfeeds: []\n", encoding="utf-8")
    sync_content(app)
    with session_scope(app) as session:
        assert session.scalars(select(PartnerFeed)).all() == []
        assert session.get(Event, future).hidden and session.get(Event, future).feed_id is None
        assert not session.get(Event, past).hidden


def test_flask_content_check_fails_on_a_bad_event(make_app, content_copy):
    write_event(content_copy, "bad", "---\ntitle: Bad\nstarts: soon\ndistrict: sha-tin\n---\n")
    result = make_app(CONTENT_DIR=str(content_copy)).test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "content/events/bad/en.md:3: 'starts' must be a date" in result.output


def test_feed_event_in_one_language(app):
    with session_scope(app) as session:
        session.add(Partner(id="ngo", name_en="The NGO", name_zh="機構"))
    event_id = add_event(
        app,
        "feed-only-zh",
        2,
        source="feed",
        partner_id="ngo",
        title_en="",
        title_zh="粵語親子講座",
        description_zh="<p>內容</p>",
        venue_zh="社區中心",
        original_url="https://ngo.example/e/9",
    )
    client = app.test_client()
    en = client.get(f"/en/events/{event_id}").get_data(as_text=True)
    assert '<h1 lang="zh-Hant-HK">粵語親子講座</h1>' in en
    assert "This event is only available in the other language." in en
    assert 'href="https://ngo.example/e/9"' in en and "See the original" in en
    assert "query=%E7%A4%BE" in en  # directions fall back to the venue name
    assert "粵語親子講座" in client.get("/en/events").get_data(as_text=True)


def test_topics_use_article_tag_labels(app):
    html = app.test_client().get("/zh-hk/events").get_data(as_text=True)
    assert '<option value="teenagers">青少年</option>' in html
    assert "青少年" in app.test_client().get("/zh-hk/events?topic=teenagers").get_data(as_text=True)


def test_partner_logo_served(make_app, content_copy):
    (content_copy / "partners" / "logo-ngo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (content_copy / "partners" / "logo-ngo.yml").write_text("name_en: Logo NGO\nlogo: logo-ngo.svg\n")
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    client = app.test_client()
    html = client.get("/en/partners/logo-ngo").get_data(as_text=True)
    assert 'src="/en/partners/logo/logo-ngo.svg" alt="Logo of Logo NGO"' in html
    assert client.get("/en/partners/logo/logo-ngo.svg").status_code == 200
    assert client.get("/en/partners/logo/logo-ngo.yml").status_code == 404
