"""``/<lang>/insights``: the public page, with the same figures as ``insights.csv`` and ``insights.json``.

Charts are SVG drawn here on the server (role="img" with a title and a description; classes, never
inline styles), each followed by a table of its figures, so the page needs no JavaScript.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import Blueprint, Response, current_app, jsonify, render_template, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from ..cache import page_params
from ..db import get_session
from ..i18n import current_lang
from ..templating import absolute_url
from . import report
from .report import Figure, Window

bp = Blueprint("insights", __name__, url_prefix="/<lang:lang_code>")

LICENCE_NAME = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
BAR_CHART_WIDTH = 320  # SVG units; the chart scales with the page, the text with it
BAR_ROW = 34
BAR_LEFT = 4
BAR_SPACE = 250  # room for the longest bar; its value is written after it


@dataclass
class Section:
    id: str
    title: str
    intro: str
    figures: list[Figure]
    label_heading: str
    weekly: bool = False
    bars: list[dict] = field(default_factory=list)
    height: int = 0


def fewer_than(threshold: int) -> str:
    return _("fewer than %(number)s", number=format_decimal(threshold))


def shown_value(figure: Figure) -> str:
    return format_decimal(figure.count) if figure.shown else fewer_than(figure.threshold)


def _short(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def bar_rows(figures: list[Figure]) -> tuple[list[dict], int]:
    """Horizontal bars: a label above each, the bar, its value after it; hidden figures get no bar."""
    top = max((f.count for f in figures if f.shown), default=0)
    bars = []
    for i, figure in enumerate(figures):
        width = round(BAR_SPACE * figure.count / top, 1) if figure.shown and top else 0
        y = i * BAR_ROW
        bars.append({
            "label": _short(figure.label), "label_y": y + 12, "bar_y": y + 17, "width": max(width, 1) if width else 0,
            "value": shown_value(figure), "value_x": BAR_LEFT + width + 4, "value_y": y + 28, "x": BAR_LEFT,
        })  # fmt: skip
    return bars, max(BAR_ROW, len(figures) * BAR_ROW)


def week_label(figure: Figure, lang: str) -> str:
    from datetime import date

    return format_date(date.fromisoformat(figure.key), "d MMM" if lang == "en" else "M月d日")


def sections(lang: str) -> tuple[Window, list[Section]]:
    session, config = get_session(), current_app.config
    threshold, window = config["INSIGHTS_THRESHOLD"], Window.weeks(config["INSIGHTS_WEEKS"])
    found = [
        Section("topics", _("Most-read topics"), _("Views of articles, added up by their topic."),
                report.most_read_topics(session, lang, window, threshold), _("Topic")),
        Section("articles", _("Most-read articles"), _("The articles read most often, in either language."),
                report.most_read_articles(session, lang, window, threshold), _("Article")),
        Section("weeks", _("Pages read each week"),
                _("All page views on this site, week by week (weeks start on Monday)."),
                report.weekly_views(session, window, threshold), _("Week starting"), weekly=True),
        Section("selfchecks", _("Self-checks completed"),
                _("How many times each self-check was finished and its result shown. "
                  "Answers and results are never kept."),
                report.selfchecks(session, lang, window, threshold), _("Self-check")),
        Section("districts", _("Interest in events by district"),
                _("Event calendars downloaded or subscribed to, by the district chosen or the event's district."),
                report.districts(session, lang, window, threshold, _("No district chosen")), _("District")),
        Section("searches", _("Most-searched words"),
                _("Searches made at least %(number)s times. Words that look like a phone number, "
                  "an e-mail address or an HKID number are never shown.", number=format_decimal(threshold)),
                report.searches(session, window, threshold), _("Search")),
    ]  # fmt: skip
    for section in found:
        if section.weekly:
            section.figures = [Figure(f.key, week_label(f, lang), f.count, f.threshold, f.url) for f in section.figures]
        section.bars, section.height = bar_rows(section.figures)
    return window, found


def sitemap_paths() -> list[str]:
    return ["/insights"]


@bp.get("/insights")
@page_params()
def page():
    window, found = sections(current_lang())
    return render_template(
        "insights/page.html", window=window, sections=found, shown_value=shown_value,
        threshold=current_app.config["INSIGHTS_THRESHOLD"], licence_name=LICENCE_NAME, licence_url=LICENCE_URL,
    )  # fmt: skip


def _rows(lang: str) -> tuple[Window, list[dict]]:
    window, found = sections(lang)
    rows = [
        {"section": s.id, "key": f.key, "label": f.label, "count": f.value,
         "fewer_than": None if f.shown else f.threshold}
        for s in found for f in s.figures
    ]  # fmt: skip
    return window, rows


def _licence_headers(response: Response) -> Response:
    response.headers["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response


@bp.get("/insights.json")
@page_params()
def as_json():
    lang = current_lang()
    window, rows = _rows(lang)
    return _licence_headers(jsonify({
        "title": _("Insights: what families look for on this site"),
        "from": window.first.isoformat(), "to": window.last.isoformat(),
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "note": _("Figures below %(number)s are given as null with fewer_than set.", number=threshold_text()),
        "page": absolute_url(url_for(".page")),
        "figures": rows,
    }))  # fmt: skip


def threshold_text() -> str:
    return format_decimal(current_app.config["INSIGHTS_THRESHOLD"])


def _cell(text: str) -> str:
    """A spreadsheet never reads a cell as a formula (a search term could start with = or +)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.get("/insights.csv")
@page_params()
def as_csv():
    window, rows = _rows(current_lang())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "label", "count", "fewer_than", "from", "to", "licence"])
    for row in rows:
        writer.writerow([
            row["section"], _cell(row["key"]), _cell(row["label"]), "" if row["count"] is None else row["count"],
            row["fewer_than"] or "", window.first.isoformat(), window.last.isoformat(), LICENCE_URL,
        ])  # fmt: skip
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"inline; filename=insights-{current_lang()}.csv"
    return _licence_headers(response)
