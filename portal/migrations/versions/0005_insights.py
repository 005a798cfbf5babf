"""Insights (portal/insights): counts per day (or week) and kind and key, nothing about a visitor.

A database where the table is already there is left as it is.

Revision ID: 0005_insights
Revises: 0004_simplified
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_insights"
down_revision = "0004_simplified"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if sa.inspect(op.get_bind()).has_table("insight_count"):
        return
    op.create_table(
        "insight_count",
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("period", "start", "kind", "key"),
    )


def downgrade() -> None:
    op.drop_table("insight_count")
