"""Markdown to safe HTML for editors' content.

CommonMark (markdown-it-py) with tables; raw HTML in the source is escaped,
never passed through, and the output is sanitised again with nh3 as a second
line of defence. Headings get ids that work for Chinese text too. Links
written the way they work on GitHub (``../other-slug/en.md``) become site
URLs; images beside the markdown file are served from ``/media/…``.

Hong Kong phone numbers in the text become tap-to-call links (``tel:+852…``,
or ``sms:+852…`` for lines reached by text message): 8-digit numbers wherever
they are written, and the short hotlines of ``content/hotlines.yml``. Only text
is looked at, so code, link targets and the text of existing links stay as written.

:func:`html_to_text` gives the reading text of rendered HTML, for search snippets.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import nh3
from flask import current_app, has_app_context

from .content import ContentError, load_yaml_file

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.rules_core import StateCore
    from markdown_it.token import Token

# markdown-it is imported where markdown is rendered (a content sync, the preview), not by every process
# that only cleans HTML here (a feed refresh).

# Bump when the same markdown renders to different HTML or plain text: the next `flask content sync`
# then re-renders every file (loaders put it in their file hashes) and the search index follows.
# 4: site paths like /help get the language of the file; 3: phone numbers
RENDERER_VERSION = "4"  # 3: phone numbers become tel:/sms: links; 2: plain text from the HTML

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


# Feeds get no style attribute at all: markdown tables need text-align, a partner's HTML does not.
_ATTRIBUTES_WITHOUT_STYLE = {tag: names - {"style"} for tag, names in ALLOWED_ATTRIBUTES.items()}


def sanitise_html(
    html: str, *, styles: bool = True, attribute_filter: Callable[[str, str, str], str] | None = None
) -> str:
    """Clean HTML with a strict allow-list (no scripts, styles, event handlers or iframes).

    ``styles=False`` (partner feeds) drops every ``style`` attribute, even an empty one.
    ``attribute_filter(tag, attribute, value)`` may rewrite an allowed attribute's value
    (feeds make relative links absolute); the allow-lists still apply to what it returns.
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES if styles else _ATTRIBUTES_WITHOUT_STYLE,
        url_schemes={"http", "https", "mailto", "tel", "sms"},
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
        attribute_filter=attribute_filter,
    )


def slugify_heading(text: str) -> str:
    """An id for a heading: keeps letters of any script (so Chinese headings work)."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s_]+", "-", text).strip("-") or "section"


# Link written in markdown -> site URL, e.g. "../caring-at-home/zh-hk.md" -> "/zh-hk/articles/caring-at-home"
# Site paths that already carry their language, or are not pages (files, open data).
SITE_PATH_WITH_LANG = re.compile(r"^/(?:en|zh-hk|zh-cn|static|media|api)(?:[/?#]|$)")
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


# --- phone numbers -------------------------------------------------------------------------------

HOTLINES_FILE = "hotlines.yml"


@dataclass(frozen=True)
class PhoneBook:
    """What the renderer links besides plain 8-digit numbers, taken from content/hotlines.yml:
    the short hotlines (999, 18111, 182 183 …) and the numbers reached by text message."""

    short: tuple[str, ...] = ()  # as written in hotlines.yml, e.g. "182 183"
    text_only: frozenset[str] = frozenset()  # digits of the numbers whose channel is "text"

    @classmethod
    def from_hotlines(cls, hotlines: Iterable[Mapping[str, Any]]) -> PhoneBook:
        short, text_only = set(), set()
        for hotline in hotlines:
            number = " ".join(str(hotline.get("number") or "").split())
            digits = re.sub(r"\D", "", number)
            if not digits or not re.fullmatch(r"\d[\d ]*", number):
                continue
            if len(digits) != 8:
                short.add(number)
            if str(hotline.get("channel") or "phone") == "text":
                text_only.add(digits)
        return cls(tuple(sorted(short)), frozenset(text_only))

    @property
    def fingerprint(self) -> str:
        """Changes when a different set of numbers would be linked (so files are rendered again)."""
        return hashlib.sha256(repr((self.short, sorted(self.text_only))).encode()).hexdigest()[:16]

    def pattern(self) -> re.Pattern[str]:
        return _phone_pattern(self.short)


def load_phone_book(content_dir: Path) -> PhoneBook:
    """The phone book of ``content_dir/hotlines.yml`` (empty when it is missing or unreadable:
    ``flask content check`` reports that file's problems)."""
    path = Path(content_dir) / HOTLINES_FILE
    try:
        stat = path.stat()
    except OSError:
        return PhoneBook()
    return _read_phone_book(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_phone_book(path: str, _mtime_ns: int, _size: int) -> PhoneBook:
    try:
        data = load_yaml_file(Path(path), HOTLINES_FILE)
    except ContentError:
        return PhoneBook()
    return PhoneBook.from_hotlines(item for item in data or [] if isinstance(item, dict))


def current_phone_book() -> PhoneBook:
    """The phone book of the running site's content (empty outside an application context)."""
    if has_app_context() and current_app.config.get("CONTENT_DIR"):
        return load_phone_book(Path(current_app.config["CONTENT_DIR"]))
    return PhoneBook()


def render_fingerprint(phones: PhoneBook) -> str:
    """Put into a content file's hash: a new renderer or other hotlines re-render the file."""
    return f"renderer {RENDERER_VERSION}, phones {phones.fingerprint}"


_SEP = r"[ \u00a0-]"  # "2389 2222", "2389-2222"
# Not inside a word, a URL-like token, a price (HK$, $) or a longer run of digits ("1234 5678 9012").
_BEFORE = r"(?<![A-Za-z0-9+$/=#@&_.\-])(?<![0-9][ ,.:/-])(?<!\$ )"
_AFTER = r"(?![A-Za-z0-9%@]|[ ,.:/-]?[0-9])"
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_DATE8 = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")


@lru_cache(maxsize=8)
def _phone_pattern(short: tuple[str, ...]) -> re.Pattern[str]:
    local = rf"(?P<cc>(?:\+852|\(\+?852\)|852){_SEP}?)?(?P<local>[235-9]\d{{3}}(?P<sep>{_SEP}?)\d{{4}})"
    numbers = [local]
    for number in sorted(short, key=len, reverse=True):
        numbers.append(f"{_SEP}?".join(re.escape(group) for group in number.split()))
    return re.compile(rf"{_BEFORE}(?:{'|'.join(numbers)}){_AFTER}")


def _phone_href(match: re.Match[str], phones: PhoneBook) -> str | None:
    """``tel:+852…`` (``sms:`` for lines reached by text), or None for what only looks like a number."""
    local = match.group("local")
    if local is not None and not match.group("cc") and not match.group("sep") and _DATE8.fullmatch(local):
        return None  # 20261105 is a date
    digits = re.sub(r"\D", "", local if local is not None else match.group())
    scheme = "sms" if digits in phones.text_only else "tel"
    return f"{scheme}:+852{digits}"


def _link_phone_numbers(state: StateCore) -> None:
    """Core rule: split text tokens outside links around phone numbers, wrapping each in a link."""
    phones: PhoneBook = state.env.get("phones") or PhoneBook()
    pattern = phones.pattern()
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link -= 1
            if token.type == "text" and not in_link:
                children += _split_numbers(token, pattern, phones)
            else:
                children.append(token)
        block.children = children


def _split_numbers(token: Token, pattern: re.Pattern[str], phones: PhoneBook) -> list[Token]:
    text = token.content
    urls = [m.span() for m in _URL.finditer(text)]
    out: list[Token] = []
    last = 0
    for match in pattern.finditer(text):
        start, end = match.span()
        if any(u_start < end and start < u_end for u_start, u_end in urls):
            continue
        href = _phone_href(match, phones)
        if href is None:
            continue
        if start > last:
            out.append(_text(text[last:start], token.level))
        from markdown_it.token import Token

        link = Token("link_open", "a", 1, level=token.level, markup="phone")
        link.attrSet("href", href)
        out += [link, _text(match.group(), token.level + 1), Token("link_close", "a", -1, level=token.level)]
        last = end
    if not out:
        return [token]
    if last < len(text):
        out.append(_text(text[last:], token.level))
    return out


def _text(content: str, level: int) -> Token:
    from markdown_it.token import Token

    return Token("text", "", 0, content=content, level=level)


# --- rendering -----------------------------------------------------------------------------------


@dataclass
class RenderResult:
    html: str
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # (level, id, text)
    links: list[str] = field(default_factory=list)  # article slugs linked to
    images: list[str] = field(default_factory=list)  # local image file names
    plain_text: str = ""


@cache
def _parser() -> MarkdownIt:
    """The shared parser: building one costs more than parsing a short article, and it holds no
    per-document state."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable(["table", "strikethrough"])
    md.core.ruler.push("phone_links", _link_phone_numbers)
    return md


class MarkdownRenderer:
    """Renders one file; ``media_url`` maps a local image name to its public URL; ``phones`` says
    which short numbers to link (by default those of the running site's content/hotlines.yml)."""

    def __init__(self, lang: str, media_url: Callable[[str], str], phones: PhoneBook | None = None):
        self.lang = lang
        self.media_url = media_url
        self.phones = phones if phones is not None else current_phone_book()
        self.md = _parser()

    def render(self, source: str) -> RenderResult:
        result = RenderResult(html="")
        tokens = self.md.parse(source, {"phones": self.phones})
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
            elif href.startswith("/") and not href.startswith("//") and not SITE_PATH_WITH_LANG.match(href):
                token.attrSet("href", f"/{self.lang}{href}")  # "/help" is the help page in this file's language
        elif token.type == "image":
            src = str(token.attrGet("src") or "")
            if src and not urlsplit(src).scheme and not src.startswith("/"):
                name = src.removeprefix("./")
                result.images.append(name)
                token.attrSet("src", self.media_url(name))
            token.attrSet("loading", "lazy")
