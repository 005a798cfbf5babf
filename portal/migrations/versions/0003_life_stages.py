"""Life stages (portal/stages): one row per stage of content/stages.yml, written by ``flask content sync``.

A database where the table is already there (a development copy made with ``create_all`` before
migrations existed) is left as it is.

Revision ID: 0003_life_stages
Revises: 0002_article_sources
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_life_stages"
down_revision = "0002_article_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("life_stage"):
        return
    op.create_table(
        "life_stage",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("intro_en", sa.Text(), nullable=False),
        sa.Column("intro_zh", sa.Text(), nullable=False),
        sa.Column("tags_json", sa.Text(), nullable=False),
        sa.Column("hotlines_json", sa.Text(), nullable=False),
        sa.Column("selfchecks_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("life_stage")
