"""Bench-only WSGI app for ``bench/bench_pages.py``: the portal plus one bare Flask route.

    gunicorn --pythonpath bench bench_wsgi:app

Never used by the site. ``/bench/bare`` returns a short fixed text through the
same app, so it pays for the same request hooks (page-cache lookup, security
headers) as a real page but renders nothing: the ceiling a cached page can reach.

Environment (set by bench_pages.py, on top of the usual ``PORTAL_*`` variables):

``PORTAL_BENCH_INSTANCE``
    instance folder (the file-system cache lives in it), instead of ``instance/``.
``PORTAL_BENCH_PAGE_CACHE=off``
    every page goes through the portal's own "never cache this page" path
    (``g.no_page_cache``, as search and self-check use), so nothing is read from
    or written to the page cache: the uncached figures.
"""

from __future__ import annotations

import os

from flask import Response, g

from portal import create_app

instance = os.environ.get("PORTAL_BENCH_INSTANCE")
app = create_app({"INSTANCE_PATH": instance} if instance else None)


@app.get("/bench/bare")
def bench_bare() -> Response:
    return Response("bare Flask route\n", mimetype="text/plain")


@app.get("/bench/bare/<int:size>")
def bench_bare_sized(size: int) -> Response:
    """The bare route with a body of ``size`` bytes: what sending a page's bytes costs alone."""
    return Response(b"x" * min(size, 1_000_000), mimetype="text/html")


if os.environ.get("PORTAL_BENCH_PAGE_CACHE") == "off":

    def bypass_page_cache() -> None:
        g.no_page_cache = True

    # First of the before_request hooks, so it runs before the page-cache lookup.
    app.before_request_funcs.setdefault(None, []).insert(0, bypass_page_cache)
