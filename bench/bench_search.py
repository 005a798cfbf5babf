"""Search latency on 10,000 generated bilingual documents, on SQLite FTS5 and PostgreSQL.

    .venv/bin/python bench/bench_search.py [--docs 10000] [--rounds 5]

Each generated document has an English and a Traditional Chinese version built
from a fixed vocabulary with a seeded random generator, so runs are comparable,
and (as the site indexes since issue 19) a Simplified one made from the
Traditional, so the index holds 3 x docs rows (``--two-editions``: 2 x, as before).
Every query of a mixed set (English words and word forms, two-character Chinese
words, phrases, Simplified and mixed queries, queries with no match) is run
``rounds`` times through the public ``search()`` interface (ranking, one page of
10 hits, snippets). Prints the median and p95 latency per backend, first as the
reference (no word lists, no spelling fixes), then with the editors' thesaurus
and crisis words of content/search/ loaded and spelling fixes on, and the ratio
of the two; with three editions, also with the Chinese queries asked of the
Simplified edition (/zh-cn/). PostgreSQL uses PORTAL_BENCH_POSTGRES_URL (default:
the test database) in a throw-away schema and is skipped when unreachable.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.config import PROJECT_ROOT  # noqa: E402
from portal.db import session_scope  # noqa: E402
from portal.search.engine import replace_documents, search  # noqa: E402
from portal.search.lexicon import LexiconSource  # noqa: E402
from portal.search.providers import Doc, simplified_twins  # noqa: E402

POSTGRES_URL = os.environ.get("PORTAL_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
KINDS = ["articles", "events", "selfcheck", "centres", "news"]
EN_WORDS = (
    "parent parenting child children teenager family carer caring elderly stress sleep homework school money "
    "communication listening talk support group workshop centre counselling district health anxiety mood "
    "screen phone rules couple argument repair baby newborn routine praise budget saving volunteer respite "
    "dementia grandparent play outdoor reading language exam pressure friendship bullying online safety"
).split()
ZH_WORDS = (
    "家長 育兒 孩子 兒童 青少年 家庭 照顧 照顧者 長者 壓力 睡眠 功課 學校 金錢 溝通 聆聽 傾談 支援 小組 工作坊 "
    "中心 輔導 地區 健康 焦慮 情緒 屏幕 手機 規則 夫妻 爭吵 修補 嬰兒 初生 作息 讚賞 預算 儲蓄 義工 暫託 認知障礙 "
    "祖父母 遊戲 戶外 閱讀 語言 考試 朋友 欺凌 網上 安全"
).split()
QUERIES = [
    "parenting", "parents", "teenager communication", "carer support group", "sleep routine", "homework",
    "school exam pressure", "elderly dementia respite", "online safety", "budget saving children", "xylophone",
    "溝通", "照顧", "沟通", "照顾者", "青少年 溝通", "育兒壓力", "網上安全", "考試壓力", "認知障礙 長者", "冇呢個字",
    "SEN 家長", "家長 workshop", '"quoted" AND (hostile*)',
    # Through the thesaurus, the crisis words and the spelling fixes (issue 11):
    "湊仔", "屋企 壓力", "老人家", "綜援", "childcare", "自殺", "kill myself", "家暴", "parentng", "dementa",
    "homwork", "exampressure", "grandparnt support",
]  # fmt: skip


def filler(rng: random.Random) -> tuple[list[str], list[str]]:
    """A larger vocabulary of made-up words (and common Chinese characters) that carries no topic."""
    syllables = "ba be bi bo ku ka ke ri ra ro ti ta te mo mi ma lu la le no na ne so sa se zu za ze".split()
    english = ["".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(5000)]
    chinese = ["".join(chr(rng.randint(0x4E00, 0x4E00 + 3000)) for _ in range(2)) for _ in range(5000)]
    return english, chinese


def sentence(rng: random.Random, topic: list[str], other: list[str], sep: str) -> str:
    """Twelve words, about one in six from the document's topics, the rest filler."""
    return sep.join(rng.choice(topic) if rng.random() < 0.17 else rng.choice(other) for _ in range(12))


def generate(count: int, seed: int = 7) -> list[Doc]:
    rng = random.Random(seed)
    en_filler, zh_filler = filler(rng)
    docs: list[Doc] = []
    for n in range(count):
        kind = KINDS[n % len(KINDS)]
        en_topic, zh_topic = rng.sample(EN_WORDS, 5), rng.sample(ZH_WORDS, 5)
        en_title = " ".join(en_topic[:2] + rng.sample(en_filler, 2)).capitalize()
        en_body = ". ".join(sentence(rng, en_topic, en_filler, " ") for _ in range(10))
        zh_title = "".join(zh_topic[:2] + rng.sample(zh_filler, 2))
        zh_body = "。".join(sentence(rng, zh_topic, zh_filler, "") for _ in range(10))
        docs.append(Doc(kind, str(n), "en", en_title, en_body))
        docs.append(Doc(kind, str(n), "zh-hk", zh_title, zh_body))
    return docs


def with_simplified(docs: list[Doc]) -> list[Doc]:
    """The index as the site writes it since issue 19: a zh-cn document made from each zh-hk one."""
    return docs + simplified_twins(docs)


def app_for(backend: str, tmp: Path):
    config = {"TESTING": True, "SECRET_KEY": "bench", "INSTANCE_PATH": str(tmp), "SITE_URL": "http://bench",
              "DATABASE_UPGRADE_ON_START": True}  # fmt: skip
    if backend == "sqlite":
        return create_app({**config, "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}", "REDIS_URL": None}), None
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    return create_app({**config, "DATABASE_URL": url, "REDIS_URL": None}), schema


def drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def timed(session, spelling: bool, rounds: int, chinese: str = "zh-hk") -> list[float]:
    """Milliseconds of every query in every round (after one warm-up round), sorted; Chinese queries are asked
    of the ``chinese`` edition."""
    for query in QUERIES:
        search(session, query, chinese if not query.isascii() else "en", spelling=spelling)
    timings: list[float] = []
    for _ in range(rounds):
        for query in QUERIES:
            lang = "en" if query.isascii() else chinese
            t0 = time.perf_counter()
            search(session, query, lang, spelling=spelling)
            timings.append((time.perf_counter() - t0) * 1000)
    return sorted(timings)


def p95(timings: list[float]) -> float:
    return timings[max(0, round(0.95 * len(timings)) - 1)]


def run(backend: str, docs: list[Doc], rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        try:
            app, schema = app_for(backend, Path(tmp))
        except Exception as exc:  # noqa: BLE001
            print(f"{backend:10s} skipped: {exc}")
            return
        try:
            started = time.perf_counter()
            with session_scope(app) as session:
                replace_documents(session, KINDS, docs)
            indexing = time.perf_counter() - started
            with session_scope(app) as session:
                reference = timed(session, False, rounds)
            with session_scope(app) as session:
                LexiconSource().sync(session, PROJECT_ROOT / "content", lambda _n: None)
            with session_scope(app) as session:
                full = timed(session, True, rounds)
            rows = [("reference", reference), ("words+spelling", full)]
            if any(doc.lang == "zh-cn" for doc in docs):
                with session_scope(app) as session:
                    rows.append(("zh-cn words+sp.", timed(session, True, rounds, "zh-cn")))
            for label, timings in rows:
                print(
                    f"{backend:10s} {label:15s} rows={len(docs):6d} index={indexing:6.1f}s "
                    f"queries={len(timings):4d} median={statistics.median(timings):7.2f} ms  "
                    f"p95={p95(timings):7.2f} ms  max={timings[-1]:7.2f} ms"
                )
            median_ratio = statistics.median(full) / statistics.median(reference)
            print(f"{backend:10s} ratio words+spelling / reference: median x{median_ratio:.2f}, "
                  f"p95 x{p95(full) / p95(reference):.2f}")  # fmt: skip
        finally:
            app.extensions["portal.engine"].dispose()
            if schema:
                drop_schema(schema)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--two-editions", action="store_true", help="the index before issue 19: no zh-cn documents")
    args = parser.parse_args()
    docs = generate(args.docs) if args.two_editions else with_simplified(generate(args.docs))
    print(f"{args.docs} bilingual documents ({len(docs)} index rows), {len(QUERIES)} queries x {args.rounds} rounds")
    for backend in ("sqlite", "postgres"):
        run(backend, docs, args.rounds)


if __name__ == "__main__":
    main()
