"""The bilingual normaliser shared by indexing and querying, so both backends see the same tokens.

FTS5's tokenizers and PostgreSQL's parsers do not segment Chinese. Instead of a
dictionary segmenter we index overlapping character bigrams (溝通技巧 -> 溝通 通技
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

import snowballstemmer

from ..chinese import CJK_CHARS, CJK_RUN, to_traditional

# Change this whenever index_tokens() would tokenise the same text differently (a new rule, another
# converter): the next reindex then rewrites every row instead of keeping unchanged ones.
NORMALISER_VERSION = "2: opencc-c++ s2t, bigrams + single CJK, snowball english"

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
    text = unicodedata.normalize("NFKC", text or "")
    # Look at each distinct character once (a long body repeats a few hundred of them), not at every one.
    control = {ord(ch): " " for ch in set(text) if unicodedata.category(ch)[0] == "C"}
    return to_traditional(text.translate(control) if control else text).lower()


def _english(word: str) -> str:
    return stem(word.replace("’", "'").split("'")[0])


def index_tokens(text: str) -> str:
    """The token string stored in the index: stems, CJK bigrams and CJK single characters."""
    tokens: list[str] = []
    for piece in _PIECES.findall(clean(text)):
        if _CJK_RUN.fullmatch(piece):
            tokens.extend(piece)
            tokens.extend(piece[i : i + 2] for i in range(len(piece) - 1))
        else:
            tokens.append(_english(piece))
    return " ".join(tokens)


@dataclass(frozen=True)
class Query:
    """A parsed query: the tokens every result must contain, and what to highlight."""

    terms: tuple[str, ...]  # index tokens, deduplicated, in order
    stems: frozenset[str]  # English stems, to highlight word forms
    phrases: tuple[str, ...]  # Chinese runs (Traditional) to highlight literally

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse_query(raw: str) -> Query:
    """Tokenise what the user typed, the same way as the index (capped in length and terms)."""
    pieces = _PIECES.findall(clean((raw or "")[:MAX_QUERY_CHARS]))
    terms: list[str] = []
    stems: set[str] = set()
    phrases: list[str] = []
    words = [p for p in pieces if not _CJK_RUN.fullmatch(p)]
    meaningful = [w for w in words if w not in STOP_WORDS] or words
    for piece in pieces:
        if _CJK_RUN.fullmatch(piece):
            phrases.append(piece)
            terms.extend([piece] if len(piece) == 1 else [piece[i : i + 2] for i in range(len(piece) - 1)])
        elif piece in meaningful:
            stems.add(_english(piece))
            terms.append(_english(piece))
    unique = tuple(dict.fromkeys(t for t in terms if t))[:MAX_QUERY_TERMS]
    return Query(unique, frozenset(stems), tuple(phrases))
