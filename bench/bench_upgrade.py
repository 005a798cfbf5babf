"""Upgrade of a production-sized database from the previous release (issue 18: <= 60 s).

Builds what d4fe00e (the last release before migrations) would hold after a year: its schema, from the
DDL its own create_all emitted (tests/fixtures/previous_release/), with 10,000 articles (bodies of a
few kilobytes), 5,000 events from 50 partner feeds with their health and notes, news and search
documents; then times ``flask db upgrade``'s code (adoption, baseline stamp, the article.sources_json
column) and checks every row is still there.

    .venv/bin/python bench/bench_upgrade.py [--articles 10000] [--events 5000] [--postgres]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import MetaData, Table, func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.db import make_engine  # noqa: E402
from portal.migrations import head_revision, upgrade_database  # noqa: E402

PREVIOUS = ROOT / "tests" / "fixtures" / "previous_release"
POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
TARGET_SECONDS = 60.0
NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
WORDS = "family parent child rest sleep meal school talk help carer stress play read walk health".split()


def words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def article(n: int, rng: random.Random) -> dict:
    body = words(rng, 700)
    return {"id": n + 1, "slug": f"article-{n // 2}", "lang": ("en", "zh-hk")[n % 2], "title": words(rng, 6),
            "summary": words(rng, 30), "category": rng.choice(["parenting", "wellbeing", "money"]),
            "tags_json": '["sleep"]', "published": date(2026, 1, 1) + timedelta(days=n % 300),
            "reviewed": date(2026, 6, 1), "review_due": None, "author": "Editor", "image": None, "image_alt": "",
            "featured": False, "body_html": f"<p>{body}</p>", "toc_json": "[]", "plain_text": body,
            "reading_minutes": 3, "source_path": f"articles/a{n}.md", "content_hash": f"{n:064d}",
            "synced_at": NOW}  # fmt: skip


def event(n: int, feeds: int, rng: random.Random) -> dict:
    starts = NOW + timedelta(hours=7 * n)
    return {"id": n + 1, "uid": f"event-{n}@partner.example", "source": "feed", "partner_id": f"p{n % feeds}",
            "feed_id": n % feeds + 1, "title_en": words(rng, 5), "title_zh": "家長講座",
            "description_en": words(rng, 80), "description_zh": "", "venue_en": "Centre", "venue_zh": "中心",
            "address_en": "", "address_zh": "",
            "starts": starts, "ends": starts + timedelta(hours=2), "all_day": False, "timezone_offset_minutes": 480,
            "district": "wan-chai", "online_url": "", "registration_url": "", "original_url": "", "audience": "",
            "topics": "parenting", "fee": "", "is_free": True, "languages": "", "status": "confirmed",
            "is_example": False, "hidden": False, "first_seen": NOW, "last_seen": NOW,
            "content_hash": f"e{n}"}  # fmt: skip


def build(url: str, articles: int, events: int, feeds: int = 50) -> dict[str, int]:
    rng = random.Random(18)
    engine = make_engine(url)
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    with engine.begin() as connection:
        for statement in (PREVIOUS / f"schema.{dialect}.sql").read_text().split(";\n"):
            if statement.strip():
                connection.exec_driver_sql(statement)
        meta = MetaData()
        table = {name: Table(name, meta, autoload_with=connection) for name in
                 ("article", "partner", "partner_feed", "event", "feed_note", "news_item", "search_doc")}  # fmt: skip
        connection.execute(table["partner"].insert(), [
            {"id": f"p{i}", "name_en": f"Partner {i}", "name_zh": "", "description_en": "", "description_zh": "",
             "website": "", "logo": "", "is_example": False, "content_hash": "x"} for i in range(feeds)])  # fmt: skip
        connection.execute(table["partner_feed"].insert(), [
            {"id": i + 1, "partner_id": f"p{i}", "url": f"https://p{i}.example/feed.ics", "format_hint": "",
             "default_lang": "", "default_district": "", "etag": "", "last_modified": "", "last_fetched_at": NOW,
             "last_success_at": NOW, "last_result": "ok", "last_error": "", "last_error_kind": "",
             "items_found": events // feeds, "events_found": events // feeds, "news_found": 0}
            for i in range(feeds)])  # fmt: skip
        for start in range(0, articles, 1000):
            connection.execute(
                table["article"].insert(), [article(n, rng) for n in range(start, min(articles, start + 1000))]
            )
        for start in range(0, events, 1000):
            connection.execute(
                table["event"].insert(), [event(n, feeds, rng) for n in range(start, min(events, start + 1000))]
            )
        connection.execute(table["feed_note"].insert(), [
            {"feed_id": i % feeds + 1, "kind": "item-skipped", "position": i, "uid": f"bad-{i}", "title": "",
             "detail": "no start", "extra": "", "number": 1, "since": None, "until": None}
            for i in range(500)])  # fmt: skip
        connection.execute(table["search_doc"].insert(), [
            {"kind": "articles", "key": f"article-{n // 2}", "lang": ("en", "zh-hk")[n % 2], "title": "t",
             "body": "", "endpoint": "articles.article", "args_json": "{}", "url": "", "day": None,
             "title_tokens": "t", "body_tokens": words(rng, 100)} for n in range(articles)])  # fmt: skip
    counts = count_rows(engine)
    engine.dispose()
    return counts


def count_rows(engine) -> dict[str, int]:
    with engine.connect() as connection:
        meta = MetaData()
        names = ("article", "partner", "partner_feed", "event", "feed_note", "search_doc")
        tables = [Table(name, meta, autoload_with=connection) for name in names]
        return {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def run(url: str, label: str, articles: int, events: int) -> None:
    started = time.perf_counter()
    before = build(url, articles, events)
    built = time.perf_counter() - started
    started = time.perf_counter()
    result = upgrade_database(url)
    seconds = time.perf_counter() - started
    engine = make_engine(url)
    after = count_rows(engine)
    engine.dispose()
    assert result.adopted and result.after == head_revision(), result
    assert after == before, (before, after)
    print(f"{label}: {before['article']:,} articles, {before['event']:,} events (built in {built:.1f} s): "
          f"upgrade {seconds:.2f} s = {seconds / TARGET_SECONDS:.3f} x the {TARGET_SECONDS:.0f} s target; "
          f"every row kept, now at {result.after}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL at " + POSTGRES_URL)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/previous.sqlite3", "SQLite", args.articles, args.events)
    if args.postgres:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            run(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", "PostgreSQL", args.articles, args.events)
        finally:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


if __name__ == "__main__":
    main()
