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

from .content import file_hash
from .i18n import LANGUAGES, SIMPLIFIED, written_lang
from .simplified import Converter

SOURCE_LANG = written_lang(SIMPLIFIED)  # "zh-hk"
# A link the renderer wrote to a page of the Hong Kong edition: /zh-hk/… (attribute values, with its language).
_HK_LINK = re.compile(r'(\shref=")/' + re.escape(SOURCE_LANG) + r"(/|#|\"|\?)")
_HK_HREFLANG = f'hreflang="{LANGUAGES[SOURCE_LANG].html_lang}"'
_TARGET = re.compile(r'\s(?:id|href|name)="[^"]*"')


def simplified_html(converter: Converter, html: str) -> str:
    """Rendered Traditional HTML as the Simplified edition shows it: text converted, site links to /zh-cn/.

    Link targets and ids are no reader's text: they stay as written (a heading's anchor made from Chinese
    words is the same in both Chinese editions), so both link the same places.
    """
    html = _HK_LINK.sub(lambda match: f"{match.group(1)}/{SIMPLIFIED}{match.group(2)}", html)
    html = html.replace(_HK_HREFLANG, f'hreflang="{LANGUAGES[SIMPLIFIED].html_lang}"')
    kept = [match.group(0) for match in _TARGET.finditer(html)]
    converted = converter.html(html)
    if len(kept) != sum(1 for _ in _TARGET.finditer(converted)):  # never seen: OpenCC keeps markup as it is
        return converted
    targets = iter(kept)
    return _TARGET.sub(lambda _match: next(targets), converted)


def simplified_toc(converter: Converter, toc_json: str) -> str:
    """A table of contents ([level, anchor, text], …): the text converted, the anchor kept (see above)."""
    toc = [[level, anchor, converter.text(text)] for level, anchor, text in json.loads(toc_json or "[]")]
    return json.dumps(toc, ensure_ascii=False)


def simplified_json(converter: Converter, text: str, fields: tuple[str, ...] | None = None) -> str:
    """A JSON column (a table of contents, a list of citations) with its strings, or those under the named
    ``fields`` of its objects, converted; anything else (anchors, URLs, dates) is kept. A per-language text
    (``{en: …, zh-hk: …}``) keeps its two and gains the zh-cn one."""

    def convert(value: Any, inside: bool) -> Any:
        if isinstance(value, str):
            return converter.text(value) if inside else value
        if isinstance(value, list):
            return [convert(item, inside) for item in value]
        if isinstance(value, dict) and inside and isinstance(value.get(SOURCE_LANG), str):
            return {**value, SIMPLIFIED: converter.text(value[SOURCE_LANG])}
        if isinstance(value, dict):
            return {name: convert(item, inside or fields is None or name in fields) for name, item in value.items()}
        return value

    return json.dumps(convert(json.loads(text or "[]"), fields is None), ensure_ascii=False)


def written_file_digest(raw: bytes, lang: str, converter: Converter, *inputs: str) -> str:
    """A written file's digest with what else shapes its rows; the zh-hk file's holds the converter's fingerprint
    too, since it also makes the zh-cn row (a new term list re-makes that row)."""
    return file_hash(raw, *inputs, *([converter.fingerprint] if lang == SOURCE_LANG else []))


def rows_in_place(existing: Any, slug: str, lang: str) -> bool:
    """The file's row is stored, and for a zh-hk file its zh-cn twin as well."""
    return (slug, lang) in existing and (lang != SOURCE_LANG or (slug, SIMPLIFIED) in existing)


def simplified_digest(digest: str, converter: Converter) -> str:
    """The Simplified row's content hash: the Traditional file's with the converter's fingerprint."""
    return f"{digest[:47]}~{converter.fingerprint}"
