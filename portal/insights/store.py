"""What happens to stored counts: every worker's flush, and the roll-up of old days into weeks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from flask import Flask
from sqlalchemy import delete, select

from ..db import lock_for_writing, session_scope
from .counter import day_of, move_from_redis, today_number, upsert
from .model import DAY, WEEK, InsightCount


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def flush_all(app: Flask) -> int:
    """This process's counts, then the shared Redis hash's, into the database; returns keys written."""
    counter = app.extensions.get("portal.insights")
    written = counter.flush(wait=True) if counter is not None else 0
    return written + move_from_redis(app)


def rollup(app: Flask, today: date | None = None) -> int:
    """Daily rows older than ``INSIGHTS_RETENTION_DAYS`` become weekly totals; returns the days' rows removed.

    One writer at a time (two timers at once find the work done); the weekly rows are added to, so a
    week rolled up in two runs (its early days, then the rest) ends with the sum of both.
    """
    today = today or day_of(today_number())
    cutoff = today - timedelta(days=app.config["INSIGHTS_RETENTION_DAYS"])
    with session_scope(app) as session:
        lock_for_writing(session, "insights-rollup")
        old = InsightCount.period == DAY, InsightCount.start < cutoff
        weeks: dict[tuple[date, str, str], int] = defaultdict(int)
        found = 0
        for start, kind, key, count in session.execute(
            select(InsightCount.start, InsightCount.kind, InsightCount.key, InsightCount.count).where(*old)
        ):
            weeks[(monday(start), kind, key)] += count
            found += 1
        if not found:
            return 0
        rows = [
            {"period": WEEK, "start": start, "kind": kind, "key": key, "count": n}
            for (start, kind, key), n in sorted(weeks.items())
        ]
        upsert(session.connection(), rows)
        session.execute(delete(InsightCount).where(*old))
        return found
