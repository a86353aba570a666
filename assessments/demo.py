"""Demo data for ``flask setup``: a published programme, a cohort, one trainee with a mentor and a
submitted observation, so the demo mentor and trainee see real pages. Made through the rooms'
own services, so it obeys every rule real data obeys."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from assessments import deadlines, services
from assessments.services import feedback
from competencies import services as competency_services
from core.accounts.models import User
from core.extensions import db
from curriculum import services as curriculum_services
from curriculum.models import CatalogueArea, CatalogueModule, Programme, ProgrammeVersion

DEMO_SCENARIO = "annual-review"


def published_programme(cohort_start: date) -> ProgrammeVersion:
    """A programme with one module of each mandatory area and the modules preparing the demo
    scenario, published."""
    programme = curriculum_services.create_programme(None, curriculum_services.ProgrammeDetails(
        "NPQ for SENCOs", "Demo Provider", cohort_start, 78))
    keys: list[str] = []
    for area in db.session.scalars(select(CatalogueArea).where(CatalogueArea.mandatory.is_(True))):
        keys += [m.key for m in area.modules[:1]]
    keys += [m.key for m in db.session.scalars(select(CatalogueModule).order_by(CatalogueModule.key))
             if DEMO_SCENARIO in m.scenario_keys]
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
    elsewhere = deadlines.ServicePeriod(became_senco - timedelta(days=3 * 365), became_senco - timedelta(days=3 * 365 - 150))
    enrolment = services.enrol(cohort.id, services.EnrolmentInput(
        trainee.id, (mentor.id,), "Demo Primary School", became_senco, earlier_service=(elsewhere,)), today)
    evidence = {"judgements": [
        {"criterion": "statutory-timelines", "level": 3, "comment": "Notice went out three weeks before."},
        {"criterion": "facts-and-law", "level": 3},
        {"criterion": "child-voice", "level": 2, "comment": "The pupil's views were read out but not discussed."},
        {"criterion": "evidence-of-progress", "level": 3}, {"criterion": "chairing", "level": 3},
        {"criterion": "agreed-actions", "level": 3},
    ], "faults": []}
    observed = services.record_observation(enrolment.id, mentor.id, services.ObservationInput(
        DEMO_SCENARIO, today - timedelta(days=7), "Meeting room", ("Parents or carers", "The mentor as observer"),
        evidence, "demo-observation-1", submit=True), today)
    feedback.set_next_step(observed.id, mentor.id, "child-voice",
                           "Ask the pupil for their views before the adults speak, and come back to them at the end.")
    feedback.reflect(observed.id, trainee.id, "I read out the pupil's views but did not give them time. "
                                              "Next time I will ask them to speak first.")
    return (f"Cohorts: a demo cohort with {trainee.name}, mentored by {mentor.name}, and one submitted observation "
            "with a next step and the trainee's reflection.")
