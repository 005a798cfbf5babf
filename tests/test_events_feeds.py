"""Feed events and news (stored by `flask feeds refresh`) as they show on the events and partner pages."""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree as ET

from icalendar import Calendar
from sqlalchemy import select

from portal.db import session_scope
from portal.events.model import Event, Partner, PartnerFeed
from portal.feeds.cli import refresh_feeds

from .feeds_server import feed_server_fixture  # noqa: F401 (the feed_server fixture)

# Feeds here all answer: generous limits, so a busy CI machine never turns one into a "timeout".
FAST = {"FEED_READ_TIMEOUT": 5.0, "FEED_TOTAL_TIMEOUT": 30.0, "FEED_MAX_BYTES": 200_000, "FEED_WORKERS": 2}


def test_feed_events_news_and_health_on_the_pages(make_app, backend, feed_server):
    app = make_app(backend, **FAST)  # nothing synced: only our feeds are fetched
    with session_scope(app) as session:
        session.add(Partner(id="harbour", name_en="Harbour Family Services", name_zh="海港家庭服務"))
        session.flush()
        session.add_all(
            [
                PartnerFeed(partner_id="harbour", url=feed_server.url("/feeds/rss_en.xml"), default_district="sha-tin"),
                PartnerFeed(partner_id="harbour", url=feed_server.url("/feeds/ics_zh.ics"), format_hint="ics"),
                PartnerFeed(partner_id="harbour", url=feed_server.url("/status/500")),
            ]
        )
    refresh_feeds(app)
    client = app.test_client()

    listing = client.get("/en/events").get_data(as_text=True)
    assert "Parenting teens: an evening talk" in listing and "認識長者抑鬱講座" in listing
    assert "Parenting teens" in client.get("/en/events?district=sha-tin").get_data(as_text=True)

    with session_scope(app) as session:
        talk = session.scalars(select(Event).where(Event.title_en == "Parenting teens: an evening talk")).one()
    page = client.get(f"/zh-hk/events/{talk.id}").get_data(as_text=True)
    assert 'href="https://harbour-family.example/events/teens-talk"' in page
    assert "此活動只有另一語言的版本" in page and "/zh-hk/partners/harbour" in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["startDate"].endswith("T19:00:00+08:00")

    profile = client.get("/en/partners/harbour").get_data(as_text=True)
    assert "Our new carers&#39; hotline hours" in profile or "Our new carers' hotline hours" in profile
    assert profile.count("Fetched successfully") == 2
    assert "The feed's server answered with an error." in profile
    assert "Parenting teens: an evening talk" in profile

    cal = Calendar.from_ical(client.get("/en/events/feed.ics").data)
    assert "Parenting teens: an evening talk" in {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    atom = ET.fromstring(client.get("/zh-hk/events/feed.atom").data)
    assert "認識長者抑鬱講座" in [e.findtext("{http://www.w3.org/2005/Atom}title") for e in atom]
