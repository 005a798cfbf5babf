"""The content pipeline shared by every capability.

Editors commit files to ``content/``; each capability registers a
:class:`ContentSource` that knows how to *check* its files (report problems
as ``path:line: message``) and *sync* them into the database. ``flask content
check`` and ``flask content sync`` run every registered source. After a sync
(or a feed refresh) :func:`content_changed` retires the cached pages and tells the
listeners (e.g. the search index) which kinds changed.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import yaml
from flask import Flask, current_app
from sqlalchemy import String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, UTCDateTime, utcnow
from .i18n import N_, translate

logger = logging.getLogger(__name__)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, told the way an editor can act on it.

    ``message`` is the English text, marked with ``N_`` where it is written, with ``%(name)s``
    placeholders filled from ``params``; :meth:`text` gives it in the editor's language.
    """

    path: str
    line: int
    message: str
    severity: str = "error"  # or "warning": reported, does not fail the check
    params: Any = ()  # a mapping when given; kept as sorted (name, text) pairs so a Problem stays hashable

    def __post_init__(self) -> None:
        if isinstance(self.params, Mapping):
            object.__setattr__(self, "params", tuple(sorted((k, str(v)) for k, v in self.params.items())))

    def message_in(self, lang: str = "en") -> str:
        """The message alone (no path, line or severity) in ``lang``, placeholders filled."""
        message = translate(lang, self.message)
        return message % dict(self.params) if self.params else message

    def text(self, lang: str = "en") -> str:
        """``path:line: message`` in ``lang`` (``en`` or ``zh-hk``)."""
        message = self.message_in(lang)
        if self.severity == "warning":
            message = translate(lang, N_("warning: %(message)s")) % {"message": message}
        return f"{self.path}:{self.line}: {message}"

    def __str__(self) -> str:
        return self.text("en")


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
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"


class EditorYAMLError(yaml.YAMLError):
    """A YAML mistake PyYAML would accept silently (a repeated field) or crash on (a date that does
    not exist): carries the Problem to show."""

    def __init__(self, line: int, message: str, params: dict[str, Any]):
        super().__init__(message % params)
        self.line, self.message, self.params = line, message, params


class EditorChecks:
    """Mixed into a YAML loader: repeated keys and impossible dates become :class:`EditorYAMLError`
    with their line, instead of the last value winning silently or a ValueError traceback."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                line = key_node.start_mark.line + 1
                if key_node.value in seen:
                    message = N_("'%(field)s' is written twice, on line %(first)s and line %(line)s: keep one of them")
                    raise EditorYAMLError(line, message, {"field": key_node.value, "first": seen[key_node.value],
                                                          "line": line})  # fmt: skip
                seen[key_node.value] = line
                if value_node.tag == TIMESTAMP_TAG:
                    self._check_date(value_node, key_node.value)
        return super().construct_mapping(node, deep)  # type: ignore[misc]

    def construct_checked_timestamp(self, node: yaml.ScalarNode) -> Any:
        self._check_date(node, None)
        return self.construct_yaml_timestamp(node)  # type: ignore[attr-defined]

    def _check_date(self, node: yaml.ScalarNode, field_name: Any) -> None:
        try:
            self.construct_yaml_timestamp(node)  # type: ignore[attr-defined]
        except ValueError as exc:
            params = {"field": field_name, "value": node.value}
            message = (
                N_("'%(field)s: %(value)s' is not a real date: write the date as YYYY-MM-DD (month 01-12, "
                   "a day that month has)")
                if field_name is not None
                else N_("'%(value)s' is not a real date: write the date as YYYY-MM-DD (month 01-12, a day that "
                        "month has)")
            )  # fmt: skip
            raise EditorYAMLError(node.start_mark.line + 1, message, params) from exc


class ContentLoader(EditorChecks, YAML_LOADER):  # type: ignore[misc, valid-type]
    """The safe loader (plain data only) with :class:`EditorChecks`."""


ContentLoader.add_constructor(TIMESTAMP_TAG, EditorChecks.construct_checked_timestamp)


def as_date(value: Any) -> date | None:
    """A front-matter value as a date (a date-time gives its day); None when it is none or unreadable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def parse_yaml(text: str) -> Any:
    """Parse YAML with the safe loader (plain data only, no Python objects); a repeated key or an
    impossible date raises :class:`EditorYAMLError` (a ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=ContentLoader)  # noqa: S506 - a SafeLoader


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


# --- reading files the way editors save them ---------------------------------------------

NOT_UTF8 = N_("this file is saved as %(encoding)s, not UTF-8: open it and save it again as UTF-8 "
              "(in Notepad: Save as, Encoding: UTF-8)")  # fmt: skip


def decode_text(raw: bytes, shown_as: str) -> str:
    """The text of a content file: UTF-8 with or without a BOM (Notepad writes one), Windows or old Mac
    line endings made ``\n``. Anything else raises ContentError naming the encoding and the first line
    that is not UTF-8."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\0" in raw[:400]:
        raise ContentError(Problem(shown_as, 1, NOT_UTF8, params={"encoding": "UTF-16 (Unicode)"}))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(Problem(shown_as, line, NOT_UTF8, params={"encoding": _guess_encoding(raw)})) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _guess_encoding(raw: bytes) -> str:
    """A name an editor may recognise from the Save As box (a guess; only to help find the setting)."""
    for codec, name in (("big5hkscs", "Big5 (Traditional Chinese)"), ("gb18030", "GB18030 (Simplified Chinese)")):
        try:
            raw.decode(codec)
        except UnicodeDecodeError:
            continue
        return name
    return "Windows-1252 (Western)"


def read_text(path: Path, shown_as: str) -> str:
    """:func:`decode_text` of a file."""
    return decode_text(path.read_bytes(), shown_as)


@contextmanager
def reading(shown_as: str) -> Iterator[None]:
    """Turn an unexpected error while reading one file into that file's ContentError, so one file never
    stops the others: the traceback goes to the log for developers, the editor sees path:line."""
    try:
        yield
    except ContentError:
        raise
    except Exception as exc:  # noqa: BLE001 - any bug in a loader must stay inside its file
        logger.exception("internal error while reading %s", shown_as)
        message = N_("could not read this file: %(error)s (this is a fault in the portal, not in your file; "
                     "the details are in the log for the developers)")  # fmt: skip
        raise ContentError(Problem(shown_as, 1, message, params={"error": f"{type(exc).__name__}: {exc}"})) from exc


def split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line number where the body starts).

    Raises ContentError naming the line of a YAML error.
    """
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    match = FRONT_MATTER.match(text)
    if not match:
        if re.match(r"\A\s*---[ \t]*\n", text):
            first = text[: text.index("---")].count("\n") + 1
            if first > 1 or not text.startswith("---"):
                message = N_("the first line must be '---' exactly: remove the blank lines or spaces before it")
                raise ContentError(Problem(path, first, message))
            message = N_("the fields start with '---' on line 1 but no line '---' closes them: add a line "
                         "with only '---' after the last field, before the text")  # fmt: skip
            raise ContentError(Problem(path, 1, message))
        message = N_("no front matter: start the file with a line '---', the fields, then '---'")
        raise ContentError(Problem(path, 1, message))
    try:
        data = parse_yaml(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ContentError(yaml_problem(exc, match.group(1), path, line_offset=1)) from exc
    if not isinstance(data, dict):
        raise ContentError(Problem(path, 2, N_("front matter must be 'field: value' lines")))
    body_line = text[: match.end()].count("\n") + 1
    return data, text[match.end() :], body_line


def _yaml_error_line(exc: yaml.YAMLError) -> int:
    """The 1-based line an editor should look at for a YAML error.

    PyYAML notices an unclosed bracket or quote only on a later line; the
    context mark (where the bracket opened) is on the line that needs fixing.
    """
    if isinstance(exc, EditorYAMLError):
        return exc.line
    context = getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem_mark", None)
    mark = context if context is not None and (problem is None or context.line < problem.line) else problem
    return mark.line + 1 if mark is not None else 1


_FIELD_ON_LINE = re.compile(r"^\s*(?:-\s+)?([^\s:#][^:#]*?)\s*:(?:\s+(.*))?$")


def yaml_problem(exc: yaml.YAMLError, text: str, shown_as: str, line_offset: int = 0) -> Problem:
    """A YAML error in plain words, on the line to fix, with what to do (libyaml's own words are for
    programmers: "mapping values are not allowed in this context")."""
    if isinstance(exc, EditorYAMLError):
        params = {k: (v + line_offset if isinstance(v, int) else v) for k, v in exc.params.items()}
        return Problem(shown_as, exc.line + line_offset, exc.message, params=params)
    line = _yaml_error_line(exc)
    problem = str(getattr(exc, "problem", None) or exc)
    context = str(getattr(exc, "context", None) or "")
    mark = getattr(exc, "problem_mark", None)
    lines = text.split("\n")
    problem_line = mark.line + 1 if mark is not None else line
    source = lines[problem_line - 1] if 0 < problem_line <= len(lines) else ""
    unclosed = _unclosed_quote_line(lines, problem_line)
    if unclosed is not None:
        line = unclosed
        message = N_("a quotation mark opens a value here but the value does not end with it: put the whole "
                     "value inside one pair of quotes, like title: \"…\"")  # fmt: skip
        params = {}
    elif "tab" in problem or "\t" in source:
        line = problem_line
        message, params = N_("a tab character: indent with spaces, never tabs (two spaces for each level)"), {}
    elif "quoted scalar" in context or (problem.startswith("did not find expected key") and '"' in source):
        message = N_("a quotation mark opens a value here but the value does not end with it: put the whole "
                     "value inside one pair of quotes, like title: \"…\"")  # fmt: skip
        params = {}
    elif "flow sequence" in context or "flow mapping" in context:
        message = N_("brackets [ ] or { } are not closed, or a comma is missing between the items: "
                     "write a list like [parenting, teenagers]")  # fmt: skip
        params = {}
    elif "mapping values are not allowed" in problem:
        line = problem_line
        found = _FIELD_ON_LINE.match(source)
        if found and found.group(2) and ":" in found.group(2) and not source.startswith((" ", "\t")):
            message = N_('put the %(field)s in quotes because it contains a colon: %(field)s: "…"')
            params = {"field": found.group(1)}
        else:
            message = N_("this line is indented more than the field above it: line the fields up with the "
                         "same number of spaces, or put a value in quotes if it contains a colon")  # fmt: skip
            params = {}
    elif "alias" in context or "anchor" in context or "cannot start any token" in problem:
        line = problem_line
        message = N_("a value starts with a sign YAML keeps for itself (* & @ ` ! | >): put the value in quotes")
        params = {}
    elif "could not find expected ':'" in problem:
        line = problem_line - 1 if mark is not None and mark.column == 0 and problem_line > 1 else problem_line
        message = N_("a line without 'field: value': add the colon after the field name, or join this line to "
                     "the value above it")  # fmt: skip
        params = {}
    elif "did not find expected" in problem or "expected <block end>" in problem:
        line = problem_line
        message = N_("the indentation is uneven: line this up with the lines above it (the same number of "
                     "spaces for fields at the same level)")  # fmt: skip
        params = {}
    else:
        line = problem_line
        message, params = (
            N_("this is not valid YAML (%(problem)s): compare it with a file that works"),
            {"problem": problem},
        )
    return Problem(shown_as, line + line_offset, message, params=params)


_QUOTED_VALUE = re.compile(r"""^\s*(?:-\s+)?[^\s:#'"][^:#]*:\s+(["'])(.*)$""")


def _unclosed_quote_line(lines: list[str], last: int) -> int | None:
    """The first line up to ``last`` whose value opens a quote it does not close (YAML lets a quoted
    value run on over the following lines, so libyaml notices only where the quotes stop pairing up)."""
    for number, source in enumerate(lines[:last], 1):
        found = _QUOTED_VALUE.match(source)
        if not found:
            continue
        quote, rest = found.group(1), found.group(2)
        rest = rest.replace('\\"', "") if quote == '"' else rest.replace("''", "")
        if quote not in rest:
            return number
    return None


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
    text = read_text(path, shown_as)
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        raise ContentError(yaml_problem(exc, text, shown_as)) from exc


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


def replace_table_from_file(
    session: Session, source: str, shown: str, digest: str, parse: Callable[[], list[dict[str, Any]]], model: type
) -> SyncReport:
    """The sync of a source that is one editor file read into one table (the hotlines, the life stages).

    Skipped when ``digest`` is unchanged; otherwise ``parse()`` gives the rows and the table is replaced. A file
    that does not read keeps its last good rows online and its problems are reported (``path:line``).
    """
    report = SyncReport(source)
    tracker = FileTracker(session, source)
    if tracker.is_unchanged(shown, digest):
        report.unchanged = 1
        return report
    try:
        with reading(shown):
            rows = parse()
    except ContentError as exc:
        report.problems += exc.problems
        tracker.record_error(shown, digest, exc.problems)
        return report
    session.execute(delete(model))
    session.add_all(model(**row) for row in rows)
    tracker.record_ok(shown, digest)
    report.updated = 1
    return report
