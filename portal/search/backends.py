"""Two full-text backends behind one small interface: write rows, find rows.

Both index the same normalised token strings and both rank title matches above
body matches (FTS5 ``bm25`` column weights 10:1; PostgreSQL ``setweight`` A/B with
``ts_rank`` weights 1.0 / 0.1). Terms are always our own clean tokens, quoted, so
the query syntax of neither engine is reachable from user input.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from ..db import UTCDateTime
from .model import COVERING_INDEX, POSTGRES_DDL, SQLITE_DDL
from .text import Clause


class Backend:
    name = ""
    ddl: tuple[str, ...] = ()

    def ensure(self, session: Session) -> None:
        for statement in self.ddl:
            session.execute(text(statement))

    def index_rows(self, session: Session, ids: Sequence[int]) -> None:
        raise NotImplementedError

    def delete_rows(self, session: Session, ids: Sequence[int]) -> None:
        raise NotImplementedError

    def find(
        self,
        session: Session,
        clauses: Sequence[Clause],
        any_clause: bool,
        lang: str,
        limit: int,
        offset: int,
        kinds: Sequence[str],
        now: datetime,
    ) -> tuple[list[int], dict[str, int]]:
        """Ids of one page of matches, best first, and the number of matches per kind (all kinds).

        A match satisfies every clause (any one clause with ``any_clause``) and is published at ``now``.
        """
        raise NotImplementedError


# A document of an item still waiting for its publication moment (portal/publishing.py) is no match yet:
# the index holds it from the sync on, and it is found from that moment, without another sync.
NOT_SCHEDULED = (
    " AND NOT EXISTS (SELECT 1 FROM publication p WHERE p.kind = d.kind AND p.key = d.key"
    " AND p.lang IN ('', d.lang) AND p.at > :now)"
)


def _with_now(query, now: datetime):
    return query.bindparams(bindparam("now", value=now, type_=UTCDateTime()))


def expression(clauses: Sequence[Clause], any_clause: bool, quote: str, and_: str, or_: str) -> str:
    """A boolean query in the engine's syntax, from clauses of our own clean tokens (always quoted)."""

    def group(parts: list[str], joiner: str) -> str:
        return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"

    rendered = [
        group([group([f"{quote}{token}{quote}" for token in alt], and_) for alt in clause], or_) for clause in clauses
    ]
    return (or_ if any_clause else and_).join(rendered)


def _kind_filter(kinds: Sequence[str]) -> tuple[str, dict]:
    if not kinds:
        return "", {}
    return " AND d.kind IN :kinds", {"kinds": list(kinds)}


def _expanding(statement: str, kinds: Sequence[str], now: datetime):
    query = _with_now(text(statement), now)
    return query.bindparams(bindparam("kinds", expanding=True)) if kinds else query


class SqliteBackend(Backend):
    name = "sqlite"
    ddl = SQLITE_DDL

    def index_rows(self, session: Session, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            session.execute(
                text(
                    "INSERT INTO search_fts (rowid, title, body) "
                    "SELECT id, title_tokens, body_tokens FROM search_doc WHERE id IN :ids"
                ).bindparams(bindparam("ids", expanding=True)),
                {"ids": chunk},
            )

    def delete_rows(self, session: Session, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), 500):
            session.execute(
                text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(bindparam("ids", expanding=True)),
                {"ids": list(ids[start : start + 500])},
            )

    def find(self, session, clauses, any_clause, lang, limit, offset, kinds, now):
        """One pass over the matches: the boolean expression is evaluated once (a thesaurus clause with
        common words is costly), each match's kind and bm25 score come back, counts and the page are
        made here. Fetching a few thousand (id, kind, score) tuples costs less than a second MATCH."""
        match = expression(clauses, any_clause, '"', " AND ", " OR ")
        rows = session.execute(
            _with_now(text(f"SELECT d.id, d.kind, bm25(search_fts, 10.0, 1.0) FROM search_fts CROSS JOIN search_doc d "
                           f"INDEXED BY {COVERING_INDEX} ON d.id = search_fts.rowid "
                           f"WHERE search_fts MATCH :match AND d.lang = :lang{NOT_SCHEDULED}"), now),
            {"match": match, "lang": lang},
        ).all()  # fmt: skip
        counts: dict[str, int] = {}
        for _id, kind, _score in rows:
            counts[kind] = counts.get(kind, 0) + 1
        chosen = [(score, doc_id) for doc_id, kind, score in rows if not kinds or kind in kinds]
        page = heapq.nsmallest(offset + limit, chosen)[offset:]
        return [doc_id for _score, doc_id in page], counts


class PostgresBackend(Backend):
    name = "postgresql"
    ddl = POSTGRES_DDL

    def index_rows(self, session: Session, ids: Sequence[int]) -> None:
        session.execute(
            text(
                "UPDATE search_doc SET tsv = setweight(to_tsvector('simple', title_tokens), 'A') "
                "|| setweight(to_tsvector('simple', body_tokens), 'B') WHERE id = ANY(:ids)"
            ),
            {"ids": list(ids)},
        )

    def delete_rows(self, session: Session, ids: Sequence[int]) -> None:
        """Nothing to do: the tsvector lives in the row itself."""

    def find(self, session, clauses, any_clause, lang, limit, offset, kinds, now):
        query = expression(clauses, any_clause, "'", " & ", " | ")
        where = f"d.tsv @@ q AND d.lang = :lang{NOT_SCHEDULED}"
        source = "FROM search_doc d, to_tsquery('simple', :query) q"
        counts = session.execute(
            _with_now(text(f"SELECT d.kind, count(*) {source} WHERE {where} GROUP BY d.kind"), now),
            {"query": query, "lang": lang},
        ).all()
        kind_sql, params = _kind_filter(kinds)
        rows = session.execute(
            _expanding(
                f"SELECT d.id {source} WHERE {where}{kind_sql} "
                "ORDER BY ts_rank('{0.0, 0.0, 0.1, 1.0}', d.tsv, q) DESC, d.id LIMIT :limit OFFSET :offset",
                kinds,
                now,
            ),
            {"query": query, "lang": lang, "limit": limit, "offset": offset, **params},
        ).all()
        return [row[0] for row in rows], dict(counts)


def backend_for(session: Session) -> Backend:
    dialect = session.get_bind().dialect.name
    return PostgresBackend() if dialect == "postgresql" else SqliteBackend()
