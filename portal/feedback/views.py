"""POST /<lang>/feedback (yes/no + comment, or a centre correction) and /<lang>/feedback/thanks.

The forms sit on pages the page cache keeps, so they carry no per-visitor token.
Cross-site forgery is refused from what browsers say about where a POST comes
from: ``Sec-Fetch-Site`` must be ``same-origin``, an ``Origin`` must be this
site's, and (only when neither is sent) a ``Referer`` must be too. A POST with
none of the three (old browsers, curl, scripts) is accepted, as GOV.UK does:
it can do nothing a visitor could not, and the honeypot field and the
per-client rate limit (``ratelimit.py``) stand in front of the store.

Nothing about the visitor is stored or logged: no address, no user agent, no
cookie. The comment has its personal details taken out first (``redact.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..articles.model import Article
from ..cache import never_cache_this_page, page_params
from ..centres.model import Centre
from ..db import get_session
from ..i18n import current_lang
from . import ratelimit
from .model import CATEGORIES, CORRECTION, USEFUL, Feedback
from .redact import redact

log = logging.getLogger(__name__)

bp = Blueprint("feedback", __name__, url_prefix="/<lang:lang_code>/feedback")

MAX_COMMENT = 500  # characters, after line breaks are counted as one
MAX_FORM_BYTES = 16 * 1024  # 500 characters of emoji, percent-encoded, is about 6 KB
MAX_PATH = 300
HONEYPOT = "website"  # hidden from people by CSS; a form robot fills it in


@dataclass(frozen=True)
class Target:
    """A kind of page that carries the forms, and how to tell that one of them exists."""

    exists: Callable[[dict], bool]
    corrections: bool = False  # whether it also takes "Report a correction"


def _article_exists(args: dict) -> bool:
    return get_session().scalar(select(Article.slug).where(Article.slug == args["slug"]).limit(1)) is not None


def _centre_exists(args: dict) -> bool:
    return get_session().get(Centre, args["key"]) is not None


# The pages with "Was this page useful?", by endpoint. Self-check pages are not here, on purpose:
# their answers are private, and nothing about them may be sent anywhere.
TARGETS: dict[str, Target] = {
    "articles.article": Target(_article_exists),
    "help.help_page": Target(lambda _args: True),
    "centres.centre": Target(_centre_exists, corrections=True),
}


@dataclass
class Page:
    path: str
    lang: str
    endpoint: str
    args: dict = field(default_factory=dict)

    @property
    def target(self) -> Target:
        return TARGETS[self.endpoint]

    @property
    def centre_key(self) -> str | None:
        return self.args.get("key") if self.endpoint == "centres.centre" else None


def match_page(raw: str) -> Page | None:
    """The page a form was sent from, if ``raw`` is the plain path of one of TARGETS on this site."""
    if not raw or len(raw) > MAX_PATH or not raw.startswith("/") or raw.startswith("//"):
        return None
    if any(ch in "?#\\%" or ch.isspace() or not ch.isprintable() for ch in raw):
        return None  # no query, no fragment, nothing encoded: the site's own paths are plain
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(raw, method="GET")
    except HTTPException:  # not found, or a redirect (e.g. a missing trailing slash)
        return None
    if endpoint not in TARGETS:
        return None
    lang = args.pop("lang_code", "")
    return Page(raw, lang, endpoint, args)


# --- where the POST comes from ---------------------------------------------------------


def _own_hosts() -> set[str]:
    return {urlsplit(current_app.config["SITE_URL"]).netloc.lower(), request.host.lower()}


def _is_own(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme in ("http", "https") and parts.netloc.lower() in _own_hosts())


def from_another_site() -> bool:
    """True when the browser tells us the form was sent from a page of another site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if fetch_site is not None and fetch_site.strip().lower() != "same-origin":
        return True  # cross-site, same-site (a sibling subdomain) or none (not from a page at all)
    if origin is not None:
        return not _is_own(origin.strip())  # "null" too: a sandboxed or privacy-stripped sender
    referer = request.headers.get("Referer")
    return fetch_site is None and referer is not None and not _is_own(referer)


# --- responses ---------------------------------------------------------------------------


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _refuse(status: int, reason: str, retry_after: int = 0) -> Response:
    messages = {
        "cross-site": _(
            "It did not come from a page of this site. If you filled it in here, please go back, "
            "reload the page and send it again."
        ),
        "tampered": _("Something in it was not what we expected. Please go back, reload the page and send it again."),
        "too-large": _("It was longer than we can receive. Please keep your message to 500 characters or fewer."),
        "too-many": _(
            "We have received a lot of messages from your connection in the last hour. "
            "Please try again later. Thank you for helping us."
        ),
    }
    title = _("Please try again later") if reason == "too-many" else _("We could not accept this form")
    if _wants_json():
        response = jsonify(ok=False, title=title, message=messages[reason])
        response.status_code = status
    else:
        page = render_template("feedback/refused.html", title=title, message=messages[reason], status=status)
        response = Response(page, status=status, mimetype="text/html")
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return _private(response)


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def thanks_message(category: str) -> str:
    if category == CORRECTION:
        return _("Thank you for telling us. We will check the details of this centre and correct them.")
    return _("Thank you for your feedback. It helps us make this site better.")


def _thanked(page: Page | None, category: str) -> Response:
    if _wants_json():
        return _private(jsonify(ok=True, message=thanks_message(category)))
    args = {"page": page.path} if page else {}
    if category == CORRECTION:
        args["kind"] = CORRECTION
    return redirect(url_for(".thanks", **args), code=303)


# --- the form ----------------------------------------------------------------------------


def _read_form() -> MultiDict | None:
    """The submitted fields, or None for a body larger than any real form."""
    if (request.content_length or 0) > MAX_FORM_BYTES:
        return None
    request.max_content_length = MAX_FORM_BYTES
    try:
        return request.form
    except RequestEntityTooLarge:
        return None


def _text(form: MultiDict) -> str:
    return form.get("comment", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def validate(category: str, form: MultiDict) -> dict[str, str]:
    """Field name -> message for each problem a visitor can fix."""
    errors: dict[str, str] = {}
    text = _text(form)
    if category == USEFUL and form.get("useful") not in ("yes", "no"):
        errors["useful"] = _("Choose yes or no.")
    if category == CORRECTION and not text:
        errors["comment"] = _("Tell us what is wrong.")
    elif len(text) > MAX_COMMENT:
        errors["comment"] = _("Please use 500 characters or fewer. You used %(count)d.", count=len(text))
    return errors


@bp.post("")
def submit():
    never_cache_this_page()
    if from_another_site():
        return _refuse(400, "cross-site")
    verdict = ratelimit.hit("feedback", current_app.config["FEEDBACK_PER_HOUR"])
    if not verdict.allowed:
        return _refuse(429, "too-many", verdict.retry_after)
    form = _read_form()
    if form is None:
        return _refuse(413, "too-large")
    category = form.get("category", USEFUL)
    page = match_page(form.get("page", ""))
    if form.get(HONEYPOT, "").strip():
        log.info("feedback form with its honeypot filled in: not stored")
        return _thanked(page, category if category in CATEGORIES else USEFUL)
    if (
        page is None
        or category not in CATEGORIES
        or (category == CORRECTION and not page.target.corrections)
        or not page.target.exists(page.args)
    ):
        return _refuse(400, "tampered")
    errors = validate(category, form)
    if errors:
        if _wants_json():
            response = jsonify(ok=False, errors=errors)
            response.status_code = 422
            return _private(response)
        values = {"useful": form.get("useful", ""), "comment": _text(form)}
        body = render_template("feedback/problem.html", page=page, category=category, values=values, errors=errors)
        return _private(Response(body, status=422, mimetype="text/html"))
    session = get_session()
    session.add(
        Feedback(
            page=page.path,
            lang=page.lang or current_lang(),
            category=category,
            useful=(form.get("useful") == "yes") if category == USEFUL else None,
            comment=redact(_text(form)),
            centre_key=page.centre_key if category == CORRECTION else None,
        )
    )
    session.commit()
    return _thanked(page, category)


@bp.get("")
def submit_by_get():
    """The form's address opened directly (e.g. the language toggle on a problem page): go home."""
    return redirect(url_for("pages.home"), code=303)


@bp.get("/thanks")
@page_params("page", "kind")
def thanks():
    """The same for everyone who sent the form on a page, so the page cache may keep it."""
    raw, kind = request.args.get("page", ""), request.args.get("kind", USEFUL)
    page = match_page(raw)
    if (raw and page is None) or kind not in CATEGORIES or set(request.args) - {"page", "kind"}:
        never_cache_this_page()  # odd addresses are answered, but not kept
    category = kind if kind in CATEGORIES else USEFUL
    return render_template("feedback/thanks.html", page=page, category=category, message=thanks_message(category))
