"""Declarations out, against the DfE simulator: a proposal appears once the evidence meets the rule,
a person submits it, the sender sends it once (adopting one the DfE already holds), a refusal is
shown on its row, an unreachable DfE leaves it queued until a later run, and a declaration's state
and statement follow the DfE. Every request the app made must be one the DfE's document allows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assessments import services
from assessments.demo import published_programme
from core import jobs
from core.accounts.roles import Role
from core.extensions import db
from dfe import connection, sync
from dfe import declarations as service
from dfe.models import DfeDeclaration, DfeParticipant
from tests.conftest import Auth, load_content, post_form
from tests.dfe_simulator import DfeSimulator
from tests.marks import MET_ANNUAL_REVIEW as MET

TODAY = date.today()
SCHEDULE = "npq-specialist-autumn"
PAGE = "/admin/dfe/declarations"


@pytest.fixture
def trainee(app: Flask, auth: Auth, make_person, dfe_connected: DfeSimulator) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """A trainee enrolled on a cohort that began on 1 August 2025, accepted at the DfE on the
    specialist autumn 2025 schedule and linked to their enrolment; an administrator signed in."""
    load_content(app, "Catalogue", "Scenarios")
    sim = dfe_connected
    mentor = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    person = make_person("trainee@example.org", Role.TRAINEE, name="Tia Trainee")
    make_person("admin@example.org", Role.ADMIN)
    application_id = sim.add_application(cohort="2025", full_name="Tia Trainee")
    with app.app_context():
        cohort = services.create_cohort("Autumn 2025", published_programme(date(2025, 8, 1)).id)
        given = services.EnrolmentInput(person, (mentor,), "Hill Primary", TODAY - timedelta(days=800))
        enrolment = services.enrol(cohort.id, given, TODAY)
        with connection.client() as client:
            client.send(
                "POST",
                f"/npq-applications/{application_id}/accept",
                {
                    "data": {
                        "type": "npq-application-accept",
                        "attributes": {"funded_place": True, "schedule_identifier": SCHEDULE},
                    }
                },
            )
        participant_id = sim.applications[application_id]["participant_id"]
        db.session.add(
            DfeParticipant(
                environment="sandbox",
                participant_id=participant_id,
                application_id=application_id,
                enrolment_id=enrolment.id,
                schedule_identifier=SCHEDULE,
                cohort_year=2025,
                training_status="active",
            )
        )
        db.session.commit()
        enrolment_id = enrolment.id
    auth.sign_in("admin@example.org")
    return {"enrolment_id": enrolment_id, "mentor": mentor, "participant_id": participant_id, "sim": sim}


def _observe(app: Flask, trainee: dict[str, object], day: date, key: str = "k1") -> None:
    with app.app_context():
        services.record_observation(
            int(trainee["enrolment_id"]),  # type: ignore[call-overload]
            int(trainee["mentor"]),  # type: ignore[call-overload]
            services.ObservationInput("annual-review", day, "Meeting room", (), MET, key, submit=True),
            TODAY,
        )


def _key(trainee: dict[str, object], kind: str, day: date) -> str:
    return f"{trainee['participant_id']}:{kind}:{day.isoformat()}"


def _run_sender(app: Flask) -> str:
    """Run the queued sender job, as the job runner would; its summary."""
    with app.app_context():
        job = service.sending_job()
        assert job is not None, "no sender was queued"
        job_id = job.id
        assert jobs.execute(job_id) is jobs.JobStatus.DONE
        db.session.rollback()  # see what the job's own transactions wrote
        finished = db.session.get(jobs.Job, job_id)
        assert finished is not None
        path = jobs.result_path(finished)
        assert path is not None, (finished.status, finished.result_file, finished.expires_at, finished.error)
        return path.read_text()


def _started_and_sent(app: Flask, client: FlaskClient, trainee: dict[str, object]) -> DfeDeclaration:
    """An observation on 1 October 2025, its started declaration submitted and sent; its row."""
    _observe(app, trainee, date(2025, 10, 1))
    post_form(client, f"{PAGE}/submit", {"submit_all": "y"}, form_url=PAGE)
    _run_sender(app)
    [row] = _rows(app)
    return row


def _declaration_posts(sim: DfeSimulator) -> int:
    return sum(1 for e in sim.log if e.method == "POST" and e.path == "/api/v3/participant-declarations")


def _rows(app: Flask) -> list[DfeDeclaration]:
    with app.app_context():
        rows = list(db.session.scalars(select(DfeDeclaration).order_by(DfeDeclaration.id)))
        db.session.expunge_all()
        return rows


def test_a_started_proposal_appears_after_an_observation_is_submitted_and_is_sent_once(
    app: Flask, client: FlaskClient, trainee: dict[str, object]
) -> None:
    sim: DfeSimulator = trainee["sim"]  # type: ignore[assignment]
    page = client.get(PAGE).get_data(as_text=True)
    assert "Tia Trainee" in page and "Started: no attendance or observation recorded yet" in page
    assert "Submit all" not in page

    _observe(app, trainee, date(2025, 10, 1))
    page = client.get(PAGE).get_data(as_text=True)
    assert "Started, 1 October 2025" in page
    assert "Started: first observation on 1 October 2025" in page
    key = _key(trainee, "started", date(2025, 10, 1))

    response = post_form(client, f"{PAGE}/submit", {"declarations": key}, form_url=PAGE)
    assert response.status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "1 declaration queued to send to the DfE." in page and "Queued" in page
    assert "Started, 1 October 2025</label>" not in page  # no longer proposed: it stands

    assert "Sent 1" in _run_sender(app)
    [row] = _rows(app)
    assert row.state == "eligible" and row.remote_id in sim.declarations
    sent = sim.declarations[row.remote_id]
    assert (sent["declaration_type"], sent["declaration_date"], sent["course_identifier"]) == (
        "started",
        "2025-10-01T00:00:00Z",
        "npq-senco",
    )
    page = client.get(PAGE).get_data(as_text=True)
    assert "Eligible" in page and "Nothing is waiting to be sent." in page

    # The same proposal submitted again (a second tab, a back button) is refused, and nothing is sent.
    response = post_form(client, f"{PAGE}/submit", {"declarations": key}, form_url=PAGE)
    assert response.status_code == 400
    assert "Started for Tia Trainee is already declared: it was not sent again" in response.get_data(as_text=True)
    with app.app_context():
        assert service.start_if_queued() is None  # nothing waits to go
    assert _declaration_posts(sim) == 1
    assert len(_rows(app)) == 1
    assert sim.invalid_requests() == []


def test_the_database_refuses_a_second_standing_declaration_of_a_type(app: Flask, trainee: dict[str, object]) -> None:
    _observe(app, trainee, date(2025, 10, 1))
    with app.app_context():
        for _ in range(2):
            db.session.add(
                DfeDeclaration(
                    environment="sandbox",
                    participant_id=str(trainee["participant_id"]),
                    declaration_type="started",
                    declaration_date=service.midnight(date(2025, 10, 1)),
                    state="queued",
                )
            )
        with pytest.raises(Exception, match="(?i)unique"):
            db.session.commit()
        db.session.rollback()


def test_a_declaration_the_dfe_already_holds_is_adopted_not_sent_again(
    app: Flask, client: FlaskClient, trainee: dict[str, object]
) -> None:
    sim: DfeSimulator = trainee["sim"]  # type: ignore[assignment]
    _observe(app, trainee, date(2025, 10, 1))
    post_form(client, f"{PAGE}/submit", {"declarations": _key(trainee, "started", date(2025, 10, 1))}, form_url=PAGE)
    # The sender that took it sent it, then died before recording the answer.
    with app.app_context(), connection.client() as dfe:
        body = service.request_body(db.session.scalars(select(DfeDeclaration)).one())
        made = dfe.send("POST", "/participant-declarations", body)["data"]["id"]
    assert "already at the DfE 1" in _run_sender(app)
    [row] = _rows(app)
    assert row.remote_id == made and row.state == "eligible"
    assert _declaration_posts(sim) == 1  # the test's own: the sender sent nothing
    assert len(sim.declarations) == 1
    assert sim.invalid_requests() == []


def test_a_refusal_is_shown_on_its_row_with_the_dfes_words(
    app: Flask, client: FlaskClient, trainee: dict[str, object]
) -> None:
    sim: DfeSimulator = trainee["sim"]  # type: ignore[assignment]
    # Inside the guidance's window (it opens on 1 August 2025), but the DfE says the schedule starts later.
    _observe(app, trainee, date(2025, 8, 20))
    key = _key(trainee, "started", date(2025, 8, 20))
    post_form(client, f"{PAGE}/submit", {"declarations": key}, form_url=PAGE)
    assert "refused 1" in _run_sender(app)
    [row] = _rows(app)
    assert row.state == "refused" and row.remote_id is None
    page = client.get(PAGE).get_data(as_text=True)
    assert "Refused by the DfE" in page
    assert "declaration date: Enter a &#39;#/declaration_date&#39; that&#39;s on or after the schedule start." in page
    assert "Started, 20 August 2025</label>" in page  # proposed again: a refused one was never made
    assert sim.declarations == {}
    assert sim.invalid_requests() == []


def test_an_unreachable_dfe_leaves_the_declaration_queued_and_a_later_run_sends_it(
    app: Flask, client: FlaskClient, trainee: dict[str, object]
) -> None:
    sim: DfeSimulator = trainee["sim"]  # type: ignore[assignment]
    _observe(app, trainee, date(2025, 10, 1))
    post_form(client, f"{PAGE}/submit", {"declarations": _key(trainee, "started", date(2025, 10, 1))}, form_url=PAGE)
    sim.fail_next(503, times=3)  # every try of the first read
    assert "still queued 1" in _run_sender(app)
    [row] = _rows(app)
    assert row.state == "queued" and row.claimed_until is None
    page = client.get(PAGE).get_data(as_text=True)
    assert "It will be tried again." in page
    with app.app_context():
        assert service.start_if_queued() is not None  # the runner's periodic check starts a sender
    assert "Sent 1" in _run_sender(app)
    [row] = _rows(app)
    assert row.state == "eligible" and row.errors == []
    assert len(sim.declarations) == 1
    assert sim.invalid_requests() == []


def test_state_and_statements_follow_the_dfe_and_a_paid_declaration_is_voided_for_clawback(
    app: Flask, client: FlaskClient, trainee: dict[str, object]
) -> None:
    sim: DfeSimulator = trainee["sim"]  # type: ignore[assignment]
    row = _started_and_sent(app, client, trainee)
    statement_id = sim.add_statement(month="January", year="2026", cohort="2025", cut_off_date="2025-12-31",
                                     payment_date="2026-01-25", paid=True)  # fmt: skip
    sim.declarations[str(row.remote_id)]["statement_id"] = statement_id
    sim.set_declaration_state(str(row.remote_id), "paid")
    with app.app_context():
        results = {r.resource: r for r in sync.run(["declarations", "statements"])}
        assert results["declarations"].error == "" and results["declarations"].changed == 1
        assert results["statements"].changed == 1
    [row] = _rows(app)
    assert (row.state, row.statement_id) == ("paid", statement_id)
    page = client.get("/admin/dfe/statements").get_data(as_text=True)
    assert "January 2026 (cohort 2025)" in page and "25 January 2026" in page
    assert "Started, paid: 1" in page

    url = f"{PAGE}/{row.id}/void"
    response = post_form(client, url, {"reason": " "}, form_url=PAGE)
    assert response.status_code == 400 and "Enter why the declaration is being voided" in response.get_data(
        as_text=True
    )
    response = post_form(client, url, {"reason": "x" * 1_001}, form_url=PAGE)
    assert "The reason must be 1,000 characters or fewer" in response.get_data(as_text=True)
    response = post_form(client, url, {"reason": "Declared for the wrong trainee"}, form_url=PAGE)
    assert response.status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert (
        "the DfE now shows it as awaiting clawback" in page and "Voided because: Declared for the wrong trainee" in page
    )
    assert sim.declarations[str(row.remote_id)]["state"] == "awaiting_clawback"
    # Retracted, so started is proposed again.
    assert "Started, 1 October 2025</label>" in page
    assert sim.invalid_requests() == []


def test_a_void_whose_answer_was_lost_is_read_back_and_recorded(
    app: Flask, client: FlaskClient, trainee: dict[str, object]
) -> None:
    sim: DfeSimulator = trainee["sim"]  # type: ignore[assignment]
    row = _started_and_sent(app, client, trainee)
    sim.lose_next_answer(503)  # the DfE voids it, but its answer never arrives
    response = post_form(client, f"{PAGE}/{row.id}/void", {"reason": "Declared too early"}, form_url=PAGE)
    assert response.status_code == 302
    [row] = _rows(app)
    assert (row.state, row.void_reason) == ("voided", "Declared too early")
    assert sim.declarations[str(row.remote_id)]["state"] == "voided"
    assert sim.invalid_requests() == []


def test_a_void_the_dfe_did_not_make_says_nothing_was_voided(
    app: Flask, client: FlaskClient, trainee: dict[str, object]
) -> None:
    sim: DfeSimulator = trainee["sim"]  # type: ignore[assignment]
    row = _started_and_sent(app, client, trainee)
    sim.fail_next(503)  # refused before anything was done
    response = post_form(client, f"{PAGE}/{row.id}/void", {"reason": "Declared too early"}, form_url=PAGE)
    assert response.status_code == 400 and "nothing was voided" in response.get_data(as_text=True)
    [row] = _rows(app)
    assert row.state == "eligible" and sim.declarations[str(row.remote_id)]["state"] == "eligible"
    assert sim.invalid_requests() == []


def test_each_participants_declarations_are_claimed_just_before_they_are_sent(
    app: Flask, trainee: dict[str, object]
) -> None:
    """A slow run must not hold the rows it has not reached: their claim would run out first, and
    a second sender would send them too."""
    sim: DfeSimulator = trainee["sim"]  # type: ignore[assignment]
    other_application = sim.add_application(cohort="2025")
    with app.app_context():
        with connection.client() as client:
            client.send(
                "POST",
                f"/npq-applications/{other_application}/accept",
                {"data": {"type": "npq-application-accept", "attributes": {"funded_place": True}}},
            )
        other = sim.applications[other_application]["participant_id"]
        for participant_id in (trainee["participant_id"], other):
            db.session.add(
                DfeDeclaration(
                    environment="sandbox",
                    participant_id=participant_id,
                    declaration_type="started",
                    declaration_date=datetime(2025, 10, 1, tzinfo=UTC),
                    state="queued",
                    errors=[],
                )
            )
        db.session.commit()
        service.request_sending()
    seen: dict[str, object] = {}

    def while_the_first_is_sent() -> None:
        with app.app_context():
            seen["other claimed"] = db.session.scalar(
                select(DfeDeclaration.claimed_until).where(DfeDeclaration.participant_id == other)
            )
            db.session.remove()

    sim.when_requested("POST", "/participant-declarations", while_the_first_is_sent)
    assert "Sent 2," in _run_sender(app)
    assert seen == {"other claimed": None}
    assert _declaration_posts(sim) == 2
    assert sim.invalid_requests() == []
