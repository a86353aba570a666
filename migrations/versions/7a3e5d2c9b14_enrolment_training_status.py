"""a trainee's training status (active, deferred, withdrawn) and its history

Revision ID: 7a3e5d2c9b14
Revises: 300485094121
Create Date: 2026-12-07 21:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

import core.types

# revision identifiers, used by Alembic.
revision = "7a3e5d2c9b14"
down_revision = "300485094121"
branch_labels = None
depends_on = None


def upgrade():
    # Every enrolment made before training status existed is active (the server default fills them).
    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("training_status", sa.String(length=20), server_default="active", nullable=False)
        )
        batch_op.add_column(sa.Column("status_reason", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("status_changed_at", core.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_enrolment_training_status"), ["training_status"], unique=False)

    op.create_table(
        "enrolment_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("changed_at", core.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=500), server_default="", nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolment.id"],
            name=op.f("fk_enrolment_status_change_enrolment_id_enrolment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user.id"],
            name=op.f("fk_enrolment_status_change_changed_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_status_change")),
    )
    with op.batch_alter_table("enrolment_status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_status_change_enrolment_id"), ["enrolment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enrolment_status_change_changed_by_id"), ["changed_by_id"], unique=False)


def downgrade():
    with op.batch_alter_table("enrolment_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_status_change_changed_by_id"))
        batch_op.drop_index(batch_op.f("ix_enrolment_status_change_enrolment_id"))
    op.drop_table("enrolment_status_change")

    with op.batch_alter_table("enrolment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_training_status"))
        batch_op.drop_column("status_changed_at")
        batch_op.drop_column("status_reason")
        batch_op.drop_column("training_status")
