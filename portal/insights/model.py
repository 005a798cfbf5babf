"""The only thing insights keep: how many times something happened on a day (or, once old, in a week).

A row is (period, start, kind, key) -> count: "day", 2026-12-01, "page", "/en/help" -> 31. Nothing
about a visitor or a visit: no address, no user agent, no cookie, no time finer than the day.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

DAY, WEEK = "day", "week"

# The kinds of thing counted, and what the key is for each.
PAGE = "page"  # a language page's path, without its query: /en/articles/family-meals
SEARCH = "search"  # a normalised search (lower case, spaces collapsed, Traditional characters)
SEARCH_NONE = "search-none"  # the same, for a search that found nothing
SELFCHECK = "selfcheck"  # a self-check's id, once per result shown
CALENDAR = "calendar"  # an .ics: "feed:<district>:<topic>" (the list's subscription) or "event:<id>"
KINDS = (PAGE, SEARCH, SEARCH_NONE, SELFCHECK, CALENDAR)

MAX_KEY = 300


class InsightCount(Base):
    __tablename__ = "insight_count"

    period: Mapped[str] = mapped_column(String(8), primary_key=True)  # "day" or "week"
    start: Mapped[date] = mapped_column(Date, primary_key=True)  # the day, or the Monday of the week
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
