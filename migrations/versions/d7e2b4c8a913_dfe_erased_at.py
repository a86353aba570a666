"""an erased applicant's DfE application and participant are marked, so a sync never writes their details back

Revision ID: d7e2b4c8a913
Revises: c3a9d1e5f701
Create Date: 2026-12-09 10:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

import core.types

# revision identifiers, used by Alembic.
revision = "d7e2b4c8a913"
down_revision = "c3a9d1e5f701"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("dfe_application", "dfe_participant"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("erased_at", core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    for table in ("dfe_participant", "dfe_application"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("erased_at")
