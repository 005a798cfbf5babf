"""Self-check tools in the database: one row per tool, its checked definition as JSON.

Only the tools are stored. Answers and results are never written anywhere.
"""

from __future__ import annotations

import json

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from .schema import Tool


class SelfCheckTool(Base):
    __tablename__ = "selfcheck_tool"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=100)
    definition: Mapped[str] = mapped_column(Text)  # Tool.to_dict() as JSON

    def tool(self) -> Tool:
        return Tool.from_dict(json.loads(self.definition))
