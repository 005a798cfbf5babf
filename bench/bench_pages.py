"""Pages under load: real pages through gunicorn, cached and uncached, against a bare Flask route and nginx.

    .venv/bin/python bench/bench_pages.py [--duration 10] [--connections 4] [--workers 2] [--redis] [--postgres]
        [--pin] [--counting-only]

Prints figures only; never asserts. Target (issue 7): a cached page at >= 90 %
of the bare Flask route's throughput.

What it does, all in one run and all cleaned up at exit (also on Ctrl-C):

1. copies the real ``content/`` into a temporary folder and syncs it into a
   temporary instance (SQLite + file-system cache by default; ``--postgres`` uses
   a throw-away schema in PostgreSQL on 127.0.0.1:5432 db ``test``, ``--redis``
   Redis on 127.0.0.1:6379 under a throw-away key prefix);
2. starts three gunicorns on ``bench/bench_wsgi.py`` (the portal plus ``/bench/bare``):
   one with the page cache (filled before measuring), one with it bypassed
   (``PORTAL_BENCH_PAGE_CACHE=off``), and one on the same cache with insights'
   counting off (``PORTAL_INSIGHTS=0``; wrk sends a browser's user agent, so the
   first counts every view): issue 20's target is counting >= 0.95 x off
   (``--counting-only`` measures just these, beside a twin with counting off too, whose
   ratio to the other is the noise floor; ratios are medians of per-round pairs);
3. saves each page's HTML and serves the copies with nginx;
4. runs ``wrk`` on: the bare route; per page, the cached page, the bare route
   sending the same number of bytes (``/bench/bare/<bytes>``), the uncached page
   and nginx's copy; in interleaved rounds (a busy spell on the shared machine hits
   every URL alike), keeping the median;
5. prints the table.

Needs ``wrk`` and ``nginx`` (Debian: ``apt-get install wrk nginx``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
POSTGRES_URL = os.environ.get("PORTAL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PORTAL_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")

BARE = "/bench/bare"
PAGES = {
    "home": "/en/",
    "article": "/en/articles/what-is-an-ifsc",
    "event list": "/en/events",
    "centre list": "/en/centres/",
}


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: str  # "" when every response was 2xx/3xx and no socket error
    cpu_us: float  # server CPU time (all its processes) per request, in microseconds


class Cleanup:
    """Things to undo at exit, last in first out."""

    def __init__(self) -> None:
        self.actions: list[tuple[str, Callable[[], None]]] = []

    def add(self, label: str, action: Callable[[], None]) -> None:
        self.actions.append((label, action))

    def run(self) -> None:
        while self.actions:
            label, action = self.actions.pop()
            try:
                action()
            except Exception as exc:  # noqa: BLE001 - clean up everything we can
                print(f"cleanup of {label} failed: {exc}", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    """Stop a process we started (and its children: it leads its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start(cmd: list[str], cleanup: Cleanup, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    with log.open("ab") as out:
        process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    cleanup.add(cmd[0], lambda: stop(process))
    return process


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"server exited ({process.returncode}); see its log:\n{log.read_text()[-3000:]}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"server not answering on {url} after {timeout:.0f} s; log:\n{log.read_text()[-3000:]}")


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNIT_MS[unit]


_TICK = os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(group: int) -> float:
    """User + system CPU time of every process in a process group (a server and its workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) == group:  # pgrp; fields[11], fields[12] are utime, stime
            total += int(fields[11]) + int(fields[12])
    return total / _TICK


BROWSER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def pinned(cmd: list[str], args: argparse.Namespace, cpus: str) -> list[str]:
    """``cmd`` run on ``cpus`` only when ``--pin`` was given (``taskset``): the load generator and the
    servers then never take each other's core, which is most of the noise on a 2-core machine."""
    return ["taskset", "-c", cpus, *cmd] if getattr(args, "pin", False) else cmd


def cpu_sets() -> tuple[str, str]:
    """(the load generator's CPUs, the servers' CPUs) for ``--pin``: the first core, and the rest."""
    count = os.cpu_count() or 1
    return "0", (f"1-{count - 1}" if count > 1 else "0")


def wrk_command(args: argparse.Namespace) -> list[str]:
    # A browser's user agent, so the portal counts these page views (insights, issue 20) as a visitor's.
    base = ["wrk", f"-t{args.threads}", f"-c{args.connections}", "--latency", "-H", f"User-Agent: {BROWSER_AGENT}"]
    return pinned(base, args, cpu_sets()[0])


def wrk(url: str, group: int, args: argparse.Namespace) -> WrkResult:
    """Warm up briefly, then one measured run of ``wrk --latency``, noting the server's CPU time.

    Requests per second depend on whatever else the shared machine is doing; the server's
    CPU time per request much less so, and it is what a dedicated core would turn into throughput.
    """
    base = wrk_command(args)
    subprocess.run([*base, f"-d{args.warmup}s", url], check=True, capture_output=True)
    cpu_before = server_cpu_seconds(group)
    out = subprocess.run([*base, f"-d{args.duration}s", url], check=True, capture_output=True, text=True).stdout
    return wrk_result(out, server_cpu_seconds(group) - cpu_before)


def wrk_together(targets: list[tuple[str, int]], args: argparse.Namespace) -> list[WrkResult]:
    """One wrk per target, all at the same time, after a warm-up together.

    With ``--pin`` the servers share one core, so each gets the same share of it at the same moments: a
    slow spell of the machine (another VM, the CPU's clock) slows every one alike, and their req/s ratio is
    the ratio of their costs per request. Measured one after the other, identical servers differ by 5-25 %
    between 3-second windows on this machine (see bench/README.md), far more than what is being measured.
    """
    base = wrk_command(args)

    def run_all(seconds: int) -> list[str]:
        runs = [
            subprocess.Popen([*base, f"-d{seconds}s", url], stdout=subprocess.PIPE, text=True) for url, _ in targets
        ]
        return [run.communicate()[0] for run in runs]

    run_all(args.warmup)
    before = [server_cpu_seconds(group) for _, group in targets]
    outs = run_all(args.duration)
    return [
        wrk_result(out, server_cpu_seconds(group) - cpu)
        for out, (_, group), cpu in zip(outs, targets, before, strict=True)
    ]


def wrk_result(out: str, cpu: float) -> WrkResult:
    """wrk's printout read, with the server's CPU seconds over the run."""
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = []
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors.append(f"{match.group(1)} non-2xx")
    if match := re.search(r"Socket errors: (.*)", out):
        counts = {k: int(v) for k, v in re.findall(r"(\w+) (\d+)", match.group(1))}
        real = {k: v for k, v in counts.items() if v}
        if real:
            errors.append("socket " + ", ".join(f"{k} {v}" for k, v in real.items()))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return WrkResult(
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_ms(latency["50"]),
        p99_ms=_ms(latency["99"]),
        requests=requests,
        errors="; ".join(errors),
        cpu_us=1e6 * cpu / max(requests, 1),
    )


def prepare_backend(args: argparse.Namespace, work: Path, cleanup: Cleanup) -> dict[str, str]:
    """Environment for a throw-away instance: database, cache, content."""
    content = work / "content"
    shutil.copytree(ROOT / "content", content)
    instance = work / "instance"
    instance.mkdir()
    env = {
        "PORTAL_BENCH_INSTANCE": str(instance),
        "PORTAL_CONTENT_DIR": str(content),
        "PORTAL_DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
        "PORTAL_DATABASE_UPGRADE_ON_START": "1",  # a new database each run, made by the migrations
        "PORTAL_SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "PORTAL_SITE_URL": "http://127.0.0.1:5000",
    }
    tag = f"bench_{uuid.uuid4().hex[:12]}"
    if args.postgres:
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{tag}"')

        def drop_schema() -> None:
            with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{tag}" CASCADE')

        cleanup.add("postgres schema", drop_schema)
        env["PORTAL_DATABASE_URL"] = f"{POSTGRES_URL}?options=-csearch_path%3D{tag}"
    if args.redis:
        import redis

        prefix = f"portal-bench:{tag}:"

        def clear_prefix() -> None:
            client = redis.Redis.from_url(REDIS_URL)
            for key in client.scan_iter(f"{prefix}*"):
                client.delete(key)
            client.close()

        cleanup.add("redis keys", clear_prefix)
        env["PORTAL_REDIS_URL"] = REDIS_URL
        env["PORTAL_CACHE_PREFIX"] = prefix
    return env


def sync(env: dict[str, str]) -> None:
    """``flask content sync`` into the throw-away instance (a child process: our own env stays clean)."""
    code = (
        "import os; from portal import create_app; from portal.cli import sync_content\n"
        "app = create_app({'INSTANCE_PATH': os.environ['PORTAL_BENCH_INSTANCE']})\n"
        "reports = sync_content(app)\n"
        "print(', '.join(f'{r.source}: {r.changed}' for r in reports))\n"
        "app.extensions['portal.engine'].dispose()\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True, cwd=ROOT
    )
    if done.returncode:
        sys.exit(f"content sync failed:\n{done.stdout}\n{done.stderr}")
    print(f"synced the real content in {time.perf_counter() - started:.1f} s ({done.stdout.strip()})")


def gunicorn(env: dict[str, str], args: argparse.Namespace, work: Path, cleanup: Cleanup, label: str):
    port = free_port()
    log = work / f"gunicorn-{label}.log"
    cmd = [
        str(BIN / "gunicorn"),
        "--pythonpath", str(ROOT / "bench"),
        "-w", str(args.workers),
        "-b", f"127.0.0.1:{port}",
        "--log-level", "warning",
        "bench_wsgi:app",
    ]  # fmt: skip
    process = start(pinned(cmd, args, cpu_sets()[1]), cleanup, log, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + BARE, process, log)
    return process, base


def nginx(pages: dict[str, bytes], args: argparse.Namespace, work: Path, cleanup: Cleanup):
    """Serve saved copies of the pages with Debian's nginx, in the foreground, from a temp prefix."""
    prefix = work / "nginx"
    www = prefix / "www"
    for path, body in pages.items():
        target = www / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
    port = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(
        f"""daemon off;
worker_processes {args.workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp-body;
    proxy_temp_path {prefix}/tmp-proxy;
    fastcgi_temp_path {prefix}/tmp-fastcgi;
    uwsgi_temp_path {prefix}/tmp-uwsgi;
    scgi_temp_path {prefix}/tmp-scgi;
    server {{
        listen 127.0.0.1:{port};
        root {www};
        default_type "text/html; charset=utf-8";
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""
    )
    log = prefix / "stdout.log"
    process = start(["nginx", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")], cleanup, log)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + next(iter(pages)), process, prefix / "error.log")
    for path, body in pages.items():
        status, _headers, served = fetch(base + path)
        if status != 200 or served != body:
            sys.exit(f"nginx does not serve the saved {path} ({status}); see {prefix / 'error.log'}")
    return process, base


def fill_cache(base: str) -> dict[str, str]:
    """Request each page until the cache answers; returns the X-Cache seen on the last request."""
    seen = {}
    for name, path in PAGES.items():
        status = None
        for _ in range(3):
            status, headers, _body = fetch(base + path)
            seen[name] = headers.get("X-Cache", "none")
            if seen[name] == "hit":
                break
        if status != 200:
            sys.exit(f"{path} answered {status}; the bench needs every page to work")
    return seen


def render_in_every_worker(base: str, times: int = 12) -> None:
    """Have every worker render every page (an unknown query parameter skips the page cache), so servers
    compared with each other are in the same state: a worker that rendered pages holds far more objects than
    one that only ever answered from the cache, and was measured 4-6 % slower at the same hits."""
    for path in PAGES.values():
        for number in range(times):
            fetch(f"{base}{path}?bench-warm={number}")


def median(results: list[WrkResult]) -> WrkResult:
    return WrkResult(
        rps=statistics.median(r.rps for r in results),
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        requests=sum(r.requests for r in results),
        errors="; ".join(r.errors for r in results if r.errors),
        cpu_us=statistics.median(r.cpu_us for r in results),
    )


Rounds = dict[str, list[WrkResult]]  # per target, one result per round in round order


def measure_rounds(targets: dict[str, tuple[str, int]], args: argparse.Namespace) -> Rounds:
    """Run wrk on every target once per round, interleaved, so a busy spell on the shared
    machine hits all of them alike; every other round runs them in the reverse order, so a
    target is not always the one measured just after the same neighbour (or first, on a cool machine)."""
    runs: Rounds = {label: [] for label in targets}
    for number in range(1, args.rounds + 1):
        print(f"round {number} of {args.rounds}, load average {os.getloadavg()[0]:.2f}", flush=True)
        order = list(targets.items())
        for label, (url, group) in order if number % 2 else reversed(order):
            result = wrk(url, group, args)
            runs[label].append(result)
            note = f"  ({result.errors})" if result.errors else ""
            latency = f"p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms  CPU {result.cpu_us:6.0f} us/req"
            print(f"  {label:<25} {result.rps:8.1f} req/s  {latency}{note}", flush=True)
    return runs


def server_workers(group: int) -> list[int]:
    """The worker processes of a server (its process group, without the leader)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        if int(fields[2]) == group and pid != group:
            found.append(pid)
    return found


def set_counting(group: int, on: bool) -> None:
    """Counting on or off in every worker of a ``bench_wsgi`` server (its SIGRTMIN+1 / +2 handlers)."""
    for pid in server_workers(group):
        os.kill(pid, signal.SIGRTMIN + (1 if on else 2))
    time.sleep(0.3)


Server = tuple[str, int]  # (base URL, process group)


def measure_crossover(a: Server, b: Server, twin: Server, args: argparse.Namespace) -> Rounds:
    """Per page and round, three servers under load at the same time (``wrk_together``): one counting, one
    with counting switched off, and the twin (counting off by its setting). Servers ``a`` and ``b`` swap
    roles every round (a crossover), so a difference between the two processes cancels out over a pair of
    rounds; labels are by role: ``cached <page>`` counting, ``uncounted <page>`` off, ``twin <page>``."""
    runs: Rounds = {f"{role} {page}": [] for page in PAGES for role in ("cached", "uncounted", "twin")}
    for number in range(1, args.rounds + 1):
        counting, off = (a, b) if number % 2 else (b, a)
        set_counting(counting[1], True)
        set_counting(off[1], False)
        print(f"round {number} of {args.rounds}, load average {os.getloadavg()[0]:.2f}", flush=True)
        for page, path in PAGES.items():
            roles = [("cached", counting), ("uncounted", off), ("twin", twin)]
            turn = number % len(roles)  # who is started first changes from round to round
            roles = roles[turn:] + roles[:turn]
            targets = [(base + path, group) for _, (base, group) in roles]
            for (role, _), result in zip(roles, wrk_together(targets, args), strict=True):
                runs[f"{role} {page}"].append(result)
                print(f"  {role:<9} {page:<12} {result.rps:8.1f} req/s  CPU {result.cpu_us:6.0f} us/req", flush=True)
    return runs


def medians(runs: Rounds) -> dict[str, WrkResult]:
    return {label: median(results) for label, results in runs.items()}


def paired(runs: Rounds, a: str, b: str, mean: bool = False) -> tuple[float, float]:
    """Over the rounds, a's req/s over b's in the same round, and b's CPU per request over a's: the median,
    or with ``mean`` the geometric mean (a crossover's rounds are biased in turn one way and the other, and
    only the mean cancels that exactly). Pairs measured minutes apart share none of each other's noise;
    pairs in one round share most of it."""
    pairs = list(zip(runs[a], runs[b], strict=True))
    average = statistics.geometric_mean if mean else statistics.median
    return average(x.rps / y.rps for x, y in pairs), average(y.cpu_us / x.cpu_us for x, y in pairs)


def _lat(r: WrkResult) -> str:
    return f"{r.p50_ms:.2f} / {r.p99_ms:.2f}"


def table(results: dict[str, WrkResult], sizes: dict[str, int], cache_state: dict[str, str]) -> str:
    """Throughput and latency (medians of the rounds); ratios in req/s and, in brackets, in CPU per request."""
    bare = results["bare"]
    rows = [
        "| page | bytes | cached req/s | cached p50 / p99 ms | cached CPU µs/req | uncached req/s "
        "| uncached p50 / p99 ms | uncached CPU µs/req | cached / bare (CPU) | cached / bare same bytes (CPU) "
        "| nginx req/s | nginx p50 / p99 ms | cached / nginx |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| bare Flask route `{BARE}` | {sizes['bare']} | {bare.rps:,.0f} | {_lat(bare)} | {bare.cpu_us:.0f} "
        "| | | | 100 % | | | | |",
    ]
    for name, path in PAGES.items():
        c, u, s, same = (results[f"{kind} {name}"] for kind in ("cached", "uncached", "nginx", "bare-bytes"))
        note = "" if cache_state[name] == "hit" else f" (not cached: X-Cache {cache_state[name]})"
        rows.append(
            f"| {name} `{path}`{note} | {sizes[name]:,} | {c.rps:,.0f} | {_lat(c)} | {c.cpu_us:.0f} "
            f"| {u.rps:,.0f} | {_lat(u)} | {u.cpu_us:.0f} "
            f"| {100 * c.rps / bare.rps:.0f} % ({100 * bare.cpu_us / c.cpu_us:.0f} %) "
            f"| {100 * c.rps / same.rps:.0f} % ({100 * same.cpu_us / c.cpu_us:.0f} %) "
            f"| {s.rps:,.0f} | {_lat(s)} | {100 * c.rps / s.rps:.1f} % |"
        )
    return "\n".join(rows)


def counting_table(runs: Rounds, mean: bool = False) -> str:
    """Cached pages with insights counting every view (a browser's user agent) and with counting off.

    The off instance's twin (counting off too) gives the noise floor: two identical servers differ by as
    much as that, so a counting / off ratio inside the twin's spread says nothing about counting.
    """
    results = medians(runs)
    twin = any(label.startswith("twin ") for label in runs)
    per_round = "geometric mean of rounds" if mean else "median of rounds"
    rows = [
        f"| page | cached req/s, counting | cached req/s, counting off | counting / off, {per_round} (CPU) "
        "| CPU µs/req counting / off |" + (f" twin / off, {per_round} (CPU) |" if twin else ""),
        "|---|---|---|---|---|" + ("---|" if twin else ""),
    ]
    for name, path in PAGES.items():
        on, off = results[f"cached {name}"], results[f"uncounted {name}"]
        rps, cpu = paired(runs, f"cached {name}", f"uncounted {name}", mean)
        row = (
            f"| {name} `{path}` | {on.rps:,.0f} | {off.rps:,.0f} | {rps:.3f} ({cpu:.3f}) "
            f"| {on.cpu_us:.0f} / {off.cpu_us:.0f} |"
        )
        if twin:
            twin_rps, twin_cpu = paired(runs, f"twin {name}", f"uncounted {name}", mean)
            row += f" {twin_rps:.3f} ({twin_cpu:.3f}) |"
        rows.append(row)
    return "\n".join(rows)


def run(args: argparse.Namespace, work: Path, cleanup: Cleanup) -> None:
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install -y wrk nginx")
    backend = ("PostgreSQL" if args.postgres else "SQLite") + " + " + ("Redis" if args.redis else "file cache")
    print(
        f"{backend}; gunicorn {args.workers} sync workers; wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s (after {args.warmup} s warm-up) per URL, {args.rounds} interleaved rounds, median"
    )
    env = prepare_backend(args, work, cleanup)
    sync(env)

    # Both gunicorns and nginx are up for the whole run; only the one under wrk is busy.
    cached_server, cached_base = gunicorn(env, args, work, cleanup, "cached")
    uncached_server, uncached_base = gunicorn(
        {**env, "PORTAL_BENCH_PAGE_CACHE": "off"}, args, work, cleanup, "uncached"
    )
    # The same cached pages (one instance, one cache) with insights' counting off (issue 20).
    uncounted_server, uncounted_base = gunicorn({**env, "PORTAL_INSIGHTS": "0"}, args, work, cleanup, "uncounted")
    cache_state = fill_cache(cached_base)
    fill_cache(uncounted_base)
    bypassed = fill_cache(uncached_base)
    if any(value != "none" for value in bypassed.values()):
        sys.exit(f"page cache not bypassed: X-Cache {bypassed}")
    saved = {path: fetch(cached_base + path)[2] for path in PAGES.values()}
    static_server, static_base = nginx(saved, args, work, cleanup)

    cached_group, uncached_group, static_group = cached_server.pid, uncached_server.pid, static_server.pid
    targets = {"bare": (cached_base + BARE, cached_group)}
    sizes = {"bare": len(fetch(cached_base + BARE)[2])}
    for name, path in PAGES.items():
        sizes[name] = len(saved[path])
        targets[f"cached {name}"] = (cached_base + path, cached_group)
        targets[f"bare-bytes {name}"] = (f"{cached_base}{BARE}/{sizes[name]}", cached_group)
        targets[f"uncached {name}"] = (uncached_base + path, uncached_group)
        targets[f"uncounted {name}"] = (uncounted_base + path, uncounted_server.pid)
        targets[f"nginx {name}"] = (static_base + path, static_group)
    if args.counting_only:
        # A second server with counting off: the two off servers' ratio is the noise floor.
        twin_server, twin_base = gunicorn({**env, "PORTAL_INSIGHTS": "0"}, args, work, cleanup, "twin")
        fill_cache(twin_base)
        for base in (cached_base, uncounted_base, twin_base):
            render_in_every_worker(base)
        if args.together:
            # Crossover: a second counting server, the two switched on and off in turn; the off-by-setting
            # server stands beside them as the twin.
            other_server, other_base = gunicorn(env, args, work, cleanup, "counting-b")
            fill_cache(other_base)
            render_in_every_worker(other_base)
            a, b = (cached_base, cached_server.pid), (other_base, other_server.pid)
            runs = measure_crossover(a, b, (uncounted_base, uncounted_server.pid), args)
            print(f"\nload average at the end {os.getloadavg()[0]:.2f}\n\n" + counting_table(runs, mean=True))
            return
        kept = {label: target for label, target in targets.items() if label.startswith(("cached", "uncounted"))}
        targets = {}
        for name, path in PAGES.items():
            targets[f"cached {name}"] = kept[f"cached {name}"]
            targets[f"uncounted {name}"] = kept[f"uncounted {name}"]
            targets[f"twin {name}"] = (twin_base + path, twin_server.pid)
        runs = measure_rounds(targets, args)
        print(f"\nload average at the end {os.getloadavg()[0]:.2f}\n\n" + counting_table(runs))
        return
    runs = measure_rounds(targets, args)
    results = medians(runs)

    after = fill_cache(cached_base)  # still served from the cache after the run?
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}; X-Cache after the run: {after}\n")
    print(table(results, sizes, cache_state))
    print("\n" + counting_table(runs))
    hits = [name for name, value in cache_state.items() if value == "hit"]
    if hits:
        worst = min(hits, key=lambda name: results[f"cached {name}"].rps)
        share = 100 * results[f"cached {worst}"].rps / results["bare"].rps
        verdict = "met" if share >= 90 else "missed"
        cpu_share = 100 * results["bare"].cpu_us / results[f"cached {worst}"].cpu_us
        print(
            f"\ntarget: cached page >= 90 % of the bare Flask route; slowest ({worst}) {share:.0f} % in req/s,"
            f" {cpu_share:.0f} % in CPU per request: {verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per URL and round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds, median kept (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of wrk before each measured run (default 1)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers and nginx workers (default 2)")
    parser.add_argument(
        "--counting-only",
        action="store_true",
        help="only cached pages with insights counting on and off (issue 20), for more rounds",
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="with --counting-only: two counting servers switched on and off in turn (a crossover) and the twin,"
        " loaded at the same time (use with --pin)",
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="wrk on the first CPU, the servers on the others (taskset), so they never share a core",
    )
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL 127.0.0.1:5432 db test, throw-away schema")
    parser.add_argument("--redis", action="store_true", help="Redis on 127.0.0.1:6379, throw-away key prefix")
    args = parser.parse_args()

    cleanup = Cleanup()
    # SIGTERM (and SIGHUP) unwind like Ctrl-C, so the finally below always runs.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    work = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user and must read the saved pages
    cleanup.add("temp dir", lambda: shutil.rmtree(work, ignore_errors=True))
    try:
        run(args, work, cleanup)
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
        sys.exit(130)
    finally:
        cleanup.run()


if __name__ == "__main__":
    main()
