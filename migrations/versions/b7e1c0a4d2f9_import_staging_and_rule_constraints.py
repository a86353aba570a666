"""import staging, and the curriculum's rules held by the database

Staged imports wait an hour for their owner to confirm them. Hours, length in weeks and text
lengths get CHECK constraints (SQLite ignores VARCHAR lengths, so a length CHECK is what holds
there); summaries and outcome texts get the length their forms and documents allow.

Revision ID: b7e1c0a4d2f9
Revises: b7e1c4a2f9d0
Create Date: 2026-11-26 14:40:00

"""
from alembic import op
import sqlalchemy as sa

import core.types


# revision identifiers, used by Alembic.
revision = 'b7e1c0a4d2f9'
down_revision = 'b7e1c4a2f9d0'
branch_labels = None
depends_on = None

SUMMARY = 4000
OUTCOME_TEXT = 2000
CHECKS = {
    'programme_version': [
        ('length_weeks_range', 'length_weeks BETWEEN 1 AND 260'),
        ('name_length', 'length(name) <= 120'),
        ('provider_length', 'length(provider) <= 120'),
    ],
    'programme_module': [
        ('hours_range', 'hours BETWEEN 1 AND 1000'),
        ('title_length', 'length(title) <= 200'),
        ('summary_length', f'length(summary) <= {SUMMARY}'),
        ('block_length', 'length(block) <= 120'),
    ],
    'programme_outcome': [('text_length', f'length(text) <= {OUTCOME_TEXT}')],
}
RETYPED = [
    ('catalogue_area', 'summary', SUMMARY),
    ('catalogue_module', 'summary', SUMMARY),
    ('catalogue_outcome', 'text', OUTCOME_TEXT),
    ('programme_module', 'summary', SUMMARY),
    ('programme_outcome', 'text', OUTCOME_TEXT),
]


def upgrade():
    op.create_table('staged_import',
    sa.Column('id', sa.String(length=43), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('created_at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_staged_import_owner_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_import'))
    )
    with op.batch_alter_table('staged_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_import_owner_id'), ['owner_id'], unique=False)
    for table, column, length in RETYPED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.Text(), type_=sa.String(length=length),
                                  existing_nullable=False)
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, condition in checks:
                batch_op.create_check_constraint(name, condition)


def downgrade():
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _ in checks:
                batch_op.drop_constraint(op.f(f'ck_{table}_{name}'), type_='check')
    for table, column, length in RETYPED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=length), type_=sa.Text(),
                                  existing_nullable=False)
    with op.batch_alter_table('staged_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_import_owner_id'))
    op.drop_table('staged_import')
