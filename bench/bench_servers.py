"""Choose the app server by measurement (issue #18): gunicorn sync, gunicorn gthread and granian under the
same load, with nginx (the shipped deploy/nginx/portal.conf) as the yardstick, all in one run.

    .venv/bin/python bench/bench_servers.py [--duration 5] [--rounds 3] [--connections 32] [--threads 2]

For each server (``--workers`` workers each, 2 by default on the 2-core machine): the article with the page
cache hit, the article with the page cache bypassed (a miss: rendered every time) and a bare Flask app
(``bench/bench_hello.py``, one route) on the same server. Then nginx: the saved article as a static file,
and the article through the shipped config's ``proxy_cache`` (a HIT) in front of granian. Every URL is
measured once per round, rounds interleaved, median kept; only ratios are meaningful on a shared machine.
Prints figures; never asserts. Needs wrk and nginx (``apt-get install wrk nginx-light``) and granian
(in the project's dependencies).

Targets: cached article through nginx >= 0.8 x nginx static; app server alone, cache hit >= 0.12 x nginx
static and >= 1.0 x the bare Flask route on the same server.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_pages import (
    BIN,
    ROOT,
    Cleanup,
    WrkResult,
    cpu_sets,
    fetch,
    free_port,
    median,
    paired,
    pinned,
    prepare_backend,
    start,
    sync,
    wait_until_up,
    wrk,
    wrk_together,
)

ARTICLE = "/en/articles/what-is-an-ifsc"
BENCH = ROOT / "bench"


def server_command(kind: str, module: str, port: int, workers: int) -> list[str]:
    bind = f"127.0.0.1:{port}"
    if kind == "granian":  # as deploy/systemd/portal.service runs it
        return [
            str(BIN / "granian"), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--blocking-threads", "1", "--backpressure", "64", "--no-ws",
            "--log-level", "warning", "--working-dir", str(BENCH), module,
        ]  # fmt: skip
    gunicorn = [str(BIN / "gunicorn"), "--pythonpath", str(BENCH), "-w", str(workers), "-b", bind]
    if kind == "gunicorn gthread":
        gunicorn += ["-k", "gthread", "--threads", "4"]
    return [*gunicorn, "--log-level", "warning", module]


def serve(kind: str, module: str, env: dict[str, str], args, work: Path, cleanup: Cleanup, probe: str):
    port = free_port()
    log = work / f"{kind.replace(' ', '-')}-{module.replace(':', '-')}-{port}.log"
    process = start(server_command(kind, module, port, args.workers), cleanup, log, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + probe, process, log)
    return process, base


def warm(url: str, header: str, wanted: str) -> None:
    for _ in range(5):
        status, headers, _ = fetch(url)
        seen = {name.lower(): value for name, value in headers.items()}.get(header.lower())  # granian sends lower case
        if status == 200 and seen == wanted:
            return
    sys.exit(f"{url}: {header} never became {wanted!r} ({status}, {seen})")


INSIGHTS_LOG_LINE = re.compile(r"^\s*access_log \S+ portal_insights\b.*;$", re.M)


def without_insights_log(site: str) -> str:
    """The site config with nginx's insights log (issue 20) turned off, for its cost."""
    site, found = INSIGHTS_LOG_LINE.subn("        access_log off;", site)
    if found != 1:
        sys.exit("deploy/nginx/portal.conf: the insights access_log line was not found")
    return site


def without_robot_check(site: str) -> str:
    """The insights log with its robot flag written as a constant: what the user-agent regex costs."""
    if "\\t$portal_insights_bot\\t" not in site:
        sys.exit("deploy/nginx/portal.conf: the robot flag was not found in the insights log format")
    return site.replace("\\t$portal_insights_bot\\t", "\\t0\\t")


def nginx_shipped(upstream: str, article: bytes, work: Path, cleanup: Cleanup, name: str = "ngx", edit=None, args=None):
    """The shipped site config, rendered for a throw-away prefix; its static root holds the saved article.
    ``edit`` changes the rendered site config (the text) before nginx starts."""
    root = work / "site"
    (root / "static").mkdir(parents=True, exist_ok=True)
    (root / "static" / "article.html").write_bytes(article)
    prefix = work / name
    port = free_port()
    subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "render_nginx.py"), "--standalone", str(prefix), "--root", str(root),
         "--listen", f"127.0.0.1:{port}", "--upstream", upstream],
        check=True, capture_output=True,
    )  # fmt: skip
    if edit is not None:
        site = prefix / "portal.conf"
        site.write_text(edit(site.read_text()))
    conf = prefix / "nginx.conf"
    conf.write_text("daemon off;\n" + conf.read_text())
    command = ["nginx", "-p", str(prefix), "-c", str(conf)]
    process = start(pinned(command, args, cpu_sets()[1]), cleanup, prefix / "stdout.log")
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/static/article.html", process, prefix / "error.log")
    return process, base


def measure_rounds(targets: dict[str, tuple[str, int]], args: argparse.Namespace) -> dict[str, WrkResult]:
    """Every target once per round, interleaved (a busy spell on the shared machine hits all alike); medians."""
    return {label: median(results) for label, results in rounds_of(targets, args).items()}


def rounds_of(targets: dict[str, tuple[str, int]], args: argparse.Namespace) -> dict[str, list[WrkResult]]:
    """Every target once per round, interleaved, every other round in reverse order; each round's results.
    A run in which no request finished (wrk prints no latency) counts as 0 req/s, noted."""
    runs: dict[str, list[WrkResult]] = {label: [] for label in targets}
    for number in range(1, args.rounds + 1):
        print(f"round {number} of {args.rounds}, load average {os.getloadavg()[0]:.2f}", flush=True)
        order = list(targets.items())
        for label, (url, group) in order if number % 2 else reversed(order):
            try:
                result = wrk(url, group, args)
            except (KeyError, AttributeError):
                result = WrkResult(0.0, 0.0, 0.0, 0, "no request finished", 0.0)
            runs[label].append(result)
            note = f"  ({result.errors})" if result.errors else ""
            print(f"  {label:<28} {result.rps:9.1f} req/s  p99 {result.p99_ms:7.2f} ms{note}", flush=True)
    return runs


def together_rounds(targets: dict[str, tuple[str, int]], args: argparse.Namespace) -> dict[str, list[WrkResult]]:
    """Every target under load at the same time, once per round, the start order turning each round
    (``bench_pages.wrk_together``: with --pin, a slow spell of the machine slows them all alike)."""
    runs: dict[str, list[WrkResult]] = {label: [] for label in targets}
    labels = list(targets)
    for number in range(1, args.rounds + 1):
        print(f"round {number} of {args.rounds}, load average {os.getloadavg()[0]:.2f}", flush=True)
        turn = number % len(labels)
        order = labels[turn:] + labels[:turn]
        for label, result in zip(order, wrk_together([targets[x] for x in order], args), strict=True):
            runs[label].append(result)
            print(f"  {label:<28} {result.rps:9.1f} req/s  CPU {result.cpu_us:5.1f} us/req", flush=True)
    return runs


def counting_only(args: argparse.Namespace, env: dict[str, str], work: Path, cleanup: Cleanup) -> None:
    """Issue 20 on the proxy's path: the cached article through the shipped nginx config with its insights log,
    with the log but a constant robot flag (what the user-agent regex costs), without the log, and a twin
    without it (the two without are the noise floor)."""
    hit, hit_base = serve("granian", "bench_wsgi:app", env, args, work, cleanup, "/bench/bare")
    warm(hit_base + ARTICLE, "X-Cache", "hit")
    article = fetch(hit_base + ARTICLE)[2]
    upstream = hit_base.removeprefix("http://")
    targets: dict[str, tuple[str, int]] = {}
    variants = (
        ("log", None),
        ("log, no robot check", without_robot_check),
        ("no log", without_insights_log),
        ("no log twin", without_insights_log),
    )
    for label, edit in variants:
        name = "ngx-" + re.sub(r"\W+", "-", label)
        ngx, base = nginx_shipped(upstream, article, work, cleanup, name=name, edit=edit, args=args)
        warm(base + ARTICLE, "X-Cache-Status", "HIT")
        targets[f"nginx cached, {label}"] = (base + ARTICLE, ngx.pid)
    print(f"article {ARTICLE}: {len(article):,} bytes; wrk -t{args.threads} -c{args.connections} -d{args.duration}s")
    runs = together_rounds(targets, args) if args.together else rounds_of(targets, args)
    for a, b in (("log", "no log"), ("log, no robot check", "no log"), ("no log twin", "no log")):
        rps, cpu = paired(runs, f"nginx cached, {a}", f"nginx cached, {b}")
        print(f"nginx cached article, {a} / {b}: {rps:.3f} in req/s, {cpu:.3f} in CPU per request (median of pairs)")
    for label, results in runs.items():
        print(f"  {label}: median {statistics.median(r.rps for r in results):,.0f} req/s, "
              f"{statistics.median(r.cpu_us for r in results):.1f} CPU us/req")  # fmt: skip


def run(args: argparse.Namespace, work: Path, cleanup: Cleanup) -> None:
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install -y wrk nginx-light")
    args.postgres = args.redis = False
    env = prepare_backend(args, work, cleanup)
    sync(env)
    if args.counting_only:
        counting_only(args, env, work, cleanup)
        return
    targets: dict[str, tuple[str, int]] = {}
    granian_base = ""
    for kind in ("gunicorn sync", "gunicorn gthread", "granian"):
        hit, hit_base = serve(kind, "bench_wsgi:app", env, args, work, cleanup, "/bench/bare")
        miss, miss_base = serve(kind, "bench_wsgi:app", {**env, "PORTAL_BENCH_PAGE_CACHE": "off"}, args, work,
                                cleanup, "/bench/bare")  # fmt: skip
        bare, bare_base = serve(kind, "bench_hello:app", env, args, work, cleanup, "/")
        warm(hit_base + ARTICLE, "X-Cache", "hit")
        targets[f"{kind}: cache hit"] = (hit_base + ARTICLE, hit.pid)
        targets[f"{kind}: cache miss"] = (miss_base + ARTICLE, miss.pid)
        targets[f"{kind}: bare Flask"] = (bare_base + "/", bare.pid)
        if kind == "granian":
            granian_base = hit_base
    article = fetch(granian_base + ARTICLE)[2]
    ngx, ngx_base = nginx_shipped(granian_base.removeprefix("http://"), article, work, cleanup)
    warm(ngx_base + ARTICLE, "X-Cache-Status", "HIT")
    targets["nginx: static file"] = (ngx_base + "/static/article.html", ngx.pid)
    targets["nginx: cached article"] = (ngx_base + ARTICLE, ngx.pid)
    print(f"article {ARTICLE}: {len(article):,} bytes; wrk -t{args.threads} -c{args.connections} -d{args.duration}s")
    results = measure_rounds(targets, args)
    report(results)


def report(results: dict[str, WrkResult]) -> None:
    """Ratios in req/s and, in brackets, in server CPU per request (which a busy shared machine moves less)."""
    static = results["nginx: static file"]
    print("\n| server | req/s | p99 ms | CPU us/req | x nginx static (CPU) | hit / bare Flask (CPU) |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, r in results.items():
        kind = label.split(":")[0]
        versus_bare = ""
        if label.endswith("cache hit"):
            bare = results[f"{kind}: bare Flask"]
            versus_bare = f"{ratio(r.rps, bare.rps)} ({ratio(bare.cpu_us, r.cpu_us)})"
        print(
            f"| {label} | {r.rps:,.0f} | {r.p99_ms:.2f} | {r.cpu_us:,.0f} "
            f"| {ratio(r.rps, static.rps, 3)} ({ratio(static.cpu_us, r.cpu_us, 3)}) | {versus_bare} |"
        )
    cached = results["nginx: cached article"]
    print(f"\ncached article through nginx: {ratio(cached.rps, static.rps, 3)} x nginx static (target >= 0.8)")
    for kind in ("gunicorn sync", "gunicorn gthread", "granian"):
        hit, bare = results[f"{kind}: cache hit"], results[f"{kind}: bare Flask"]
        print(
            f"{kind}: cache hit {ratio(hit.rps, static.rps, 3)} x nginx static (target >= 0.12), "
            f"{ratio(hit.rps, bare.rps)} x bare Flask (target >= 1.0); in CPU per request "
            f"{ratio(static.cpu_us, hit.cpu_us, 3)} and {ratio(bare.cpu_us, hit.cpu_us)}"
        )


def ratio(a: float, b: float, digits: int = 2) -> str:
    return f"{a / b:.{digits}f}" if b else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per URL and round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds, median kept (default 3)")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of wrk before each measured run (default 1)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32, as in #18)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--workers", type=int, default=2, help="workers per app server (default 2)")
    parser.add_argument(
        "--counting-only",
        action="store_true",
        help="issue 20: nginx's cached article with its insights log, without it, and a twin without it",
    )
    parser.add_argument("--pin", action="store_true", help="wrk on the first CPU, the servers on the others")
    parser.add_argument(
        "--together", action="store_true", help="with --counting-only: the nginx variants loaded at the same time"
    )
    args = parser.parse_args()
    cleanup = Cleanup()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda signum, _frame: sys.exit(128 + signum))
    work = Path(tempfile.mkdtemp(prefix="bench-servers-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user
    cleanup.add("temp dir", lambda: shutil.rmtree(work, ignore_errors=True))
    try:
        run(args, work, cleanup)
    finally:
        cleanup.run()


if __name__ == "__main__":
    main()
