"""Subject access: an administrator exports everything held about one person, as JSON or a PDF,
from the person's page (a job) or the command line; other people are never named in it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from assessments import services
from assessments.demo import create_demo_cohort
from assessments.models import Cohort, Observation
from assessments.services import appeals, moderation
from core import jobs, printing
from core.accounts import api_tokens
from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
from core.audit import Action
from core.audit.models import AuditEvent
from core.extensions import db
from core.privacy import export
from tests import pdf_reading
from tests.conftest import Auth, load_content, post_form

TODAY = date.today()


@pytest.fixture
def demo(app: Flask, make_person) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """The demo cohort (Tia Trainee observed by Mo Mentor, with a reflection, a next step and a
    request) and a second trainee of the same mentor."""
    load_content(app, "Catalogue", "Scenarios")
    ids = {
        "admin": make_person("admin@example.org", Role.ADMIN, name="Ada Admin"),
        "trainee": make_person("trainee@example.org", Role.TRAINEE, name="Tia Trainee"),
        "mentor": make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor"),
        "second": make_person("second@example.org", Role.TRAINEE, name="Sam Second"),
    }
    with app.app_context():
        create_demo_cohort("trainee@example.org", "mentor@example.org", TODAY)
        cohort_id = db.session.scalar(select(Cohort.id))
        services.enrol(cohort_id, services.EnrolmentInput(ids["second"], (ids["mentor"],), "Vale Academy"), TODAY)
    return ids


def _export(app: Flask, person_id: int) -> tuple[dict, str]:  # type: ignore[type-arg]
    with app.app_context():
        text = export.collect(person_id).to_json()
    return json.loads(text), text


def test_a_trainees_export_holds_what_others_wrote_about_them_and_names_nobody_else(app, demo):
    data, text = _export(app, demo["trainee"])
    assert data["person"] == {"name": "Tia Trainee", "email": "trainee@example.org"}
    assessments = data["data"]["Assessments"]
    assert assessments["enrolment"][0]["school"] == "Demo Primary School"
    assert assessments["enrolment"][0]["mentors"] == ["Mentor 1", "Mentor 2"]
    observation, second = assessments["observation"]
    assert observation["trainee"] == "You" and observation["observer"] == "Mentor 1"  # the same mentor, the same label
    assert second["observer"] == "Mentor 2"
    comments = [j.get("comment") for j in observation["evidence"]["judgements"]]
    assert "The pupil's views were read out but not discussed." in comments  # what the mentor wrote
    assert observation["reflection"].startswith("I read out the pupil's views")  # what they wrote themself
    assert assessments["next_step"][0]["set_by"] == "Mentor 1"
    assert assessments["observation_request"][0]["note"]
    for other in ("Mo Mentor", "mentor@example.org", "Sam Second", "Vale Academy", "Ada Admin"):
        assert other not in text


def test_a_mentors_export_holds_what_they_wrote_about_trainees_with_each_trainee_numbered(app, demo):
    data, text = _export(app, demo["mentor"])
    assessments = data["data"]["Assessments"]
    assert [m["trainee"] for m in assessments["enrolment_mentor"]] == ["Trainee 1", "Trainee 2"]
    observation = assessments["observation"][0]
    assert observation["observer"] == "You" and observation["trainee"] == "Trainee 1"
    assert "Notice went out three weeks before." in text  # the mentor's own comment
    assert "reflection" not in observation  # the trainee's own words are theirs, not the mentor's
    for other in ("Tia Trainee", "trainee@example.org", "Sam Second", "Demo Primary School"):
        assert other not in text


def test_second_marking_and_appeals_are_in_the_trainees_export_and_the_moderators_names_nobody(app, demo, make_person):
    moderator = make_person("moderator@example.org", Role.MODERATOR, name="Mia Moderator")
    with app.app_context():
        observed = db.session.scalar(select(Observation).order_by(Observation.id))
        moderation.draw_chosen(observed.enrolment.cohort_id, moderator, [observed.id])
        moderation.record_marks(observed.id, moderator, observed.evidence)  # the same marks: settled
        appeals.ask(observed.id, demo["trainee"], "Please look at the child's voice again.")

    trainee, text = _export(app, demo["trainee"])
    [item] = trainee["data"]["Assessments"]["moderation_item"]
    assert (item["trainee"], item["mentor"], item["moderator"]) == ("You", "Mentor 1", "Moderator 1")
    assert item["moderator_outcome"] == "not yet met"
    [appeal] = trainee["data"]["Assessments"]["moderation_appeal"]
    assert appeal["reason"] == "Please look at the child's voice again." and appeal["reviewer"] is None
    assert "Mia Moderator" not in text

    marked, text = _export(app, moderator)
    [item] = marked["data"]["Assessments"]["moderation_item"]
    assert (item["trainee"], item["mentor"], item["moderator"]) == ("Trainee 1", "Mentor 1", "You")
    assert "moderation_appeal" not in marked["data"]["Assessments"]  # the trainee's appeal is not the moderator's
    for other in ("Tia Trainee", "Mo Mentor", "Demo Primary School"):
        assert other not in text


def test_tokens_and_failed_sign_ins_are_listed_but_secrets_are_left_out(app, demo):
    with app.app_context():
        person = db.session.get(User, demo["trainee"])
        token = api_tokens.issue_token(person, "My marking script")
        accounts.sign_in("Trainee@Example.org", "not the password", "198.51.100.7", accounts.ThrottlePolicy())
        secrets = (person.password_hash, person.session_token, token, api_tokens.token_hash(token))
    data, text = _export(app, demo["trainee"])
    held = data["data"]["Accounts"]
    assert [t["name"] for t in held["api_token"]] == ["My marking script"]
    assert [f["address"] for f in held["sign_in_failure"]] == ["198.51.100.7"]
    assert not any(secret in text for secret in secrets)
    assert "password_hash" not in text and "session_token" not in text and "token_hash" not in text


def test_the_command_writes_json_or_by_the_suffix_a_readable_pdf(app, demo, runner, tmp_path: Path):
    as_json = tmp_path / "tia.json"
    result = runner.invoke(args=["privacy", "export", "TRAINEE@example.org", "-o", str(as_json)])
    assert result.exit_code == 0, result.output
    assert "Tia Trainee" in result.output
    assert json.loads(as_json.read_text())["data"]["Assessments"]["observation"][0]["observer"] == "Mentor 1"

    as_pdf = tmp_path / "tia.pdf"
    assert runner.invoke(args=["privacy", "export", "trainee@example.org", "-o", str(as_pdf)]).exit_code == 0
    words = pdf_reading.text(as_pdf.read_bytes())
    assert "Personal data held about Tia Trainee" in words
    assert "The pupil's views were read out but not discussed." in words
    assert "Mentor 1" in words and "Mo Mentor" not in words


def test_the_command_names_an_unknown_email_and_writes_nothing(app, runner, tmp_path: Path):
    output = tmp_path / "nobody.json"
    result = runner.invoke(args=["privacy", "export", "nobody@example.org", "-o", str(output)])
    assert result.exit_code != 0
    assert "Nobody has the email address nobody@example.org" in result.output
    assert not output.exists()


def _start(client, person_id: int, kind: str):  # type: ignore[no-untyped-def]
    return post_form(
        client, f"/admin/people/{person_id}/personal-data/{kind}", {}, form_url=f"/admin/people/{person_id}"
    )


def test_an_administrator_exports_a_persons_pdf_from_their_page_as_a_job(app, client, auth: Auth, demo):
    auth.sign_in("admin@example.org")
    page = client.get(f"/admin/people/{demo['trainee']}").get_data(as_text=True)
    assert "Export as PDF" in page and "Export as JSON" in page
    started = _start(client, demo["trainee"], "pdf")
    assert started.status_code == 303
    job_url = started.headers["Location"]
    waiting = client.get(job_url).get_data(as_text=True)
    assert "Waiting to start" in waiting and "Tia Trainee" in waiting
    job_id = int(job_url.rsplit("/", 1)[1])
    with app.app_context():
        assert jobs.execute(job_id) is jobs.JobStatus.DONE
    assert "The personal data is ready" in client.get(job_url).get_data(as_text=True)
    assert client.get(f"{job_url}/status").get_json()["status"] == "done"
    download = client.get(f"{job_url}/download")
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"] == "attachment; filename=personal-data-tia-trainee.pdf"
    assert "Personal data held about Tia Trainee" in pdf_reading.text(download.data)
    assert not list((Path(app.instance_path) / printing.CACHE_FOLDER).glob("*.pdf"))  # only the job's file holds it
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.EXPORT_DOWNLOADED)).one()
        assert (event.person_id, event.actor.email, event.details) == (
            demo["trainee"],
            "admin@example.org",
            {"format": "pdf"},
        )


def test_the_json_export_downloads_as_json_and_a_second_click_follows_the_same_job(app, client, auth: Auth, demo):
    auth.sign_in("admin@example.org")
    first = _start(client, demo["mentor"], "json").headers["Location"]
    assert _start(client, demo["mentor"], "json").headers["Location"] == first
    assert _start(client, demo["mentor"], "xml").status_code == 404  # only the two kinds the page offers
    with app.app_context():
        jobs.execute(int(first.rsplit("/", 1)[1]))
    download = client.get(f"{first}/download")
    assert download.mimetype == "application/json"
    assert json.loads(download.data)["person"]["name"] == "Mo Mentor"


def test_only_administrators_export_and_an_export_is_its_starters_alone(app, client, auth: Auth, demo, make_person):
    auth.sign_in("admin@example.org")
    job_url = _start(client, demo["trainee"], "json").headers["Location"]
    auth.sign_out()
    make_person("admin2@example.org", Role.ADMIN, name="Other Admin")
    auth.sign_in("admin2@example.org")
    assert client.get(job_url).status_code == 404
    assert client.get(f"{job_url}/download").status_code == 404
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    assert client.get(job_url).status_code == 403
    assert _start(client, demo["trainee"], "json").status_code == 403


def test_an_export_of_an_account_removed_before_the_job_ran_fails_with_a_clear_message(app, client, auth, demo):
    auth.sign_in("admin@example.org")
    job_url = _start(client, demo["second"], "pdf").headers["Location"]
    with app.app_context():
        db.session.delete(db.session.get(User, demo["second"]))
        db.session.commit()
        assert jobs.execute(int(job_url.rsplit("/", 1)[1])) is jobs.JobStatus.FAILED
    page = client.get(job_url).get_data(as_text=True)
    assert "could not be gathered" in page and export.GONE.replace("'", "&#39;") in page


def test_typed_text_that_only_looks_like_a_date_is_printed_as_written():
    """A comment "2024-02-30" is not a date: the PDF prints it as typed instead of failing."""
    assert export._printable({"comment": "2024-02-30", "on": "2024-02-28"}) == {
        "comment": "2024-02-30",
        "on": "28 February 2024",
    }
