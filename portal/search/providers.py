"""What gets indexed: one small function per kind, turning that kind's rows into documents.

Adding a kind = one function decorated with ``@provider("kind", "content-kind", ...)``.
The content kinds are the names passed to ``content_changed`` (content source
names, ``events``/``feeds`` for feed refreshes) that should reindex it. A kind
whose package is absent is skipped (its import fails with ImportError).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from ..i18n import N_, SIMPLIFIED, WRITTEN_LANGUAGES, translate, written_lang
from ..markdown import html_to_text
from ..simplified import converter

LANGS = WRITTEN_LANGUAGES  # the providers read the written languages; zh-cn documents are made from zh-hk
MAX_BODY_CHARS = 20000


@dataclass
class Doc:
    """One search result to be: ``title`` and ``body`` are plain reading text (no markup), escaped when shown.

    ``answers`` are what the document is the answer to when typed exactly, beyond its title (a hotline's
    number, as written and as dialled): each counts as title text, and a query that is exactly one of them
    puts the document first (see ``engine._first_key``). Not shown anywhere.
    """

    kind: str
    key: str
    lang: str
    title: str
    body: str = ""
    endpoint: str = ""
    args: dict = field(default_factory=dict)
    url: str = ""
    day: date | None = None
    answers: tuple[str, ...] = ()


# A provider yields the documents of its kind; given ``keys``, only the documents of those keys.
Provider = Callable[[Session, "set[str] | None"], Iterable[Doc]]


@dataclass
class KindProvider:
    kind: str
    triggers: frozenset[str]
    fn: Provider


PROVIDERS: dict[str, KindProvider] = {}


def provider(kind: str, *triggers: str) -> Callable[[Provider], Provider]:
    def register(fn: Provider) -> Provider:
        PROVIDERS[kind] = KindProvider(kind, frozenset({kind, *triggers}), fn)
        return fn

    return register


def kinds_for_changes(changed: Iterable[str]) -> set[str]:
    changed = set(changed)
    return {p.kind for p in PROVIDERS.values() if p.triggers & changed}


def changed_keys(kind: str, changed: Iterable[str], keys: dict[str, set[str]]) -> set[str] | None:
    """The keys of ``kind`` to redo, when only its own content changed and the change named its keys; else None."""
    triggered = PROVIDERS[kind].triggers & set(changed)
    return keys.get(kind) if triggered == {kind} else None


def documents(session: Session, kind: str, keys: set[str] | None = None) -> list[Doc]:
    """The documents of one kind (of some keys only), or none when that kind's package is not installed.

    Every zh-hk document has a zh-cn twin: the provider's own (articles and site pages store a zh-cn row), or
    else one made here from the zh-hk text, so the Simplified edition's index and snippets are Simplified.
    """
    try:
        docs = PROVIDERS[kind].fn(session, keys)
        docs = [doc for doc in docs if keys is None or doc.key in keys]  # also for providers that ignore keys
    except ImportError:
        return []
    return docs + simplified_twins(docs)


def simplified_twins(docs: list[Doc]) -> list[Doc]:
    """zh-cn documents made from the zh-hk ones that have none (made when the index is written, not per query)."""
    made = {doc.key for doc in docs if doc.lang == SIMPLIFIED}
    source = written_lang(SIMPLIFIED)
    wanted = [doc for doc in docs if doc.lang == source and doc.key not in made]
    if not wanted:
        return []
    simplify = converter()
    return [replace(doc, lang=SIMPLIFIED, title=simplify.text(doc.title), body=simplify.text(doc.body))
            for doc in wanted]  # fmt: skip


def _join(*parts: str | None) -> str:
    return "\n".join(p for p in parts if p)[:MAX_BODY_CHARS]


# A tag still there after the HTML was read: the feed escaped its HTML twice ("&amp;lt;p&amp;gt;").
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")


def feed_text(html: str) -> str:
    """The reading text of a partner feed's summary, which may be HTML or HTML escaped twice."""
    text = html_to_text(html)
    return html_to_text(text) if _TAG.search(text) else text


def tag_labels(session: Session) -> dict[tuple[str, str], str]:
    """(tag id, language) -> label, from content/tags.yml (shared by articles and events)."""
    try:
        from ..articles.model import Tag
    except ImportError:
        return {}
    return {(t.key, t.lang): t.label for t in session.scalars(select(Tag))}


@provider("articles")
def articles(session: Session, keys: set[str] | None = None) -> Iterator[Doc]:
    from ..articles.model import Article

    labels = tag_labels(session)
    # Only what the document needs: not the rendered HTML of every article.
    needed = (Article.slug, Article.lang, Article.title, Article.summary, Article.tags_json, Article.plain_text,
              Article.published)  # fmt: skip
    query = select(Article).options(load_only(*needed))
    if keys is not None:
        query = query.where(Article.slug.in_(keys))
    for a in session.scalars(query):
        tags = " ".join(labels.get((key, a.lang), key) for key in a.tags)
        yield Doc(
            "articles", a.slug, a.lang, a.title, _join(a.summary, tags, a.plain_text),
            "articles.article", {"slug": a.slug}, day=a.published,
        )  # fmt: skip


@provider("selfcheck")
def selfcheck(session: Session, _keys: set[str] | None = None) -> Iterator[Doc]:
    from ..selfcheck.model import SelfCheckTool

    for row in session.scalars(select(SelfCheckTool)):
        tool = row.tool()
        for lang in LANGS:
            title = tool.title.get(lang) or tool.title.get("en", "")
            body = _join(tool.summary.get(lang, ""), tool.audience.get(lang, ""))
            yield Doc("selfcheck", tool.id, lang, title, body, "selfcheck.intro", {"tool_id": tool.id})


HELP_PAGE_TITLE = N_("Get help")
# What the Get help page is for, in the words people search with (its hotlines are listed after it).
HELP_PAGE_ABOUT = N_(
    "Hotlines and crisis lines, many of them 24 hours: emergency, emotional support, suicide prevention, "
    "family violence, carers, family and welfare support, and family service centres."
)


@provider("help", "hotlines")
def help_lines(session: Session, _keys: set[str] | None = None) -> Iterator[Doc]:
    """The Get help page, and each hotline by name, number (as written and as dialled) and purpose."""
    from ..help.model import Hotline

    hotlines = list(session.scalars(select(Hotline).order_by(Hotline.position)))
    if not hotlines:
        return
    for lang in LANGS:
        title, about = translate(lang, HELP_PAGE_TITLE), translate(lang, HELP_PAGE_ABOUT)
        names = [f"{h.name(lang)} {h.number}" for h in hotlines]
        yield Doc("help", "help", lang, title, _join(about, *names), "help.help_page")
        for h in hotlines:
            numbers = h.number if h.number == h.dial else f"{h.number} {h.dial}"
            body = _join(numbers, h.purpose(lang), h.hours(lang))
            yield Doc("help", f"hotline-{h.key}", lang, h.name(lang), body, "help.help_page",
                      {"_anchor": f"hotline-{h.key}"}, answers=_numbers_typed(h.number, h.dial))  # fmt: skip


def _dialled(number: str) -> str:
    """A number as dialled: its digits (``2875 8685`` → ``28758685``)."""
    return "".join(ch for ch in number if ch.isdigit())


def _numbers_typed(number: str, dial: str) -> tuple[str, ...]:
    """A number as someone given it may type it to learn whose it is: as written, as dialled, and dialled with
    Hong Kong's country code (as the site's tel: links dial it). Its hotline or centre then comes first.

    Not "+852 " with a space: that would make "852" a title word of every line, and any number typed after
    it would find the hotlines first.
    """
    return (number, dial, f"+852{dial}")


@provider("site", "sitepages")
def site_pages(session: Session, _keys: set[str] | None = None) -> Iterator[Doc]:
    """About, Contact, Privacy, Accessibility, Terms and Browsing safely, as reading text."""
    from ..markdown import html_to_text
    from ..sitepages.model import SitePage

    for page in session.scalars(select(SitePage)):
        body = _join(page.summary, html_to_text(page.body_html))
        yield Doc("site", page.slug, page.lang, page.title, body, "sitepages.page", {"slug": page.slug})


@provider("stages", "articles")
def stages(session: Session, _keys: set[str] | None = None) -> Iterator[Doc]:
    """Each life stage by its name, intro and the labels of its tags (a search for "grief" finds its page)."""
    from ..stages.model import Stage

    labels = tag_labels(session)
    for stage in session.scalars(select(Stage).order_by(Stage.position)):
        for lang in LANGS:
            tags = " ".join(labels.get((key, lang), key) for key in stage.tags)
            body = _join(stage.intro(lang), tags)
            yield Doc("stages", stage.key, lang, stage.name(lang), body, "stages.stage", {"key": stage.key})


@provider("centres", "districts")
def centres(session: Session, _keys: set[str] | None = None) -> Iterator[Doc]:
    from ..centres.model import Centre
    from ..districts import District

    districts = {d.key: d for d in session.scalars(select(District))}
    for c in session.scalars(select(Centre)):
        d = districts.get(c.district_key)
        # Its verified numbers (only those are stored): someone given a centre's number learns whose it is.
        answers = tuple(typed for phone in c.phones for typed in _numbers_typed(phone, _dialled(phone)))
        for lang in LANGS:
            district = (d.name_zh if lang == "zh-hk" else d.name_en) if d else ""
            body = _join(c.operator(lang), district, c.address(lang), c.boundary(lang))
            yield Doc("centres", c.key, lang, c.name(lang), body, "centres.centre", {"key": c.key}, answers=answers)


@provider("events", "feeds", "partners")
def events(session: Session, _keys: set[str] | None = None) -> Iterator[Doc]:
    from ..events.model import Event

    labels = tag_labels(session)
    for e in session.scalars(select(Event).where(Event.hidden.is_(False))):
        read = feed_text if e.source == "feed" else html_to_text
        texts: dict[str, str] = {}  # an event in one language shows both its documents the same description
        for lang in LANGS:
            topics = " ".join(labels.get((key, lang), key) for key in e.topic_list)
            # Descriptions are HTML (rendered markdown, or a partner feed's summary): index what a reader sees.
            html = e.description(lang)
            description = texts[html] if html in texts else texts.setdefault(html, read(html))
            body = _join(description, e.venue(lang), e.address(lang), topics)
            yield Doc(
                "events", str(e.id), lang, e.title(lang), body,
                "events.event", {"event_id": e.id}, url=e.original_url, day=e.starts.date(),
            )  # fmt: skip


@provider("news", "events", "feeds", "partners")
def news(session: Session, _keys: set[str] | None = None) -> Iterator[Doc]:
    from ..events.model import NewsItem

    for n in session.scalars(select(NewsItem).where(NewsItem.hidden.is_(False))):
        langs = [n.lang] if n.lang in LANGS else list(LANGS)
        day = n.published.date() if n.published else None
        for lang in langs:
            yield Doc("news", str(n.id), lang, n.title, _join(feed_text(n.summary)), url=n.url, day=day)


def doc_args(args_json: str) -> dict:
    return json.loads(args_json or "{}")
