"""a DfE sync holds each kind of record it reads until running_until: two syncs at once never store a record twice

Revision ID: c3a9d1e5f701
Revises: b4e1c7a92f30
Create Date: 2026-12-09 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

import core.types

# revision identifiers, used by Alembic.
revision = "c3a9d1e5f701"
down_revision = "b4e1c7a92f30"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("dfe_sync", schema=None) as batch_op:
        batch_op.add_column(sa.Column("running_until", core.types.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("dfe_sync", schema=None) as batch_op:
        batch_op.drop_column("running_until")
