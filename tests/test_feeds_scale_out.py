"""Scale-out proof for partner feeds: several `flask feeds refresh` processes at once store every item once.

Real subprocesses with one environment, as cron on two machines would run them:
on PostgreSQL + Redis (one schema, one key prefix) and on the embedded SQLite
file + file cache. Their feeds come from the local fixture server, which holds
each answer until every process asked for it, so the processes fetch and then
store each feed at the same moment. What they stored together must
be exactly what a single refresh stores into an empty database: no item twice
(by feed + uid, which is what the store upserts on), none missing, none hidden,
and no feed with an error (a unique violation, deadlock or "database is locked"
would show up as one).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from portal.events.model import Event, NewsItem, PartnerFeed

from .conftest import FIXTURES, REDIS_URL, PostgresSchema, clear_redis_prefix
from .feeds_server import feed_server_fixture  # noqa: F401 (the feed_server fixture)

FLASK = Path(sys.executable).with_name("flask")
PROJECT = Path(__file__).resolve().parent.parent
FEEDS = [
    "rss_en.xml",
    "rss_zh_utf8.xml",
    "rss_big5.xml",
    "rdf_events.xml",
    "atom_en.xml",
    "atom_zh.xml",
    "ics_en.ics",
    "ics_zh.ics",
    "recurring.ics",
]
COPIES = 3  # each fixture under three addresses: 27 feeds, so the processes' writes interleave
PROCESSES = 3


class Site:
    """One database (+ cache) and the environment every `flask` process of it runs with."""

    def __init__(self, root: Path, backend: str, content: Path) -> None:
        self.instance = root / "instance"
        self.cleanups = []
        env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
        env.update(
            {
                "PORTAL_CONTENT_DIR": str(content),
                "PORTAL_SECRET_KEY": "feeds-scale-out-test",
                "PORTAL_FEED_READ_TIMEOUT": "10",
                "PORTAL_FEED_TOTAL_TIMEOUT": "60",
                "PORTAL_FEED_WORKERS": "8",
            }
        )
        if backend == "postgres":
            schema = PostgresSchema()
            prefix = f"portal-test:{schema.name}:"
            self.cleanups += [schema.drop, lambda: clear_redis_prefix(prefix)]
            env.update(
                {"PORTAL_DATABASE_URL": schema.url, "PORTAL_REDIS_URL": REDIS_URL, "PORTAL_CACHE_PREFIX": prefix}
            )
            self.url = schema.url.replace("postgresql://", "postgresql+psycopg://", 1)
        else:
            self.url = f"sqlite:///{root / 'portal.sqlite3'}"
            env["PORTAL_DATABASE_URL"] = self.url
        self.env = env

    def command(self, *args: str) -> list[str]:
        """The real CLI, on the site factory with this site's instance folder (not the project's instance/)."""
        return [str(FLASK), "--app", f"portal:create_app({{'INSTANCE_PATH': {str(self.instance)!r}}})", *args]

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.command(*args), cwd=PROJECT, env=self.env, capture_output=True, text=True, timeout=180
        )

    def stored(self) -> dict[str, object]:
        """What the refreshes left in the database, keyed by feed address (feed ids differ between sites)."""
        engine = create_engine(self.url)
        try:
            with Session(engine) as session:
                urls = {
                    feed_id: re.sub(r"&together=\d+", "", url)  # the same feed for both sites
                    for feed_id, url in session.execute(select(PartnerFeed.id, PartnerFeed.url))
                }
                result: dict[str, object] = {}
                for model in (Event, NewsItem):
                    name = model.__tablename__
                    pairs = session.execute(select(model.feed_id, model.uid).where(model.feed_id.is_not(None))).all()
                    result[f"{name} rows"] = len(pairs)
                    twice = select(model.feed_id, model.uid).group_by(model.feed_id, model.uid).having(func.count() > 1)
                    result[f"{name} duplicated by feed + uid"] = session.execute(twice).all()
                    twice = select(model.uid).group_by(model.uid).having(func.count() > 1)
                    result[f"{name} duplicated by uid"] = session.execute(twice).all()
                    result[f"{name} items"] = sorted(
                        (urls[feed_id], uid.split(":", 2)[2]) for feed_id, uid in pairs
                    )  # (feed address, guid), the uid without its feed id
                    result[f"{name} hidden"] = session.scalar(
                        select(func.count()).select_from(model).where(model.hidden.is_(True))
                    )
                feeds = session.scalars(select(PartnerFeed)).all()
                result["feed results"] = sorted({(feed.last_result, feed.last_error) for feed in feeds})
                result["feed counts"] = sorted((urls[f.id], f.items_found, f.events_found, f.news_found) for f in feeds)
                return result
        finally:
            engine.dispose()

    def close(self) -> None:
        for cleanup in self.cleanups:
            cleanup()


def write_partners(content: Path, feed_server, together: int) -> None:
    """Partner profiles whose feeds are answered once ``together`` refreshes asked for them."""
    partners = content / "partners"
    partners.mkdir()
    for copy in range(COPIES):
        urls = "".join(
            f"  - url: {feed_server.url(f'/feeds/{name}?copy={copy}&together={together}')}\n" for name in FEEDS
        )
        (partners / f"test-ngo-{copy}.yml").write_text(
            f"name_en: Test NGO {copy}\nname_zh: 測試機構 {copy}\nfeeds:\n{urls}", encoding="utf-8"
        )


@pytest.fixture(params=["postgres", "sqlite"])
def sites(request, scale_out_skip_reason, tmp_path, feed_server) -> Iterator[tuple[Site, Site]]:
    """Two empty sites on the backend, their partners' feeds on the fixture server:
    one for the concurrent refreshes, one for the single reference refresh."""
    if request.param == "postgres" and scale_out_skip_reason:
        pytest.skip(scale_out_skip_reason)
    made: list[Site] = []
    try:
        for name, together in (("concurrent", PROCESSES), ("single", 1)):
            content = tmp_path / name / "content"
            shutil.copytree(FIXTURES / "content", content)
            write_partners(content, feed_server, together)
            made.append(Site(tmp_path / name, request.param, content))
            upgraded = made[-1].flask("db", "upgrade")  # as a deployment does, before anything else
            assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
            synced = made[-1].flask("content", "sync")
            assert synced.returncode == 0, synced.stdout + synced.stderr
        yield made[0], made[1]
    finally:
        for site in made:
            site.close()


def new_items(output: str) -> int:
    """Sum of "N new" over the feed lines of a refresh's output."""
    return sum(int(n) for n in re.findall(r": ok, \d+ items \(\d+ events, \d+ news\), (\d+) new", output))


def test_refreshes_running_at_once_store_each_item_once_and_exactly_what_one_refresh_stores(sites):
    concurrent, single = sites
    processes = [
        subprocess.Popen(
            concurrent.command("feeds", "refresh"),
            cwd=PROJECT,
            env=concurrent.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for _ in range(PROCESSES)
    ]
    outputs = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=180)
        outputs.append((process.returncode, stdout, stderr))
    reference = single.flask("feeds", "refresh")

    feeds = len(FEEDS) * COPIES
    assert reference.returncode == 0 and f"{feeds} of {feeds} feed(s) refreshed, 0 failed." in reference.stdout
    for returncode, stdout, stderr in outputs:
        assert returncode == 0, stdout + stderr
        assert f"{feeds} of {feeds} feed(s) refreshed, 0 failed." in stdout, stdout + stderr
        for bad in ("error:", "Traceback", "UniqueViolation", "IntegrityError", "deadlock", "database is locked"):
            assert bad not in stdout + stderr, stdout + stderr

    together, alone = concurrent.stored(), single.stored()
    for name in ("event", "news_item"):
        assert together[f"{name} duplicated by feed + uid"] == [] and together[f"{name} duplicated by uid"] == []
        assert together[f"{name} hidden"] == 0
    assert alone["event rows"] > feeds and alone["news_item rows"] > 0  # the fixtures really gave items
    assert together == alone
    # Each item was created by exactly one of the processes; the others found it there.
    assert sum(new_items(stdout) for _, stdout, _ in outputs) == new_items(reference.stdout)
    assert new_items(reference.stdout) == alone["event rows"] + alone["news_item rows"]
