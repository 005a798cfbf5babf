"""The bilingual normaliser shared by indexing and querying, so both backends see the same tokens.

FTS5's tokenizers and PostgreSQL's parsers do not segment Chinese. Instead of a
dictionary segmenter we index overlapping character bigrams, each written by its script key
(portal.chinese.script_key: 啟德, 啓德 and 启德 are one token) (溝通技巧 -> 溝通 通技
技巧) plus single characters, after converting Simplified to Traditional with
OpenCC, so a Simplified query (沟通) finds Traditional text (溝通). English words
are lower-cased and reduced by the Snowball (Porter 2) stemmer, so "parenting"
finds "parent". The output is a space-separated string of clean tokens (letters,
digits, CJK characters only): nothing a user types reaches MATCH or to_tsquery raw.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import snowballstemmer

from ..chinese import CJK_CHARS, CJK_RUN, script_key, to_traditional

# Change this whenever index_tokens() would tokenise the same text differently (a new rule, another
# converter): the next reindex then rewrites every row instead of keeping unchanged ones.
NORMALISER_VERSION = (
    "5: opencc-c++ s2t that leaves Traditional text as written, CJK tokens by script key (bigrams + single), "
    "snowball english, word list"
)

MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 24

# CJK ideographs are "Chinese runs"; Latin letters and digits are words.
_PIECES = re.compile(rf"[{CJK_CHARS}]+|[0-9a-z]+(?:['’][a-z]+)?")
_CJK_RUN = CJK_RUN
# Words so common that requiring them in every result only hides good matches (queries only).
STOP_WORDS = frozenset(
    "a an and are as at be by do for from how i in is it my of on or the to".split()
    + "what when where who why with you your".split()
)

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


def clean(text: str) -> str:
    """Unicode-normalised, lower-cased, Traditional text with control characters turned into spaces."""
    # A new line is a control character too (a space either way); then text that is all printable, as most
    # is, has none left, and only other text has each distinct character looked up (once, not at every place).
    text = unicodedata.normalize("NFKC", text or "").replace("\n", " ")
    if not text.isprintable():
        control = {ord(ch): " " for ch in set(text) if unicodedata.category(ch)[0] == "C"}
        text = text.translate(control) if control else text
    return to_traditional(text).lower()


def _english(word: str) -> str:
    return stem(word.replace("’", "'").split("'")[0])


def index_tokens(text: str) -> str:
    """The token string stored in the index: stems, CJK bigrams and CJK single characters."""
    tokens: list[str] = []
    for piece in _PIECES.findall(clean(text)):
        if _CJK_RUN.fullmatch(piece):
            key = script_key(piece)  # one spelling for both scripts and their variants: 啟德, 啓德, 启德
            tokens.extend(key)
            tokens.extend(key[i : i + 2] for i in range(len(key) - 1))
        else:
            tokens.append(_english(piece))
    return " ".join(tokens)


# One alternative: tokens that must all appear (a word's stem, or a Chinese phrase's bigrams).
Alternative = tuple[str, ...]
# One clause: any of its alternatives (a word and its synonyms from the thesaurus).
Clause = tuple[Alternative, ...]


@dataclass(frozen=True)
class Query:
    """A parsed query: clauses every result must satisfy, and what to highlight.

    A result must match every clause; a clause matches when any one of its alternatives
    does; an alternative matches when all its tokens are in the document.
    """

    clauses: tuple[Clause, ...]
    stems: frozenset[str]  # English stems, to highlight word forms
    phrases: tuple[str, ...]  # Chinese runs (Traditional) to highlight literally
    words: tuple[str, ...] = ()  # English words as typed (lower case, not stemmed), for spelling suggestions

    @property
    def terms(self) -> tuple[str, ...]:
        """Every token of every alternative, once, in order."""
        return tuple(dict.fromkeys(token for clause in self.clauses for alt in clause for token in alt))

    def __bool__(self) -> bool:
        return bool(self.clauses)


def phrase_tokens(run: str) -> Alternative:
    """The index tokens a Chinese run must all have: its bigrams (or the one character), by script key."""
    run = script_key(run)
    return (run,) if len(run) == 1 else tuple(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))


def word_pieces(text: str) -> list[str]:
    """The pieces of cleaned text: Chinese runs and English words (lower case), in order."""
    return _PIECES.findall(clean(text))


def unreadable(text: str) -> str:
    """Letters in ``text`` that search does not index (e.g. rare CJK extension characters such as 𠝹)."""
    rest = _PIECES.sub(" ", clean(text))
    return "".join(dict.fromkeys(ch for ch in rest if unicodedata.category(ch)[0] == "L"))


def english_word(word: str) -> str:
    """The index token of one English word."""
    return _english(word)


def alternative(word: str) -> Alternative:
    """The tokens a document must all have to contain ``word`` (a word, a phrase or a Chinese term)."""
    tokens: list[str] = []
    for piece in word_pieces(word):
        tokens.extend(phrase_tokens(piece) if _CJK_RUN.fullmatch(piece) else (_english(piece),))
    return tuple(dict.fromkeys(tokens))


# A thesaurus match: (piece index, start, end, synonyms). In a Chinese piece, start/end are character
# offsets in that piece; for English, the match covers pieces[index:end] (whole words).
Match = tuple[int, int, int, tuple[str, ...]]


class Expander(Protocol):
    """Finds the words and phrases of a query that stand for others (the thesaurus)."""

    def expand(self, pieces: list[str]) -> list[Match]: ...


def parse_query(raw: str, expander: Expander | None = None) -> Query:
    """Tokenise what the user typed, the same way as the index (capped in length and terms).

    With an ``expander`` (the thesaurus), a word or phrase it knows becomes one clause of
    alternatives: ``家暴`` matches documents with 家暴 or with 家庭暴力.
    """
    pieces = word_pieces((raw or "")[:MAX_QUERY_CHARS])
    words = [p for p in pieces if not _CJK_RUN.fullmatch(p)]
    meaningful = {w for w in words if w not in STOP_WORDS} or set(words)
    chinese_spans: dict[int, list[tuple[int, int, tuple[str, ...]]]] = {}
    english_spans: dict[int, tuple[int, tuple[str, ...]]] = {}
    for index, start, end, synonyms in expander.expand(pieces) if expander else []:
        if _CJK_RUN.fullmatch(pieces[index]):
            chinese_spans.setdefault(index, []).append((start, end, synonyms))
        else:
            english_spans[index] = (end, synonyms)
    clauses: list[Clause] = []
    stems: set[str] = set()
    phrases: list[str] = []
    typed: list[str] = []
    index = 0
    while index < len(pieces):
        piece = pieces[index]
        if index in english_spans:
            end, synonyms = english_spans[index]
            clauses.append(_synonym_clause(" ".join(pieces[index:end]), synonyms, stems, phrases))
            index = end
            continue
        if _CJK_RUN.fullmatch(piece):
            phrases.append(piece)
            clauses.extend(_chinese_clauses(piece, chinese_spans.get(index, []), stems, phrases))
        elif piece in meaningful:
            stems.add(_english(piece))
            typed.append(piece)
            clauses.append(((_english(piece),),))
        index += 1
    return Query(_cap(clauses), frozenset(stems), tuple(dict.fromkeys(phrases)), tuple(dict.fromkeys(typed)))


def _synonym_clause(typed: str, synonyms: tuple[str, ...], stems: set[str], phrases: list[str]) -> Clause:
    """One clause for a thesaurus match: what was typed or any of its synonyms; all of them highlighted."""
    alternatives: list[Alternative] = []
    for word in (typed, *synonyms):
        alt = alternative(word)
        if alt:
            alternatives.append(alt)
        for piece in word_pieces(word):
            if _CJK_RUN.fullmatch(piece):
                phrases.append(piece)
            else:
                stems.add(_english(piece))
    return tuple(dict.fromkeys(alternatives))


def _chinese_clauses(
    run: str, spans: list[tuple[int, int, tuple[str, ...]]], stems: set[str], phrases: list[str]
) -> list[Clause]:
    """A Chinese run's clauses: thesaurus matches as alternatives, the rest as its bigrams."""
    clauses: list[Clause] = []
    position = 0
    for start, end, synonyms in sorted(spans):
        if start < position:
            continue
        if start > position:
            clauses.extend(((token,),) for token in phrase_tokens(run[position:start]))
        clauses.append(_synonym_clause(run[start:end], synonyms, stems, phrases))
        position = end
    rest = run[position:]
    if rest:
        clauses.extend(((token,),) for token in phrase_tokens(rest))
    return clauses


def _cap(clauses: list[Clause]) -> tuple[Clause, ...]:
    """Clauses without repeats, at most MAX_QUERY_TERMS of them (a long query cannot cost more).

    The thesaurus's alternatives do not count: editors keep each group short.
    """
    return tuple(dict.fromkeys(clauses))[:MAX_QUERY_TERMS]
