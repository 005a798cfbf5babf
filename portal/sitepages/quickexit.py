"""Quick exit ("Exit this page"): which pages show it, and the tags editors flag for it.

The button is on the Get-help page, on every self-check page, on Browsing safely,
and on every article or event with a tag that has ``quick_exit: true`` in
content/tags.yml (family violence, crisis…). Editors choose the tags; this
source checks the flags and keeps the flagged tags in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from flask import g
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..content import ContentError, Problem, Progress, SyncReport, field_line, load_yaml_file, read_text, relative
from ..db import get_session
from ..i18n import N_
from .model import QuickExitTag

FLAG = "quick_exit"


def _path(content_dir: Path) -> Path:
    return content_dir / "tags.yml"


def parse_flags(content_dir: Path) -> tuple[set[str] | None, list[Problem]]:
    """The tags flagged ``quick_exit: true``, or None when the file has errors (then the last good set stays)."""
    path = _path(content_dir)
    shown = relative(path, content_dir)
    if not path.exists():
        return set(), []
    try:
        data = load_yaml_file(path, shown)
    except ContentError:
        return None, []  # the articles' check reports a tags.yml that is not valid YAML
    text = read_text(path, shown)
    flagged: set[str] = set()
    problems: list[Problem] = []
    for key, labels in (data or {}).items() if isinstance(data, dict) else ():
        if not isinstance(labels, dict) or FLAG not in labels:
            continue
        if not isinstance(labels[FLAG], bool):
            line = field_line(text, str(key))
            message = N_("tag '%(tag)s': %(flag)s must be true or false")
            problems.append(Problem(shown, line, message, params={"tag": key, "flag": FLAG}))
        elif labels[FLAG]:
            flagged.add(str(key))
    if problems:
        return None, problems
    if not flagged:
        problems.append(
            Problem(
                shown,
                1,
                N_("no tag has '%(flag)s: true': only the help page and the self-checks show 'Exit this page'"),
                severity="warning",
                params={"flag": FLAG},
            )
        )
    return flagged, problems


class QuickExitSource:
    """Checks and loads the ``quick_exit`` flags of content/tags.yml."""

    name = "quick-exit"

    def files(self, content_dir: Path) -> list[Path]:
        return [_path(content_dir)]

    def check(self, content_dir: Path) -> list[Problem]:
        return parse_flags(content_dir)[1]

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        report = SyncReport(self.name)
        progress(1)
        flagged, report.problems = parse_flags(content_dir)
        if flagged is None:
            return report
        if set(session.scalars(select(QuickExitTag.key))) == flagged:
            report.unchanged = 1
            return report
        session.execute(delete(QuickExitTag))
        session.add_all(QuickExitTag(key=key) for key in sorted(flagged))
        report.updated = 1
        return report


def quick_exit_tags() -> frozenset[str]:
    """The flagged tags, read once per request."""
    if "quick_exit_tags" not in g:
        g.quick_exit_tags = frozenset(get_session().scalars(select(QuickExitTag.key)))
    return g.quick_exit_tags


def quick_exit_for(tags: Iterable[str] | None) -> bool:
    """Does a page with these tags (an article's tags, an event's topics) show "Exit this page"?"""
    return bool(set(tags or ()) & quick_exit_tags())
