"""Search across articles, events, self-check tools, centres and partner news, in either language.

``search(session, query, lang, kinds, page)`` is the one interface; the backend
(SQLite FTS5 or PostgreSQL full text) follows the database. The index is kept
current by a content-change listener (``flask content sync``, ``flask feeds
refresh``) and can be rebuilt with ``flask search reindex``.
"""

from __future__ import annotations

import logging

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..content import Changes, on_content_changed, register_content_source
from ..db import session_scope
from . import model, spelling  # noqa: F401  (register the index tables)
from .engine import reindex, search
from .lexicon import LexiconSource
from .providers import changed_keys, kinds_for_changes
from .views import bp

__all__ = ["init_app", "reindex", "search"]

log = logging.getLogger(__name__)
search_cli = AppGroup("search", help="Maintain the search index.")


def reindex_changed(app: Flask, changed: Changes) -> None:
    """Content listener: bring the index of the kinds whose content just changed up to date
    (only the changed articles when the sync says which)."""
    kinds = kinds_for_changes(changed)
    keys = {kind: found for kind in kinds if (found := changed_keys(kind, changed, changed.only_keys)) is not None}
    if kinds:
        with session_scope(app) as session:
            count = reindex(session, kinds, keys=keys)
        log.info("search: reindexed %s (%d documents)", ", ".join(sorted(kinds)), count)


@search_cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the whole search index from the database."""
    with session_scope(current_app._get_current_object()) as session:
        count = reindex(session, rebuild=True)
    click.echo(f"Indexed {count} documents.")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_content_source(app, LexiconSource())
    on_content_changed(app, reindex_changed)
    app.cli.add_command(search_cli)
