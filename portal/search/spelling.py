"""Spelling help from the index's own words: "Did you mean …" and romanised names without spaces.

The indexer keeps, per language, every English word of the indexed documents with the
number of documents that contain it (``search_word``), updated by the same difference it
writes to the index, so one edited article costs a few rows. A query word that no
document contains is corrected to

1. the same letters split into two or three known words (``shatin`` -> ``sha tin``,
   ``kwuntong`` -> ``kwun tong``), else
2. the known word nearest by edit distance (optimal string alignment: a swap of two
   letters counts once), at most 1 edit for words of up to 8 letters and 2 for longer ones, the more
   common word winning a tie (``depresion`` -> ``depression``).

Distances are computed by rapidfuzz (C++); the word list is read once per process and
language after each reindex.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..db import Base
from .text import english_word

MIN_LETTERS = 2
MAX_WORD = 40
_LETTERS = re.compile(r"[a-z]+")


class SearchWord(Base):
    """An English word of the indexed documents in one language, and how many documents have it."""

    __tablename__ = "search_word"

    lang: Mapped[str] = mapped_column(String(8), primary_key=True)
    word: Mapped[str] = mapped_column(String(MAX_WORD), primary_key=True)
    docs: Mapped[int] = mapped_column(Integer, default=0)


def words_of(*texts: str) -> set[str]:
    """The distinct English words (letters only, lower case) of some text."""
    found: set[str] = set()
    for text in texts:
        found.update(w for w in _LETTERS.findall((text or "").lower()) if MIN_LETTERS <= len(w) <= MAX_WORD)
    return found


class WordCounts:
    """The change to ``search_word`` made by one reindex: +1 per word of an added document, -1 of a removed one."""

    def __init__(self) -> None:
        self.delta: Counter[tuple[str, str]] = Counter()
        # The last texts added and their words: an event in one language has two documents in a row (English
        # and Chinese) with the same texts.
        self._last: tuple[tuple[str, ...], set[str]] = ((), set())

    def add(self, lang: str, *texts: str) -> None:
        if self._last[0] != texts:
            self._last = (texts, words_of(*texts))
        self.delta.update((lang, w) for w in self._last[1])

    def remove(self, lang: str, *texts: str) -> None:
        self.delta.subtract((lang, w) for w in words_of(*texts))

    def apply(self, session: Session) -> None:
        changes = [(lang, word, n) for (lang, word), n in self.delta.items() if n]
        if not changes:
            return
        # The dialect's own INSERT … ON CONFLICT, imported here: importing the PostgreSQL dialect costs
        # a tenth of a second at start-up, which a site on SQLite would pay for nothing.
        if session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        for start in range(0, len(changes), 500):
            chunk = [{"lang": lang, "word": word, "docs": n} for lang, word, n in changes[start : start + 500]]
            statement = insert(SearchWord).values(chunk)
            statement = statement.on_conflict_do_update(
                index_elements=[SearchWord.lang, SearchWord.word],
                set_={"docs": SearchWord.docs + statement.excluded.docs},
            )
            session.execute(statement)
        session.execute(delete(SearchWord).where(SearchWord.docs <= 0))
        self.delta.clear()


def clear_words(session: Session) -> None:
    session.execute(delete(SearchWord))


@dataclass
class Vocabulary:
    """One language's words, most common first, with their stems."""

    counts: dict[str, int]
    stems: set[str]
    words: list[str]

    @classmethod
    def load(cls, session: Session, lang: str) -> Vocabulary:
        rows = session.execute(
            select(SearchWord.word, SearchWord.docs).where(SearchWord.lang == lang).order_by(SearchWord.docs.desc())
        ).all()
        counts = {word: docs for word, docs in rows}
        return cls(counts, {english_word(w) for w in counts}, list(counts))

    def knows(self, word: str) -> bool:
        return word in self.counts or english_word(word) in self.stems

    def correct(self, word: str) -> str | None:
        """A known word (or words, space-separated) the user probably meant, or None."""
        if self.knows(word) or not word.isalpha() or len(word) < 3:
            return None
        return self.split(word) or self.nearest(word)

    def split(self, word: str) -> str | None:
        """``word`` as two or three known words, the split whose rarest part is most common."""
        best: tuple[int, str] | None = None
        for parts in _splits(word, 3):
            if all(p in self.counts for p in parts):
                score = (-len(parts), min(self.counts[p] for p in parts))
                if best is None or score > best[0]:
                    best = (score, " ".join(parts))
        return best[1] if best else None

    def nearest(self, word: str) -> str | None:
        from rapidfuzz import process  # here: only a search with a misspelt word needs it, not every start-up
        from rapidfuzz.distance import OSA

        limit = 1 if len(word) <= 8 else 2  # "gambling" is not "gaming"
        found = process.extract(word, self.words, scorer=OSA.distance, score_cutoff=limit, limit=20)
        if not found:
            return None
        # Fewest edits first, then the most common word (the list is ordered by count, extract keeps that order).
        found.sort(key=lambda item: (item[1], item[2]))
        return found[0][0]


def _splits(word: str, most: int) -> Iterable[tuple[str, ...]]:
    """Every way to cut ``word`` into 2..``most`` pieces of at least two letters."""
    for cut in range(MIN_LETTERS, len(word) - MIN_LETTERS + 1):
        head, tail = word[:cut], word[cut:]
        yield (head, tail)
        if most > 2:
            for rest in _splits(tail, most - 1):
                yield (head, *rest)


_vocabularies: dict[tuple[str, str, str], Vocabulary] = {}


def vocabulary(session: Session, lang: str, version: str) -> Vocabulary:
    """The words of ``lang`` as of the index ``version`` (read again after each reindex)."""
    database = str(session.get_bind().url)
    key = (database, lang, version)
    if key not in _vocabularies:
        for old in [k for k in _vocabularies if k[:2] == (database, lang)]:
            del _vocabularies[old]
        _vocabularies[key] = Vocabulary.load(session, lang)
    return _vocabularies[key]


def corrections(vocab: Vocabulary, words: Iterable[str]) -> dict[str, str]:
    """Typed word -> what the user probably meant, for the words no document has."""
    return {word: fixed for word in words if (fixed := vocab.correct(word))}
