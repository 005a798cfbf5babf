"""Topic pages: every tag of content/tags.yml lists the articles, upcoming events and self-checks carrying it.

What carries a tag comes through the core's contract (portal/tagged.py); this package imports no other
capability. A tag nothing carries yet still has a page that says so and leads on (never a dead end).
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from ..cache import page_params
from ..db import get_session
from ..i18n import current_lang, written_lang
from ..tagged import Wanted, gather, tag_labels

bp = Blueprint("topics", __name__, url_prefix="/<lang:lang_code>/topics")

ITEMS_ON_A_TOPIC = 50


def sorted_labels(labels: dict[str, str], order: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(tag, label) by label; by the ``order`` labels when given (the Simplified edition lists its topics in the
    order of the Traditional labels they are made from, so both Chinese editions show one list)."""
    order = order or labels
    return sorted(labels.items(), key=lambda pair: (order.get(pair[0], pair[1]).casefold(), pair[0]))


@bp.get("")
@page_params()
def index():
    session, lang = get_session(), current_lang()
    labels = tag_labels(session, lang)
    counts = dict.fromkeys(labels, 0)
    for items in gather(session, lang, Wanted(frozenset(labels), limit=100_000)).values():
        for item in items:
            for tag in set(item.tags) & counts.keys():
                counts[tag] += 1
    written = written_lang(lang)
    order = tag_labels(session, written) if written != lang else None
    return render_template("topics/index.html", topics=sorted_labels(labels, order), counts=counts)


@bp.get("/<tag>")
@page_params()
def topic(tag: str):
    session, lang = get_session(), current_lang()
    labels = tag_labels(session, lang)
    if tag not in labels:
        abort(404)
    found = gather(session, lang, Wanted(frozenset({tag}), limit=ITEMS_ON_A_TOPIC))
    return render_template(
        "topics/topic.html",
        tag=tag,
        label=labels[tag],
        labels=labels,
        articles=found.get("articles", []),
        events=found.get("events", []),
        selfchecks=found.get("selfcheck", []),
        empty=not any(found.values()),
    )
