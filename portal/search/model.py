"""The search index: one row per (kind, key, language) document.

The original title and text are kept for snippets; the normalised token strings
(see :mod:`portal.search.text`) feed the full-text index of the backend: an FTS5
virtual table ``search_fts`` on SQLite, a weighted ``tsv`` tsvector column with a
GIN index on PostgreSQL. Both are created with the table (and checked again
before each reindex, for databases made before search existed).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import DDL, Date, Index, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

SQLITE_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')",
)
POSTGRES_DDL = (
    "ALTER TABLE search_doc ADD COLUMN IF NOT EXISTS tsv tsvector",
    "CREATE INDEX IF NOT EXISTS ix_search_doc_tsv ON search_doc USING gin (tsv)",
)


class SearchDoc(Base):
    __tablename__ = "search_doc"
    __table_args__ = (Index("ix_search_doc_lang_kind", "lang", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text, default="")
    endpoint: Mapped[str] = mapped_column(String(80), default="")
    args_json: Mapped[str] = mapped_column(Text, default="{}")
    url: Mapped[str] = mapped_column(String(1000), default="")  # external link, or fallback when endpoint is absent
    day: Mapped[date | None] = mapped_column(Date, nullable=True)
    title_tokens: Mapped[str] = mapped_column(Text, default="")
    body_tokens: Mapped[str] = mapped_column(Text, default="")


for _statement in SQLITE_DDL:
    event.listen(SearchDoc.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
# Matches are joined to their language and kind through this narrow index (INDEXED BY in the SQLite
# backend): reading them from the wide rows cost 6 of 12 ms for a word in 2,000 documents. Made at
# every start-up, so a database from before it has it too.
COVERING_INDEX = "ix_search_doc_id_lang_kind"
event.listen(
    Base.metadata,
    "after_create",
    DDL(f"CREATE INDEX IF NOT EXISTS {COVERING_INDEX} ON search_doc (id, lang, kind)").execute_if(dialect="sqlite"),
)
for _statement in POSTGRES_DDL:
    event.listen(SearchDoc.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
