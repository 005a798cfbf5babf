"""The content pipeline shared by every capability.

Editors commit files to ``content/``; each capability registers a
:class:`ContentSource` that knows how to *check* its files (report problems
as ``path:line: message``) and *sync* them into the database. ``flask content
check`` and ``flask content sync`` run every registered source. After a sync
(or a feed refresh) :func:`content_changed` retires the cached pages and tells the
listeners (e.g. the search index) which kinds changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import yaml
from flask import Flask, current_app
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, UTCDateTime, utcnow


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, told the way an editor can act on it."""

    path: str
    line: int
    message: str
    severity: str = "error"  # or "warning": reported, does not fail the check

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class ContentError(Exception):
    """A file cannot be loaded; carries the problem(s) that say why."""

    def __init__(self, problems: Problem | list[Problem]):
        self.problems = [problems] if isinstance(problems, Problem) else problems
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass
class SyncReport:
    """What one source did during a sync."""

    source: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    problems: list[Problem] = field(default_factory=list)
    # Keys (e.g. article slugs) added, updated or removed, when the source tracks them; None = "the kind as a whole".
    changed_keys: set[str] | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{self.source}: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.removed} removed, "
            f"{sum(p.severity == 'error' for p in self.problems)} rejected"
        )


Progress = Callable[[int], None]


class ContentSource(Protocol):
    """What a capability provides to the content commands."""

    name: str

    def files(self, content_dir: Path) -> list[Path]:
        """The files this source reads (for progress bars)."""

    def check(self, content_dir: Path) -> list[Problem]:
        """Validate every file without touching the database."""

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        """Load changed files into the database; keep the last good version of bad files."""


def register_content_source(app: Flask, source: ContentSource) -> None:
    app.extensions.setdefault("portal.content_sources", []).append(source)


def content_sources(app: Flask | None = None) -> list[ContentSource]:
    return list((app or current_app).extensions.get("portal.content_sources", []))


class Changes(set):
    """The kinds of content that changed, as a set; ``only_keys[kind]``, where present, names the only
    keys of that kind that changed (so a listener can redo one article instead of all of them)."""

    def __init__(self, kinds: Iterable[str] = (), keys: dict[str, set[str]] | None = None):
        super().__init__(kinds)
        self.only_keys = {kind: set(found) for kind, found in (keys or {}).items() if kind in self}


ChangeListener = Callable[[Flask, Changes], None]


def on_content_changed(app: Flask, listener: ChangeListener) -> None:
    """Register a callback run after content of some kinds changed (sync, feed refresh)."""
    app.extensions.setdefault("portal.change_listeners", []).append(listener)


def content_changed(app: Flask, kinds: Iterable[str], keys: dict[str, set[str]] | None = None) -> None:
    """Notify listeners, then retire every cached page. Call after the transaction committed.

    ``keys`` may narrow a kind down to the keys that changed (see :class:`Changes`). The pages
    are retired by a new content version even when a listener fails or the cache cannot be cleared.
    """
    from .cache import pages_changed

    changes = Changes(kinds, keys)
    try:
        for listener in app.extensions.get("portal.change_listeners", []):
            listener(app, changes)
    finally:
        pages_changed(app)


class ContentFile(Base):
    """What the last sync saw of each content file: its hash (to skip unchanged files
    next time) and, when it was rejected, why (the last good version stays online)."""

    __tablename__ = "content_file"

    path: Mapped[str] = mapped_column(String(500), primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(10), default="ok")  # ok | error
    error: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- helpers for loaders -------------------------------------------------------------

# libyaml's C parser when PyYAML was built with it (the wheels are): same safe subset, ~10x faster.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """Parse YAML with the safe loader (plain data only, no Python objects)."""
    return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a SafeLoader


FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?", re.S | re.M)


def file_hash(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def relative(path: Path, content_dir: Path) -> str:
    """The path as an editor sees it (relative to the repository when possible)."""
    try:
        return str(path.resolve().relative_to(content_dir.resolve().parent))
    except ValueError:
        return str(path)


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line number where the body starts).

    Raises ContentError naming the line of a YAML error.
    """
    match = FRONT_MATTER.match(text)
    if not match:
        raise ContentError(
            Problem(path, 1, "no front matter: start the file with a line '---', the fields, then '---'")
        )
    try:
        data = parse_yaml(match.group(1)) or {}
    except yaml.YAMLError as exc:
        line = _yaml_error_line(exc) + 1  # +1 for the opening '---'
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(Problem(path, line, f"front matter is not valid YAML: {problem}")) from exc
    if not isinstance(data, dict):
        raise ContentError(Problem(path, 2, "front matter must be 'field: value' lines"))
    body_line = text[: match.end()].count("\n") + 1
    return data, text[match.end() :], body_line


def _yaml_error_line(exc: yaml.YAMLError) -> int:
    """The 1-based line an editor should look at for a YAML error.

    PyYAML notices an unclosed bracket or quote only on a later line; the
    context mark (where the bracket opened) is on the line that needs fixing.
    """
    context = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem_mark", None)
    mark = context if context is not None and (problem is None or context.line < problem.line) else problem
    return mark.line + 1 if mark is not None else 1


def field_line(text: str, field_name: str, default: int = 1) -> int:
    """The line on which a front-matter field is written (for error messages)."""
    match = re.search(rf"^{re.escape(field_name)}\s*:", text, re.M)
    return text[: match.start()].count("\n") + 1 if match else default


def find_line(text: str, needle: str, default: int = 1) -> int:
    """The line on which ``needle`` first appears (for error messages)."""
    index = text.find(needle)
    return text[:index].count("\n") + 1 if index >= 0 else default


def load_yaml_file(path: Path, shown_as: str) -> Any:
    """Read a YAML data file, turning syntax errors into a Problem with its line."""
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise ContentError(Problem(shown_as, _yaml_error_line(exc), f"not valid YAML: {problem}")) from exc
    except UnicodeDecodeError as exc:
        raise ContentError(Problem(shown_as, 1, "not UTF-8 text: save the file as UTF-8")) from exc


class FileTracker:
    """Remembers, per source, which files a sync has seen and with which hash.

    Sources use it to skip unchanged files, to keep serving the last good
    version of a file that now fails validation, and to find deleted files.
    """

    def __init__(self, session: Session, source: str):
        self.session = session
        self.source = source
        # (hash, status) per path; rows become objects only when a file changed (10,000 unchanged files cost a query).
        query = select(ContentFile.path, ContentFile.content_hash, ContentFile.status).where(
            ContentFile.source == source
        )
        self.known: dict[str, tuple[str, str]] = {path: (digest, status) for path, digest, status in
                                                  session.execute(query)}  # fmt: skip
        self.seen: set[str] = set()
        self._rows: dict[str, ContentFile] = {}

    def is_unchanged(self, path: str, content_hash: str) -> bool:
        self.seen.add(path)
        return self.known.get(path) == (content_hash, "ok")

    def was_known(self, path: str) -> bool:
        return self.known.get(path, ("", ""))[1] == "ok"

    def record_ok(self, path: str, content_hash: str) -> None:
        self._record(path, content_hash, "ok", "")

    def record_error(self, path: str, content_hash: str, problems: list[Problem]) -> None:
        self._record(path, content_hash, "error", "\n".join(str(p) for p in problems))

    def _record(self, path: str, content_hash: str, status: str, error: str) -> None:
        self.seen.add(path)
        row = self._row(path)
        if row is None:
            row = ContentFile(path=path, source=self.source)
            self.session.add(row)
            self._rows[path] = row
        row.content_hash, row.status, row.error, row.checked_at = content_hash, status, error, utcnow()
        self.known[path] = (content_hash, status)

    def removed(self) -> list[str]:
        """Paths known from earlier syncs that are no longer on disk."""
        return [path for path in self.known if path not in self.seen]

    def forget(self, path: str) -> None:
        row = self._row(path)
        self.known.pop(path, None)
        if row is not None:
            self.session.delete(row)

    def _row(self, path: str) -> ContentFile | None:
        if path not in self._rows and path in self.known:
            self._rows[path] = self.session.get(ContentFile, path)
        return self._rows.get(path)
