"""Languages: URL prefixes, Babel locales, negotiation and hreflang links.

Every page lives under ``/en/…``, ``/zh-hk/…`` or ``/zh-cn/…``. The URL code is
the source of truth for the page language; the ``lang`` cookie only remembers
the last language a visitor read, so that ``/`` sends them back to it.

Editors write two languages (``WRITTEN_LANGUAGES``: English and Traditional
Chinese). The third edition, Simplified Chinese, is made from the Traditional
one by ``portal/simplified.py`` when content is synced, feeds refreshed and the
catalogue compiled, so ``written_lang("zh-cn")`` is ``"zh-hk"``: loaders loop
over the written languages, views over the served ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

from babel import support
from flask import Flask, g, redirect, request
from flask_babel import Babel
from markupsafe import Markup, escape
from werkzeug.http import dump_cookie
from werkzeug.routing import BaseConverter


@dataclass(frozen=True)
class Language:
    code: str  # URL code
    locale: str  # Babel locale
    html_lang: str  # BCP 47 tag for <html lang> and hreflang
    label: str  # its own name, shown in the toggle
    hreflang: str  # the tag search engines are given in <link rel="alternate" hreflang>
    made_from: str | None = None  # the written language an edition is generated from


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "en_HK", "en-HK", "English", "en-HK"),
    "zh-hk": Language("zh-hk", "zh_Hant_HK", "zh-Hant-HK", "繁體中文", "zh-Hant-HK"),
    "zh-cn": Language("zh-cn", "zh_Hans_HK", "zh-Hans-HK", "简体中文", "zh-Hans", made_from="zh-hk"),
}
DEFAULT_LANG = "en"
SIMPLIFIED = "zh-cn"
# The languages editors write and loaders read (content/…/en.md and zh-hk.md, name_en and name_zh, …).
WRITTEN_LANGUAGES: tuple[str, ...] = tuple(code for code, language in LANGUAGES.items() if not language.made_from)
CHINESE = frozenset({"zh-hk", "zh-cn"})
# Other codes people type or links carry for a Chinese edition: moved permanently to it.
CHINESE_ALIASES = {"zh": "zh-hk", "zh-tw": "zh-hk", "zh-hant": "zh-hk", "zh-hans": "zh-cn", "zh-sg": "zh-cn"}
# Accept-Language tags (lower case, by prefix) for the Simplified edition; any other zh* or yue* tag is Traditional.
SIMPLIFIED_TAGS = ("zh-cn", "zh-hans", "zh-sg", "zh-my")
LANG_COOKIE = "lang"
LANG_COOKIE_SECONDS = 365 * 24 * 3600


def lang_cookie(lang: str) -> str:
    """The Set-Cookie value that remembers the visitor's language (so / sends them back to it)."""
    return dump_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_SECONDS, samesite="Lax")


babel = Babel()
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def N_(message: str) -> str:
    """Marks a message for extraction where it is translated later, outside a request (see ``translate``)."""
    return message


@cache
def _catalogue(locale: str) -> support.NullTranslations:
    return support.Translations.load(str(TRANSLATIONS_DIR), [locale])


def written_lang(lang: str) -> str:
    """The language the text of an edition is written in: zh-hk for the Simplified edition, else itself."""
    return (LANGUAGES[lang].made_from or lang) if lang in LANGUAGES else lang


def is_chinese(lang: str) -> bool:
    return lang in CHINESE


def translate(lang: str, message: str) -> str:
    """``message`` in ``lang``, without a request or app context (for text stored per language, e.g. the
    search index, written by ``flask content sync``)."""
    return _catalogue(LANGUAGES[lang].locale).gettext(message)


class LangConverter(BaseConverter):
    """Matches only the language codes we serve, so /fr/… is a 404, not a crash."""

    regex = "(?:en|zh-hk|zh-cn)"


def current_lang() -> str:
    return g.get("lang_code") or guess_lang_from_path(request.path) or DEFAULT_LANG


def current_language() -> Language:
    return LANGUAGES[current_lang()]


def other_lang(code: str | None = None) -> str:
    """The other written language: the one a page falls back to (English for both Chinese editions)."""
    return "en" if is_chinese(code or current_lang()) else "zh-hk"


def other_langs(code: str | None = None) -> list[str]:
    """Every served language but this one, in the toggle's order."""
    code = code or current_lang()
    return [other for other in LANGUAGES if other != code]


def guess_lang_from_path(path: str) -> str | None:
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES else None


def negotiate_lang(accept_language: str | None, cookie: str | None) -> str:
    """Pick the visitor's language: a remembered choice wins, then Accept-Language.

    Tags are read in order of preference; the first Chinese (``zh*``) or
    Cantonese (``yue*``) tag means Chinese: Simplified for zh-CN, zh-Hans,
    zh-SG and zh-MY, Traditional (the Hong Kong edition) for any other; the
    first English tag English; other languages are passed over; nothing
    usable means English.
    """
    if cookie in LANGUAGES:
        return cookie
    for tag in _tags_by_preference(accept_language or ""):
        if tag.startswith(SIMPLIFIED_TAGS):
            return SIMPLIFIED
        if tag.startswith(("zh", "yue")):
            return "zh-hk"
        if tag.startswith("en"):
            return "en"
    return DEFAULT_LANG


def _tags_by_preference(header: str) -> list[str]:
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip().lower()
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            weighted.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def path_in_lang(code: str, path: str | None = None, query: bytes | None = None) -> str:
    """The same page in another language: swap the prefix, keep the query string."""
    path = request.path if path is None else path
    query = request.query_string if query is None else query
    current = guess_lang_from_path(path)
    rest = path.lstrip("/").split("/", 1)[1] if current and "/" in path.lstrip("/") else ""
    new_path = f"/{code}/{rest}"
    return new_path + ("?" + query.decode("latin-1") if query else "")


# How pieces of text meet in each language: English puts a space between a label and its value or between
# two sentences and writes (brackets); Chinese full-width marks carry their own space (「服務時間：24 小時」,
# 「（香港時間）」), so a space there would show as a gap.
JOINS = {"en": " ", "zh-hk": "", "zh-cn": ""}
BRACKETS = {"en": ("(", ")"), "zh-hk": ("（", "）"), "zh-cn": ("（", "）")}


def join_text(*parts: object) -> Markup:
    """Label and value, or sentence and sentence, joined as the page's language writes them."""
    separator = JOINS[current_lang()]
    shown = [escape(part) for part in parts if part is not None]
    return Markup(separator).join(part for part in shown if part)


def bracketed(text: object) -> Markup:
    """``text`` in the page's language's brackets: (Example) or （示範）."""
    opening, closing = BRACKETS[current_lang()]
    return Markup(opening) + escape(text) + Markup(closing)


def select_locale() -> str:
    return current_language().locale


def configure_i18n(app: Flask) -> None:
    app.url_map.converters["lang"] = LangConverter
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en_HK")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", app.config["SITE_TIMEZONE"])
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(app.root_path + "/../translations"))
    babel.init_app(app, locale_selector=select_locale)

    @app.before_request
    def redirect_chinese_aliases():
        """/zh/…, /zh-tw/… and /zh-hant/… (any case): 301 to the same path and query under /zh-hk/;
        /zh-hans/… and /zh-sg/… to /zh-cn/."""
        first, _, rest = request.path.lstrip("/").partition("/")
        edition = CHINESE_ALIASES.get(first.lower())
        if edition is None:
            return None
        query = request.query_string.decode("latin-1")
        target = f"/{edition}/" + quote(rest, safe="/:@!$&'()*+,;=-._~")  # a typed line break stays escaped
        return redirect(target + (f"?{query}" if query else ""), code=301)

    @app.url_value_preprocessor
    def pull_lang(_endpoint, values) -> None:
        if values and "lang_code" in values:
            g.lang_code = values.pop("lang_code")

    @app.url_defaults
    def push_lang(endpoint, values) -> None:
        if "lang_code" in values or not app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
            return
        values["lang_code"] = current_lang()

    @app.context_processor
    def language_context() -> dict:
        return {
            "LANGUAGES": LANGUAGES,
            "lang": current_lang(),
            "language": current_language(),
            "other_lang": other_lang(),
            "other_langs": other_langs(),
            "path_in_lang": path_in_lang,
            "join_text": join_text,
            "bracketed": bracketed,
            "gap": JOINS[current_lang()],  # the space English writes before "(" and Chinese does not before "（"
        }
