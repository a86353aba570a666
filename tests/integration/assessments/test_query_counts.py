"""Pages stay fast as cohorts grow: each page loads what it shows in a number of queries that does
not grow with the data. Each page is counted at two sizes ten times apart (3 and 30 trainees, the
signed-in trainee with 3 and 30 observations); the counts must be equal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import event

from assessments import services
from assessments.case_study_rules import CaseStudyDates, CaseStudyResult
from assessments.services import case_study
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db

from .conftest import TODAY
from .test_progress import MET

NOT_MET = {
    "judgements": [{**j, "level": 1} if j["criterion"] == "facts-and-law" else j for j in MET["judgements"]],
    "faults": [],
}


def _person(name: str, email: str, role: Role) -> int:
    """A person without a usable password: these trainees never sign in, and hashing 30 would be slow."""
    person = User(name=name, email=email, password_hash="!unusable")
    person.set_roles({role})
    db.session.add(person)
    db.session.commit()
    return person.id


def _observe(enrolment_id: int, mentor_id: int, n: int, key: str) -> None:
    services.record_observation(
        enrolment_id,
        mentor_id,
        services.ObservationInput(
            "annual-review",
            TODAY - timedelta(days=n + 1),
            f"Room {n % 3}",
            (),
            MET if n % 2 else NOT_MET,
            key,
            submit=True,
        ),
        TODAY,
    )


def _build(cohort_id: int, people: dict[str, int], size: int) -> dict[str, int]:
    """``size`` trainees with the mentor, each observed once, and a case study passed for every
    other one; the signed-in trainee first, observed ``size`` times."""
    mentor = people["mentor"]
    first = services.enrol(
        cohort_id,
        services.EnrolmentInput(
            people["trainee"], (mentor, people["other_mentor"]), "Hill", TODAY - timedelta(days=400)
        ),
        TODAY,
    )
    for n in range(size):
        _observe(first.id, mentor, n, f"first-{n}")
    for i in range(1, size):
        trainee = _person(f"Trainee {i:02d}", f"t{i}@size.example", Role.TRAINEE)
        enrolment = services.enrol(
            cohort_id, services.EnrolmentInput(trainee, (mentor,), f"School {i}", TODAY - timedelta(days=100)), TODAY
        )
        _observe(enrolment.id, mentor, i, f"t{i}")
        if i % 2:
            case_study.record(
                enrolment.id,
                CaseStudyDates(
                    submitted_on=TODAY - timedelta(days=20),
                    result=CaseStudyResult.PASSED,
                    result_on=TODAY - timedelta(days=5),
                ),
                mentor,
                TODAY,
            )
    return {"enrolment": first.id}


PAGES: dict[str, tuple[str, Callable[[int, dict[str, int]], str]]] = {
    "mentor dashboard": ("mentor@example.org", lambda cohort, ids: "/assessments/observations"),
    "mentor's trainee page": ("mentor@example.org", lambda cohort, ids: f"/assessments/trainees/{ids['enrolment']}"),
    "my training": ("trainee@example.org", lambda cohort, ids: "/assessments/my-training"),
    "cohort grid": ("designer@example.org", lambda cohort, ids: f"/assessments/cohorts/{cohort}/grid"),
    "cohort grid CSV": ("designer@example.org", lambda cohort, ids: f"/assessments/cohorts/{cohort}/grid.csv"),
    "cohort page": ("designer@example.org", lambda cohort, ids: f"/assessments/cohorts/{cohort}"),
    "register": ("designer@example.org", lambda cohort, ids: "/assessments/register?show=all"),
    "register CSV": ("designer@example.org", lambda cohort, ids: "/assessments/register.csv?show=all"),
    # The warm-up request makes the PDF; the counted one is sent from the store (its key still reads the data).
    "stored training plan": (
        "trainee@example.org",
        lambda cohort, ids: f"/assessments/enrolments/{ids['enrolment']}/training-plan.pdf",
    ),
}


def _count(app, client, path: str) -> int:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def counted(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    assert response.status_code == 200, path
    return len(statements)


@pytest.fixture
def designer(make_person) -> int:  # type: ignore[no-untyped-def]
    return make_person("designer@example.org", Role.DESIGNER, name="Dee Designer")


@pytest.mark.parametrize("page", list(PAGES))
def test_a_page_makes_as_many_queries_for_30_trainees_as_for_3(page, app, cohort_id, people, designer, auth, client):
    email, path_of = PAGES[page]
    counts = []
    for size in (3, 30):
        with app.app_context():
            for table in ("case_study", "observation", "enrolment_mentor", "enrolment"):
                db.session.execute(db.metadata.tables[table].delete())
            db.session.execute(db.delete(User).where(User.email.like("%@size.example")))
            db.session.commit()
            ids = _build(cohort_id, people, size)
        auth.sign_in(email)
        path = path_of(cohort_id, ids)
        _count(app, client, path)  # warm: the first request of a session loads what every page needs once
        counts.append(_count(app, client, path))
        auth.sign_out()
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries for 3 trainees, {counts[1]} for 30"
