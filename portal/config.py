"""Every setting the portal reads, in one place.

Settings come from environment variables (``PORTAL_*``) with defaults that make
the embedded mode work on a fresh machine: SQLite and a file-system cache under
``instance/``. Set ``PORTAL_DATABASE_URL`` and ``PORTAL_REDIS_URL`` for the
scale-out mode (PostgreSQL and Redis shared by several workers or instances).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    value = environ.get(name, "").strip()
    return int(value) if value else default


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    value = environ.get(name, "").strip()
    return float(value) if value else default


# Domains reserved for examples (RFC 2606): an address there is a placeholder, never shown on a page.
PLACEHOLDER_DOMAINS = ("example", "example.com", "example.net", "example.org", "invalid")


def is_placeholder_domain(domain: str | None) -> bool:
    """True for a domain reserved for examples, e.g. ``portal.example`` or ``example.org``."""
    domain = (domain or "").strip().lower().rstrip(".")
    return any(domain == reserved or domain.endswith("." + reserved) for reserved in PLACEHOLDER_DOMAINS)


def is_placeholder_email(address: str | None) -> bool:
    """True for an empty address or one at a domain reserved for examples (e.g. ``x@portal.example``)."""
    address = (address or "").strip()
    local, at, domain = address.rpartition("@")
    return not (local and at and domain) or is_placeholder_domain(domain)


def _page_url(environ: Mapping[str, str], name: str, default: str) -> str:
    """A web address setting: absolute http(s) or a path on this site; anything else is refused at start-up."""
    value = environ.get(name, "").strip() or default
    if not value.startswith(("https://", "http://", "/")) or value.startswith("//"):
        raise ValueError(f"{name} must be an https:// address or a path on this site, not {value!r}")
    return value


# "Exit this page" leaves for the Hong Kong Observatory: a page anyone in Hong Kong may open many times a
# day, so it raises no questions on screen or in the history; it needs no login and shows no ads.
QUICK_EXIT_DEFAULT = "https://www.hko.gov.hk/"


def _secret_key(instance_path: Path, environ: Mapping[str, str]) -> str:
    """Use PORTAL_SECRET_KEY, or a random key kept in instance/ so it survives restarts."""
    if environ.get("PORTAL_SECRET_KEY"):
        return environ["PORTAL_SECRET_KEY"]
    key_file = instance_path / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_hex(32)
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key)
        return key


def load_settings(instance_path: Path, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the Flask config mapping built from the environment."""
    env = os.environ if environ is None else environ
    instance_path = Path(instance_path)
    return {
        "SECRET_KEY": _secret_key(instance_path, env),
        "DATABASE_URL": env.get("PORTAL_DATABASE_URL") or f"sqlite:///{instance_path / 'portal.sqlite3'}",
        # Run `flask db upgrade` at start-up (each process, serialised by a lock); off: the deploy runs it first.
        "DATABASE_UPGRADE_ON_START": env.get("PORTAL_DATABASE_UPGRADE_ON_START", "").strip() in ("1", "true", "yes"),
        "REDIS_URL": env.get("PORTAL_REDIS_URL") or None,
        "CACHE_DIR": str(instance_path / "cache"),
        # Key prefix in Redis, so several sites (or test runs) can share one server.
        "CACHE_KEY_PREFIX": env.get("PORTAL_CACHE_PREFIX", "portal:"),
        "PAGE_CACHE_SECONDS": _int(env, "PORTAL_PAGE_CACHE_SECONDS", 600),
        # What a browser, nginx or a CDN may keep of a public page: fresh this long, then served stale for
        # HTTP_STALE_SECONDS more while the new copy is fetched. Short, so a correction shows within minutes.
        "HTTP_MAX_AGE": _int(env, "PORTAL_HTTP_MAX_AGE", 60),
        "HTTP_STALE_SECONDS": _int(env, "PORTAL_HTTP_STALE_SECONDS", 300),
        # Every Redis call gives up after this many seconds (connect and each read), and after a failure
        # the cache is skipped for CACHE_RETRY_SECONDS: a stopped or paused Redis slows no page for long.
        "REDIS_TIMEOUT": _float(env, "PORTAL_REDIS_TIMEOUT", 0.3),
        "CACHE_RETRY_SECONDS": _float(env, "PORTAL_CACHE_RETRY_SECONDS", 5.0),
        # How often each process re-reads the content version (in the database) that every page key holds.
        "CONTENT_VERSION_SECONDS": _float(env, "PORTAL_CONTENT_VERSION_SECONDS", 1.0),
        "CONTENT_DIR": str(Path(env.get("PORTAL_CONTENT_DIR") or PROJECT_ROOT / "content")),
        "SITE_URL": (env.get("PORTAL_SITE_URL") or "http://127.0.0.1:5000").rstrip("/"),
        "SITE_TIMEZONE": "Asia/Hong_Kong",
        # Partner feeds (flask feeds refresh).
        "FEED_CONNECT_TIMEOUT": _float(env, "PORTAL_FEED_CONNECT_TIMEOUT", 5.0),
        "FEED_READ_TIMEOUT": _float(env, "PORTAL_FEED_READ_TIMEOUT", 10.0),
        "FEED_MAX_BYTES": _int(env, "PORTAL_FEED_MAX_BYTES", 5 * 1024 * 1024),
        "FEED_MAX_REDIRECTS": _int(env, "PORTAL_FEED_MAX_REDIRECTS", 3),
        "FEED_WORKERS": _int(env, "PORTAL_FEED_WORKERS", 16),
        # Whole-request deadline per feed, so a server that trickles bytes cannot hold a worker.
        "FEED_TOTAL_TIMEOUT": _float(env, "PORTAL_FEED_TOTAL_TIMEOUT", 30.0),
        # Work per feed: dates listed per recurring event, items (news, events, dates) per feed.
        "FEED_MAX_OCCURRENCES_PER_EVENT": _int(env, "PORTAL_FEED_MAX_OCCURRENCES_PER_EVENT", 200),
        "FEED_MAX_ITEMS": _int(env, "PORTAL_FEED_MAX_ITEMS", 2000),
        # A feed that turns up empty after having events keeps them listed this long (a publishing slip).
        "FEED_EMPTY_GRACE_HOURS": _float(env, "PORTAL_FEED_EMPTY_GRACE_HOURS", 72.0),
        # Centre finder: the map is off unless a tile server is configured.
        "MAP_TILE_URL": env.get("PORTAL_MAP_TILE_URL") or None,
        "MAP_ATTRIBUTION": env.get("PORTAL_MAP_ATTRIBUTION", ""),
        # Where "Exit this page" (help page, self-checks, pages with a quick-exit tag) goes at once.
        "QUICK_EXIT_URL": _page_url(env, "PORTAL_QUICK_EXIT_URL", QUICK_EXIT_DEFAULT),
        # "Was this page useful?" and centre corrections: submissions per client per hour (counted
        # under a salted hash that changes daily, never the address), and how many reverse proxies
        # in front of the site append to X-Forwarded-For (0: the client is the connecting address).
        "FEEDBACK_PER_HOUR": _int(env, "PORTAL_FEEDBACK_PER_HOUR", 20),
        "TRUSTED_PROXIES": _int(env, "PORTAL_TRUSTED_PROXIES", 0),
        # Counters (rate limits) live apart from the page cache, so clearing pages does not reset them.
        "COUNTER_CACHE_DIR": str(instance_path / "counters"),
        "ARTICLES_PER_PAGE": _int(env, "PORTAL_ARTICLES_PER_PAGE", 12),
        # The language of `flask content check|sync|status` messages (en or zh-hk; --lang overrides it).
        "EDITOR_LANG": env.get("PORTAL_EDITOR_LANG", "en").strip().lower() or "en",
        # <url> entries per sitemap file (each path is one per language); /sitemap.xml is their index.
        # Set only by `flask content preview` for its own app (portal/preview/): banner, reload script.
        "PREVIEW": False,
        "SITEMAP_MAX_URLS": max(2, _int(env, "PORTAL_SITEMAP_MAX_URLS", 1000)),
        # Insights (portal/insights): counts per day and page, search, self-check or calendar, nothing about
        # a visitor. Off with PORTAL_INSIGHTS=0. A figure below the threshold is shown as "fewer than N".
        "INSIGHTS_ENABLED": env.get("PORTAL_INSIGHTS", "1").strip().lower() not in ("0", "false", "no", "off"),
        "INSIGHTS_THRESHOLD": max(1, _int(env, "PORTAL_INSIGHTS_THRESHOLD", 10)),
        # Daily rows older than this are added up into weekly ones (flask insights flush / rollup).
        "INSIGHTS_RETENTION_DAYS": max(14, _int(env, "PORTAL_INSIGHTS_RETENTION_DAYS", 400)),
        # Each process writes its counts out when it holds this many keys, or they are this many seconds old.
        "INSIGHTS_FLUSH_KEYS": max(1, _int(env, "PORTAL_INSIGHTS_FLUSH_KEYS", 500)),
        "INSIGHTS_FLUSH_SECONDS": _float(env, "PORTAL_INSIGHTS_FLUSH_SECONDS", 60.0),
        # Weeks the public page covers; a regular expression of user agents not counted (empty: the built-in list).
        "INSIGHTS_WEEKS": max(1, _int(env, "PORTAL_INSIGHTS_WEEKS", 12)),
        "INSIGHTS_BOTS": env.get("PORTAL_INSIGHTS_BOTS", ""),
        # nginx's insights log (deploy/nginx/portal.conf), read by `flask insights ingest-log` without a FILE.
        "INSIGHTS_LOG": env.get("PORTAL_INSIGHTS_LOG", ""),
    }
