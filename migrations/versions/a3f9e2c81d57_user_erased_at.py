"""when a person's personal data was erased (their account row stays as a tombstone)

Revision ID: a3f9e2c81d57
Revises: 7d2e5c1b9a40
Create Date: 2026-12-07 15:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.types


# revision identifiers, used by Alembic.
revision = 'a3f9e2c81d57'
down_revision = '7d2e5c1b9a40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("erased_at", core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
