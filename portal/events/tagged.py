"""Events in the core's tagged-things contract (portal/tagged.py): upcoming real events only, never an example."""

from __future__ import annotations

from pathlib import Path

from flask import url_for
from sqlalchemy import or_
from sqlalchemy.orm import Session

from ..content import ContentError, read_text, split_front_matter
from ..i18n import other_lang
from ..tagged import TaggedItem, TaggedKind, Wanted
from .loader import discover
from .model import Event
from .queries import Filters, _in_list, now_utc, real, upcoming_query
from .views import event_when


def tagged_events(session: Session, lang: str, wanted: Wanted) -> list[TaggedItem]:
    """Upcoming events that are not examples, whose topics include a wanted tag, soonest first."""
    if not wanted.tags:
        return []
    query = upcoming_query(Filters(), now_utc()).where(real())
    query = query.where(or_(*(_in_list(Event.topics, tag) for tag in sorted(wanted.tags))))
    return [
        TaggedItem(str(e.id), e.title(lang), url_for("events.event", event_id=e.id),
                   lang if e.is_translated(lang) else other_lang(lang),
                   summary=event_when(e), tags=tuple(e.topic_list), when=e.starts)
        for e in session.scalars(query.limit(wanted.limit))
    ]  # fmt: skip


def tags_used(content_dir: Path) -> set[str]:
    """The topics the editors' event files name (partner feeds' topics change by the hour and are not counted)."""
    found: set[str] = set()
    for folder in discover(content_dir)[0]:
        for lang, path in folder.files.items():
            try:
                meta = split_front_matter(read_text(path, folder.shown[lang]), folder.shown[lang])[0]
            except ContentError:
                continue
            topics = meta.get("topics")
            if isinstance(topics, list):
                found.update(str(topic) for topic in topics)
            elif isinstance(topics, str):
                found.update(t.strip() for t in topics.split(",") if t.strip())
    return found


TAGGED_EVENTS = TaggedKind("events", tagged_events, tags_used, order=20)
