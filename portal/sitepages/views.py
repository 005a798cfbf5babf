"""Site pages: /<lang>/about, /contact, /privacy, /accessibility, /terms and /browsing-safely."""

from __future__ import annotations

from flask import Blueprint, abort, g, render_template
from sqlalchemy import select

from ..cache import page_params
from ..db import get_session
from ..i18n import LANGUAGES, current_lang, other_lang
from .model import PAGES, SiteContact, SitePage

bp = Blueprint("sitepages", __name__, url_prefix="/<lang:lang_code>")

# Pages that carry "Exit this page" themselves (the others only through their template's callers).
WITH_QUICK_EXIT = {"browsing-safely"}


@bp.get("/<any({}):slug>".format(", ".join(f'"{slug}"' for slug in PAGES)))
@page_params()
def page(slug: str):
    lang = current_lang()
    versions = {row.lang: row for row in get_session().scalars(select(SitePage).where(SitePage.slug == slug))}
    if not versions:
        abort(404)
    shown = versions.get(lang) or versions[other_lang(lang)]
    return render_template(
        "sitepages/page.html",
        page=shown,
        fallback=shown.lang != lang,
        content_language=LANGUAGES[shown.lang],
        is_contact=slug == "contact",
        contact=site_contact() if slug == "contact" else None,
        quick_exit=slug in WITH_QUICK_EXIT,
    )


def site_contact() -> SiteContact | None:
    """The contact row (content/site/contact.yml), read once per request."""
    if "site_contact" not in g:
        g.site_contact = get_session().get(SiteContact, "contact")
    return g.site_contact


def contact_email() -> str:
    """The editors' e-mail address, or "" while content/site/contact.yml holds a placeholder."""
    contact = site_contact()
    return contact.email if contact else ""


def sitemap_paths() -> list[str]:
    present = set(get_session().scalars(select(SitePage.slug).distinct()))
    return [f"/{slug}" for slug in PAGES if slug in present]
