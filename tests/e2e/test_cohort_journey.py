"""The issue's journey, end to end in the browser, every record made through the pages: an
administrator adds a trainee and a second mentor and enrols the trainee; a designer builds and
publishes a programme and starts the cohort; a mentor records an annual review that fails a
must-meet criterion; the trainee reads "not yet met", why, and what is missing; the second
mentor observes in another setting and progress changes; the designer's grid shows it, and after
a case-study pass, so does the register. Only the accounts of the e2e fixture exist beforehand."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from core.accounts.roles import Role
from tests.e2e.conftest import PASSWORD, PEOPLE, assert_accessible, choose_level, sign_in

SCENARIO = "Lead the annual review of an EHC plan"
CRITERIA = [
    "Follows the statutory timelines",
    "States the facts and the law accurately",
    "Keeps the child's voice central",
    "Reviews progress against each outcome with evidence",
    "Chairs the meeting so every participant contributes",
    "Ends with agreed amendments and actions",
]
TRAINEE = ("Jo Journey", "jo.journey@school.example")
SECOND_MENTOR = ("Sol Second", "sol.second@school.example")


OWN_PASSWORD = "heron kettle glacier bramble"  # what each newcomer chooses at first sign-in


def _sign_in_as(page: Page, email: str, first_time: bool = False) -> None:
    """Sign in; the first time, with the administrator's temporary password, which the person
    must replace before any other page opens."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD if first_time else OWN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if first_time:
        expect(page.get_by_role("heading", level=1)).to_have_text("Change your password")
        expect(page.get_by_text("An administrator set your password for you")).to_be_visible()
        page.get_by_label("Current password").fill(PASSWORD)
        page.get_by_label("New password", exact=True).fill(OWN_PASSWORD)
        page.get_by_label("Confirm new password").fill(OWN_PASSWORD)
        page.get_by_role("button", name="Change password").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def _fill_date(page: Page, group: str, day: date) -> None:
    fieldset = page.get_by_role("group", name=group)
    fieldset.get_by_label("Day").fill(str(day.day))
    fieldset.get_by_label("Month").fill(str(day.month))
    fieldset.get_by_label("Year").fill(str(day.year))


def _add_person(page: Page, name: str, email: str, role: str) -> None:
    page.goto("/admin/people/")
    page.get_by_role("button", name="Add a person").click()
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label(role).check()
    page.get_by_label("Set a password for them").check()
    page.get_by_label("Temporary password").fill(PASSWORD)
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text(f"{name} has been added.")).to_be_visible()


def _build_programme_and_cohort(page: Page) -> None:
    sign_in(page, Role.DESIGNER)
    page.get_by_role("button", name="Create a programme").click()
    page.get_by_label("Programme name").fill("SENCO journey 2026")
    page.get_by_label("Provider").fill("Riverside Teaching School Hub")
    _fill_date(page, "Cohort start date", date.today() - timedelta(days=30))
    page.get_by_label("Length in weeks").fill("78")
    page.get_by_role("button", name="Save").click()
    # The programme's page, scripts run: a click before then can land on the page being replaced.
    expect(page.get_by_role("button", name="Add modules from the catalogue")).to_be_visible()
    page.wait_for_load_state("load")
    for area, module in (
        ("Identification of need and in-school screening", "Screening reading and spelling"),
        (None, "The Children and Families Act and the Code of Practice"),
    ):
        page.get_by_role("button", name="Add modules from the catalogue").click()
        if area:
            page.get_by_label("Curriculum area").select_option(label=area)
            page.get_by_role("button", name="Filter").click()
        page.get_by_label(module, exact=True).check()
        page.get_by_role("button", name="Add selected modules").click()
        expect(page.get_by_text(f"‘{module}’ added")).to_be_visible()
        page.wait_for_load_state("load")
    page.get_by_role("button", name="Publish version 1").click()
    page.get_by_role("button", name="Yes, publish version 1").click()
    expect(page.get_by_text("Version 1 published.")).to_be_visible()
    page.get_by_role("link", name="Cohorts").first.click()
    page.get_by_label("Cohort name").fill("Journey cohort")
    page.get_by_label("Programme version").select_option(label="SENCO journey 2026 (Version 1)")
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journey cohort")
    _sign_out(page)


def _observe(page: Page, setting: str, levels: list[str], day: date) -> None:
    page.get_by_role("link", name="Observations").first.click()
    page.get_by_role("link", name=TRAINEE[0]).click()
    page.get_by_role("link", name=f"Record an observation of {SCENARIO}").click()
    _fill_date(page, "Date of the observation", day)
    page.get_by_label("Setting").fill(setting)
    for label, level in zip(CRITERIA, levels, strict=True):
        choose_level(page, label, level)
    page.get_by_role("button", name="Submit observation").click()
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()


def test_from_enrolment_to_the_register_through_the_pages(page: Page):
    _build_programme_and_cohort(page)

    # The administrator adds the trainee and a second mentor, enrols the trainee with a mentor, then adds the second.
    sign_in(page, Role.ADMIN)
    _add_person(page, *TRAINEE, "Trainee")
    _add_person(page, *SECOND_MENTOR, "Mentor")
    page.get_by_role("link", name="Cohorts").first.click()
    page.get_by_role("link", name="Journey cohort").click()
    page.get_by_label("Trainee").select_option(label=f"{TRAINEE[0]} ({TRAINEE[1]})")
    # Mentors are checkboxes (one or more); this journey ticks one and adds the second afterwards.
    page.get_by_role("group", name="Mentors").get_by_label(
        f"{PEOPLE[Role.MENTOR][0]} ({PEOPLE[Role.MENTOR][1]})"
    ).check()
    page.get_by_role("textbox", name="School", exact=True).fill("Hill Primary")
    page.get_by_role("button", name="Enrol trainee").click()
    expect(page.get_by_text("Trainee enrolled.")).to_be_visible()
    page.get_by_role("link", name=f"Add a mentor for {TRAINEE[0]}").click()
    assert_accessible(page)
    page.get_by_label("Mentor").select_option(label=f"{SECOND_MENTOR[0]} ({SECOND_MENTOR[1]})")
    page.get_by_role("button", name="Add mentor").click()
    expect(page.get_by_text("Mentor added.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=TRAINEE[0])).to_contain_text(SECOND_MENTOR[0])
    assert_accessible(page)
    _sign_out(page)

    # The first mentor: an annual review where the facts and the law (must-meet) are wrong.
    sign_in(page, Role.MENTOR)
    # Yesterday, so that the second observation (today) is the latest: the engine orders by date.
    _observe(page, "Meeting room", ["3", "1", "3", "3", "3", "3"], date.today() - timedelta(days=1))
    expect(page.locator(".app-result")).to_contain_text("Outcome: not yet met")
    expect(page.locator(".app-result")).to_contain_text("States the facts and the law accurately")
    assert_accessible(page)
    _sign_out(page)

    # The trainee reads the outcome, the reason and what is still missing.
    _sign_in_as(page, TRAINEE[1], first_time=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("My training")
    section = page.locator("section").filter(has_text=SCENARIO)
    expect(section.locator(".app-result")).to_contain_text("Outcome: not yet met")
    expect(section.locator(".app-result")).to_contain_text("States the facts and the law accurately")
    expect(section).to_contain_text("3 more met observations (0 of 3 so far).")
    expect(section).to_contain_text("The latest observation must be met.")
    assert_accessible(page)
    _sign_out(page)

    # The second mentor observes in another setting: met, and the progress changes.
    _sign_in_as(page, SECOND_MENTOR[1], first_time=True)
    _observe(page, "Family room", ["3", "3", "3", "3", "3", "3"], date.today())
    expect(page.locator(".app-result")).to_contain_text("Outcome: met")
    _sign_out(page)
    _sign_in_as(page, TRAINEE[1])
    section = page.locator("section").filter(has_text=SCENARIO)
    expect(section).to_contain_text("In progress: 1 met observation so far")
    expect(section).to_contain_text("2 more met observations (1 of 3 so far).")
    expect(section).not_to_contain_text("The latest observation must be met.")
    # The trainee records the date they submitted their case study.
    page.get_by_role("link", name="Record the date you submitted your case study").click()
    _fill_date(page, "Date you submitted your case study", date.today())
    assert_accessible(page)
    page.get_by_role("button", name="Save the date").click()
    expect(page.locator(".app-case-study")).to_contain_text("result awaited")
    _sign_out(page)

    # The designer's grid shows the change, in words; the register shows the pass once recorded.
    sign_in(page, Role.DESIGNER)
    page.get_by_role("link", name="Cohorts").first.click()
    page.get_by_role("link", name="Journey cohort").click()
    page.get_by_role("link", name="See the cohort's progress by scenario").click()
    row = page.get_by_role("row").filter(has_text=TRAINEE[0])
    expect(row).to_contain_text("met (1 of 2 observations met)")
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="Not yet met")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No trainees match these filters.")).to_be_visible()

    page.get_by_role("link", name="Register").first.click()
    expect(page.get_by_text("Nobody has completed the qualification yet.")).to_be_visible()
    page.get_by_role("link", name="Cohorts").first.click()
    page.get_by_role("link", name="Journey cohort").click()
    page.get_by_role("link", name=f"(change for {TRAINEE[0]})").click()
    assert_accessible(page)
    page.get_by_label("Result").select_option(label="Passed")
    _fill_date(page, "Date of the result", date.today())
    page.get_by_role("button", name="Save the case-study assessment").click()
    expect(page.get_by_text("Case-study assessment saved")).to_be_visible()
    page.get_by_role("link", name="Register").first.click()
    row = page.get_by_role("row").filter(has_text=TRAINEE[0])
    today = date.today()
    expect(row).to_contain_text(f"{today.day} {today:%B %Y}")
    expect(row).to_contain_text("SENCO journey 2026, version 1")
    expect(row).to_contain_text("0 of")
    assert_accessible(page)
