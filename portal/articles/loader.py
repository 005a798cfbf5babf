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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..body_checks import (
    OTHER_SITE_IMAGE,
    image_problems,
    internal_path_problems,
    is_off_site,
    line_of,
    site_link_problems,
)
from ..content import (
    ContentError,
    FileTracker,
    Problem,
    Progress,
    SyncReport,
    decode_text,
    field_line,
    file_hash,
    find_line,
    load_yaml_file,
    read_text,
    reading,
    relative,
    split_front_matter,
)
from ..i18n import N_, SIMPLIFIED, WRITTEN_LANGUAGES
from ..markdown import MarkdownRenderer, PhoneBook, load_phone_book, render_fingerprint
from ..publishing import Schedule, hong_kong_date, publication_moment
from ..simplified import Converter, converter
from ..simplified_rows import (
    SOURCE_LANG,
    rows_in_place,
    simplified_digest,
    simplified_html,
    simplified_json,
    simplified_toc,
    written_file_digest,
)
from .model import Article, Category, Tag
from .sources import parse_sources

SOURCE = "articles"
HK = ZoneInfo("Asia/Hong_Kong")
# Longer titles are cut off in lists and search results (warnings: the file is still published).
TITLE_LIMITS = {"en": 90, "zh-hk": 40}
# Both language files of one article must say the same about these (an error otherwise).
SHARED_FIELDS = ("category", "tags", "published", "review_due")
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
    "sources": "sources",  # a list of citations, checked by .sources.parse_sources
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
        problems.append(Problem(shown, 1, N_("categories.yml must be a list of categories (- id: …)")))
        data = []
    for position, item in enumerate(data):
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str) or not SLUG.match(key):
            message = N_("category #%(number)s needs an id (lowercase, hyphens)")
            problems.append(Problem(shown, 1, message, params={"number": position + 1}))
            continue
        labels = {}
        for lang in WRITTEN_LANGUAGES:
            entry = item.get(lang)
            if not isinstance(entry, dict) or not entry.get("name"):
                line = find_line(read_text(cat_path, shown), f"id: {key}")
                message = N_("category '%(category)s' needs '%(lang)s: name:'")
                problems.append(Problem(shown, line, message, params={"category": key, "lang": lang}))
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
        if not isinstance(labels, dict) or not all(labels.get(lang) for lang in WRITTEN_LANGUAGES):
            line = field_line(read_text(tag_path, shown), str(key))
            message = N_("tag '%(tag)s' needs a label for en and zh-hk")
            problems.append(Problem(shown, line, message, params={"tag": key}))
            continue
        vocab.tags[str(key)] = {lang: str(labels[lang]) for lang in WRITTEN_LANGUAGES}
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
                Problem(shown_folder, 1, N_("folder name is the URL: use lowercase letters, digits and hyphens"))
            )
            continue
        languages = []
        for file_name in sorted(os.listdir(folder)):
            stem, suffix = os.path.splitext(file_name)
            shown = f"{shown_folder}/{file_name}"
            if suffix == ".md" and stem in WRITTEN_LANGUAGES:
                found.append(ArticleFile(name, stem, folder / file_name, shown))
                languages.append(stem)
            elif suffix == ".md":
                problems.append(Problem(shown, 1, N_("not a language file: name it en.md or zh-hk.md")))
        if not languages:
            problems.append(Problem(shown_folder, 1, N_("no en.md or zh-hk.md in this article folder")))
        elif len(languages) < len(WRITTEN_LANGUAGES):
            missing = next(code for code in WRITTEN_LANGUAGES if code not in languages)
            problems.append(
                Problem(
                    f"{shown_folder}/{languages[0]}.md",
                    1,
                    N_("unpaired: no %(missing)s.md yet; the %(lang)s version is shown with a notice"),
                    severity="warning",
                    params={"missing": missing, "lang": languages[0]},
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
    datetime: N_(
        "'%(field)s' must be a date like 2026-12-05 or a date and time like 2026-12-05 09:30 (Hong Kong time)"
    ),
    date: N_("'%(field)s' must be a date written YYYY-MM-DD, like 2026-03-02"),
    list: N_("'%(field)s' must be a list like [parenting, teenagers]"),
    str: N_("'%(field)s' must be text"),
    bool: N_("'%(field)s' must be true or false"),
}
MISSING_HELP = {
    datetime: N_("missing field '%(field)s' (a date like 2026-12-05, or a date and time like 2026-12-05 09:30)"),
    date: N_("missing field '%(field)s' (a date written YYYY-MM-DD, like 2026-03-02)"),
    list: N_("missing field '%(field)s' (a list like [parenting, teenagers])"),
    str: N_("missing field '%(field)s' (text)"),
    bool: N_("missing field '%(field)s' (true or false)"),
}


def today_hk() -> date:
    return datetime.now(UTC).astimezone(HK).date()


def _image_problems(item: ArticleFile, values: dict[str, Any], text: str) -> list[Problem]:
    """The cover image: a file beside the article (the CSP blocks other sites' images), with alt text."""
    problems, image, line = [], values["image"], field_line(text, "image")
    if is_off_site(image):
        problems.append(Problem(item.shown_as, line, OTHER_SITE_IMAGE, params={"image": image}))
    elif not (item.path.parent / image).is_file():
        message = N_("image '%(image)s' not found beside this file")
        problems.append(Problem(item.shown_as, line, message, params={"image": image}))
    if not values.get("image_alt"):
        message = N_("'image_alt' is needed: describe the image for screen readers")
        problems.append(Problem(item.shown_as, line, message))
    return problems


def _warnings(item: ArticleFile, values: dict[str, Any], text: str, today: date) -> list[Problem]:
    """What does not stop a file from being published but needs the editor's eye."""
    warnings = []
    limit = TITLE_LIMITS[item.lang]
    title = values.get("title") or ""
    if len(title) > limit:
        message = N_("the title has %(length)s characters; keep it to %(limit)s so lists and search results "
                     "show all of it")  # fmt: skip
        warnings.append(Problem(item.shown_as, field_line(text, "title"), message, "warning",
                                {"length": len(title), "limit": limit}))  # fmt: skip
    due = values.get("review_due")
    if isinstance(due, date) and due < today:
        message = N_("review was due on %(due)s: check the article, then write today's date in 'reviewed' and a "
                     "new 'review_due'")  # fmt: skip
        warnings.append(Problem(item.shown_as, field_line(text, "review_due"), message, "warning",
                                {"due": due.isoformat()}))  # fmt: skip
    return warnings


def _body_problems(item: ArticleFile, body: str, body_line: int, rendered: Any, title: str) -> list[Problem]:
    """Images in the text, links to other pages of the site, and internal paths shown to readers."""
    problems = []
    for name in rendered.images:
        path = item.path.parent / name
        if not path.is_file() or path.suffix.lower() not in IMAGE_SUFFIXES:
            message = N_("missing image '%(image)s': save it beside this file (png, jpg, gif, svg or webp)")
            problems.append(Problem(item.shown_as, line_of(body, name, body_line), message, params={"image": name}))
    problems += image_problems(item.shown_as, body, body_line)
    problems += site_link_problems(item.shown_as, rendered.html, body, body_line)
    problems += internal_path_problems(item.shown_as, title, rendered.plain_text, body, body_line)
    return problems


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
    today: date | None = None,
) -> dict[str, Any]:
    """Validate and render one article file (``phones``: the hotlines to link); raise ContentError
    listing every problem."""
    shown = item.shown_as
    if text is None:
        text = read_text(item.path, shown)
    meta, body, body_line = split_front_matter(text, shown)
    problems: list[Problem] = []
    values: dict[str, Any] = {}

    for name in meta:
        if name not in REQUIRED and name not in OPTIONAL:
            known = ", ".join([*REQUIRED, *OPTIONAL])
            message = N_("unknown field '%(field)s' (the fields are %(known)s)")
            problems.append(
                Problem(shown, field_line(text, str(name)), message, params={"field": name, "known": known})
            )
    sources, source_problems = parse_sources(meta.get("sources"), shown, text)
    problems += source_problems
    for name, kind in {**REQUIRED, **OPTIONAL}.items():
        if kind == "sources":
            continue
        if name not in meta or meta[name] is None:
            if name in REQUIRED:
                problems.append(Problem(shown, 2, MISSING_HELP[kind], params={"field": name}))
            continue
        try:
            values[name] = _coerce(meta[name], kind)
        except ValueError:
            problems.append(Problem(shown, field_line(text, name), TYPE_HELP[kind], params={"field": name}))
    for name in ("title", "summary"):
        if name in values and not values[name]:
            problems.append(Problem(shown, field_line(text, name), N_("'%(field)s' is empty"), params={"field": name}))

    category = values.get("category")
    if category is not None and category not in vocab.categories:
        known = ", ".join(vocab.category_order)
        message = N_("unknown category '%(category)s' (one of: %(known)s)")
        problems.append(Problem(shown, field_line(text, "category"), message, params={"category": category,
                                                                                    "known": known}))  # fmt: skip
    for tag in values.get("tags", []):
        if tag not in vocab.tags:
            message = N_("unknown tag '%(tag)s': add it to content/tags.yml first")
            problems.append(Problem(shown, field_line(text, "tags"), message, params={"tag": tag}))
    if "published" in values and "reviewed" in values and values["reviewed"] < hong_kong_date(values["published"]):
        message = N_("'reviewed' is before 'published'")
        problems.append(Problem(shown, field_line(text, "reviewed"), message))
    if values.get("image"):
        problems += _image_problems(item, values, text)
    problems += _warnings(item, values, text, today or today_hk())
    if not sources and not source_problems:
        message = N_("no 'sources': list where the facts in this article come from (a hotline, a service, a law), "
                     "each with a title and a url; see content/README.md")  # fmt: skip
        problems.append(Problem(shown, 2, message, "warning"))

    renderer = MarkdownRenderer(item.lang, lambda name: media_url(item.slug, name), phones)
    rendered = renderer.render(body)
    for target in rendered.links:
        if target not in known_slugs:
            message = N_("broken link: no article '%(slug)s' (the folder content/articles/%(slug)s does not exist)")
            problems.append(Problem(shown, line_of(body, target, body_line), message, params={"slug": target}))
    problems += _body_problems(item, body, body_line, rendered, values.get("title", ""))

    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(errors)
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
        "sources_json": json.dumps(sources, ensure_ascii=False),
        "body_html": rendered.html,
        "toc_json": json.dumps([h for h in rendered.headings if h[0] == 2], ensure_ascii=False),
        "plain_text": rendered.plain_text,
        "reading_minutes": _reading_minutes(rendered.plain_text),
        "source_path": shown,
        "warnings": [p for p in problems if p.severity == "warning"],
        "field_lines": {name: field_line(text, name) for name in (*SHARED_FIELDS, "reviewed")},
    }


def shared_facts(values: dict[str, Any]) -> dict[str, Any]:
    """What both language files of an article must agree on, plus 'reviewed', from parsed values or a row."""
    tags = values.get("tags_json", "[]")
    return {
        "category": values.get("category"),
        "tags": sorted(json.loads(tags) if isinstance(tags, str) else tags),
        "published": values.get("published"),
        "review_due": values.get("review_due"),
        "reviewed": values.get("reviewed"),
        "source_path": values.get("source_path", ""),
        "lines": values.get("field_lines", {}),
    }


def pair_problems(facts: dict[str, dict[str, Any]], checked: set[str]) -> list[Problem]:
    """Problems between the en and zh-hk files of one article (``facts`` by language, see ``shared_facts``),
    reported on the files in ``checked`` (those being read now; the other is the version online)."""
    if len(facts) < 2:
        return []
    problems = []
    for lang, mine in facts.items():
        if lang not in checked:
            continue
        other_lang = next(code for code in facts if code != lang)
        other = facts[other_lang]
        for name in SHARED_FIELDS:
            if mine[name] != other[name]:
                message = N_("'%(field)s' is %(value)s here but %(other_value)s in %(other)s: both languages of "
                             "an article must say the same")  # fmt: skip
                params = {"field": name, "value": _shown(mine[name]), "other_value": _shown(other[name]),
                          "other": other["source_path"]}  # fmt: skip
                problems.append(Problem(mine["source_path"], mine["lines"].get(name, 2), message, params=params))
        if lang == "zh-hk" and mine["reviewed"] and other["reviewed"] and mine["reviewed"] < other["reviewed"]:
            message = N_("translation behind: the English version was reviewed on %(en)s, this one on %(zh)s; "
                         "bring it up to date, then write the new date in 'reviewed'")  # fmt: skip
            params = {"en": other["reviewed"].isoformat(), "zh": mine["reviewed"].isoformat()}
            problems.append(Problem(mine["source_path"], mine["lines"].get("reviewed", 2), message, "warning", params))
    return problems


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return str(value)


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
        facts: dict[str, dict[str, dict[str, Any]]] = {}
        for item in items:
            try:
                with reading(item.shown_as):
                    values = parse_article(item, vocab, slugs, phones=phones)
            except ContentError as exc:
                problems += exc.problems
                continue
            problems += values["warnings"]
            facts.setdefault(item.slug, {})[item.lang] = shared_facts(values)
        for pair in facts.values():
            problems += pair_problems(pair, set(pair))
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
        self._sync_vocabulary(session, vocab, converter(content_dir))
        tracker = FileTracker(session, self.name)
        slugs = {item.slug for item in items}
        phones = load_phone_book(content_dir)
        # A new renderer or other hotlines change the HTML and plain text of unchanged files too.
        rendering = render_fingerprint(phones)
        # Ids only: loading 10,000 whole articles to skip them would cost more than the rest of a re-sync.
        existing = {(slug, lang): row_id for row_id, slug, lang in session.execute(
            select(Article.id, Article.slug, Article.lang))}  # fmt: skip
        parsed: dict[tuple[str, str], tuple[ArticleFile, dict[str, Any], str]] = {}
        schedule = Schedule(session, SOURCE)
        simplify = converter(content_dir)
        for item in items:
            progress(1)
            raw = item.path.read_bytes()
            digest = written_file_digest(raw, item.lang, simplify, vocab.fingerprint, rendering)
            if tracker.is_unchanged(item.shown_as, digest) and rows_in_place(existing, item.slug, item.lang):
                report.unchanged += 1
                continue
            try:
                with reading(item.shown_as):
                    values = parse_article(item, vocab, slugs, decode_text(raw, item.shown_as), phones)
            except ContentError as exc:
                report.problems += exc.problems
                tracker.record_error(item.shown_as, digest, exc.problems)
                continue
            report.problems += values.pop("warnings")
            parsed[(item.slug, item.lang)] = (item, values, digest)
        rejected = self._check_pairs(session, parsed, existing, report)
        for key, (item, values, digest) in parsed.items():
            if key in rejected:
                tracker.record_error(item.shown_as, digest, rejected[key])
                continue
            values.pop("field_lines")
            publish_at = values.pop("publish_at")
            self._store(session, existing, schedule, values, digest, publish_at, report)
            if item.lang == SOURCE_LANG:
                made = simplified_article(simplify, values)
                self._store(session, existing, schedule, made, simplified_digest(digest, simplify), publish_at, None)
            report.changed_keys.add(item.slug)
            tracker.record_ok(item.shown_as, digest)
        on_disk = {(item.slug, item.lang) for item in items}
        on_disk |= {(slug, SIMPLIFIED) for slug, lang in on_disk if lang == SOURCE_LANG}
        gone = {key: row_id for key, row_id in existing.items() if key not in on_disk}
        if gone:
            session.execute(delete(Article).where(Article.id.in_(list(gone.values()))))
            report.removed += sum(1 for _slug, lang in gone if lang != SIMPLIFIED)  # counted as files are
            report.changed_keys.update(slug for slug, _lang in gone)
            for slug, lang in gone:
                schedule.forget(slug, lang)
        for path in tracker.removed():
            tracker.forget(path)
        return report

    @staticmethod
    def _store(session, existing, schedule, values, digest, publish_at, report) -> None:  # noqa: ANN001, PLR0913
        """Add or update the row of one (slug, lang) and its publication moment (``report`` None: not counted,
        as for the zh-cn row made from a zh-hk file)."""
        slug, lang = values["slug"], values["lang"]
        schedule.set(slug, lang, publish_at)
        row_id = existing.get((slug, lang))
        row = session.get(Article, row_id) if row_id is not None else None
        if row is None:
            session.add(Article(**values, content_hash=digest))
            if report is not None:
                report.added += 1
            return
        for name, value in values.items():
            setattr(row, name, value)
        row.content_hash = digest
        if report is not None:
            report.updated += 1

    @staticmethod
    def _check_pairs(session, parsed, existing, report) -> dict[tuple[str, str], list[Problem]]:
        """Compare each changed file with its twin (changed too, or the version online); the errors by file."""
        rejected: dict[tuple[str, str], list[Problem]] = {}
        for slug in sorted({slug for slug, _lang in parsed}):
            facts, checked = {}, set()
            for lang in WRITTEN_LANGUAGES:
                if (slug, lang) in parsed:
                    facts[lang] = shared_facts(parsed[(slug, lang)][1])
                    checked.add(lang)
                elif (slug, lang) in existing:
                    row = session.get(Article, existing[(slug, lang)])
                    facts[lang] = shared_facts({c: getattr(row, c) for c in ("category", "tags_json", "published",
                                                "review_due", "reviewed", "source_path")})  # fmt: skip
            for problem in pair_problems(facts, checked):
                report.problems.append(problem)
                if problem.severity == "error":
                    lang = next(code for code in checked if facts[code]["source_path"] == problem.path)
                    rejected.setdefault((slug, lang), []).append(problem)
        return rejected

    def _sync_vocabulary(self, session: Session, vocab: Vocabulary, simplify: Converter) -> None:
        """Categories and tags in every written language, and in Simplified made from the Traditional labels."""
        session.execute(delete(Category))
        session.execute(delete(Tag))
        for position, key in enumerate(vocab.category_order):
            for lang, labels in vocab.categories[key].items():
                session.add(Category(key=key, lang=lang, position=position, **labels))
                if lang == SOURCE_LANG:
                    made = {name: simplify.text(text) for name, text in labels.items()}
                    session.add(Category(key=key, lang=SIMPLIFIED, position=position, **made))
        for key, labels in vocab.tags.items():
            for lang, label in labels.items():
                session.add(Tag(key=key, lang=lang, label=label))
                if lang == SOURCE_LANG:
                    session.add(Tag(key=key, lang=SIMPLIFIED, label=simplify.text(label)))


# The reader-visible text of an article row; the rest (dates, category, tags, image, paths) is shared.
SIMPLIFIED_TEXT = ("title", "summary", "author", "image_alt", "plain_text")


def simplified_article(simplify: Converter, values: dict[str, Any]) -> dict[str, Any]:
    """The zh-cn row's values made from a zh-hk row's: text converted, site links to /zh-cn/."""
    made = dict(values, lang=SIMPLIFIED)
    for name in SIMPLIFIED_TEXT:
        made[name] = simplify.text(values[name] or "")
    made["body_html"] = simplified_html(simplify, values["body_html"])
    made["toc_json"] = simplified_toc(simplify, values["toc_json"])
    made["sources_json"] = simplified_json(simplify, values["sources_json"], ("title", "publisher"))
    return made
