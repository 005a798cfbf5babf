"""``flask content status``: where each article stands for the editorial team, read from the files
(the working copy), not the database: which languages exist, whether the Chinese is behind the English
(by ``reviewed``), when review is due, and totals. ``--format csv`` for a spreadsheet."""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import click
from flask import current_app

from ..cli import content_cli, editor_lang, lang_option, say
from ..content import ContentError, as_date, read_text, split_front_matter
from ..i18n import N_, WRITTEN_LANGUAGES, translate
from .loader import discover, today_hk


@dataclass
class ArticleStatus:
    slug: str
    languages: dict[str, bool]
    reviewed: dict[str, date | None]
    review_due: date | None
    unreadable: list[str]  # languages whose file cannot be read (see `flask content check`)

    @property
    def translation_behind(self) -> bool:
        en, zh = self.reviewed.get("en"), self.reviewed.get("zh-hk")
        return bool(en and zh and zh < en)

    def overdue(self, today: date) -> bool:
        return self.review_due is not None and self.review_due < today


def article_statuses(content_dir: Path) -> list[ArticleStatus]:
    """One row per article folder, in folder order."""
    rows: dict[str, ArticleStatus] = {}
    for item in discover(content_dir)[0]:
        row = rows.setdefault(
            item.slug,
            ArticleStatus(
                item.slug, dict.fromkeys(WRITTEN_LANGUAGES, False), dict.fromkeys(WRITTEN_LANGUAGES), None, []
            ),
        )
        row.languages[item.lang] = True
        try:
            meta = split_front_matter(read_text(item.path, item.shown_as), item.shown_as)[0]
        except ContentError:
            row.unreadable.append(item.lang)
            continue
        row.reviewed[item.lang] = as_date(meta.get("reviewed"))
        due = as_date(meta.get("review_due"))
        if due and (row.review_due is None or due < row.review_due):
            row.review_due = due
    return list(rows.values())


COLUMNS = ("article", "en", "zh-hk", "translation_behind", "review_due", "review_overdue", "unreadable")


@content_cli.command("status")
@click.option("--format", "output", type=click.Choice(["text", "csv"]), default="text", help="csv: for a spreadsheet")
@lang_option
def status_command(output: str, lang: str | None) -> None:
    """Per article: the languages it has, whether the translation is behind, when review is due; totals."""
    lang = editor_lang(lang)
    rows = article_statuses(Path(current_app.config["CONTENT_DIR"]))
    today = today_hk()
    if output == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([
                row.slug, _yes(row.languages["en"]), _yes(row.languages["zh-hk"]), _yes(row.translation_behind),
                row.review_due.isoformat() if row.review_due else "", _yes(row.overdue(today)),
                " ".join(row.unreadable),
            ])  # fmt: skip
        return
    yes, no = translate(lang, N_("yes")), translate(lang, N_("no"))
    for row in rows:
        notes = []
        if row.translation_behind:
            notes.append(translate(lang, N_("translation behind")))
        if row.overdue(today):
            notes.append(translate(lang, N_("review overdue")))
        if row.unreadable:
            notes.append(translate(lang, N_("cannot be read: run flask content check")))
        say(lang, N_("%(article)s  en: %(en)s  zh-hk: %(zh)s  review due: %(due)s  %(notes)s"), article=row.slug,
            en=yes if row.languages["en"] else no, zh=yes if row.languages["zh-hk"] else no,
            due=row.review_due.isoformat() if row.review_due else "-", notes="; ".join(notes))  # fmt: skip
    say(lang, N_("%(total)s articles: %(both)s in both languages, %(english_only)s English only, %(chinese_only)s "
                 "Chinese only, %(behind)s translations behind, %(overdue)s reviews overdue"),
        total=len(rows), both=sum(all(r.languages.values()) for r in rows),
        english_only=sum(r.languages["en"] and not r.languages["zh-hk"] for r in rows),
        chinese_only=sum(r.languages["zh-hk"] and not r.languages["en"] for r in rows),
        behind=sum(r.translation_behind for r in rows), overdue=sum(r.overdue(today) for r in rows))  # fmt: skip


def _yes(value: bool) -> str:
    return "yes" if value else "no"
