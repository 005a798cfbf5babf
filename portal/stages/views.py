"""Life stage pages: the index and one page per stage, gathering what carries the stage's tags.

What carries a tag comes through the core's contract (portal/tagged.py), the hotlines through the
help capability's template function ``hotlines_by_key``: this package imports no other capability.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy import select

from ..cache import page_params
from ..db import get_session
from ..i18n import current_lang
from ..tagged import Wanted, gather, tag_labels
from .model import Stage

bp = Blueprint("stages", __name__, url_prefix="/<lang:lang_code>/stages")

ARTICLES_ON_A_STAGE = 12
EVENTS_ON_A_STAGE = 6


def all_stages() -> list[Stage]:
    return list(get_session().scalars(select(Stage).order_by(Stage.position)))


def stages_for_tags(tags: list[str] | tuple[str, ...]) -> list[Stage]:
    """The stages sharing a tag with a page (an article lists them), in the stages' own order."""
    wanted = set(tags)
    return [stage for stage in all_stages() if wanted & set(stage.tags)]


def home_context() -> dict:
    return {"stages": all_stages()}


def sitemap_paths() -> list[str]:
    return ["/stages"] + [f"/stages/{stage.key}" for stage in all_stages()]


@bp.get("")
@page_params()
def index():
    return render_template("stages/index.html", stages=all_stages())


@bp.get("/<key>")
@page_params()
def stage(key: str):
    session, lang = get_session(), current_lang()
    found = session.get(Stage, key) if len(key) <= 60 else None
    if found is None:
        abort(404)
    tags = frozenset(found.tags)
    articles = gather(session, lang, Wanted(tags, limit=ARTICLES_ON_A_STAGE)).get("articles", [])
    events = gather(session, lang, Wanted(tags, limit=EVENTS_ON_A_STAGE)).get("events", [])
    named = {"selfcheck": frozenset(found.selfchecks)}
    selfchecks = gather(session, lang, Wanted(tags, named)).get("selfcheck", [])
    return render_template(
        "stages/stage.html",
        stage=found,
        labels=tag_labels(session, lang),
        articles=articles,
        events=events,
        selfchecks=selfchecks,
        others=[s for s in all_stages() if s.key != found.key],
    )
