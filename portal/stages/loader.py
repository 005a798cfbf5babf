"""Loads content/stages.yml: the life stages, each with its tags and the help that fits.

Every id a stage names is checked against the editors' own files (tags.yml, hotlines.yml, the
self-check files), so a typo is a ``path:line`` problem in plain words, never an empty section.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from ..bilingual import fill_simplified, simplified_fields
from ..content import (
    YAML_LOADER,
    ContentError,
    Problem,
    Progress,
    SyncReport,
    file_hash,
    load_yaml_file,
    parse_yaml,
    read_text,
    reading,
    relative,
    replace_table_from_file,
)
from ..i18n import N_
from ..simplified import converter
from .model import Stage

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FIELDS = ("id", "name", "intro", "tags", "hotlines", "selfchecks")
LANGS = ("en", "zh-hk")


def stages_path(content_dir: Path) -> Path:
    return content_dir / "stages.yml"


def _yaml_ids(path: Path, pick) -> set[str] | None:
    """Ids from another editor's file, or None when it cannot be read (its own check reports that)."""
    try:
        return pick(parse_yaml(path.read_text(encoding="utf-8-sig"))) if path.exists() else set()
    except (yaml.YAMLError, UnicodeDecodeError, TypeError, AttributeError):
        return None


def known_ids(content_dir: Path) -> dict[str, set[str] | None]:
    """The tag, hotline and self-check ids a stage may name."""
    folder = content_dir / "selfcheck"
    return {
        "tags": _yaml_ids(content_dir / "tags.yml", lambda data: {str(key) for key in data or {}}),
        "hotlines": _yaml_ids(
            content_dir / "hotlines.yml",
            lambda data: {str(item["id"]) for item in data or [] if isinstance(item, dict) and "id" in item},
        ),
        "selfchecks": {path.stem for path in folder.glob("*.yml")} if folder.is_dir() else set(),
    }


def _lines(text: str) -> list[dict[str, Any]]:
    """Per stage: the line of each field, and of each item of a list field (``(field, index)``)."""
    try:
        root = yaml.compose(text, Loader=YAML_LOADER)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.SequenceNode):
        return []
    found = []
    for node in root.value:
        lines: dict[Any, int] = {"": node.start_mark.line + 1}
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[key.value] = key.start_mark.line + 1
                if isinstance(value, yaml.SequenceNode):
                    for index, item in enumerate(value.value):
                        lines[key.value, index] = item.start_mark.line + 1
        found.append(lines)
    return found


MESSAGES = {
    "not a list": N_("stages.yml must be a list of stages, each starting with '- id: …'"),
    "bad id": N_("stage number %(number)s needs an 'id': lowercase letters, digits and hyphens"),
    "twice": N_("stage '%(stage)s' is listed twice: keep one of them"),
    "unknown field": N_(
        "stage '%(stage)s': unknown field '%(field)s' (a stage has id, name, intro, tags, hotlines and selfchecks)"
    ),  # fmt: skip
    "text": N_("stage '%(stage)s' needs '%(field)s' in both languages, like %(field)s: {en: …, zh-hk: …}"),
    "list": N_("stage '%(stage)s': '%(field)s' must be a list of ids, like [first-id, second-id]"),
    "no tags": N_(
        "stage '%(stage)s' needs at least one tag from content/tags.yml: its tags decide what its page gathers"
    ),  # fmt: skip
    "tags": N_(
        "stage '%(stage)s': unknown tag '%(id)s': add it to content/tags.yml first, or use a tag that is there"
    ),  # fmt: skip
    "hotlines": N_(
        "stage '%(stage)s': '%(id)s' is not a hotline id in content/hotlines.yml: copy the id from there"
    ),  # fmt: skip
    "selfchecks": N_(
        "stage '%(stage)s': there is no self-check '%(id)s' in content/selfcheck/ (the id is the "
        "file name without .yml)"
    ),  # fmt: skip
}


def _check_stage(item: Any, number: int, lines: dict[Any, int], known: dict, shown: str) -> list[Problem]:
    line = lines.get("", 1)
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not SLUG.match(item["id"]):
        return [Problem(shown, line, MESSAGES["bad id"], params={"number": number})]
    stage = item["id"]
    problems = []

    def problem(kind: str, at: Any, **params: Any) -> None:
        problems.append(Problem(shown, lines.get(at, line), MESSAGES[kind], params={"stage": stage, **params}))

    for name in item:
        if name not in FIELDS:
            problem("unknown field", name, field=name)
    for name in ("name", "intro"):
        value = item.get(name)
        if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                                  for lang in LANGS):  # fmt: skip
            problem("text", name, field=name)
    for name in ("tags", "hotlines", "selfchecks"):
        ids = item.get(name, [])
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            problem("list", name, field=name)
            continue
        if name == "tags" and not ids:
            problem("no tags", name)
        for index, key in enumerate(ids):
            if known[name] is not None and key not in known[name]:
                problem(name, (name, index), id=key)
    return problems


def parse_stages(content_dir: Path) -> list[dict[str, Any]]:
    """The rows of every stage; raises ContentError listing every problem (no file: no stages)."""
    path = stages_path(content_dir)
    if not path.exists():
        return []
    shown = relative(path, content_dir)
    data = load_yaml_file(path, shown)
    if not isinstance(data, list):
        raise ContentError(Problem(shown, 1, MESSAGES["not a list"]))
    all_lines, known = _lines(read_text(path, shown)), known_ids(content_dir)
    problems, rows, seen = [], [], set()
    for position, item in enumerate(data):
        lines = all_lines[position] if position < len(all_lines) else {}
        found = _check_stage(item, position + 1, lines, known, shown)
        if not found and item["id"] in seen:
            found = [Problem(shown, lines.get("", 1), MESSAGES["twice"], params={"stage": item["id"]})]
        problems += found
        if found:
            continue
        seen.add(item["id"])
        rows.append(
            {
                "key": item["id"], "position": position,
                "name_en": item["name"]["en"].strip(), "name_zh": item["name"]["zh-hk"].strip(),
                "intro_en": item["intro"]["en"].strip(), "intro_zh": item["intro"]["zh-hk"].strip(),
                **{f"{name}_json": json.dumps(item.get(name, [])) for name in ("tags", "hotlines", "selfchecks")},
            }
        )  # fmt: skip
        fill_simplified(rows[-1], simplified_fields(Stage), converter(content_dir), Stage)
    if problems:
        raise ContentError(problems)
    return rows


class StageSource:
    """content/stages.yml in ``flask content check`` and ``flask content sync``."""

    name = "stages"

    def files(self, content_dir: Path) -> list[Path]:
        path = stages_path(content_dir)
        return [path] if path.exists() else []

    def check(self, content_dir: Path) -> list[Problem]:
        try:
            with reading("content/stages.yml"):
                parse_stages(content_dir)
        except ContentError as exc:
            return exc.problems
        return []

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        progress(1)
        path = stages_path(content_dir)
        shown = relative(path, content_dir)
        # The ids a stage names live in other files: their bytes are part of what makes this file "unchanged".
        others = [content_dir / "tags.yml", content_dir / "hotlines.yml"]
        digest = file_hash(*(p.read_bytes() if p.exists() else b"" for p in [path, *others]),
                           *sorted(known_ids(content_dir)["selfchecks"] or ()),
                           converter(content_dir).fingerprint)  # fmt: skip
        return replace_table_from_file(session, self.name, shown, digest, lambda: parse_stages(content_dir), Stage)
