"""What carries a tag: the core's plug-in contract for pages that gather by tag (topics, life stages).

Tags (``content/tags.yml``) are shared: articles carry ``tags``, events ``topics``, self-checks
``related_tags``. Each capability with tagged things registers a :class:`TaggedKind` in its
``init_app``; the capability that owns the vocabulary registers its labels with
:func:`register_tag_labels`. Topic and stage pages then read through :func:`gather` and
:func:`tag_labels` and never import another capability.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.orm import Session

KINDS_KEY = "portal.tagged_kinds"
LABELS_KEY = "portal.tag_labels"


@dataclass(frozen=True)
class Wanted:
    """What a page asks for: things carrying any of ``tags``, or named in ``keys`` per kind (e.g. a stage's
    self-checks: ``{"selfcheck": {"carer-coping"}}``); at most ``limit`` of each kind."""

    tags: frozenset[str]
    keys: Mapping[str, frozenset[str]] = field(default_factory=dict)
    limit: int = 50

    def matches(self, kind: str, key: str, tags: Iterable[str]) -> bool:
        return key in self.keys.get(kind, ()) or bool(self.tags.intersection(tags))


@dataclass(frozen=True)
class TaggedItem:
    """One thing readers may see now, in a page's language (``lang`` is the language of its text)."""

    key: str
    title: str
    url: str
    lang: str
    summary: str = ""
    tags: tuple[str, ...] = ()
    when: datetime | None = None  # events: when it starts


@dataclass(frozen=True)
class TaggedKind:
    """A kind of tagged thing: ``items`` reads the database, ``used`` reads the editors' files (for the check)."""

    kind: str  # "articles", "events", "selfcheck"
    items: Callable[[Session, str, Wanted], list[TaggedItem]]
    used: Callable[[Path], set[str]] = field(default=lambda _content_dir: set())
    order: int = 50


def register_tagged_kind(app: Flask, kind: TaggedKind) -> None:
    app.extensions.setdefault(KINDS_KEY, []).append(kind)
    app.extensions[KINDS_KEY].sort(key=lambda k: k.order)


def register_tag_labels(app: Flask, labels: Callable[[Session, str], dict[str, str]]) -> None:
    """The tag vocabulary: tag id -> label in a language (registered by the capability that loads tags.yml)."""
    app.extensions[LABELS_KEY] = labels


def tagged_kinds(app: Flask | None = None) -> list[TaggedKind]:
    return list((app or current_app).extensions.get(KINDS_KEY, []))


def tag_labels(session: Session, lang: str) -> dict[str, str]:
    labels = current_app.extensions.get(LABELS_KEY)
    return labels(session, lang) if labels else {}


def gather(session: Session, lang: str, wanted: Wanted) -> dict[str, list[TaggedItem]]:
    """Per kind (in registration order), what carries the wanted tags or keys; kinds with nothing are kept, empty."""
    return {kind.kind: kind.items(session, lang, wanted) for kind in tagged_kinds()}


def tags_in_use(content_dir: Path, app: Flask | None = None) -> set[str]:
    """Every tag some editor's file uses (articles, events, self-checks), read from the files alone."""
    found: set[str] = set()
    for kind in tagged_kinds(app):
        found |= kind.used(content_dir)
    return found
