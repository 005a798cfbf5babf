"""Run every benchmark in turn (``make bench``); each prints its own figures.

A benchmark whose tools are missing (wrk and nginx for pages under load, Chromium
for page weight) is skipped with the command that installs them. Extra arguments
are not passed on: run a script alone for its options (see bench/README.md).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (script, what it needs on the machine, how to get it)
BENCHMARKS = [
    ("bench_content.py", [], ""),
    ("bench_search.py", [], ""),
    ("bench_feeds.py", [], ""),
    ("bench_recurrence.py", [], ""),
    ("bench_cache_flood.py", [], ""),
    ("bench_upgrade.py", [], ""),
    ("bench_weight.py", ["/usr/bin/chromium"], "apt-get install chromium"),
    ("bench_pages.py", ["wrk", "nginx"], "apt-get install wrk nginx"),
]


def missing(tools: list[str]) -> list[str]:
    return [tool for tool in tools if not (Path(tool).exists() if tool.startswith("/") else shutil.which(tool)
                                           or Path("/usr/sbin", tool).exists())]  # fmt: skip


def main() -> int:
    failed = []
    for script, tools, install in BENCHMARKS:
        print(f"\n=== {script} ===", flush=True)
        absent = missing(tools)
        if absent:
            print(f"skipped: {', '.join(absent)} not found ({install})")
            continue
        if subprocess.run([sys.executable, str(HERE / script)], check=False).returncode:
            failed.append(script)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
