"""The preview banner: the problems of the file(s) the open page is made from, in the page's language,
and when a scheduled page will be public."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app, g, request
from sqlalchemy import select

from ..content import Problem, relative
from ..db import get_session
from ..publishing import ALL_LANGUAGES, HONG_KONG, Publication, clock_now


@dataclass
class Banner:
    files: list[str] = field(default_factory=list)  # the page's files, as paths in the working copy
    problems: list[Problem] = field(default_factory=list)  # theirs
    other_errors: int = 0  # files elsewhere with errors
    scheduled_at: datetime | None = None  # Hong Kong time, when the page is still to be published


def _folder(*parts: str) -> str:
    content_dir = Path(current_app.config["CONTENT_DIR"])
    return relative(content_dir.joinpath(*parts), content_dir)


def page_files(endpoint: str | None, args: dict) -> tuple[list[str], tuple[str, str, str] | None]:
    """The working-copy paths (files or folders) a page is made from, and its publication key, if any."""
    if endpoint == "articles.article" and "slug" in args:
        return [_folder("articles", args["slug"])], ("articles", args["slug"], str(args.get("lang_code", "")))
    if endpoint in ("events.event", "events.event_ics") and "event_id" in args:
        from ..events.model import Event

        uid = get_session().scalar(select(Event.uid).where(Event.id == args["event_id"]))
        key = ("events", str(args["event_id"]), ALL_LANGUAGES)
        return ([_folder("events", uid[3:])] if uid and uid.startswith("md:") else []), key
    if endpoint == "partners.profile" and "partner_id" in args:
        return [_folder("partners", f"{args['partner_id']}.yml")], None
    if endpoint == "sitepages.page" and "slug" in args:
        return [_folder("site", args["slug"])], None
    if endpoint and endpoint.startswith("selfcheck.") and "tool_id" in args:
        return [_folder("selfcheck", f"{args['tool_id']}.yml")], None
    if endpoint == "help.help_page":
        return [_folder("hotlines.yml")], None
    if endpoint and endpoint.startswith("stages."):
        return [_folder("stages.yml")], None
    if endpoint and endpoint.startswith("topics."):
        return [_folder("tags.yml")], None
    return [], None


def _belongs(problem: Problem, files: list[str]) -> bool:
    return any(problem.path == f or problem.path.startswith(f.rstrip("/") + "/") for f in files)


def banner_for_request(problems: list[Problem]) -> Banner:
    args = {**(request.view_args or {}), "lang_code": g.get("lang_code") or ""}
    files, key = page_files(request.endpoint, args)
    mine = [p for p in problems if _belongs(p, files)]
    others = {p.path for p in problems if p.severity == "error" and not _belongs(p, files)}
    banner = Banner(files, mine, len(others))
    if key is not None:
        kind, item, lang = key
        query = select(Publication.at).where(
            Publication.kind == kind,
            Publication.key == item,
            Publication.lang.in_({ALL_LANGUAGES, lang}),
            Publication.at > clock_now(),
        )
        at = get_session().scalar(query.limit(1))
        banner.scheduled_at = at.astimezone(HONG_KONG) if at else None
    return banner
