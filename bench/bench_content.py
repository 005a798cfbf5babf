"""Content benchmarks: sync of N generated articles, in-process render time, memory.

    .venv/bin/python bench/bench_content.py [--pairs 5000] [--render-pairs 1000]

Prints figures only; never asserts. Targets (issue 7): full sync of 10,000
files <= 30 s, unchanged re-sync <= 2 s, one changed file <= 1 s; uncached
article render <= 5 ms median with 2,000 articles loaded; one worker's RSS
with 10,000 articles loaded <= 150 MB.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.cli import sync_content  # noqa: E402

CATEGORIES = ["parenting", "couples", "caring", "wellbeing", "finances", "getting-help"]
TAGS = ["communication", "stress", "teenagers", "sleep", "budgeting", "elderly-parents"]
WORDS = "family parent child talk listen money sleep stress carer help centre support time home school".split()
HANZI = "家庭父母孩子溝通聆聽金錢睡眠壓力照顧協助中心支援時間學校關係情緒"


def article(slug: str, lang: str, rng: random.Random, shared: str) -> str:
    """One language file; ``shared`` is the front matter both languages of an article must agree on."""
    if lang == "en":
        title = " ".join(rng.choice(WORDS) for _ in range(5)).capitalize()
        body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) + "." for _ in range(8))
    else:
        title = "".join(rng.choice(HANZI) for _ in range(10))
        body = "\n\n".join("".join(rng.choice(HANZI) for _ in range(120)) + "。" for _ in range(8))
    return (
        f"---\ntitle: {title}\nsummary: {title}\n{shared}"
        f"reviewed: 2026-02-01\nauthor: Bench\n---\n## Heading\n\n{body}\n"
    )


def shared_facts(rng: random.Random) -> str:
    """Category, tags and date, the same in both files (the sync rejects a pair that disagrees)."""
    tags = sorted({rng.choice(TAGS), rng.choice(TAGS)})
    return (f"category: {rng.choice(CATEGORIES)}\ntags: [{', '.join(tags)}]\n"
            f"published: 2026-01-{rng.randint(1, 28):02d}\n")  # fmt: skip


def make_content(target: Path, pairs: int) -> None:
    rng = random.Random(42)
    for name in ("categories.yml", "tags.yml", "hotlines.yml"):
        shutil.copy(ROOT / "content" / name, target / name)
    for index in range(pairs):
        folder = target / "articles" / f"bench-{index:05d}"
        folder.mkdir(parents=True)
        shared = shared_facts(rng)
        for lang in ("en", "zh-hk"):
            (folder / f"{lang}.md").write_text(article(folder.name, lang, rng, shared), encoding="utf-8")


def make_app(work: Path, content: Path):
    return create_app(
        {
            "INSTANCE_PATH": str(work / "instance"),
            "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
            "DATABASE_UPGRADE_ON_START": True,
            "REDIS_URL": None,
            "CACHE_DIR": str(work / "cache"),
            "CONTENT_DIR": str(content),
        }
    )


def timed(label: str, action) -> float:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    print(f"{label:<40} {seconds:8.2f} s")
    return seconds


def bench_sync(pairs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        content = work / "content"
        content.mkdir()
        make_content(content, pairs)
        app = make_app(work, content)
        timed(f"full sync, {pairs * 2} files", lambda: sync_content(app))
        timed("unchanged re-sync", lambda: sync_content(app))
        changed = content / "articles" / "bench-00007" / "en.md"
        changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        timed("one changed file", lambda: sync_content(app))
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{'max RSS of the syncing process (MB)':<40} {rss_mb:8.1f}")
        app.extensions["portal.engine"].dispose()
        bench_worker_memory(work, content, pairs)


def bench_worker_memory(work: Path, content: Path, pairs: int, requests: int = 400) -> None:
    """One gunicorn worker serving the synced articles: its resident size after a mixed walk of pages."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = {"INSTANCE_PATH": str(work / "instance"), "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
              "REDIS_URL": None, "CACHE_DIR": str(work / "cache"), "CONTENT_DIR": str(content)}  # fmt: skip
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}", "--chdir", str(ROOT), f"portal:create_app({config!r})"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        rng = random.Random(7)
        paths = [
            "/en/",
            "/zh-hk/",
            "/en/articles/",
            f"/zh-hk/articles/?page={max(1, pairs // 24)}",
            "/en/events",
            "/en/centres/",
            "/en/search?q=family+stress",
            "/zh-hk/search?q=溝通",
            "/zh-cn/search?q=沟通",
            "/zh-cn/",
            "/en/articles/feed.atom",
            "/sitemap.xml",
        ]
        paths += [
            f"/{rng.choice(['en', 'zh-hk', 'zh-cn'])}/articles/bench-{rng.randrange(pairs):05d}"
            for _ in range(requests)
        ]
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/en/", timeout=30).read()  # noqa: S310 - local server
                break
            except OSError:
                time.sleep(0.2)
        for path in paths:
            urllib.request.urlopen(base + urllib.parse.quote(path, safe="/?=&+"), timeout=30).read()  # noqa: S310
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            rss_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")))
            hwm_kb = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
            print(
                f"{'worker RSS after ' + str(len(paths)) + ' pages (MB)':<40} {rss_kb / 1024:8.1f}"
                f"   (peak {hwm_kb / 1024:.1f})"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_render(pairs: int, rounds: int = 200) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        content = work / "content"
        content.mkdir()
        make_content(content, pairs)
        app = make_app(work, content)
        sync_content(app)
        client = app.test_client()
        rng = random.Random(1)
        times = []
        # Every path once only, so each request is a cache miss: rendered, then stored.
        for index in rng.sample(range(pairs), min(rounds, pairs)):
            path = f"/{rng.choice(['en', 'zh-hk', 'zh-cn'])}/articles/bench-{index:05d}"
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, path
        times.sort()
        print(
            f"uncached article render, {pairs * 2} articles: median {statistics.median(times):.2f} ms, "
            f"p95 {times[int(len(times) * 0.95)]:.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=5000, help="bilingual pairs for the sync benchmark")
    parser.add_argument("--render-pairs", type=int, default=1000, help="bilingual pairs for the render benchmark")
    args = parser.parse_args()
    bench_render(args.render_pairs)
    bench_sync(args.pairs)


if __name__ == "__main__":
    main()
