"""an application being decided is held until deciding_until: two administrators never send a decision at once

Revision ID: e4f1a6b2c835
Revises: d7e2b4c8a913
Create Date: 2026-12-09 10:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

import core.types

# revision identifiers, used by Alembic.
revision = "e4f1a6b2c835"
down_revision = "d7e2b4c8a913"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dfe_application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deciding_until", core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("dfe_application", schema=None) as batch_op:
        batch_op.drop_column("deciding_until")
