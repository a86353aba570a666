"""Applications in, against the DfE simulator: a sync reads them once (and resumes where it
stopped), an administrator accepts or rejects them on their page, and an accepted applicant
becomes a trainee enrolled on the linked cohort with their SENCO start date, with nothing retyped.
Every request the app sends must be one the DfE's document allows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assessments import services as assessment_services
from assessments.demo import published_programme
from assessments.models import Enrolment
from core.accounts.models import User
from core.accounts.roles import Role
from core.audit.models import AuditEvent
from core.extensions import db
from core.jobs import Job, JobStatus, execute
from core.messages import Message
from core.privacy.erasure import erase_person
from dfe import connection, sync
from dfe.models import DfeApplication, DfeParticipant, DfeSync
from tests.conftest import Auth, csrf_token, load_content, page_lock, post_form
from tests.dfe_simulator import DfeSimulator

TODAY = date.today()
BASE = "/admin/dfe/applications"


@pytest.fixture
def world(app: Flask, dfe_connected: DfeSimulator, auth: Auth, make_person) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A published programme, a cohort linked to the DfE's 2025 specialist autumn schedule, a
    mentor, and an administrator signed in."""
    load_content(app, "Catalogue", "Scenarios")
    mentor = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    admin = make_person("admin@example.org", Role.ADMIN)
    with app.app_context():
        version = published_programme(TODAY - timedelta(days=30))
        cohort = assessment_services.create_cohort("Autumn 2025", version.id)
        connection.map_cohort(cohort, 2025, "npq-specialist-autumn")
        db.session.commit()
        cohort_id = cohort.id
    auth.sign_in("admin@example.org")
    return {"sim": dfe_connected, "cohort": cohort_id, "mentor": mentor, "admin": admin}


def _sync(app: Flask) -> sync.SyncResult:
    with app.app_context():
        (result,) = sync.run(["applications"])
        return result


def _count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def _accept(client: FlaskClient, application_id: str, **fields: object):  # type: ignore[no-untyped-def]
    return post_form(client, f"{BASE}/{application_id}/accept", fields, form_url=f"{BASE}/{application_id}")


def test_a_sync_reads_three_applications_and_a_second_changes_nothing(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    ids = [sim.add_application(full_name=f"Applicant {n}") for n in range(3)]
    first = _sync(app)
    assert (first.read, first.changed, first.error) == (3, 3, "")
    response = client.get(BASE)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:3000]
    assert all(f"Applicant {n}" in page for n in range(3))
    assert "URN" in page and "100000" in page and "1 September 2023" in page
    # Ten columns: the table scrolls inside its own labelled region, not the whole page.
    assert '<div class="app-table-wrapper" role="region" aria-labelledby="applications-caption"' in page
    assert 'id="applications-caption"' in page
    with app.app_context():
        versions = {a.id: a.lock_version for a in db.session.scalars(select(DfeApplication))}
    assert set(versions) == set(ids)
    second = _sync(app)
    assert (second.changed, second.error) == (0, "")
    with app.app_context():
        assert {a.id: a.lock_version for a in db.session.scalars(select(DfeApplication))} == versions
    assert sim.invalid_requests() == []


def test_the_sync_asks_for_the_chosen_cohort_year_by_change(app: Flask, world: dict[str, Any]) -> None:
    sim: DfeSimulator = world["sim"]
    with app.app_context():
        connection.settings().cohort_year = 2025
        db.session.commit()
    sim.add_application()
    sim.add_application(cohort="2024")
    assert _sync(app).changed == 1
    listing = [e for e in sim.log if e.path.endswith("/npq-applications")]
    assert listing and all("filter%5Bcohort%5D=2025" in e.query and "sort=updated_at" in e.query for e in listing)
    assert sim.invalid_requests() == []


def test_a_sync_stopped_on_page_two_resumes_there_without_doubling(app: Flask, world: dict[str, Any]) -> None:
    sim: DfeSimulator = world["sim"]
    for _ in range(101):  # one page of 100, and one more
        sim.add_application()
    # After the first page is sent, a new application appears and the DfE stops answering.
    add = sim.add_application

    def add_then_fall_silent(**attributes: Any) -> str:
        found = add(**attributes)
        sim.fail_next(503, times=3)  # every attempt the client makes at page 2
        return found

    sim.add_application = add_then_fall_silent  # type: ignore[method-assign]
    sim.insert_during_paging()
    stopped = _sync(app)
    assert stopped.error and "not answering" in stopped.error
    assert _count(app, DfeApplication) == 100
    with app.app_context():
        row = db.session.scalars(select(DfeSync)).one()
        assert row.next_page == 2 and row.started_at is not None
    resumed = _sync(app)
    assert resumed.error == "" and resumed.read == 2
    assert _count(app, DfeApplication) == len(sim.applications) == 102
    assert sim.invalid_requests() == []


def test_an_application_for_another_course_is_not_kept_and_said_so(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    sim.add_application()
    sim.add_application(course_identifier="npq-headship")
    result = _sync(app)
    assert result.changed == 1 and result.skipped == ["1 for npq-headship"]
    assert "1 not kept (1 for npq-headship)" in result.describe()
    post_form(client, f"{BASE}/sync", {}, form_url=BASE)
    with app.app_context():
        (job_id,) = db.session.scalars(select(Job.id).where(Job.kind == sync.JOB_KIND))
        assert execute(job_id) is JobStatus.DONE
    shown = client.get(BASE).get_data(as_text=True)
    assert "not kept (1 for npq-headship)" in shown
    assert _count(app, DfeApplication) == 1
    assert sim.invalid_requests() == []


def _enrolment_of(app: Flask, application_id: str) -> dict[str, Any]:
    with app.app_context():
        application = db.session.get(DfeApplication, application_id)
        assert application is not None and application.enrolment_id is not None
        enrolment = db.session.get(Enrolment, application.enrolment_id)
        assert enrolment is not None
        participant = db.session.scalars(select(DfeParticipant).filter_by(enrolment_id=enrolment.id)).one()
        return {
            "status": application.status,
            "funded_place": application.funded_place,
            "email": enrolment.trainee.email,
            "trainee": enrolment.trainee,
            "roles": enrolment.trainee.roles,
            "became_senco": enrolment.became_senco,
            "school": enrolment.school,
            "cohort": enrolment.cohort_id,
            "mentors": [m.id for m in enrolment.mentors],
            "participant": (
                participant.participant_id,
                participant.schedule_identifier,
                participant.cohort_year,
                participant.training_status,
            ),
            "invited": db.session.scalar(
                select(func.count()).select_from(Message).where(Message.to_address == enrolment.trainee.email)
            ),
        }


def test_accepting_a_funded_place_enrols_an_invited_trainee_with_their_senco_start(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application(
        full_name="Fran Funded", email="fran@school.example.com", senco_start_date="2024-01-08"
    )
    _sync(app)
    page = client.get(f"{BASE}/{application_id}").get_data(as_text=True)
    assert "Is this a funded place?" in page
    assert f'<option value="{world["cohort"]}" selected>' in page  # the cohort linked to its year
    response = _accept(client, application_id, funded_place="yes", cohort_id=world["cohort"], mentor_id=world["mentor"])
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Accepted at the DfE. Fran Funded is enrolled on Autumn 2025 and invited." in shown
    assert sim.applications[application_id]["status"] == "accepted"
    assert sim.applications[application_id]["funded_place"] is True
    assert sim.applications[application_id]["schedule_identifier"] == "npq-specialist-autumn"
    found = _enrolment_of(app, application_id)
    assert found["status"] == "accepted" and found["funded_place"] is True
    assert found["email"] == "fran@school.example.com" and Role.TRAINEE in found["roles"]
    assert found["became_senco"] == date(2024, 1, 8)
    assert (
        found["school"] == "URN 100000" and found["cohort"] == world["cohort"] and found["mentors"] == [world["mentor"]]
    )
    participant_id = sim.applications[application_id]["participant_id"]
    assert found["participant"] == (participant_id, "npq-specialist-autumn", 2025, "active")
    assert found["invited"] == 1
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert "dfe_application.accepted" in {getattr(a, "value", a) for a in actions}
    assert sim.invalid_requests() == []


def test_accepting_an_unfunded_place_reuses_the_account_with_that_email(
    app: Flask, world: dict[str, Any], client: FlaskClient, make_person
) -> None:  # type: ignore[no-untyped-def]
    sim: DfeSimulator = world["sim"]
    existing = make_person("una@school.example.com", Role.MENTOR, name="Una Unfunded")
    application_id = sim.add_application(full_name="Una Unfunded", email="Una@School.example.com")
    other_id = sim.add_application(
        full_name="Ned Ineligible", eligible_for_funding=False, ineligible_for_funding_reason="previously-funded"
    )
    _sync(app)
    response = _accept(client, application_id, funded_place="no", cohort_id=world["cohort"], mentor_id=world["mentor"])
    assert response.status_code == 302
    assert sim.applications[application_id]["funded_place"] is False
    found = _enrolment_of(app, application_id)
    assert found["trainee"].id == existing and {Role.MENTOR, Role.TRAINEE} <= found["roles"]
    assert found["invited"] == 0  # they have an account already
    page = client.get(f"{BASE}/{other_id}").get_data(as_text=True)
    assert "Not eligible (funded before)" in page and "Is this a funded place?" not in page
    response = _accept(client, other_id, cohort_id=world["cohort"], mentor_id=world["mentor"])
    assert response.status_code == 302 and sim.applications[other_id]["funded_place"] is False
    assert sim.invalid_requests() == []


def test_rejecting_needs_a_reason_and_tells_the_dfe(app: Flask, world: dict[str, Any], client: FlaskClient) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application(full_name="Ray Rejected")
    _sync(app)
    url, page = f"{BASE}/{application_id}/reject", f"{BASE}/{application_id}"
    blank = post_form(client, url, {"reason": "  "}, form_url=page)
    assert blank.status_code == 400 and "Enter why you are rejecting this application" in blank.get_data(as_text=True)
    long = post_form(client, url, {"reason": "x" * 1_001}, form_url=page)
    assert long.status_code == 400 and "1,000 characters or fewer" in long.get_data(as_text=True)
    assert sim.applications[application_id]["status"] == "pending"
    done = post_form(client, url, {"reason": "Not working as a SENCO this year"}, form_url=page)
    assert done.status_code == 302
    assert sim.applications[application_id]["status"] == "rejected"
    with app.app_context():
        application = db.session.get(DfeApplication, application_id)
        assert application is not None and application.status == "rejected"
        assert application.rejection_reason == "Not working as a SENCO this year" and application.enrolment_id is None
    assert "Not working as a SENCO this year" in client.get(page).get_data(as_text=True)
    assert _count(app, Enrolment) == 0
    assert sim.invalid_requests() == []


def test_the_dfes_refusal_is_shown_on_the_field_it_names_and_nothing_is_saved(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application(full_name="Pat Refused")
    _sync(app)
    sim.applications[application_id]["eligible_for_funding"] = False  # the DfE changed its mind since the sync
    response = _accept(client, application_id, funded_place="yes", cohort_id=world["cohort"], mentor_id=world["mentor"])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "not eligible for funding" in page and 'href="#funded_place"' in page
    assert sim.applications[application_id]["status"] == "pending"
    assert _count(app, Enrolment) == 0 and _count(app, DfeParticipant) == 0
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).select_from(User).where(User.email.like("%school.example.com"))) == 0
        )
        application = db.session.get(DfeApplication, application_id)
        assert application is not None and application.errors and application.errors[0]["title"] == "funded_place"
    # Shown again when the page is opened later, on the field.
    again = client.get(f"{BASE}/{application_id}").get_data(as_text=True)
    assert "The DfE refused your last decision" in again and 'href="#funded_place"' in again
    assert sim.invalid_requests() == []


def test_an_unreachable_dfe_saves_nothing_and_says_so(app: Flask, world: dict[str, Any], client: FlaskClient) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application()
    _sync(app)
    sim.fail_next(503)
    response = _accept(client, application_id, funded_place="yes", cohort_id=world["cohort"], mentor_id=world["mentor"])
    assert response.status_code == 422
    assert "Nothing was changed: try again later" in response.get_data(as_text=True)
    assert sim.applications[application_id]["status"] == "pending"
    assert _count(app, Enrolment) == 0 and _count(app, DfeParticipant) == 0
    with app.app_context():
        application = db.session.get(DfeApplication, application_id)
        assert application is not None and application.status == "pending" and application.errors == []
    assert sim.invalid_requests() == []


def test_what_this_app_can_check_is_checked_before_anything_is_sent(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application()
    _sync(app)
    sent = len(sim.log)
    response = _accept(client, application_id, cohort_id="", mentor_id="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose whether this is a funded place" in page
    assert "Choose a cohort linked to a DfE schedule" in page and "Choose the trainee’s mentor" in page
    assert 'href="#cohort_id"' in page and 'href="#mentor_id"' in page
    assert len(sim.log) == sent  # nothing sent
    assert sim.invalid_requests() == []


def test_a_page_opened_before_the_application_changed_is_refused(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application()
    _sync(app)
    html = client.get(f"{BASE}/{application_id}").get_data(as_text=True)
    sim.applications[application_id]["full_name"] = "Sam Taylor-Jones"
    sim.applications[application_id]["updated_at"] = "2099-01-01T00:00:00.000000Z"
    _sync(app)
    response = client.post(
        f"{BASE}/{application_id}/reject",
        data={"csrf_token": csrf_token(html), **page_lock(html), "reason": "Duplicate"},
    )
    assert response.status_code == 409
    assert "changed since you opened it" in response.get_data(as_text=True)
    assert sim.applications[application_id]["status"] == "pending"
    assert sim.invalid_requests() == []


def test_an_application_accepted_at_the_dfe_but_not_here_can_be_finished(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application(
        full_name="Fin Ish", status="accepted", schedule_identifier="npq-specialist-autumn", funded_place=True
    )
    _sync(app)
    page = client.get(f"{BASE}/{application_id}").get_data(as_text=True)
    assert "Finish enrolment" in page and "Is this a funded place?" not in page
    sent = len(sim.log)
    response = post_form(
        client,
        f"{BASE}/{application_id}/finish",
        {"cohort_id": world["cohort"], "mentor_id": world["mentor"]},
        form_url=f"{BASE}/{application_id}",
    )
    assert response.status_code == 302
    assert len(sim.log) == sent  # the DfE already holds it: nothing sent
    found = _enrolment_of(app, application_id)
    assert found["became_senco"] == date(2023, 9, 1) and found["invited"] == 1
    assert "Finish enrolment" not in client.get(f"{BASE}/{application_id}").get_data(as_text=True)
    assert sim.invalid_requests() == []


def test_an_erased_trainees_details_stay_empty_after_the_next_sync(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application(full_name="Eve Erased", email="eve@school.example.com")
    _sync(app)
    response = _accept(client, application_id, funded_place="yes", cohort_id=world["cohort"], mentor_id=world["mentor"])
    assert response.status_code == 302
    with app.app_context():
        sync.run(["participants"])
        trainee_id = _enrolment_of(app, application_id)["trainee"].id
        erase_person(trainee_id, world["admin"])
    # The DfE still holds the applicant's details, and changes the records after the erasure.
    sim.applications[application_id]["updated_at"] = "2099-01-01T00:00:00.000000Z"
    sim.participants[sim.applications[application_id]["participant_id"]]["updated_at"] = "2099-01-01T00:00:00.000000Z"
    with app.app_context():
        sync.run(["applications", "participants"])
        application = db.session.get(DfeApplication, application_id)
        assert application is not None
        assert (application.full_name, application.email, application.attributes) == ("", "", {})
        assert application.status == "accepted"
        participant = db.session.scalars(select(DfeParticipant)).one()
        assert participant.attributes == {} and participant.training_status == "active"
    assert sim.invalid_requests() == []


def test_an_acceptance_whose_answer_was_lost_is_read_back_and_enrols(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application(full_name="Lou Lost", email="lou@school.example.com")
    _sync(app)
    sim.lose_next_answer(503)  # the DfE accepts, but its answer never arrives
    response = _accept(client, application_id, funded_place="yes", cohort_id=world["cohort"], mentor_id=world["mentor"])
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Accepted at the DfE. Lou Lost is enrolled on Autumn 2025 and invited." in shown
    found = _enrolment_of(app, application_id)
    assert found["status"] == "accepted" and found["email"] == "lou@school.example.com" and found["invited"] == 1
    assert [e.method for e in sim.log if application_id in e.path][-2:] == ["POST", "GET"]
    assert sim.invalid_requests() == []


def test_a_rejection_whose_answer_was_lost_is_read_back_and_recorded(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application()
    _sync(app)
    sim.lose_next_answer(504)
    page = f"{BASE}/{application_id}"
    response = post_form(client, f"{page}/reject", {"reason": "No place this year"}, form_url=page)
    assert response.status_code == 302
    with app.app_context():
        application = db.session.get(DfeApplication, application_id)
        assert application is not None and application.status == "rejected"
        assert application.rejection_reason == "No place this year"
    assert sim.invalid_requests() == []


def test_a_second_administrator_deciding_at_the_same_time_is_told_and_nothing_is_sent_twice(
    app: Flask, world: dict[str, Any], client: FlaskClient, make_person
) -> None:  # type: ignore[no-untyped-def]
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application(full_name="Dee Decided")
    _sync(app)
    make_person("second-admin@example.org", Role.ADMIN)
    other = app.test_client()
    Auth(other).sign_in("second-admin@example.org")
    seen: dict[str, Any] = {}

    def the_other_administrator_rejects_meanwhile() -> None:
        page = f"{BASE}/{application_id}"
        response = post_form(other, f"{page}/reject", {"reason": "Duplicate"}, form_url=page)
        seen["reject"] = (response.status_code, response.get_data(as_text=True))

    sim.when_requested("POST", "/accept", the_other_administrator_rejects_meanwhile)
    response = _accept(client, application_id, funded_place="yes", cohort_id=world["cohort"], mentor_id=world["mentor"])
    assert response.status_code == 302
    status, page = seen["reject"]
    assert status == 409 and "Another administrator is deciding this application" in page
    assert [e.path.rsplit("/", 1)[-1] for e in sim.log if e.method == "POST"] == ["accept"]
    assert _enrolment_of(app, application_id)["status"] == "accepted"
    # Decided: the hold is gone, and the page says what was decided.
    with app.app_context():
        application = db.session.get(DfeApplication, application_id)
        assert application is not None and application.deciding_until is None
    assert sim.invalid_requests() == []


def test_an_application_whose_cohort_is_not_a_year_still_opens(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    application_id = sim.add_application(cohort="²⁰²⁵")  # digits to str.isdigit, no year to int()
    _sync(app)
    response = client.get(f"{BASE}/{application_id}")
    assert response.status_code == 200
    assert "DfE cohort" in response.get_data(as_text=True)
    assert sim.invalid_requests() == []


def test_a_lock_version_in_other_digits_is_a_stale_page_not_a_crash(
    app, client, auth, make_person, dfe_connected
) -> None:  # type: ignore[no-untyped-def]
    """'²' passes str.isdigit but not int(): the decision form reads it by the one whole-number rule."""
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")
    application_id = dfe_connected.add_application(full_name="Dee Digits")
    with app.app_context():
        sync.run(["applications"])
    response = post_form(
        client,
        f"/admin/dfe/applications/{application_id}/reject",
        {"reason": "Not in a SENCO role yet.", "lock_version": "²"},
        form_url=f"/admin/dfe/applications/{application_id}",
    )
    assert response.status_code in (400, 409)
    assert dfe_connected.applications[application_id]["status"] == "pending"
    assert dfe_connected.invalid_requests() == []
