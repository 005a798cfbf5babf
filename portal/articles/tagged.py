"""Articles in the core's tagged-things contract (portal/tagged.py): topic and stage pages list them."""

from __future__ import annotations

from pathlib import Path

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from ..content import ContentError, read_text, split_front_matter
from ..tagged import TaggedItem, TaggedKind, Wanted
from .loader import discover
from .model import Article
from .queries import LIST_COLUMNS, shown


def tagged_articles(session: Session, lang: str, wanted: Wanted) -> list[TaggedItem]:
    """Articles in ``lang`` readers may see now with a wanted tag (or slug), newest first."""
    query = select(Article).options(load_only(*LIST_COLUMNS)).where(shown(lang))
    rows = session.scalars(query.order_by(Article.published.desc(), Article.slug))
    found = [a for a in rows if wanted.matches("articles", a.slug, a.tags)][: wanted.limit]
    return [TaggedItem(a.slug, a.title, url_for("articles.article", slug=a.slug), a.lang, a.summary, tuple(a.tags))
            for a in found]  # fmt: skip


def tags_used(content_dir: Path) -> set[str]:
    """The tags the article files name (a file that cannot be read is reported by the articles' own check)."""
    found: set[str] = set()
    for item in discover(content_dir)[0]:
        try:
            meta = split_front_matter(read_text(item.path, item.shown_as), item.shown_as)[0]
        except ContentError:
            continue
        tags = meta.get("tags")
        if isinstance(tags, list):
            found.update(str(tag) for tag in tags)
    return found


TAGGED_ARTICLES = TaggedKind("articles", tagged_articles, tags_used, order=10)
