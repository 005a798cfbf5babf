"""Shared cache and the anonymous page cache.

Embedded mode: a file-system cache in ``instance/cache`` (shared by every
process on the machine). Scale-out: Redis, shared by every worker and
instance. Pages are cached per language + path + query + text size and the
whole page cache is dropped whenever content changes (``flask content sync``,
``flask feeds refresh``). A cache that is down never breaks a page: reads and
writes that fail are logged and the page is rendered uncached.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask_caching import Cache

log = logging.getLogger(__name__)

cache = Cache()

PAGE_PREFIX = "page:"


def configure_cache(app: Flask) -> None:
    prefix = app.config["CACHE_KEY_PREFIX"]
    if app.config["REDIS_URL"]:
        config = {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": app.config["REDIS_URL"],
            "CACHE_KEY_PREFIX": prefix,
            "CACHE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    else:
        config = {
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": app.config["CACHE_DIR"],
            "CACHE_THRESHOLD": 20000,
        }
    config["CACHE_DEFAULT_TIMEOUT"] = app.config["PAGE_CACHE_SECONDS"]
    # Cache-down must not become page-down: we catch errors ourselves below.
    config["CACHE_IGNORE_ERRORS"] = True
    cache.init_app(app, config=config)


def safe_get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception as exc:  # noqa: BLE001 - any backend failure means "not cached"
        log.warning("cache read failed (%s); serving uncached", exc.__class__.__name__)
        return None


def safe_set(key: str, value: Any, timeout: int | None = None) -> bool:
    try:
        return bool(cache.set(key, value, timeout=timeout))
    except Exception as exc:  # noqa: BLE001
        log.warning("cache write failed (%s)", exc.__class__.__name__)
        return False


def invalidate_pages(app: Flask | None = None) -> bool:
    """Drop every cached page. Returns False when the cache could not be reached."""
    app = app or current_app
    with app.app_context():
        try:
            return bool(cache.clear())
        except Exception as exc:  # noqa: BLE001
            log.warning("cache clear failed (%s)", exc.__class__.__name__)
            return False


@dataclass
class CachedPage:
    body: bytes
    status: int
    mimetype: str
    headers: list[tuple[str, str]]


# Headers worth keeping with a cached page; the rest is added afresh per request.
_KEPT_HEADERS = {"content-language", "link", "vary", "x-robots-tag"}


def page_cache_key() -> str | None:
    """The key for this request's page, or None when the page must not be cached."""
    if request.method != "GET" or g.get("no_page_cache"):
        return None
    lang = g.get("lang_code")
    if lang is None:
        return None
    text_size = request.cookies.get("textsize", "normal")
    query = request.query_string.decode("latin-1")
    return f"{PAGE_PREFIX}{lang}:{text_size}:{request.path}?{query}"


def load_cached_page() -> Response | None:
    key = page_cache_key()
    if key is None:
        return None
    page = safe_get(key)
    if not isinstance(page, CachedPage):
        return None
    # Headers given to the constructor are taken as they are; setting them one by one
    # scans the header list each time, which showed on the cache-hit path under load.
    headers = [*page.headers, ("X-Cache", "hit")]
    response = Response(page.body, status=page.status, mimetype=page.mimetype, headers=headers)
    g.page_from_cache = True
    return response


def store_page(response: Response) -> None:
    if g.get("page_from_cache") or response.status_code != 200 or response.direct_passthrough:
        return
    if "Set-Cookie" in response.headers or "no-store" in response.headers.get("Cache-Control", ""):
        return
    key = page_cache_key()
    if key is None:
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() in _KEPT_HEADERS]
    page = CachedPage(response.get_data(), response.status_code, response.mimetype, headers)
    safe_set(key, page)
    response.headers["X-Cache"] = "miss"


def never_cache_this_page() -> None:
    """Call from a view whose output must never be stored (e.g. self-check results)."""
    g.no_page_cache = True
