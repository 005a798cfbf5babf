"""A flooded page cache: does a page miss still cost what it costs on an empty cache? (issue 13, part 4)

    .venv/bin/python bench/bench_cache_flood.py [--junk 20000] [--free-text 1000] [--misses 200]

Prints figures only; never asserts. Target: a miss stays within 2x its empty-cache time.

All in one run, on the real content synced into a temporary SQLite + file-system cache
(the embedded mode, whose cache once degraded):

1. the reference: the median miss (render + store) over distinct real pages, the calendar's
   months (``/en/events/calendar?month=YYYY-MM``), on an empty cache;
2. flood A, what the audit sent: ``--junk`` URLs like ``/en/?x=N`` and ``--free-text`` distinct
   values each of centre ``q``, events ``district`` and ``topic``, calendar ``month`` junk and
   search ``q``; then the entries in the cache and the median miss over other months;
3. flood B, what junk can no longer do but real pages can: the cache filled past its threshold
   (20,000) with distinct page-sized entries (as a crawl of every valid filter combination would),
   then the median miss, once with the portal's cache (``RoomyFileSystemCache``) and once (10 misses)
   with cachelib's stock ``FileSystemCache`` on the same folder, in the same run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_caching.backends.filesystemcache import FileSystemCache  # noqa: E402

from portal import create_app  # noqa: E402
from portal.cache import CachedPage, RoomyFileSystemCache, cache  # noqa: E402
from portal.cli import sync_content  # noqa: E402

THRESHOLD = 20_000


def months(start_year: int, count: int) -> list[str]:
    return [f"{start_year + i // 12}-{i % 12 + 1:02d}" for i in range(count)]


def median_miss_ms(client, urls: list[str]) -> float:
    took = []
    for url in urls:
        began = time.perf_counter()
        response = client.get(url)
        took.append((time.perf_counter() - began) * 1000)
        assert response.headers.get("X-Cache") == "miss", (url, response.headers.get("X-Cache"))
    return statistics.median(took)


def entries(folder: Path) -> int:
    return sum(1 for _ in folder.iterdir())


def flood_a(client, junk: int, free_text: int) -> float:
    began = time.perf_counter()
    for i in range(junk):
        client.get(f"/en/?x={i}")
    for i in range(free_text):
        client.get(f"/en/centres/?q=street{i}")
        client.get(f"/en/events?district=nowhere{i}")
        client.get(f"/en/events?topic=topic{i}")
        client.get(f"/en/events/calendar?month=2026-{i}")
        client.get(f"/en/search?q=word{i}")
    return time.perf_counter() - began


def fill_past_threshold(backend, body: bytes) -> None:
    """Distinct page-sized entries until the cache holds one more than its threshold."""
    page = CachedPage(body, 200, [("Content-Type", "text/html; charset=utf-8")])
    for i in range(THRESHOLD + 1):
        backend.set(f"page3:bench:filler:{id(backend)}:{i}", page, timeout=600)
        if backend._file_count > THRESHOLD:
            return


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--junk", type=int, default=20_000)
    parser.add_argument("--free-text", type=int, default=1_000)
    parser.add_argument("--misses", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-flood-"))
    try:
        instance = workdir / "instance"
        cache_dir = instance / "cache"
        app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": f"sqlite:///{instance / 'db.sqlite3'}",
                          "REDIS_URL": None, "CACHE_DIR": str(cache_dir), "SECRET_KEY": "bench",
                          "CONTENT_DIR": str(ROOT / "content"), "DATABASE_UPGRADE_ON_START": True})  # fmt: skip
        sync_content(app)
        client = app.test_client()
        for url in ("/en/", "/en/events/calendar", "/en/centres/", "/en/events", "/en/search?q=x"):
            client.get(url)  # templates compiled, database warm
        miss_urls = [f"/en/events/calendar?month={m}" for m in months(1950, 4 * args.misses)]
        batches = [miss_urls[i * args.misses : (i + 1) * args.misses] for i in range(4)]

        empty = median_miss_ms(client, batches[0])
        print(f"reference: miss on an empty cache, median of {args.misses}: {empty:.2f} ms")

        before = entries(cache_dir)
        took = flood_a(client, args.junk, args.free_text)
        sent = args.junk + 5 * args.free_text
        after_a = median_miss_ms(client, batches[1])
        print(f"flood A: {sent:,} junk and free-text requests in {took:.0f} s; cache entries "
              f"{before} -> {entries(cache_dir)}; miss median {after_a:.2f} ms = {after_a / empty:.2f}x")  # fmt: skip

        backend = app.extensions["cache"][cache]
        body = client.get("/en/events/calendar?month=2030-01").get_data()
        began = time.perf_counter()
        fill_past_threshold(backend, body)
        print(f"flood B: filled to {entries(cache_dir):,} entries in {time.perf_counter() - began:.0f} s")
        roomy = median_miss_ms(client, batches[2])
        print(f"  RoomyFileSystemCache (the portal's): miss median {roomy:.2f} ms = {roomy / empty:.2f}x")

        stock = FileSystemCache(str(cache_dir), threshold=THRESHOLD, default_timeout=600)
        fill_past_threshold(stock, body)
        app.extensions["cache"][cache] = stock
        stock_ms = median_miss_ms(client, batches[3][:10])  # each takes a scan of the whole folder
        print(f"  cachelib FileSystemCache (stock, before): miss median {stock_ms:.2f} ms = {stock_ms / empty:.2f}x")
        assert isinstance(backend, RoomyFileSystemCache)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
