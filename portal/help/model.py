from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..bilingual import written_text
from ..db import Base


class Hotline(Base):
    """A verified hotline; both languages in one row (the number is the same)."""

    __tablename__ = "hotline"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str] = mapped_column(String(60))
    dial: Mapped[str] = mapped_column(String(30))  # digits for tel: links
    channel: Mapped[str] = mapped_column(String(20), default="phone")  # phone | text
    in_help_bar: Mapped[int] = mapped_column(Integer, default=0)  # 0 = not shown; else order
    name_en: Mapped[str] = mapped_column(String(300))
    name_zh: Mapped[str] = mapped_column(String(300))
    name_zhs: Mapped[str] = mapped_column(String(300), default="")
    short_en: Mapped[str] = mapped_column(String(80), default="")  # label in the help bar
    short_zh: Mapped[str] = mapped_column(String(80), default="")
    short_zhs: Mapped[str] = mapped_column(String(80), default="")
    hours_en: Mapped[str] = mapped_column(String(200), default="")
    hours_zh: Mapped[str] = mapped_column(String(200), default="")
    hours_zhs: Mapped[str] = mapped_column(String(200), default="")
    purpose_en: Mapped[str] = mapped_column(Text, default="")
    purpose_zh: Mapped[str] = mapped_column(Text, default="")
    purpose_zhs: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(40), default="support")
    crisis: Mapped[int] = mapped_column(Integer, default=0)  # 1 = shown in crisis messages
    source: Mapped[str] = mapped_column(Text, default="")

    def name(self, lang: str) -> str:
        return written_text(self, "name", lang)

    def short_name(self, lang: str) -> str:
        """The help bar's label: short, so the bar stays one line on a laptop."""
        return written_text(self, "short", lang) or self.name(lang)

    def hours(self, lang: str) -> str:
        return written_text(self, "hours", lang)

    def purpose(self, lang: str) -> str:
        return written_text(self, "purpose", lang)
