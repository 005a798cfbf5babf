"""The house glossary (content/glossary.yml): one word for one thing, checked wherever readers meet text.

Editors own the file: each entry names a preferred form, the forms to avoid and why. ``flask content
check`` warns, as ``path:line``, wherever an avoided form appears in the content, the templates or the
Chinese catalogue (a warning: the page is still published, the editor sees what to change); the test
suite fails on any (tests/test_glossary.py). Search words (content/search/) list what people type, the
avoided forms included, so they are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from .content import ContentError, Problem, SyncReport, load_yaml_file, register_content_source
from .i18n import N_

GLOSSARY = "glossary.yml"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Besides content/: where the site's own words are written.
SITE_TEXT = (("portal/templates", "**/*.html"), ("translations/zh_Hant_HK/strings", "*.yml"))
NOT_CHECKED = ("search/",)
INLINE_CODE = re.compile(r"`[^`\n]+`")  # search words keep the forms people type

AVOIDED = N_("'%(found)s' is not our word: write '%(use)s' (glossary.yml, line %(line)s, says why)")
BAD_ENTRY = N_("each glossary entry needs lang (en or zh-hk), use, avoid (a list) and note: {en: …, zh-hk: …}")


@dataclass(frozen=True)
class Term:
    lang: str
    use: str
    avoid: tuple[str, ...]
    note: dict[str, str]
    line: int

    def pattern(self) -> re.Pattern[str]:
        forms = "|".join(re.escape(form) for form in sorted(self.avoid, key=len, reverse=True))
        if self.lang == "en":  # whole words, any case
            return re.compile(rf"(?<![\w-])(?:{forms})(?![\w-])", re.IGNORECASE)
        return re.compile(forms)


def load_terms(content_dir: Path) -> tuple[list[Term], list[Problem]]:
    """The glossary's entries, and a problem for each entry that cannot be read."""
    path = content_dir / GLOSSARY
    if not path.exists():
        return [], []
    shown = GLOSSARY
    try:
        data = load_yaml_file(path, shown) or []
    except ContentError as error:
        return [], error.problems
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line.startswith("- ")]
    terms, problems = [], []
    for index, entry in enumerate(data if isinstance(data, list) else [data]):
        line = lines[index] if index < len(lines) else 1
        try:
            terms.append(_term(entry, line))
        except (KeyError, TypeError, ValueError):
            problems.append(Problem(shown, line, BAD_ENTRY))
    return terms, problems


def _term(entry: dict, line: int) -> Term:
    lang, use, avoid, note = entry["lang"], entry["use"], entry["avoid"], entry["note"]
    if lang not in ("en", "zh-hk") or not isinstance(avoid, list) or not avoid or not isinstance(note, dict):
        raise ValueError(entry)
    return Term(lang, str(use), tuple(str(a) for a in avoid), {k: str(v) for k, v in note.items()}, line)


def text_files(content_dir: Path) -> Iterator[tuple[str, Path]]:
    """(name shown to the editor, path) of every file whose text readers meet."""
    for path in sorted(content_dir.rglob("*")):
        relative = path.relative_to(content_dir).as_posix()
        if path.suffix in (".md", ".yml", ".csv") and path.name != GLOSSARY and not relative.startswith(NOT_CHECKED):
            yield relative, path
    for folder, pattern in SITE_TEXT:
        for path in sorted((PROJECT_ROOT / folder).glob(pattern)):
            yield path.relative_to(PROJECT_ROOT).as_posix(), path


def _applies(term: Term, shown: str) -> bool:
    """Chinese terms in Chinese files (and in templates and mixed files); English terms outside Chinese files."""
    chinese_only = shown.endswith(("zh-hk.md",)) or shown.startswith("translations/")
    return term.lang == "zh-hk" or not chinese_only


def glossary_problems(content_dir: Path) -> list[Problem]:
    """A warning per avoided form found, with its file and line, in the editor's words."""
    terms, problems = load_terms(content_dir)
    for shown, path in text_files(content_dir):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the file's own source reports it
        if path.suffix == ".md":  # `code` is quoted, not written: the editors' guide names the avoided forms so
            text = INLINE_CODE.sub(lambda m: " " * len(m.group(0)), text)
        for term in (t for t in terms if _applies(t, shown)):
            for match in term.pattern().finditer(text):
                params = {"found": match.group(0), "use": term.use, "line": term.line}
                line = text.count("\n", 0, match.start()) + 1
                problems.append(Problem(shown, line, AVOIDED, severity="warning", params=params))
    return problems


class GlossarySource:
    """The glossary as a content source: it is only checked (nothing is loaded into the database)."""

    name = "glossary"

    def files(self, content_dir: Path) -> list[Path]:
        path = content_dir / GLOSSARY
        return [path] if path.exists() else []

    def check(self, content_dir: Path) -> list[Problem]:
        return glossary_problems(content_dir)

    def sync(self, session, content_dir: Path, progress) -> SyncReport:  # noqa: ANN001 - the ContentSource protocol
        return SyncReport(self.name)


def init_app(app: Flask) -> None:
    register_content_source(app, GlossarySource())
