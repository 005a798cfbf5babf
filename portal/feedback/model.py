"""What a visitor sent: yes/no and a comment about a page, or a correction for a centre.

A row holds the page, its language, the answer and the comment (personal
details already taken out), and the hour it arrived. Nothing about the
visitor: no address, no user agent, no cookie, no exact time that could be
matched against a server's access log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime, utcnow

USEFUL = "useful"  # "Was this page useful?"
CORRECTION = "correction"  # "Report a correction" on a centre page
CATEGORIES = (USEFUL, CORRECTION)


def this_hour() -> datetime:
    """Now, to the hour (UTC): precise enough for editors, too coarse to single out a visit."""
    return utcnow().replace(minute=0, second=0, microsecond=0)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_page_received", "page", "received"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received: Mapped[datetime] = mapped_column(UTCDateTime, default=this_hour, index=True)
    page: Mapped[str] = mapped_column(String(300))  # the site path, e.g. /en/articles/family-meals
    lang: Mapped[str] = mapped_column(String(10))
    category: Mapped[str] = mapped_column(String(20), default=USEFUL)
    useful: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # None for a correction
    comment: Mapped[str] = mapped_column(Text, default="")  # redacted before it is stored
    centre_key: Mapped[str | None] = mapped_column(String(100), nullable=True)
