"""Shared cache and the anonymous page cache.

Embedded mode: a file-system cache in ``instance/cache`` (shared by every
process on the machine). Scale-out: Redis, shared by every worker and
instance. Pages are cached per language + path + query + text size; a hit is
served by a WSGI middleware before Flask is entered. The whole page cache is
dropped whenever content changes (``flask content sync``, ``flask feeds
refresh``). A cache that is down never breaks a page: reads and writes that
fail are logged and the page is rendered uncached.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask_caching import Cache
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request

from .i18n import LANG_COOKIE, guess_lang_from_path, lang_cookie

log = logging.getLogger(__name__)

cache = Cache()
# Counters (e.g. feedback rate limits) in the same kind of store, but apart from the pages:
# ``invalidate_pages`` clears the whole page cache, and must not reset every limit with it.
counters = Cache()

PAGE_PREFIX = "page2:"  # bumped when CachedPage changes shape, so a shared cache never serves the old one


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
    counters.init_app(app, config=_counter_config(app, config))
    app.wsgi_app = PageCacheMiddleware(app, app.wsgi_app)  # type: ignore[method-assign]


def _counter_config(app: Flask, pages: dict[str, Any]) -> dict[str, Any]:
    """The page cache's settings with a key prefix (Redis) or folder (files) of its own."""
    config = dict(pages, CACHE_DEFAULT_TIMEOUT=3600)  # a counter outlives its hour by an hour at most
    if app.config["REDIS_URL"]:
        # "portal:" -> "portal-counters:", outside the prefix that clearing the page cache deletes.
        config["CACHE_KEY_PREFIX"] = app.config["CACHE_KEY_PREFIX"].rstrip(":") + "-counters:"
    else:
        config["CACHE_DIR"] = app.config["COUNTER_CACHE_DIR"]
    return config


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
    headers: list[tuple[str, str]]


def page_cache_key(req: Request | None = None) -> str | None:
    """The key of a request's page: language, text size, path and query; None for a page never cached."""
    req = req if req is not None else request
    lang = guess_lang_from_path(req.path)
    if req.method != "GET" or lang is None:
        return None
    text_size = req.cookies.get("textsize", "normal")
    query = req.query_string.decode("latin-1")
    return f"{PAGE_PREFIX}{lang}:{text_size}:{req.path}?{query}"


def may_store_page(response: Response) -> bool:
    """Decided before the language cookie is added: a view that set a cookie made the page personal."""
    if g.get("no_page_cache") or g.get("lang_code") is None:
        return False
    if response.status_code != 200 or response.direct_passthrough:
        return False
    return "Set-Cookie" not in response.headers and "no-store" not in response.headers.get("Cache-Control", "")


def store_page(response: Response) -> None:
    """Keep the finished page with every header but cookies (the hit adds the visitor's own)."""
    key = page_cache_key()
    if key is None:
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("set-cookie", "x-cache")]
    safe_set(key, CachedPage(response.get_data(), response.status_code, headers))
    response.headers["X-Cache"] = "miss"


class PageCacheMiddleware:
    """Serves a cached page before Flask is entered: no routing, no request context, no hooks.

    A hit costs a cache read and the visitor's language cookie, nothing more, so a cached
    page comes back about as fast as the server can answer at all. A miss (or a cache that
    cannot be reached) goes on to the application, which renders and stores the page.
    """

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        req = Request(environ)
        cached = self._cached(req)
        if cached is None:
            return self.wsgi_app(environ, start_response)
        headers = [*cached.headers, ("X-Cache", "hit")]
        lang = guess_lang_from_path(req.path)
        if lang and req.cookies.get(LANG_COOKIE) != lang:
            headers.append(("Set-Cookie", lang_cookie(lang)))
        start_response(f"{cached.status} {HTTP_STATUS_CODES.get(cached.status, '')}".strip(), headers)
        return [cached.body]

    def _cached(self, req: Request) -> CachedPage | None:
        key = page_cache_key(req)
        if key is None:
            return None
        try:
            page = self.app.extensions["cache"][cache].get(key)
        except Exception as exc:  # noqa: BLE001 - any backend failure means "not cached"
            log.warning("cache read failed (%s); serving uncached", exc.__class__.__name__)
            return None
        return page if isinstance(page, CachedPage) else None


def never_cache_this_page() -> None:
    """Call from a view whose output must never be stored (e.g. self-check results)."""
    g.no_page_cache = True
