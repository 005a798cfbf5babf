"""Article pages: list, category, article, Atom feed, images."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory
from flask_babel import gettext as _

from ..cache import page_params
from ..db import get_session
from ..i18n import LANGUAGES, current_lang, other_lang
from ..params import existing_page, page_number
from . import queries
from .loader import IMAGE_SUFFIXES, SLUG

bp = Blueprint("articles", __name__, url_prefix="/<lang:lang_code>/articles")
media = Blueprint("media", __name__)


@bp.get("/")
@page_params("page")
def index():
    session, lang = get_session(), current_lang()
    per_page = current_app.config["ARTICLES_PER_PAGE"]
    page = existing_page(queries.paginate(session, lang, page_number(request.args), per_page))
    return render_template(
        "articles/list.html",
        page=page,
        category=None,
        categories=queries.categories(session, lang),
        counts=queries.category_counts(session, lang),
        tag_labels=queries.tag_labels(session, lang),
    )


@bp.get("/category/<key>")
@page_params("page")
def category(key: str):
    session, lang = get_session(), current_lang()
    found = queries.category(session, key, lang)
    if found is None:
        abort(404)
    per_page = current_app.config["ARTICLES_PER_PAGE"]
    page = existing_page(queries.paginate(session, lang, page_number(request.args), per_page, key))
    return render_template(
        "articles/list.html",
        page=page,
        category=found,
        categories=queries.categories(session, lang),
        counts=queries.category_counts(session, lang),
        tag_labels=queries.tag_labels(session, lang),
    )


@bp.get("/<slug>")
@page_params()
def article(slug: str):
    session, lang = get_session(), current_lang()
    versions = queries.by_slug(session, slug)
    if not versions:
        abort(404)
    shown = versions.get(lang) or versions[other_lang(lang)]
    twin = versions.get(other_lang(lang))
    translation_behind = (
        lang != "en" and lang in versions and "en" in versions and versions["en"].reviewed > versions[lang].reviewed
    )
    return render_template(
        "articles/article.html",
        article=shown,
        fallback=shown.lang != lang,
        content_language=LANGUAGES[shown.lang],
        translation_behind=translation_behind,
        twin=twin,
        category=queries.category(session, shown.category, lang),
        tag_labels=queries.tag_labels(session, lang),
        related=queries.related(session, shown),
    )


@bp.get("/feed.atom")
def feed():
    session, lang = get_session(), current_lang()
    items = queries.latest(session, lang, limit=20)
    body = render_template("articles/feed.xml", items=items, feed_title=_("Family Portal: new articles"))
    return Response(body, mimetype="application/atom+xml")


@media.get("/media/articles/<slug>/<name>")
def article_image(slug: str, name: str):
    if not SLUG.match(slug) or Path(name).suffix.lower() not in IMAGE_SUFFIXES or "/" in name:
        abort(404)
    folder = Path(current_app.config["CONTENT_DIR"]) / "articles" / slug
    response = send_from_directory(folder, name, max_age=86400)
    if name.endswith(".svg"):
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
