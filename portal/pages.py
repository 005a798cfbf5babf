"""Site-wide pages and request handling: language redirect, home, text size,
robots.txt, sitemap, error pages, the page cache and response headers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, redirect, render_template, request
from sqlalchemy import distinct, func, select
from werkzeug.exceptions import HTTPException

from .articles import queries as article_queries
from .articles.model import Article
from .cache import PRIVATE, add_http_cache_headers, may_store_page, page_params, store_page
from .db import get_session
from .i18n import LANG_COOKIE, LANGUAGES, current_lang, guess_lang_from_path, lang_cookie, negotiate_lang
from .params import same_site_path
from .security import add_security_headers
from .signals import send_page_served
from .sitemap import SitemapSection, register_sitemap_provider
from .sitemap import file_response as sitemap_file_response
from .sitemap import index_response as sitemap_index_response

__all__ = ["HomePanel", "register_home_panel", "register_sitemap_provider"]

log = logging.getLogger(__name__)

site = Blueprint("site", __name__)
localized = Blueprint("pages", __name__, url_prefix="/<lang:lang_code>")

ONE_YEAR = 365 * 24 * 3600
# The root font size of each text size: the same as html.text-* in static/css/site.css (which JavaScript
# switches at once); /text-size.css applies the visitor's choice without JavaScript.
TEXT_SIZES = {"normal": "100%", "large": "118.75%", "larger": "137.5%"}


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


@site.get("/text-size.css")
def text_size_css():
    """The visitor's text size as a tiny stylesheet, so every page's HTML is the same for everyone and a
    shared cache may keep it. Private, revalidated on each page (a 304 while the choice stands)."""
    size = request.cookies.get("textsize", "normal")
    size = size if size in TEXT_SIZES else "normal"
    body = (
        f"html {{ font-size: {TEXT_SIZES[size]}; }}\n"
        f".text-size a.text-size-{size} {{ border-color: var(--brand); background: var(--brand); color: #fff; }}\n"
    )
    response = Response(body, mimetype="text/css")
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Cookie"
    response.set_etag(f"text-size-{size}")
    return response.make_conditional(request)


@site.get("/language/<code>")
def switch_language(code: str):
    """The language toggle: remember the choice (so / sends the visitor back to it), go to the page.

    The one place the language cookie is set, so an ordinary page view sets no cookie and every page
    can be kept by a shared cache."""
    if code not in LANGUAGES:
        return redirect("/", code=303)
    response = redirect(same_site_path(request.args.get("next", f"/{code}/"), f"/{code}/"), code=303)
    response.headers.add("Set-Cookie", lang_cookie(code))
    response.headers["Cache-Control"] = PRIVATE
    return response


@site.get("/robots.txt")
def robots():
    body = (
        "User-agent: *\nAllow: /\nDisallow: /text-size/\nDisallow: /language/\n"
        f"Sitemap: {current_app.config['SITE_URL']}/sitemap.xml\n"
    )
    return Response(body, mimetype="text/plain")


@site.get("/sitemap.xml")
def sitemap():
    """The sitemap index: every section's bounded files (portal/sitemap.py)."""
    return sitemap_index_response()


@site.get("/sitemap-<section>-<int:number>.xml")
def sitemap_file(section: str, number: int):
    return sitemap_file_response(section, number)


def core_paths() -> list[str]:
    """The home page, the article list, its categories and the help page."""
    paths = ["/", "/articles/", "/help"]
    return paths + [f"/articles/category/{c.key}" for c in article_queries.categories(get_session(), "en")]


def _article_count() -> int:
    query = select(func.count(distinct(Article.slug))).where(article_queries.shown())
    return get_session().scalar(query) or 0


def _article_paths(offset: int, limit: int) -> list[tuple[str, Any]]:
    """Articles shown now, by slug, with the day either language was last reviewed."""
    query = (
        select(Article.slug, func.max(Article.reviewed)).where(article_queries.shown())
        .group_by(Article.slug).order_by(Article.slug).offset(offset).limit(limit)
    )  # fmt: skip
    return [(f"/articles/{slug}", reviewed) for slug, reviewed in get_session().execute(query)]


ARTICLES_SECTION = SitemapSection("articles", _article_count, _article_paths)


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
    # The core's own sections come first in the index; the capabilities registered theirs before.
    app.extensions["portal.sitemap_sections"] = [
        SitemapSection("pages", lambda: len(core_paths()), lambda offset, limit: core_paths()[offset : offset + limit]),
        ARTICLES_SECTION,
        *app.extensions.get("portal.sitemap_sections", []),
    ]

    @app.after_request
    def finish(response: Response) -> Response:
        """Headers (security, caching); the finished page goes to the page cache (hits never get here),
        then a browser that already has this very page gets a 304."""
        lang = g.get("lang_code")
        if lang:
            response.headers.setdefault("Content-Language", LANGUAGES[lang].html_lang)
        add_security_headers(app, response)
        add_http_cache_headers(response)
        if may_store_page(response):
            store_page(response)
        if lang and response.status_code == 200 and request.method == "GET":
            # A page-cache hit never gets here: the middleware sends page_served itself (portal/cache.py).
            environ = request.environ
            send_page_served(app, request.path, environ.get("QUERY_STRING", ""), response.mimetype or "", environ)
        if response.headers["Cache-Control"].startswith("public"):
            response.make_conditional(request)
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
