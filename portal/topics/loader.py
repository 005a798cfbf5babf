"""The topics' part of ``flask content check``: a tag in content/tags.yml that nothing uses is a warning.

The tag labels themselves are loaded with the articles (content/tags.yml is their vocabulary); what uses a
tag is read from the editors' files by each capability through the core's contract (portal/tagged.py).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy.orm import Session

from ..content import Problem, Progress, SyncReport, field_line, parse_yaml, read_text, relative
from ..i18n import N_
from ..tagged import tags_in_use

UNUSED = N_("tag '%(tag)s' in %(path)s:%(line)s is used by nothing: no article, event or self-check carries it "
            "yet, so its topic page says so; use it, or remove it when no one will")  # fmt: skip


class TopicSource:
    name = "topics"

    def __init__(self, app: Flask):
        self.app = app

    def files(self, content_dir: Path) -> list[Path]:
        return []  # tags.yml is read (and counted) by the articles

    def check(self, content_dir: Path) -> list[Problem]:
        path = content_dir / "tags.yml"
        shown = relative(path, content_dir)
        try:
            text = read_text(path, shown) if path.exists() else ""
            tags = parse_yaml(text) or {}
        except Exception:  # noqa: BLE001 - the articles' check reports a tags.yml it cannot read
            return []
        if not isinstance(tags, dict):
            return []
        used = tags_in_use(content_dir, self.app)
        problems = []
        for tag in tags:
            if str(tag) not in used:
                line = field_line(text, str(tag))
                params = {"tag": tag, "path": shown, "line": line}
                problems.append(Problem(shown, line, UNUSED, severity="warning", params=params))
        return problems

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        return SyncReport(self.name)  # nothing to store: the pages read the tags and what carries them
