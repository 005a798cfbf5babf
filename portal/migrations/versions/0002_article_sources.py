"""Articles: a list of cited sources (834881a, ``article.sources_json``, JSON, ``[]`` when none).

The server default fills the column for the articles already stored; the next ``flask content
sync`` writes each article's real list. A database where the column is already there (one made
by a development copy with ``create_all``) is left as it is.

Revision ID: 0002_article_sources
Revises: 0001_baseline
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_article_sources"
down_revision = "0001_baseline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {column["name"] for column in sa.inspect(op.get_bind()).get_columns("article")}
    if "sources_json" in columns:
        return
    with op.batch_alter_table("article") as batch:
        batch.add_column(sa.Column("sources_json", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("article") as batch:
        batch.drop_column("sources_json")
