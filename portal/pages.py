"""Site-wide pages and request handling: language redirect, home, text size,
robots.txt, sitemap, error pages, the page cache and response headers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, redirect, render_template, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from .articles import queries as article_queries
from .articles.model import Article
from .cache import TEXT_SIZES, may_store_page, page_params, store_page
from .db import get_session
from .i18n import LANG_COOKIE, LANGUAGES, current_lang, guess_lang_from_path, lang_cookie, negotiate_lang
from .params import same_site_path
from .security import add_security_headers

log = logging.getLogger(__name__)

site = Blueprint("site", __name__)
localized = Blueprint("pages", __name__, url_prefix="/<lang:lang_code>")

ONE_YEAR = 365 * 24 * 3600


@dataclass
class HomePanel:
    """A block a capability adds to the home page (e.g. upcoming events)."""

    template: str
    context: Callable[[], dict[str, Any]]
    order: int = 50


def register_home_panel(app: Flask, panel: HomePanel) -> None:
    app.extensions.setdefault("portal.home_panels", []).append(panel)
    app.extensions["portal.home_panels"].sort(key=lambda p: p.order)


@site.get("/")
def root():
    lang = negotiate_lang(request.headers.get("Accept-Language"), request.cookies.get(LANG_COOKIE))
    response = redirect(f"/{lang}/", code=302)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@localized.get("/")
@page_params()
def home():
    session, lang = get_session(), current_lang()
    panels = [(panel.template, panel.context()) for panel in current_app.extensions.get("portal.home_panels", [])]
    return render_template(
        "home.html",
        featured=article_queries.featured(session, lang, 3),
        latest=article_queries.latest(session, lang, 6),
        categories=article_queries.categories(session, lang),
        counts=article_queries.category_counts(session, lang),
        panels=panels,
    )


@site.get("/text-size/<size>")
def text_size(size: str):
    """No-JavaScript text size control: remember the choice, go back to the page."""
    target = same_site_path(request.args.get("next", "/"))
    response = redirect(target, code=303)
    if size in TEXT_SIZES:
        response.set_cookie("textsize", size, max_age=ONE_YEAR, samesite="Lax")
    return response


@site.get("/robots.txt")
def robots():
    body = f"User-agent: *\nAllow: /\nDisallow: /text-size/\nSitemap: {current_app.config['SITE_URL']}/sitemap.xml\n"
    return Response(body, mimetype="text/plain")


@site.get("/sitemap.xml")
def sitemap():
    session = get_session()
    paths = ["/", "/articles/", "/help"]
    paths += [f"/articles/category/{c.key}" for c in article_queries.categories(session, "en")]
    lastmod: dict[str, Any] = {}
    for slug, reviewed in session.execute(select(Article.slug, Article.reviewed)):
        path = f"/articles/{slug}"
        lastmod[path] = max(reviewed, lastmod.get(path, reviewed))
    paths += sorted(lastmod)
    for provider in current_app.extensions.get("portal.sitemap_providers", []):
        paths += provider()
    body = render_template("sitemap.xml", paths=paths, lastmod=lastmod, languages=LANGUAGES)
    return Response(body, mimetype="application/xml")


def register_sitemap_provider(app: Flask, provider: Callable[[], list[str]]) -> None:
    """Add language-less paths (e.g. "/events/42") to sitemap.xml."""
    app.extensions.setdefault("portal.sitemap_providers", []).append(provider)


def render_error(error: HTTPException | Exception) -> tuple[str, int]:
    code = error.code if isinstance(error, HTTPException) and error.code else 500
    if not g.get("lang_code"):
        g.lang_code = guess_lang_from_path(request.path) or negotiate_lang(
            request.headers.get("Accept-Language"), request.cookies.get(LANG_COOKIE)
        )
    g.no_page_cache = True
    try:
        return render_template("error.html", code=code), code
    except Exception:  # noqa: BLE001 - the error page must not fail (e.g. database down)
        log.exception("error page failed to render")
        return render_template("error_plain.html", code=code), code


def init_app(app: Flask) -> None:
    app.register_blueprint(site)
    app.register_blueprint(localized)

    @app.after_request
    def finish(response: Response) -> Response:
        """Language cookie and headers; then the finished page goes to the page cache (hits never get here)."""
        storable = may_store_page(response)
        lang = g.get("lang_code")
        if lang in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang and response.status_code < 400:
            response.headers.add("Set-Cookie", lang_cookie(lang))
        if lang:
            response.headers.setdefault("Content-Language", LANGUAGES[lang].html_lang)
        add_security_headers(app, response)
        if storable:
            store_page(response)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code < 400:
            return error
        return render_error(error)

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(error)
