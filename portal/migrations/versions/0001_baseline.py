"""Baseline: the schema of the last release made without migrations (d4fe00e, December 2026).

Every table, index and constraint that release's ``create_all`` made, and the search
backends' own objects it made beside them (FTS5 on SQLite, a tsvector column with a GIN
index on PostgreSQL). Written out here, not read from the models, so that it never changes.

A database that release made has no ``alembic_version`` table: this revision then *adopts* it.
Each table and index is created only when missing, so its tables and rows are kept as they are
(and one made by an older release gets what it lacks), and Alembic stamps it with this revision.

Revision ID: 0001_baseline
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_baseline"
down_revision = None
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE INDEX IF NOT EXISTS ix_search_doc_id_lang_kind ON search_doc (id, lang, kind)",
)
POSTGRES_SEARCH = (
    "ALTER TABLE search_doc ADD COLUMN IF NOT EXISTS tsv tsvector",
    "CREATE INDEX IF NOT EXISTS ix_search_doc_tsv ON search_doc USING gin (tsv)",
)

_existing: set[str] = set()


def _new_table(name: str) -> bool:
    """True when ``name`` must be created (it is not in the database being adopted)."""
    return name not in _existing


def _index(name: str, table: str, columns: list[str]) -> None:
    """Create the index, unless the table was there before and has it already (under this name)."""
    if table in _existing and name in {index["name"] for index in sa.inspect(op.get_bind()).get_indexes(table)}:
        return
    op.create_index(name, table, columns, unique=False)


def upgrade() -> None:
    _existing.clear()
    _existing.update(sa.inspect(op.get_bind()).get_table_names())
    if _new_table("article"):
        op.create_table(
            "article",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("slug", sa.String(length=120), nullable=False),
            sa.Column("lang", sa.String(length=8), nullable=False),
            sa.Column("title", sa.String(length=300), nullable=False),
            sa.Column("summary", sa.Text(), nullable=False),
            sa.Column("category", sa.String(length=60), nullable=False),
            sa.Column("tags_json", sa.Text(), nullable=False),
            sa.Column("published", sa.Date(), nullable=False),
            sa.Column("reviewed", sa.Date(), nullable=False),
            sa.Column("review_due", sa.Date(), nullable=True),
            sa.Column("author", sa.String(length=200), nullable=False),
            sa.Column("image", sa.String(length=300), nullable=True),
            sa.Column("image_alt", sa.String(length=500), nullable=False),
            sa.Column("featured", sa.Boolean(), nullable=False),
            sa.Column("body_html", sa.Text(), nullable=False),
            sa.Column("toc_json", sa.Text(), nullable=False),
            sa.Column("plain_text", sa.Text(), nullable=False),
            sa.Column("reading_minutes", sa.Integer(), nullable=False),
            sa.Column("source_path", sa.String(length=500), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("slug", "lang", name="uq_article_slug_lang"),
        )
    _index("ix_article_lang_category", "article", ["lang", "category"])
    _index("ix_article_lang_published", "article", ["lang", "published"])
    _index("ix_article_related", "article", ["lang", "category", "published", "slug", "tags_json"])
    if _new_table("category"):
        op.create_table(
            "category",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("key", sa.String(length=60), nullable=False),
            sa.Column("lang", sa.String(length=8), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("description", sa.Text(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("key", "lang", name="uq_category_key_lang"),
        )
    if _new_table("centre"):
        op.create_table(
            "centre",
            sa.Column("key", sa.String(length=80), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=10), nullable=False),
            sa.Column("name_en", sa.String(length=300), nullable=False),
            sa.Column("name_zh", sa.String(length=300), nullable=False),
            sa.Column("operator_en", sa.String(length=300), nullable=False),
            sa.Column("operator_zh", sa.String(length=300), nullable=False),
            sa.Column("district_key", sa.String(length=60), nullable=False),
            sa.Column("address_en", sa.Text(), nullable=False),
            sa.Column("address_zh", sa.Text(), nullable=False),
            sa.Column("phones_json", sa.Text(), nullable=False),
            sa.Column("fax", sa.String(length=60), nullable=False),
            sa.Column("email", sa.String(length=200), nullable=False),
            sa.Column("website", sa.String(length=500), nullable=False),
            sa.Column("hours_json", sa.Text(), nullable=False),
            sa.Column("public_holidays", sa.String(length=10), nullable=False),
            sa.Column("lat", sa.Float(), nullable=True),
            sa.Column("lng", sa.Float(), nullable=True),
            sa.Column("boundary_en", sa.Text(), nullable=False),
            sa.Column("boundary_zh", sa.Text(), nullable=False),
            sa.Column("languages_json", sa.Text(), nullable=False),
            sa.Column("accessibility_en", sa.Text(), nullable=False),
            sa.Column("accessibility_zh", sa.Text(), nullable=False),
            sa.Column("last_verified", sa.Date(), nullable=True),
            sa.Column("confidence", sa.Text(), nullable=False),
            sa.Column("source", sa.Text(), nullable=False),
            sa.Column("search_text", sa.Text(), nullable=False),
            sa.Column("has_hours", sa.Boolean(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
    if _new_table("content_file"):
        op.create_table(
            "content_file",
            sa.Column("path", sa.String(length=500), nullable=False),
            sa.Column("source", sa.String(length=40), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("status", sa.String(length=10), nullable=False),
            sa.Column("error", sa.Text(), nullable=False),
            sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("path"),
        )
    if _new_table("district"):
        op.create_table(
            "district",
            sa.Column("key", sa.String(length=60), nullable=False),
            sa.Column("code", sa.String(length=4), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("name_en", sa.String(length=100), nullable=False),
            sa.Column("name_zh", sa.String(length=100), nullable=False),
            sa.Column("region_en", sa.String(length=100), nullable=False),
            sa.Column("region_zh", sa.String(length=100), nullable=False),
            sa.Column("lat", sa.Float(), nullable=False),
            sa.Column("lng", sa.Float(), nullable=False),
            sa.Column("boundary_json", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
    if _new_table("feedback"):
        op.create_table(
            "feedback",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("received", sa.DateTime(timezone=True), nullable=False),
            sa.Column("page", sa.String(length=300), nullable=False),
            sa.Column("lang", sa.String(length=10), nullable=False),
            sa.Column("category", sa.String(length=20), nullable=False),
            sa.Column("useful", sa.Boolean(), nullable=True),
            sa.Column("comment", sa.Text(), nullable=False),
            sa.Column("centre_key", sa.String(length=100), nullable=True),
            sa.PrimaryKeyConstraint("id"),
        )
    _index("ix_feedback_page_received", "feedback", ["page", "received"])
    _index("ix_feedback_received", "feedback", ["received"])
    if _new_table("holiday"):
        op.create_table(
            "holiday",
            sa.Column("day", sa.Date(), nullable=False),
            sa.Column("name_en", sa.String(length=200), nullable=False),
            sa.Column("name_zh", sa.String(length=200), nullable=False),
            sa.PrimaryKeyConstraint("day"),
        )
    if _new_table("hotline"):
        op.create_table(
            "hotline",
            sa.Column("key", sa.String(length=60), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("number", sa.String(length=60), nullable=False),
            sa.Column("dial", sa.String(length=30), nullable=False),
            sa.Column("channel", sa.String(length=20), nullable=False),
            sa.Column("in_help_bar", sa.Integer(), nullable=False),
            sa.Column("name_en", sa.String(length=300), nullable=False),
            sa.Column("name_zh", sa.String(length=300), nullable=False),
            sa.Column("short_en", sa.String(length=80), nullable=False),
            sa.Column("short_zh", sa.String(length=80), nullable=False),
            sa.Column("hours_en", sa.String(length=200), nullable=False),
            sa.Column("hours_zh", sa.String(length=200), nullable=False),
            sa.Column("purpose_en", sa.Text(), nullable=False),
            sa.Column("purpose_zh", sa.Text(), nullable=False),
            sa.Column("group", sa.String(length=40), nullable=False),
            sa.Column("crisis", sa.Integer(), nullable=False),
            sa.Column("source", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
    if _new_table("partner"):
        op.create_table(
            "partner",
            sa.Column("id", sa.String(length=80), nullable=False),
            sa.Column("name_en", sa.String(length=300), nullable=False),
            sa.Column("name_zh", sa.String(length=300), nullable=False),
            sa.Column("description_en", sa.Text(), nullable=False),
            sa.Column("description_zh", sa.Text(), nullable=False),
            sa.Column("website", sa.String(length=500), nullable=False),
            sa.Column("logo", sa.String(length=300), nullable=False),
            sa.Column("is_example", sa.Boolean(), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    if _new_table("publication"):
        op.create_table(
            "publication",
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("key", sa.String(length=200), nullable=False),
            sa.Column("lang", sa.String(length=8), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("kind", "key", "lang"),
        )
    _index("ix_publication_at", "publication", ["at"])
    if _new_table("quick_exit_tag"):
        op.create_table(
            "quick_exit_tag", sa.Column("key", sa.String(length=60), nullable=False), sa.PrimaryKeyConstraint("key")
        )
    if _new_table("search_doc"):
        op.create_table(
            "search_doc",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("key", sa.String(length=200), nullable=False),
            sa.Column("lang", sa.String(length=8), nullable=False),
            sa.Column("title", sa.String(length=500), nullable=False),
            sa.Column("body", sa.Text(), nullable=False),
            sa.Column("endpoint", sa.String(length=80), nullable=False),
            sa.Column("args_json", sa.Text(), nullable=False),
            sa.Column("url", sa.String(length=1000), nullable=False),
            sa.Column("day", sa.Date(), nullable=True),
            sa.Column("title_tokens", sa.Text(), nullable=False),
            sa.Column("body_tokens", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    _index("ix_search_doc_lang_kind", "search_doc", ["lang", "kind"])
    if _new_table("search_lexicon"):
        op.create_table(
            "search_lexicon",
            sa.Column("name", sa.String(length=20), nullable=False),
            sa.Column("digest", sa.String(length=64), nullable=False),
            sa.Column("data_json", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("name"),
        )
    if _new_table("search_word"):
        op.create_table(
            "search_word",
            sa.Column("lang", sa.String(length=8), nullable=False),
            sa.Column("word", sa.String(length=40), nullable=False),
            sa.Column("docs", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("lang", "word"),
        )
    if _new_table("selfcheck_tool"):
        op.create_table(
            "selfcheck_tool",
            sa.Column("key", sa.String(length=60), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("definition", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
    if _new_table("site_contact"):
        op.create_table(
            "site_contact",
            sa.Column("key", sa.String(length=20), nullable=False),
            sa.Column("email", sa.String(length=300), nullable=False),
            sa.Column("expect_en", sa.Text(), nullable=False),
            sa.Column("expect_zh", sa.Text(), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
    if _new_table("site_page"):
        op.create_table(
            "site_page",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("slug", sa.String(length=60), nullable=False),
            sa.Column("lang", sa.String(length=8), nullable=False),
            sa.Column("title", sa.String(length=300), nullable=False),
            sa.Column("summary", sa.Text(), nullable=False),
            sa.Column("reviewed", sa.Date(), nullable=False),
            sa.Column("body_html", sa.Text(), nullable=False),
            sa.Column("toc_json", sa.Text(), nullable=False),
            sa.Column("source_path", sa.String(length=500), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("slug", "lang", name="uq_site_page_slug_lang"),
        )
    if _new_table("site_state"):
        op.create_table(
            "site_state",
            sa.Column("key", sa.String(length=100), nullable=False),
            sa.Column("value", sa.Text(), nullable=False),
            sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("key"),
        )
    if _new_table("tag"):
        op.create_table(
            "tag",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("key", sa.String(length=60), nullable=False),
            sa.Column("lang", sa.String(length=8), nullable=False),
            sa.Column("label", sa.String(length=200), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("key", "lang", name="uq_tag_key_lang"),
        )
    if _new_table("partner_feed"):
        op.create_table(
            "partner_feed",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("partner_id", sa.String(length=80), nullable=False),
            sa.Column("url", sa.String(length=1000), nullable=False),
            sa.Column("format_hint", sa.String(length=10), nullable=False),
            sa.Column("default_lang", sa.String(length=8), nullable=False),
            sa.Column("default_district", sa.String(length=60), nullable=False),
            sa.Column("etag", sa.String(length=500), nullable=False),
            sa.Column("last_modified", sa.String(length=100), nullable=False),
            sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("last_result", sa.String(length=20), nullable=False),
            sa.Column("last_error", sa.Text(), nullable=False),
            sa.Column("last_error_kind", sa.String(length=30), nullable=False),
            sa.Column("items_found", sa.Integer(), nullable=False),
            sa.Column("events_found", sa.Integer(), nullable=False),
            sa.Column("news_found", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(
                ["partner_id"],
                ["partner.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("url"),
        )
    _index("ix_partner_feed_partner_id", "partner_feed", ["partner_id"])
    if _new_table("event"):
        op.create_table(
            "event",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("uid", sa.String(length=700), nullable=False),
            sa.Column("source", sa.String(length=10), nullable=False),
            sa.Column("partner_id", sa.String(length=80), nullable=True),
            sa.Column("feed_id", sa.Integer(), nullable=True),
            sa.Column("title_en", sa.String(length=500), nullable=False),
            sa.Column("title_zh", sa.String(length=500), nullable=False),
            sa.Column("description_en", sa.Text(), nullable=False),
            sa.Column("description_zh", sa.Text(), nullable=False),
            sa.Column("venue_en", sa.String(length=500), nullable=False),
            sa.Column("venue_zh", sa.String(length=500), nullable=False),
            sa.Column("address_en", sa.String(length=500), nullable=False),
            sa.Column("address_zh", sa.String(length=500), nullable=False),
            sa.Column("starts", sa.DateTime(timezone=True), nullable=False),
            sa.Column("ends", sa.DateTime(timezone=True), nullable=True),
            sa.Column("all_day", sa.Boolean(), nullable=False),
            sa.Column("timezone_offset_minutes", sa.Integer(), nullable=False),
            sa.Column("district", sa.String(length=60), nullable=False),
            sa.Column("online_url", sa.String(length=1000), nullable=False),
            sa.Column("registration_url", sa.String(length=1000), nullable=False),
            sa.Column("original_url", sa.String(length=1000), nullable=False),
            sa.Column("audience", sa.String(length=300), nullable=False),
            sa.Column("topics", sa.String(length=500), nullable=False),
            sa.Column("fee", sa.String(length=300), nullable=False),
            sa.Column("is_free", sa.Boolean(), nullable=True),
            sa.Column("languages", sa.String(length=100), nullable=False),
            sa.Column("status", sa.String(length=20), nullable=False),
            sa.Column("is_example", sa.Boolean(), nullable=False),
            sa.Column("hidden", sa.Boolean(), nullable=False),
            sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
            sa.Column("content_hash", sa.String(length=64), nullable=False),
            sa.ForeignKeyConstraint(
                ["feed_id"],
                ["partner_feed.id"],
            ),
            sa.ForeignKeyConstraint(
                ["partner_id"],
                ["partner.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("uid"),
        )
    _index("ix_event_district", "event", ["district"])
    _index("ix_event_feed_id", "event", ["feed_id"])
    _index("ix_event_partner_id", "event", ["partner_id"])
    _index("ix_event_visible_starts", "event", ["hidden", "starts"])
    if _new_table("feed_note"):
        op.create_table(
            "feed_note",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("feed_id", sa.Integer(), nullable=False),
            sa.Column("kind", sa.String(length=30), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("uid", sa.String(length=400), nullable=False),
            sa.Column("title", sa.String(length=500), nullable=False),
            sa.Column("detail", sa.String(length=100), nullable=False),
            sa.Column("extra", sa.Text(), nullable=False),
            sa.Column("number", sa.Integer(), nullable=False),
            sa.Column("since", sa.DateTime(timezone=True), nullable=True),
            sa.Column("until", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(
                ["feed_id"],
                ["partner_feed.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
        )
    _index("ix_feed_note_feed_id", "feed_note", ["feed_id"])
    if _new_table("news_item"):
        op.create_table(
            "news_item",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("uid", sa.String(length=700), nullable=False),
            sa.Column("partner_id", sa.String(length=80), nullable=True),
            sa.Column("feed_id", sa.Integer(), nullable=True),
            sa.Column("lang", sa.String(length=8), nullable=False),
            sa.Column("title", sa.String(length=500), nullable=False),
            sa.Column("summary", sa.Text(), nullable=False),
            sa.Column("url", sa.String(length=1000), nullable=False),
            sa.Column("published", sa.DateTime(timezone=True), nullable=True),
            sa.Column("hidden", sa.Boolean(), nullable=False),
            sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(
                ["feed_id"],
                ["partner_feed.id"],
            ),
            sa.ForeignKeyConstraint(
                ["partner_id"],
                ["partner.id"],
            ),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("uid"),
        )
    _index("ix_news_item_feed_id", "news_item", ["feed_id"])
    _index("ix_news_item_partner_id", "news_item", ["partner_id"])
    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH if dialect == "sqlite" else POSTGRES_SEARCH if dialect == "postgresql" else ():
        op.execute(statement)


def downgrade() -> None:
    raise RuntimeError("the baseline cannot be undone: it would drop every table and its rows")
