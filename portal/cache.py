"""Shared cache and the anonymous page cache.

Embedded mode: a file-system cache in ``instance/cache`` (shared by every
process on the machine). Scale-out: Redis, shared by every worker and
instance. A hit is served by a WSGI middleware before Flask is entered.

A page's key holds its language, path, the query parameters its view
declares with :func:`page_params` (sorted, empty and undeclared ones dropped),
and the *content version*. Every content change (``flask content sync``,
``flask feeds refresh``) writes a new version to the database, the source of
truth, then clears the page cache as a courtesy. Each process reads the
version at most every ``CONTENT_VERSION_SECONDS``, so a clear that failed
can never bring old pages back: their keys are simply never asked for again.

A cache that is down never breaks a page, nor slows every page down: each
Redis call is bounded by ``REDIS_TIMEOUT`` and, after a failure, the cache is
left alone for ``CACHE_RETRY_SECONDS`` and pages are rendered uncached.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from flask import Flask, Response, current_app, g, request
from flask_caching import Cache
from flask_caching.backends.filesystemcache import FileSystemCache
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES, http_date
from werkzeug.routing.exceptions import RoutingException
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response as WerkzeugResponse

from .db import SiteState, get_engine, session_scope, set_state
from .i18n import guess_lang_from_path
from .publishing import clock_now, publication_marker
from .signals import send_page_served

log = logging.getLogger(__name__)

cache = Cache()
# Counters (e.g. feedback rate limits) in the same kind of store, but apart from the pages:
# ``invalidate_pages`` clears the whole page cache, and must not reset every limit with it.
counters = Cache()

PAGE_PREFIX = "page4:"  # bumped when CachedPage or the key changes shape, so a shared cache never serves the old one
VERSION_KEY = "content_version"  # in site_state
PAGE_KEY_ENVIRON = "portal.page_key"  # the middleware's key for this request, where store_page finds it

View = TypeVar("View", bound=Callable[..., Any])


def configure_cache(app: Flask) -> None:
    prefix = app.config["CACHE_KEY_PREFIX"]
    if app.config["REDIS_URL"]:
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        timeout = app.config["REDIS_TIMEOUT"]
        config = {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": app.config["REDIS_URL"],
            "CACHE_KEY_PREFIX": prefix,
            # One attempt, bounded: redis-py would otherwise retry a refused connection ten times.
            "CACHE_OPTIONS": {
                "socket_connect_timeout": timeout,
                "socket_timeout": timeout,
                "retry": Retry(NoBackoff(), 0),
            },
        }
    else:
        config = {
            "CACHE_TYPE": "portal.cache.RoomyFileSystemCache",
            "CACHE_DIR": app.config["CACHE_DIR"],
            "CACHE_THRESHOLD": 20000,
        }
    config["CACHE_DEFAULT_TIMEOUT"] = app.config["PAGE_CACHE_SECONDS"]
    # Cache-down must not become page-down: we catch errors ourselves below.
    config["CACHE_IGNORE_ERRORS"] = True
    counter_config = _counter_config(app, config)  # before init_app, which consumes CACHE_OPTIONS
    cache.init_app(app, config=config)
    counters.init_app(app, config=counter_config)
    app.extensions["portal.cache_breaker"] = Breaker(app.config["CACHE_RETRY_SECONDS"])
    app.wsgi_app = PageCacheMiddleware(app, app.wsgi_app)  # type: ignore[method-assign]


def _counter_config(app: Flask, pages: dict[str, Any]) -> dict[str, Any]:
    """The page cache's settings with a key prefix (Redis) or folder (files) of its own."""
    config = dict(pages, CACHE_DEFAULT_TIMEOUT=3600)  # a counter outlives its hour by an hour at most
    if "CACHE_OPTIONS" in config:
        config["CACHE_OPTIONS"] = dict(config["CACHE_OPTIONS"])
    if app.config["REDIS_URL"]:
        # "portal:" -> "portal-counters:", outside the prefix that clearing the page cache deletes.
        config["CACHE_KEY_PREFIX"] = app.config["CACHE_KEY_PREFIX"].rstrip(":") + "-counters:"
    else:
        config["CACHE_DIR"] = app.config["COUNTER_CACHE_DIR"]
    return config


class RoomyFileSystemCache(FileSystemCache):
    """A file cache that, once full, frees a fifth of its room in one pass.

    cachelib's own, when over ``CACHE_THRESHOLD``, reads every entry's header and removes the oldest
    *one* on each store: once a flood of distinct pages had filled it, every page miss scanned 20,000
    files (180-435 ms instead of 5-7 ms). Freeing many at once makes the scan rare (one in
    ``threshold / 5`` stores), so a full cache costs what an empty one does.
    """

    KEEP = 0.8  # after pruning, the cache holds at most this share of its threshold

    def _prune(self) -> None:
        if not self._over_threshold():
            return
        now, entries = time.time(), []
        for name in self._list_dir():
            try:
                with self._safe_stream_open(name, "rb") as f:
                    expires = struct.unpack("I", f.read(4))[0]
            except (OSError, EOFError, struct.error):
                continue
            entries.append((0 if expires != 0 and expires < now else 1, expires, name))
        entries.sort()  # the expired first, then the soonest to expire (pages all live as long: the oldest)
        for _, _, name in entries[: max(0, len(entries) - int(self._threshold * self.KEEP))]:
            with contextlib.suppress(OSError):
                os.remove(name)
        self._update_count(value=len(list(self._list_dir())))


# --- a cache that is down is skipped for a while ---------------------------------------


class Breaker:
    """After a cache failure, leave the cache alone for ``pause`` seconds (pages render uncached).

    A stopped or paused Redis then costs one timeout every few seconds per process,
    not one on every request.
    """

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.open_until = 0.0

    def allows(self) -> bool:
        return time.monotonic() >= self.open_until

    def trip(self, what: str, exc: BaseException) -> None:
        if self.allows():
            log.warning("cache %s failed (%s); pages uncached for %.0f s", what, exc.__class__.__name__, self.pause)
        self.open_until = time.monotonic() + self.pause


def _breaker(app: Flask) -> Breaker:
    return app.extensions["portal.cache_breaker"]


def _guarded(app: Flask, what: str, call: Callable[[], Any], failed: Any = None) -> Any:
    breaker = _breaker(app)
    if not breaker.allows():
        return failed
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - any backend failure means "not cached"
        breaker.trip(what, exc)
        return failed


def safe_get(key: str) -> Any:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return _guarded(app, "read", lambda: cache.get(key))


def safe_set(key: str, value: Any, timeout: int | None = None) -> bool:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return bool(_guarded(app, "write", lambda: cache.set(key, value, timeout=timeout), False))


# --- the content version -----------------------------------------------------------------


class ContentVersion:
    """The content version of one database, as this process last read it (at most every ``ttl`` seconds).

    The key part it gives is the version plus the number of publication moments that have come
    (:mod:`portal.publishing`): when the next scheduled item's moment arrives, the part is read
    again at once, so a page cached before a publication is never served after it.
    """

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self.value: str | None = None
        self.published = 0
        self.next_publication: datetime | None = None
        self.read_at = float("-inf")
        self.lock = threading.Lock()

    def _fresh(self, now: datetime) -> bool:
        due = self.next_publication is not None and now >= self.next_publication
        return self.value is not None and not due and time.monotonic() - self.read_at < self.ttl

    def current(self, app: Flask) -> str | None:
        """The version for a page key; None (do not cache) when it was never read and cannot be."""
        now = clock_now(app)
        if self._fresh(now):
            return self.key
        with self.lock:
            if self._fresh(now):
                return self.key
            try:
                with get_engine(app).connect() as connection:
                    found = connection.execute(select(SiteState.value).where(SiteState.key == VERSION_KEY)).scalar()
                    self.published, self.next_publication = publication_marker(connection, now)
                self.value = found or "0"
            except Exception as exc:  # noqa: BLE001 - database down: keep the last version we knew
                log.warning("content version unreadable (%s)", exc.__class__.__name__)
            self.read_at = time.monotonic()
            return self.key

    @property
    def key(self) -> str | None:
        return None if self.value is None else f"{self.value}.{self.published}"

    def bump(self, app: Flask) -> str:
        """Write a new version (the old pages' keys are never asked for again) and use it at once."""
        value = secrets.token_hex(8)
        with session_scope(app) as session:
            set_state(session, VERSION_KEY, value)
        with self.lock:
            self.value, self.read_at = value, float("-inf")  # the publication marker is read with the next page
        return value


_versions: dict[str, ContentVersion] = {}  # one per database in this process (two apps on one database share it)
_versions_lock = threading.Lock()


def content_version(app: Flask) -> ContentVersion:
    url = str(app.config["DATABASE_URL"])
    found = _versions.get(url)
    if found is None:
        with _versions_lock:
            found = _versions.setdefault(url, ContentVersion(app.config["CONTENT_VERSION_SECONDS"]))
    return found


def pages_changed(app: Flask) -> None:
    """After content changed: a new content version (the guarantee), then a clear (to free space)."""
    try:
        content_version(app).bump(app)
    except Exception:  # the content is committed; say loudly that pages may lag
        log.exception("content version could not be written; cached pages may lag until they expire")
    invalidate_pages(app)


def invalidate_pages(app: Flask | None = None) -> bool:
    """Drop every cached page. Returns False when the cache could not be reached."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context():
        return bool(_guarded(app, "clear", cache.clear, False))


# --- the page cache --------------------------------------------------------------------------


def page_params(*names: str) -> Callable[[View], View]:
    """Declare the query parameters a cacheable view reads; put it below the route decorator.

    Only these reach the view and the page-cache key (sorted, empty ones dropped), so
    ``?utm_source=…`` or junk shares the page's one entry. A view that declares nothing
    is cached only when asked without a query string.
    """

    def declare(view: View) -> View:
        view.page_params = frozenset(names)  # type: ignore[attr-defined]
        return view

    return declare


def normalised_query(query: str, allowed: frozenset[str]) -> str:
    """The declared, non-empty parameters of a query string, sorted by name (values keep their order)."""
    if not query or not allowed:
        return ""
    # Byte for byte: WSGI hands the query over as latin-1, so raw or percent-encoded UTF-8 (?q=海港) is
    # decoded and re-encoded as latin-1, one character per byte, and reaches the view as it was sent.
    pairs = [(k, v) for k, v in parse_qsl(query, encoding="latin-1") if k in allowed]
    pairs.sort(key=lambda pair: pair[0])
    return urlencode(pairs, encoding="latin-1")


@dataclass
class CachedPage:
    body: bytes
    status: int
    headers: list[tuple[str, str]]


def may_store_page(response: Response) -> bool:
    """A view that set a cookie made the page personal: it is never stored."""
    if g.get("no_page_cache") or g.get("lang_code") is None:
        return False
    if response.status_code != 200 or response.direct_passthrough:
        return False
    return "Set-Cookie" not in response.headers and "no-store" not in response.headers.get("Cache-Control", "")


def store_page(response: Response) -> None:
    """Keep the finished page with every header but cookies (the hit adds the visitor's own)."""
    key = request.environ.get(PAGE_KEY_ENVIRON)
    if key is None:
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("set-cookie", "x-cache")]
    safe_set(key, CachedPage(response.get_data(), response.status_code, headers))
    response.headers["X-Cache"] = "miss"


_UNDECLARED = None  # a path whose view declared no parameters (or that matches no view)


class PageCacheMiddleware:
    """Serves a cached page before Flask is entered: no request context, no hooks.

    A hit costs the route lookup (memoised per path) and a cache read, so a cached page
    comes back about as fast as the server can answer at all (a revalidation with
    ``If-None-Match`` also gets its 304 here). A miss (or a cache that cannot be reached)
    goes on to the application, which renders and stores the page under the key computed here.
    """

    def __init__(self, app: Flask, wsgi_app: Callable) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.declared = lru_cache(maxsize=4096)(self._declared)

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        req = Request(environ)
        try:
            key = self.key(req, environ)
        except Exception:  # a page answered uncached, never an error made here
            log.exception("page cache key failed for %s", req.path)
            key = None
        if key is None:
            return self.wsgi_app(environ, start_response)
        environ[PAGE_KEY_ENVIRON] = key
        cached = self._cached(key)
        if cached is None:
            return self.wsgi_app(environ, start_response)
        if cached.status == 200:
            send_page_served(self.app, req.path, environ.get("QUERY_STRING", ""), _mimetype(cached.headers), environ)
        headers = [*cached.headers, ("X-Cache", "hit")]
        if "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ:
            # Rare on the hit path (a browser revalidating): werkzeug answers 304 or the page.
            response = WerkzeugResponse(cached.body, cached.status, headers)
            return response.make_conditional(req)(environ, start_response)
        start_response(f"{cached.status} {HTTP_STATUS_CODES.get(cached.status, '')}".strip(), headers)
        return [cached.body]

    def key(self, req: Request, environ: dict) -> str | None:
        """The page's key, None for a request never cached. Narrows the query string the view will see."""
        path = req.path
        lang = guess_lang_from_path(path)
        if lang is None:
            return None
        query = environ.get("QUERY_STRING", "")
        allowed = self.declared(path)
        if allowed is _UNDECLARED:
            if query:
                return None
        else:
            query = normalised_query(query, allowed)
            environ["QUERY_STRING"] = query  # the view reads exactly what the key holds
        version = content_version(self.app).current(self.app)
        if version is None:
            return None
        return f"{PAGE_PREFIX}{version}:{lang}:{path}?{query}"

    def _declared(self, path: str) -> frozenset[str] | None:
        """The parameters the view at ``path`` reads (memoised: routes do not change while serving)."""
        try:
            endpoint, _ = self.app.url_map.bind("localhost").match(path, method="GET")
        except (HTTPException, RoutingException):
            return _UNDECLARED
        return getattr(self.app.view_functions.get(endpoint), "page_params", _UNDECLARED)

    def _cached(self, key: str) -> CachedPage | None:
        page = _guarded(self.app, "read", lambda: self.app.extensions["cache"][cache].get(key))
        return page if isinstance(page, CachedPage) else None


def _mimetype(headers: list[tuple[str, str]]) -> str:
    """The media type of a cached page (``text/html``), without its parameters."""
    for name, value in headers:
        if name == "Content-Type":
            return value.partition(";")[0].strip()
    return ""


def cache_only_if_understood(understood: Iterable[tuple[str, str]], names: Iterable[str]) -> None:
    """Store this page only when its query parameters ``names`` held exactly the ``understood`` pairs.

    A view that drops unknown values (``?district=nowhere``) or rewrites them (``?free=on`` -> ``free=1``)
    renders the same page for endless spellings; caching each under its own key would let anyone fill
    the cache with copies. Only the canonical query of a real choice is stored.
    """
    wanted = set(names)
    given = sorted((k, v) for k, v in request.args.items(multi=True) if k in wanted)
    if given != sorted((k, v) for k, v in understood if v):
        never_cache_this_page()


def never_cache_this_page() -> None:
    """Call from a view whose output must never be stored in the page cache (free-text search, "open
    now"). It is still public: a shared cache may keep it for ``HTTP_MAX_AGE`` seconds. A page for one
    visitor only says so with :func:`private_page`."""
    g.no_page_cache = True


def private_page() -> None:
    """Call from a view whose output is for this visitor alone (e.g. self-check results): never stored
    here, and ``Cache-Control: private, no-store`` so no browser or proxy keeps it either."""
    g.no_page_cache = True
    g.private_page = True


# --- HTTP caching: what a browser, nginx or a CDN may keep --------------------------------------

PRIVATE = "private, no-store"


def cache_control_for(response: Response) -> str | None:
    """The Cache-Control a response gets, None when its view already chose one.

    Anonymous GET pages with status 200 are public for ``HTTP_MAX_AGE`` seconds (then served stale for
    ``HTTP_STALE_SECONDS`` while a shared cache fetches the new copy); everything else (forms posted,
    errors, redirects, pages that set a cookie, pages for one visitor, previews) is private, no-store.
    """
    if "Cache-Control" in response.headers:
        return None
    app = current_app
    shared = (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not g.get("private_page")
        and not app.config.get("PREVIEW")
        and "Set-Cookie" not in response.headers
    )
    if not shared:
        return PRIVATE
    max_age, stale = app.config["HTTP_MAX_AGE"], app.config["HTTP_STALE_SECONDS"]
    return f"public, max-age={max_age}, stale-while-revalidate={stale}"


def add_http_cache_headers(response: Response) -> None:
    """Cache-Control, and for a public page a strong ETag (hash of the body) and Last-Modified (when it
    was rendered; a page-cache hit keeps both, so revalidation works across workers)."""
    chosen = cache_control_for(response)
    if chosen is not None:
        response.headers["Cache-Control"] = chosen
    if not response.headers["Cache-Control"].startswith("public") or response.direct_passthrough:
        return
    if "ETag" not in response.headers:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
    response.headers.setdefault("Last-Modified", http_date(time.time()))
