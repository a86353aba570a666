"""The DfE journey in the browser (issue 23), against the simulator of the DfE's NPQ API: an
administrator connects to the sandbox, links a cohort to its schedule, syncs three applications,
accepts two (one with a funded place) and rejects one; the accepted trainee is enrolled with the
SENCO start date the application gave; once observed, a ``started`` declaration is proposed,
checked, submitted by the job runner, and its DfE state shows. Every page passes axe, and every
request the app sent is one the DfE's document allows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from assessments import services
from assessments.demo import published_programme
from assessments.models import Enrolment
from core.accounts.models import User
from core.accounts.roles import Role
from core.app import create_app
from core.extensions import db
from tests.dfe_simulator import DfeSimulator
from tests.e2e.conftest import PEOPLE, assert_accessible, live_database, sign_in
from tests.marks import MET_ANNUAL_REVIEW as MET

COHORT = "DfE journey, autumn 2025"
FUNDED, UNFUNDED, REJECTED = "Farah Funded", "Uma Unfunded", "Reza Rejected"
OBSERVED_ON = date(2025, 10, 6)  # within the specialist autumn 2025 schedule, which opens on 1 August 2025


@pytest.fixture
def dfe(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DfeSimulator, int]]:
    """The simulator with three pending applications, and a cohort of the live app's to enrol them on."""
    database = live_database(tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(database.parent)})
    with app.app_context():
        cohort_id = services.create_cohort(COHORT, published_programme(date(2025, 8, 1)).id).id
    with DfeSimulator() as sim:
        sim.add_application(full_name=FUNDED, email="farah@school.example.com", senco_start_date="2024-09-01")
        sim.add_application(
            full_name=UNFUNDED,
            email="uma@school.example.com",
            eligible_for_funding=False,
            ineligible_for_funding_reason="previously-funded",
        )
        sim.add_application(full_name=REJECTED, email="reza@school.example.com")
        yield sim, cohort_id
        assert sim.invalid_requests() == [], [(e.method, e.path, e.request_problems) for e in sim.invalid_requests()]


def _observe_farah(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Farah's mentor records a met observation (the evidence for ``started``)."""
    database = live_database(tmp_path_factory)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "INSTANCE_PATH": str(database.parent)})
    with app.app_context():
        farah = db.session.scalars(select(User).filter_by(email="farah@school.example.com")).one()
        enrolment = db.session.scalars(select(Enrolment).filter_by(trainee_id=farah.id)).one()
        mentor = db.session.scalars(select(User).filter_by(email=PEOPLE[Role.MENTOR][1])).one()
        services.record_observation(
            enrolment.id,
            mentor.id,
            services.ObservationInput(
                "annual-review", OBSERVED_ON, "Meeting room", (), MET, "dfe-journey", submit=True
            ),
            date.today(),
        )


def _reload_until(page: Page, found: Locator, tries: int = 60) -> None:
    """Reload (as a person would, following the page's "Refresh this page") until ``found`` shows."""
    for _ in range(tries):
        if found.count():
            return
        page.wait_for_timeout(500)
        page.reload()


def _decide(page: Page, name: str) -> None:
    page.goto("/admin/dfe/applications")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def _accept(page: Page, name: str, funded: bool | None) -> None:
    _decide(page, name)
    if funded is not None:
        choice = "Yes, the DfE funds this place" if funded else "No"
        page.get_by_role("group", name="Is this a funded place?").get_by_label(choice, exact=True).check()
    page.get_by_label("Cohort").select_option(label=f"{COHORT} (DfE 2025, Specialist, autumn start)")
    name, email = PEOPLE[Role.MENTOR]
    page.get_by_label("Mentor").select_option(label=f"{name} ({email})")
    assert_accessible(page)
    page.get_by_role("button", name="Accept and enrol").click()
    expect(page.get_by_text("accepted", exact=False).first).to_be_visible()


def test_applications_in_and_a_started_declaration_out(
    page: Page, dfe: tuple[DfeSimulator, int], tmp_path_factory: pytest.TempPathFactory
) -> None:
    sim, cohort_id = dfe
    sign_in(page, Role.ADMIN)

    page.goto("/admin/dfe/settings")
    page.get_by_label("Sandbox", exact=True).check()
    page.get_by_label("Cohort year").fill("2025")
    page.get_by_label("Sandbox address").fill(sim.base_url)
    page.get_by_label("Sandbox API token").fill(sim.token)
    assert_accessible(page)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("DfE settings saved.")).to_be_visible()
    expect(page.get_by_text(f"Entered, ending {sim.token[-4:]}")).to_be_visible()

    page.get_by_role("link", name="Cohorts and schedules").click()
    page.get_by_label(f"DfE cohort year for {COHORT}").fill("2025")
    page.get_by_label(f"DfE schedule for {COHORT}").select_option("npq-specialist-autumn")
    assert_accessible(page)
    page.get_by_role("button", name="Save cohorts and schedules").click()
    expect(page.get_by_text("Cohorts and schedules saved.")).to_be_visible()

    page.get_by_role("link", name="Applications").first.click()
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_text("Your sync is", exact=False)).to_be_visible()  # queued as a job, said on the page
    _reload_until(page, page.get_by_role("link", name=REJECTED))  # the job runner reads them
    for name in (FUNDED, UNFUNDED, REJECTED):
        expect(page.get_by_role("link", name=name)).to_be_visible()
    assert_accessible(page)

    _accept(page, FUNDED, funded=True)
    _accept(page, UNFUNDED, funded=None)  # not eligible for funding: no funded place to offer
    _decide(page, REJECTED)
    page.get_by_label("Why are you rejecting").fill("The applicant is not yet in a SENCO role at a school.")
    page.get_by_role("button", name="Reject application").click()
    expect(page.get_by_text("rejected", exact=False).first).to_be_visible()
    assert_accessible(page)
    statuses = {record["full_name"]: (record["status"], record["funded_place"]) for record in sim.applications.values()}
    assert statuses == {FUNDED: ("accepted", True), UNFUNDED: ("accepted", False), REJECTED: ("rejected", None)}

    # Enrolled with no retyping: the SENCO start date the application gave is in the statutory tracker.
    page.goto(f"/assessments/cohorts/{cohort_id}")
    row = page.get_by_role("row").filter(has_text=FUNDED)
    expect(row).to_contain_text("must be held by 1 September 2027")  # SENCO since 1 September 2024, plus 3 years
    expect(page.get_by_role("row").filter(has_text=UNFUNDED)).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=REJECTED)).to_have_count(0)
    assert_accessible(page)

    _observe_farah(tmp_path_factory)
    page.goto("/admin/dfe/declarations")
    proposal = page.get_by_role("checkbox", name="Started, 6 October 2025")
    expect(proposal).to_be_visible()
    assert_accessible(page)
    proposal.check()
    page.get_by_role("button", name="Submit chosen declarations").click()
    sent = page.get_by_role("row").filter(has_text=FUNDED).filter(has_text="Eligible")
    _reload_until(page, sent)  # the job runner sends it; the page shows the DfE's state once it has
    expect(sent).to_be_visible()
    assert_accessible(page)
    declared = [d for d in sim.declarations.values() if d["declaration_type"] == "started"]
    assert len(declared) == 1 and declared[0]["state"] == "eligible"
