"""Read-side queries for articles, shared by the views, the home page and other capabilities."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session, load_only

from ..publishing import visible_now
from .model import Article, Category, Tag

LIST_COLUMNS = (
    Article.slug, Article.lang, Article.title, Article.summary, Article.category,
    Article.published, Article.reviewed, Article.reading_minutes, Article.tags_json,
    Article.featured, Article.image, Article.image_alt,
)  # fmt: skip


def shown(lang: str | None = None):
    """Articles readers may see now (in ``lang``): scheduled ones wait for their moment (portal/publishing.py).

    Every query here starts from it, so a scheduled article is absent from every list, page and feed.
    """
    condition = visible_now("articles", Article.slug, Article.lang)
    return condition if lang is None else (Article.lang == lang) & condition


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def categories(session: Session, lang: str) -> list[Category]:
    return list(session.scalars(select(Category).where(Category.lang == lang).order_by(Category.position)))


def category(session: Session, key: str, lang: str) -> Category | None:
    return session.scalar(select(Category).where(Category.key == key, Category.lang == lang))


def tag_labels(session: Session, lang: str) -> dict[str, str]:
    return dict(session.execute(select(Tag.key, Tag.label).where(Tag.lang == lang)).all())


def category_counts(session: Session, lang: str) -> dict[str, int]:
    rows = session.execute(select(Article.category, func.count()).where(shown(lang)).group_by(Article.category))
    return dict(rows.all())


def latest(session: Session, lang: str, limit: int = 6, category_key: str | None = None) -> list[Article]:
    query = select(Article).options(load_only(*LIST_COLUMNS)).where(shown(lang))
    if category_key:
        query = query.where(Article.category == category_key)
    return list(session.scalars(query.order_by(Article.published.desc(), Article.slug).limit(limit)))


def featured(session: Session, lang: str, limit: int = 3) -> list[Article]:
    query = (
        select(Article).options(load_only(*LIST_COLUMNS))
        .where(shown(lang))
        .order_by(Article.featured.desc(), Article.reviewed.desc(), Article.slug)
        .limit(limit)
    )  # fmt: skip
    return list(session.scalars(query))


def paginate(session: Session, lang: str, page: int, per_page: int, category_key: str | None = None) -> Page:
    condition = [shown(lang)]
    if category_key:
        condition.append(Article.category == category_key)
    total = session.scalar(select(func.count()).select_from(Article).where(*condition)) or 0
    query = (
        select(Article).options(load_only(*LIST_COLUMNS)).where(*condition)
        .order_by(Article.published.desc(), Article.slug)
        .offset((page - 1) * per_page).limit(per_page)
    )  # fmt: skip
    return Page(list(session.scalars(query)), page, per_page, total)


def by_slug(session: Session, slug: str) -> dict[str, Article]:
    """Every language version of one article readers may see now, keyed by language."""
    return {row.lang: row for row in session.scalars(select(Article).where(Article.slug == slug, shown()))}


def related(session: Session, article: Article, limit: int = 3) -> list[Article]:
    """Articles sharing the category and tags: two points for the category, one per shared tag.

    The database scores and sorts; only the chosen few come back (building an object for
    every candidate was most of an article page's time with thousands of articles).
    """
    in_category = Article.category == article.category
    has_tag = [Article.tags_json.contains(json.dumps(tag, ensure_ascii=False)) for tag in set(article.tags)]
    score = sum((case((shares, points), else_=0) for shares, points in [(in_category, 2), *((t, 1) for t in has_tag)]),
                literal(0))  # fmt: skip
    # Ids first: every column this needs is in ix_article_related, so the scan never reads the (large) rows.
    chosen = list(session.scalars(
        select(Article.id)
        .where(shown(article.lang), Article.slug != article.slug, or_(in_category, *has_tag))
        .order_by(score.desc(), Article.published.desc(), Article.slug).limit(limit)
    ))  # fmt: skip
    rows = {a.id: a for a in session.scalars(select(Article).options(load_only(*LIST_COLUMNS)).where(
        Article.id.in_(chosen)))} if chosen else {}  # fmt: skip
    return [rows[row_id] for row_id in chosen if row_id in rows]


def by_tags(session: Session, lang: str, tags: list[str], limit: int = 3) -> list[Article]:
    """Articles with any of these tags, most shared tags first (used by other capabilities)."""
    wanted = set(tags)
    rows = session.scalars(select(Article).options(load_only(*LIST_COLUMNS)).where(shown(lang)))
    scored = [(-len(wanted & set(a.tags)), a.slug, a) for a in rows if wanted & set(a.tags)]
    return [item[-1] for item in sorted(scored, key=lambda s: s[:2])[:limit]]
