"""The events calendar is bounded (issue 16): previous/next stop at the months that have events (and this
month), a month outside those but within a year is served with noindex, and beyond a year it is a 404,
so a crawler can no longer walk 1,255 empty months."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete

from portal.cli import sync_content
from portal.db import session_scope
from portal.events.model import Event
from portal.events.queries import HK

from .test_events import add_event

NOW = datetime(2030, 6, 15, 10, 0, tzinfo=HK)


@pytest.fixture
def calendar_app(make_app, backend):
    """The real content on each backend, the clock at 15 June 2030, and only the events a test adds."""
    app = make_app(backend, CLOCK=lambda: NOW)
    sync_content(app)
    with session_scope(app) as session:
        session.execute(delete(Event))
    return app


def nav(client, query: str = "", lang: str = "en") -> tuple[int, str | None, str | None, bool, str]:
    """Status, the previous and next month linked, whether the page says noindex, and the HTML."""
    response = client.get(f"/{lang}/events/calendar{query}")
    html = response.get_data(as_text=True)
    prev = re.search(r'href="\?month=(\d{4}-\d{2})[^"]*" rel="prev"', html)
    after = re.search(r'href="\?month=(\d{4}-\d{2})[^"]*" rel="next"', html)
    noindex = '<meta name="robots" content="noindex">' in html
    return response.status_code, prev and prev.group(1), after and after.group(1), noindex, html


def test_previous_and_next_stop_at_the_months_with_events(calendar_app):
    add_event(calendar_app, "march", 0, starts=datetime(2030, 3, 10, 2, tzinfo=UTC))
    add_event(calendar_app, "september", 0, starts=datetime(2030, 9, 20, 2, tzinfo=UTC))
    client = calendar_app.test_client()
    assert nav(client)[:4] == (200, "2030-05", "2030-07", False)
    assert nav(client, "?month=2030-03")[:4] == (200, None, "2030-04", False)
    assert nav(client, "?month=2030-09")[:4] == (200, "2030-08", None, False)
    assert nav(client, "?month=2030-04&district=sha-tin")[:3] == (200, "2030-03", "2030-05")


def test_months_outside_the_events_are_noindex_and_beyond_a_year_not_found(calendar_app):
    add_event(calendar_app, "july", 0, starts=datetime(2030, 7, 1, 2, tzinfo=UTC))
    client = calendar_app.test_client()
    assert nav(client, "?month=2030-05")[:4] == (200, None, "2030-06", True)  # before this month: no events
    assert nav(client, "?month=2030-08")[:4] == (200, "2030-07", None, True)
    assert nav(client, "?month=2029-06")[0] == 200 and nav(client, "?month=2031-06")[0] == 200  # exactly ±12
    for month in ("2029-05", "2031-07", "1900-01", "2100-12"):
        assert nav(client, f"?month={month}")[0] == 404, month


def test_events_further_than_a_year_away_do_not_stretch_the_calendar(calendar_app):
    add_event(calendar_app, "far-past", 0, starts=datetime(2027, 1, 5, 2, tzinfo=UTC))
    add_event(calendar_app, "far-future", 0, starts=datetime(2033, 1, 5, 2, tzinfo=UTC))
    client = calendar_app.test_client()
    assert nav(client, "?month=2029-06")[:4] == (200, None, "2029-07", False)
    assert nav(client, "?month=2031-06")[:4] == (200, "2031-05", None, False)
    assert nav(client, "?month=2033-01")[0] == 404


def test_without_events_the_calendar_is_this_month_alone(calendar_app):
    status, prev, after, noindex, html = nav(calendar_app.test_client(), lang="zh-hk")
    assert (status, prev, after, noindex) == (200, None, None, False)
    assert '<span class="ev-month-name">2030年6月</span>' in html  # one unbreakable piece (events.css)
