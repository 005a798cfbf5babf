"""Site pages (About, Contact, Privacy…), the contact settings and the quick-exit tags, as stored rows."""

from __future__ import annotations

import json
from datetime import date, datetime

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..bilingual import written_text
from ..db import Base, UTCDateTime, utcnow

# The site pages and their order in the footer. Each has an address /<lang>/<slug>; a new page
# needs its slug here (a folder in content/site/ that is not listed is reported by the check).
PAGES = ("about", "contact", "privacy", "accessibility", "terms", "browsing-safely")


class SitePage(Base):
    """One site page in one language: content/site/<slug>/<lang>.md, rendered."""

    __tablename__ = "site_page"
    __table_args__ = (UniqueConstraint("slug", "lang", name="uq_site_page_slug_lang"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(60))
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    reviewed: Mapped[date] = mapped_column(Date)
    body_html: Mapped[str] = mapped_column(Text)
    toc_json: Mapped[str] = mapped_column(Text, default="[]")
    source_path: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def toc(self) -> list[tuple[int, str, str]]:
        return [tuple(item) for item in json.loads(self.toc_json)]


class SiteContact(Base):
    """How readers reach the editors (content/site/contact.yml); one row.

    ``email`` is "" while the file holds a placeholder, so a page can never show one.
    """

    __tablename__ = "site_contact"

    key: Mapped[str] = mapped_column(String(20), primary_key=True, default="contact")
    email: Mapped[str] = mapped_column(String(300), default="")
    expect_zhs: Mapped[str] = mapped_column(Text, default="")  # Simplified, made from expect_zh at sync
    expect_en: Mapped[str] = mapped_column(Text, default="")
    expect_zh: Mapped[str] = mapped_column(Text, default="")

    def expect(self, lang: str) -> str:
        """What happens after someone writes to us, in ``lang`` (the Simplified text made at sync)."""
        return written_text(self, "expect", lang)


class QuickExitTag(Base):
    """A tag (content/tags.yml, ``quick_exit: true``) whose articles and events show "Exit this page"."""

    __tablename__ = "quick_exit_tag"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
