"""when a person's personal data was erased (their account row stays as a tombstone)

Revision ID: a3f9e2c81d57
Revises: a3d1f7c20b65
Create Date: 2026-12-07 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.types


# revision identifiers, used by Alembic.
revision = 'a3f9e2c81d57'
down_revision = 'a3d1f7c20b65'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("user", sa.Column("erased_at", core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    # Not a batch: on SQLite that copies "user" and drops the original, and with foreign keys on,
    # dropping it would delete every row that refers to a person. SQLite 3.35+ drops in place.
    op.execute('ALTER TABLE "user" DROP COLUMN erased_at')
