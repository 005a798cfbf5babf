"""Write one feed's items into Event / NewsItem rows and its health onto PartnerFeed.

One transaction per feed under ``lock_for_writing(session, "feed:<id>")``, so two
refreshes running at once queue instead of racing: rows are upserted by ``uid``
(never a second row for the same item) and nothing is deleted. An upcoming event
missing from a feed that still parses is hidden; when it comes back it is shown
again. Past events that drop out of a feed stay as they are (they belong to the
archive), and so does news (feeds keep only their latest items).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import lock_for_writing, session_scope, utcnow
from ..events.model import Event, NewsItem, Partner, PartnerFeed
from .fetch import FetchResult
from .parse import FeedItem, ParsedFeed, detect_lang


@dataclass
class FeedOutcome:
    """What one refresh did to one feed (printed as one summary line)."""

    feed_id: int
    label: str
    result: str = ""  # ok | not-modified | error | skipped (the refresh ran out of time before its turn)
    error: str = ""
    error_kind: str = ""
    items: int = 0
    events: int = 0
    news: int = 0
    new: int = 0
    updated: int = 0
    hidden: int = 0
    shown_again: int = 0

    @property
    def failed(self) -> bool:
        return self.result == "error"

    @property
    def skipped(self) -> bool:
        return self.result == "skipped"

    @property
    def changed(self) -> bool:
        return bool(self.new or self.updated or self.hidden or self.shown_again)

    def summary(self) -> str:
        if self.result == "error":
            return f"{self.label}: error: {self.error}"
        if self.result == "skipped":
            return f"{self.label}: skipped: the refresh ran out of time before this feed's turn; it is read next time"
        if self.result == "not-modified":
            return f"{self.label}: not modified since the last refresh"
        line = f"{self.label}: ok, {self.items} items ({self.events} events, {self.news} news), {self.new} new"
        if self.updated:
            line += f", {self.updated} updated"
        if self.hidden:
            line += f", {self.hidden} hidden"
        if self.shown_again:
            line += f", {self.shown_again} shown again"
        return line


def item_lang(feed: PartnerFeed, parsed: ParsedFeed, item: FeedItem) -> str:
    """The feed's default language, else the item's or feed's xml:lang, else guessed from the text."""
    return feed.default_lang or item.lang or parsed.lang or detect_lang(item.title, item.summary)


def _hash(*values: object) -> str:
    return hashlib.sha256(json.dumps(values, default=str, ensure_ascii=False).encode()).hexdigest()


def record_error(app: Flask, feed_id: int, kind: str, message: str, outcome: FeedOutcome) -> FeedOutcome:
    """Note the failure on the feed's health; its events and news are left exactly as they were."""
    with session_scope(app) as session:
        lock_for_writing(session, f"feed:{feed_id}")
        feed = session.get(PartnerFeed, feed_id)
        if feed is not None:
            feed.last_fetched_at = utcnow()
            feed.last_result = "error"
            feed.last_error = message
            feed.last_error_kind = kind
    outcome.result, outcome.error, outcome.error_kind = "error", message, kind
    return outcome


def record_not_modified(app: Flask, feed_id: int, outcome: FeedOutcome) -> FeedOutcome:
    """A 304: only the health fields change."""
    with session_scope(app) as session:
        lock_for_writing(session, f"feed:{feed_id}")
        feed = session.get(PartnerFeed, feed_id)
        if feed is not None:
            now = utcnow()
            feed.last_fetched_at = feed.last_success_at = now
            feed.last_result = "not-modified"
            feed.last_error = feed.last_error_kind = ""
    outcome.result = "not-modified"
    return outcome


def store_feed(app: Flask, feed_id: int, fetched: FetchResult, parsed: ParsedFeed, outcome: FeedOutcome) -> FeedOutcome:
    """Upsert the parsed items and the feed's health in one transaction."""
    with session_scope(app) as session:
        lock_for_writing(session, f"feed:{feed_id}")
        feed = session.get(PartnerFeed, feed_id)
        if feed is None:  # removed from content/ since the refresh started
            outcome.result = "error"
            outcome.error = "The feed was removed while it was being refreshed."
            return outcome
        partner = session.get(Partner, feed.partner_id)
        now = utcnow()
        _store_events(session, feed, partner, parsed, now, outcome)
        _store_news(session, feed, parsed, now, outcome)
        feed.etag, feed.last_modified = fetched.etag[:500], fetched.last_modified[:100]
        feed.last_fetched_at = feed.last_success_at = now
        feed.last_result, feed.last_error, feed.last_error_kind = "ok", "", ""
        feed.items_found = outcome.items = len(parsed.items)
        feed.events_found = outcome.events = len(parsed.events)
        feed.news_found = outcome.news = len(parsed.news)
    outcome.result = "ok"
    return outcome


def _store_events(
    session: Session,
    feed: PartnerFeed,
    partner: Partner | None,
    parsed: ParsedFeed,
    now: datetime,
    outcome: FeedOutcome,
) -> None:
    existing = {row.uid: row for row in session.scalars(select(Event).where(Event.feed_id == feed.id))}
    seen: set[str] = set()
    for item in parsed.events:
        uid = f"feed:{feed.id}:{item.guid}"
        if uid in seen:
            continue
        seen.add(uid)
        lang = "zh" if item_lang(feed, parsed, item) == "zh-hk" else "en"
        fields = {
            f"title_{lang}": item.title[:500],
            f"description_{lang}": item.summary,
            f"venue_{lang}": item.location[:500],
            "starts": item.starts,
            "ends": item.ends,
            "all_day": item.all_day,
            "timezone_offset_minutes": item.offset_minutes,
            "original_url": item.link[:1000],
            "status": item.status,
        }
        digest = _hash(sorted(fields.items()))
        row = existing.get(uid)
        if row is None:
            row = Event(
                uid=uid,
                source="feed",
                partner_id=feed.partner_id,
                feed_id=feed.id,
                district=feed.default_district,
                is_example=bool(partner and partner.is_example),
                first_seen=now,
            )
            session.add(row)
            outcome.new += 1
        elif row.content_hash != digest:
            outcome.updated += 1
        if row.hidden:
            row.hidden = False
            outcome.shown_again += 1
        for name, value in fields.items():
            setattr(row, name, value)
        row.content_hash, row.last_seen = digest, now
    for uid, row in existing.items():
        upcoming = (row.ends or row.starts) >= now
        if uid not in seen and not row.hidden and upcoming:
            row.hidden = True
            outcome.hidden += 1


def _store_news(session: Session, feed: PartnerFeed, parsed: ParsedFeed, now: datetime, outcome: FeedOutcome) -> None:
    existing = {row.uid: row for row in session.scalars(select(NewsItem).where(NewsItem.feed_id == feed.id))}
    for item in parsed.news:
        uid = f"feed:{feed.id}:{item.guid}"
        row = existing.get(uid)
        if row is None:
            row = NewsItem(uid=uid, partner_id=feed.partner_id, feed_id=feed.id, first_seen=now)
            session.add(row)
            existing[uid] = row
            outcome.new += 1
        row.lang = item_lang(feed, parsed, item)
        row.title, row.summary, row.url = item.title[:500], item.summary, item.link[:1000]
        row.published, row.hidden, row.last_seen = item.published, False, now
