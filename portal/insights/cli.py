"""``flask insights flush|rollup|report|ingest-log``: for the timer, for editors, for operators."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..cli import editor_lang, lang_option, say
from ..db import session_scope
from ..i18n import CHINESE, N_, translate
from . import report
from .report import Window

insights_cli = AppGroup("insights", help="Counts of what families read, search for and finish (no visitor data).")
TOP = 10


def _app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined]


@insights_cli.command("flush")
@lang_option
def flush_command(lang: str | None) -> None:
    """Write counts out (this process's, and Redis's) to the database, then roll up old days."""
    from .store import flush_all, rollup

    lang = editor_lang(lang)
    app = _app()
    say(lang, N_("Counts written: %(keys)s keys."), keys=flush_all(app))
    say(lang, N_("Days rolled up into weeks: %(rows)s rows."), rows=rollup(app))


@insights_cli.command("rollup")
@lang_option
def rollup_command(lang: str | None) -> None:
    """Add daily rows older than PORTAL_INSIGHTS_RETENTION_DAYS up into weekly ones."""
    from .store import rollup

    say(editor_lang(lang), N_("Days rolled up into weeks: %(rows)s rows."), rows=rollup(_app()))


@insights_cli.command("ingest-log")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
@lang_option
def ingest_command(file: Path | None, lang: str | None) -> None:
    """Count the pages nginx answered from its cache (FILE, else PORTAL_INSIGHTS_LOG), from where it stopped."""
    from .logs import ingest

    lang = editor_lang(lang)
    file = file or (Path(current_app.config["INSIGHTS_LOG"]) if current_app.config["INSIGHTS_LOG"] else None)
    if file is None or not file.is_file():
        say(lang, N_("No log to read: give a FILE or set PORTAL_INSIGHTS_LOG."), err=True)
        raise SystemExit(2)
    result = ingest(_app(), file)
    say(lang, N_("%(lines)s new lines read, %(counted)s counted (answered from nginx's cache)."),
        lines=result.lines, counted=result.counted)  # fmt: skip


def _count(figure: report.Figure, lang: str) -> str:
    if figure.shown:
        return str(figure.count)
    return translate(lang, N_("fewer than %(number)s")) % {"number": figure.threshold}


def _not_useful(session, window: Window, threshold: int) -> list[report.Figure]:
    """Pages with the most "No" to "Was this page useful?" in the window (from the feedback table)."""
    from datetime import UTC, datetime, time

    from ..feedback.model import USEFUL, Feedback

    since = datetime.combine(window.first, time(), tzinfo=UTC) - timedelta(hours=8)
    query = (
        select(Feedback.page, func.count())
        .where(Feedback.category == USEFUL, Feedback.useful.is_(False), Feedback.received >= since)
        .group_by(Feedback.page)
    )
    return report.ranked([report.Figure(page, page, n, threshold) for page, n in session.execute(query)], TOP)


def _unread_articles(session, window: Window) -> list[str]:
    from ..articles.model import Article

    views = report.article_views(session, window)
    pairs = session.execute(select(Article.slug, Article.lang).order_by(Article.slug, Article.lang))
    return [f"/{lang}/articles/{slug}" for slug, lang in pairs if not views.get(slug, {}).get(lang)]


def _behind(session, window: Window, threshold: int) -> list[report.Figure]:
    """Articles whose Chinese is behind the English, by how often their Chinese pages are read (the Traditional
    and the Simplified edition: both show the same late translation)."""
    from ..articles.status import article_statuses

    views = report.article_views(session, window)
    rows = article_statuses(Path(current_app.config["CONTENT_DIR"]))
    figures = [
        report.Figure(row.slug, row.slug, sum(views.get(row.slug, {}).get(lang, 0) for lang in CHINESE), threshold)
        for row in rows
        if row.translation_behind
    ]
    return report.ranked(figures, TOP)


@insights_cli.command("report")
@click.option("--weeks", type=click.IntRange(1, 520), default=4, show_default=True, help="how many weeks back")
@lang_option
def report_command(weeks: int, lang: str | None) -> None:
    """For editors: searches that found nothing, pages found not useful, articles unread, translations behind."""
    lang = editor_lang(lang)
    threshold, window = current_app.config["INSIGHTS_THRESHOLD"], Window.weeks(weeks)
    say(lang, N_("Insights from %(first)s to %(last)s (figures below %(number)s are not shown)."),
        first=window.first.isoformat(), last=window.last.isoformat(), number=threshold)  # fmt: skip
    with session_scope() as session:
        _section(
            lang,
            N_("Searches that found nothing"),
            [(f.label, _count(f, lang)) for f in report.searches(session, window, threshold, none=True)],
        )
        _section(
            lang,
            N_("Pages with the most “not useful” answers"),
            [(f.label, _count(f, lang)) for f in _not_useful(session, window, threshold)],
        )
        _section(lang, N_("Articles with no views"), [(path, "") for path in _unread_articles(session, window)])
        _section(lang, N_("Most-read articles whose Chinese is behind the English (views of the Chinese page)"),
                 [(f.label, _count(f, lang)) for f in _behind(session, window, threshold)])  # fmt: skip


def _section(lang: str, heading: str, lines: list[tuple[str, str]]) -> None:
    click.echo("")
    say(lang, heading)
    if not lines:
        say(lang, N_("  (none)"))
    for label, value in lines:
        click.echo(f"  {label}  {value}".rstrip())
