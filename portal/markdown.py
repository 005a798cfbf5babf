"""Markdown to safe HTML for editors' content.

CommonMark (markdown-it-py) with tables; raw HTML in the source is escaped,
never passed through, and the output is sanitised again with nh3 as a second
line of defence. Headings get ids that work for Chinese text too. Links
written the way they work on GitHub (``../other-slug/en.md``) become site
URLs; images beside the markdown file are served from ``/media/…``.

:func:`html_to_text` gives the reading text of rendered HTML, for search snippets.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

# Bump when the same markdown renders to different HTML or plain text: the next `flask content sync`
# then re-renders every file (loaders put it in their file hashes) and the search index follows.
RENDERER_VERSION = "2"

ALLOWED_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img", "del",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "loading"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "th": {"style"}, "td": {"style"}, "ol": {"start"},
}  # fmt: skip


def sanitise_html(html: str) -> str:
    """Clean HTML with a strict allow-list (no scripts, styles, event handlers or iframes)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )


def slugify_heading(text: str) -> str:
    """An id for a heading: keeps letters of any script (so Chinese headings work)."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_]+", "-", text).strip("-") or "section"


# Link written in markdown -> site URL, e.g. "../caring-at-home/zh-hk.md" -> "/zh-hk/articles/caring-at-home"
ARTICLE_LINK = re.compile(r"^(?:\.\./|/articles/|articles/)([a-z0-9][a-z0-9-]*)/?(?:(en|zh-hk)\.md)?/?(#.*)?$")


# --- reading text -------------------------------------------------------------------------------

# Elements that start a new line of reading text; cells of a table row are kept apart by a space.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre",
    "section", "table", "tbody", "thead", "tfoot", "tr", "ul",
})  # fmt: skip
_CELLS = frozenset({"td", "th"})
_UNREAD = frozenset({"script", "style", "template", "noscript", "iframe", "object", "svg", "math"})
_WHITESPACE = re.compile(r"\s+")
_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\s*\n\s*")


class _TextCollector(HTMLParser):
    """Collects the text a reader sees; ``convert_charrefs`` decodes each entity exactly once."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.unread = 0  # inside <script>, <style> …
        self.pre = 0  # inside <pre>, where line breaks are part of the text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.unread += tag in _UNREAD
        self.pre += tag == "pre"
        self._boundary(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._boundary(tag)

    def handle_endtag(self, tag: str) -> None:
        self.unread -= tag in _UNREAD and self.unread > 0
        self.pre -= tag == "pre" and self.pre > 0
        self._boundary(tag)

    def handle_data(self, data: str) -> None:
        if not self.unread:
            # As a browser shows it: line breaks in the HTML source are spaces, except in <pre>.
            self.parts.append(data if self.pre else _WHITESPACE.sub(" ", data))

    def _boundary(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")
        elif tag in _CELLS:
            self.parts.append(" ")


def html_to_text(html: str) -> str:
    """The reading text of an HTML fragment: tags and link targets dropped, entities decoded once,
    one line per paragraph, heading, list item or table row.

    The stdlib parser is enough here: it reads any fragment (our HTML is nh3's well-formed output;
    feeds' is whatever they send) and we need text and block boundaries, not a tree.
    """
    collector = _TextCollector()
    collector.feed(html or "")
    collector.close()
    text = _SPACES.sub(" ", "".join(collector.parts))
    return _NEWLINES.sub("\n", text).strip()


def render_fingerprint() -> str:
    """Put into a content file's hash: a new renderer re-renders the file."""
    return f"renderer {RENDERER_VERSION}"


# --- rendering -----------------------------------------------------------------------------------


@dataclass
class RenderResult:
    html: str
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # (level, id, text)
    links: list[str] = field(default_factory=list)  # article slugs linked to
    images: list[str] = field(default_factory=list)  # local image file names
    plain_text: str = ""


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["table", "strikethrough"])


# Building a parser costs more than parsing a short article; it holds no per-document state, so one is shared.
_PARSER = _parser()


class MarkdownRenderer:
    """Renders one file; ``media_url`` maps a local image name to its public URL."""

    def __init__(self, lang: str, media_url: Callable[[str], str]):
        self.lang = lang
        self.media_url = media_url
        self.md = _PARSER

    def render(self, source: str) -> RenderResult:
        result = RenderResult(html="")
        tokens = self.md.parse(source)
        used_ids: dict[str, int] = {}
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                inline = tokens[index + 1]
                heading_text = "".join(
                    child.content for child in inline.children or [] if child.type in ("text", "code_inline")
                )
                anchor = slugify_heading(heading_text)
                count = used_ids.get(anchor, 0)
                used_ids[anchor] = count + 1
                if count:
                    anchor = f"{anchor}-{count + 1}"
                token.attrSet("id", anchor)
                result.headings.append((int(token.tag[1]), anchor, heading_text))
            if token.type == "inline":
                for child in token.children or []:
                    self._rewrite(child, result)
        result.html = sanitise_html(self.md.renderer.render(tokens, self.md.options, {}))
        result.plain_text = html_to_text(result.html)  # what a reader sees: no link targets, no markup
        return result

    def _rewrite(self, token: Token, result: RenderResult) -> None:
        if token.type == "link_open":
            href = str(token.attrGet("href") or "")
            match = ARTICLE_LINK.match(href)
            if match and not urlsplit(href).scheme:
                slug, lang, anchor = match.group(1), match.group(2) or self.lang, match.group(3) or ""
                result.links.append(slug)
                token.attrSet("href", f"/{lang}/articles/{slug}{anchor}")
        elif token.type == "image":
            src = str(token.attrGet("src") or "")
            if src and not urlsplit(src).scheme and not src.startswith("/"):
                name = src.removeprefix("./")
                result.images.append(name)
                token.attrSet("src", self.media_url(name))
            token.attrSet("loading", "lazy")
