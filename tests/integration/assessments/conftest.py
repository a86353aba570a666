"""A published programme from the shipped catalogue, a cohort, and a trainee enrolled with a mentor."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from assessments import services
from assessments.demo import published_programme
from assessments.models import ObservationRequest, RequestStatus
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from tests.conftest import load_content

TODAY = date.today()


@pytest.fixture
def cohort_id(app) -> int:  # type: ignore[no-untyped-def]
    load_content(app, "Catalogue", "Scenarios")
    with app.app_context():
        version = published_programme(TODAY - timedelta(days=30))
        return services.create_cohort("Autumn cohort", version.id).id


@pytest.fixture
def people(make_person) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {
        "mentor": make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor"),
        "other_mentor": make_person("other@example.org", Role.MENTOR, name="Olu Other"),
        "trainee": make_person("trainee@example.org", Role.TRAINEE, name="Tia Trainee"),
        "other_trainee": make_person("second@example.org", Role.TRAINEE, name="Sam Second"),
    }


@pytest.fixture
def enrolment_id(app, cohort_id, people) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        given = services.EnrolmentInput(
            people["trainee"], (people["mentor"],), "Hill Primary", TODAY - timedelta(days=400)
        )
        return services.enrol(cohort_id, given, TODAY).id


@pytest.fixture
def other_enrolment_id(app, cohort_id, people) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        given = services.EnrolmentInput(people["other_trainee"], (people["other_mentor"],), "Vale Academy")
        return services.enrol(cohort_id, given, TODAY).id


def an_open_request_lands_first(enrolment_id: int, mentor_id: int, scenario_key: str) -> None:
    """The same request posted twice at once, simulated: just before this session's next flush, the
    other post's open request is saved on a connection of its own."""

    def the_other_post_lands_first(*_: object) -> None:
        with db.engine.begin() as other:
            other.execute(
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

    event.listen(db.session, "before_flush", the_other_post_lands_first, once=True)
