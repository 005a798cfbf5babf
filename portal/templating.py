"""Template helpers: dates in Hong Kong time per locale, links between languages, JSON inside HTML."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, format_decimal
from markupsafe import Markup

from .citations import as_citation, citations_from_text, site_name
from .i18n import LANGUAGES, path_in_lang


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def absolute_url(path: str) -> str:
    return current_app.config["SITE_URL"] + path


def alternate_links() -> list[tuple[str, str]]:
    """(hreflang, absolute URL) for both languages and x-default (the English page)."""
    links = [(lang.html_lang, absolute_url(path_in_lang(code))) for code, lang in LANGUAGES.items()]
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

    @app.context_processor
    def request_context() -> dict:
        return {"text_size": request.cookies.get("textsize", "normal")}
