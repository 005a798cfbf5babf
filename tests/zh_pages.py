"""Every page type of a Chinese edition, rendered by the test client, and the text a reader sees on it.

The pages come from ``app.url_map`` filled with the real synced content (the same enumeration as
tests/test_hostile_routes.py), plus the pages no GET route shows alone: a self-check result, a search
with results, a page that does not exist. :func:`visible_blocks` turns a page into the text a reader
meets, one block (paragraph, list item, cell, heading…) at a time, with the labels screen readers and
browsers show (``alt``, ``aria-label``, ``title``, ``placeholder``), leaving out whatever is marked
``lang="en"`` (an English questionnaire, an English-only article) and what is never shown (scripts).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from flask import Flask

from portal.zhtext import SEAM

from .test_hostile_routes import _real_values, real_urls, routes
from .test_selfcheck import TOOLS, answers_for, form_for

LANG = "zh-hk"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HIDDEN = {"script", "style", "template", "head"}
BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div", "dl", "dt",
         "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
         "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary", "table", "td", "th",
         "tr", "ul", "title", "label", "button", "select", "textarea"}  # fmt: skip
LABEL_ATTRIBUTES = ("alt", "aria-label", "title", "placeholder")
# Pages no GET route of the url_map shows alone, or shows only with a query.
EXTRA_GETS = ("/{lang}/search?q=%E5%AE%B6%E5%BA%AD", "/{lang}/no-such-page", "/{lang}/events?free=1")


CODE = {"code", "kbd", "samp"}  # a cookie's name, a file name: not words of the page's language


@dataclass(frozen=True)
class Block:
    text: str  # as shown, with SEAM where one element ends and the next begins
    where: str  # "text" or the attribute it came from
    prose: str = ""  # the text without code and seams

    @property
    def plain(self) -> str:
        return self.text.replace(SEAM, "")


class _Reader(HTMLParser):
    def __init__(self, skip_langs: tuple[str, ...] = ("en",)) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_langs = skip_langs
        self.stack: list[tuple[str, bool]] = []  # (tag, hidden from this check)
        self.blocks: list[Block] = []
        self.current: list[str] = []
        self.prose: list[str] = []
        self.in_code = 0

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip(f" {SEAM}")
        if text.replace(SEAM, "").strip():
            self.blocks.append(Block(text, "text", re.sub(r"\s+", " ", "".join(self.prose)).strip()))
        self.current, self.prose = [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        skipping = (
            self._skipping()
            or tag in HIDDEN
            or (found.get("lang") or "").lower().startswith(self.skip_langs)
            or "hidden" in found
            or found.get("aria-hidden") == "true"
        )
        if tag in BLOCK:
            self._flush()
        if not skipping:
            for name in LABEL_ATTRIBUTES:
                if found.get(name, "").strip():
                    self.blocks.append(Block(found[name].strip(), name, found[name].strip()))
            if tag == "input" and found.get("type") in ("submit", "button") and found.get("value"):
                self.blocks.append(Block(found["value"], "value", found["value"]))
            self.current.append(SEAM)
        if tag in CODE:
            self.in_code += 1
        if tag not in VOID:
            self.stack.append((tag, skipping))

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK:
            self._flush()
        if tag in CODE:
            self.in_code = max(0, self.in_code - 1)
        self.current.append(SEAM)
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping():
            self.current.append(data)
            if not self.in_code:
                self.prose.append(data)


def visible_blocks(html: str, skip_langs: tuple[str, ...] = ("en",)) -> list[Block]:
    """The text a reader of the page meets, block by block, outside anything marked English (or marked with
    another of ``skip_langs``: lower-case prefixes of lang attributes)."""
    reader = _Reader(skip_langs)
    reader.feed(html)
    reader.close()
    reader._flush()
    return reader.blocks


def chinese_pages(app: Flask, lang: str = LANG) -> Iterator[tuple[str, str]]:
    """(url, html) of every page type under /<lang>/ (zh-hk by default) with real content, each real value of
    each argument."""
    values = _real_values(app)
    client = app.test_client()
    urls: list[str] = []
    for route in routes(app):
        if "GET" not in route.methods or "lang_code" not in route.arguments:
            continue
        urls.extend(real_urls(app, route, values, lang))
    for url in [*dict.fromkeys(urls), *(extra.format(lang=lang) for extra in EXTRA_GETS)]:
        response = client.get(url)
        if response.mimetype == "text/html" and response.status_code in (200, 404):
            yield url, response.get_data(as_text=True)
    for tool_id, tool in TOOLS.items():
        raw = sum(max(item.points(o.value) for o in item.options) for item in tool.items) // 2
        url = f"/{lang}/self-check/{tool_id}/result"
        response = client.post(url, data=form_for(answers_for(tool, raw)))
        yield f"POST {url}", response.get_data(as_text=True)
