"""Self-check pages: the list, a tool's introduction, the questions and the result.

Privacy: answers arrive only in a POST body, are scored in memory and shown
once. The result page (and a form sent back with its answers) is never cached
(``Cache-Control: no-store`` and no page cache) and nothing about the answers
is logged or written to the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge

from ..cache import page_params, private_page
from ..db import get_session
from ..help.views import all_hotlines, crisis_hotlines
from ..i18n import current_lang
from ..signals import selfcheck_completed
from ..tagged import tag_labels
from .engine import Answers, Result, read_answers, score
from .model import SelfCheckTool
from .schema import Tool

bp = Blueprint("selfcheck", __name__, url_prefix="/<lang:lang_code>/self-check")

# A complete form is well under 2 KB; anything much larger is not a real answer sheet.
MAX_FORM_BYTES = 16 * 1024


def all_tools() -> list[Tool]:
    rows = get_session().scalars(select(SelfCheckTool).order_by(SelfCheckTool.position, SelfCheckTool.key))
    return [row.tool() for row in rows]


def get_tool(tool_id: str) -> Tool:
    row = get_session().get(SelfCheckTool, tool_id)
    if row is None:
        abort(404)
    return row.tool()


# Groups of 24-hour lines shown in a safety message; a tool adds its own (e.g. the carer line).
SAFETY_GROUPS = ("emergency", "crisis", "support")


def safety_lines(tool: Tool) -> list:
    """The calm, short list of 24-hour lines for this tool's safety messages (from content/hotlines.yml)."""
    return [h for h in crisis_hotlines() if h.group in SAFETY_GROUPS or h.key in tool.hotlines]


def alternative_for(tool: Tool) -> Tool | None:
    """The tool to point to when this one's questions are not in the page's language (e.g. PHQ-9 in Chinese)."""
    if not tool.alternative or tool.has_items_in(current_lang()):
        return None
    row = get_session().get(SelfCheckTool, tool.alternative)
    return row.tool() if row is not None else None


@bp.get("")
@page_params()
def index():
    return render_template("selfcheck/index.html", tools=all_tools())


@bp.get("/<tool_id>")
@page_params()
def intro(tool_id: str):
    tool = get_tool(tool_id)
    labels = tag_labels(get_session(), current_lang())
    return render_template("selfcheck/intro.html", tool=tool, alternative=alternative_for(tool), tag_labels=labels)


@bp.get("/<tool_id>/questions")
@page_params()
def questions(tool_id: str):
    tool = get_tool(tool_id)
    return render_template(
        "selfcheck/questions.html", tool=tool, answers=Answers(), crisis=safety_lines(tool),
        alternative=alternative_for(tool),
    )  # fmt: skip


@bp.route("/<tool_id>/result", methods=["GET", "POST"])
def result(tool_id: str):
    tool = get_tool(tool_id)
    if request.method != "POST":
        # GET (e.g. the language toggle on a result page) and HEAD: answers are never in a URL, so start again.
        return redirect(url_for(".intro", tool_id=tool.id))
    private_page()
    answers = _read_form(tool)
    if not answers.complete:
        status = 400 if answers.tampered else 422
        page = render_template(
            "selfcheck/questions.html", tool=tool, answers=answers, crisis=safety_lines(tool), status=status
        )
        return _private(page, status)
    outcome = score(tool, answers.values)
    # Only that a tool was finished: never its answers, score or band.
    selfcheck_completed.send(current_app._get_current_object(), tool=tool.id, lang=current_lang(),
                             environ=request.environ)  # fmt: skip
    page = render_template("selfcheck/result.html", tool=tool, result=outcome, **_next_steps(tool, outcome))
    return _private(page, 200)


def _read_form(tool: Tool) -> Answers:
    """The submitted answers; an oversized or unreadable body counts as tampered, never a 500."""
    if (request.content_length or 0) > MAX_FORM_BYTES:
        return Answers(tampered=True)
    request.max_content_length = MAX_FORM_BYTES
    try:
        form = request.form
    except RequestEntityTooLarge:
        return Answers(tampered=True)
    return read_answers(tool, form)


def _private(body: str, status: int) -> Response:
    response = make_response(body, status)
    response.headers["Cache-Control"] = "private, no-store, max-age=0"
    response.headers["Pragma"] = "no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@dataclass
class Segment:
    """One band drawn on the result scale (SVG coordinates in a 0..100 box)."""

    x: float
    width: float
    label: str
    shade: int
    current: bool


def scale_segments(result: Result, lang: str) -> list[Segment]:
    tool, span = result.tool, max(1, result.high - result.low)
    count = len(tool.bands)
    segments = []
    for index, band in enumerate(sorted(tool.bands, key=lambda b: b.min)):
        start = max(band.min, result.low) - result.low
        end = min(band.max + 1, result.high + 1) - result.low
        shade = (count - 1 - index) if tool.higher_is_better else index
        segments.append(
            Segment(
                x=round(100 * start / (span + 1), 2),
                width=round(100 * (end - start) / (span + 1), 2),
                label=band.label[lang],
                shade=min(shade, 4),
                current=band is result.band,
            )
        )
    return segments


def _next_steps(tool: Tool, outcome: Result) -> dict:
    lang = current_lang()
    articles = []
    tags = list(dict.fromkeys(outcome.band.related_tags + tool.related_tags))
    if tags:
        from ..articles.queries import by_tags

        articles = by_tags(get_session(), lang, tags, limit=3)
    wanted = tool.hotlines + outcome.band.hotlines
    extra = [h for h in all_hotlines() if h.key in wanted]
    marker = 100 * (outcome.score - outcome.low + 0.5) / (max(1, outcome.high - outcome.low) + 1)
    return {
        "articles": articles,
        "crisis": safety_lines(tool),
        "extra_hotlines": extra,
        "segments": scale_segments(outcome, lang),
        "marker": round(marker, 2),
        "page_title": _("Your result"),
    }
