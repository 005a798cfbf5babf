"""Stored Simplified rows made from stored Traditional ones, for content kept as one row per (key, language).

Articles and site pages are rendered from ``zh-hk.md`` at sync; their ``zh-cn`` row is the same row with its
reader-visible text converted by :mod:`portal.simplified` (never per request) and its links to the Hong Kong
edition pointed at the Simplified one, so a /zh-cn/ page links /zh-cn/ pages where the /zh-hk/ page links /zh-hk/.
A row's ``content_hash`` holds the converter's fingerprint, so a change to ``content/zh-cn-terms.yml`` re-makes it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .i18n import LANGUAGES, SIMPLIFIED, written_lang
from .simplified import Converter

SOURCE_LANG = written_lang(SIMPLIFIED)  # "zh-hk"
# A link the renderer wrote to a page of the Hong Kong edition: /zh-hk/… (attribute values, with its language).
_HK_LINK = re.compile(r'(\shref=")/' + re.escape(SOURCE_LANG) + r"(/|#|\"|\?)")
_HK_HREFLANG = f'hreflang="{LANGUAGES[SOURCE_LANG].html_lang}"'


def simplified_html(converter: Converter, html: str) -> str:
    """Rendered Traditional HTML as the Simplified edition shows it: text converted, site links to /zh-cn/."""
    html = _HK_LINK.sub(lambda match: f"{match.group(1)}/{SIMPLIFIED}{match.group(2)}", html)
    html = html.replace(_HK_HREFLANG, f'hreflang="{LANGUAGES[SIMPLIFIED].html_lang}"')
    return converter.html(html)


def simplified_json(converter: Converter, text: str, fields: tuple[str, ...] | None = None) -> str:
    """A JSON column (a table of contents, a list of citations) with its strings, or the named ``fields`` of
    its objects, converted; anything else (anchors, URLs, dates) is kept."""

    def convert(value: Any, key: str | None = None) -> Any:
        if isinstance(value, str):
            return converter.text(value) if fields is None or key in fields else value
        if isinstance(value, list):
            return [convert(item, key) for item in value]
        if isinstance(value, dict):
            return {name: convert(item, name) for name, item in value.items()}
        return value

    return json.dumps(convert(json.loads(text or "[]")), ensure_ascii=False)


def simplified_digest(digest: str, converter: Converter) -> str:
    """The Simplified row's content hash: the Traditional file's with the converter's fingerprint."""
    return f"{digest[:47]}~{converter.fingerprint}"
