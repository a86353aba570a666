"""A small populated app for the rows that use the Flask test client: one person per role (and
one holding no role), an API token each, a programme with a published version and a draft, an
own rubric with a draft, and the built-in content. On a temporary SQLite file."""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.accounts import api_tokens
from core.accounts import services as accounts
from core.accounts.roles import Role
from core.app import create_app
from core.content import loaders
from core.extensions import db

PASSWORD = "quartz lantern over seven meadows"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Records of attempts, not saves: a refused sign-in is meant to add one.
AUDIT_TABLES = frozenset({"sign_in_failure"})
AUDIENCES = ("anonymous", *(role.value for role in Role))  # a person holds at least one role


@dataclass
class World:
    app: Flask
    folder: tempfile.TemporaryDirectory  # type: ignore[type-arg]
    emails: dict[str, str] = field(default_factory=dict)  # audience → email
    tokens: dict[str, str] = field(default_factory=dict)  # audience → API token
    ids: dict[str, object] = field(default_factory=dict)  # URL argument values

    def close(self) -> None:
        with self.app.app_context():
            db.engine.dispose()
        self.folder.cleanup()

    def client(self, audience: str) -> FlaskClient:
        """A browser signed in as ``audience`` (or not, for "anonymous")."""
        client = self.app.test_client()
        if audience != "anonymous":
            page = client.get("/sign-in").get_data(as_text=True)
            client.post(
                "/sign-in", data={"csrf_token": csrf_token(page), "email": self.emails[audience], "password": PASSWORD}
            )
        return client

    def row_counts(self) -> dict[str, int]:
        with self.app.app_context():
            return {
                t.name: db.session.scalar(select(func.count()).select_from(t)) or 0
                for t in db.metadata.sorted_tables
                if t.name not in AUDIT_TABLES
            }


def csrf_token(html: str) -> str:
    match = CSRF_INPUT.search(html)
    return match.group(1) if match else ""


def build(**config: object) -> World:
    from flask_migrate import upgrade

    from competencies import engine
    from competencies.services import authoring
    from curriculum import services as curriculum

    folder = tempfile.TemporaryDirectory(prefix="verify-world-")
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "verify",
            "INSTANCE_PATH": folder.name,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder.name) / 'world.sqlite3'}",
            "SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS": 10**6,
            "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 10**6,
            "SIGN_IN_SLOW_DOWN_AFTER_ACCOUNT_FAILURES": 10**6,
            "JOBS_RUNNER": "none",  # a job started by a row waits in its table; nothing renders behind the rows' backs
            **config,
        }
    )
    # Each 5xx is counted and listed by the row; the app's traceback for it would bury the figures.
    app.logger.setLevel(logging.CRITICAL)
    world = World(app, folder)
    with app.app_context():
        logging.disable(logging.INFO)  # Alembic's progress lines, once per row
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        for loader in loaders():
            loader.load()
        for audience in AUDIENCES[1:]:
            roles = {Role(audience)}
            email = f"{audience}@verify.example"
            person = accounts.create_person(f"Verify {audience.title()}", email, PASSWORD, roles)
            world.emails[audience] = email
            world.tokens[audience] = api_tokens.issue_token(person, "verify")
            world.ids[f"person:{audience}"] = person.id
        # Another person, whom the administrator's deactivate/reactivate routes may act on
        # without locking out one of the audiences.
        spare = accounts.create_person("Verify Spare", "spare@verify.example", PASSWORD, {Role.TRAINEE})
        world.ids["person:spare"] = spare.id
        # And one whom the erase route may erase (an erased person stays erased).
        erasable = accounts.create_person("Verify Erasable", "erasable@verify.example", PASSWORD, {Role.TRAINEE})
        world.ids["person:erasable"] = erasable.id
        _add_cohort(world)
        details = curriculum.ProgrammeDetails("Verify programme", "Verify Hub", date(2026, 9, 7), 78)
        programme = curriculum.create_programme(None, details)
        module = curriculum.add_catalogue_module(programme.id, None, "send-law-foundations")
        curriculum.publish(programme.id, None, None)
        curriculum.start_draft(programme.id)
        world.ids.update({"programme_id": programme.id, "module_key": module.key, "version_number": 1})
        rubric = authoring.create_rubric(authoring.Settings("Verify rubric", engine.RubricModel.ANALYTIC, 50, 0))
        world.ids["criterion_key"] = authoring.add_criterion(
            rubric.id, None, authoring.CriterionInput("Listens", levels=(("Not yet", "a"), ("Secure", "b")))
        )
        world.ids["fault_type_key"] = authoring.add_fault_type(
            rubric.id, None, authoring.FaultTypeInput("Talks over", engine.FaultSeverity.MINOR)
        )
        world.ids["rubric_id"] = rubric.id
        _stage_imports(world)
        world.ids["scenario_key"] = next(iter(loaders_scenarios()))
        world.ids["catalogue_key"] = "send-law-foundations"
        world.ids["other_catalogue_key"] = "identifying-need"
    return world


def _add_cohort(world: World) -> None:
    """A cohort whose trainee the mentor observes: one submitted observation (with a next step),
    one draft, and a request from the trainee waiting for an answer."""
    from assessments import demo
    from assessments import services as assessments
    from assessments.services import feedback, requests

    today = date.today()
    demo.create_demo_cohort(world.emails["trainee"], world.emails["mentor"], today)
    enrolment = assessments.mentor_enrolments(world.ids["person:mentor"])[0]  # type: ignore[arg-type]
    submitted = assessments.observations_of(enrolment.id)[0]
    draft = assessments.record_observation(
        enrolment.id,
        world.ids["person:mentor"],
        assessments.ObservationInput(  # type: ignore[arg-type]
            demo.DEMO_SCENARIO,
            today,
            "Classroom",
            ("The mentor as observer",),
            {"judgements": [], "faults": []},
            "verify-draft-observation",
        ),
        today,
    )
    # a second submitted observation for moderation, made before the trainee's request (which it would answer)
    second = assessments.record_observation(
        enrolment.id,
        world.ids["person:mentor"],
        assessments.ObservationInput(  # type: ignore[arg-type]
            demo.DEMO_SCENARIO, today, "Classroom", (), submitted.evidence, "verify-moderated-observation", submit=True
        ),
        today,
    )
    # two more, second-marked alike by another moderator: one for the trainee to appeal, one appealed
    appealable, appealed = (
        assessments.record_observation(
            enrolment.id,
            world.ids["person:mentor"],
            assessments.ObservationInput(  # type: ignore[arg-type]
                demo.DEMO_SCENARIO, today, "Classroom", (), submitted.evidence, f"verify-appeal-{n}", submit=True
            ),
            today,
        )
        for n in (1, 2)
    )
    step = feedback.set_next_step(submitted.id, world.ids["person:mentor"], "child-voice", "Ask the pupil first.")  # type: ignore[arg-type]
    asked = requests.ask(enrolment.id, enrolment.trainee_id, world.ids["person:mentor"], demo.DEMO_SCENARIO)  # type: ignore[arg-type]
    # A second mentor, whom the "Add a mentor" page can offer for the trainee.
    accounts.create_person("Verify Second Mentor", "second-mentor@verify.example", PASSWORD, {Role.MENTOR})
    world.ids.update(
        {
            "cohort_id": enrolment.cohort_id,
            "enrolment_id": enrolment.id,
            "observation_id": submitted.id,
            "draft_observation_id": draft.id,
            "next_step_id": step.id,
            "request_id": asked.id,
        }
    )
    # A cohort with no submitted observation, whose settings can still be changed, and a second
    # published version of the demo scenario's rubric for the move page to offer.
    from competencies import services as competency_services
    from competencies.services import authoring

    open_cohort = assessments.create_cohort("Verify open cohort", enrolment.cohort.programme_version_id)
    world.ids["open_cohort_id"] = open_cohort.id
    scenario = competency_services.get_scenario(demo.DEMO_SCENARIO)
    assert scenario is not None
    authoring.start_draft(scenario.rubric.id)
    authoring.publish(scenario.rubric.id)
    from assessments.services import moderation

    # Two sampled observations: one for the moderator to mark blind, one already marked differently,
    # whose two sets of marks the mentor and the moderator are to agree.
    moderator = world.ids["person:moderator"]
    sample = moderation.draw_chosen(enrolment.cohort_id, moderator, [submitted.id, second.id])  # type: ignore[arg-type]
    levels = {"judgements": [{**j, "level": 3} for j in submitted.evidence["judgements"]], "faults": []}
    marked = moderation.record_marks(second.id, moderator, levels)  # type: ignore[arg-type]
    world.ids.update(
        {
            "sample_id": sample.id,
            "moderation_item_id": moderation.item_of_observation(submitted.id).id,  # type: ignore[union-attr]
            "marked_item_id": marked.id,
        }
    )
    from assessments.services import cohort_plans

    world.ids["plan_job_id"] = cohort_plans.start(enrolment.cohort_id, world.ids["person:designer"]).id  # type: ignore[arg-type]
    from core.privacy import export as subject_access

    world.ids["export_job_id"] = subject_access.start(world.ids["person:trainee"], world.ids["person:admin"], False).id  # type: ignore[arg-type]
    # Settled by a second moderator (the same marks as the mentor's): one the trainee may appeal,
    # one they have appealed, which the verify moderator (who marked neither) may review.
    from assessments.services import appeals

    other = accounts.create_person(
        "Verify Second Moderator", "second-moderator@verify.example", PASSWORD, {Role.MODERATOR}
    )
    moderation.draw_chosen(enrolment.cohort_id, other.id, [appealable.id, appealed.id])
    for o in (appealable, appealed):
        moderation.record_marks(o.id, other.id, o.evidence)
    appeal = appeals.ask(appealed.id, enrolment.trainee_id, "Please look at the child's voice again.")
    world.ids.update({"appealable_observation_id": appealable.id, "appeal_id": appeal.id})
    # A calibration exemplar for mentors to score.
    from assessments.services import calibration

    exemplar = calibration.publish(
        world.ids["person:designer"],
        demo.DEMO_SCENARIO,
        "Verify exemplar",  # type: ignore[arg-type]
        "An account of practice.",
        levels,
    )
    world.ids["exemplar_id"] = exemplar.id


def _stage_imports(world: World) -> None:
    """A checked programme document and rubric document waiting for the designer to confirm."""
    import json

    from competencies.services.imports import RUBRIC_JSON
    from core import importing
    from curriculum.services.imports import PROGRAMME_JSON
    from tests.hostile import corpus

    designer = world.ids["person:designer"]
    for name, fmt, document in (
        ("staged_programme", PROGRAMME_JSON, corpus.PROGRAMME),
        ("staged_rubric", RUBRIC_JSON, corpus.RUBRIC),
    ):
        world.ids[name] = importing.stage(fmt, json.dumps(document), designer)[0]  # type: ignore[arg-type]
    # A CSV file enrolling the spare trainee on the cohort, mentored by the world's mentor.
    from assessments.services.enrolment_imports import enrolment_csv

    rows = f"trainee_email,mentor_emails\r\nspare@verify.example,{world.emails['mentor']}\r\n"
    # Staged by the administrator: the first audience allowed, so the hostile-input row finds its form.
    world.ids["staged_enrolments"] = importing.stage(
        enrolment_csv(world.ids["cohort_id"], date.today()),
        rows,  # type: ignore[arg-type]
        world.ids["person:admin"],
    )[0]  # type: ignore[arg-type]
    # A people CSV adding one person, staged by the administrator (its confirm page is a form too).
    from core.accounts.people_import import people_csv

    world.ids["staged_people"] = importing.stage(
        people_csv(world.ids["person:admin"], date.today()),
        "name,email,roles\r\nNew Person,new.person@verify.example,trainee\r\n",  # type: ignore[arg-type]
        world.ids["person:admin"],
    )[0]  # type: ignore[arg-type]
    db.session.commit()


def loaders_scenarios() -> list[str]:
    from competencies import services

    return [s.key for s in services.list_scenarios()]
