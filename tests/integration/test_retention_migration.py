"""Migration b3f1c9e2a7d4: accounts deactivated before it count their retention period from the
upgrade (when they were deactivated was not recorded); going back down drops the daily jobs,
which belong to nobody and could not stay in a table where every job has an owner."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from core import jobs
from core.accounts.models import RoleGrant, User
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db


def _before(app) -> str:  # type: ignore[no-untyped-def]
    """The revision b3f1c9e2a7d4 comes after, read from the migrations (revisions are re-chained as branches land)."""
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return str(script.get_revision("b3f1c9e2a7d4").down_revision)


def test_accounts_deactivated_before_the_upgrade_count_from_it_and_a_downgrade_drops_daily_jobs(app, make_person):
    active = make_person("active@example.org", Role.MENTOR)
    left = make_person("left@example.org", Role.MENTOR, active=False)
    with app.app_context():
        db.session.add(jobs.Job(kind="cohort-plans", owner_id=active))
        db.session.add(jobs.Job(kind="retention", owner_id=None, schedule_key="retention:2026-12-07"))
        db.session.commit()
        downgrade(revision=_before(app))
        db.session.remove()
        before_upgrade = utcnow()
        upgrade()
        people = {row.id: row.deactivated_at for row in db.session.execute(select(User.id, User.deactivated_at))}
        assert people[active] is None
        # counted from the upgrade, not from some earlier guess (its own clock, to the second)
        assert people[left] is not None and people[left] >= before_upgrade.replace(microsecond=0)
        assert db.session.scalars(select(jobs.Job.kind)).all() == ["cohort-plans"]
        # going down and up again kept every row that refers to a person
        assert db.session.scalars(select(RoleGrant.user_id).order_by(RoleGrant.user_id)).all() == [active, left]
