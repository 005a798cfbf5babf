"""The Simplified Chinese edition (issue 19): a Simplified copy beside each Traditional column.

Each bilingual table gets ``<field>_zhs`` beside ``<field>_zh`` (news items and feed health notes, written in
one language per row, get ``title_zhs`` and ``summary_zhs`` / ``extra_zhs``), empty for the rows already
stored. The next ``flask content sync`` and ``flask feeds refresh`` fill them
(``portal.bilingual.bring_up_to_date``: a table whose Simplified text was never made is redone whole), so the
migration itself needs no OpenCC. A column already there (a development database made by ``create_all``) is
left as it is.

Revision ID: 0004_simplified
Revises: 0003_life_stages
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_simplified"
down_revision = "0003_life_stages"
branch_labels = None
depends_on = None

TEXT = None  # a Text column; otherwise the String length
COLUMNS: dict[str, dict[str, int | None]] = {
    "partner": {"name_zhs": 300, "description_zhs": TEXT},
    "event": {"title_zhs": 500, "description_zhs": TEXT, "venue_zhs": 500, "address_zhs": 500},
    "news_item": {"title_zhs": 500, "summary_zhs": TEXT},
    "feed_note": {"title_zhs": 500, "extra_zhs": TEXT},
    "centre": {
        "name_zhs": 300,
        "operator_zhs": 300,
        "address_zhs": TEXT,
        "boundary_zhs": TEXT,
        "accessibility_zhs": TEXT,
    },  # fmt: skip
    "holiday": {"name_zhs": 200},
    "hotline": {"name_zhs": 300, "short_zhs": 80, "hours_zhs": 200, "purpose_zhs": TEXT},
    "life_stage": {"name_zhs": 200, "intro_zhs": TEXT},
    "district": {"name_zhs": 100, "region_zhs": 100},
    "site_contact": {"expect_zhs": TEXT},
}


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, columns in COLUMNS.items():
        present = {column["name"] for column in inspector.get_columns(table)}
        missing = {name: length for name, length in columns.items() if name not in present}
        if not missing:
            continue
        with op.batch_alter_table(table) as batch:
            for name, length in missing.items():
                kind = sa.Text() if length is None else sa.String(length=length)
                batch.add_column(sa.Column(name, kind, nullable=False, server_default=""))


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name in columns:
                batch.drop_column(name)
