"""The editors' word lists for search: the thesaurus and the crisis words.

Both live in ``content/search/`` (``synonyms.yml``, ``crisis.yml``), are checked by
``flask content check`` and loaded by ``flask content sync`` into one small table;
a file with errors keeps its last good version online. At query time the lists are
compiled once per process (again only when a sync changed them):

- the **thesaurus** turns a word or phrase of the query into a clause of alternatives
  (``家暴`` finds pages with 家暴 or 家庭暴力; ``綜援`` and ``CSSA`` find each other);
- the **crisis words** say whether a query expresses risk (suicide or self-harm, family
  violence, child abuse, elder abuse), so the results page shows help above everything.

Words are compared after the same normalising as the index (Simplified to Traditional,
lower case, English stems), so ``自杀``, ``Suicidal`` and ``killing myself`` match
``自殺``, ``suicidal`` and ``kill myself``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..content import (
    ContentError,
    FileTracker,
    Problem,
    Progress,
    SyncReport,
    file_hash,
    find_line,
    load_yaml_file,
    read_text,
    reading,
    relative,
)
from ..db import Base
from ..i18n import N_, SIMPLIFIED
from ..simplified import converter, to_simplified
from .text import CJK_RUN, Match, alternative, english_word, unreadable, word_pieces

SYNONYMS = "synonyms"
CRISIS = "crisis"
FILES = {SYNONYMS: "search/synonyms.yml", CRISIS: "search/crisis.yml"}
MISSING = {
    SYNONYMS: N_("synonyms.yml is missing: search finds only the words as typed"),
    CRISIS: N_("crisis.yml is missing: no search will show the crisis help block"),
}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_MESSAGE_CHARS = 200
# ASCII punctuation written straight after a Chinese character: Chinese text uses ，。！？：
ASCII_PUNCTUATION_IN_CHINESE = re.compile(r"[\u3400-\u9fff][,.!?:;]")


class SearchLexicon(Base):
    """One parsed word list (``synonyms`` or ``crisis``) as JSON, with the hash of its source file."""

    __tablename__ = "search_lexicon"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), default="")
    data_json: Mapped[str] = mapped_column(Text, default="[]")


# --- reading and checking the files ---------------------------------------------------------


def _words(value: Any) -> list[str] | None:
    if not isinstance(value, list) or not all(isinstance(w, str | int) for w in value):
        return None
    return [str(w).strip() for w in value if str(w).strip()]


def parse_synonyms(path: Path, shown: str) -> list[dict]:
    """The thesaurus: a list of groups, each ``note`` (what the group is for) and ``words``."""
    data = load_yaml_file(path, shown) or []
    text = read_text(path, shown)
    if not isinstance(data, list):
        raise ContentError(Problem(shown, 1, N_("synonyms.yml must be a list of groups (- note: … words: […])")))
    problems: list[Problem] = []
    groups: list[dict] = []
    seen: dict[str, int] = {}
    line = 1
    for number, item in enumerate(data, start=1):
        words = _words(item.get("words")) if isinstance(item, dict) else None
        first = words[0] if words else ""
        line = find_line(text, first, line) if first else line
        group = {"number": number, "word": first}
        if not isinstance(item, dict) or not str(item.get("note", "")).strip():
            message = (
                N_("group %(number)s (%(word)s): add a 'note' saying what the words have in common")
                if first
                else N_("group %(number)s: add a 'note' saying what the words have in common")
            )
            problems.append(Problem(shown, line, message, params=group))
            continue
        if not words or len(words) < 2:
            message = (
                N_("group %(number)s (%(word)s): 'words' needs at least two words or phrases, as a list")
                if first
                else N_("group %(number)s: 'words' needs at least two words or phrases, as a list")
            )
            problems.append(Problem(shown, line, message, params=group))
            continue
        for word in words:
            key = " ".join(word_pieces(word))
            word_line = find_line(text, word, line)
            if odd := unreadable(word):
                message = N_("'%(word)s': search cannot read %(odd)s yet")
                problems.append(Problem(shown, word_line, message, params={"word": word, "odd": odd}))
            elif not alternative(word):
                message = N_("'%(word)s' has no letters or Chinese")
                problems.append(Problem(shown, word_line, message, params={"word": word}))
            elif key in seen and seen[key] != number:
                message = N_("'%(word)s' is already in group %(group)s: put it in one group only (merge the groups "
                             "if they mean the same)")  # fmt: skip
                problems.append(Problem(shown, word_line, message, params={"word": word, "group": seen[key]}))
            seen.setdefault(key, number)
        groups.append({"note": str(item["note"]).strip(), "words": words})
    if problems:
        raise ContentError(problems)
    return groups


def _hotline_ids(content_dir: Path) -> dict[str, bool]:
    """Hotline id -> whether it is a 24-hour crisis line, from content/hotlines.yml (read as data)."""
    try:
        data = load_yaml_file(content_dir / "hotlines.yml", "hotlines.yml")
    except (ContentError, OSError):
        return {}
    items = data if isinstance(data, list) else []
    return {str(h.get("id")): bool(h.get("crisis")) for h in items if isinstance(h, dict) and h.get("id")}


CRISIS_REQUIRED = ("id", "note", "hotlines", "message_en", "message_zh", "words_en", "words_zh")


def parse_crisis(path: Path, shown: str, content_dir: Path) -> list[dict]:
    """The crisis groups: id, note, hotlines (ids of 24-hour lines), a message and words in each language."""
    data = load_yaml_file(path, shown) or []
    text = read_text(path, shown)
    if not isinstance(data, list):
        raise ContentError(Problem(shown, 1, N_("crisis.yml must be a list of groups (- id: …)")))
    hotlines = _hotline_ids(content_dir)
    problems: list[Problem] = []
    groups: list[dict] = []
    ids: set[str] = set()
    for number, item in enumerate(data, start=1):
        key = str(item.get("id", "")) if isinstance(item, dict) else ""
        line = find_line(text, f"id: {key}") if key else 1
        missing = [name for name in CRISIS_REQUIRED if not isinstance(item, dict) or not item.get(name)]
        if missing:
            message = N_("crisis group %(group)s is missing: %(fields)s")
            problems.append(
                Problem(shown, line, message, params={"group": key or number, "fields": ", ".join(missing)})
            )
            continue
        group_problems = _check_crisis_group(item, key, ids, hotlines, (shown, line))
        problems += group_problems
        if not group_problems:
            ids.add(key)
            groups.append(
                {
                    "id": key,
                    "hotlines": [str(h) for h in item["hotlines"]],
                    "message": _messages(item, content_dir),
                    "words": _words(item["words_en"]) + _words(item["words_zh"]),
                }
            )
    if problems:
        raise ContentError(problems)
    return groups


def _messages(item: dict, content_dir: Path) -> dict[str, str]:
    """A crisis group's line per served language: the Simplified one made from the Traditional at sync."""
    chinese = str(item["message_zh"]).strip()
    return {"en": str(item["message_en"]).strip(), "zh-hk": chinese, SIMPLIFIED: to_simplified(chinese, content_dir)}


def _check_crisis_group(
    item: dict, key: str, ids: set[str], hotlines: dict[str, bool], where: tuple[str, int]
) -> list[Problem]:
    """What is wrong with one crisis group, reported at ``where`` (its path and line)."""
    problems = []

    def problem(message: str, **params: Any) -> None:
        problems.append(Problem(*where, message, params={"group": key, **params}))

    if not SLUG.match(key):
        problem(N_("crisis group id '%(group)s': use lowercase letters, digits and hyphens"))
    if key in ids:
        problem(N_("crisis group id '%(group)s' is used twice"))
    listed = item["hotlines"] if isinstance(item["hotlines"], list) else []
    if not listed:
        problem(N_("crisis group '%(group)s': 'hotlines' must be a list of hotline ids from hotlines.yml"))
    for hotline in listed:
        if str(hotline) not in hotlines:
            problem(N_("crisis group '%(group)s': hotline '%(hotline)s' is not in hotlines.yml"), hotline=hotline)
        elif not hotlines[str(hotline)]:
            problem(N_("crisis group '%(group)s': hotline '%(hotline)s' is not a 24-hour crisis line "
                       "(crisis: true in hotlines.yml)"), hotline=hotline)  # fmt: skip
    for field in ("message_en", "message_zh"):
        text = str(item[field]).strip()
        if "\n" in text or len(text) > MAX_MESSAGE_CHARS:
            problem(N_("crisis group '%(group)s': %(field)s should be one short line (at most %(most)s)"),
                    field=field, most=MAX_MESSAGE_CHARS)  # fmt: skip
    if ASCII_PUNCTUATION_IN_CHINESE.search(str(item["message_zh"])):
        problem(N_("crisis group '%(group)s': message_zh uses English punctuation; use ，。！？ in Chinese"))
    for field in ("words_en", "words_zh"):
        words = _words(item[field])
        if not words:
            problem(N_("crisis group '%(group)s': '%(field)s' must be a list of words or short phrases"), field=field)
            continue
        for word in words:
            if not word_pieces(word):
                problem(N_("crisis group '%(group)s': '%(word)s' has no letters or Chinese"), word=word)
        for word in words:
            if odd := unreadable(word):
                problem(N_("crisis group '%(group)s': '%(word)s': search cannot read %(odd)s yet"), word=word, odd=odd)
    return problems


class LexiconSource:
    """The content source for content/search/*.yml."""

    name = "search-words"

    def files(self, content_dir: Path) -> list[Path]:
        return [content_dir / name for name in FILES.values()]

    def _parse(self, name: str, content_dir: Path) -> list[dict]:
        path = content_dir / FILES[name]
        shown = relative(path, content_dir)
        if not path.exists():
            raise ContentError(Problem(shown, 1, MISSING[name], "warning"))
        if name == SYNONYMS:
            return parse_synonyms(path, shown)
        return parse_crisis(path, shown, content_dir)

    def check(self, content_dir: Path) -> list[Problem]:
        problems: list[Problem] = []
        for name in FILES:
            try:
                with reading(f"content/search/{name}"):
                    self._parse(name, content_dir)
            except ContentError as exc:
                problems += exc.problems
        return problems

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        report = SyncReport(self.name)
        tracker = FileTracker(session, self.name)
        hotlines = content_dir / "hotlines.yml"
        for name, file in FILES.items():
            progress(1)
            path = content_dir / file
            shown = relative(path, content_dir)
            # The crisis list names hotlines: check it again when hotlines.yml changes.
            extra = hotlines.read_bytes() if name == CRISIS and hotlines.exists() else b""
            # ... and when the Simplified edition's term list does (its messages are converted with it).
            extra += converter(content_dir).fingerprint.encode() if name == CRISIS else b""
            if not path.exists():
                report.problems.append(Problem(shown, 1, MISSING[name], "warning"))
                continue
            digest = file_hash(path.read_bytes(), extra)
            if tracker.is_unchanged(shown, digest):
                report.unchanged += 1
                continue
            try:
                with reading(f"content/search/{name}"):
                    data = self._parse(name, content_dir)
            except ContentError as exc:
                report.problems += exc.problems
                tracker.record_error(shown, digest, exc.problems)
                continue
            row = session.get(SearchLexicon, name) or SearchLexicon(name=name)
            row.digest, row.data_json = digest, json.dumps(data, ensure_ascii=False)
            session.add(row)
            tracker.record_ok(shown, digest)
            report.updated += 1
        return report


# --- compiled for queries ---------------------------------------------------------------------


def _stems(word: str) -> tuple[str, ...]:
    """An English word or phrase as the stems of its words (all of them, stop words too)."""
    return tuple(english_word(p) for p in word_pieces(word) if not CJK_RUN.fullmatch(p))


def _chinese(word: str) -> str:
    """A Chinese word as the index sees it (Traditional, no spaces), or '' for English."""
    pieces = word_pieces(word)
    return "".join(pieces) if pieces and all(CJK_RUN.fullmatch(p) for p in pieces) else ""


class PhraseIndex:
    """Finds known words in a query: Chinese terms inside Chinese runs, English phrases as whole words."""

    def __init__(self, entries: list[tuple[str, Any]]):
        self.english: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        chinese: dict[str, Any] = {}
        for word, value in entries:
            if term := _chinese(word):
                chinese.setdefault(term, value)
            elif stems := _stems(word):
                self.english.setdefault(stems[0], []).append((stems, value))
        for candidates in self.english.values():
            candidates.sort(key=lambda c: -len(c[0]))  # longest phrase first
        self.chinese = chinese
        terms = sorted(chinese, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, terms))) if terms else None

    def find(self, pieces: list[str]) -> list[tuple[int, int, int, Any]]:
        """(piece index, start, end, value) of each known word, left to right, longest first."""
        found: list[tuple[int, int, int, Any]] = []
        stems = [None if CJK_RUN.fullmatch(p) else english_word(p) for p in pieces]
        index = 0
        while index < len(pieces):
            piece = pieces[index]
            if stems[index] is None:
                if self.pattern:
                    found += [(index, m.start(), m.end(), self.chinese[m.group()]) for m in
                              self.pattern.finditer(piece)]  # fmt: skip
                index += 1
                continue
            for phrase, value in self.english.get(stems[index], []):
                if tuple(stems[index : index + len(phrase)]) == phrase:
                    found.append((index, 0, index + len(phrase), value))
                    index += len(phrase)
                    break
            else:
                index += 1
        return found


class Thesaurus:
    """The query expander: each known word brings the other words of its group as alternatives."""

    def __init__(self, groups: list[dict]):
        entries = []
        for group in groups:
            for word in group["words"]:
                entries.append((word, tuple(w for w in group["words"] if w != word)))
        self.index = PhraseIndex(entries)

    def expand(self, pieces: list[str]) -> list[Match]:
        return self.index.find(pieces)


@dataclass(frozen=True)
class CrisisMatch:
    """What the results page shows above everything for a query that expresses risk."""

    groups: tuple[str, ...]  # ids of the matching groups, most specific (first in the file) first
    hotlines: tuple[str, ...]  # hotline ids to show, in order, without repeats
    message: dict[str, str]  # the first group's one line, per language


class CrisisWords:
    def __init__(self, groups: list[dict]):
        self.groups = {g["id"]: g for g in groups}
        self.order = [g["id"] for g in groups]
        self.index = PhraseIndex([(word, g["id"]) for g in groups for word in g["words"]])

    def match(self, query: str) -> CrisisMatch | None:
        pieces = word_pieces(query)
        # Chinese words may be typed with spaces in between (老公 打我): also look in the runs joined up.
        joined = "".join(p for p in pieces if CJK_RUN.fullmatch(p))
        found = {value for *_span, value in self.index.find(pieces + ([joined] if joined else []))}
        if not found:
            return None
        ids = tuple(key for key in self.order if key in found)
        hotlines = tuple(dict.fromkeys(h for key in ids for h in self.groups[key]["hotlines"]))
        return CrisisMatch(ids, hotlines, self.groups[ids[0]]["message"])


@dataclass
class Lexicon:
    thesaurus: Thesaurus
    crisis: CrisisWords


_compiled: dict[tuple[str, ...], Lexicon] = {}


def load_lexicon(session: Session) -> Lexicon:
    """The compiled word lists as last synced (compiled again only when a sync changed them)."""
    rows = {name: digest for name, digest in session.execute(select(SearchLexicon.name, SearchLexicon.digest))}
    key = tuple(rows.get(name, "") for name in FILES)
    lexicon = _compiled.get(key)
    if lexicon is None:
        data = {row.name: json.loads(row.data_json) for row in session.scalars(select(SearchLexicon))}
        lexicon = Lexicon(Thesaurus(data.get(SYNONYMS, [])), CrisisWords(data.get(CRISIS, [])))
        _compiled.clear()  # only the current lists are worth keeping
        _compiled[key] = lexicon
    return lexicon
