"""lock_version on the case study and the moderation policy: stale saves are refused

Revision ID: ba4fc7cce200
Revises: d5888056e1b4
Create Date: 2026-11-26 18:56:39.298046

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ba4fc7cce200'
down_revision = 'd5888056e1b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_study', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('moderation_policy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lock_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('moderation_policy', schema=None) as batch_op:
        batch_op.drop_column('lock_version')
    with op.batch_alter_table('case_study', schema=None) as batch_op:
        batch_op.drop_column('lock_version')
