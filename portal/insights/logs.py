"""``flask insights ingest-log``: count the pages nginx answered from its own cache.

nginx (deploy/nginx/portal.conf) writes one tab-separated line per request it proxied, with no address
and no user agent: time, path (no query), the ``district`` and ``topic`` parameters, status, cache
status, a robot flag (from nginx's ``map`` on the user agent) and the content type. Only lines nginx
answered itself (HIT, STALE, UPDATING) are counted: a MISS, EXPIRED or BYPASS reached the app, which
counted it. Where the reading stopped (the file's inode and byte offset) is kept in the database with
the counts, in one transaction, so no line is ever counted twice; a new file (rotated) is read from 0.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote_plus, urlencode
from zoneinfo import ZoneInfo

from flask import Flask

from ..db import get_state, lock_for_writing, session_scope, set_state
from ..i18n import guess_lang_from_path
from .counter import CountKey, number_of, rows_of, upsert
from .rules import served_key

HK = ZoneInfo("Asia/Hong_Kong")
FIELDS = ("time", "path", "district", "topic", "status", "cache", "bot", "type")
ANSWERED_BY_NGINX = frozenset({"HIT", "STALE", "UPDATING"})
COUNTED_STATUS = frozenset({"200", "304"})  # a 304 is a browser's revalidated copy: a view too, as in the app
CHUNK = 4 * 1024 * 1024


@dataclass
class IngestResult:
    lines: int
    counted: int
    offset: int


def _field(raw: str) -> str:
    """A field as nginx's ``escape=json`` wrote it (``\\"``, ``\\\\`` and ``\\uXXXX`` for control bytes)."""
    if "\\" not in raw:
        return raw
    try:
        return json.loads(f'"{raw}"')
    except ValueError:
        return raw


def parse_line(line: str) -> CountKey | None:
    """(day, kind, key) for a line to count, None for every other line (or one not understood)."""
    parts = line.rstrip("\r\n").split("\t")
    if len(parts) != len(FIELDS):
        return None
    values = dict(zip(FIELDS, (_field(p) for p in parts), strict=True))
    if values["cache"] not in ANSWERED_BY_NGINX or values["bot"] != "0" or values["status"] not in COUNTED_STATUS:
        return None
    path = values["path"]
    if guess_lang_from_path(path) is None:
        return None
    try:
        day = datetime.fromisoformat(values["time"]).astimezone(HK).date()
    except ValueError:
        return None
    query = urlencode({"district": unquote_plus(values["district"]), "topic": unquote_plus(values["topic"])})
    found = served_key(path, query, values["type"].partition(";")[0].strip().lower())
    return None if found is None else (number_of(day), *found)


def position_key(path: Path) -> str:
    """The site_state key of one log file (hashed: a key holds 100 characters, a path may not fit)."""
    return "insights_log:" + hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]


def ingest(app: Flask, path: Path) -> IngestResult:
    """Count the new complete lines of ``path`` since the last run."""
    path = Path(path)
    with session_scope(app) as session:
        lock_for_writing(session, "insights-ingest")
        stat = os.stat(path)
        inode, _, offset = get_state(session, position_key(path)).partition(" ")
        start = int(offset) if inode == str(stat.st_ino) and offset.isdigit() and int(offset) <= stat.st_size else 0
        counts: dict[CountKey, int] = {}
        lines = 0
        with path.open("rb") as log:
            log.seek(start)
            while True:
                block = log.read(CHUNK)
                end = block.rfind(b"\n") + 1
                if not end:  # nothing new, or a line still being written: read it next time
                    break
                log.seek(start + end)
                start += end
                for raw in block[:end].decode("utf-8", errors="replace").splitlines():
                    lines += 1
                    found = parse_line(raw)
                    if found is not None:
                        counts[found] = counts.get(found, 0) + 1
                if len(block) < CHUNK:
                    break
        upsert(session.connection(), rows_of(counts))
        set_state(session, position_key(path), f"{stat.st_ino} {start}")
        return IngestResult(lines, sum(counts.values()), start)
