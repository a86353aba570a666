"""Demo data for ``flask setup``: a published programme, a cohort, one trainee with two mentors,
submitted observations by both, a case-study window, and an open request, so every demo role
sees a real page of each feature. Made through the rooms' own services, so it obeys every rule
real data obeys."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

from sqlalchemy import select

from assessments import deadlines, services
from assessments.case_study_rules import CaseStudyDates
from assessments.services import case_study, feedback, requests
from competencies import services as competency_services
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from curriculum import services as curriculum_services
from curriculum.models import CatalogueArea, CatalogueModule, Programme, ProgrammeVersion

DEMO_SCENARIO = "annual-review"
SECOND_MENTOR = ("Sol Second-Mentor", "second.mentor@example.org")


def published_programme(cohort_start: date) -> ProgrammeVersion:
    """A programme with one module of each mandatory area and the modules preparing the demo
    scenario, published."""
    programme = curriculum_services.create_programme(
        None, curriculum_services.ProgrammeDetails("NPQ for SENCOs", "Demo Provider", cohort_start, 78)
    )
    keys: list[str] = []
    for area in db.session.scalars(select(CatalogueArea).where(CatalogueArea.mandatory.is_(True))):
        keys += [m.key for m in area.modules[:1]]
    keys += [
        m.key
        for m in db.session.scalars(select(CatalogueModule).order_by(CatalogueModule.key))
        if DEMO_SCENARIO in m.scenario_keys
    ]
    curriculum_services.add_catalogue_modules(programme.id, None, list(dict.fromkeys(keys)))
    return curriculum_services.publish(programme.id, None, None)


def create_demo_cohort(trainee_email: str, mentor_email: str, today: date) -> str:
    """Only into a database with no programmes, and only when both demo people exist."""
    trainee = db.session.scalar(select(User).where(User.email == trainee_email))
    mentor = db.session.scalar(select(User).where(User.email == mentor_email))
    if trainee is None or mentor is None or db.session.scalar(select(Programme.id).limit(1)) is not None:
        return "Cohorts: no demo cohort added."
    competency_services.load_library()
    version = published_programme(today - timedelta(days=60))
    cohort = services.create_cohort("Demo cohort", version.id)
    became_senco = today - timedelta(days=400)
    # Five months as SENCO at another school some years before: not more than twelve months, so
    # the duty still applies, and the tracker says why.
    elsewhere = deadlines.ServicePeriod(
        became_senco - timedelta(days=3 * 365),
        became_senco - timedelta(days=3 * 365 - 150),
        deadlines.SchoolKind.MAINSTREAM,
    )
    second = _second_mentor()
    enrolment = services.enrol(
        cohort.id,
        services.EnrolmentInput(
            trainee.id, (mentor.id, second.id), "Demo Primary School", became_senco, earlier_service=(elsewhere,)
        ),
        today,
    )
    evidence = {
        "judgements": [
            {"criterion": "statutory-timelines", "level": 3, "comment": "Notice went out three weeks before."},
            {"criterion": "facts-and-law", "level": 3},
            {"criterion": "child-voice", "level": 2, "comment": "The pupil's views were read out but not discussed."},
            {"criterion": "evidence-of-progress", "level": 3},
            {"criterion": "chairing", "level": 3},
            {"criterion": "agreed-actions", "level": 3},
        ],
        "faults": [],
    }
    observed = services.record_observation(
        enrolment.id,
        mentor.id,
        services.ObservationInput(
            DEMO_SCENARIO,
            today - timedelta(days=7),
            "Meeting room",
            ("Parents or carers", "The mentor as observer"),
            evidence,
            "demo-observation-1",
            submit=True,
        ),
        today,
    )
    feedback.set_next_step(
        observed.id,
        mentor.id,
        "child-voice",
        "Ask the pupil for their views before the adults speak, and come back to them at the end.",
    )
    feedback.reflect(
        observed.id,
        trainee.id,
        "I read out the pupil's views but did not give them time. Next time I will ask them to speak first.",
    )
    # A second observer in a second setting: sign-off counts both, and the mentor's page names them.
    services.record_observation(
        enrolment.id,
        second.id,
        services.ObservationInput(
            DEMO_SCENARIO,
            today - timedelta(days=3),
            "Family room",
            ("Parents or carers",),
            {**evidence, "judgements": [{**j, "level": 3, "comment": ""} for j in evidence["judgements"]]},
            "demo-observation-2",
            submit=True,
        ),
        today,
    )
    _case_study_window(enrolment.id, today)
    asked = _open_request(enrolment.id, trainee.id, mentor.id)
    return (
        f"Cohorts: a demo cohort with {trainee.name}, mentored by {mentor.name} and {second.name} "
        f"({second.email}, no password: an observer only); two submitted observations, a next step, the trainee's "
        f"reflection, a case-study window and an open request ({asked})."
    )


def _second_mentor() -> User:
    """A second mentor, so sign-off's "different observers" shows; they never sign in (no usable password)."""
    found = db.session.scalar(select(User).where(User.email == SECOND_MENTOR[1]))
    if found is not None:
        return found
    person = accounts.create_person(*SECOND_MENTOR, secrets.token_urlsafe(24), {Role.MENTOR})
    person.password_hash = "!unusable"  # nobody knows a password for it; an administrator can set one
    db.session.commit()
    return person


def _case_study_window(enrolment_id: int, today: date) -> None:
    """The case-study assessment's window, recorded by a designer (or an administrator) as on the grid."""
    staff = services.people_with(Role.DESIGNER) or services.people_with(Role.ADMIN)
    if staff:
        case_study.record(
            enrolment_id,
            CaseStudyDates(window_opens=today + timedelta(days=30), window_closes=today + timedelta(days=60)),
            staff[0].id,
            today,
        )


def _open_request(enrolment_id: int, trainee_id: int, mentor_id: int) -> str:
    """The trainee asks their mentor to observe another scenario of the programme (the demo one if none)."""
    enrolment = services.enrolment_for_trainee(enrolment_id, trainee_id)
    assert enrolment is not None
    others = [s for s in services.scenarios_of(enrolment) if s.key != DEMO_SCENARIO]
    scenario = others[0] if others else next(s for s in services.scenarios_of(enrolment) if s.key == DEMO_SCENARIO)
    requests.ask(enrolment_id, trainee_id, mentor_id, scenario.key, "Could you observe me in this before half term?")
    return f"‘{scenario.title}’"
