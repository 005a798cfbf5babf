"""Read-side queries for events and partners: filters from the query string, lists, calendar months."""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy import Select, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from ..params import choice, iso_day, iso_month, text
from ..publishing import clock_now, is_scheduled, visible_now
from .model import AUDIENCES, Event, NewsItem, Partner, PartnerFeed

HK = ZoneInfo("Asia/Hong_Kong")
PER_PAGE = 20
FILTER_KEYS = ("district", "from", "to", "audience", "topic", "mode", "free")


@dataclass
class Filters:
    """What the visitor asked for; every field comes from (and goes back to) the query string."""

    district: str = ""
    start: date | None = None
    end: date | None = None
    audience: str = ""
    topic: str = ""
    mode: str = ""  # "" | online | in-person
    free: bool = False
    errors: list[str] = field(default_factory=list)

    @classmethod
    def from_args(cls, args: Any, districts: Collection[str] | None = None) -> Filters:
        """The filters in ``args``; a district not in ``districts`` (when given) is dropped, like any unknown value."""
        district = text(args.get("district"), 40)
        return cls(
            district=district if districts is None else choice(district, districts),
            start=iso_day(args.get("from")),
            end=iso_day(args.get("to")),
            audience=choice(args.get("audience"), AUDIENCES),
            topic=text(args.get("topic"), 60),
            mode=choice(args.get("mode"), ("online", "in-person")),
            free=args.get("free") in ("1", "on", "true", "yes"),
        )

    def as_args(self) -> list[tuple[str, str]]:
        pairs = [
            ("district", self.district),
            ("from", self.start.isoformat() if self.start else ""),
            ("to", self.end.isoformat() if self.end else ""),
            ("audience", self.audience),
            ("topic", self.topic),
            ("mode", self.mode),
            ("free", "1" if self.free else ""),
        ]
        return [(k, v) for k, v in pairs if v]

    @property
    def query_string(self) -> str:
        return urlencode(self.as_args())

    @property
    def active(self) -> bool:
        return bool(self.as_args())

    def apply(self, query: Select) -> Select:
        if self.district:
            query = query.where(Event.district == self.district)
        if self.start:
            query = query.where(Event.starts >= hk_midnight(self.start))
        if self.end:
            query = query.where(Event.starts < hk_midnight(self.end + timedelta(days=1)))
        if self.audience:
            # An event for everyone suits every audience.
            query = query.where(or_(_in_list(Event.audience, self.audience), _in_list(Event.audience, "everyone")))
        if self.topic:
            query = query.where(_in_list(Event.topics, self.topic))
        if self.mode == "online":
            query = query.where(Event.online_url != "")
        elif self.mode == "in-person":
            query = query.where(Event.online_url == "")
        if self.free:
            query = query.where(Event.is_free.is_(True))
        return query


def _in_list(column, value: str):
    """``value`` is one item of a comma-separated column (exact item, not a substring)."""
    padded = "," + func.replace(column, ", ", ",") + ","
    return padded.like(f"%,{value.replace('%', '').replace('_', '')},%")


def hk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), HK).astimezone(UTC)


def now_utc() -> datetime:
    return clock_now()


@dataclass
class Page:
    items: list[Event]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def shown():
    """Events readers may see now: not hidden, and not waiting for their publication moment.

    Every list, calendar, feed, home panel and the sitemap start from it (portal/publishing.py).
    """
    return Event.hidden.is_(False) & visible_now("events", cast(Event.id, String))


def is_shown(session: Session, event: Event) -> bool:
    """Whether this one event may be shown on its own page (a scheduled one is 404 until its moment)."""
    return not is_scheduled(session, "events", str(event.id))


def _visible() -> Select:
    return select(Event).where(shown())


def _still_on(now: datetime):
    """Not over yet: ends in the future, or (no end) starts today or later."""
    today_start = hk_midnight(now.astimezone(HK).date())
    return or_(Event.ends > now, and_(Event.ends.is_(None), Event.starts >= today_start))


def _over(now: datetime):
    """The opposite of :func:`_still_on`, written out so NULL ends do not make both false."""
    today_start = hk_midnight(now.astimezone(HK).date())
    return or_(and_(Event.ends.is_not(None), Event.ends <= now), and_(Event.ends.is_(None), Event.starts < today_start))


def upcoming_query(filters: Filters, now: datetime) -> Select:
    return filters.apply(_visible().where(_still_on(now))).order_by(Event.starts, Event.id)


def past_query(filters: Filters, now: datetime) -> Select:
    return filters.apply(_visible().where(_over(now))).order_by(Event.starts.desc(), Event.id.desc())


def paginate(session: Session, query: Select, page: int, per_page: int = PER_PAGE) -> Page:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    if (page - 1) * per_page >= max(total, 1):  # past the last page: the view answers 404
        return Page([], page, per_page, total)
    items = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return Page(items, page, per_page, total)


def upcoming(session: Session, filters: Filters | None = None, limit: int = 500, now: datetime | None = None):
    return list(session.scalars(upcoming_query(filters or Filters(), now or now_utc()).limit(limit)))


def topic_in_use(session: Session, topic: str) -> bool:
    """Whether any visible event has ``topic`` (stops at the first; cheaper than listing every topic)."""
    query = select(Event.id).where(Event.hidden.is_(False), _in_list(Event.topics, topic)).limit(1)
    return session.scalar(query) is not None


def real():
    """Not an example event: what subscriptions (.ics, Atom), JSON-LD and the sitemap carry."""
    return Event.is_example.is_(False)


def upcoming_real(session: Session, filters: Filters, limit: int = 500) -> list[Event]:
    """Upcoming events for a subscription: the list's filters, never an example event."""
    query = upcoming_query(filters, now_utc()).where(real()).limit(limit)
    return list(session.scalars(query))


def topics_in_use(session: Session) -> list[str]:
    found: set[str] = set()
    for value in session.scalars(select(Event.topics).where(shown())):
        found.update(t.strip() for t in (value or "").split(",") if t.strip())
    return sorted(found)


CALENDAR_REACH_MONTHS = 12  # the calendar answers at most this many months either side of this month


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) the month of ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class CalendarBounds:
    """Which months the calendar serves. ``reach`` (this month ± 12) is every month that exists at all,
    anything else is a 404; ``browse`` (this month and the months of events, inside ``reach``) is where the
    previous/next links go and what search engines may index, so a crawler never walks into empty years."""

    reach: tuple[date, date]
    browse: tuple[date, date]

    def exists(self, first: date) -> bool:
        return self.reach[0] <= first <= self.reach[1]

    def indexable(self, first: date) -> bool:
        return self.browse[0] <= first <= self.browse[1]


def calendar_bounds(session: Session, today: date) -> CalendarBounds:
    this_month = today.replace(day=1)
    low, high = add_months(this_month, -CALENDAR_REACH_MONTHS), add_months(this_month, CALENDAR_REACH_MONTHS)
    earliest, latest = session.execute(select(func.min(Event.starts), func.max(Event.starts)).where(shown())).one()
    months = [this_month] + [moment.astimezone(HK).date().replace(day=1) for moment in (earliest, latest) if moment]
    return CalendarBounds((low, high), (max(low, min(months)), min(high, max(months))))


@dataclass
class Month:
    first: date
    weeks: list[list[date | None]]
    by_day: dict[date, list[Event]]
    bounds: CalendarBounds | None = None

    @property
    def prev(self) -> str | None:
        """``YYYY-MM`` of the month before, or None at the first month with events."""
        before = add_months(self.first, -1)
        return before.strftime("%Y-%m") if self.bounds is None or self.bounds.browse[0] <= before else None

    @property
    def next(self) -> str | None:
        after = add_months(self.first, 1)
        return after.strftime("%Y-%m") if self.bounds is None or after <= self.bounds.browse[1] else None

    @property
    def indexable(self) -> bool:
        return self.bounds is None or self.bounds.indexable(self.first)


def parse_month(value: str | None, today: date) -> date:
    """The month asked for (``YYYY-MM``, 1900-2100), else this month."""
    return iso_month(value) or today.replace(day=1)


def month_view(session: Session, first: date, filters: Filters, bounds: CalendarBounds | None = None) -> Month:
    """A month as weeks (Monday first) and the visible events of each day (Hong Kong dates)."""
    last = (first + timedelta(days=32)).replace(day=1)
    query = filters.apply(_visible()).where(Event.starts >= hk_midnight(first), Event.starts < hk_midnight(last))
    by_day: dict[date, list[Event]] = {}
    for event in session.scalars(query.order_by(Event.starts, Event.id)):
        by_day.setdefault(event.starts.astimezone(HK).date(), []).append(event)
    weeks = [
        [day if day.month == first.month else None for day in week]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    return Month(first, weeks, by_day, bounds)


def partners(session: Session) -> list[Partner]:
    return list(session.scalars(select(Partner).order_by(Partner.is_example, Partner.name_en)))


def partner_feeds(session: Session, partner_id: str) -> list[PartnerFeed]:
    query = select(PartnerFeed).where(PartnerFeed.partner_id == partner_id).order_by(PartnerFeed.id)
    return list(session.scalars(query))


def partner_news(session: Session, partner_id: str, limit: int = 10) -> list[NewsItem]:
    query = (
        select(NewsItem)
        .where(NewsItem.partner_id == partner_id, NewsItem.hidden.is_(False))
        .order_by(NewsItem.published.desc().nulls_last(), NewsItem.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def partner_upcoming(session: Session, partner_id: str, now: datetime | None = None, limit: int = 50) -> list[Event]:
    query = upcoming_query(Filters(), now or now_utc()).where(Event.partner_id == partner_id).limit(limit)
    return list(session.scalars(query))
