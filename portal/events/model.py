"""Events, partners (NGOs), their feeds and their news: the shared data model of issue 3.

Editors' markdown events (``source="editor"``) and partner feed items
(``source="feed"``, written by ``flask feeds refresh``) share the ``event`` table.
Feed items without event dates become :class:`NewsItem` rows. Rows are never
deleted when a feed drops an item: they are ``hidden``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..bilingual import fill_simplified, own_text, pick
from ..db import Base, UTCDateTime, utcnow
from ..i18n import SIMPLIFIED, is_chinese
from ..simplified import Converter
from .facts import Fee, Foreign, fee_facts, language_items, with_simplified_note

AUDIENCES = ("parents", "couples", "carers", "elderly", "children", "youth", "everyone")
STATUSES = ("scheduled", "cancelled", "postponed", "full")
FEED_RESULTS = ("", "ok", "not-modified", "error")
ERROR_KINDS = (
    "timeout",
    "http-status",
    "too-large",
    "not-a-feed",
    "too-many-redirects",
    "bad-scheme",
    "connection",
    "encoding",
    "out-of-time",
    "",
)


def split_list(value: str) -> list[str]:
    """A comma-separated column as a list (empty items dropped)."""
    return [item.strip() for item in (value or "").split(",") if item.strip()]


class Partner(Base):
    """A partner NGO, from ``content/partners/<id>.yml``."""

    __tablename__ = "partner"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(300), default="")
    name_zh: Mapped[str] = mapped_column(String(300), default="")
    name_zhs: Mapped[str] = mapped_column(String(300), default="")  # Simplified, made from name_zh
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_zhs: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    logo: Mapped[str] = mapped_column(String(300), default="")
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    def name(self, lang: str) -> str:
        return pick(self, "name", lang)

    def description(self, lang: str) -> str:
        return pick(self, "description", lang)


class PartnerFeed(Base):
    """One feed of a partner; the health columns are written by ``flask feeds refresh``."""

    __tablename__ = "partner_feed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partner.id"), index=True)
    url: Mapped[str] = mapped_column(String(1000), unique=True)
    format_hint: Mapped[str] = mapped_column(String(10), default="")
    default_lang: Mapped[str] = mapped_column(String(8), default="")
    default_district: Mapped[str] = mapped_column(String(60), default="")
    # Health.
    etag: Mapped[str] = mapped_column(String(500), default="")
    last_modified: Mapped[str] = mapped_column(String(100), default="")
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_result: Mapped[str] = mapped_column(String(20), default="")
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_kind: Mapped[str] = mapped_column(String(30), default="")
    items_found: Mapped[int] = mapped_column(Integer, default=0)
    events_found: Mapped[int] = mapped_column(Integer, default=0)
    news_found: Mapped[int] = mapped_column(Integer, default=0)


class FeedHealthNote(Base):
    """One note on the last successful read of a feed (a cap hit, an item skipped, an XML warning,
    "empty since"): replaced as a whole by each successful refresh. A table of its own rather than
    columns on ``partner_feed``, which ``create_all`` could not add to an existing database."""

    __tablename__ = "feed_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feed_id: Mapped[int] = mapped_column(ForeignKey("partner_feed.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    position: Mapped[int] = mapped_column(Integer, default=0)
    uid: Mapped[str] = mapped_column(String(400), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    detail: Mapped[str] = mapped_column(String(100), default="")
    extra: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[int] = mapped_column(Integer, default=0)
    since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Simplified copies of the item's title and place as the feed wrote them ("" without Chinese).
    title_zhs: Mapped[str] = mapped_column(String(500), default="")
    extra_zhs: Mapped[str] = mapped_column(Text, default="")

    __simplified__ = (("title", "title_zhs"), ("extra", "extra_zhs"))

    def shown_title(self, lang: str) -> str:
        """The feed item's title as a page in ``lang`` quotes it."""
        return (self.title_zhs or self.title) if lang == SIMPLIFIED else self.title

    def shown_extra(self, lang: str) -> str:
        return (self.extra_zhs or self.extra) if lang == SIMPLIFIED else self.extra


EVENT_TEXT = ("title", "description", "venue", "address")  # the fields an event has in each language


def fill_event_simplified(values: dict[str, Any], convert: Converter | None = None) -> dict[str, Any]:
    """An event row's values (editor or feed) with their Simplified text: the four fields and the fee's note."""
    fill_simplified(values, EVENT_TEXT, convert, Event)
    if values.get("fee"):
        values["fee"] = with_simplified_note(str(values["fee"]), convert)
    return values


class Event(Base):
    """An event from an editor's markdown or a partner feed (URL ``/<lang>/events/<id>``)."""

    __tablename__ = "event"
    __table_args__ = (Index("ix_event_visible_starts", "hidden", "starts"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(700), unique=True)
    source: Mapped[str] = mapped_column(String(10), default="editor")
    partner_id: Mapped[str | None] = mapped_column(ForeignKey("partner.id"), nullable=True, index=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("partner_feed.id"), nullable=True, index=True)
    title_en: Mapped[str] = mapped_column(String(500), default="")
    title_zh: Mapped[str] = mapped_column(String(500), default="")
    title_zhs: Mapped[str] = mapped_column(String(500), default="")  # Simplified, made from title_zh
    description_en: Mapped[str] = mapped_column(Text, default="")
    description_zh: Mapped[str] = mapped_column(Text, default="")
    description_zhs: Mapped[str] = mapped_column(Text, default="")
    venue_en: Mapped[str] = mapped_column(String(500), default="")
    venue_zh: Mapped[str] = mapped_column(String(500), default="")
    venue_zhs: Mapped[str] = mapped_column(String(500), default="")
    address_en: Mapped[str] = mapped_column(String(500), default="")
    address_zh: Mapped[str] = mapped_column(String(500), default="")
    address_zhs: Mapped[str] = mapped_column(String(500), default="")
    starts: Mapped[datetime] = mapped_column(UTCDateTime)
    ends: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    timezone_offset_minutes: Mapped[int] = mapped_column(Integer, default=480)
    district: Mapped[str] = mapped_column(String(60), default="", index=True)
    online_url: Mapped[str] = mapped_column(String(1000), default="")
    registration_url: Mapped[str] = mapped_column(String(1000), default="")
    original_url: Mapped[str] = mapped_column(String(1000), default="")
    audience: Mapped[str] = mapped_column(String(300), default="")
    topics: Mapped[str] = mapped_column(String(500), default="")
    fee: Mapped[str] = mapped_column(String(300), default="")
    is_free: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    languages: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    is_example: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64), default="")

    def title(self, lang: str) -> str:
        return pick(self, "title", lang)

    def description(self, lang: str) -> str:
        return pick(self, "description", lang)

    def venue(self, lang: str) -> str:
        return pick(self, "venue", lang)

    def address(self, lang: str) -> str:
        return pick(self, "address", lang)

    def is_translated(self, lang: str) -> bool:
        """False when the title only exists in the other language (the page says so)."""
        return bool(own_text(self, "title", lang))

    @property
    def audience_list(self) -> list[str]:
        return split_list(self.audience)

    @property
    def topic_list(self) -> list[str]:
        return split_list(self.topics)

    @property
    def language_list(self) -> list[str]:
        return split_list(self.languages)

    @property
    def language_items(self) -> list[str | Foreign]:
        """Languages as labels in the page's language, or as Foreign text (see facts.py)."""
        return language_items(self.language_list)

    @property
    def fee_facts(self) -> Fee:
        return fee_facts(self.fee, self.is_free)


class NewsItem(Base):
    """A feed item without event dates: the partner's news."""

    __tablename__ = "news_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(700), unique=True)
    partner_id: Mapped[str | None] = mapped_column(ForeignKey("partner.id"), nullable=True, index=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("partner_feed.id"), nullable=True, index=True)
    lang: Mapped[str] = mapped_column(String(8), default="")
    title: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # Simplified copies of a Chinese item's text ("" for an item without Chinese), made by the feed store.
    title_zhs: Mapped[str] = mapped_column(String(500), default="")
    summary_zhs: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    published: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __simplified__ = (("title", "title_zhs"), ("summary", "summary_zhs"))

    def shown_title(self, lang: str) -> str:
        """The title as a page in ``lang`` shows it: the Simplified copy on a Simplified page, if there is one."""
        return (self.title_zhs or self.title) if lang == SIMPLIFIED else self.title

    def shown_summary(self, lang: str) -> str:
        return (self.summary_zhs or self.summary) if lang == SIMPLIFIED else self.summary

    def shown_lang(self, lang: str) -> str:
        """The language (a served code) of the text a page in ``lang`` shows: its own when the item is in it
        or in the other Chinese edition's script."""
        if self.lang == "zh-hk" and is_chinese(lang):
            return lang if lang != SIMPLIFIED or self.title_zhs else "zh-hk"
        return self.lang or lang
