"""temporary passwords expire and must be replaced; sign-in failures keep a keyed hash, not the email

Revision ID: c3f1a9e07b25
Revises: 7d2e5c1b9a40
Create Date: 2026-12-07 15:20:00.000000

"""

from alembic import op
import sqlalchemy as sa

import core.types


# revision identifiers, used by Alembic.
revision = "c3f1a9e07b25"
down_revision = "7d2e5c1b9a40"
branch_labels = None
depends_on = None


def upgrade():
    # Not a batch on "user": with a default SQLite would copy the table and drop the original, and
    # with foreign keys on that deletes every row that refers to a person. ADD COLUMN is in place.
    op.add_column("user", sa.Column("password_expires_at", core.types.UTCDateTime(timezone=True), nullable=True))
    op.add_column("user", sa.Column("must_change_password", sa.Boolean(), server_default=sa.false(), nullable=False))
    # The old rows hold what was typed into the email field, perhaps a password: they go. They
    # only ever counted the last 15 minutes of failures, so the throttle loses next to nothing.
    op.execute(sa.table("sign_in_failure").delete())
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_failure_email_at")
        batch_op.drop_column("email")
        batch_op.add_column(sa.Column("account_key", sa.String(length=64), nullable=False))
        batch_op.create_index("ix_sign_in_failure_account_key_at", ["account_key", "occurred_at"], unique=False)


def downgrade():
    op.execute(sa.table("sign_in_failure").delete())
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.drop_index("ix_sign_in_failure_account_key_at")
        batch_op.drop_column("account_key")
        batch_op.add_column(sa.Column("email", sa.String(length=254), nullable=False))
        batch_op.create_index("ix_sign_in_failure_email_at", ["email", "occurred_at"], unique=False)
    # Not a batch on "user": on SQLite that drops the table, and with foreign keys on every row
    # that refers to a person with it. SQLite 3.35+ drops a column in place, as PostgreSQL does.
    op.execute('ALTER TABLE "user" DROP COLUMN must_change_password')
    op.execute('ALTER TABLE "user" DROP COLUMN password_expires_at')
