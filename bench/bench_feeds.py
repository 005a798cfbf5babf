"""Feed refresh benchmark: `flask feeds refresh` over many partner feeds, some of which hang.

    .venv/bin/python bench/bench_feeds.py [--feeds 100] [--items 50] [--hanging 10] [--postgres]

Prints figures only; never asserts. Target (issue 7, item 3): with 100 partner
feeds of which 10 hang, the refresh finishes within the configured total
timeout (PORTAL_FEED_TOTAL_TIMEOUT) plus 5 s.

A threaded HTTP server in this process serves the generated feeds (RSS 2.0 with
the ``ev:`` module, Atom and iCalendar in turn, each with an ETag and a
Last-Modified, answering 304 to a matching conditional GET), then a web page with
schema.org Event JSON-LD, a CSV spreadsheet and a JSON Feed of news. The hanging feeds
misbehave in three ways: accept the request and never answer; send the headers
and then stall the body; trickle one byte every 2 s, so that only the total
deadline, not the read timeout, ends them. Each feed is registered the way the
product does it, as a partner profile ``partners/<id>.yml`` in a temporary
content folder, loaded with ``flask content sync``; then ``flask feeds refresh``
runs twice as the real CLI in a subprocess (the second time the healthy feeds
answer 304). SQLite by default (a file in a temporary folder); ``--postgres``
uses a throw-away schema in ``PORTAL_BENCH_POSTGRES_URL`` (default: the test
database), dropped afterwards.

The timeouts and worker count come from the environment exactly as in
production (PORTAL_FEED_CONNECT_TIMEOUT, _READ_TIMEOUT, _TOTAL_TIMEOUT,
PORTAL_FEED_WORKERS; defaults in portal/config.py), or from the options below.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.config import load_settings  # noqa: E402

FLASK = Path(sys.executable).with_name("flask")
POSTGRES_URL = os.environ.get("PORTAL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
HK = ZoneInfo("Asia/Hong_Kong")
FORMATS = ("rss", "atom", "ics", "jsonld", "csv", "json")
CONTENT_TYPES = {
    "ics": "text/calendar; charset=utf-8",
    "jsonld": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/feed+json",
}
HANG_KINDS = ("no-answer", "stalled-body", "trickle")
DISTRICTS = ("sha-tin", "kwun-tong", "eastern", "yuen-long", "wan-chai", "tuen-mun")
WORDS = "family parent child talk listen carer support group workshop evening weekend elderly teen".split()
HANZI = "家庭父母孩子溝通聆聽照顧支援小組講座工作坊長者青少年週末晚間"
LAST_MODIFIED = "Mon, 02 Nov 2026 01:00:00 GMT"


# --- generated feeds --------------------------------------------------------------------


def _title(index: int, item: int, zh: bool) -> str:
    if zh:
        return "".join(HANZI[(index * 7 + item * 3 + k) % len(HANZI)] for k in range(8)) + f" {item}"
    return " ".join(WORDS[(index + item + k) % len(WORDS)] for k in range(4)).capitalize() + f" {item}"


def _start(index: int, item: int) -> datetime:
    today = datetime.now(HK).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=1 + (index + item * 3) % 90, hours=10 + item % 8)


def rss(index: int, items: int) -> bytes:
    zh = index % 2 == 1
    entries = []
    for item in range(items):
        title = _title(index, item, zh)
        event = ""
        if item % 10 < 7:  # 70 % events, 30 % news
            starts = _start(index, item)
            event = (
                f"<ev:startdate>{starts.isoformat()}</ev:startdate>"
                f"<ev:enddate>{(starts + timedelta(hours=2)).isoformat()}</ev:enddate>"
                f"<ev:location>Hall {item}</ev:location>"
            )
        entries.append(
            f'<item><title>{title}</title><guid isPermaLink="false">p{index}-i{item}</guid>'
            f"<link>https://ngo-{index}.example/items/{item}</link>"
            f"<description>&lt;p&gt;{title}. &lt;b&gt;Free&lt;/b&gt; for families.&lt;/p&gt;</description>"
            f"<pubDate>Mon, 02 Nov 2026 01:00:00 GMT</pubDate>{event}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/"><channel>'
        f"<title>NGO {index}</title><link>https://ngo-{index}.example/</link>"
        f"<language>{'zh-hk' if zh else 'en'}</language>{''.join(entries)}</channel></rss>"
    ).encode()


def atom(index: int, items: int) -> bytes:
    zh = index % 2 == 1
    entries = []
    for item in range(items):
        title = _title(index, item, zh)
        event = ""
        if item % 2 == 0:
            event = f"<ev:startdate>{_start(index, item).date().isoformat()}</ev:startdate>"
        entries.append(
            f"<entry><title>{title}</title><id>urn:ngo-{index}:{item}</id>"
            f'<link href="https://ngo-{index}.example/e/{item}"/><updated>2026-11-02T09:00:00+08:00</updated>'
            f'<content type="html">&lt;p&gt;{title}&lt;/p&gt;</content>{event}</entry>'
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:ev="http://purl.org/rss/1.0/modules/event/" '
        f'xml:lang="{"zh-hk" if zh else "en"}"><title>NGO {index}</title><id>urn:ngo-{index}</id>'
        f"<updated>2026-11-02T09:00:00+08:00</updated>{''.join(entries)}</feed>"
    ).encode()


def ics(index: int, items: int) -> bytes:
    zh = index % 2 == 1
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//NGO {index}//Bench//EN"]
    for item in range(items):
        starts = _start(index, item).astimezone(ZoneInfo("UTC"))
        lines += [
            "BEGIN:VEVENT",
            f"UID:ev-{item}@ngo-{index}.example",
            "DTSTAMP:20261101T000000Z",
            f"DTSTART:{starts:%Y%m%dT%H%M%SZ}",
            f"DTEND:{starts + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
            f"SUMMARY:{_title(index, item, zh)}",
            f"DESCRIPTION:{_title(index, item, zh)}\\n\\nBring a friend.",
            f"LOCATION:Room {item}",
            f"URL:https://ngo-{index}.example/ev/{item}",
        ]
        if item % 17 == 0:
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def jsonld(index: int, items: int) -> bytes:
    """A WordPress-like events page: one ld+json block listing every Event."""
    import json

    zh = index % 2 == 1
    events = []
    for item in range(items):
        starts = _start(index, item)
        events.append(
            {
                "@context": "https://schema.org",
                "@type": "SocialEvent" if item % 2 else "Event",
                "@id": f"https://ngo-{index}.example/event/{item}#event",
                "name": _title(index, item, zh),
                "description": f"<p>{_title(index, item, zh)}</p>",
                "startDate": starts.isoformat(),
                "endDate": (starts + timedelta(hours=2)).isoformat(),
                "eventStatus": "https://schema.org/EventCancelled"
                if item % 17 == 0
                else "https://schema.org/EventScheduled",
                "location": {
                    "@type": "Place",
                    "name": f"Room {item}",
                    "address": {"@type": "PostalAddress", "streetAddress": f"{item} Harbour Road"},
                },
                "offers": {"@type": "Offer", "price": str(item % 3 * 50), "priceCurrency": "HKD"},
                "url": f"https://ngo-{index}.example/event/{item}",
            }
        )
    script = json.dumps(events, ensure_ascii=False).replace("</", "<\\/")
    return (
        f'<!doctype html><html lang="{"zh-HK" if zh else "en"}"><head><title>NGO {index} events</title>'
        f'<script type="application/ld+json">{script}</script></head><body><h1>Events</h1></body></html>'
    ).encode()


def csv_sheet(index: int, items: int) -> bytes:
    """A published Google Sheet in the template's columns (CRLF, as Sheets sends it)."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "title_en", "title_zh", "starts", "ends", "venue_en", "venue_zh", "fee", "status"])
    for item in range(items):
        starts = _start(index, item)
        writer.writerow(
            [
                f"row-{item}",
                _title(index, item, False),
                _title(index, item, True),
                f"{starts:%Y-%m-%d %H:%M}",
                f"{starts + timedelta(hours=2):%Y-%m-%d %H:%M}",
                f"Room {item}",
                f"{item} 室",
                "free" if item % 3 == 0 else str(item % 3 * 50),
                "cancelled" if item % 17 == 0 else "",
            ]
        )
    return out.getvalue().encode()


def json_feed(index: int, items: int) -> bytes:
    """JSON Feed 1.1 news."""
    import json

    zh = index % 2 == 1
    entries = [
        {
            "id": f"https://ngo-{index}.example/news/{item}",
            "url": f"https://ngo-{index}.example/news/{item}",
            "title": _title(index, item, zh),
            "content_html": f"<p>{_title(index, item, zh)}</p>",
            "date_published": "2026-11-02T09:00:00+08:00",
        }
        for item in range(items)
    ]
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": f"NGO {index}", "items": entries}
    return json.dumps(feed, ensure_ascii=False).encode()


GENERATORS = {"rss": rss, "atom": atom, "ics": ics, "jsonld": jsonld, "csv": csv_sheet, "json": json_feed}


class BenchServer:
    """Serves /feed/<n> (generated, with ETag/Last-Modified) and /hang/<kind>/<n>."""

    def __init__(self, feeds: int, items: int, hanging: int, formats: tuple[str, ...] = FORMATS) -> None:
        self.stopping = threading.Event()
        self.bodies: dict[int, tuple[bytes, str, str]] = {}
        self.paths: list[tuple[str, str]] = []  # (path, format) per feed, in registration order
        self.counts = {"200": 0, "304": 0, "hang": 0}
        self._lock = threading.Lock()
        step = feeds / hanging if hanging else 0
        hang_at = {int(k * step) for k in range(hanging)}
        for index in range(feeds):
            fmt = formats[index % len(formats)]
            if index in hang_at:
                kind = HANG_KINDS[len([h for h in hang_at if h < index]) % len(HANG_KINDS)]
                self.paths.append((f"/hang/{kind}/{index}", fmt))
                continue
            body = GENERATORS[fmt](index, items)
            ctype = CONTENT_TYPES.get(fmt, "application/xml")
            self.bodies[index] = (body, ctype, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
            self.paths.append((f"/feed/{index}", fmt))
        bench = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                bench.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.request_queue_size = 256
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def _count(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        match = re.fullmatch(r"/(feed|hang)/(?:([a-z-]+)/)?(\d+)", h.path)
        if match is None:
            h.send_error(404)
            return
        if match.group(1) == "hang":
            self._count("hang")
            self._hang(h, match.group(2))
            return
        body, ctype, etag = self.bodies[int(match.group(3))]
        if h.headers.get("If-None-Match") == etag:
            self._count("304")
            h.send_response(304)
            h.send_header("ETag", etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        self._count("200")
        h.send_response(200)
        h.send_header("Content-Type", ctype)
        h.send_header("ETag", etag)
        h.send_header("Last-Modified", LAST_MODIFIED)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _hang(self, h: BaseHTTPRequestHandler, kind: str) -> None:
        try:
            if kind == "no-answer":
                self.stopping.wait()
                return
            h.send_response(200)
            h.send_header("Content-Type", "application/xml")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            h.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
            h.wfile.flush()
            if kind == "stalled-body":
                self.stopping.wait()
                return
            while not self.stopping.wait(2.0):  # trickle: under any sane read timeout, forever
                h.wfile.write(b" ")
                h.wfile.flush()
        except OSError:
            pass
        finally:
            h.close_connection = True

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()


# --- the site -----------------------------------------------------------------------------


def make_content(target: Path, server: BenchServer) -> None:
    """The real shared files (districts, categories…) plus one partner profile per feed."""
    for name in ("categories.yml", "tags.yml", "hotlines.yml", "districts.yml", "holidays.yml"):
        if (ROOT / "content" / name).exists():
            shutil.copy(ROOT / "content" / name, target / name)
    partners = target / "partners"
    partners.mkdir()
    for index, (path, fmt) in enumerate(server.paths):
        lang = "zh-hk" if index % 2 else "en"
        (partners / f"bench-ngo-{index:03d}.yml").write_text(
            f"name_en: Bench NGO {index}\n"
            f"name_zh: 測試機構 {index}\n"
            f"description_en: Generated partner {index} for the feed refresh benchmark.\n"
            f"website: https://ngo-{index}.example/\n"
            "feeds:\n"
            f"  - url: {server.base}{path}\n"
            f"    format: {'ics' if fmt == 'ics' else ''}\n"
            f"    lang: {lang}\n"
            f"    district: {DISTRICTS[index % len(DISTRICTS)]}\n",
            encoding="utf-8",
        )


def flask(env: dict[str, str], instance: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    """Run the real `flask` CLI on the site factory (instance files kept in the temporary folder)."""
    app = f"portal:create_app({{'INSTANCE_PATH': {str(instance)!r}}})"
    start = time.perf_counter()
    done = subprocess.run(
        [str(FLASK), "--app", app, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800
    )
    return time.perf_counter() - start, done


def counts(database_url: str, instance: Path) -> dict[str, int]:
    from sqlalchemy import func, select

    from portal import create_app
    from portal.db import session_scope
    from portal.events.model import Event, NewsItem, PartnerFeed

    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url, "REDIS_URL": None})
    try:
        with session_scope(app) as session:
            result = {
                "events": session.scalar(select(func.count()).select_from(Event).where(Event.source == "feed")),
                "news": session.scalar(select(func.count()).select_from(NewsItem)),
            }
            for model in (Event, NewsItem):
                twice = select(model.feed_id, model.uid).group_by(model.feed_id, model.uid).having(func.count() > 1)
                result[f"duplicate {model.__tablename__} rows"] = len(session.execute(twice).all())
            for kind, number in session.execute(
                select(PartnerFeed.last_error_kind, func.count()).group_by(PartnerFeed.last_error_kind)
            ):
                result[f"feeds with error kind '{kind}'" if kind else "feeds without error"] = number
            return result
    finally:
        app.extensions["portal.engine"].dispose()


def summary_line(output: str) -> tuple[int, int, int]:
    """(ok, failed, skipped) from the CLI's last line; -1s when it is missing."""
    match = re.search(r"(\d+) of (\d+) feed\(s\) refreshed, (\d+) failed(?:, (\d+) skipped)?", output)
    if match is None:
        return -1, -1, -1
    return int(match.group(1)), int(match.group(3)), int(match.group(4) or 0)


def report_refresh(label: str, seconds: float, done: subprocess.CompletedProcess, target: float) -> None:
    ok, failed, skipped = summary_line(done.stdout)
    not_modified = done.stdout.count("not modified since the last refresh")
    met = "yes" if seconds <= target else "NO"
    print(f"{label}: {seconds:6.2f} s wall (target <= {target:g} s: {met}); exit {done.returncode}")
    print(f"    feeds ok {ok} (of which not modified {not_modified}), failed {failed}, skipped (out of time) {skipped}")
    if ok < 0:
        print("    unexpected output:", (done.stdout + done.stderr)[-2000:])


def run(args: argparse.Namespace) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update({key: value for key, value in os.environ.items() if key.startswith("PORTAL_FEED_")})
    for option, name in (("connect", "CONNECT_TIMEOUT"), ("read", "READ_TIMEOUT"), ("total", "TOTAL_TIMEOUT")):
        if getattr(args, option) is not None:
            env[f"PORTAL_FEED_{name}"] = str(getattr(args, option))
    if args.workers is not None:
        env["PORTAL_FEED_WORKERS"] = str(args.workers)
    with tempfile.TemporaryDirectory(prefix="bench-feeds-") as tmp:
        work = Path(tmp)
        settings = load_settings(work / "instance", env)
        total = settings["FEED_TOTAL_TIMEOUT"]
        schema = None
        if args.postgres:
            import psycopg

            schema = f"bench_{uuid.uuid4().hex[:10]}"
            with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
                conn.execute(f'CREATE SCHEMA "{schema}"')
            database_url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
        else:
            database_url = f"sqlite:///{work / 'bench.sqlite3'}"
        server = BenchServer(args.feeds, args.items, args.hanging)
        try:
            content = work / "content"
            content.mkdir()
            make_content(content, server)
            env.update(
                {
                    "PORTAL_DATABASE_URL": database_url,
                    "PORTAL_CONTENT_DIR": str(content),
                    "PORTAL_SECRET_KEY": "bench",
                    "PORTAL_SITE_URL": "http://bench.test",
                }
            )
            backend = "PostgreSQL (throw-away schema)" if schema else "SQLite (file)"
            print(f"backend: {backend}, file-system cache; {os.cpu_count()} CPU(s)")
            print(
                f"feeds: {args.feeds} ({', '.join(FORMATS)} in turn) x {args.items} items; "
                f"{args.hanging} hang ({', '.join(HANG_KINDS)} in turn)"
            )
            connect, read, workers = (settings[f"FEED_{k}"] for k in ("CONNECT_TIMEOUT", "READ_TIMEOUT", "WORKERS"))
            print(f"configured: connect {connect:g} s, read {read:g} s, total {total:g} s, {workers} workers")
            # The schema first, as a deploy does (`flask db upgrade`), so each timed refresh is the refresh alone
            # (with PORTAL_DATABASE_UPGRADE_ON_START every command would also import Alembic and check the schema).
            seconds, done = flask(env, work / "instance", "db", "upgrade")
            print(f"db upgrade: {seconds:.2f} s, exit {done.returncode}")
            if done.returncode:
                print(done.stdout[-2000:], done.stderr[-2000:])
                return
            seconds, done = flask(env, work / "instance", "content", "sync")
            print(f"content sync ({args.feeds} partner profiles): {seconds:.2f} s, exit {done.returncode}")
            if done.returncode:
                print(done.stdout[-2000:], done.stderr[-2000:])
                return
            target = total + 5
            seconds, done = flask(env, work / "instance", "feeds", "refresh")
            report_refresh("first refresh ", seconds, done, target)
            for key, value in counts(database_url, work / "instance").items():
                print(f"    {key}: {value}")
            seconds, done = flask(env, work / "instance", "feeds", "refresh")
            report_refresh("second refresh", seconds, done, target)
            print(f"    server answers so far: {server.counts}")
            if args.show_output:
                print(done.stdout, done.stderr)
        finally:
            server.stop()
            if schema:
                import psycopg

                with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


# --- side by side with the feed reader library `reader` ------------------------------------------

READER_VERSION = "3.26"
READER_SCRIPT = """
import sys, time
from reader import make_reader
db, action = sys.argv[1], sys.argv[2]
reader = make_reader(db)
if action == "add":
    for url in sys.stdin.read().split():
        reader.add_feed(url)
else:
    started = time.perf_counter()
    reader.update_feeds(workers=16)
    inside = time.perf_counter() - started
    entries = reader.get_entry_counts().total
    print(f"{inside:.3f} {entries}")
reader.close()
"""


def reader_python(venv: Path) -> Path:
    """The throw-away virtual environment's python with reader 3.26 (and sgmllib3k beside it)."""
    python = venv / "bin" / "python"
    check = [str(python), "-c", f"import reader, sys; sys.exit(reader.__version__ != {READER_VERSION!r})"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"creating {venv} with reader {READER_VERSION} (for this benchmark only, not a project dependency)")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(python), "-m", "pip", "install", "-q", f"reader=={READER_VERSION}", "sgmllib3k"]
    subprocess.run(pip, check=True)
    return python


def _children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _ours_once(server: BenchServer, base_env: dict[str, str], work: Path) -> tuple[float, float, str]:
    """Our first refresh into an empty SQLite database (partners synced first, untimed): wall and CPU seconds."""
    content, instance = work / "content", work / "instance"
    content.mkdir()
    make_content(content, server)
    env = dict(base_env)
    env.update(
        {
            "PORTAL_DATABASE_URL": f"sqlite:///{work / 'ours.sqlite3'}",
            "PORTAL_CONTENT_DIR": str(content),
            "PORTAL_SECRET_KEY": "bench",
            "PORTAL_SITE_URL": "http://bench.test",
        }
    )
    for step in (("db", "upgrade"), ("content", "sync")):  # untimed: the empty database, then the partners
        _seconds, done = flask(env, instance, *step)
        if done.returncode:
            raise SystemExit(f"{' '.join(step)} failed: {done.stdout[-1000:]} {done.stderr[-1000:]}")
    cpu = _children_cpu()
    seconds, done = flask(env, instance, "feeds", "refresh")
    cpu = _children_cpu() - cpu
    ok, failed, _skipped = summary_line(done.stdout)
    return seconds, cpu, f"{ok} ok, {failed} failed, exit {done.returncode}"


def _reader_once(server: BenchServer, python: Path, work: Path) -> tuple[float, float, str]:
    """reader's update_feeds(workers=16) into an empty database (feeds added first, untimed): wall and CPU seconds."""
    database = str(work / "reader.sqlite3")
    urls = "\n".join(server.base + path for path, _fmt in server.paths)
    subprocess.run([str(python), "-c", READER_SCRIPT, database, "add"], input=urls, text=True, check=True)
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(
        [str(python), "-c", READER_SCRIPT, database, "update"], capture_output=True, text=True, timeout=600
    )
    seconds = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if done.returncode:
        raise SystemExit(f"reader failed: {done.stderr[-2000:]}")
    inside, entries = done.stdout.split()
    return seconds, cpu, f"{entries} entries, update_feeds {float(inside):.2f} s"


def versus_reader(args: argparse.Namespace) -> None:
    """Ours against reader on the same local RSS feeds: median of alternating runs, each a fresh process."""
    import platform
    import statistics

    python = reader_python(Path(args.reader_venv))
    # reader runs from its installed bytecode; an editable checkout run with PYTHONDONTWRITEBYTECODE (as on the
    # shared machine) would compile every portal module from source in each timed run. Byte-compile it first,
    # as installing the site would.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "portal")], check=True, capture_output=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    server = BenchServer(args.feeds, args.items, 0, formats=("rss",))
    print(
        f"versus reader {READER_VERSION}: {args.feeds} local RSS feeds x {args.items} items, first refresh into an "
        f"empty SQLite database, {args.rounds} alternating rounds, each a fresh process; "
        f"{os.cpu_count()} CPU(s), {platform.processor() or platform.machine()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    try:
        for round_number in range(args.rounds):
            for name, run_once, into in (
                ("ours  ", lambda work: _ours_once(server, env, work), ours),
                ("reader", lambda work: _reader_once(server, python, work), theirs),
            ):
                with tempfile.TemporaryDirectory(prefix="bench-versus-") as tmp:
                    seconds, cpu, detail = run_once(Path(tmp))
                into.append((seconds, cpu))
                print(f"  round {round_number + 1} {name}: {seconds:6.2f} s wall, {cpu:6.2f} s CPU ({detail})")
    finally:
        server.stop()
    for index, what in ((0, "wall"), (1, "CPU ")):
        mine = statistics.median(run[index] for run in ours)
        other = statistics.median(run[index] for run in theirs)
        print(f"median {what}: ours {mine:6.2f} s, reader {other:6.2f} s: ours / reader = {mine / other:.2f}x")
    print("target (issue 15): ours / reader <= 1.0x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--items", type=int, default=50, help="items per feed")
    parser.add_argument("--hanging", type=int, default=10, help="feeds that hang")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (throw-away schema) instead of SQLite")
    parser.add_argument("--workers", type=int, help="PORTAL_FEED_WORKERS for this run")
    parser.add_argument("--connect", type=float, help="PORTAL_FEED_CONNECT_TIMEOUT for this run")
    parser.add_argument("--read", type=float, help="PORTAL_FEED_READ_TIMEOUT for this run")
    parser.add_argument("--total", type=float, help="PORTAL_FEED_TOTAL_TIMEOUT for this run")
    parser.add_argument("--show-output", action="store_true", help="print the second refresh's CLI output")
    parser.add_argument(
        "--versus-reader", action="store_true", help=f"instead: ours against reader {READER_VERSION} on RSS feeds"
    )
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of --versus-reader")
    parser.add_argument(
        "--reader-venv",
        default=os.path.join(tempfile.gettempdir(), f"bench-reader-{READER_VERSION}"),
        help="throw-away virtual environment for reader (created when missing)",
    )
    args = parser.parse_args()
    if args.versus_reader:
        versus_reader(args)
    else:
        run(args)


if __name__ == "__main__":
    main()
