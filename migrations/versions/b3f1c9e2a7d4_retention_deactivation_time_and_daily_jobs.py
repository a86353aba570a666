"""retention: when an account was deactivated, and daily jobs (no owner, one a day by a unique key)

Revision ID: b3f1c9e2a7d4
Revises: c3f1a9e07b25
Create Date: 2026-12-07 15:10:00.000000

"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

import core.types


# revision identifiers, used by Alembic.
revision = "b3f1c9e2a7d4"
down_revision = "c3f1a9e07b25"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schedule_key", sa.String(length=91), nullable=True))
        batch_op.alter_column("owner_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f("uq_job_schedule_key"), ["schedule_key"])

    op.add_column("user", sa.Column("deactivated_at", core.types.UTCDateTime(timezone=True), nullable=True))

    # Accounts deactivated before this revision: when is not known, so their period counts from now.
    user = sa.table("user", sa.column("active", sa.Boolean), sa.column("deactivated_at", core.types.UTCDateTime()))
    op.execute(user.update().where(user.c.active.is_(False)).values(deactivated_at=datetime.now(UTC)))


def downgrade():
    # Not a batch: on SQLite that copies "user" and drops the original, and with foreign keys on,
    # dropping it would delete every row that refers to a person (role grants, jobs, enrolments).
    # SQLite 3.35+ drops a column in place, as PostgreSQL does.
    op.execute('ALTER TABLE "user" DROP COLUMN deactivated_at')

    job = sa.table("job", sa.column("owner_id", sa.Integer))
    op.execute(job.delete().where(job.c.owner_id.is_(None)))  # daily jobs belong to nobody: they cannot stay
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_job_schedule_key"), type_="unique")
        batch_op.alter_column("owner_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("schedule_key")
