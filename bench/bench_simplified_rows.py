"""What the Simplified copies cost a feed refresh: the first refresh of local feeds with and without them.

    .venv/bin/python bench/bench_simplified_rows.py [--feeds 40] [--items 50] [--rounds 3]

Serves ``--feeds`` generated feeds (bench_feeds.py's RSS, Atom and iCalendar, half of them in Chinese) from a
local server and refreshes them in this process into a fresh SQLite database, in alternating rounds: as the
code is (each new Chinese event and news item converted, the catch-up at the end) and with the conversion
taken out (the store's two calls and the catch-up replaced by no-ops). Prints the medians and their ratio;
a figure, never a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_feeds import BenchServer  # noqa: E402

from portal import create_app  # noqa: E402
from portal.db import session_scope  # noqa: E402
from portal.events.model import Event, Partner, PartnerFeed  # noqa: E402
from portal.feeds import cli as feeds_cli  # noqa: E402
from portal.feeds import store  # noqa: E402
from portal.feeds.cli import refresh_feeds  # noqa: E402
from portal.migrations import upgrade_database  # noqa: E402


@contextmanager
def without_conversion():
    """The refresh as it was before the Simplified edition: nothing converted, no catch-up."""
    saved = store.fill_event_simplified, store._news_simplified, feeds_cli.simplified_up_to_date
    store.fill_event_simplified = lambda values, convert=None: values
    store._news_simplified = lambda fields, row, convert: None
    feeds_cli.simplified_up_to_date = lambda app: False
    try:
        yield
    finally:
        store.fill_event_simplified, store._news_simplified, feeds_cli.simplified_up_to_date = saved


def refresh_once(server: BenchServer, work: Path, convert: bool) -> tuple[float, float, int]:
    """(wall s, CPU s, events with a Simplified title) of one first refresh into a fresh database."""
    url = f"sqlite:///{work / 'portal.sqlite3'}"
    upgrade_database(url)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "INSTANCE_PATH": str(work),
            "DATABASE_URL": url,
            "REDIS_URL": None,
            "CACHE_DIR": str(work / "cache"),
            "CONTENT_DIR": str(ROOT / "content"),
            "FEED_WORKERS": 4,
            "FEED_TOTAL_TIMEOUT": 120.0,
        }
    )
    with session_scope(app) as session:
        session.add(Partner(id="bench", name_en="Bench NGO", name_zh="測試機構"))
        session.flush()
        session.add_all(PartnerFeed(partner_id="bench", url=server.base + path) for path, _ in server.paths)
    cpu, start = time.process_time(), time.perf_counter()
    if convert:
        refresh_feeds(app)
    else:
        with without_conversion():
            refresh_feeds(app)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    with session_scope(app) as session:
        simplified = session.query(Event).filter(Event.title_zhs != "").count()
    app.extensions["portal.engine"].dispose()
    return wall, cpu, simplified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=40)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    server = BenchServer(args.feeds, args.items, 0, formats=("rss", "atom", "ics"))
    runs: dict[bool, list[tuple[float, float, int]]] = {True: [], False: []}
    try:
        for number in range(args.rounds):
            for convert in (True, False):
                with tempfile.TemporaryDirectory(prefix="bench-zhs-") as tmp:
                    found = refresh_once(server, Path(tmp), convert)
                runs[convert].append(found)
                label = "with copies   " if convert else "without copies"
                print(f"round {number + 1} {label}: {found[0]:6.2f} s wall, {found[1]:6.2f} s CPU, "
                      f"{found[2]} events with a Simplified title")  # fmt: skip
    finally:
        server.stop()
    for index, what in ((0, "wall"), (1, "CPU ")):
        mine = statistics.median(run[index] for run in runs[True])
        before = statistics.median(run[index] for run in runs[False])
        print(f"median {what}: with {mine:6.2f} s, without {before:6.2f} s: with / without = {mine / before:.2f}x")


if __name__ == "__main__":
    main()
