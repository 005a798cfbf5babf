"""Reads content/articles/, validates it, and syncs it into the database.

Layout: ``content/articles/<slug>/en.md`` and ``zh-hk.md`` (either may be
missing), images beside them, categories in ``content/categories.yml`` and
tag labels in ``content/tags.yml``.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..content import (
    ContentError,
    FileTracker,
    Problem,
    Progress,
    SyncReport,
    field_line,
    file_hash,
    find_line,
    load_yaml_file,
    relative,
    split_front_matter,
)
from ..i18n import LANGUAGES
from ..markdown import MarkdownRenderer, PhoneBook, load_phone_book, render_fingerprint
from ..publishing import PUBLISHED_HELP, Schedule, hong_kong_date, publication_moment
from .model import Article, Category, Tag

SOURCE = "articles"
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# "published" is a moment: a date (00:00) or a date and time, Hong Kong time; a future one schedules the article.
REQUIRED = {"title": str, "summary": str, "category": str, "published": datetime, "reviewed": date}
OPTIONAL = {
    "tags": list,
    "review_due": date,
    "author": str,
    "image": str,
    "image_alt": str,
    "featured": bool,
}


def media_url(slug: str, name: str) -> str:
    return f"/media/articles/{slug}/{name}"


@dataclass
class Vocabulary:
    """Categories and tags with their labels per language."""

    categories: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    category_order: list[str] = field(default_factory=list)
    tags: dict[str, dict[str, str]] = field(default_factory=dict)
    fingerprint: str = ""


@dataclass
class ArticleFile:
    slug: str
    lang: str
    path: Path
    shown_as: str


def load_vocabulary(content_dir: Path) -> tuple[Vocabulary, list[Problem]]:
    vocab, problems = Vocabulary(), []
    raw: list[bytes] = []
    cat_path, tag_path = content_dir / "categories.yml", content_dir / "tags.yml"
    for path in (cat_path, tag_path):
        raw.append(path.read_bytes() if path.exists() else b"")
    vocab.fingerprint = file_hash(*raw)

    shown = relative(cat_path, content_dir)
    try:
        data = load_yaml_file(cat_path, shown) if cat_path.exists() else None
    except ContentError as exc:
        return vocab, exc.problems
    if not isinstance(data, list):
        problems.append(Problem(shown, 1, "categories.yml must be a list of categories (- id: …)"))
        data = []
    for position, item in enumerate(data):
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str) or not SLUG.match(key):
            problems.append(Problem(shown, 1, f"category #{position + 1} needs an id (lowercase, hyphens)"))
            continue
        labels = {}
        for lang in LANGUAGES:
            entry = item.get(lang)
            if not isinstance(entry, dict) or not entry.get("name"):
                line = find_line(cat_path.read_text(encoding="utf-8"), f"id: {key}")
                problems.append(Problem(shown, line, f"category '{key}' needs '{lang}: name:'"))
                entry = {"name": key}
            labels[lang] = {"name": str(entry["name"]), "description": str(entry.get("description", ""))}
        vocab.categories[key] = labels
        vocab.category_order.append(key)

    shown = relative(tag_path, content_dir)
    try:
        tags = load_yaml_file(tag_path, shown) if tag_path.exists() else {}
    except ContentError as exc:
        return vocab, problems + exc.problems
    for key, labels in (tags or {}).items():
        if not isinstance(labels, dict) or not all(labels.get(lang) for lang in LANGUAGES):
            line = field_line(tag_path.read_text(encoding="utf-8"), str(key))
            problems.append(Problem(shown, line, f"tag '{key}' needs a label for en and zh-hk"))
            continue
        vocab.tags[str(key)] = {lang: str(labels[lang]) for lang in LANGUAGES}
    return vocab, problems


def discover(content_dir: Path) -> tuple[list[ArticleFile], list[Problem]]:
    """Every article file, plus problems with the folder layout itself."""
    content_dir = content_dir.resolve()
    root = content_dir / "articles"
    found: list[ArticleFile] = []
    problems: list[Problem] = []
    if not root.is_dir():
        return found, problems
    shown_root = relative(root, content_dir)  # resolved once, not per file (10,000 files)
    for name in sorted(entry.name for entry in os.scandir(root) if entry.is_dir()):
        folder = root / name
        shown_folder = f"{shown_root}/{name}"
        if not SLUG.match(name):
            problems.append(
                Problem(shown_folder, 1, "folder name is the URL: use lowercase letters, digits and hyphens")
            )
            continue
        languages = []
        for file_name in sorted(os.listdir(folder)):
            stem, suffix = os.path.splitext(file_name)
            shown = f"{shown_folder}/{file_name}"
            if suffix == ".md" and stem in LANGUAGES:
                found.append(ArticleFile(name, stem, folder / file_name, shown))
                languages.append(stem)
            elif suffix == ".md":
                problems.append(Problem(shown, 1, "not a language file: name it en.md or zh-hk.md"))
        if not languages:
            problems.append(Problem(shown_folder, 1, "no en.md or zh-hk.md in this article folder"))
        elif len(languages) < len(LANGUAGES):
            missing = next(code for code in LANGUAGES if code not in languages)
            problems.append(
                Problem(
                    f"{shown_folder}/{languages[0]}.md",
                    1,
                    f"unpaired: no {missing}.md yet; the {languages[0]} version is shown with a notice",
                    severity="warning",
                )
            )
    return found, problems


def _coerce(value: Any, kind: type) -> Any:
    if kind is datetime:
        return publication_moment(value)
    if kind is date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            return date.fromisoformat(value.strip())
        raise ValueError
    if kind is list:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        raise ValueError
    if kind is str:
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value).strip()
        raise ValueError
    if kind is bool and isinstance(value, bool):
        return value
    raise ValueError


TYPE_HELP = {
    datetime: PUBLISHED_HELP,
    date: "a date like 2026-03-02",
    list: "a list like [parenting, teenagers]",
    str: "text",
    bool: "true or false",
}


def _reading_minutes(text: str) -> int:
    cjk = len(re.findall(r"[\u3400-\u9fff\uf900-\ufaff]", text))
    words = len(re.findall(r"[A-Za-z0-9']+", text))
    return max(1, math.ceil(words / 200 + cjk / 350))


def parse_article(
    item: ArticleFile,
    vocab: Vocabulary,
    known_slugs: set[str],
    text: str | None = None,
    phones: PhoneBook | None = None,
) -> dict[str, Any]:
    """Validate and render one article file (``phones``: the hotlines to link); raise ContentError
    listing every problem."""
    shown = item.shown_as
    if text is None:
        try:
            text = item.path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ContentError(Problem(shown, 1, "not UTF-8 text: save the file as UTF-8")) from exc
    meta, body, body_line = split_front_matter(text, shown)
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    for name in meta:
        if name not in REQUIRED and name not in OPTIONAL:
            problems.append(Problem(shown, field_line(text, str(name)), f"unknown field '{name}'"))
    for name, kind in {**REQUIRED, **OPTIONAL}.items():
        if name not in meta or meta[name] is None:
            if name in REQUIRED:
                problems.append(Problem(shown, 2, f"missing field '{name}' ({TYPE_HELP[kind]})"))
            continue
        try:
            values[name] = _coerce(meta[name], kind)
        except ValueError:
            problems.append(
                Problem(shown, field_line(text, name), f"'{name}' must be {TYPE_HELP[kind]}")
            )
    for name in ("title", "summary"):
        if name in values and not values[name]:
            problems.append(Problem(shown, field_line(text, name), f"'{name}' is empty"))

    category = values.get("category")
    if category is not None and category not in vocab.categories:
        known = ", ".join(vocab.category_order)
        problems.append(
            Problem(shown, field_line(text, "category"), f"unknown category '{category}' (one of: {known})")
        )
    for tag in values.get("tags", []):
        if tag not in vocab.tags:
            problems.append(
                Problem(shown, field_line(text, "tags"), f"unknown tag '{tag}': add it to content/tags.yml first")
            )
    if "published" in values and "reviewed" in values and values["reviewed"] < hong_kong_date(values["published"]):
        problems.append(Problem(shown, field_line(text, "reviewed"), "'reviewed' is before 'published'"))
    if values.get("image"):
        if not (item.path.parent / values["image"]).is_file():
            problems.append(
                Problem(shown, field_line(text, "image"), f"image '{values['image']}' not found beside this file")
            )
        if not values.get("image_alt"):
            problems.append(
                Problem(
                    shown, field_line(text, "image"), "'image_alt' is needed: describe the image for screen readers"
                )
            )

    renderer = MarkdownRenderer(item.lang, lambda name: media_url(item.slug, name), phones)
    rendered = renderer.render(body)
    for target in rendered.links:
        if target not in known_slugs:
            problems.append(
                Problem(shown, _line_of(body, target, body_line), f"broken link: no article '{target}'")
            )
    for name in rendered.images:
        path = item.path.parent / name
        if not path.is_file() or path.suffix.lower() not in IMAGE_SUFFIXES:
            problems.append(Problem(shown, _line_of(body, name, body_line), f"missing image '{name}'"))

    if problems:
        raise ContentError(problems)
    return {
        "slug": item.slug,
        "lang": item.lang,
        "title": values["title"],
        "summary": values["summary"],
        "category": values["category"],
        "tags_json": json.dumps(values.get("tags", []), ensure_ascii=False),
        "published": hong_kong_date(values["published"]),
        "publish_at": values["published"],  # not a column: the sync schedules it (portal/publishing.py)
        "reviewed": values["reviewed"],
        "review_due": values.get("review_due"),
        "author": values.get("author", ""),
        "image": values.get("image"),
        "image_alt": values.get("image_alt", ""),
        "featured": values.get("featured", False),
        "body_html": rendered.html,
        "toc_json": json.dumps([h for h in rendered.headings if h[0] == 2], ensure_ascii=False),
        "plain_text": rendered.plain_text,
        "reading_minutes": _reading_minutes(rendered.plain_text),
        "source_path": shown,
    }


def _line_of(body: str, needle: str, body_line: int) -> int:
    index = body.find(needle)
    return body_line + (body[:index].count("\n") if index >= 0 else 0)


class ArticleSource:
    """The articles' part of ``flask content check`` and ``flask content sync``."""

    name = SOURCE

    def files(self, content_dir: Path) -> list[Path]:
        return [item.path for item in discover(content_dir)[0]]

    def check(self, content_dir: Path) -> list[Problem]:
        vocab, problems = load_vocabulary(content_dir)
        items, layout_problems = discover(content_dir)
        problems += layout_problems
        slugs = {item.slug for item in items}
        phones = load_phone_book(content_dir)
        for item in items:
            try:
                parse_article(item, vocab, slugs, phones=phones)
            except ContentError as exc:
                problems += exc.problems
        return problems

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        report = SyncReport(self.name, changed_keys=set())
        vocab, vocab_problems = load_vocabulary(content_dir)
        items, layout_problems = discover(content_dir)
        report.problems += vocab_problems + layout_problems
        if any(p.severity == "error" for p in vocab_problems):
            # Without valid categories nothing can be checked: keep everything as it is.
            progress(len(items))
            return report
        self._sync_vocabulary(session, vocab)
        tracker = FileTracker(session, self.name)
        slugs = {item.slug for item in items}
        phones = load_phone_book(content_dir)
        # A new renderer or other hotlines change the HTML and plain text of unchanged files too.
        rendering = render_fingerprint(phones)
        # Ids only: loading 10,000 whole articles to skip them would cost more than the rest of a re-sync.
        existing = {(slug, lang): row_id for row_id, slug, lang in session.execute(
            select(Article.id, Article.slug, Article.lang))}  # fmt: skip
        schedule = Schedule(session, SOURCE)
        for item in items:
            progress(1)
            raw = item.path.read_bytes()
            digest = file_hash(raw, vocab.fingerprint, rendering)
            if tracker.is_unchanged(item.shown_as, digest) and (item.slug, item.lang) in existing:
                report.unchanged += 1
                continue
            try:
                values = parse_article(item, vocab, slugs, raw.decode("utf-8"), phones)
            except UnicodeDecodeError:
                problem = Problem(item.shown_as, 1, "not UTF-8 text: save the file as UTF-8")
                report.problems.append(problem)
                tracker.record_error(item.shown_as, digest, [problem])
                continue
            except ContentError as exc:
                report.problems += exc.problems
                tracker.record_error(item.shown_as, digest, exc.problems)
                continue
            schedule.set(item.slug, item.lang, values.pop("publish_at"))
            row_id = existing.get((item.slug, item.lang))
            row = session.get(Article, row_id) if row_id is not None else None
            if row is None:
                session.add(Article(**values, content_hash=digest))
                report.added += 1
            else:
                for key, value in values.items():
                    setattr(row, key, value)
                row.content_hash = digest
                report.updated += 1
            report.changed_keys.add(item.slug)
            tracker.record_ok(item.shown_as, digest)
        on_disk = {(item.slug, item.lang) for item in items}
        gone = {key: row_id for key, row_id in existing.items() if key not in on_disk}
        if gone:
            session.execute(delete(Article).where(Article.id.in_(list(gone.values()))))
            report.removed += len(gone)
            report.changed_keys.update(slug for slug, _lang in gone)
            for slug, lang in gone:
                schedule.forget(slug, lang)
        for path in tracker.removed():
            tracker.forget(path)
        return report

    def _sync_vocabulary(self, session: Session, vocab: Vocabulary) -> None:
        session.execute(delete(Category))
        session.execute(delete(Tag))
        for position, key in enumerate(vocab.category_order):
            for lang, labels in vocab.categories[key].items():
                session.add(Category(key=key, lang=lang, position=position, **labels))
        for key, labels in vocab.tags.items():
            for lang, label in labels.items():
                session.add(Tag(key=key, lang=lang, label=label))
