"""A course designer makes a cohort's training plans into one ZIP, as a job run by the local runner."""

from __future__ import annotations

import io
import logging
import re
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import delete, select, update

from assessments import services
from assessments.models import Enrolment
from assessments.services import cohort_plans
from core import jobs, pdf
from core.accounts.roles import Role
from core.audit import Action
from core.audit.models import AuditEvent
from core.clock import utcnow
from core.extensions import db
from tests.conftest import _empty_all_tables, make_app, post_form
from tests.integration.assessments.conftest import TODAY

SAFE_ENTRY = re.compile(r"^[0-9]{3}-[a-z0-9]+(-[a-z0-9]+)*\.pdf$")
TRAINEES = [
    ("Tia Trainee", "tia@example.org"),
    ("Siân ap Gŵyn-Ŷr", "sian@example.org"),
    ("../../etc/passwd \\ C:\\Windows <b>Bold</b>", "odd@example.org"),
    ("Tia Trainee", "tia.two@example.org"),  # the same name twice: two files all the same
]


@pytest.fixture
def app(database_url, tmp_path):  # type: ignore[no-untyped-def]
    """The app with the local runner, two render processes, as `make run` would have it."""
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path), JOBS_RUNNER="local", JOBS_PROCESSES=2)
    yield app
    jobs.runner(app).stop()
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def designer(make_person) -> int:  # type: ignore[no-untyped-def]
    return make_person("designer@example.org", Role.DESIGNER, name="Dev Designer")


@pytest.fixture
def enrolled(app, cohort_id, make_person) -> list[int]:  # type: ignore[no-untyped-def]
    mentor = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    ids = []
    for name, email in TRAINEES:
        trainee = make_person(email, Role.TRAINEE, name=name)
        with app.app_context():
            ids.append(services.enrol(cohort_id, services.EnrolmentInput(trainee, (mentor,), "Hill Primary"), TODAY).id)
    return ids


def start(client, cohort_id: int):  # type: ignore[no-untyped-def]
    return post_form(
        client, f"/assessments/cohorts/{cohort_id}/plans", {}, form_url=f"/assessments/cohorts/{cohort_id}"
    )


def wait_until_finished(client, job_url: str, seconds: float = 180) -> dict:  # type: ignore[no-untyped-def,type-arg]
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        status = client.get(f"{job_url}/status").get_json()
        seen.append((status["status"], status["done"]))
        if status["status"] in ("done", "failed"):
            status["seen"] = seen
            return status  # type: ignore[no-any-return]
        time.sleep(0.2)
    raise AssertionError(f"the job did not finish in {seconds} s: {seen[-5:]}")


def test_a_designer_downloads_the_cohorts_plans_as_a_zip_of_one_safely_named_pdf_per_trainee(
    app, client, auth, designer, cohort_id, enrolled
):
    auth.sign_in("designer@example.org")
    page = client.get(f"/assessments/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Make all training plans as a ZIP" in page

    started = start(client, cohort_id)
    assert started.status_code == 303
    job_url = started.headers["Location"]
    assert re.fullmatch(r"/assessments/plan-jobs/\d+", job_url)
    status = wait_until_finished(client, job_url)
    assert status["status"] == "done", status
    assert (status["done"], status["total"], status["percent"]) == (4, 4, 100)
    assert all(done <= 4 for _, done in status["seen"])

    ready = client.get(job_url).get_data(as_text=True)
    assert "Your training plans are ready" in ready
    download = client.get(f"{job_url}/download")
    assert download.status_code == 200
    assert download.mimetype == "application/zip"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "training-plans-autumn-cohort.zip" in download.headers["Content-Disposition"]
    assert download.headers["Cache-Control"] == "no-store"

    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = archive.namelist()
    assert names == [
        "001-tia-trainee.pdf",
        "002-sian-ap-gwyn-yr.pdf",
        "003-etc-passwd-c-windows-b-bold-b.pdf",
        "004-tia-trainee.pdf",
    ]
    assert all(SAFE_ENTRY.match(name) for name in names)
    assert archive.testzip() is None
    for name, (trainee, _) in zip(names, TRAINEES):
        reader = PdfReader(io.BytesIO(archive.read(name)))
        text = " ".join(page.extract_text() for page in reader.pages)
        if trainee.isascii() and "<" not in trainee:
            assert trainee in text, f"{name} is not {trainee}'s plan"
    with app.app_context():  # the download is in the audit log
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.ZIP_DOWNLOADED))
        assert (event.actor_id, event.subject_id, event.details["document"]) == (designer, cohort_id, "training_plans")


def test_a_cohort_with_no_trainees_says_so_and_makes_no_job_and_no_zip(app, client, auth, designer, cohort_id):
    auth.sign_in("designer@example.org")
    page = client.get(f"/assessments/cohorts/{cohort_id}").get_data(as_text=True)
    assert "Make all training plans as a ZIP" not in page
    assert "When trainees are enrolled, you can download all their training plans" in page

    refused = start(client, cohort_id)
    assert refused.status_code == 302
    after = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "This cohort has no trainees yet, so it has no training plans" in after
    with app.app_context():
        assert db.session.query(jobs.Job).count() == 0
    assert not list(Path(app.instance_path).glob("job-results/*"))


def test_a_cohort_that_lost_its_trainees_before_the_job_ran_fails_with_a_clear_message(
    app, client, auth, designer, cohort_id, enrolled
):
    auth.sign_in("designer@example.org")
    jobs.runner(app).stop()  # this test runs the job itself, after taking the trainees away
    with app.app_context():
        job_id = cohort_plans.start(cohort_id, designer).id
        db.session.execute(delete(Enrolment).where(Enrolment.cohort_id == cohort_id))
        db.session.commit()
        assert jobs.execute(job_id) is jobs.JobStatus.FAILED
    status = wait_until_finished(client, f"/assessments/plan-jobs/{job_id}")
    assert status["status"] == "failed"
    assert status["error"].startswith("This cohort has no trainees yet")
    page = client.get(f"/assessments/plan-jobs/{job_id}").get_data(as_text=True)
    assert "The training plans could not be made" in page
    assert client.get(f"/assessments/plan-jobs/{job_id}/download").status_code == 302


def test_a_download_past_its_expiry_is_removed_and_the_page_says_so(app, client, auth, designer, cohort_id, enrolled):
    auth.sign_in("designer@example.org")
    job_url = start(client, cohort_id).headers["Location"]
    assert wait_until_finished(client, job_url)["status"] == "done"
    with app.app_context():
        job = db.session.query(jobs.Job).one()
        stored = jobs.result_path(job)
        assert stored is not None and stored.is_file()
        assert stored.stat().st_mode & 0o077 == 0  # the owner's only
        db.session.execute(update(jobs.Job).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        assert jobs.purge_expired() == 1
        assert not stored.exists()
    gone = client.get(f"{job_url}/download")
    assert gone.status_code == 410
    assert "This download has expired" in gone.get_data(as_text=True)
    assert "This download has expired" in client.get(job_url).get_data(as_text=True)


def test_only_designers_and_administrators_may_make_plans_and_a_job_is_its_starters_alone(
    app, client, auth, designer, cohort_id, enrolled, make_person
):
    make_person("other.designer@example.org", Role.DESIGNER, name="Other Designer")
    make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    make_person("just.trainee@example.org", Role.TRAINEE, name="Just Trainee")
    jobs.runner(app).stop()  # the job need not run to be looked for
    with app.app_context():
        job_id = cohort_plans.start(cohort_id, designer).id
    addresses = [
        f"/assessments/plan-jobs/{job_id}",
        f"/assessments/plan-jobs/{job_id}/status",
        f"/assessments/plan-jobs/{job_id}/download",
    ]

    for address in addresses:
        assert "/sign-in" in client.get(address).headers["Location"]
    auth.sign_in("designer@example.org")
    assert [client.get(address).status_code for address in addresses] == [200, 200, 302]
    auth.sign_out()

    for someone_else in ("other.designer@example.org", "admin@example.org"):
        auth.sign_in(someone_else)
        assert [client.get(address).status_code for address in addresses] == [404, 404, 404]
        assert client.get(f"/assessments/plan-jobs/{job_id + 1000}").status_code == 404  # as if it did not exist
        auth.sign_out()

    for not_allowed in ("mentor@example.org", "just.trainee@example.org"):
        auth.sign_in(not_allowed)
        assert [client.get(address).status_code for address in addresses] == [403, 403, 403]
        assert start(client, cohort_id).status_code == 403
        auth.sign_out()
    with app.app_context():
        assert db.session.query(jobs.Job).count() == 1


def test_an_administrator_may_make_a_cohorts_plans_and_an_unknown_cohort_is_not_found(
    app, client, auth, cohort_id, enrolled, make_person
):
    make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    jobs.runner(app).stop()
    auth.sign_in("admin@example.org")
    assert start(client, cohort_id).status_code == 303
    assert start(client, cohort_id + 1000).status_code == 404


def test_without_javascript_the_progress_page_shows_a_progress_bar_with_its_figures_and_a_refresh_link(
    app, client, auth, designer, cohort_id, enrolled
):
    jobs.runner(app).stop()  # the job stays queued: the page as it first looks
    auth.sign_in("designer@example.org")
    job_url = start(client, cohort_id).headers["Location"]
    page = client.get(job_url).get_data(as_text=True)
    assert re.search(r'<progress id="plans-progress"[^>]*max="4" value="0">0 of 4</progress>', page)
    assert '<label class="govuk-label govuk-label--s" for="plans-progress">Plans made</label>' in page
    assert "Waiting to start: 4 plans to make." in page
    assert f'<a class="govuk-link" href="{job_url}">Refresh this page</a>' in page
    assert "<script>" not in page  # the page's script is a file served from static (CSP)
    with app.app_context():
        job = db.session.query(jobs.Job).one()
        job.status, job.done = "running", 3
        db.session.commit()
    page = client.get(job_url).get_data(as_text=True)
    assert "3 of 4 plans made (75%)." in page
    assert client.get(f"{job_url}/status").get_json() == {
        "status": "running",
        "done": 3,
        "total": 4,
        "percent": 75,
        "error": None,
        "expired": False,
    }


def test_a_second_click_while_the_plans_are_being_made_follows_the_same_job(
    app, client, auth, designer, cohort_id, enrolled
):
    jobs.runner(app).stop()  # both clicks land while the first job waits
    auth.sign_in("designer@example.org")
    first = start(client, cohort_id).headers["Location"]
    second = start(client, cohort_id).headers["Location"]
    assert first == second
    with app.app_context():
        assert db.session.query(jobs.Job).count() == 1


def test_a_plan_that_fails_is_logged_by_enrolment_number_and_the_designer_is_told_the_name(caplog):
    """Logs are kept longer and read more widely than the page: they name no trainee."""

    def failing() -> Iterator[bytes]:
        raise pdf.PdfFailed("The document took too long to make", "timeout")
        yield b""

    with caplog.at_level(logging.ERROR), pytest.raises(jobs.JobFailed) as failed:
        cohort_plans._next_plan(failing(), 4321, "Ann Canary-Trainee")
    assert "enrolment 4321" in caplog.text and "Canary" not in caplog.text
    assert "The training plan of Ann Canary-Trainee could not be made" in str(failed.value)
