"""audit log: who viewed or downloaded a record, and every administrative change (append only)

Revision ID: a3d1f7c20b65
Revises: b3f1c9e2a7d4
Create Date: 2026-12-07 15:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import core.types


# revision identifiers, used by Alembic.
revision = 'a3d1f7c20b65'
down_revision = 'b3f1c9e2a7d4'
branch_labels = None
depends_on = None

ACTIONS = (
    'observation.viewed', 'pdf.downloaded', 'zip.downloaded', 'csv.exported', 'export.downloaded',
    'audit.purged', 'person.added', 'person.details_changed', 'person.roles_changed', 'person.password_set',
    'person.deactivated', 'person.reactivated', 'person.erased', 'settings.changed',
)


def upgrade():
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', core.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Enum(*ACTIONS, name='action', native_enum=False, length=40), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_audit_event_actor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['user.id'], name=op.f('fk_audit_event_person_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_person_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
    op.drop_table('audit_event')
