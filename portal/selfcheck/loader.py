"""Loads content/selfcheck/<id>.yml (one file per tool) into the database.

``check`` reports every problem as ``path:line: message`` (bands that leave a
score uncovered or overlap, items without options, a missing language, a bad
scoring rule …); ``sync`` keeps the last good version of a file that breaks.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..content import (
    ContentError,
    FileTracker,
    Problem,
    Progress,
    SyncReport,
    file_hash,
    parse_yaml,
    read_text,
    reading,
    relative,
)
from ..i18n import SIMPLIFIED, written_lang
from ..simplified import Converter, converter
from .model import SelfCheckTool
from .schema import Tool, parse_tool

SOURCE_LANG = written_lang(SIMPLIFIED)
# A tool's own texts in both languages (the questions, stem and options are the items': see with_simplified).
TOOL_TEXTS = ("title", "summary", "audience", "time_frame", "english_only_reason", "wording_source", "score_label")
BAND_TEXTS = ("label", "meaning", "next_steps")


def tool_files(content_dir: Path) -> list[Path]:
    folder = content_dir / "selfcheck"
    return sorted(folder.glob("*.yml")) if folder.is_dir() else []


def known_tags(content_dir: Path) -> set[str] | None:
    """Tag ids from content/tags.yml, or None when there is no such file (then tags are not checked)."""
    path = content_dir / "tags.yml"
    if not path.exists():
        return None
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        return None  # the articles source reports that file
    return set(data) if isinstance(data, dict) else None


def known_hotlines(content_dir: Path) -> set[str] | None:
    """Hotline ids from content/hotlines.yml, or None when it cannot be read (the help source reports it)."""
    path = content_dir / "hotlines.yml"
    try:
        data = parse_yaml(path.read_text(encoding="utf-8")) if path.exists() else None
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    if not isinstance(data, list):
        return None
    return {str(item["id"]) for item in data if isinstance(item, dict) and "id" in item}


def load_tool(path: Path, content_dir: Path, tags: set[str] | None = None) -> Tool:
    shown = relative(path, content_dir)
    text = read_text(path, shown)
    known_tools = {p.stem for p in tool_files(content_dir)}
    return parse_tool(text, shown, path.stem, tags, known_hotlines(content_dir), known_tools)


def with_simplified(definition: dict, simplify: Converter) -> dict:
    """A tool's stored definition with a zh-cn text beside each zh-hk one, made at sync (never per request).

    Our own tools' questions are converted too; a validated instrument's are not: its Chinese wording is the
    published one, shown as published (``Tool.items_lang``), while the page around it is Simplified.
    """

    def add(texts: dict) -> None:
        if isinstance(texts, dict) and SOURCE_LANG in texts:
            value = texts[SOURCE_LANG]
            texts[SIMPLIFIED] = [simplify.text(v) for v in value] if isinstance(value, list) else simplify.text(value)

    for name in TOOL_TEXTS:
        add(definition.get(name))
    for band in definition["bands"]:
        for name in BAND_TEXTS:
            add(band.get(name))
    for alert in definition["alerts"]:
        add(alert.get("message"))
    if definition["kind"] != "validated" and SOURCE_LANG in definition["item_languages"]:
        add(definition.get("stem"))
        for item in definition["items"]:
            add(item["text"])
            for option in item["options"]:
                add(option["label"])
        definition["item_languages"].append(SIMPLIFIED)
    return definition


class SelfCheckSource:
    name = "selfcheck"

    def files(self, content_dir: Path) -> list[Path]:
        return tool_files(content_dir)

    def check(self, content_dir: Path) -> list[Problem]:
        problems: list[Problem] = []
        tags = known_tags(content_dir)
        for path in tool_files(content_dir):
            try:
                with reading(relative(path, content_dir)):
                    load_tool(path, content_dir, tags)
            except ContentError as exc:
                problems += exc.problems
        return problems

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        report = SyncReport(self.name)
        tracker = FileTracker(session, self.name)
        tags = known_tags(content_dir)
        existing = {row.key: row for row in session.scalars(select(SelfCheckTool))}
        present: set[str] = set()
        simplify = converter(content_dir)
        for path in tool_files(content_dir):
            progress(1)
            shown = relative(path, content_dir)
            present.add(path.stem)
            digest = file_hash(path.read_bytes(), simplify.fingerprint)  # a new term list re-makes the zh-cn texts
            if tracker.is_unchanged(shown, digest) and path.stem in existing:
                report.unchanged += 1
                continue
            try:
                with reading(shown):
                    tool = load_tool(path, content_dir, tags)
            except ContentError as exc:
                report.problems += exc.problems
                tracker.record_error(shown, digest, exc.problems)
                continue  # the last good version (if any) stays online
            row = existing.get(tool.id)
            definition = json.dumps(with_simplified(tool.to_dict(), simplify), ensure_ascii=False, sort_keys=True)
            if row is None:
                session.add(SelfCheckTool(key=tool.id, position=tool.position, definition=definition))
                report.added += 1
            else:
                row.position, row.definition = tool.position, definition
                report.updated += 1
            tracker.record_ok(shown, digest)
        gone = set(existing) - present
        if gone:
            session.execute(delete(SelfCheckTool).where(SelfCheckTool.key.in_(gone)))
            report.removed += len(gone)
        for path in tracker.removed():
            tracker.forget(path)
        return report
