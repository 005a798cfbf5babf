"""What counting costs on the cached page path: page-cache hits per second with insights on and off.

    .venv/bin/python bench/bench_insights.py [--seconds 3] [--rounds 5]

Prints figures only; never asserts. Target (issue 20): cached req/s with counting >= 0.95 x without.

Two apps on one synced temporary instance (SQLite + file cache), one with ``INSIGHTS_ENABLED`` and one
without; each page-cache hit is called straight through the WSGI stack (no server, no network, so the
counting's share is as large as it can look), in interleaved rounds (a busy spell on the shared machine
hits both alike); the median of the rounds is kept. The user agent is a browser's, so every hit is counted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.cli import sync_content  # noqa: E402

PATHS = ("/en/", "/en/help", "/zh-hk/articles/")
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def make(instance: Path, counting: bool):
    return create_app({
        "INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
        "CACHE_DIR": str(instance / ("cache-on" if counting else "cache-off")), "DATABASE_UPGRADE_ON_START": True,
        "INSIGHTS_ENABLED": counting, "INSIGHTS_FLUSH_SECONDS": 3600.0, "INSIGHTS_FLUSH_KEYS": 10_000,
    })  # fmt: skip


def hits_per_second(app, seconds: float) -> tuple[float, float]:
    """Page-cache hits answered per second of wall time and per second of this process's CPU time, the pages
    taken in turn (CPU time moves much less than wall time when other work shares the machine)."""
    environs = [
        {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "bench", "SERVER_PORT": "80",
         "wsgi.url_scheme": "http", "HTTP_USER_AGENT": AGENT, "HTTP_HOST": "bench"}
        for path in PATHS
    ]  # fmt: skip

    def start_response(status, headers, exc_info=None):
        return None

    done, start, cpu = 0, time.perf_counter(), time.process_time()
    end = start + seconds
    while time.perf_counter() < end:
        for environ in environs:
            body = app.wsgi_app(dict(environ), start_response)
            b"".join(body)
            done += 1
    return done / (time.perf_counter() - start), done / (time.process_time() - cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder)
        on, off = make(instance, True), make(instance, False)
        sync_content(on)
        for app in (on, off):  # fill each page cache, and check the next answer is a hit
            client = app.test_client()
            client.environ_base["HTTP_USER_AGENT"] = AGENT
            for path in PATHS:
                client.get(path)
                assert client.get(path).headers.get("X-Cache") == "hit", path
        results: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
        for number in range(args.rounds):
            for label, app in (("off", off), ("on", on)) if number % 2 else (("on", on), ("off", off)):
                results[label].append(hits_per_second(app, args.seconds))
        counted = sum(on.extensions["portal.insights"].counts.values())
        wall = {label: statistics.median(r[0] for r in runs) for label, runs in results.items()}
        cpu = {label: statistics.median(r[1] for r in runs) for label, runs in results.items()}
        print(f"load average {os.getloadavg()[0]:.2f}; {args.rounds} interleaved rounds of {args.seconds} s, medians")
        print("| measure | counting off | counting on | on / off |")
        print("| --- | --- | --- | --- |")
        print(f"| hits/s (wall) | {wall['off']:,.0f} | {wall['on']:,.0f} | {wall['on'] / wall['off']:.3f} |")
        print(f"| hits per CPU second | {cpu['off']:,.0f} | {cpu['on']:,.0f} | {cpu['on'] / cpu['off']:.3f} |")
        print(f"| µs CPU per hit | {1e6 / cpu['off']:.1f} | {1e6 / cpu['on']:.1f} | |")
        print(f"hits counted: {counted}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
