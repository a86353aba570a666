"""API tokens expire

Revision ID: b7e1c4a2f9d0
Revises: e8a4c1d27b90
Create Date: 2026-11-26 14:40:00.000000

"""
from datetime import timedelta

from alembic import op
import sqlalchemy as sa

import core.types


# revision identifiers, used by Alembic.
revision = 'b7e1c4a2f9d0'
down_revision = 'e8a4c1d27b90'
branch_labels = None
depends_on = None

# Tokens issued before expiry existed get the default life, counted from when they were issued.
EXISTING_TOKEN_LIFETIME = timedelta(days=90)


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', core.types.UTCDateTime(timezone=True), nullable=True))
    api_token = sa.table(
        'api_token',
        sa.column('id', sa.Integer()),
        sa.column('created_at', core.types.UTCDateTime(timezone=True)),
        sa.column('expires_at', core.types.UTCDateTime(timezone=True)),
    )
    connection = op.get_bind()
    for token_id, created_at in connection.execute(sa.select(api_token.c.id, api_token.c.created_at)).all():
        connection.execute(
            api_token.update().where(api_token.c.id == token_id).values(expires_at=created_at + EXISTING_TOKEN_LIFETIME)
        )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=core.types.UTCDateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
