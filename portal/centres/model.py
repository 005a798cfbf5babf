"""Centre rows (one per listed centre, both languages) and Hong Kong general holidays."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import Boolean, Date, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..bilingual import own_text, pick
from ..db import Base

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Centre(Base):
    """A family service centre. Only fields a source confirms are filled; the rest stay empty
    and the pages say "not yet verified". ``phones_json`` holds verified numbers only."""

    __tablename__ = "centre"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10))  # IFSC | ISC | other
    name_en: Mapped[str] = mapped_column(String(300), default="")
    name_zh: Mapped[str] = mapped_column(String(300), default="")
    name_zhs: Mapped[str] = mapped_column(String(300), default="")
    operator_en: Mapped[str] = mapped_column(String(300), default="")
    operator_zh: Mapped[str] = mapped_column(String(300), default="")
    operator_zhs: Mapped[str] = mapped_column(String(300), default="")
    district_key: Mapped[str] = mapped_column(String(60), default="")
    address_en: Mapped[str] = mapped_column(Text, default="")
    address_zh: Mapped[str] = mapped_column(Text, default="")
    address_zhs: Mapped[str] = mapped_column(Text, default="")
    phones_json: Mapped[str] = mapped_column(Text, default="[]")
    fax: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    website: Mapped[str] = mapped_column(String(500), default="")
    hours_json: Mapped[str] = mapped_column(Text, default="{}")  # day -> [[open_min, close_min], ...]
    public_holidays: Mapped[str] = mapped_column(String(10), default="")  # closed | open | "" (unknown)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lng: Mapped[float | None] = mapped_column(Float, nullable=True)
    boundary_en: Mapped[str] = mapped_column(Text, default="")
    boundary_zh: Mapped[str] = mapped_column(Text, default="")
    boundary_zhs: Mapped[str] = mapped_column(Text, default="")
    languages_json: Mapped[str] = mapped_column(Text, default="[]")
    accessibility_en: Mapped[str] = mapped_column(Text, default="")
    accessibility_zh: Mapped[str] = mapped_column(Text, default="")
    accessibility_zhs: Mapped[str] = mapped_column(Text, default="")
    last_verified: Mapped[date | None] = mapped_column(Date, nullable=True)
    confidence: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")
    has_hours: Mapped[bool] = mapped_column(Boolean, default=False)

    def name(self, lang: str) -> str:
        return pick(self, "name", lang)

    def name_is_other_language(self, lang: str) -> bool:
        return not own_text(self, "name", lang)

    def operator(self, lang: str) -> str:
        return pick(self, "operator", lang)

    def address(self, lang: str) -> str:
        return pick(self, "address", lang)

    def address_is_other_language(self, lang: str) -> bool:
        return bool(self.address(lang)) and not own_text(self, "address", lang)

    def boundary(self, lang: str) -> str:
        return pick(self, "boundary", lang)

    def boundary_is_other_language(self, lang: str) -> bool:
        return bool(self.boundary(lang)) and not own_text(self, "boundary", lang)

    def accessibility(self, lang: str) -> str:
        return pick(self, "accessibility", lang)

    @property
    def phones(self) -> list[str]:
        return json.loads(self.phones_json)

    @property
    def languages(self) -> list[str]:
        return json.loads(self.languages_json)

    @property
    def hours(self) -> dict[str, list[tuple[int, int]]]:
        return {day: [tuple(span) for span in spans] for day, spans in json.loads(self.hours_json).items()}

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lng is not None

    def unverified_fields(self) -> list[str]:
        """Keys of the important facts no source has confirmed yet."""
        missing = []
        if not (self.address_en or self.address_zh):
            missing.append("address")
        if not self.phones:
            missing.append("phone")
        if not self.has_hours:
            missing.append("hours")
        if not self.has_location:
            missing.append("location")
        return missing


class Holiday(Base):
    """A Hong Kong general holiday (content/holidays.yml)."""

    __tablename__ = "holiday"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200), default="")
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    name_zhs: Mapped[str] = mapped_column(String(200), default="")

    def name(self, lang: str) -> str:
        return pick(self, "name", lang)
