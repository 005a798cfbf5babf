"""The figures, from the stored counts: what the public page, its CSV and JSON, and the editors' report show.

Small counts are never shown: a :class:`Figure` below ``INSIGHTS_THRESHOLD`` keeps its count only to
be sorted apart and is shown as "fewer than N" (the same for 0 and N - 1). Hidden figures are listed
after the shown ones in the order of their labels, so not even their order gives them away. Search
terms appear only at or above the threshold and never when they look personal (``rules.shown_search``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..articles.model import Article, Category
from ..districts import all_districts
from ..events.model import Event
from ..selfcheck.model import SelfCheckTool
from .counter import day_of, today_number
from .model import CALENDAR, PAGE, SEARCH, SEARCH_NONE, SELFCHECK, InsightCount
from .rules import shown_search

ARTICLE_PATH = re.compile(r"/(en|zh-hk|zh-cn)/articles/([a-z0-9][a-z0-9-]*)")
NO_DISTRICT = ""


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    count: int
    threshold: int
    url: str = ""

    @property
    def shown(self) -> bool:
        return self.count >= self.threshold

    @property
    def value(self) -> int | None:
        """The count when it may be shown, else None."""
        return self.count if self.shown else None


@dataclass(frozen=True)
class Window:
    first: date
    last: date

    @classmethod
    def weeks(cls, weeks: int, today: date | None = None) -> Window:
        last = today or day_of(today_number())
        return cls(last - timedelta(days=7 * weeks - 1), last)


def ranked(figures: list[Figure], limit: int | None = None) -> list[Figure]:
    """Shown figures by count (then key), then hidden ones by key alone: an order that tells nothing of their
    counts and is the same in every language (a label sorts differently in each script)."""
    shown = sorted((f for f in figures if f.shown), key=lambda f: (-f.count, f.key))
    hidden = sorted((f for f in figures if not f.shown), key=lambda f: f.key)
    return (shown + hidden)[:limit] if limit else shown + hidden


def totals(session: Session, kind: str, window: Window) -> dict[str, int]:
    """Key -> count of one kind within the window (daily rows, and weekly ones that start in it)."""
    query = (
        select(InsightCount.key, func.sum(InsightCount.count))
        .where(InsightCount.kind == kind, InsightCount.start >= window.first, InsightCount.start <= window.last)
        .group_by(InsightCount.key)
    )
    return {key: int(total) for key, total in session.execute(query)}


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_totals(session: Session, kind: str, window: Window) -> dict[date, int]:
    """Monday -> count of one kind, for every week of the window (0 where nothing was counted)."""
    query = (
        select(InsightCount.start, func.sum(InsightCount.count))
        .where(InsightCount.kind == kind, InsightCount.start >= monday(window.first), InsightCount.start <= window.last)
        .group_by(InsightCount.start)
    )
    weeks: dict[date, int] = {}
    week = monday(window.first)
    while week <= window.last:
        weeks[week] = 0
        week += timedelta(days=7)
    for start, total in session.execute(query):
        weeks[monday(start)] = weeks.get(monday(start), 0) + int(total)
    return weeks


def article_views(session: Session, window: Window) -> dict[str, dict[str, int]]:
    """Slug -> language -> views of the article's page."""
    views: dict[str, dict[str, int]] = defaultdict(dict)
    for path, count in totals(session, PAGE, window).items():
        found = ARTICLE_PATH.fullmatch(path)
        if found:
            lang, slug = found.groups()
            views[slug][lang] = views[slug].get(lang, 0) + count
    return views


def _article_titles(session: Session, lang: str) -> dict[str, tuple[str, str]]:
    """Slug -> (title, category) in ``lang``, else in the other language."""
    found: dict[str, tuple[str, str]] = {}
    for slug, article_lang, title, category in session.execute(
        select(Article.slug, Article.lang, Article.title, Article.category)
    ):
        if slug not in found or article_lang == lang:
            found[slug] = (title, category)
    return found


def most_read_articles(session: Session, lang: str, window: Window, threshold: int, limit: int = 10) -> list[Figure]:
    titles = _article_titles(session, lang)
    views = article_views(session, window)
    figures = [
        Figure(slug, titles[slug][0], sum(views.get(slug, {}).values()), threshold, f"/{lang}/articles/{slug}")
        for slug in titles
        if views.get(slug)
    ]
    return [f for f in ranked(figures, limit) if f.shown]


def most_read_topics(session: Session, lang: str, window: Window, threshold: int) -> list[Figure]:
    """Article views added up by the articles' category, every category listed."""
    titles, views = _article_titles(session, lang), article_views(session, window)
    per_category: dict[str, int] = defaultdict(int)
    for slug, (_title, category) in titles.items():
        per_category[category] += sum(views.get(slug, {}).values())
    query = select(Category.key, Category.name).where(Category.lang == lang).order_by(Category.position)
    names = {key: name for key, name in session.execute(query)}
    return ranked(
        [Figure(key, name, per_category.get(key, 0), threshold, f"/{lang}/articles/category/{key}")
         for key, name in names.items()]
    )  # fmt: skip


def selfchecks(session: Session, lang: str, window: Window, threshold: int) -> list[Figure]:
    counts = totals(session, SELFCHECK, window)
    figures = []
    for row in session.scalars(select(SelfCheckTool).order_by(SelfCheckTool.position, SelfCheckTool.key)):
        tool = row.tool()
        title = tool.title.get(lang) or tool.title.get("en") or row.key
        figures.append(Figure(row.key, title, counts.get(row.key, 0), threshold, f"/{lang}/self-check/{row.key}"))
    return ranked(figures)


def calendar_by_district(session: Session, window: Window) -> dict[str, int]:
    """District key -> .ics downloads and subscriptions (a list's filter, or one event's district)."""
    per_district: dict[str, int] = defaultdict(int)
    events: dict[int, int] = {}
    for key, count in totals(session, CALENDAR, window).items():
        what, _, rest = key.partition(":")
        if what == "feed":
            per_district[rest.partition(":")[0]] += count
        elif what == "event" and rest.isdigit():
            events[int(rest)] = events.get(int(rest), 0) + count
    if events:
        for event_id, district in session.execute(select(Event.id, Event.district).where(Event.id.in_(events))):
            per_district[district or NO_DISTRICT] += events[event_id]
    return per_district


def districts(session: Session, lang: str, window: Window, threshold: int, everywhere: str) -> list[Figure]:
    """Every district, and the lists taken without choosing one (labelled ``everywhere``)."""
    counts = calendar_by_district(session, window)
    figures = [Figure(d.key, d.name(lang), counts.get(d.key, 0), threshold) for d in all_districts(session)]
    figures.append(Figure(NO_DISTRICT, everywhere, counts.get(NO_DISTRICT, 0), threshold))
    return ranked(figures)


def searches(session: Session, window: Window, threshold: int, none: bool = False, limit: int = 10) -> list[Figure]:
    """The searches made at least ``threshold`` times that may be shown; ``none``: those that found nothing."""
    counts = totals(session, SEARCH_NONE if none else SEARCH, window)
    figures = [Figure(term, term, n, threshold) for term, n in counts.items() if n >= threshold and shown_search(term)]
    return ranked(figures, limit)


def weekly_views(session: Session, window: Window, threshold: int) -> list[Figure]:
    return [
        Figure(week.isoformat(), week.isoformat(), n, threshold)
        for week, n in weekly_totals(session, PAGE, window).items()
    ]


def weekly_searches(session: Session, window: Window, threshold: int) -> list[Figure]:
    return [
        Figure(week.isoformat(), week.isoformat(), n, threshold)
        for week, n in weekly_totals(session, SEARCH, window).items()
    ]
