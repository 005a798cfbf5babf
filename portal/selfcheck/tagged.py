"""Self-checks in the core's tagged-things contract (portal/tagged.py): a tool carries its related tags and
those of its result bands."""

from __future__ import annotations

from pathlib import Path

import yaml
from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content import ContentError, parse_yaml, read_text
from ..tagged import TaggedItem, TaggedKind, Wanted
from .loader import tool_files
from .model import SelfCheckTool
from .schema import Tool


def tool_tags(tool: Tool) -> list[str]:
    return list(dict.fromkeys(tool.related_tags + [tag for band in tool.bands for tag in band.related_tags]))


def tagged_tools(session: Session, lang: str, wanted: Wanted) -> list[TaggedItem]:
    rows = session.scalars(select(SelfCheckTool).order_by(SelfCheckTool.position, SelfCheckTool.key))
    items = []
    for tool in (row.tool() for row in rows):
        tags = tool_tags(tool)
        if wanted.matches("selfcheck", tool.id, tags):
            title = tool.title.get(lang) or tool.title["en"]
            summary = tool.summary.get(lang) or tool.summary["en"]
            url = url_for("selfcheck.intro", tool_id=tool.id)
            items.append(TaggedItem(tool.id, title, url, lang if lang in tool.title else "en", summary, tuple(tags)))
    return items[: wanted.limit]


def tags_used(content_dir: Path) -> set[str]:
    """The tags the tool files name, for the tool and for its bands."""
    found: set[str] = set()
    for path in tool_files(content_dir):
        try:
            data = parse_yaml(read_text(path, path.name))
        except (ContentError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue
        bands = data.get("bands") if isinstance(data.get("bands"), list) else []
        for tags in [data.get("related_tags"), *(b.get("related_tags") for b in bands if isinstance(b, dict))]:
            if isinstance(tags, list):
                found.update(str(tag) for tag in tags)
    return found


TAGGED_TOOLS = TaggedKind("selfcheck", tagged_tools, tags_used, order=30)
