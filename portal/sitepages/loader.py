"""Reads content/site/, checks it and syncs it into the database.

Layout: ``content/site/<slug>/en.md`` and ``zh-hk.md`` for each page in
:data:`~.model.PAGES` (About, Contact, Privacy…), rendered with the articles'
markdown renderer, and ``content/site/contact.yml`` (the e-mail address and
what to expect). A file with errors is reported as ``path:line: message`` and
its last good version stays online, as for articles.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from html import unescape as html_unescape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..bilingual import fill_simplified, simplified_fields
from ..body_checks import internal_path_problems
from ..config import is_placeholder_domain, is_placeholder_email
from ..content import (
    ContentError,
    FileTracker,
    Problem,
    Progress,
    SyncReport,
    as_date,
    decode_text,
    field_line,
    file_hash,
    load_yaml_file,
    read_text,
    reading,
    relative,
    split_front_matter,
)
from ..i18n import N_, SIMPLIFIED, WRITTEN_LANGUAGES
from ..markdown import MarkdownRenderer, PhoneBook, load_phone_book, render_fingerprint
from ..simplified import Converter, converter
from ..simplified_rows import (
    SOURCE_LANG,
    rows_in_place,
    simplified_digest,
    simplified_html,
    simplified_toc,
    written_file_digest,
)
from .model import PAGES, SiteContact, SitePage

SOURCE = "sitepages"
FIELDS = ("title", "summary", "reviewed")
MISSING_FIELD = {
    "title": N_("missing field '%(field)s' (text)"),
    "summary": N_("missing field '%(field)s' (text, one sentence)"),
    "reviewed": N_("missing field '%(field)s' (a date like 2026-12-01)"),
}
WRONG_FIELD = {
    "title": N_("'%(field)s' must be text"),
    "summary": N_("'%(field)s' must be text, one sentence"),
    "reviewed": N_("'%(field)s' must be a date like 2026-12-01"),
}
CONTACT_FIELDS = ("email", "expect")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HREF = re.compile(r'href="([^"]*)"')
# What the renderer makes of "../<slug>/<lang>.md" and "/articles/<slug>": an article address.
RENDERED_ARTICLE = re.compile(r"^/(en|zh-hk)/articles/([a-z0-9][a-z0-9-]*)(#.*)?$")
# Site paths that already carry their language, or are not pages (files, open data).
NOT_LOCALISED = re.compile(r"^/(?:en|zh-hk|zh-cn|static|media|api)(?:/|$)")


@dataclass
class PageFile:
    slug: str
    lang: str
    path: Path
    shown_as: str


@dataclass
class Layout:
    """What is in content/site/: the page files, contact.yml (if any) and layout problems."""

    pages: list[PageFile] = field(default_factory=list)
    contact: Path | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class LinkTargets:
    """Where links in a site page may lead: the site pages and the articles."""

    site_pages: frozenset[str]
    articles: frozenset[str]

    @property
    def fingerprint(self) -> str:
        """Part of each file's hash, so a page is checked again when an article it may link to comes or goes."""
        return file_hash(*sorted(self.site_pages), "|", *sorted(self.articles))


def _root(content_dir: Path) -> Path:
    return content_dir / "site"


def discover(content_dir: Path) -> Layout:
    """Every site page file and the contact file, plus problems with the folder layout itself."""
    content_dir = content_dir.resolve()
    root = _root(content_dir)
    layout = Layout()
    shown_root = relative(root, content_dir)
    if not root.is_dir():
        layout.problems.append(
            Problem(
                shown_root,
                1,
                N_(
                    "no site pages folder: About, Contact, Privacy and the other footer pages "
                    "are 'page not found' until content/site/ exists"
                ),
                severity="warning",
            )
        )
        return layout
    contact = root / "contact.yml"
    layout.contact = contact if contact.is_file() else None
    if layout.contact is None:
        layout.problems.append(
            Problem(
                f"{shown_root}/contact.yml",
                1,
                N_("no contact file: the Contact page says that our e-mail address is not yet set"),
                severity="warning",
            )
        )
    folders = sorted(entry.name for entry in os.scandir(root) if entry.is_dir())
    for name in folders:
        shown_folder = f"{shown_root}/{name}"
        if name not in PAGES:
            message = N_("not a site page: the site pages are %(pages)s (a new page needs its address added in "
                         "portal/sitepages/model.py)")  # fmt: skip
            layout.problems.append(Problem(shown_folder, 1, message, params={"pages": ", ".join(PAGES)}))
            continue
        languages = []
        for file_name in sorted(os.listdir(root / name)):
            stem, suffix = os.path.splitext(file_name)
            if suffix == ".md" and stem in WRITTEN_LANGUAGES:
                layout.pages.append(PageFile(name, stem, root / name / file_name, f"{shown_folder}/{file_name}"))
                languages.append(stem)
            elif suffix == ".md":
                message = N_("not a language file: name it en.md or zh-hk.md")
                layout.problems.append(Problem(f"{shown_folder}/{file_name}", 1, message))
        for missing in (code for code in WRITTEN_LANGUAGES if code not in languages):
            if languages:
                message = N_("unpaired: no %(missing)s.md yet; /%(missing)s/%(page)s shows the %(present)s version "
                             "with a notice")  # fmt: skip
                params = {"missing": missing, "page": name, "present": languages[0]}
                layout.problems.append(
                    Problem(f"{shown_folder}/{languages[0]}.md", 1, message, severity="warning", params=params)
                )
    for name in PAGES:
        if name not in folders:
            layout.problems.append(
                Problem(
                    f"{shown_root}/{name}/en.md",
                    1,
                    N_("missing: /en/%(page)s and /zh-hk/%(page)s are 'page not found' until this page exists"),
                    severity="warning",
                    params={"page": name},
                )
            )
    return layout


def link_targets(content_dir: Path) -> LinkTargets:
    """The site page slugs (known addresses) and the article folders on disk."""
    articles = content_dir / "articles"
    names = [entry.name for entry in os.scandir(articles) if entry.is_dir()] if articles.is_dir() else []
    return LinkTargets(frozenset(PAGES), frozenset(names))


def _line_of(body: str, needle: str, body_line: int) -> int:
    index = body.find(needle)
    return body_line + (body[:index].count("\n") if index >= 0 else 0)


def _localise_links(
    html: str, lang: str, targets: LinkTargets, body: str, body_line: int, shown: str
) -> tuple[str, list[Problem]]:
    """Point each link at its page in this site, in this page's language; report links that lead nowhere."""
    problems: list[Problem] = []

    def rewrite(match: re.Match[str]) -> str:
        href = match.group(1)
        article = RENDERED_ARTICLE.match(href)
        if article:
            link_lang, slug, anchor = article.group(1), article.group(2), article.group(3) or ""
            if slug in targets.site_pages:
                return f'href="/{link_lang}/{slug}{anchor}"'
            if slug not in targets.articles:
                line = _line_of(body, slug, body_line)
                message = N_("broken link: no site page or article '%(slug)s'")
                problems.append(Problem(shown, line, message, params={"slug": slug}))
            return match.group(0)
        if href.startswith("mailto:") and is_placeholder_email(href[len("mailto:") :].split("?", 1)[0]):
            line = _line_of(body, href[len("mailto:") :], body_line)
            message = N_("placeholder e-mail address: write the real address in content/site/contact.yml")
            problems.append(Problem(shown, line, message))
            return match.group(0)
        if href.startswith("/") and not href.startswith("//") and not NOT_LOCALISED.match(href):
            return f'href="/{lang}{href}"'
        if href.startswith(("https://", "http://")) and is_placeholder_domain(urlsplit(html_unescape(href)).hostname):
            line = _line_of(body, href, body_line)
            message = N_("placeholder address '%(href)s': link to the real site")
            problems.append(Problem(shown, line, message, params={"href": href}))
        if href and not href.startswith(("#", "/")) and ":" not in href.split("/", 1)[0]:
            line = _line_of(body, href, body_line)
            message = N_("link '%(href)s' leads nowhere: write ../<page>/en.md for a site page, /articles/<slug> for "
                         "an article, /help for another page of the site, or a full https:// address")  # fmt: skip
            problems.append(Problem(shown, line, message, params={"href": href}))
        return match.group(0)

    return HREF.sub(rewrite, html), problems


def parse_page(
    item: PageFile, targets: LinkTargets, text: str | None = None, phones: PhoneBook | None = None
) -> dict[str, Any]:
    """Check and render one site page file (``phones``: the hotlines to link); raise ContentError
    listing every problem."""
    shown = item.shown_as
    if text is None:
        text = read_text(item.path, shown)
    meta, body, body_line = split_front_matter(text, shown)
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name in meta:
        if name not in FIELDS:
            message = N_("unknown field '%(field)s' (the fields are %(known)s)")
            params = {"field": name, "known": ", ".join(FIELDS)}
            problems.append(Problem(shown, field_line(text, str(name)), message, params=params))
    for name in FIELDS:
        value = meta.get(name)
        if value is None or value == "":
            problems.append(Problem(shown, field_line(text, name, 2), MISSING_FIELD[name], params={"field": name}))
        elif name == "reviewed":
            parsed = as_date(value)
            if parsed is None:
                problems.append(Problem(shown, field_line(text, name), WRONG_FIELD[name], params={"field": name}))
            values[name] = parsed
        elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
            problems.append(Problem(shown, field_line(text, name), WRONG_FIELD[name], params={"field": name}))
        else:
            values[name] = str(value).strip()

    rendered = MarkdownRenderer(item.lang, lambda name: name, phones).render(body)
    for name in rendered.images:
        message = N_("image '%(image)s': site pages have no images")
        problems.append(Problem(shown, _line_of(body, name, body_line), message, params={"image": name}))
    html, link_problems = _localise_links(rendered.html, item.lang, targets, body, body_line, shown)
    problems += link_problems
    problems += internal_path_problems(shown, str(values.get("title", "")), rendered.plain_text, body, body_line)
    for address in EMAIL_IN_TEXT.findall(body):
        if is_placeholder_email(address):
            line = _line_of(body, address, body_line)
            message = N_("placeholder e-mail address '%(address)s': write the real address in content/site/contact.yml")
            problems.append(Problem(shown, line, message, params={"address": address}))
    if problems:
        raise ContentError(sorted(set(problems)))
    return {
        "slug": item.slug,
        "lang": item.lang,
        "title": values["title"],
        "summary": values["summary"],
        "reviewed": values["reviewed"],
        "body_html": html,
        "toc_json": json.dumps([h for h in rendered.headings if h[0] == 2], ensure_ascii=False),
        "source_path": shown,
    }


def parse_contact(path: Path, shown: str) -> tuple[dict[str, str], list[Problem]]:
    """The contact row and any warnings (a placeholder address); raise ContentError on errors."""
    data = load_yaml_file(path, shown)
    text = read_text(path, shown)
    if not isinstance(data, dict):
        raise ContentError(Problem(shown, 1, N_("contact.yml must be 'field: value' lines: email and expect")))
    problems: list[Problem] = []
    for name in data:
        if name not in CONTACT_FIELDS:
            message = N_("unknown field '%(field)s' (the fields are %(known)s)")
            params = {"field": name, "known": ", ".join(CONTACT_FIELDS)}
            problems.append(Problem(shown, field_line(text, str(name)), message, params=params))
    email = data.get("email")
    email = "" if email is None else email
    if not isinstance(email, str) or (email.strip() and not EMAIL.match(email.strip())):
        message = N_("email '%(email)s' is not an e-mail address")
        problems.append(Problem(shown, field_line(text, "email"), message, params={"email": email}))
        email = ""
    email = email.strip()
    expect = data.get("expect")
    if not isinstance(expect, dict) or not all(
        isinstance(expect.get(code), str) and expect[code].strip() for code in WRITTEN_LANGUAGES
    ):
        problems.append(
            Problem(
                shown,
                field_line(text, "expect"),
                N_("'expect' needs a text for en and zh-hk: what happens after someone writes to us"),
            )
        )
    if problems:
        raise ContentError(problems)
    warnings = []
    if is_placeholder_email(email):
        message = N_(
            "placeholder address: the Contact page says our e-mail address is not yet set; write the real address here"
        )
        warnings.append(Problem(shown, field_line(text, "email"), message, severity="warning"))
        email = ""
    row = {"email": email, "expect_en": expect["en"].strip(), "expect_zh": expect["zh-hk"].strip()}
    fill_simplified(row, simplified_fields(SiteContact), converter(path.parent.parent), SiteContact)
    return row, warnings


class SitePageSource:
    """The site pages' part of ``flask content check`` and ``flask content sync``."""

    name = SOURCE

    def files(self, content_dir: Path) -> list[Path]:
        layout = discover(content_dir)
        return [item.path for item in layout.pages] + ([layout.contact] if layout.contact else [])

    def check(self, content_dir: Path) -> list[Problem]:
        layout = discover(content_dir)
        problems = list(layout.problems)
        targets = link_targets(content_dir)
        phones = load_phone_book(content_dir)
        for item in layout.pages:
            try:
                with reading(item.shown_as):
                    parse_page(item, targets, phones=phones)
            except ContentError as exc:
                problems += exc.problems
        if layout.contact:
            try:
                shown = relative(layout.contact, content_dir)
                with reading(shown):
                    problems += parse_contact(layout.contact, shown)[1]
            except ContentError as exc:
                problems += exc.problems
        return problems

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        report = SyncReport(self.name, changed_keys=set())
        layout = discover(content_dir)
        report.problems += layout.problems
        targets = link_targets(content_dir)
        phones = load_phone_book(content_dir)
        rendering = render_fingerprint(phones)  # a new renderer or other hotlines re-render unchanged pages
        tracker = FileTracker(session, self.name)
        existing = {(row.slug, row.lang): row for row in session.scalars(select(SitePage))}
        simplify = converter(content_dir)
        for item in layout.pages:
            progress(1)
            raw = item.path.read_bytes()
            digest = written_file_digest(raw, item.lang, simplify, targets.fingerprint, rendering)
            if tracker.is_unchanged(item.shown_as, digest) and rows_in_place(existing, item.slug, item.lang):
                report.unchanged += 1
                continue
            try:
                with reading(item.shown_as):
                    values = parse_page(item, targets, decode_text(raw, item.shown_as), phones)
            except ContentError as exc:
                report.problems += exc.problems
                tracker.record_error(item.shown_as, digest, exc.problems)
                continue
            if _store(session, existing, values, digest):
                report.added += 1
            else:
                report.updated += 1
            if item.lang == SOURCE_LANG:  # the zh-hk file also makes the zh-cn row
                _store(session, existing, simplified_page(simplify, values), simplified_digest(digest, simplify))
            report.changed_keys.add(item.slug)
            tracker.record_ok(item.shown_as, digest)
        on_disk = {(item.slug, item.lang) for item in layout.pages}
        on_disk |= {(slug, SIMPLIFIED) for slug, lang in on_disk if lang == SOURCE_LANG}
        for key, row in existing.items():
            if key not in on_disk:
                session.delete(row)
                report.removed += 0 if key[1] == SIMPLIFIED else 1  # counted as files are: a made row is not one
                report.changed_keys.add(key[0])
        self._sync_contact(session, content_dir, layout, tracker, report, progress)
        for path in tracker.removed():
            tracker.forget(path)
        return report

    def _sync_contact(
        self,
        session: Session,
        content_dir: Path,
        layout: Layout,
        tracker: FileTracker,
        report: SyncReport,
        progress: Progress,
    ) -> None:
        row = session.get(SiteContact, "contact")
        if layout.contact is None:
            if row is not None:
                session.execute(delete(SiteContact))
                report.removed += 1
                report.changed_keys.add("contact")
            return
        progress(1)
        shown = relative(layout.contact, content_dir)
        digest = file_hash(layout.contact.read_bytes(), converter(content_dir).fingerprint)
        if tracker.is_unchanged(shown, digest) and row is not None:
            report.unchanged += 1
            return
        try:
            with reading(shown):
                values, warnings = parse_contact(layout.contact, shown)
        except ContentError as exc:
            report.problems += exc.problems
            tracker.record_error(shown, digest, exc.problems)
            return
        report.problems += warnings
        if row is None:
            session.add(SiteContact(key="contact", **values))
            report.added += 1
        else:
            for key, value in values.items():
                setattr(row, key, value)
            report.updated += 1
        report.changed_keys.add("contact")
        tracker.record_ok(shown, digest)


def _store(session: Session, existing: dict[tuple[str, str], SitePage], values: dict[str, Any], digest: str) -> bool:
    """Add or update the row of one (slug, lang); True when it is new."""
    row = existing.get((values["slug"], values["lang"]))
    if row is None:
        row = SitePage(**values, content_hash=digest)
        session.add(row)
        existing[(row.slug, row.lang)] = row
        return True
    for key, value in values.items():
        setattr(row, key, value)
    row.content_hash = digest
    return False


def simplified_page(simplify: Converter, values: dict[str, Any]) -> dict[str, Any]:
    """The zh-cn row's values made from a zh-hk row's: text converted, site links to /zh-cn/."""
    return dict(
        values,
        lang=SIMPLIFIED,
        title=simplify.text(values["title"]),
        summary=simplify.text(values["summary"]),
        body_html=simplified_html(simplify, values["body_html"]),
        toc_json=simplified_toc(simplify, values["toc_json"]),
    )
