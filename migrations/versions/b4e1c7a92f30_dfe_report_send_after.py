"""a queued DfE report waits until send_after: the retry after an unreachable DfE, and a sender's claim

Revision ID: b4e1c7a92f30
Revises: b7c1d2e3f4a5
Create Date: 2026-12-07 22:10:00.000000

The branch this was written on holds two heads (the DfE tables, and the trainee's training status
from branch training-status), so this revision also merges them; the lead re-chains it at merge
onto the single head of main.
"""

import sqlalchemy as sa
from alembic import op

import core.types

# revision identifiers, used by Alembic.
revision = "b4e1c7a92f30"
down_revision = "b7c1d2e3f4a5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dfe_report", schema=None) as batch_op:
        batch_op.add_column(sa.Column("send_after", core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("dfe_report", schema=None) as batch_op:
        batch_op.drop_column("send_after")
