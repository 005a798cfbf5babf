"""Template helpers: dates in Hong Kong time per locale, links between languages, JSON inside HTML."""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, request
from flask_babel import format_date, format_datetime, format_decimal
from markupsafe import Markup

from .citations import as_citation, citations_from_text, site_name
from .i18n import LANGUAGES, path_in_lang


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def absolute_url(path: str) -> str:
    return current_app.config["SITE_URL"] + path


def alternate_links() -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for every language and x-default (the English page)."""
    links = [(lang.hreflang, absolute_url(path_in_lang(code))) for code, lang in LANGUAGES.items()]
    links.append(("x-default", absolute_url(path_in_lang("en"))))
    return links


def page_query(number: int) -> str:
    """The current query string with ``page`` set to ``number`` (other filters kept)."""
    args = [(key, value) for key, value in request.args.items(multi=True) if key != "page"]
    if number > 1:
        args.append(("page", str(number)))
    return urlencode(args)


def page_window(current: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers to link: first, last and ``current`` ± ``around``; None marks a gap (an ellipsis).

    Bounded (at most ``2 * around + 5`` entries) however many pages there are, like GOV.UK's
    pagination: a calendar with thousands of pages once printed a link to each (a 1.2 MB page).
    """
    shown = sorted({1, pages, *range(max(1, current - around), min(pages, current + around) + 1)})
    window: list[int | None] = []
    previous = 0
    for number in shown:
        if number - previous == 2:  # a gap of one page: link the page, it is as short as the ellipsis
            window.append(number - 1)
        elif number - previous > 2 and previous:
            window.append(None)
        window.append(number)
        previous = number
    return window


def nice_date(value: date | datetime | None, style: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "long" if style == "long" else style)
    return format_date(value, style)


def iso_date(value: date | datetime) -> Markup:
    return Markup(value.isoformat())


# What could end a <script> element or an attribute, start a comment or an entity, or end a JavaScript
# line (U+2028, U+2029) once JSON sits in HTML; each is written as its \uXXXX escape, still the same JSON.
_HTML_UNSAFE_IN_JSON = {ord(c): f"\\u{ord(c):04x}" for c in "<>&'\u2028\u2029"}


def json_for_html(value: Any) -> Markup:
    """``value`` as JSON that is safe anywhere in HTML: inside ``<script type="application/ld+json">`` or a
    single-quoted attribute (``data-x='{{ v|tojson }}'``). The one way JSON reaches a page: the ``tojson``
    filter is this function."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return Markup(text.translate(_HTML_UNSAFE_IN_JSON))


# --- static files under URLs that change with their content --------------------------------------

STATIC_MAX_AGE = 365 * 24 * 3600  # a hashed static URL never changes meaning: browsers and nginx keep it a year


@lru_cache(maxsize=1024)
def _file_hash(path: str, mtime_ns: int, size: int) -> str:
    """The first hex digits of the file's SHA-256 (memoised per file version: stat, not read, per page)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


def static_version(app: Flask, filename: str) -> str | None:
    """The content hash of ``static/<filename>``, None when there is no such file (the URL stays plain)."""
    folder = app.static_folder or ""
    path = os.path.realpath(os.path.join(folder, filename))
    if not path.startswith(os.path.realpath(folder) + os.sep):
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    return _file_hash(path, info.st_mtime_ns, info.st_size)


def configure_static_urls(app: Flask) -> None:
    """``url_for('static', …)`` adds ``?v=<content hash>``: a new file means a new URL, so the file may be
    cached for a year (here and by nginx, see deploy/nginx/portal.conf) and a deploy is never half-seen."""

    @app.url_defaults
    def hashed_static(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "v" not in values and values.get("filename"):
            version = static_version(app, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def cache_hashed_static(response: Response) -> Response:
        if request.endpoint == "static" and response.status_code == 200 and request.args.get("v"):
            if request.args["v"] == static_version(app, (request.view_args or {}).get("filename", "")):
                response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
        return response


def configure_templates(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(nice_date=nice_date, number=format_decimal, iso=iso_date, tojson=json_for_html)
    app.jinja_env.globals.update(
        has_endpoint=has_endpoint,
        alternate_links=alternate_links,
        absolute_url=absolute_url,
        page_query=page_query,
        page_window=page_window,
        as_citation=as_citation,
        citations_from_text=citations_from_text,
        site_name=site_name,
    )
    configure_static_urls(app)
