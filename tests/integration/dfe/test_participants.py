"""Participants and outcomes against the DfE simulator: a withdrawal, deferral, resumption, change of
schedule or case-study result here reaches the DfE; what the DfE holds is read back and any
difference is flagged on the Participants page; a refusal is shown with the DfE's words, and an
unreachable DfE is tried again later. Every request the app sends validates against the document."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from assessments import services
from assessments.case_study_rules import CaseStudyDates, CaseStudyResult
from assessments.demo import published_programme
from assessments.models import Enrolment
from assessments.services import case_study, training_status
from core.accounts.models import User
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from dfe import participants, queues, sync
from dfe.contract import COURSE, Environment, ReportState
from dfe.models import DfeOutcome, DfeParticipant, DfeReport
from tests.conftest import Auth, load_content, post_form
from tests.dfe_simulator import DfeSimulator

TODAY = date.today()


@pytest.fixture
def admin_id(make_person, auth: Auth) -> int:  # type: ignore[no-untyped-def]
    person = make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    auth.sign_in("admin@example.org")
    return int(person)


@pytest.fixture
def enrolment_id(app: Flask, make_person) -> int:  # type: ignore[no-untyped-def]
    load_content(app, "Catalogue", "Scenarios")
    trainee = make_person("trainee@example.org", Role.TRAINEE, name="Tia Trainee")
    mentor = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    with app.app_context():
        version = published_programme(TODAY - timedelta(days=30))
        cohort = services.create_cohort("Autumn cohort", version.id)
        given = services.EnrolmentInput(trainee, (mentor,), "Hill Primary", TODAY - timedelta(days=400))
        return services.enrol(cohort.id, given, TODAY).id


def _dfe(sim: DfeSimulator) -> httpx.Client:
    return httpx.Client(base_url=f"{sim.base_url}/api/v3", headers=sim.headers)


def _declare(sim: DfeSimulator, participant_id: str, kind: str, on: str, **extra: object) -> None:
    """A declaration sent straight to the DfE (as another system of the provider's might have)."""
    attributes = {
        "participant_id": participant_id,
        "declaration_type": kind,
        "declaration_date": f"{on}T09:00:00Z",
        "course_identifier": COURSE,
        **extra,
    }
    with _dfe(sim) as http:
        answer = http.post(
            "/participant-declarations", json={"data": {"type": "participant-declaration", "attributes": attributes}}
        )
        assert answer.status_code == 200, answer.text


def _declare_started(sim: DfeSimulator, participant_id: str) -> None:
    _declare(sim, participant_id, "started", "2025-10-01")


def _declare_completed(sim: DfeSimulator, participant_id: str, has_passed: bool) -> None:
    _declare(sim, participant_id, "completed", "2025-12-01", has_passed=has_passed)


def _participant_at_dfe(sim: DfeSimulator, started: bool = True) -> str:
    """An accepted application at the DfE (a participant on npq-specialist-autumn 2025), with a
    started declaration unless ``started`` is False; returns the participant's id."""
    application_id = sim.add_application(cohort="2025")
    with _dfe(sim) as http:
        answer = http.post(
            f"/npq-applications/{application_id}/accept",
            json={"data": {"type": "npq-application-accept", "attributes": {"funded_place": True}}},
        )
        assert answer.status_code == 200, answer.text
    participant_id = str(sim.applications[application_id]["participant_id"])
    if started:
        _declare_started(sim, participant_id)
    return participant_id


def _link(app: Flask, enrolment_id: int, participant_id: str) -> int:
    """The DfE participant tied to the enrolment (as accepting its application does), then read."""
    with app.app_context():
        row = DfeParticipant(
            environment=Environment.SANDBOX.value,
            participant_id=participant_id,
            enrolment_id=enrolment_id,
            attributes={},
        )
        db.session.add(row)
        db.session.commit()
        sync.run(["participants"])
        return row.id


def _change(app: Flask, enrolment_id: int, to_status: str, reason: str | None, by_id: int) -> None:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        assert enrolment is not None
        training_status.change_status(enrolment, to_status, reason, db.session.get(User, by_id), enrolment.lock_version)
        db.session.commit()


def _send(app: Flask, now: datetime | None = None) -> participants.Sent:
    with app.app_context():
        return participants.send_due(now)


def _reports(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [(r.kind, r.state) for r in db.session.scalars(select(DfeReport).order_by(DfeReport.id))]


def _at_dfe(sim: DfeSimulator, participant_id: str) -> dict[str, object]:
    return dict(sim.participants[participant_id]["npq_enrolments"][0])


def test_withdrawing_here_withdraws_at_the_dfe(
    app: Flask, client: FlaskClient, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    participant_id = _participant_at_dfe(dfe_connected)
    _link(app, enrolment_id, participant_id)
    _change(app, enrolment_id, "withdrawn", "change-in-career", admin_id)
    assert _reports(app) == [("withdraw", "queued")]
    assert "Waiting to be sent" in client.get("/admin/dfe/participants").get_data(as_text=True)

    assert _send(app).sent == 1
    enrolment = _at_dfe(dfe_connected, participant_id)
    assert enrolment["training_status"] == "withdrawn"
    assert enrolment["withdrawal"]["reason"] == "change-in-career"  # type: ignore[index]
    assert _reports(app) == [("withdraw", "sent")]
    page = client.get("/admin/dfe/participants").get_data(as_text=True)
    assert "Tia Trainee" in page and "Agrees" in page and "Differs" not in page
    assert dfe_connected.invalid_requests() == []


def test_withdrawn_at_the_dfe_but_active_here_is_flagged(
    app: Flask, client: FlaskClient, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    participant_id = _participant_at_dfe(dfe_connected)
    row_id = _link(app, enrolment_id, participant_id)
    assert "Agrees" in client.get("/admin/dfe/participants").get_data(as_text=True)

    dfe_connected.withdraw_remotely(participant_id)
    with app.app_context():
        sync.run(["participants"])
    page = client.get("/admin/dfe/participants").get_data(as_text=True)
    assert "Differs" in page and "Withdrawn at the DfE, active here" in page
    page = client.get(f"/admin/dfe/participants/{row_id}").get_data(as_text=True)
    assert "Withdrawn at the DfE, active here" in page
    assert dfe_connected.invalid_requests() == []


def test_deferring_and_resuming_here_defers_and_resumes_at_the_dfe(
    app: Flask, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    participant_id = _participant_at_dfe(dfe_connected)
    _link(app, enrolment_id, participant_id)
    _change(app, enrolment_id, "deferred", "parental-leave", admin_id)
    _change(app, enrolment_id, "active", None, admin_id)
    assert _reports(app) == [("defer", "queued"), ("resume", "queued")]

    # Sent in the order made: the resumption never overtakes its deferral.
    assert _send(app).sent == 2
    assert _reports(app) == [("defer", "sent"), ("resume", "sent")]
    assert _at_dfe(dfe_connected, participant_id)["training_status"] == "active"
    sent = [(e.method, e.path.rsplit("/", 1)[-1]) for e in dfe_connected.log if e.method == "PUT"]
    assert sent == [("PUT", "defer"), ("PUT", "resume")]
    assert dfe_connected.invalid_requests() == []


def test_a_change_of_schedule_from_the_participant_page_reaches_the_dfe(
    app: Flask, client: FlaskClient, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    participant_id = _participant_at_dfe(dfe_connected, started=False)
    row_id = _link(app, enrolment_id, participant_id)
    url = f"/admin/dfe/participants/{row_id}"

    refused = post_form(client, url, {"schedule_identifier": "npq-made-up", "cohort": "1999"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Choose the schedule to move the participant to" in page and "Enter a cohort year from 2021" in page
    assert _reports(app) == []

    response = post_form(client, url, {"schedule_identifier": "npq-specialist-spring", "cohort": "2026"})
    assert response.status_code == 302
    assert _send(app).sent == 1
    enrolment = _at_dfe(dfe_connected, participant_id)
    assert (enrolment["schedule_identifier"], enrolment["cohort"]) == ("npq-specialist-spring", "2026")
    page = client.get(url).get_data(as_text=True)
    assert "Specialist, spring start, cohort 2026" in page
    assert dfe_connected.invalid_requests() == []


def test_a_case_study_result_before_the_completed_declaration_is_not_sent_as_an_outcome(
    app: Flask, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    """The DfE refuses an outcome with no completed declaration: the declaration's has_passed carries it."""
    participant_id = _participant_at_dfe(dfe_connected)
    _link(app, enrolment_id, participant_id)
    with app.app_context():
        given = CaseStudyDates(
            None, None, TODAY - timedelta(days=20), CaseStudyResult.PASSED, TODAY - timedelta(days=3)
        )
        case_study.record(enrolment_id, given, admin_id, TODAY)
    assert _reports(app) == []
    assert _send(app).refused == 0
    assert dfe_connected.outcomes == {}


def test_a_changed_case_study_result_is_sent_as_an_outcome_and_read_back(
    app: Flask, client: FlaskClient, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    participant_id = _participant_at_dfe(dfe_connected)
    _declare_completed(dfe_connected, participant_id, has_passed=False)  # failed at first: the DfE's outcome
    _link(app, enrolment_id, participant_id)
    with app.app_context():
        sync.run(["declarations"])
    passed_on = TODAY - timedelta(days=3)
    with app.app_context():  # a retake passed
        given = CaseStudyDates(None, None, TODAY - timedelta(days=20), CaseStudyResult.PASSED, passed_on)
        case_study.record(enrolment_id, given, admin_id, TODAY)
    assert _reports(app) == [("outcome", "queued")]

    assert _send(app).sent == 1
    assert sorted((o["state"], o["completion_date"]) for o in dfe_connected.outcomes.values()) == [
        ("failed", "2025-12-01"),
        ("passed", passed_on.isoformat()),
    ]
    with app.app_context():  # read back from the DfE, not from what was sent
        db.session.execute(delete(DfeOutcome))
        db.session.commit()
        sync.run(["outcomes"])
        kept = db.session.scalars(select(DfeOutcome)).all()
        assert sorted((o.participant_id, o.state, o.completion_date) for o in kept) == [
            (participant_id, "failed", date(2025, 12, 1)),
            (participant_id, "passed", passed_on),
        ]
    page = client.get("/admin/dfe/participants").get_data(as_text=True)
    assert "Passed" in page and "Agrees" in page and "Differs" not in page
    assert any("filter%5Bcreated_since%5D" in e.query or e.path.endswith("/outcomes") for e in dfe_connected.log)
    assert dfe_connected.invalid_requests() == []


def test_a_refusal_is_shown_with_the_dfes_words_and_can_be_sent_again(
    app: Flask, client: FlaskClient, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    participant_id = _participant_at_dfe(dfe_connected, started=False)
    row_id = _link(app, enrolment_id, participant_id)
    _change(app, enrolment_id, "withdrawn", "started-in-error", admin_id)
    assert _send(app).refused == 1
    assert _reports(app) == [("withdraw", "refused")]
    page = client.get(f"/admin/dfe/participants/{row_id}").get_data(as_text=True)
    assert "Refused by the DfE" in page
    assert "An NPQ participant who has not got a started declaration cannot be withdrawn" in page
    assert "Send again" in page

    _declare_started(dfe_connected, participant_id)  # what the DfE asked for, put right
    with app.app_context():
        report_id = db.session.scalars(select(DfeReport.id)).one()
    response = post_form(
        client, f"/admin/dfe/reports/{report_id}/send-again", {}, form_url=f"/admin/dfe/participants/{row_id}"
    )
    assert response.status_code == 302
    assert _reports(app) == [("withdraw", "queued")]
    assert _send(app).sent == 1
    assert _at_dfe(dfe_connected, participant_id)["training_status"] == "withdrawn"
    assert dfe_connected.invalid_requests() == []


def test_an_unreachable_dfe_leaves_the_report_queued_and_it_is_sent_later(
    app: Flask, client: FlaskClient, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    participant_id = _participant_at_dfe(dfe_connected)
    _link(app, enrolment_id, participant_id)
    _change(app, enrolment_id, "withdrawn", "change-in-career", admin_id)
    dfe_connected.fail_next(503)
    assert _send(app).waiting == 1
    assert _reports(app) == [("withdraw", "queued")]
    assert _at_dfe(dfe_connected, participant_id)["training_status"] == "active"
    page = client.get("/admin/dfe/participants").get_data(as_text=True)
    assert "Waiting to be sent" in page and "The app will try again" in page

    assert _send(app).sent == 0  # not yet: it waits before trying again
    later = utcnow() + timedelta(minutes=2)
    assert _send(app, later).sent == 1
    assert _at_dfe(dfe_connected, participant_id)["training_status"] == "withdrawn"
    assert _reports(app) == [("withdraw", "sent")]
    assert dfe_connected.invalid_requests() == []


def test_a_trainee_not_linked_to_the_dfe_is_not_reported(
    app: Flask, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    _change(app, enrolment_id, "deferred", "career-break", admin_id)
    assert _reports(app) == []


def test_a_participant_read_from_the_dfe_without_a_senco_course_is_not_kept(app: Flask) -> None:
    record = {
        "id": str(uuid.uuid4()),
        "type": "npq-participant",
        "attributes": {"full_name": "Pat", "npq_enrolments": [{"course_identifier": "npq-headship"}]},
    }
    with app.app_context():
        why = participants.upsert_participant(record, Environment.SANDBOX)
        assert isinstance(why, str) and "no NPQ for SENCOs enrolment" in why
        assert db.session.scalars(select(DfeParticipant)).all() == []


def test_a_report_claimed_by_one_runner_is_not_claimed_by_another(
    app: Flask, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    participant_id = _participant_at_dfe(dfe_connected)
    _link(app, enrolment_id, participant_id)
    _change(app, enrolment_id, "withdrawn", "change-in-career", admin_id)
    with app.app_context():
        report_id = db.session.scalars(select(DfeReport.id)).one()
        now = datetime.now(UTC)
        assert participants.claim(report_id, now) is True
        assert participants.claim(report_id, now) is False
        assert db.session.get(DfeReport, report_id).state == ReportState.QUEUED.value  # type: ignore[union-attr]


def test_a_slow_run_claims_each_report_when_it_reaches_it_not_when_it_started(
    app: Flask, dfe_connected: DfeSimulator, admin_id: int, enrolment_id: int
) -> None:
    participant_id = _participant_at_dfe(dfe_connected)
    _link(app, enrolment_id, participant_id)
    _change(app, enrolment_id, "deferred", "parental-leave", admin_id)
    _change(app, enrolment_id, "active", None, admin_id)
    seen: dict[str, object] = {}

    def while_the_resumption_is_sent() -> None:
        with app.app_context():
            defer, resume = db.session.scalars(select(DfeReport).order_by(DfeReport.id))
            seen["deferral sent"], seen["resumption held until"] = defer.sent_at, resume.send_after
            db.session.remove()

    dfe_connected.when_requested("PUT", "/resume", while_the_resumption_is_sent)
    assert _send(app).sent == 2
    sent, held = seen["deferral sent"], seen["resumption held until"]
    assert isinstance(sent, datetime) and isinstance(held, datetime)
    # The order of two recorded moments, not a speed: the resumption's claim began (its hold less the
    # claim's length) only once the deferral had gone, not at the moment the run began.
    claim_began = held - timedelta(seconds=queues.CLAIM_SECONDS)
    assert sorted([sent, claim_began]) == [sent, claim_began]
    assert dfe_connected.invalid_requests() == []
