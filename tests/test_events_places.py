"""District from the place: a feed event without a district gets one when exactly one district's
name (from content/districts.yml, in English, Traditional or the Simplified made from it) is in its
venue or address (issue 15, part 3)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.cli import sync_content
from portal.db import session_scope
from portal.districts import district_from_place
from portal.events.model import Event, Partner, PartnerFeed
from portal.feeds.cli import refresh_feeds

from .feeds_server import feed_server_fixture  # noqa: F401 (the feed_server fixture)
from .test_events_feeds import FAST


@pytest.mark.parametrize(
    ("place", "district"),
    [
        ("沙田瀝源邨", "sha-tin"),
        ("沙田區某社區會堂", "sha-tin"),
        ("Community hall, Tsuen Wan", "tsuen-wan"),
        ("KOWLOON CITY library", "kowloon-city"),
        ("北區大會堂", "north"),
        ("Fanling, North District", "north"),
        ("North Point waterfront", ""),  # "North" alone is not the North district
        ("Eastern Harbour Centre", ""),
        ("沙田至大埔單車徑", ""),  # two districts: unknown rather than a guess
        ("瀝源邨", ""),  # estates are not in the districts data
        ("观塘区社区会堂", "kwun-tong"),  # Simplified, as an NGO feed may write it
        ("观塘社区中心", "kwun-tong"),
        ("北区大会堂", "north"),
        ("北角海滨", ""),  # 北 alone is not the North district in Simplified either
        ("荃湾至屯门单车径", ""),
        ("", ""),
    ],
)
def test_a_place_names_exactly_one_district_or_none(app, place, district):
    with session_scope(app) as session:
        assert district_from_place(session, place) == district


def districts_from_feed(app, feed_url: str, **feed_fields) -> dict[str, str]:
    """Each event's district (by its feed item id) after one refresh of the feed at ``feed_url``."""
    sync_content(app)  # the districts, their Simplified names made from the Traditional
    with session_scope(app) as session:
        session.add(Partner(id="places", name_en="Places", name_zh="地方"))
        session.flush()
        session.add(PartnerFeed(partner_id="places", url=feed_url, **feed_fields))
    refresh_feeds(app)
    with session_scope(app) as session:
        rows = session.scalars(select(Event).where(Event.partner_id == "places")).all()
        return {row.uid.rsplit(":", 1)[1]: row.district for row in rows}


def test_an_rss_event_at_a_sha_tin_estate_is_listed_under_sha_tin(make_app, backend, feed_server):
    app = make_app(backend, **FAST)
    assert districts_from_feed(app, feed_server.url("/feeds/rss_places.xml")) == {
        "places-lek-yuen": "sha-tin",
        "places-tsuen-wan": "tsuen-wan",
        "places-north-point": "",
        "places-ride": "",
    }
    client = app.test_client()
    sha_tin = client.get("/zh-hk/events?district=sha-tin").get_data(as_text=True)
    assert "屋邨親子下午" in sha_tin and "由沙田到大埔單車遊" not in sha_tin
    assert "Carers" not in sha_tin


def test_a_feed_written_in_simplified_gets_its_districts_from_the_simplified_names(make_app, backend, feed_server):
    app = make_app(backend, **FAST)
    assert districts_from_feed(app, feed_server.url("/feeds/rss_places_simplified.xml")) == {
        "zhs-kwun-tong-hall": "kwun-tong",
        "zhs-kwun-tong-centre": "kwun-tong",
        "zhs-north": "north",
        "zhs-north-point": "",
        "zhs-ride": "",
    }


def test_a_feed_district_given_by_the_partner_wins_over_the_place(make_app, feed_server):
    app = make_app(**FAST)
    districts = districts_from_feed(app, feed_server.url("/feeds/rss_places.xml"), default_district="wan-chai")
    assert set(districts.values()) == {"wan-chai"}
