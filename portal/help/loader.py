"""Loads content/hotlines.yml: every number there was copied with its published source."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.orm import Session

from ..bilingual import sync_simplified, with_simplified
from ..content import (
    ContentError,
    Problem,
    Progress,
    SyncReport,
    file_hash,
    find_line,
    load_yaml_file,
    read_text,
    reading,
    relative,
    replace_table_from_file,
)
from ..i18n import N_
from ..simplified import converter
from .model import Hotline

GROUPS = ("emergency", "crisis", "family-violence", "carers", "support")
REQUIRED = ("id", "number", "name_en", "name_zh", "hours_en", "hours_zh", "purpose_en", "purpose_zh", "group", "source")
NUMBER = re.compile(r"^\d[\d ]*\d$")


def _path(content_dir: Path) -> Path:
    return content_dir / "hotlines.yml"


def parse_hotlines(content_dir: Path) -> list[dict]:
    path = _path(content_dir)
    shown = relative(path, content_dir)
    if not path.exists():
        raise ContentError(Problem(shown, 1, N_("hotlines.yml is missing: the help bar needs it")))
    data = load_yaml_file(path, shown)
    text = read_text(path, shown)
    if not isinstance(data, list):
        raise ContentError(Problem(shown, 1, N_("hotlines.yml must be a list (- id: …)")))
    problems, rows = [], []
    for position, item in enumerate(data):
        key = item.get("id") if isinstance(item, dict) else None
        line = find_line(text, f"id: {key}") if key else 1
        missing = [name for name in REQUIRED if not isinstance(item, dict) or not str(item.get(name, "")).strip()]
        if missing:
            message = N_("hotline '%(hotline)s' is missing: %(fields)s")
            problems.append(Problem(shown, line, message, params={"hotline": key, "fields": ", ".join(missing)}))
            continue
        number = str(item["number"]).strip()
        if not NUMBER.match(number):
            message = N_("hotline '%(hotline)s': number '%(number)s' should be digits and spaces")
            problems.append(Problem(shown, line, message, params={"hotline": key, "number": number}))
            continue
        if item["group"] not in GROUPS:
            message = N_("hotline '%(hotline)s': group must be one of %(groups)s")
            problems.append(Problem(shown, line, message, params={"hotline": key, "groups": ", ".join(GROUPS)}))
            continue
        rows.append(
            {
                "key": key,
                "position": position,
                "number": number,
                "dial": number.replace(" ", ""),
                "channel": str(item.get("channel", "phone")),
                "in_help_bar": int(item.get("help_bar", 0) or 0),
                "crisis": int(bool(item.get("crisis", False))),
                "short_en": str(item.get("short_en", "")).strip(),
                "short_zh": str(item.get("short_zh", "")).strip(),
                **{name: str(item[name]).strip() for name in REQUIRED[2:]},
            }
        )
    if problems:
        raise ContentError(problems)
    return rows


class HotlineSource:
    name = "hotlines"

    def files(self, content_dir: Path) -> list[Path]:
        return [_path(content_dir)]

    def check(self, content_dir: Path) -> list[Problem]:
        try:
            with reading("content/hotlines.yml"):
                parse_hotlines(content_dir)
        except ContentError as exc:
            return exc.problems
        return []

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        progress(1)
        path = _path(content_dir)
        shown = relative(path, content_dir)
        digest = file_hash(path.read_bytes()) if path.exists() else ""
        convert = converter(content_dir)

        def parse() -> list[dict]:
            return with_simplified(parse_hotlines(content_dir), Hotline, convert)

        report = replace_table_from_file(session, self.name, shown, digest, parse, Hotline)
        sync_simplified(session, report, Hotline, convert=convert)
        return report
