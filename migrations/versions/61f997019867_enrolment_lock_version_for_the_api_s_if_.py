"""enrolment lock_version for the API's If-Match

Revision ID: 61f997019867
Revises: 5953c69d9922
Create Date: 2026-11-26 17:37:50.728150

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '61f997019867'
down_revision = '5953c69d9922'
branch_labels = None
depends_on = None


def upgrade():
    # Existing enrolments start at 1, as new ones do: their ETag is "1" until first changed.
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_column('lock_version')
