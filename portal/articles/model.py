"""Article rows: one per (slug, language), rendered HTML ready to serve."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow


class Article(Base):
    __tablename__ = "article"
    __table_args__ = (
        UniqueConstraint("slug", "lang", name="uq_article_slug_lang"),
        Index("ix_article_lang_published", "lang", "published"),
        Index("ix_article_lang_category", "lang", "category"),
        # Covers the "related articles" scan (queries.related), which then never reads the large rows.
        Index("ix_article_related", "lang", "category", "published", "slug", "tags_json"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(120))
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(60))
    tags_json: Mapped[str] = mapped_column(Text, default="[]")
    published: Mapped[date] = mapped_column(Date)
    reviewed: Mapped[date] = mapped_column(Date)
    review_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    author: Mapped[str] = mapped_column(String(200), default="")
    image: Mapped[str | None] = mapped_column(String(300), nullable=True)
    image_alt: Mapped[str] = mapped_column(String(500), default="")
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    body_html: Mapped[str] = mapped_column(Text)
    sources_json: Mapped[str] = mapped_column(Text, default="[]")  # citations, see .sources
    toc_json: Mapped[str] = mapped_column(Text, default="[]")
    plain_text: Mapped[str] = mapped_column(Text, default="")
    reading_minutes: Mapped[int] = mapped_column(Integer, default=1)
    source_path: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def tags(self) -> list[str]:
        return json.loads(self.tags_json)

    @property
    def sources(self) -> list[dict[str, object]]:
        """The citations, each with title, url, publisher and (optional) a date."""
        sources = json.loads(self.sources_json or "[]")
        for source in sources:
            if source.get("date"):
                source["date"] = date.fromisoformat(source["date"])
        return sources

    @property
    def toc(self) -> list[tuple[int, str, str]]:
        return [tuple(item) for item in json.loads(self.toc_json)]


class Category(Base):
    """An article category in one language (from content/categories.yml)."""

    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("key", "lang", name="uq_category_key_lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    lang: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Tag(Base):
    """A tag label in one language (from content/tags.yml)."""

    __tablename__ = "tag"
    __table_args__ = (UniqueConstraint("key", "lang", name="uq_tag_key_lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(60))
    lang: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(200))
