"""The content shipped in content/: enough real, bilingual articles, well linked."""

from __future__ import annotations

from portal.cli import sync_content


def test_related_articles_share_category_or_tags(app):
    sync_content(app)
    from portal.articles import queries
    from portal.db import session_scope

    with app.app_context(), session_scope(app) as session:
        article = queries.by_slug(session, "what-is-an-ifsc").get("en")
        assert article is not None, "content/articles/what-is-an-ifsc/en.md is missing"
        related = queries.related(session, article)
        assert related, "an article in a populated category has related articles"
        for other in related:
            assert other.category == article.category or set(other.tags) & set(article.tags)


def test_real_content_has_at_least_12_bilingual_articles_in_6_categories(app):
    sync_content(app)
    from sqlalchemy import select

    from portal.articles.model import Article
    from portal.db import session_scope

    with session_scope(app) as session:
        rows = session.execute(select(Article.slug, Article.lang, Article.category)).all()
    by_slug: dict[str, set[str]] = {}
    for slug, lang, _ in rows:
        by_slug.setdefault(slug, set()).add(lang)
    # Written in both languages (and so in the Simplified edition too, made from the Traditional one).
    bilingual = [slug for slug, langs in by_slug.items() if langs == {"en", "zh-hk", "zh-cn"}]
    assert len(bilingual) >= 12
    assert len({category for _, _, category in rows}) >= 6


def test_every_phone_number_in_articles_is_a_verified_hotline():
    """Articles may mention hotlines, but only numbers that are in content/hotlines.yml."""
    import re

    import yaml

    from .conftest import REAL_CONTENT

    hotlines = yaml.safe_load((REAL_CONTENT / "hotlines.yml").read_text(encoding="utf-8"))
    verified = {h["number"].replace(" ", "") for h in hotlines}
    for path in sorted((REAL_CONTENT / "articles").glob("*/*.md")):
        # Web addresses (the `sources` of an article, external links) carry dates and ids, not phone numbers.
        text = re.sub(r"https?://\S+", " ", path.read_text(encoding="utf-8"))
        for match in re.finditer(r"(?<![\d-])(\d[\d ]{1,8}\d)(?![\d-])", text):
            digits = match.group(1).replace(" ", "")
            if len(digits) in (3, 5, 6, 8) and not re.match(r"^(19|20)\d\d$", digits):
                assert digits in verified, f"{path}: {match.group(1)} is not a verified hotline number"
