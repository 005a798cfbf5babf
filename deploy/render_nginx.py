#!/usr/bin/env python3
"""Fill in deploy/nginx/portal.conf for one machine (standard library only).

For the real site (then ``nginx -t && systemctl reload nginx``)::

    python3 deploy/render_nginx.py --root /srv/portal --upstream 127.0.0.1:8000 \\
        --server-name portal.example.org --brotli > /etc/nginx/sites-available/portal

For a throw-away nginx run as an ordinary process (CI, bench/bench_servers.py)::

    python3 deploy/render_nginx.py --standalone /tmp/ngx --listen 127.0.0.1:8080 --upstream 127.0.0.1:8000
    nginx -p /tmp/ngx -c /tmp/ngx/nginx.conf        # stop it with: nginx -p /tmp/ngx -c ... -s quit

The standalone mode writes ``nginx.conf`` (pid file, logs, temporary files and the page cache all
inside that folder) around the very same site file the real machine uses.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE = HERE / "nginx" / "portal.conf"
BROTLI = HERE / "nginx" / "brotli.conf"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def render_site(
    root: Path, upstream: str, listen: str, server_name: str, cache_dir: Path, brotli: bool, insights_log: Path
) -> str:
    text = SITE.read_text(encoding="utf-8")
    values = {
        "ROOT": str(root),
        "UPSTREAM": upstream,
        "LISTEN": listen,
        "SERVER_NAME": server_name,
        "CACHE_DIR": str(cache_dir),
        "INSIGHTS_LOG": str(insights_log),
        "BROTLI": f"include {BROTLI};" if brotli else "# brotli: not enabled (render with --brotli)",
    }
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text:
        raise SystemExit(f"{SITE}: a placeholder was left unfilled")
    return text


def standalone_conf(prefix: Path, site: Path, brotli: bool) -> str:
    """A whole nginx.conf for a normal (non-root) process: everything it writes lives under ``prefix``."""
    modules = f"load_module {BROTLI_MODULE};\n" if brotli else ""
    temp = "\n".join(f"    {kind}_temp_path {prefix / 'tmp' / kind};" for kind in TEMP_KINDS)
    return f"""{modules}worker_processes {os.environ.get("NGINX_WORKERS", "auto")};
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 4096; }}
http {{
    include {MIME_TYPES};
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
{temp}
    include {site};
}}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=HERE.parent, help="the checkout (its static/ is served)")
    parser.add_argument("--upstream", default="127.0.0.1:8000", help="the app server's address")
    parser.add_argument("--listen", default="80", help="nginx's listen argument, e.g. 80 or 127.0.0.1:8080")
    parser.add_argument("--server-name", default="_", help="the site's host name")
    parser.add_argument("--cache-dir", type=Path, default=Path("/var/cache/nginx/portal"))
    parser.add_argument(
        "--insights-log", type=Path, default=Path("/var/log/nginx/portal-insights.log"),
        help="where nginx writes the log `flask insights ingest-log` reads (no address, no user agent)",
    )  # fmt: skip
    parser.add_argument("--brotli", action="store_true", help="include nginx/brotli.conf (module must be installed)")
    parser.add_argument("--standalone", type=Path, metavar="DIR", help="write DIR/nginx.conf and DIR/portal.conf")
    args = parser.parse_args(argv)
    if args.standalone is None:
        site = render_site(
            args.root, args.upstream, args.listen, args.server_name, args.cache_dir, args.brotli, args.insights_log
        )
        sys.stdout.write(site)
        return 0
    prefix = args.standalone.resolve()
    for folder in ("cache", *(f"tmp/{kind}" for kind in TEMP_KINDS)):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    brotli = args.brotli and BROTLI_MODULE.exists()
    site = prefix / "portal.conf"
    site.write_text(
        render_site(
            args.root.resolve(),
            args.upstream,
            args.listen,
            args.server_name,
            prefix / "cache",
            brotli,
            prefix / "insights.log",
        ),  # fmt: skip
        encoding="utf-8",
    )
    (prefix / "nginx.conf").write_text(standalone_conf(prefix, site, brotli), encoding="utf-8")
    print(prefix / "nginx.conf")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
