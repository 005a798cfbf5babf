"""Bench-only WSGI app for ``bench/bench_pages.py``: the portal plus one bare Flask route.

    gunicorn --pythonpath bench bench_wsgi:app

Never used by the site. ``/bench/bare`` returns a short fixed text through the
same app, so it pays for the same page-cache middleware check and request hooks
(security headers, language cookie) as a real page but renders nothing. (A
cached page is answered by the middleware before Flask is entered at all.)

Environment (set by bench_pages.py, on top of the usual ``PORTAL_*`` variables):

``PORTAL_BENCH_INSTANCE``
    instance folder (the file-system cache lives in it), instead of ``instance/``.
``PORTAL_BENCH_PAGE_CACHE=off``
    every page goes through the portal's own "never cache this page" path
    (``g.no_page_cache``, as search and self-check use) and the page-cache
    middleware is removed, so no page is stored or served from the cache: the
    uncached figures.
"""

from __future__ import annotations

import os
import signal

from flask import Response, g

from portal import create_app
from portal.cache import PageCacheMiddleware
from portal.signals import page_served

instance = os.environ.get("PORTAL_BENCH_INSTANCE")
app = create_app({"INSTANCE_PATH": instance, "DATABASE_UPGRADE_ON_START": True} if instance else None)


@app.get("/bench/bare")
def bench_bare() -> Response:
    return Response("bare Flask route\n", mimetype="text/plain")


@app.get("/bench/bare/<int:size>")
def bench_bare_sized(size: int) -> Response:
    """The bare route with a body of ``size`` bytes: what sending a page's bytes costs alone."""
    return Response(b"x" * min(size, 1_000_000), mimetype="text/html")


if os.environ.get("PORTAL_BENCH_PAGE_CACHE") == "off":
    # No middleware: this server never reads the page cache the cached server (same instance) fills.
    if isinstance(app.wsgi_app, PageCacheMiddleware):
        app.wsgi_app = app.wsgi_app.wsgi_app

    def bypass_page_cache() -> None:
        g.no_page_cache = True

    # First of the before_request hooks (any place would do: it only stops the page being stored).
    app.before_request_funcs.setdefault(None, []).insert(0, bypass_page_cache)


# Counting on and off in a running server (bench_pages.py --counting-only --crossover): SIGRTMIN+1 connects
# the page-view receivers again, SIGRTMIN+2 disconnects them. Two servers swap roles from round to round, so
# what makes one process faster than another (measured at 4-11 % between identical servers) cancels out.
# gunicorn's workers install their own handlers before they import this module, and leave these two alone.
_COUNTING_RECEIVERS = list(page_served.receivers_for(app))


def _counting_on(_signum: int, _frame: object) -> None:
    for receiver in _COUNTING_RECEIVERS:
        page_served.connect(receiver, sender=app, weak=False)


def _counting_off(_signum: int, _frame: object) -> None:
    for receiver in _COUNTING_RECEIVERS:
        page_served.disconnect(receiver, sender=app)


signal.signal(signal.SIGRTMIN + 1, _counting_on)
signal.signal(signal.SIGRTMIN + 2, _counting_off)
