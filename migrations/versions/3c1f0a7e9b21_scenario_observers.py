"""scenario observers: who may observe each library scenario

Revision ID: 3c1f0a7e9b21
Revises: b7e1c0a4d2f9
Create Date: 2026-11-26 14:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1f0a7e9b21'
down_revision = 'b7e1c0a4d2f9'
branch_labels = None
depends_on = None


def upgrade():
    # Rows already loaded get an empty list until `flask setup` reloads the library.
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.add_column(sa.Column('observers', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.alter_column('observers', server_default=None)


def downgrade():
    with op.batch_alter_table('scenario', schema=None) as batch_op:
        batch_op.drop_column('observers')
