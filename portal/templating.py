"""Template helpers: dates in Hong Kong time per locale, links between languages."""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from flask import Flask, current_app, request
from flask_babel import format_date, format_datetime, format_decimal
from markupsafe import Markup

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


def nice_date(value: date | datetime | None, style: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "long" if style == "long" else style)
    return format_date(value, style)


def iso_date(value: date | datetime) -> Markup:
    return Markup(value.isoformat())


def configure_templates(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(nice_date=nice_date, number=format_decimal, iso=iso_date)
    app.jinja_env.globals.update(
        has_endpoint=has_endpoint,
        alternate_links=alternate_links,
        absolute_url=absolute_url,
        page_query=page_query,
    )

    @app.context_processor
    def request_context() -> dict:
        return {"text_size": request.cookies.get("textsize", "normal")}
