"""Migration 7d2e5c1b9a40: requests asked twice at once before the database held the rule are
settled (the first stands, the others are closed saying why) and the rule is then held."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessments.models import ObservationRequest, RequestStatus
from core.clock import utcnow
from core.extensions import db

BEFORE = "4fc00ed590ca"


def _open_request(enrolment_id: int, mentor_id: int, scenario_key: str) -> None:
    db.session.execute(
        ObservationRequest.__table__.insert().values(
            enrolment_id=enrolment_id,
            mentor_id=mentor_id,
            scenario_key=scenario_key,
            note="",
            status=RequestStatus.OPEN,
            decline_reason="",
            created_at=utcnow(),
        )
    )


def test_duplicate_open_requests_are_settled_and_then_refused(app, enrolment_id, people):
    with app.app_context():
        downgrade(revision=BEFORE)
        try:
            for _ in range(3):
                _open_request(enrolment_id, people["mentor"], "annual-review")
            _open_request(enrolment_id, people["mentor"], "screening")  # another scenario: untouched
            db.session.commit()
        finally:
            db.session.remove()
            upgrade()
        found = list(db.session.scalars(select(ObservationRequest).order_by(ObservationRequest.id)))
        assert [(r.scenario_key, r.status) for r in found] == [
            ("annual-review", RequestStatus.OPEN),
            ("annual-review", RequestStatus.DECLINED),
            ("annual-review", RequestStatus.DECLINED),
            ("screening", RequestStatus.OPEN),
        ]
        assert found[1].decline_reason == "Asked twice at once: the first request stands."
        with pytest.raises(IntegrityError):  # and a fourth is refused by the database
            _open_request(enrolment_id, people["mentor"], "annual-review")
        db.session.rollback()
