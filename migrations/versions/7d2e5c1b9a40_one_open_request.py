"""one open observation request per trainee, mentor and scenario, held by the database

Revision ID: 7d2e5c1b9a40
Revises: 4fc00ed590ca
Create Date: 2026-11-26 20:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d2e5c1b9a40'
down_revision = '4fc00ed590ca'
branch_labels = None
depends_on = None

OPEN = sa.column("status").in_(("open", "accepted"))


def upgrade():
    # Requests posted twice at once before this index could both be open: the first stands, the
    # others are closed as declined, saying why, so the index can be made.
    request = sa.table(
        "observation_request",
        sa.column("id", sa.Integer),
        sa.column("enrolment_id", sa.Integer),
        sa.column("mentor_id", sa.Integer),
        sa.column("scenario_key", sa.String),
        sa.column("status", sa.String),
        sa.column("decline_reason", sa.Text),
    )
    first = (
        sa.select(sa.func.min(request.c.id))
        .where(request.c.status.in_(("open", "accepted")))
        .group_by(request.c.enrolment_id, request.c.mentor_id, request.c.scenario_key)
    )
    op.execute(
        request.update()
        .where(request.c.status.in_(("open", "accepted")), request.c.id.not_in(first))
        .values(status="declined", decline_reason="Asked twice at once: the first request stands.")
    )
    op.create_index(
        "uq_observation_request_open",
        "observation_request",
        ["enrolment_id", "mentor_id", "scenario_key"],
        unique=True,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade():
    op.drop_index("uq_observation_request_open", table_name="observation_request")
