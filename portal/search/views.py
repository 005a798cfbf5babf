"""``/<lang>/search?q=…&kind=…`` and the OpenSearch description."""

from __future__ import annotations

import unicodedata

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.routing import BuildError

from ..cache import never_cache_this_page
from ..db import get_session, session_scope
from ..i18n import current_lang
from ..params import existing_page, page_number
from ..signals import search_made
from .engine import index_is_built, reindex
from .engine import search as run_search
from .model import SearchDoc
from .providers import PROVIDERS, doc_args
from .text import MAX_QUERY_CHARS

bp = Blueprint("search", __name__, url_prefix="/<lang:lang_code>")

KIND_LABELS = {
    "articles": _l("Articles"),
    "events": _l("Events"),
    "selfcheck": _l("Self-checks"),
    "centres": _l("Centres"),
    "news": _l("Partner news"),
    "help": _l("Help and hotlines"),
    "site": _l("About this site"),
    "stages": _l("Stages of family life"),
}
CLOSEST_TOPICS = 5


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def result_url(doc: SearchDoc) -> str:
    """The page of a result; an external link (feeds) when the kind has no page of its own here."""
    if doc.endpoint:
        try:
            return url_for(doc.endpoint, lang_code=doc.lang, **doc_args(doc.args_json))
        except BuildError:
            pass
    return doc.url


def printable(text: str) -> str:
    """The query as it may be shown back: control and format characters (bidi overrides too) removed."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")


def _categories(lang: str) -> list:
    try:
        from ..articles.model import Category
    except ImportError:
        return []
    return list(get_session().scalars(select(Category).where(Category.lang == lang).order_by(Category.position)))


def _closest_topics(lang: str, query: str) -> list[str]:
    """Topic labels nearest to what was typed (for a search that found nothing), best first."""
    try:
        from ..articles.model import Tag
    except ImportError:
        return []
    from rapidfuzz import fuzz, process, utils  # here: only a search that found nothing needs it

    labels = list(get_session().scalars(select(Tag.label).where(Tag.lang == lang).order_by(Tag.label)))
    found = process.extract(query, labels, scorer=fuzz.WRatio, processor=utils.default_process,
                            limit=CLOSEST_TOPICS, score_cutoff=50)  # fmt: skip
    return [label for label, _score, _index in found]


@bp.get("/search")
def search():
    """The results page; without a query, just the search form."""
    never_cache_this_page()  # any text can be typed: do not fill the page cache with one page per query
    session = get_session()
    if not index_is_built(session):
        with session_scope() as writer:
            reindex(writer)
    raw = printable(request.args.get("q", "")[: MAX_QUERY_CHARS * 2])
    kinds = [k for k in request.args.getlist("kind") if k in PROVIDERS]
    lang = current_lang()
    spelling = request.args.get("spell") != "0"
    results = existing_page(run_search(session, raw, lang, kinds, page_number(request.args), spelling=spelling))
    nothing = bool(results.query) and not results.total
    if raw.strip() and results.page == 1:  # a search is counted once, not once per page of its results
        search_made.send(current_app._get_current_object(), query=raw, result_count=results.total, lang=lang,
                         environ=request.environ)  # fmt: skip
    return render_template(
        "search/results.html",
        q=raw.strip(),
        results=results,
        kinds=kinds,
        all_kinds=[k for k in KIND_LABELS if k in PROVIDERS],
        kind_label=kind_label,
        result_url=result_url,
        categories=_categories(lang) if nothing else [],
        topics=_closest_topics(lang, raw) if nothing else [],
        page=results,
    )


@bp.get("/opensearch.xml")
def opensearch():
    body = render_template("search/opensearch.xml")
    return Response(body, mimetype="application/opensearchdescription+xml")
