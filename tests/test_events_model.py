"""The shared events/feeds model: tables exist on both backends and round-trip aware datetimes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from portal.db import session_scope
from portal.events.model import Event, NewsItem, Partner, PartnerFeed


def test_model_round_trip(make_app, backend):
    app = make_app(backend)
    with session_scope(app) as session:
        session.add(Partner(id="demo", name_en="Demo NGO", name_zh="示範機構"))
        session.flush()
        feed = PartnerFeed(partner_id="demo", url="http://127.0.0.1:9/feed.xml", format_hint="rss")
        session.add(feed)
        session.flush()
        session.add(
            Event(
                uid=f"feed:{feed.id}:abc",
                source="feed",
                partner_id="demo",
                feed_id=feed.id,
                title_zh="親子工作坊",
                starts=datetime(2026, 12, 5, 2, 0, tzinfo=UTC),
            )
        )
        session.add(NewsItem(uid=f"feed:{feed.id}:n1", partner_id="demo", feed_id=feed.id, title="News"))
    with session_scope(app) as session:
        event = session.scalars(select(Event)).one()
        assert event.starts == datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
        assert event.title("en") == "親子工作坊"  # falls back to the other language
        assert not event.is_translated("en") and event.is_translated("zh-hk")
        assert event.status == "scheduled" and event.hidden is False
        feed = session.scalars(select(PartnerFeed)).one()
        assert feed.last_result == "" and feed.items_found == 0
        assert session.get(Partner, "demo").name("zh-hk") == "示範機構"
