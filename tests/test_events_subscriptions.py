"""Subscriptions carry only real events (issue 15, part 5): no example event in .ics, Atom, JSON-LD
or the sitemap; .ics with DESCRIPTION, URL, LOCATION and a stable UID; webcal: links per filter."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

from icalendar import Calendar
from sqlalchemy import select

from portal.db import session_scope
from portal.events.model import Event

from .test_events import ATOM, add_event
from .test_sitemap import sitemap_text


def example_ids(app) -> list[int]:
    with session_scope(app) as session:
        return list(session.scalars(select(Event.id).where(Event.is_example.is_(True))))


def ics_summaries(data: bytes) -> set[str]:
    return {str(item["SUMMARY"]) for item in Calendar.from_ical(data).walk("VEVENT")}


def test_example_events_are_in_no_subscription_json_ld_or_sitemap(backend_app):
    real = add_event(backend_app, "real-one", 3, description_en="<p>A real talk.</p>")
    examples = example_ids(backend_app)
    assert len(examples) >= 5  # the shipped content is all examples
    client = backend_app.test_client()
    assert ics_summaries(client.get("/en/events/feed.ics").data) == {"Test real-one"}
    atom = ET.fromstring(client.get("/zh-hk/events/feed.atom").data)
    assert [entry.findtext(f"{ATOM}title") for entry in atom.findall(f"{ATOM}entry")] == ["測試 real-one"]
    sitemap = sitemap_text(client)
    assert f"/en/events/{real}<" in sitemap
    assert not [i for i in examples if re.search(rf"/events/{i}<", sitemap)]
    for example in examples:
        page = client.get(f"/en/events/{example}").get_data(as_text=True)
        assert "application/ld+json" not in page and f"/events/{example}.ics" not in page
        assert client.get(f"/en/events/{example}.ics").status_code == 404
    assert "application/ld+json" in client.get(f"/en/events/{real}").get_data(as_text=True)
    # Lists still show examples, labelled (so that the site never looks empty).
    assert "Example: " in client.get("/en/events").get_data(as_text=True)


def test_ics_has_description_url_location_and_a_uid_that_stays(backend_app):
    event_id = add_event(
        backend_app,
        "ics-facts",
        4,
        description_en="<p>Bring <strong>your</strong> questions &amp; a friend.</p>",
        description_zh="<p>歡迎提問。</p>",
        venue_en="Community hall",
        address_en="1 Example Road, Sha Tin",
        ends=datetime.now(UTC) + timedelta(days=4, hours=2),
    )
    client = backend_app.test_client()
    single = Calendar.from_ical(client.get(f"/en/events/{event_id}.ics").data).walk("VEVENT")[0]
    assert str(single["DESCRIPTION"]) == "Bring your questions & a friend."
    assert str(single["URL"]) == f"http://portal.test/en/events/{event_id}"
    assert str(single["LOCATION"]) == "Community hall, 1 Example Road, Sha Tin"
    chinese = Calendar.from_ical(client.get(f"/zh-hk/events/{event_id}.ics").data).walk("VEVENT")[0]
    assert str(chinese["DESCRIPTION"]) == "歡迎提問。"
    in_feed = Calendar.from_ical(client.get("/en/events/feed.ics").data).walk("VEVENT")
    uids = {str(item["UID"]) for item in in_feed}
    assert str(single["UID"]) == str(chinese["UID"]) == "test:ics-facts@family-portal" and str(single["UID"]) in uids
    with session_scope(backend_app) as session:
        session.get(Event, event_id).title_en = "Renamed"
    renamed = Calendar.from_ical(client.get(f"/en/events/{event_id}.ics").data).walk("VEVENT")[0]
    assert str(renamed["UID"]) == str(single["UID"])


def test_subscribe_links_are_webcal_per_filter_with_the_download_kept(app):
    client = app.test_client()
    page = html.unescape(client.get("/en/events?district=sha-tin&free=1&topic=teenagers").get_data(as_text=True))
    assert 'href="webcal://portal.test/en/events/feed.ics?district=sha-tin&topic=teenagers&free=1"' in page
    assert 'href="http://portal.test/en/events/feed.ics?district=sha-tin&topic=teenagers&free=1" download' in page
    assert 'href="http://portal.test/en/events/feed.atom?district=sha-tin&topic=teenagers&free=1"' in page
    plain = client.get("/zh-hk/events").get_data(as_text=True)
    assert 'href="webcal://portal.test/zh-hk/events/feed.ics"' in plain
    # a topic no event has is dropped like any unknown filter value: the subscription does not carry it
    unknown = html.unescape(client.get("/en/events?topic=no-such-topic").get_data(as_text=True))
    assert 'href="webcal://portal.test/en/events/feed.ics"' in unknown
    assert not [link for link in re.findall(r'href="([^"]*feed\.(?:ics|atom)[^"]*)"', unknown) if "no-such" in link]


def test_each_filter_makes_its_own_subscription(backend_app):
    add_event(backend_app, "sub-sha-tin-free", 2, is_free=True, topics="parenting")
    add_event(backend_app, "sub-wan-chai", 2, district="wan-chai", topics="ageing")
    add_event(backend_app, "sub-sha-tin-paid", 2, is_free=False, topics="ageing")
    client = backend_app.test_client()
    assert ics_summaries(client.get("/en/events/feed.ics?district=wan-chai").data) == {"Test sub-wan-chai"}
    assert ics_summaries(client.get("/en/events/feed.ics?free=1").data) == {"Test sub-sha-tin-free"}
    by_topic = ics_summaries(client.get("/en/events/feed.ics?topic=ageing&district=sha-tin").data)
    assert by_topic == {"Test sub-sha-tin-paid"}
    atom = ET.fromstring(client.get("/en/events/feed.atom?topic=ageing").data)
    titles = {entry.findtext(f"{ATOM}title") for entry in atom.findall(f"{ATOM}entry")}
    assert titles == {"Test sub-wan-chai", "Test sub-sha-tin-paid"}
