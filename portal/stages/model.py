"""A life stage (content/stages.yml): both languages in one row, with the tags and help that fit it."""

from __future__ import annotations

import json

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..bilingual import written_text
from ..db import Base


class Stage(Base):
    __tablename__ = "life_stage"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_zhs: Mapped[str] = mapped_column(String(200), default="")
    intro_en: Mapped[str] = mapped_column(Text, default="")
    intro_zh: Mapped[str] = mapped_column(Text, default="")
    intro_zhs: Mapped[str] = mapped_column(Text, default="")
    tags_json: Mapped[str] = mapped_column(Text, default="[]")
    hotlines_json: Mapped[str] = mapped_column(Text, default="[]")  # ids in content/hotlines.yml
    selfchecks_json: Mapped[str] = mapped_column(Text, default="[]")  # ids of content/selfcheck/*.yml

    def name(self, lang: str) -> str:
        return written_text(self, "name", lang)

    def intro(self, lang: str) -> str:
        return written_text(self, "intro", lang)

    @property
    def tags(self) -> list[str]:
        return json.loads(self.tags_json)

    @property
    def hotlines(self) -> list[str]:
        return json.loads(self.hotlines_json)

    @property
    def selfchecks(self) -> list[str]:
        return json.loads(self.selfchecks_json)
