"""Languages: URL prefixes, Babel locales, negotiation and hreflang links.

Every page lives under ``/en/…`` or ``/zh-hk/…``. The URL code is the source
of truth for the page language; the ``lang`` cookie only remembers the last
language a visitor read, so that ``/`` sends them back to it.
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


LANGUAGES: dict[str, Language] = {
    "en": Language("en", "en_HK", "en-HK", "English"),
    "zh-hk": Language("zh-hk", "zh_Hant_HK", "zh-Hant-HK", "繁體中文"),
}
DEFAULT_LANG = "en"
# Other codes people type or links carry for Traditional Chinese: moved permanently to /zh-hk/. (/zh-cn/ is
# left for a future Simplified edition.)
CHINESE_ALIASES = frozenset({"zh", "zh-tw", "zh-hant"})
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


def translate(lang: str, message: str) -> str:
    """``message`` in ``lang``, without a request or app context (for text stored per language, e.g. the
    search index, written by ``flask content sync``)."""
    return _catalogue(LANGUAGES[lang].locale).gettext(message)


class LangConverter(BaseConverter):
    """Matches only the language codes we serve, so /fr/… is a 404, not a crash."""

    regex = "(?:en|zh-hk)"


def current_lang() -> str:
    return g.get("lang_code") or guess_lang_from_path(request.path) or DEFAULT_LANG


def current_language() -> Language:
    return LANGUAGES[current_lang()]


def other_lang(code: str | None = None) -> str:
    return "zh-hk" if (code or current_lang()) == "en" else "en"


def guess_lang_from_path(path: str) -> str | None:
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES else None


def negotiate_lang(accept_language: str | None, cookie: str | None) -> str:
    """Pick the visitor's language: a remembered choice wins, then Accept-Language.

    Tags are read in order of preference; the first Chinese (``zh*``) or
    Cantonese (``yue*``) tag means Chinese, the first English tag English,
    other languages are passed over; nothing usable means English.
    """
    if cookie in LANGUAGES:
        return cookie
    for tag in _tags_by_preference(accept_language or ""):
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
JOINS = {"en": " ", "zh-hk": ""}
BRACKETS = {"en": ("(", ")"), "zh-hk": ("（", "）")}


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
        """/zh/…, /zh-tw/… and /zh-hant/… (any case): 301 to the same path and query under /zh-hk/."""
        first, _, rest = request.path.lstrip("/").partition("/")
        if first.lower() not in CHINESE_ALIASES:
            return None
        query = request.query_string.decode("latin-1")
        target = "/zh-hk/" + quote(rest, safe="/:@!$&'()*+,;=-._~")  # a typed line break stays escaped
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
            "path_in_lang": path_in_lang,
            "join_text": join_text,
            "bracketed": bracketed,
            "gap": JOINS[current_lang()],  # the space English writes before "(" and Chinese does not before "（"
        }
