"""Insights (issue #20): what is counted, that workers add up, that small counts and personal search terms are
never shown, the roll-up, nginx's log, and that nothing about a visitor reaches the database.

Runs on SQLite + file cache and on PostgreSQL + Redis (the counts then wait in Redis until the flush).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from portal.db import session_scope
from portal.insights.counter import day_of, number_of, today_number, upsert
from portal.insights.logs import ingest, parse_line
from portal.insights.model import CALENDAR, DAY, PAGE, SEARCH, SEARCH_NONE, SELFCHECK, WEEK, InsightCount
from portal.insights.rules import (
    DEFAULT_BOTS,
    REDACTED,
    Robots,
    bots_pattern,
    looks_personal,
    normalise_search,
    shown_search,
)
from portal.insights.store import flush_all, rollup

from .conftest import FIXTURES
from .test_selfcheck_privacy import ENCODED, PHQ9_ANSWERS

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
ROOT = Path(__file__).resolve().parent.parent


def counts(app, kind: str | None = None, period: str = DAY) -> dict[tuple[str, str], int]:
    """(kind, key) -> count stored, over every day."""
    with session_scope(app) as session:
        query = select(InsightCount.kind, InsightCount.key, InsightCount.count).where(InsightCount.period == period)
        found: dict[tuple[str, str], int] = {}
        for row_kind, key, n in session.execute(query):
            if kind is None or row_kind == kind:
                found[(row_kind, key)] = found.get((row_kind, key), 0) + n
        return found


def visitor(app, agent: str = BROWSER, **headers: str):
    """A test client whose every request carries this user agent (and these headers)."""
    environ = {"HTTP_USER_AGENT": agent, **{f"HTTP_{k.upper()}": v for k, v in headers.items()}}
    client = app.test_client()
    client.environ_base.update(environ)
    return client


def store(app, rows: list[tuple[date, str, str, int]], period: str = DAY) -> None:
    with session_scope(app) as session:
        upsert(session.connection(), [{"period": period, "start": d, "kind": k, "key": key, "count": n}
                                      for d, k, key, n in rows])  # fmt: skip


# --- what is counted ------------------------------------------------------------------------


def test_a_page_is_counted_whether_the_app_renders_it_or_the_page_cache_serves_it(backend_app):
    client = visitor(backend_app)
    answers = [client.get("/en/help?utm_source=x") for _ in range(3)]
    assert [r.headers.get("X-Cache") for r in answers] == ["miss", "hit", "hit"]
    flush_all(backend_app)
    assert counts(backend_app, PAGE) == {(PAGE, "/en/help"): 3}  # the path alone, without its query


def test_robots_scripts_and_requests_without_a_user_agent_are_not_counted(backend_app):
    for agent in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", "python-requests/2.32",
                  "Mozilla/5.0 HeadlessChrome/131.0", ""):  # fmt: skip
        visitor(backend_app, agent).get("/en/help")
    flush_all(backend_app)
    assert counts(backend_app) == {}


def test_searches_are_counted_by_normalised_words_and_those_that_found_nothing_are_flagged(app):
    client = visitor(app)
    for query in ("Stress", "  STRESS ", "zzqqxxyy", "stress"):
        client.get("/en/search", query_string={"q": query})
    client.get("/en/search", query_string={"q": "stress", "page": "2"})  # the same search, its next page
    flush_all(app)
    found = counts(app)
    assert found[(SEARCH, "stress")] == 3
    assert found[(SEARCH, "zzqqxxyy")] == 1 and found[(SEARCH_NONE, "zzqqxxyy")] == 1
    assert (SEARCH_NONE, "stress") not in found


def test_a_finished_self_check_counts_its_tool_and_nothing_else(backend_app):
    client = visitor(backend_app)
    assert client.post("/en/self-check/phq9/result", data=PHQ9_ANSWERS).status_code == 200
    assert client.post("/en/self-check/phq9/result", data={"q-q1": "3"}).status_code == 422  # not finished
    flush_all(backend_app)
    assert counts(backend_app, SELFCHECK) == {(SELFCHECK, "phq9"): 1}


def test_calendars_are_counted_by_district_and_topic_from_the_app_and_its_cache(app):
    client = visitor(app)
    for _ in range(2):
        client.get("/en/events/feed.ics?district=wan-chai")
    client.get("/en/events/feed.ics")
    flush_all(app)
    assert counts(app, CALENDAR) == {(CALENDAR, "feed:wan-chai:"): 2, (CALENDAR, "feed::"): 1}


def test_with_insights_off_nothing_is_counted(make_app):
    app = make_app(INSIGHTS_ENABLED=False)
    visitor(app).get("/en/help")
    flush_all(app)
    assert counts(app) == {}


# --- several workers -------------------------------------------------------------------------


def test_two_workers_counting_and_flushing_at_once_add_up(make_app, backend):
    first, second = make_app(backend), make_app(backend)  # two processes' apps on one database (and Redis)
    from portal.cli import sync_content

    sync_content(first)
    barrier = threading.Barrier(2)

    def work(app) -> None:
        client = visitor(app)
        for _ in range(15):
            client.get("/en/help")
        app.extensions["portal.insights"].add(SEARCH, "stress", 5)
        barrier.wait()
        flush_all(app)

    threads = [threading.Thread(target=work, args=(app,)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    flush_all(first)  # anything the other's move left in Redis
    assert counts(first, PAGE) == {(PAGE, "/en/help"): 30}
    assert counts(first, SEARCH) == {(SEARCH, "stress"): 10}


def test_a_counter_flushes_itself_once_it_holds_enough_keys(make_app):
    app = make_app(INSIGHTS_FLUSH_KEYS=3)
    counter = app.extensions["portal.insights"]
    for key in ("/en/a", "/en/b"):
        counter.add(PAGE, key)
    assert counts(app) == {}
    counter.add(PAGE, "/en/c")
    counter.flusher.join(timeout=30)  # in a thread of its own, so the page that filled the batch never waits
    assert counts(app) == {(PAGE, "/en/a"): 1, (PAGE, "/en/b"): 1, (PAGE, "/en/c"): 1}


# --- small counts and personal search terms ----------------------------------------------------


def test_figures_below_the_threshold_are_shown_as_fewer_than_it(app):
    today = day_of(today_number())
    store(app, [(today, SELFCHECK, "phq9", 12), (today, SELFCHECK, "gad7", 9), (today, PAGE, "/en/help", 3)])
    page = app.test_client().get("/en/insights").get_data(as_text=True)
    assert "12" in page and "fewer than 10" in page
    data = json.loads(app.test_client().get("/en/insights.json").data)
    checks = {row["key"]: row for row in data["figures"] if row["section"] == "selfchecks"}
    assert checks["phq9"]["count"] == 12 and checks["phq9"]["fewer_than"] is None
    assert checks["gad7"]["count"] is None and checks["gad7"]["fewer_than"] == 10
    assert "CC BY 4.0" in data["licence"]["name"]
    assert ",gad7," in app.test_client().get("/en/insights.csv").get_data(as_text=True)
    assert ",9," not in app.test_client().get("/en/insights.csv").get_data(as_text=True)
    zh = app.test_client().get("/zh-hk/insights").get_data(as_text=True)
    assert "少於 10" in zh


def test_the_threshold_is_a_setting(make_app):
    app = make_app(INSIGHTS_THRESHOLD=3)
    from portal.cli import sync_content

    sync_content(app)
    store(app, [(day_of(today_number()), SELFCHECK, "gad7", 4)])
    data = json.loads(app.test_client().get("/en/insights.json").data)
    assert {r["key"]: r["count"] for r in data["figures"] if r["section"] == "selfchecks"}["gad7"] == 4


@pytest.mark.parametrize(
    "typed",
    ["9123 4567", "+852 9123 4567", "call 91234567", "me@example.hk", "A123456(7)", "ab 123456 a", "1234-5678-9012"],
)
def test_a_search_that_looks_like_a_phone_an_email_or_an_hkid_is_counted_without_its_words(typed):
    assert looks_personal(normalise_search(typed)) or normalise_search(typed) == REDACTED
    assert normalise_search(typed) == REDACTED
    assert not shown_search(normalise_search(typed))


@pytest.mark.parametrize("typed", ["stress", "湊仔", "2024 budget", "elderly care"])
def test_ordinary_searches_keep_their_words(typed):
    assert normalise_search(typed) == typed and shown_search(typed)


def test_search_terms_are_shown_only_from_the_threshold_up_and_never_when_personal(app):
    today = day_of(today_number())
    store(app, [(today, SEARCH, "stress", 10), (today, SEARCH, "divorce", 9), (today, SEARCH, REDACTED, 50),
                (today, SEARCH, "91234567", 40)])  # the last as if stored before the rule  # fmt: skip
    data = json.loads(app.test_client().get("/en/insights.json").data)
    shown = {r["key"] for r in data["figures"] if r["section"] == "searches"}
    assert shown == {"stress"}
    page = app.test_client().get("/en/insights").get_data(as_text=True)
    assert "divorce" not in page and "91234567" not in page and REDACTED not in page


# --- retention -------------------------------------------------------------------------------------


def test_old_days_are_rolled_up_into_weeks_and_recent_days_are_kept(app):
    today = day_of(today_number())
    old = today - timedelta(days=500)
    monday = old - timedelta(days=old.weekday())
    store(app, [(monday, PAGE, "/en/help", 4), (monday + timedelta(days=2), PAGE, "/en/help", 6),
                (monday + timedelta(days=1), SEARCH, "stress", 1), (today, PAGE, "/en/help", 7)])  # fmt: skip
    assert rollup(app, today) == 3
    assert counts(app, period=WEEK) == {(PAGE, "/en/help"): 10, (SEARCH, "stress"): 1}
    assert counts(app) == {(PAGE, "/en/help"): 7}
    store(app, [(monday + timedelta(days=3), PAGE, "/en/help", 5)])  # a late flush of that week
    rollup(app, today)
    assert counts(app, period=WEEK)[(PAGE, "/en/help")] == 15
    assert rollup(app, today) == 0


def test_the_flush_command_writes_and_rolls_up(app):
    app.extensions["portal.insights"].add(PAGE, "/en/help", 2)
    result = app.test_cli_runner().invoke(args=["insights", "flush"])
    assert result.exit_code == 0 and "Counts written: 1 keys." in result.output
    assert counts(app) == {(PAGE, "/en/help"): 2}


# --- nginx's log ---------------------------------------------------------------------------------------


def test_a_log_line_counts_only_when_nginx_answered_it_from_its_cache_for_a_person():
    lines = (FIXTURES / "insights-nginx.log").read_text().splitlines()
    found = [parse_line(line) for line in lines]
    dec1, dec2 = number_of(date(2026, 12, 1)), number_of(date(2026, 12, 2))
    assert [f for f in found if f] == [
        (dec1, PAGE, "/en/help"), (dec1, PAGE, "/en/help"), (dec1, PAGE, "/en/help"), (dec1, PAGE, "/en/help"),
        (dec1, PAGE, "/zh-hk/articles/family-meals"), (dec2, PAGE, "/zh-hk/articles/family-meals"),
        (dec1, CALENDAR, "feed:wan-chai:parenting"), (dec1, CALENDAR, "feed::"), (dec1, CALENDAR, "event:42"),
    ]  # fmt: skip


def test_the_log_is_read_from_where_the_last_run_stopped_and_a_new_file_from_its_start(backend_app, tmp_path):
    log = tmp_path / "insights.log"
    shutil.copyfile(FIXTURES / "insights-nginx.log", log)
    with log.open("a") as f:
        f.write("2026-12-01T12:00:00+08:00\t/en/help\t\t\t200\tHIT\t0\ttext/ht")  # still being written
    assert ingest(backend_app, log).counted == 9
    assert ingest(backend_app, log).counted == 0  # nothing new: nothing counted twice
    with log.open("a") as f:
        f.write("ml\n")
    assert ingest(backend_app, log).counted == 1
    assert counts(backend_app, PAGE)[(PAGE, "/en/help")] == 5
    rotated = tmp_path / "insights.log.1"
    log.rename(rotated)
    log.write_text("2026-12-01T13:00:00+08:00\t/en/help\t\t\t200\tHIT\t0\ttext/html\n")
    assert ingest(backend_app, log).counted == 1
    runner = backend_app.test_cli_runner().invoke(args=["insights", "ingest-log", str(log)])
    assert runner.exit_code == 0 and "0 counted" in runner.output


def test_the_nginx_recipe_writes_the_insights_log_without_address_or_user_agent(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "render_nginx.py"), "--insights-log", str(tmp_path / "i.log")],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "log_format portal_insights" in out and f"access_log {tmp_path / 'i.log'} portal_insights" in out
    log_format = out.split("log_format portal_insights", 1)[1].split(";", 1)[0]
    assert "$upstream_cache_status" in log_format and "$portal_insights_bot" in log_format
    for personal in ("$remote_addr", "$http_user_agent", "$http_x_forwarded_for", "$request_uri", "$args",
                     "$http_cookie", "$http_referer"):  # fmt: skip
        assert personal not in log_format
    assert "map $http_user_agent $portal_insights_bot" in out


AGENTS = {
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36": False,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Mobile/15E148 Safari/604.1": False,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0": False,
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)": True,
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Safari/537.36": True,
    "curl/8.5.0": True, "Wget/1.21": True, "python-requests/2.32": True, "Python-urllib/3.11": True,
    "Go-http-client/1.1": True, "Java/17.0.2": True, "libwww-perl/6.72": True, "Scrapy/2.11": True,
    "facebookexternalhit/1.1": True, "Chrome-Lighthouse": True, "UptimeRobot/2.0": True, "check_http/v2.3": True,
    "Mozilla/5.0 (compatible; AhrefsBot/7.0)": True, "ia_archiver": True, "Baiduspider": True, "Slurp": True,
    "aiohttp/3.9": True, "python-httpx/0.27": True, "PhantomJS/2.1": True, "Site24x7 monitor": True,
}  # fmt: skip


def test_nginx_tells_a_robot_by_the_same_words_as_the_app():
    """The map's pattern in deploy/nginx/portal.conf is rules.bots_pattern() of DEFAULT_BOTS, and it says what
    the app's own check says (nginx's ~* is case-blind, as the app's check on the lower-cased agent is)."""
    conf = (ROOT / "deploy" / "nginx" / "portal.conf").read_text()
    written = re.search(r'^\s*"~\*(.+)" 1;$', conf, re.M).group(1)
    assert written == bots_pattern(), f"portal.conf's robot pattern should read:\n{bots_pattern()}"
    nginx_like = re.compile(written, re.IGNORECASE)
    for agent, is_robot in AGENTS.items():
        assert Robots()(agent) is is_robot, agent
        assert (nginx_like.search(agent) is not None) is is_robot, agent
    for word in DEFAULT_BOTS:  # every word, anywhere in an agent, in any case
        assert nginx_like.search(f"Mozilla/5.0 ({word.upper()} x)"), word


# --- nothing about a visitor --------------------------------------------------------------------------


def every_value(app) -> str:
    """Every value of every column of every table, as one text to search."""
    parts = []
    with app.extensions["portal.engine"].connect() as conn:
        for table in inspect(conn).get_table_names():
            parts.extend(map(repr, conn.execute(text(f'SELECT * FROM "{table}"')).all()))
    return "\n".join(parts)


def redis_values(app) -> str:
    if not app.config["REDIS_URL"]:
        return ""
    import redis

    client = redis.Redis.from_url(app.config["REDIS_URL"])
    try:
        prefix = app.config["CACHE_KEY_PREFIX"].rstrip(":")
        found = []
        for key in client.scan_iter(f"{prefix}*"):
            found.append(repr(key))
            if client.type(key) == b"hash":
                found.append(repr(client.hgetall(key)))
        return "\n".join(found)
    finally:
        client.close()


def test_after_a_run_of_requests_the_database_holds_no_address_user_agent_or_answer(backend_app):
    # Needles that no timestamp or digest can hold by chance: a bare "7731" was once found in a row's
    # microseconds (repr(datetime(..., 773100))), which made this test fail one run in a few dozen.
    agent = "Mozilla/5.0 (CanaryBrowser/7731.4409) Gecko/20100101"
    address = "203.0.113.77"
    client = visitor(backend_app, agent, x_forwarded_for=address, x_real_ip=address)
    for path in ("/en/", "/en/help", "/en/help", "/zh-hk/articles/", "/en/events/feed.ics?district=wan-chai"):
        client.get(path)
    client.get("/en/search", query_string={"q": "9123 4567"})
    client.get("/en/search", query_string={"q": "canary-search"})
    assert client.post("/en/self-check/phq9/result", data=PHQ9_ANSWERS).status_code == 200
    client.post("/en/feedback", data={"page": "/en/help", "useful": "no"})
    flush_all(backend_app)
    stored = every_value(backend_app) + redis_values(backend_app)
    assert "/en/help" in stored and "canary-search" in stored and "phq9" in stored  # counted, so the grep can fail
    for needle in (address, "CanaryBrowser", "7731.4409", "q-q1", ENCODED, "91234567", "9123 4567", "data-score"):
        assert needle not in stored, needle
    assert set(counts(backend_app, SELFCHECK)) == {(SELFCHECK, "phq9")}


def test_robot_pattern_setting_replaces_the_built_in_list():
    assert Robots()("Mozilla/5.0 HeadlessChrome/131") and Robots()("Googlebot/2.1") and Robots()("")
    assert not Robots()("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36")
    assert not Robots(r"bot|curl")("Mozilla/5.0 HeadlessChrome/131")
    assert Robots(r"bot|curl")("CURL/8")  # matched against the lower-cased user agent


# --- the editors' report --------------------------------------------------------------------------------


def test_the_report_lists_searches_that_found_nothing_unread_articles_and_pages_found_not_useful(app):
    today = day_of(today_number())
    store(app, [(today, SEARCH_NONE, "zzqqxx", 11), (today, SEARCH_NONE, "rare", 2), (today, PAGE, "/en/help", 1)])
    client = visitor(app)
    for _ in range(2):
        client.post("/en/feedback", data={"page": "/en/help", "useful": "no"})
    result = app.test_cli_runner().invoke(args=["insights", "report", "--weeks", "2"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Searches that found nothing" in out and "zzqqxx  11" in out and "rare" not in out
    assert "/en/help  fewer than 10" in out
    assert "Articles with no views" in out and "/en/articles/" in out
    zh = app.test_cli_runner().invoke(args=["insights", "report", "--lang", "zh-hk"])
    assert "找不到結果的搜尋" in zh.output


def test_a_receiver_connected_or_disconnected_while_serving_is_heard_from_at_once(app):
    from portal.signals import page_served

    client, heard = visitor(app), []
    client.get("/en/help")
    client.get("/en/help")  # the page cache's receivers are listed now

    def listen(_sender, path: str, **_kwargs) -> None:
        heard.append(path)

    page_served.connect(listen, sender=app)
    assert client.get("/en/help").headers["X-Cache"] == "hit"
    page_served.disconnect(listen, sender=app)
    client.get("/en/help")
    assert heard == ["/en/help"]


def test_the_insights_page_is_in_the_sitemap(app):
    client = app.test_client()
    index = client.get("/sitemap.xml").get_data(as_text=True)
    files = [line.split("<loc>")[1].split("</loc>")[0] for line in index.splitlines() if "<loc>" in line]
    found = "".join(client.get(url.replace("http://portal.test", "")).get_data(as_text=True) for url in files)
    assert "http://portal.test/en/insights" in found and "http://portal.test/zh-hk/insights" in found


def test_a_counter_flushes_itself_once_its_oldest_count_is_old_enough(make_app):
    app = make_app(INSIGHTS_FLUSH_SECONDS=3600.0)
    counter = app.extensions["portal.insights"]
    counter.add(PAGE, "/en/a")
    counter.since -= 3601  # as if the first count came an hour ago
    counter.add(PAGE, "/en/b")
    counter.flusher.join(timeout=30)
    assert counts(app) == {(PAGE, "/en/a"): 1, (PAGE, "/en/b"): 1}


def test_the_report_ranks_late_translations_by_the_views_of_both_chinese_editions(make_app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)  # its article behind-in-chinese: the Chinese reviewed earlier
    app = make_app(CONTENT_DIR=str(content))
    today = day_of(today_number())
    views = {"zh-hk": 8, "zh-cn": 4, "en": 50}
    store(app, [(today, PAGE, f"/{lang}/articles/behind-in-chinese", count) for lang, count in views.items()])
    out = app.test_cli_runner().invoke(args=["insights", "report", "--weeks", "1"]).output
    section = out.split("Most-read articles whose Chinese is behind the English", 1)[1]
    assert "behind-in-chinese  12" in section  # 8 + 4 Chinese views; the English ones are not the translation's
    assert "family-meals" not in section


def test_every_edition_counts_towards_an_article_and_a_calendar(app):
    client = visitor(app)
    for lang in ("en", "zh-hk", "zh-cn"):
        assert client.get(f"/{lang}/events/feed.ics?district=sha-tin").status_code == 200
    flush_all(app)
    with session_scope(app) as session:
        keys = {
            row.key: row.count for row in session.scalars(select(InsightCount).where(InsightCount.kind == CALENDAR))
        }
    assert keys.get("feed:sha-tin:") == 3
