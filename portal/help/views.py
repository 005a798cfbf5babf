from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ..cache import page_params
from ..db import get_session
from .model import Hotline

bp = Blueprint("help", __name__, url_prefix="/<lang:lang_code>")


def all_hotlines() -> list[Hotline]:
    return list(get_session().scalars(select(Hotline).order_by(Hotline.position)))


def help_bar_hotlines() -> list[Hotline]:
    query = select(Hotline).where(Hotline.in_help_bar > 0).order_by(Hotline.in_help_bar)
    return list(get_session().scalars(query))


def crisis_hotlines() -> list[Hotline]:
    """24-hour lines for crisis messages (self-checks, family violence pages)."""
    query = select(Hotline).where(Hotline.crisis == 1).order_by(Hotline.position)
    return list(get_session().scalars(query))


def hotlines_by_key(keys: list[str] | tuple[str, ...]) -> list[Hotline]:
    """Some hotlines, in the order given (e.g. the lines a crisis search shows); unknown ids are left out."""
    rows = {h.key: h for h in get_session().scalars(select(Hotline).where(Hotline.key.in_(list(keys))))}
    return [rows[key] for key in keys if key in rows]


@bp.get("/help")
@page_params()
def help_page():
    hotlines = all_hotlines()
    groups: dict[str, list[Hotline]] = {}
    for hotline in hotlines:
        groups.setdefault(hotline.group, []).append(hotline)
    return render_template("help/help.html", groups=groups)
