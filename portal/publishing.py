"""Scheduled publishing: an item is loaded at sync time and shown from its publication moment on.

An article or an editor's event whose ``published`` lies in the future gets a :class:`Publication`
row (kind, key, language, moment). Every query that lists or shows such items adds
:func:`visible_now` for its model, so the item appears everywhere at that moment without
another sync; the page cache's key holds :func:`publication_marker`, so no cached page
outlives a publication either.

Times are Hong Kong time when written without an offset (``2026-12-05``, ``2026-12-05 09:30``)
and stored in UTC. "Now" comes from :func:`clock_now`, which tests replace through the
``CLOCK`` setting (a function returning an aware datetime) instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_app_context
from sqlalchemy import ColumnElement, String, delete, exists, func, literal, or_, select, true
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, UTCDateTime, utcnow

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
ALL_LANGUAGES = ""  # a Publication row for every language of the item (events are one row for both)
PUBLISHED_HELP = "a date like 2026-12-05 or a date and time like 2026-12-05 09:30 (Hong Kong time)"

Clock = Callable[[], datetime]


class Publication(Base):
    """An item hidden until ``at``; only items still to come at their sync have a row."""

    __tablename__ = "publication"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # "articles" | "events" (search kinds too)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # article slug | event id
    lang: Mapped[str] = mapped_column(String(8), primary_key=True)  # "" = every language
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def clock_now(app: Flask | None = None) -> datetime:
    """The current time (UTC), from the ``CLOCK`` setting when a test froze it (outside an app: real time)."""
    if app is None and not has_app_context():
        return utcnow()
    clock: Clock | None = (app or current_app).config.get("CLOCK")
    return clock().astimezone(UTC) if clock else utcnow()


def _previewing() -> bool:
    """The editor's preview shows scheduled items (with a banner saying when they will be public)."""
    return has_app_context() and bool(current_app.config.get("PREVIEW"))


def publication_moment(value: Any) -> datetime:
    """``published`` from front matter as an aware UTC moment (a date alone means 00:00 Hong Kong time).

    Raises ValueError for anything else; accepts what YAML gives (date, datetime) and ISO text.
    """
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=HONG_KONG)).astimezone(UTC)
    if isinstance(value, date):
        return datetime.combine(value, time(), HONG_KONG).astimezone(UTC)
    if isinstance(value, str):
        text = value.strip()
        if len(text) == 10:
            return publication_moment(date.fromisoformat(text))
        return publication_moment(datetime.fromisoformat(text))
    raise ValueError(f"must be {PUBLISHED_HELP}")


def hong_kong_date(moment: datetime) -> date:
    return moment.astimezone(HONG_KONG).date()


def visible_now(kind: str, key: ColumnElement, lang: ColumnElement | None = None, now: datetime | None = None):
    """A criterion for a model's query: no Publication row of this item still to come.

    ``key`` (and ``lang``) are the model's columns naming the item as its Publication rows do.
    """
    if _previewing():
        return true()
    now = now or clock_now()
    langs = [Publication.lang == ALL_LANGUAGES] + ([Publication.lang == lang] if lang is not None else [])
    return ~exists().where(Publication.kind == kind, Publication.key == key, or_(*langs), Publication.at > now)


def is_scheduled(session: Session, kind: str, key: str, lang: str = ALL_LANGUAGES, now: datetime | None = None) -> bool:
    """True while the item (in that language) waits for its publication moment."""
    if _previewing():
        return False
    now = now or clock_now()
    query = select(literal(1)).where(
        Publication.kind == kind,
        Publication.key == key,
        Publication.lang.in_({ALL_LANGUAGES, lang}),
        Publication.at > now,
    )
    return session.scalar(query.limit(1)) is not None


class Schedule:
    """The publication moments of one kind, kept up to date by its sync (only moments still to come get a row)."""

    def __init__(self, session: Session, kind: str, now: datetime | None = None) -> None:
        self.session, self.kind, self.now = session, kind, now or clock_now()
        query = select(Publication.key, Publication.lang).where(Publication.kind == kind)
        self.known: set[tuple[str, str]] = {(key, lang) for key, lang in session.execute(query)}

    def set(self, key: str, lang: str, at: datetime | None) -> None:
        """The item was loaded: hide it until ``at`` (None, or a moment already past: shown now)."""
        if (key, lang) in self.known:
            self.session.execute(delete(Publication).where(*self._row(key, lang)))
            self.known.discard((key, lang))
        if at is not None and at > self.now:
            self.session.add(Publication(kind=self.kind, key=key, lang=lang, at=at))
            self.session.flush()
            self.known.add((key, lang))

    def forget(self, key: str, lang: str | None = None) -> None:
        """The item is gone (``lang`` None: every language)."""
        for known_key, known_lang in list(self.known):
            if known_key == key and lang in (None, known_lang):
                self.session.execute(delete(Publication).where(*self._row(known_key, known_lang)))
                self.known.discard((known_key, known_lang))

    def _row(self, key: str, lang: str) -> list:
        return [Publication.kind == self.kind, Publication.key == key, Publication.lang == lang]


def publication_marker(connection: Any, now: datetime) -> tuple[int, datetime | None]:
    """How many moments have come (part of every page-cache key) and the next one still to come.

    A page cached before a publication is never served after it: its key held a smaller count.
    """
    passed = connection.execute(select(func.count()).select_from(Publication).where(Publication.at <= now)).scalar()
    upcoming = connection.execute(select(func.min(Publication.at)).where(Publication.at > now)).scalar()
    if isinstance(upcoming, str):  # SQLite hands an aggregate back untyped
        upcoming = datetime.fromisoformat(upcoming)
    if upcoming is not None and upcoming.tzinfo is None:
        upcoming = upcoming.replace(tzinfo=UTC)
    return int(passed or 0), upcoming
