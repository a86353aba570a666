"""The sync, against the DfE simulator: two syncs at once, "Sync now" as a job, a malformed record,
the daily job, and the margin against clock skew."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.extensions import db
from core.jobs import Job, JobStatus, execute, result_path
from dfe import sync
from dfe.models import DfeApplication, DfeConnection, DfeSync
from tests.conftest import post_form
from tests.dfe_simulator import DfeSimulator
from tests.integration.dfe.test_applications import BASE, world

__all__ = ["world"]  # the fixture, shared with the applications' tests


def _sync(app: Flask) -> sync.SyncResult:
    with app.app_context():
        (result,) = sync.run(["applications"])
        return result


def _stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(DfeApplication)) or 0


def test_a_second_sync_while_one_runs_is_told_to_wait_and_nothing_is_stored_twice(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    for n in range(3):
        sim.add_application(full_name=f"Applicant {n}")
    seen: dict[str, Any] = {}

    def others_sync_meanwhile() -> None:
        # While the first sync waits for its page, the CLI and the "Sync now" button try too.
        cli = app.test_cli_runner().invoke(args=["dfe", "sync"])
        seen["cli"] = (cli.exit_code, cli.output)
        clicked = post_form(client, f"{BASE}/sync", {}, form_url=BASE)
        seen["page"] = client.get(clicked.headers["Location"]).get_data(as_text=True)

    sim.when_requested("GET", "/npq-applications", others_sync_meanwhile)
    first = _sync(app)
    assert (first.read, first.changed, first.error) == (3, 3, "")
    assert seen["cli"][0] == 1 and "Another sync is running; try again in a minute" in seen["cli"][1]
    assert "Another sync is running; try again in a minute" in seen["page"]
    assert _stored(app) == 3
    # The first sync let go: the next one runs.
    assert _sync(app).error == ""
    assert sim.invalid_requests() == []


def test_sync_now_queues_a_job_whose_progress_and_result_the_page_shows(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    for n in range(3):
        sim.add_application(full_name=f"Applicant {n}")
    clicked = post_form(client, f"{BASE}/sync", {}, form_url=BASE)
    assert clicked.status_code == 302
    assert not [e for e in sim.log if e.path.endswith("/npq-applications")]  # nothing read in the request
    waiting = client.get(BASE).get_data(as_text=True)
    assert "Your sync is waiting to start" in waiting and "Applicant 0" not in waiting
    post_form(client, f"{BASE}/sync", {}, form_url=BASE)  # a second click: the same job
    with app.app_context():
        queued = list(db.session.scalars(select(Job).where(Job.kind == sync.JOB_KIND)))
        assert len(queued) == 1 and queued[0].owner_id == world["admin"]
        assert execute(queued[0].id) is JobStatus.DONE
    done = client.get(BASE).get_data(as_text=True)
    assert "Your last sync finished" in done and "applications: 3 read, 3 new or changed" in done
    assert all(f"Applicant {n}" in done for n in range(3))
    assert sim.invalid_requests() == []


def test_flask_dfe_sync_still_reads_in_the_foreground(app: Flask, world: dict[str, Any]) -> None:
    sim: DfeSimulator = world["sim"]
    sim.add_application()
    result = app.test_cli_runner().invoke(args=["dfe", "sync", "--only", "applications"])
    assert result.exit_code == 0 and "applications: 1 read, 1 new or changed" in result.output
    assert _stored(app) == 1
    assert sim.invalid_requests() == []


def test_a_malformed_record_is_skipped_with_its_path_and_the_listing_goes_on(
    app: Flask, world: dict[str, Any], client: FlaskClient
) -> None:
    sim: DfeSimulator = world["sim"]
    sim.add_application(full_name="Applicant 0")
    broken = sim.add_application(full_name="x" * 300)  # longer than any name the app keeps
    sim.add_application(full_name="Applicant 2")
    first = _sync(app)
    assert (first.read, first.changed, first.error) == (3, 2, "")
    assert first.skipped == [
        f"page 1, data[1] ({broken}): The DfE's answer was not in the API's shape: "
        "data.attributes.full_name: Longer than maximum length 200."
    ]
    assert "1 not kept (page 1, data[1]" in first.describe()
    # The cursor moved on: the next sync does not stop at the same page.
    sim.add_application(full_name="Applicant 3")
    second = _sync(app)
    assert second.error == "" and _stored(app) == 3
    assert sim.invalid_requests() == []


def test_the_daily_sync_with_an_unreadable_token_says_so_and_does_not_fail(app: Flask, world: dict[str, Any]) -> None:
    sim: DfeSimulator = world["sim"]
    with app.app_context():
        row = db.session.get(DfeConnection, "sandbox")
        assert row is not None
        row.token_ciphertext = "sealed-with-another-servers-key"
        db.session.commit()
        job = Job(kind=sync.JOB_KIND, params={}, owner_id=None, status=JobStatus.QUEUED.value)
        db.session.add(job)
        db.session.commit()
        assert execute(job.id) is JobStatus.DONE
        db.session.rollback()
        finished = db.session.get(Job, job.id)
        assert finished is not None
        path = result_path(finished)
        assert path is not None and "cannot be read with this server's key" in path.read_text()
    assert sim.log == []  # nothing was asked of the DfE
    assert sim.invalid_requests() == []


def test_a_record_the_dfes_slow_clock_stamped_before_the_last_sync_is_still_read(
    app: Flask, world: dict[str, Any]
) -> None:
    sim: DfeSimulator = world["sim"]
    sim.add_application(full_name="Applicant 0")
    _sync(app)
    with app.app_context():
        cursor = db.session.scalars(select(DfeSync)).one().updated_since
        assert cursor is not None
    # Changed at the DfE after that sync, but its clock runs two minutes behind ours.
    skewed = cursor - timedelta(minutes=2)
    sim.add_application(full_name="Applicant 1", updated_at=skewed.isoformat().replace("+00:00", "Z"))
    second = _sync(app)
    assert second.error == "" and second.changed == 1 and _stored(app) == 2
    assert sim.invalid_requests() == []
