"""The one interface: ``search(session, query, lang, kinds, page)``, and the indexer behind it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..db import get_state, lock_for_writing, set_state, utcnow
from ..i18n import SIMPLIFIED
from ..publishing import clock_now
from ..simplified import converter
from . import providers
from .backends import backend_for
from .lexicon import CrisisMatch, load_lexicon
from .model import SearchDoc
from .providers import Doc
from .spelling import WordCounts, clear_words, corrections, vocabulary
from .text import MAX_QUERY_CHARS, NORMALISER_VERSION, Query, alternative, index_tokens, parse_query, stem, word_pieces

PAGE_SIZE = 10
MAX_PAGE = 50
SNIPPET_CHARS = 180
STATE_KEY = "search_indexed_at"
NORMALISER_KEY = "search_normaliser"
SIMPLIFIED_KEY = "search_simplified"  # the fingerprint of the converter that made the zh-cn documents
MAX_KEYED = 500  # beyond this many changed keys, a kind is compared as a whole
# In ``title_tokens``, the title's own tokens, then each of the document's exact answers (Doc.answers), after
# this mark. Neither engine indexes "|" (FTS5's unicode61 and PostgreSQL's parser both split on it), and no
# token contains it, so both backends rank an answer as title text and the answers are read back unambiguously.
ANSWER_MARK = " | "


def all_kinds() -> list[str]:
    return list(providers.PROVIDERS)


# --- indexing ---------------------------------------------------------------------------------


def replace_documents(
    session: Session,
    kinds: Iterable[str],
    docs: Iterable[Doc],
    rebuild: bool = False,
    keys: set[str] | None = None,
    words: WordCounts | None = None,
) -> int:
    """Make the index of ``kinds`` (of ``keys`` only, when given) hold exactly ``docs``; return their number.

    Runs in the caller's transaction. Only new and changed documents are tokenised and
    written: one edited article among 10,000 costs one row, not a rebuild. ``rebuild``
    rewrites every row (after the normaliser changed). The spelling word list changes by the
    same difference (into ``words`` when given, to apply later; else at once).
    """
    counts = words if words is not None else WordCounts()
    backend = backend_for(session)
    backend.ensure(session)
    kinds = list(kinds)
    wanted = {(doc.kind, doc.key[:200], doc.lang): doc for doc in docs if doc.title or doc.body}
    kept, stale = 0, []
    query = select(*_COMPARED).where(SearchDoc.kind.in_(kinds))
    if keys is not None:
        query = query.where(SearchDoc.key.in_([key[:200] for key in keys]))
    for row in session.execute(query):
        doc = wanted.get((row.kind, row.key, row.lang))
        if doc is not None and not rebuild and _is_current(row, doc):
            del wanted[(row.kind, row.key, row.lang)]
            kept += 1
        else:
            stale.append(row.id)
            counts.remove(row.lang, row.title, row.body)
    for start in range(0, len(stale), 500):
        chunk = stale[start : start + 500]
        backend.delete_rows(session, chunk)
        session.execute(delete(SearchDoc).where(SearchDoc.id.in_(chunk)))
    # A text just tokenised is not tokenised again: an event in one language gives its English and Chinese
    # documents (next to each other) the same title and body, each falling back to the other.
    tokens: dict[str, str] = {}
    rows = [_row(doc, tokens) for doc in wanted.values()]
    ids: list[int] = []
    table = SearchDoc.__table__  # a Core INSERT: the ORM's bulk path adds per-row work and nothing we use
    for start in range(0, len(rows), 500):  # multi-row INSERTs: an ORM object per document cost as much as its tokens
        chunk = rows[start : start + 500]
        for row in chunk:
            counts.add(row["lang"], row["title"], row["body"])
        ids += session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk).all()
    backend.index_rows(session, ids)
    if words is None:
        counts.apply(session)
    return kept + len(rows)


_COMPARED = (
    SearchDoc.id, SearchDoc.kind, SearchDoc.key, SearchDoc.lang, SearchDoc.title, SearchDoc.body,
    SearchDoc.endpoint, SearchDoc.args_json, SearchDoc.url, SearchDoc.day, SearchDoc.title_tokens,
)  # fmt: skip


def _is_current(row: Any, doc: Doc) -> bool:
    """The indexed row already says what ``doc`` says (same text, same link, same exact answers)."""
    return (row.title, row.body, row.endpoint, row.args_json, row.url, row.day) == (
        doc.title[:500],
        doc.body,
        doc.endpoint,
        json.dumps(doc.args),
        doc.url[:1000],
        doc.day,
    ) and row.title_tokens.split(ANSWER_MARK)[1:] == _answer_tokens(doc.answers)


def _answer_tokens(answers: Sequence[str]) -> list[str]:
    """Each exact answer as the tokens a query typing it has ("2389-2222" and "2389 2222": "2389 2222")."""
    return list(dict.fromkeys(tokens for answer in answers if (tokens := " ".join(alternative(answer)))))


def _title_tokens(doc: Doc, seen: dict[str, str]) -> str:
    return "".join([_tokens(doc.title, seen), *(ANSWER_MARK + tokens for tokens in _answer_tokens(doc.answers))])


def _row(doc: Doc, tokens: dict[str, str]) -> dict[str, Any]:
    """The row of a new document; ``tokens`` remembers the tokens of texts already seen (text -> tokens)."""
    return dict(
        kind=doc.kind, key=doc.key[:200], lang=doc.lang, title=doc.title[:500], body=doc.body,
        endpoint=doc.endpoint, args_json=json.dumps(doc.args), url=doc.url[:1000], day=doc.day,
        title_tokens=_title_tokens(doc, tokens), body_tokens=_tokens(doc.body, tokens),
    )  # fmt: skip


def _tokens(text: str, seen: dict[str, str]) -> str:
    found = seen.get(text)
    if found is None:
        if len(seen) >= 64:  # only the latest few: bodies may be long, and a rebuild has 20,000 of them
            seen.clear()
        found = seen[text] = index_tokens(text)
    return found


def reindex(
    session: Session,
    kinds: Iterable[str] | None = None,
    rebuild: bool = False,
    keys: dict[str, set[str]] | None = None,
) -> int:
    """Bring the index of some kinds (all when None) up to date with the rows they come from.

    ``keys[kind]`` narrows a kind to the keys that changed (e.g. the articles a sync touched).
    When the text normaliser changed since the index was written, every kind is rebuilt.
    """
    lock_for_writing(session, "search-index")
    # The zh-cn documents are made with the editors' term list: a new list (or none yet) redoes them all.
    simplified = converter().fingerprint
    if get_state(session, NORMALISER_KEY) != NORMALISER_VERSION or get_state(session, SIMPLIFIED_KEY) != simplified:
        kinds, rebuild, keys = None, True, None
    words = WordCounts()
    if rebuild and kinds is None:
        clear_words(session)  # counted afresh from every document below
        words = _NotSubtracting()
    count = 0
    for kind in [k for k in (all_kinds() if kinds is None else kinds) if k in providers.PROVIDERS]:
        only = (keys or {}).get(kind)
        if only is not None and len(only) > MAX_KEYED:
            only = None  # a big change: comparing the whole kind is cheaper than a huge IN list
        docs = providers.documents(session, kind, only)
        count += replace_documents(session, [kind], docs, rebuild, only, words)
    words.apply(session)
    set_state(session, STATE_KEY, utcnow().isoformat())
    set_state(session, NORMALISER_KEY, NORMALISER_VERSION)
    set_state(session, SIMPLIFIED_KEY, simplified)
    return count


class _NotSubtracting(WordCounts):
    """Counts for a word list rebuilt from empty: the rows being replaced were never counted."""

    def remove(self, lang: str, *texts: str) -> None:
        pass


def index_is_built(session: Session) -> bool:
    return bool(get_state(session, STATE_KEY))


# --- searching --------------------------------------------------------------------------------


@dataclass
class Hit:
    doc: SearchDoc
    snippet: Markup


@dataclass
class Results:
    query: Query
    page: int
    total: int  # matches in the chosen kinds
    hits: list[Hit] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # matches per kind, whatever the filter
    any_term: bool = False  # True when no document had every term and we show documents with some
    crisis: CrisisMatch | None = None  # the query expresses risk: show help above everything
    corrected_from: str = ""  # these are the results of a spelling fix of what was typed
    suggestion: str = ""  # a spelling fix that also finds pages ("Did you mean …")
    searched: str = ""  # the text these results are for (the fix, when corrected_from is set)

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // PAGE_SIZE)))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def search(
    session: Session, query: str, lang: str, kinds: Sequence[str] = (), page: int = 1, spelling: bool = True
) -> Results:
    """Documents in ``lang`` matching every term of ``query`` (or, failing that, any term), best first.

    The editors' thesaurus widens words to their synonyms; the crisis words mark a query that
    expresses risk (``results.crisis``). When a word is in no document and a spelling fix finds
    better results, those are returned with ``corrected_from`` set; when the fix only finds some,
    it is offered as ``suggestion``.
    """
    lexicon = load_lexicon(session)
    parsed = parse_query(query, lexicon.thesaurus)
    page = min(max(1, page), MAX_PAGE)
    kinds = [k for k in kinds if k in providers.PROVIDERS]
    results = _find(session, parsed, lang, kinds, page)
    results.crisis, results.searched = lexicon.crisis.match(query), query.strip()
    # A crisis query is answered by the help block: never "corrected" into other words (kill -> will).
    if not (spelling and parsed.words) or results.crisis:
        return results
    fixes = corrections(vocabulary(session, lang, get_state(session, STATE_KEY)), parsed.words)
    if not fixes:
        return results
    corrected = " ".join(fixes.get(piece, piece) for piece in word_pieces(query[:MAX_QUERY_CHARS]))
    better = _find(session, parse_query(corrected, lexicon.thesaurus), lang, kinds, page)
    if better.total and (not results.total or (results.any_term and not better.any_term)):
        better.crisis = results.crisis or lexicon.crisis.match(corrected)
        better.corrected_from, better.searched = query.strip(), corrected
        return better
    if better.total:
        results.suggestion = corrected
    return results


def _find(session: Session, parsed: Query, lang: str, kinds: list[str], page: int) -> Results:
    if not parsed:
        return Results(parsed, page, 0)
    backend = backend_for(session)
    offset = (page - 1) * PAGE_SIZE
    any_term = False
    now = clock_now()
    ids, counts = backend.find(session, parsed.clauses, False, lang, PAGE_SIZE, offset, kinds, now)
    if not counts and len(parsed.clauses) > 1:
        any_term = True
        ids, counts = backend.find(session, parsed.clauses, True, lang, PAGE_SIZE, offset, kinds, now)
    rows = {row.id: row for row in session.scalars(select(SearchDoc).where(SearchDoc.id.in_(ids)))}
    typed = _typed(parsed)
    ordered = sorted((i for i in ids if i in rows), key=lambda i: _first_key(rows[i].title_tokens, parsed, typed))
    marked = in_script_of(parsed, lang)
    hits = [Hit(rows[i], snippet(rows[i].body, marked)) for i in ordered]
    total = sum(n for kind, n in counts.items() if not kinds or kind in kinds)
    return Results(parsed, page, total, hits, counts, any_term)


def in_script_of(parsed: Query, lang: str) -> Query:
    """The query with its Chinese phrases also in the script of ``lang``'s documents, so a snippet marks them.

    The Simplified edition's documents are stored in Simplified: a query typed in Traditional (or mixing
    both) is converted here, once per query (the documents never are).
    """
    if lang != SIMPLIFIED or not parsed.phrases:
        return parsed
    simplify = converter()
    phrases = tuple(dict.fromkeys([*parsed.phrases, *(simplify.text(phrase) for phrase in parsed.phrases)]))
    return replace(parsed, phrases=phrases)


def _first_key(title_tokens: str, parsed: Query, typed: str) -> tuple[bool, bool]:
    """Sort key within a page: the documents the query is an exact answer of, then title answers, then the rest
    (the backend's order kept within each). ``typed``: the query's own tokens (``_typed``)."""
    return typed not in title_tokens.split(ANSWER_MARK)[1:], not _title_answers(title_tokens, parsed)


def _typed(parsed: Query) -> str:
    """What was typed, as the tokens an exact answer is stored with (e.g. a hotline's number, with or without
    spaces or hyphens): whose number this is matters more than every page that mentions it."""
    return " ".join(dict.fromkeys(token for clause in parsed.clauses if clause for token in clause[0]))


def _title_answers(title_tokens: str, parsed: Query) -> bool:
    """Whether a title alone carries every word as typed (e.g. a hotline named as the searcher named it).

    Such results go first on their page: body-heavy pages that mention every word (the help page,
    long articles) otherwise outrank the page that is exactly what was asked for once the corpus
    grows and the words become common.
    """
    tokens = set(title_tokens.split(ANSWER_MARK, 1)[0].split())
    # The first alternative of a clause is what was typed; synonyms are too broad to put a page first.
    return all(set(clause[0]) <= tokens for clause in parsed.clauses if clause)


# --- snippets ---------------------------------------------------------------------------------

_WORD = re.compile(r"[0-9A-Za-z]+(?:['’][A-Za-z]+)?")


def _is_query_word(word: str, query: Query) -> bool:
    return stem(word.lower().replace("’", "'").split("'")[0]) in query.stems


def _folded(text: str) -> str:
    folded = text.lower()
    return folded if len(folded) == len(text) else text


def _chinese_pieces(phrase: str, folded: str) -> list[str]:
    """A phrase to mark: whole where the text has it, else its bigrams."""
    return [phrase] if phrase in folded else [phrase[i : i + 2] for i in range(len(phrase) - 1)] or [phrase]


def match_spans(text: str, query: Query) -> list[tuple[int, int]]:
    """Where the query's words appear in the original text (English word forms, Chinese phrases)."""
    spans = [m.span() for m in _WORD.finditer(text) if _is_query_word(m.group(), query)]
    # Content is written in Traditional Chinese, and query phrases were converted to it; the body is
    # not run through OpenCC here (too slow per hit), so Simplified text in a body is found but not marked.
    folded = _folded(text)
    for phrase in query.phrases:
        for piece in _chinese_pieces(phrase, folded):
            start = folded.find(piece)
            while start != -1:
                spans.append((start, start + len(piece)))
                start = folded.find(piece, start + len(piece))
    return _merge(spans)


def first_match(text: str, query: Query) -> int | None:
    """Where the first match starts, without finding every match of a long body (the snippet needs one)."""
    folded = _folded(text)
    found = [
        i for phrase in query.phrases for piece in _chinese_pieces(phrase, folded) if (i := folded.find(piece)) != -1
    ]
    best = min(found) if found else None
    if query.stems:
        for m in _WORD.finditer(text, 0, len(text) if best is None else best):
            if _is_query_word(m.group(), query):
                return m.start()
    return best


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, query: Query) -> Markup:
    """``text`` HTML-escaped, each match wrapped in <mark>."""
    out, last = [], 0
    for start, end in match_spans(text, query):
        out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(body: str, query: Query, size: int = SNIPPET_CHARS) -> Markup:
    """A window of the body around the first match, with the matches highlighted."""
    text = " ".join(body.split())
    first = first_match(text, query)
    start = max(0, first - size // 3) if first is not None else 0
    if start:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 and space - start < 20 else start
    end = min(len(text), start + size)
    piece = highlight(text[start:end], query)
    return Markup("").join([Markup("… ") if start else Markup(""), piece, Markup(" …") if end < len(text) else ""])
