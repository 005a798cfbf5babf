"""``flask feedback list`` and ``flask feedback export --csv``: what visitors said, for editors.

Both take ``--since DATE`` (a Hong Kong date, YYYY-MM-DD) and ``--page PATH``
(``/en/articles/family-meals``; without the language, ``/articles/family-meals``
means both languages' pages). Comments come out as stored: with personal details
already taken out. Cells that a spreadsheet would read as a formula are quoted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from ..db import session_scope
from ..i18n import LANGUAGES, guess_lang_from_path
from .model import CORRECTION, Feedback

feedback_cli = AppGroup("feedback", help="Read what visitors said about pages (and centre corrections).")


@dataclass(frozen=True)
class PageCounts:
    page: str
    yes: int
    no: int
    comments: int
    corrections: int


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["SITE_TIMEZONE"])


def _filtered(query: Select, since: date | None, page: str | None) -> Select:
    if since is not None:
        query = query.where(Feedback.received >= datetime.combine(since, time(0), tzinfo=_zone()))
    if page:
        path = urlsplit(page).path or page  # a whole address pasted from the browser works too
        if guess_lang_from_path(path):
            query = query.where(Feedback.page == path)
        else:
            query = query.where(or_(*(Feedback.page == f"/{code}{path}" for code in LANGUAGES)))
    return query


def page_counts(session: Session, since: date | None = None, page: str | None = None) -> list[PageCounts]:
    """Yes, no, comments and corrections per page, busiest first."""

    def total(condition) -> object:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    query = select(
        Feedback.page,
        total(Feedback.useful.is_(True)),
        total(Feedback.useful.is_(False)),
        total((Feedback.comment != "") & (Feedback.category != CORRECTION)),
        total(Feedback.category == CORRECTION),
    ).group_by(Feedback.page)
    rows = session.execute(_filtered(query, since, page)).all()
    counts = [PageCounts(path, int(y), int(n), int(c), int(k)) for path, y, n, c, k in rows]
    return sorted(counts, key=lambda c: (-(c.yes + c.no + c.corrections), c.page))


def entries(session: Session, since: date | None = None, page: str | None = None) -> list[Feedback]:
    query = select(Feedback).order_by(Feedback.received, Feedback.id)
    return list(session.scalars(_filtered(query, since, page)))


def _answer(item: Feedback) -> str:
    if item.category == CORRECTION:
        return "correction"
    return {True: "yes", False: "no"}.get(item.useful, "")


def _local(item: Feedback) -> str:
    return item.received.astimezone(_zone()).strftime("%Y-%m-%d %H:00")


def _since_option(function):
    return click.option(
        "--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
        help="Only what arrived on or after this Hong Kong date (YYYY-MM-DD).",
    )(function)  # fmt: skip


def _page_option(function):
    return click.option(
        "--page", "page", default=None, metavar="PATH",
        help="Only this page, e.g. /en/articles/family-meals (or /articles/family-meals for both languages).",
    )(function)  # fmt: skip


@feedback_cli.command("list")
@_since_option
@_page_option
def list_command(since: datetime | None, page: str | None) -> None:
    """Yes/no counts per page, then every comment and correction."""
    day = since.date() if since else None
    with session_scope() as session:
        counts = page_counts(session, day, page)
        items = [item for item in entries(session, day, page) if item.comment]
    if not counts:
        click.echo("No feedback" + (f" since {day}" if day else "") + (f" for {page}" if page else "") + ".")
        return
    width = max(len("page"), *(len(c.page) for c in counts))
    click.echo(f"{'page':<{width}}  {'yes':>5}  {'no':>5}  {'comments':>8}  {'corrections':>11}")
    for c in counts:
        click.echo(f"{c.page:<{width}}  {c.yes:>5}  {c.no:>5}  {c.comments:>8}  {c.corrections:>11}")
    yes, no = sum(c.yes for c in counts), sum(c.no for c in counts)
    click.echo(f"{len(counts)} page(s): {yes} yes, {no} no, {len(items)} comment(s) and correction(s).")
    if items:
        click.echo("")
    for item in items:
        centre = f" (centre {item.centre_key})" if item.centre_key else ""
        click.echo(f"{_local(item)}  {item.page}  {_answer(item)}{centre}")
        for line in item.comment.splitlines() or [""]:
            click.echo(f"    {line}")


# A cell starting with one of these is a formula to a spreadsheet ("=HYPERLINK(...)"): quote it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(out: IO[str], session: Session, since: date | None, page: str | None, counts: bool) -> int:
    """Write the entries (or the per-page counts) as CSV; returns the number of rows."""
    writer = csv.writer(out, lineterminator="\r\n")
    if counts:
        rows = page_counts(session, since, page)
        writer.writerow(["page", "yes", "no", "comments", "corrections"])
        for c in rows:
            writer.writerow([_cell(c.page), c.yes, c.no, c.comments, c.corrections])
        return len(rows)
    items = entries(session, since, page)
    writer.writerow(["id", "received_hk", "page", "lang", "category", "answer", "centre", "comment"])
    for item in items:
        writer.writerow(
            [item.id, _local(item), _cell(item.page), item.lang, item.category, _answer(item),
             _cell(item.centre_key or ""), _cell(item.comment)]
        )  # fmt: skip
    return len(items)


@feedback_cli.command("export")
@click.option("--csv", "as_csv", is_flag=True, default=True, help="CSV (the only format, and the default).")
@click.option(
    "--counts", is_flag=True, help="One row per page (yes, no, comments, corrections) instead of one per message."
)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path), default=None,
    help="Write to this file (UTF-8 with a byte-order mark, so Excel shows Chinese) instead of standard output.",
)  # fmt: skip
@_since_option
@_page_option
def export_command(as_csv: bool, counts: bool, output: Path | None, since: datetime | None, page: str | None) -> None:
    """Every message (or the counts per page) as CSV."""
    day = since.date() if since else None
    with session_scope() as session:
        if output is None:
            buffer = io.StringIO()
            write_csv(buffer, session, day, page, counts)
            click.echo(buffer.getvalue(), nl=False)
            return
        with output.open("w", encoding="utf-8-sig", newline="") as handle:
            rows = write_csv(handle, session, day, page, counts)
    click.echo(f"Wrote {rows} row(s) to {output}.", err=True)
