"""The Simplified Chinese edition (/zh-cn/): Traditional (Hong Kong) text turned into Simplified.

Editors write English and Traditional Chinese; the Simplified edition is made from the Traditional text
with OpenCC's ``hk2s`` conversion (Hong Kong variants to Simplified, with its phrase tables, so 乾淨 becomes
干净 and 乾諾道 干诺道), when content is synced, feeds are refreshed and the catalogue is compiled: never
per page view. ``hk2s`` changes characters, not vocabulary: 的士, 屋邨, 綜援 and 18111 stay Hong Kong words.

Where a character-by-character conversion would still be wrong (a name written with a character the
Mainland writes otherwise, a Cantonese character OpenCC maps to a rare one), editors list the term in
``content/zh-cn-terms.yml`` with the form the Simplified edition must show::

    綜合家庭服務中心: 综合家庭服务中心   # converted a given way
    餸: 餸                               # kept as written

Listed terms are taken out before OpenCC runs (each becomes one private-use character, which OpenCC
leaves alone) and put back in the listed form, so a term inside a longer phrase is never split by
OpenCC's phrase matching. ``flask content check`` checks the list (``TermsSource``). One converter per
list per process; building one loads OpenCC's dictionaries (tens of milliseconds), converting a page
takes well under a millisecond.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import Flask, current_app, has_app_context
from opencc import OpenCC

from .chinese import CJK_RUN, traditional_chars
from .content import ContentError, Problem, SyncReport, field_line, load_yaml_file, register_content_source
from .i18n import LANGUAGES, N_, SIMPLIFIED

TERMS_FILE = "zh-cn-terms.yml"
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"
OPENCC_CONFIG = "hk2s"
PRIVATE_USE = 0xE000  # placeholders: U+E000 onwards (6,400 of them before U+F8FF)
HTML_LANG = (
    f'lang="{LANGUAGES["zh-hk"].html_lang}"',
    f'lang="{LANGUAGES[SIMPLIFIED].html_lang}"',
)

NOT_A_MAPPING = N_("%(file)s must map each term to how the Simplified edition writes it (term: form)")
BAD_TERM = N_("term '%(term)s' needs a Simplified form written as text (term: form)")
NOT_CHINESE = N_("term '%(term)s' has no Chinese characters: only Chinese text is converted")
STILL_TRADITIONAL = N_(
    "'%(form)s' (the Simplified form of '%(term)s') still has Traditional characters (%(chars)s); "
    "write it in Simplified, or repeat the term exactly to keep it as written"
)


@dataclass(frozen=True)
class Converter:
    """hk2s with an editor's list of terms that are converted a given way (or kept)."""

    terms: tuple[tuple[str, str], ...] = ()

    @property
    def fingerprint(self) -> str:
        """Changes when the list or OpenCC's configuration does: converted content made before is stale."""
        text = OPENCC_CONFIG + "\n" + "\n".join(f"{term}\t{form}" for term, form in self.terms)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def text(self, text: str) -> str:
        """``text`` in Simplified Chinese; text without Chinese characters comes back as it is."""
        if not text or not CJK_RUN.search(text):
            return text
        pattern, forms = _term_pattern(self.terms)
        if pattern is not None:
            text = pattern.sub(lambda match: chr(PRIVATE_USE + forms[match.group(0)][0]), text)
        converted = _opencc().convert(text)
        if pattern is None:
            return converted
        return converted.translate({PRIVATE_USE + index: form for index, form in forms.values()})

    def html(self, html: str) -> str:
        """Rendered HTML in Simplified: the text (tags and attributes are ASCII, so OpenCC leaves them) and any
        ``lang="zh-Hant-HK"`` an editor wrote on a passage."""
        return self.text(html).replace(*HTML_LANG)


@cache
def _opencc() -> OpenCC:
    return OpenCC(f"{OPENCC_CONFIG}.json")


@cache
def _term_pattern(terms: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str] | None, dict[str, tuple[int, str]]]:
    """A pattern matching any listed term (longest first), and each term's (placeholder index, form)."""
    if not terms:
        return None, {}
    forms = {term: (index, form) for index, (term, form) in enumerate(terms)}
    alternatives = "|".join(re.escape(term) for term in sorted(forms, key=len, reverse=True))
    return re.compile(alternatives), forms


def load_terms(content_dir: Path) -> tuple[tuple[tuple[str, str], ...], list[Problem]]:
    """The editor's terms as (term, form) pairs, and a problem for each entry that cannot be used."""
    path = content_dir / TERMS_FILE
    if not path.exists():
        return (), []
    try:
        data = load_yaml_file(path, TERMS_FILE) or {}
    except ContentError as error:
        return (), error.problems
    if not isinstance(data, dict):
        return (), [Problem(TERMS_FILE, 1, NOT_A_MAPPING, params={"file": TERMS_FILE})]
    text = path.read_text(encoding="utf-8-sig")
    terms: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for raw_term, raw_form in data.items():
        term = str(raw_term)
        problem = _term_problem(term, raw_form, field_line(text, term))
        if problem:
            problems.append(problem)
            continue
        terms.append((term, str(raw_form)))
    return tuple(terms), problems


def _term_problem(term: str, form: object, line: int) -> Problem | None:
    if not isinstance(form, str | int) or isinstance(form, bool) or not str(form).strip():
        return Problem(TERMS_FILE, line, BAD_TERM, params={"term": term})
    if not CJK_RUN.search(term):
        return Problem(TERMS_FILE, line, NOT_CHINESE, params={"term": term})
    form = str(form)
    left = "".join(dict.fromkeys(traditional_chars(form)))
    if form != term and left:
        return Problem(TERMS_FILE, line, STILL_TRADITIONAL, params={"term": term, "form": form, "chars": left})
    return None


@cache
def _converter_for(path: str, mtime_ns: int) -> Converter:
    return Converter(load_terms(Path(path))[0])


def converter(content_dir: Path | str | None = None) -> Converter:
    """The converter for a content folder (the app's CONTENT_DIR by default), rebuilt when its list changes."""
    if content_dir is None:
        content_dir = current_app.config["CONTENT_DIR"] if has_app_context() else DEFAULT_CONTENT_DIR
    folder = Path(content_dir)
    terms = folder / TERMS_FILE
    mtime = terms.stat().st_mtime_ns if terms.exists() else 0
    return _converter_for(str(folder), mtime)


def to_simplified(text: str, content_dir: Path | str | None = None) -> str:
    """``text`` (Traditional Chinese, or anything) in Simplified Chinese, with the editor's terms."""
    return converter(content_dir).text(text)


def html_to_simplified(html: str, content_dir: Path | str | None = None) -> str:
    return converter(content_dir).html(html)


class TermsSource:
    """The term list as a content source: checked by ``flask content check``; nothing is loaded from it."""

    name = "zh-cn-terms"

    def files(self, content_dir: Path) -> list[Path]:
        path = content_dir / TERMS_FILE
        return [path] if path.exists() else []

    def check(self, content_dir: Path) -> list[Problem]:
        return load_terms(content_dir)[1]

    def sync(self, session, content_dir: Path, progress) -> SyncReport:  # noqa: ANN001 - the ContentSource protocol
        return SyncReport(self.name)


def init_app(app: Flask) -> None:
    register_content_source(app, TermsSource())
