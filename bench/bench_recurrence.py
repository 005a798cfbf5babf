"""Recurrence benchmark: one partner calendar whose event repeats every hour, minute or second.

    .venv/bin/python bench/bench_recurrence.py [--since-days 400] [--freq HOURLY MINUTELY SECONDLY]

Prints figures only; never asserts. Target (issue 13): a MINUTELY calendar refreshes within the
total timeout (PORTAL_FEED_TOTAL_TIMEOUT) with memory growth under 100 MB and a capped, reported
event count. Before the fix the audit measured HOURLY 9,480 events in 8.2 s, MINUTELY 568,800
events in 135 s and 3.2 GB, SECONDLY killed at 150 s.

For each rule: ``refresh_one()`` (fetch from a local HTTP server, parse, store) on a fresh SQLite
database, the rule's first date ``--since-days`` ago; the figures are the events stored, the
seconds taken, the Python heap's peak growth (tracemalloc) and the process's RSS growth.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.db import session_scope  # noqa: E402
from portal.events.model import Partner, PartnerFeed  # noqa: E402
from portal.feeds.cli import _feed_rows, refresh_one  # noqa: E402
from portal.feeds.fetch import FetchSettings  # noqa: E402

CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//bench//EN\r
BEGIN:VEVENT\r
UID:yoga@bench.example\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Asia/Hong_Kong:{start}T090000\r
DTEND;TZID=Asia/Hong_Kong:{start}T100000\r
RRULE:FREQ={freq}\r
SUMMARY:Yoga\r
END:VEVENT\r
END:VCALENDAR\r
"""


def serve(body: bytes) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(freq: str, since_days: int) -> None:
    start = (datetime.now(ZoneInfo("Asia/Hong_Kong")).date() - timedelta(days=since_days)).strftime("%Y%m%d")
    server = serve(CALENDAR.format(start=start, freq=freq).encode())
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                "CACHE_DIR": f"{tmp}/cache",
                "DATABASE_UPGRADE_ON_START": True,
            }
        )
        with session_scope(app) as session:
            session.add(Partner(id="bench", name_en="Bench"))
            session.flush()
            session.add(PartnerFeed(partner_id="bench", url=f"http://127.0.0.1:{server.server_address[1]}/c.ics"))
        [row] = _feed_rows(app, None)
        settings = FetchSettings.from_config(app.config)
        rss_before = rss_mb()
        tracemalloc.start()
        began = time.perf_counter()
        outcome = refresh_one(app, row, settings, not_after=time.monotonic() + settings.total_timeout)
        seconds = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    server.shutdown()
    print(
        f"{freq:9} {outcome.result:6} events stored {outcome.events:5}  {seconds:6.2f} s  "
        f"heap peak {peak / 1e6:6.1f} MB  max RSS growth {rss_mb() - rss_before:6.1f} MB "
        f"(total timeout {settings.total_timeout:g} s)"
    )
    print("          " + outcome.summary().split(": ", 1)[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since-days", type=int, default=400, help="how long ago the rule's first date is")
    parser.add_argument("--freq", nargs="+", default=["HOURLY", "MINUTELY", "SECONDLY"])
    args = parser.parse_args()
    for freq in args.freq:
        run(freq.upper(), args.since_days)


if __name__ == "__main__":
    main()
