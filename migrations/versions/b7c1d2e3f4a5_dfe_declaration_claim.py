"""A declaration being sent is claimed until a moment, so two senders never send it at once

Revision ID: b7c1d2e3f4a5
Revises: 7a3e5d2c9b14
Create Date: 2026-12-07 21:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

import core.types

# revision identifiers, used by Alembic.
revision = "b7c1d2e3f4a5"
down_revision = "7a3e5d2c9b14"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dfe_declaration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_until", core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("dfe_declaration", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
