"""In the browser: a trainee downloads their training plan from My training; a mentor prints a blank
observation form from the trainee's page. The pages with the links pass axe."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from core.accounts.roles import Role
from tests import pdf_reading as read
from tests.e2e.conftest import assert_accessible, sign_in
from tests.e2e.test_assessments import enrolled  # noqa: F401  (the fixture)


def _downloaded(page: Page, link_name: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=link_name).first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    return Path(download.value.path()).read_bytes()


def test_a_trainee_downloads_their_training_plan_from_my_training(page: Page, enrolled: None) -> None:
    sign_in(page, Role.TRAINEE)
    page.goto("/assessments/my-training")
    assert_accessible(page)
    body = _downloaded(page, "Download your training plan (PDF)")
    assert body.startswith(b"%PDF-")
    assert "Training plan: Tia Trainee" in read.text(body)


def test_a_mentor_prints_a_blank_form_and_the_plan_from_the_trainees_page(page: Page, enrolled: None) -> None:
    sign_in(page, Role.MENTOR)
    page.goto("/assessments/observations")
    page.get_by_role("link", name="Tia Trainee").first.click()
    assert_accessible(page)
    form = _downloaded(page, "Print a blank observation form of Lead the annual review of an EHC plan (PDF)")
    assert "Observation form: Lead the annual review of an EHC plan" in read.text(form)
    plan = _downloaded(page, "Download Tia Trainee’s training plan (PDF)")
    assert "Training plan: Tia Trainee" in read.text(plan)
