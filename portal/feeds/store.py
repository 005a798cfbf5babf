"""Write one feed's items into Event / NewsItem rows and its health onto PartnerFeed.

One transaction per feed under ``lock_for_writing(session, "feed:<id>")``, so two
refreshes running at once queue instead of racing: rows are upserted by ``uid``
(never a second row for the same item) and nothing is deleted. An upcoming event
missing from a feed that still parses is hidden; when it comes back it is shown
again. Past events that drop out of a feed stay as they are (they belong to the
archive), and so does news (feeds keep only their latest items). A feed that turns
up empty after having events keeps them listed for FEED_EMPTY_GRACE_HOURS (a
publishing slip should not empty the partner's page at once); then they are hidden.

The notes of the read (caps hit, items skipped, XML warnings, "empty since") replace
the feed's previous notes in ``feed_note``. Storing checks the refresh's deadline
too: past it, the transaction is rolled back and the feed keeps what it had.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import delete, func, insert, or_, select
from sqlalchemy.orm import Session

from ..bilingual import simplified_text
from ..db import lock_for_writing, session_scope, utcnow
from ..districts import districts_in_place
from ..events.facts import structured_fee
from ..events.model import EVENT_TEXT, Event, FeedHealthNote, NewsItem, Partner, PartnerFeed, fill_event_simplified
from ..simplified import Converter, converter
from .fetch import FetchResult
from .parse import FeedItem, FeedNote, OutOfTime, ParsedFeed, detect_lang

NAMED_SKIPS = ("item-skipped", "rscale", "row-skipped")
MAX_SKIPPED_NOTES = 50  # skipped items named one by one on the health page; the rest are counted
# How a repeat rule's FREQ reads in the command's summary line.
EVERY = {
    "SECONDLY": "every second",
    "MINUTELY": "every minute",
    "HOURLY": "every hour",
    "DAILY": "every day",
    "WEEKLY": "every week",
    "MONTHLY": "every month",
    "YEARLY": "every year",
}


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
    notes: list[FeedNote] = field(default_factory=list)
    notes_changed: bool = False

    @property
    def failed(self) -> bool:
        return self.result == "error"

    @property
    def skipped(self) -> bool:
        return self.result == "skipped"

    @property
    def changed(self) -> bool:
        """Something visitors see changed (the partner page's notes too): cached pages must go."""
        return bool(self.new or self.updated or self.hidden or self.shown_again or self.notes_changed)

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
        line += "".join(f"; {text}" for text in map(note_summary, self.notes) if text)
        no_district = sum(
            1 if note.kind == "no-district" else note.number
            for note in self.notes
            if note.kind in ("no-district", "more-no-district")
        )
        if no_district:
            line += f"; {no_district} event(s) without a district (named on the partner page)"
        return line


def note_summary(note: FeedNote) -> str:
    """A note in the command's summary line (English, like the rest of its output)."""
    if note.kind == "occurrences-capped":
        return f"only the first {note.number} dates of \u201c{note.title}\u201d were listed" + (
            f" (it repeats {EVERY[note.detail]})" if note.detail in EVERY else ""
        )
    if note.kind == "items-capped":
        return f"only the first {note.number} items were read"
    if note.kind == "item-skipped":
        return f"item {note.position} (\u201c{note.title or note.uid}\u201d) skipped: {note.extra}"
    if note.kind == "rscale":
        return f"item {note.position} (\u201c{note.title or note.uid}\u201d) skipped: RSCALE={note.detail} repeats"
    if note.kind == "row-skipped":
        return f"row {note.position} skipped: {note.extra}"
    if note.kind == "block-unreadable":
        return f"JSON-LD block {note.position} unreadable: {note.extra}"
    if note.kind == "more-skipped":
        return f"{note.number} more items skipped"
    if note.kind == "unnamed":
        return f"{note.number} entries without id, link or title left out"
    if note.kind == "xml-warning":
        return f"read despite XML errors: {note.extra}"
    if note.kind == "empty" and note.until is not None:
        since, until = f"{note.since:%Y-%m-%d %H:%M}", f"{note.until:%Y-%m-%d %H:%M}"
        return f"empty since {since} UTC; {note.number} events kept listed until {until} UTC"
    return ""


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


def store_feed(
    app: Flask,
    feed_id: int,
    fetched: FetchResult,
    parsed: ParsedFeed,
    outcome: FeedOutcome,
    not_after: float | None = None,
) -> FeedOutcome:
    """Upsert the parsed items, the feed's health and its notes in one transaction (OutOfTime past
    ``not_after``, a ``time.monotonic()`` value, with nothing written)."""
    grace = timedelta(hours=float(app.config.get("FEED_EMPTY_GRACE_HOURS", 72.0)))
    with session_scope(app) as session:
        lock_for_writing(session, f"feed:{feed_id}")
        feed = session.get(PartnerFeed, feed_id)
        if feed is None:  # removed from content/ since the refresh started
            outcome.result = "error"
            outcome.error = "The feed was removed while it was being refreshed."
            return outcome
        partner = session.get(Partner, feed.partner_id)
        now = utcnow()
        notes = bounded_notes(parsed.notes)
        empty = _empty_note(session, feed, parsed, now, grace)
        if empty is not None:
            notes.append(empty)
        keep_upcoming = empty is not None and empty.until is not None and now < empty.until
        content_dir = app.config.get("CONTENT_DIR")
        _store_news(session, feed, parsed, now, outcome, content_dir)
        no_district = _store_events(session, feed, partner, parsed, now, outcome, keep_upcoming, not_after, content_dir)
        notes += bounded_notes(no_district, ("no-district",), "more-no-district")
        outcome.notes_changed = _replace_notes(session, feed.id, notes, converter(content_dir))
        feed.etag, feed.last_modified = fetched.etag[:500], fetched.last_modified[:100]
        feed.last_fetched_at = feed.last_success_at = now
        feed.last_result, feed.last_error, feed.last_error_kind = "ok", "", ""
        feed.items_found = outcome.items = len(parsed.items)
        feed.events_found = outcome.events = len(parsed.events)
        feed.news_found = outcome.news = len(parsed.news)
        _check_deadline(not_after)
    outcome.result, outcome.notes = "ok", notes
    return outcome


def _check_deadline(not_after: float | None) -> None:
    if not_after is not None and time.monotonic() >= not_after:
        raise OutOfTime()


def _empty_note(
    session: Session, feed: PartnerFeed, parsed: ParsedFeed, now: datetime, grace: timedelta
) -> FeedNote | None:
    """ "Empty since …" for a valid feed with no items whose events are (or were, until the grace
    period ended) still listed; None for a feed with items, or one that never had events listed."""
    if parsed.items:
        return None
    before = session.scalars(
        select(FeedHealthNote).where(FeedHealthNote.feed_id == feed.id, FeedHealthNote.kind == "empty")
    ).first()
    upcoming = session.scalar(
        select(func.count())
        .select_from(Event)
        .where(Event.feed_id == feed.id, Event.hidden.is_(False), or_(Event.ends >= now, Event.starts >= now))
    )
    if before is None and not upcoming:
        return None
    since = before.since if before is not None and before.since is not None else now
    return FeedNote(kind="empty", since=since, until=since + grace, number=int(upcoming or 0))


def bounded_notes(
    notes: list[FeedNote], named_kinds: tuple[str, ...] = NAMED_SKIPS, more_kind: str = "more-skipped"
) -> list[FeedNote]:
    """At most MAX_SKIPPED_NOTES items of ``named_kinds`` named one by one; the rest counted in one
    ``more_kind`` note."""
    kept: list[FeedNote] = []
    named = more = 0
    for note in notes:
        if note.kind in named_kinds:
            if named >= MAX_SKIPPED_NOTES:
                more += 1
                continue
            named += 1
        kept.append(note)
    if more:
        kept.append(FeedNote(kind=more_kind, number=more))
    return kept


_NOTE_FIELDS = ("kind", "position", "uid", "title", "detail", "extra", "number", "since", "until")


def _replace_notes(session: Session, feed_id: int, notes: list[FeedNote], convert: Converter | None = None) -> bool:
    """Replace the feed's notes; True when they differ from the ones they replace."""
    query = select(FeedHealthNote).where(FeedHealthNote.feed_id == feed_id).order_by(FeedHealthNote.id)
    before = [tuple(getattr(row, name) for name in _NOTE_FIELDS) for row in session.scalars(query)]
    after = [tuple(getattr(note, name) for name in _NOTE_FIELDS) for note in notes]
    if before == after:
        return False
    session.execute(delete(FeedHealthNote).where(FeedHealthNote.feed_id == feed_id))
    session.add_all(
        FeedHealthNote(
            feed_id=feed_id,
            kind=note.kind,
            position=note.position,
            uid=note.uid[:400],
            title=note.title[:500],
            detail=note.detail[:100],
            extra=note.extra,
            number=note.number,
            since=note.since,
            until=note.until,
            title_zhs=simplified_text(note.title[:500], convert, keep_plain=False)[:500],
            extra_zhs=simplified_text(note.extra, convert, keep_plain=False),
        )
        for note in notes
    )
    return True


def _store_events(
    session: Session,
    feed: PartnerFeed,
    partner: Partner | None,
    parsed: ParsedFeed,
    now: datetime,
    outcome: FeedOutcome,
    keep_upcoming: bool = False,
    not_after: float | None = None,
    content_dir: str | None = None,
) -> list[FeedNote]:
    """Upsert the events; hide upcoming ones gone from the feed (unless ``keep_upcoming``: the grace
    period of an empty feed). Returns a "no-district" note for each event left without a district.

    New events go in as one multi-row INSERT (building an ORM object per row cost more than
    parsing it); changed ones are updated through the ORM, unchanged ones (same content hash)
    only get their ``last_seen``.
    """
    existing = {row.uid: row for row in session.scalars(select(Event).where(Event.feed_id == feed.id))}
    convert = converter(content_dir)
    seen: set[str] = set()
    new_rows: list[dict[str, Any]] = []
    notes: list[FeedNote] = []
    noted: set[tuple[str, str]] = set()
    for count, item in enumerate(parsed.events):
        if count % 100 == 0:
            _check_deadline(not_after)
        uid = f"feed:{feed.id}:{item.guid}"
        if uid in seen:
            continue
        seen.add(uid)
        fields = _event_fields(feed, parsed, item)
        digest = _hash(sorted(fields.items()))
        row = existing.get(uid)
        # The item's own district (a spreadsheet column) wins, then the one it has, then the feed's.
        district = fields.pop("district", "") or (row.district if row is not None else feed.default_district)
        if not district:
            district, note = _district_of(session, item, uid)
            if note is not None and (note.title, note.extra) not in noted:  # one note for all dates of an event
                noted.add((note.title, note.extra))
                notes.append(note)
        if row is None or row.content_hash != digest:  # Simplified text made only for what is written
            fill_event_simplified(fields, convert)
        if row is None:
            new_rows.append(
                {
                    **EVENT_DEFAULTS,
                    **fields,
                    "uid": uid,
                    "partner_id": feed.partner_id,
                    "feed_id": feed.id,
                    "district": district,
                    "is_example": bool(partner and partner.is_example),
                    "first_seen": now,
                    "last_seen": now,
                    "content_hash": digest,
                }
            )
            continue
        if row.hidden:
            row.hidden = False
            outcome.shown_again += 1
        if row.content_hash != digest:
            outcome.updated += 1
            for name, value in fields.items():
                setattr(row, name, value)
        row.district, row.content_hash, row.last_seen = district, digest, now
    if new_rows:  # a Core INSERT (same columns and defaults): the ORM's bulk path costs more per row
        session.execute(insert(Event.__table__), new_rows)
        outcome.new += len(new_rows)
    if not keep_upcoming:
        for uid, row in existing.items():
            upcoming = (row.ends or row.starts) >= now
            if uid not in seen and not row.hidden and upcoming:
                row.hidden = True
                outcome.hidden += 1
    return notes


# Every column a feed may set, at its default: one multi-row INSERT needs the same keys in every row.
EVENT_DEFAULTS: dict[str, Any] = {
    "source": "feed",
    **{f"{name}_{lang}": "" for name in EVENT_TEXT for lang in ("en", "zh", "zhs")},
    "online_url": "",
    "registration_url": "",
    "fee": "",
    "is_free": None,
    "languages": "",
    "hidden": False,
}


def _event_fields(feed: PartnerFeed, parsed: ParsedFeed, item: FeedItem) -> dict[str, Any]:
    """The columns an event takes from its feed item (in the item's language), fee made structured."""
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
        **item.event_fields,
    }
    if fields.get("fee"):
        fields.update(structured_fee(str(fields["fee"]), fields.get("is_free")))
    return fields


ONLINE_PLACES = frozenset({"online", "zoom", "網上", "線上", "网上", "线上"})


def _district_of(session: Session, item: FeedItem, uid: str) -> tuple[str, FeedNote | None]:
    """The district inferred from the event's place, or "" with a note saying why not (none for an
    online event, which has no district, and none while the site has no districts loaded)."""
    address = " ".join(value for key, value in item.event_fields.items() if key.startswith("address_") and value)
    found = districts_in_place(session, item.location, address)
    if len(found) == 1:
        return found[0], None
    online = item.event_fields.get("online_url") or item.location.strip().lower() in ONLINE_PLACES
    if (online and not address) or not session.info.get("district_place_names"):
        return "", None
    reason = "several" if found else ("none" if (item.location or address) else "no-place")
    place = " / ".join(part for part in (item.location, address) if part)
    # The note's uid holds the districts that matched (the table has no column of its own for them).
    return "", FeedNote(kind="no-district", uid=",".join(found), title=item.title or uid, detail=reason, extra=place)


def _store_news(
    session: Session,
    feed: PartnerFeed,
    parsed: ParsedFeed,
    now: datetime,
    outcome: FeedOutcome,
    content_dir: str | None = None,
) -> None:
    """Upsert the news (new items in one multi-row INSERT), with the Simplified copy of a Chinese item's text."""
    existing = {row.uid: row for row in session.scalars(select(NewsItem).where(NewsItem.feed_id == feed.id))}
    convert = converter(content_dir)
    new_rows: dict[str, dict[str, Any]] = {}
    for item in parsed.news:
        uid = f"feed:{feed.id}:{item.guid}"
        fields = {
            "lang": item_lang(feed, parsed, item),
            "title": item.title[:500],
            "summary": item.summary,
            "url": item.link[:1000],
            "published": item.published,
            "hidden": False,
            "last_seen": now,
        }
        row = existing.get(uid)
        _news_simplified(fields, row, convert)
        if row is None:
            if uid not in new_rows:
                new_rows[uid] = {**fields, "uid": uid, "partner_id": feed.partner_id, "feed_id": feed.id,
                                 "first_seen": now}  # fmt: skip
            continue
        for name, value in fields.items():
            setattr(row, name, value)
    if new_rows:  # a Core INSERT, as for events
        session.execute(insert(NewsItem.__table__), list(new_rows.values()))
        outcome.new += len(new_rows)


def _news_simplified(fields: dict[str, Any], row: NewsItem | None, convert: Converter) -> None:
    """The Simplified copies of a news item's title and summary ("" without Chinese), converted only when the
    text is new or has changed (an item read again keeps the copies it has)."""
    for name in ("title", "summary"):
        if row is not None and getattr(row, name) == fields[name] and (getattr(row, f"{name}_zhs") or not fields[name]):
            continue
        fields[f"{name}_zhs"] = simplified_text(fields[name], convert, keep_plain=False)
