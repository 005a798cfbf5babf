"""Insights: what families read, search for and finish, counted without tracking anyone.

Receivers of the core's signals (portal/signals.py) add to a per-process :class:`~.counter.Counter`;
``flask insights flush`` (and the counter itself, now and then) writes the counts out. The public page
``/<lang>/insights`` (``views.py``) shows them with small counts hidden (``report.py``); editors get
``flask insights report`` and operators ``ingest-log`` and ``rollup`` (``cli.py``). No capability
imports this package: it only listens.
"""

from __future__ import annotations

import atexit
from typing import Any

from flask import Flask

from ..signals import page_served, search_made, selfcheck_completed
from ..sitemap import register_sitemap_provider
from .cli import insights_cli
from .counter import Counter
from .model import PAGE, SEARCH, SEARCH_NONE, SELFCHECK
from .rules import Robots, normalise_search, served_key
from .views import bp, sitemap_paths

EXTENSION = "portal.insights"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(insights_cli)
    register_sitemap_provider(app, sitemap_paths, section="insights")
    if app.config["INSIGHTS_ENABLED"]:
        counter = Counter(app)
        app.extensions[EXTENSION] = counter
        _listen(app, counter)
        if not app.testing:
            atexit.register(counter.flush, wait=True)


def counter_of(app: Flask) -> Counter | None:
    return app.extensions.get(EXTENSION)


def _listen(app: Flask, counter: Counter) -> None:
    is_robot = Robots(app.config["INSIGHTS_BOTS"])
    add = counter.add

    def robot(environ: dict) -> bool:
        return is_robot(environ.get("HTTP_USER_AGENT"))  # read here, kept nowhere

    def served(_app: Any, path: str, query: str, mimetype: str, environ: dict, **_: Any) -> None:
        # Every page-cache hit runs this: the common case (an HTML page) first, in the fewest calls.
        if mimetype == "text/html":
            if not is_robot(environ.get("HTTP_USER_AGENT")):  # read here, kept nowhere
                add(PAGE, path)
            return
        found = served_key(path, query, mimetype)
        if found is not None and not robot(environ):
            add(*found)

    def searched(_app: Any, query: str, result_count: int, environ: dict, **_: Any) -> None:
        term = normalise_search(query)
        if term and not robot(environ):
            counter.add(SEARCH, term)
            if not result_count:
                counter.add(SEARCH_NONE, term)

    def completed(_app: Any, tool: str, environ: dict, **_: Any) -> None:
        if not robot(environ):
            counter.add(SELFCHECK, tool)

    page_served.connect(served, sender=app, weak=False)
    search_made.connect(searched, sender=app, weak=False)
    selfcheck_completed.connect(completed, sender=app, weak=False)
