"""The cohort grid, the register and the case-study assessment, through the pages."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from assessments import services
from assessments.models import CaseStudy, Enrolment
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import post_form

from .conftest import TODAY
from .test_progress import MET

NOT_MET = {
    "judgements": [{**j, "level": 1} if j["criterion"] == "facts-and-law" else j for j in MET["judgements"]],
    "faults": [],
}


def _observe(enrolment_id: int, mentor_id: int, evidence: dict, key: str, setting: str = "Meeting room") -> None:  # type: ignore[type-arg]
    services.record_observation(
        enrolment_id,
        mentor_id,
        services.ObservationInput("annual-review", TODAY - timedelta(days=3), setting, (), evidence, key, submit=True),
        TODAY,
    )


@pytest.fixture
def designer(make_person, auth) -> int:  # type: ignore[no-untyped-def]
    return make_person("designer@example.org", Role.DESIGNER, name="Dee Designer")


@pytest.fixture
def observed(app, enrolment_id, other_enrolment_id, people) -> None:  # type: ignore[no-untyped-def]
    """Tia: two met observations by her mentor; Sam: one not met by his."""
    with app.app_context():
        _observe(enrolment_id, people["mentor"], MET, "a1")
        _observe(enrolment_id, people["mentor"], MET, "a2", "Family room")
        _observe(other_enrolment_id, people["other_mentor"], NOT_MET, "b1")


def _date_fields(name: str, day) -> dict[str, str]:  # type: ignore[no-untyped-def]
    # The GOV.UK date input posts three parts under one name.
    return {name: [str(day.day), str(day.month), str(day.year)]}  # type: ignore[dict-item]


def test_the_grid_shows_each_trainee_and_scenario_in_words(client, auth, designer, cohort_id, observed):
    auth.sign_in("designer@example.org")
    page = client.get(f"/assessments/cohorts/{cohort_id}/grid").get_data(as_text=True)
    assert "<caption" in page and 'scope="row"' in page and 'scope="col"' in page
    assert "met (2 of 2 observations met)" in page
    assert "not yet met (0 of 1 observation met)" in page
    assert "not observed yet" in page
    assert page.index("Sam Second") < page.index("Tia Trainee")  # by name


def test_the_grid_filters_by_mentor_status_and_scenario(client, auth, designer, cohort_id, observed, people):
    auth.sign_in("designer@example.org")
    by_mentor = client.get(f"/assessments/cohorts/{cohort_id}/grid?mentor={people['other_mentor']}").get_data(
        as_text=True
    )
    assert "Sam Second" in by_mentor and "Tia Trainee" not in by_mentor
    met = client.get(f"/assessments/cohorts/{cohort_id}/grid?status=met").get_data(as_text=True)
    assert "Tia Trainee" in met and "Sam Second" not in met
    one = client.get(f"/assessments/cohorts/{cohort_id}/grid?scenario=annual-review").get_data(as_text=True)
    assert one.count('<th scope="col"') == 3  # trainee, the one scenario, the case study
    # Nonsense filters mean "any", never an error page.
    assert (
        client.get(
            f"/assessments/cohorts/{cohort_id}/grid?mentor=x&status=%00&scenario={'k' * 5000}&page=-3"
        ).status_code
        == 200
    )


def test_the_grid_paginates_trainees(client, auth, designer, cohort_id, app, make_person, people):
    with app.app_context():
        for i in range(27):
            trainee = make_person(f"p{i}@example.org", Role.TRAINEE, name=f"Pupil Trainee {i:02d}")
            services.enrol(cohort_id, services.EnrolmentInput(trainee, (people["mentor"],)), TODAY)
    auth.sign_in("designer@example.org")
    first = client.get(f"/assessments/cohorts/{cohort_id}/grid").get_data(as_text=True)
    assert "Showing 1 to 25 of 27 trainees" in first and "Pupil Trainee 24" in first and "Pupil Trainee 25" not in first
    second = client.get(f"/assessments/cohorts/{cohort_id}/grid?page=2").get_data(as_text=True)
    assert "Showing 26 to 27 of 27 trainees" in second and "Pupil Trainee 26" in second


def test_the_grid_csv_holds_the_same_rows_with_formulas_escaped(
    client, auth, designer, cohort_id, observed, app, make_person, people
):
    with app.app_context():
        trainee = make_person("eve@example.org", Role.TRAINEE, name="Eve Formula")
        services.enrol(
            cohort_id, services.EnrolmentInput(trainee, (people["mentor"],), '=HYPERLINK("http://evil")'), TODAY
        )
    auth.sign_in("designer@example.org")
    response = client.get(f"/assessments/cohorts/{cohort_id}/grid.csv?status=met")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Trainee", "School", "Mentors"] and rows[0][-1] == "Case-study assessment"
    assert [r[0] for r in rows[1:]] == ["Tia Trainee"]  # the filter applies to the CSV too
    every = list(
        csv.reader(io.StringIO(client.get(f"/assessments/cohorts/{cohort_id}/grid.csv").get_data(as_text=True)))
    )
    eve = next(r for r in every if r[0] == "Eve Formula")
    assert eve[1] == '\'=HYPERLINK("http://evil")'


def test_a_school_with_a_semicolon_is_one_quoted_cell_in_the_grid_csv(
    client, auth, designer, cohort_id, observed, app, make_person, people
):
    """Spreadsheets set to split on semicolons keep a quoted cell whole, so ``=2+5`` never runs."""
    with app.app_context():
        trainee = make_person("hill@example.org", Role.TRAINEE, name="Hal Hill")
        services.enrol(cohort_id, services.EnrolmentInput(trainee, (people["mentor"],), "Hill;=2+5"), TODAY)
    auth.sign_in("designer@example.org")
    text = client.get(f"/assessments/cohorts/{cohort_id}/grid.csv").get_data(as_text=True)
    hal = next(line for line in text.splitlines() if "Hal Hill" in line)
    assert hal.startswith('"Hal Hill","Hill;=2+5",')
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())


def test_only_designers_and_administrators_see_the_grid_and_the_register(client, auth, people, cohort_id, make_person):
    auth.sign_in("mentor@example.org")
    for path in (
        f"/assessments/cohorts/{cohort_id}/grid",
        f"/assessments/cohorts/{cohort_id}/grid.csv",
        "/assessments/register",
        "/assessments/register.csv",
    ):
        assert client.get(path).status_code == 403, path
    auth.sign_out()
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")
    assert client.get(f"/assessments/cohorts/{cohort_id}/grid").status_code == 200
    assert client.get("/assessments/cohorts/999999/grid").status_code == 404


def test_a_designer_records_a_pass_and_the_trainee_joins_the_register(
    client, auth, designer, cohort_id, enrolment_id, observed, app
):
    auth.sign_in("designer@example.org")
    assert "Nobody has completed the qualification yet" in client.get("/assessments/register").get_data(as_text=True)
    url = f"/assessments/enrolments/{enrolment_id}/case-study"
    submitted, result = TODAY - timedelta(days=30), TODAY - timedelta(days=2)
    response = post_form(
        client,
        url,
        {
            **_date_fields("submitted_on", submitted),
            "result": "passed",
            **_date_fields("result_on", result),
            "lock_version": "0",
        },
    )
    assert response.status_code == 302
    page = client.get("/assessments/register").get_data(as_text=True)
    assert "Tia Trainee" in page and "Sam Second" not in page
    assert f"{result.day} {result:%B %Y}" in page and "NPQ for SENCOs, version 1" in page
    assert "0 of" in page and "scenarios evidenced for sign-off" in page
    rows = list(csv.reader(io.StringIO(client.get("/assessments/register.csv").get_data(as_text=True))))
    assert rows[1][0] == "Tia Trainee" and rows[1][5] == "yes" and rows[1][6] == result.isoformat()
    everyone = client.get("/assessments/register?show=all").get_data(as_text=True)
    assert "Sam Second" in everyone and "Not completed" in everyone


def test_a_result_without_its_date_is_refused_and_nothing_is_saved(client, auth, designer, enrolment_id, app):
    auth.sign_in("designer@example.org")
    response = post_form(
        client,
        f"/assessments/enrolments/{enrolment_id}/case-study",
        {**_date_fields("submitted_on", TODAY), "result": "passed", "lock_version": "0"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Enter the date of the result" in page and "govuk-error-summary" in page
    bad = post_form(
        client,
        f"/assessments/enrolments/{enrolment_id}/case-study",
        {**_date_fields("submitted_on", TODAY + timedelta(days=1)), "result": "top-marks", "lock_version": "0"},
    )
    assert "Choose a result from the list" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(CaseStudy).count() == 0


def test_the_trainee_records_their_own_submission_date_only_until_a_result_is_in(
    client, auth, enrolment_id, other_enrolment_id, app, designer
):
    auth.sign_in("trainee@example.org")
    assert "Not recorded yet" in client.get("/assessments/my-training").get_data(as_text=True)
    url = f"/assessments/my-training/{enrolment_id}/case-study"
    submitted = TODAY - timedelta(days=1)
    # The trainee's form has only the date: a result posted along with it is ignored.
    assert (
        post_form(
            client, url, {**_date_fields("submitted_on", submitted), "result": "passed", "lock_version": "0"}
        ).status_code
        == 302
    )
    assert f"Submitted on {submitted.day} {submitted:%B %Y}; result awaited" in client.get(
        "/assessments/my-training"
    ).get_data(as_text=True)
    # Another trainee's enrolment is not found, whether or not it exists.
    assert client.get(f"/assessments/my-training/{other_enrolment_id}/case-study").status_code == 404
    assert client.get("/assessments/my-training/999999/case-study").status_code == 404
    auth.sign_out()
    auth.sign_in("designer@example.org")
    post_form(
        client,
        f"/assessments/enrolments/{enrolment_id}/case-study",
        {
            **_date_fields("submitted_on", submitted),
            "result": "not-passed",
            **_date_fields("result_on", TODAY),
            "lock_version": "1",
        },
    )
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    page = client.get(url).get_data(as_text=True)
    assert "Your result is recorded" in page and 'name="submitted_on"' not in page
    post_form(client, url, _date_fields("submitted_on", TODAY - timedelta(days=9)), form_url="/assessments/my-training")
    with app.app_context():
        assert db.session.query(CaseStudy).one().submitted_on == submitted


def test_a_designer_adds_a_second_mentor_who_may_then_observe(client, auth, designer, enrolment_id, people, app):
    auth.sign_in("designer@example.org")
    response = post_form(
        client, f"/assessments/enrolments/{enrolment_id}/mentors", {"mentor_id": people["other_mentor"]}
    )
    assert response.status_code == 302
    again = post_form(client, f"/assessments/enrolments/{enrolment_id}/mentors", {"mentor_id": people["trainee"]})
    assert "Choose a mentor" in again.get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("other@example.org")
    assert client.get(f"/assessments/trainees/{enrolment_id}").status_code == 200


@pytest.mark.parametrize("value", ["   ", "\n\n", "passed\u202e"])
def test_a_result_that_is_not_one_of_the_choices_is_refused_not_an_error(
    client, auth, designer, enrolment_id, app, value
):
    auth.sign_in("designer@example.org")
    response = post_form(client, f"/assessments/enrolments/{enrolment_id}/case-study", {"result": value})
    assert response.status_code == 200 and "Choose a result from the list" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(CaseStudy).count() == 0


def test_a_mentor_id_in_full_width_digits_is_not_read_as_a_mentor(client, auth, designer, enrolment_id, people, app):
    auth.sign_in("designer@example.org")
    full_width = "".join(chr(0xFF10 + int(d)) for d in str(people["other_mentor"]))
    response = post_form(client, f"/assessments/enrolments/{enrolment_id}/mentors", {"mentor_id": full_width})
    assert response.status_code == 200 and "Choose a mentor" in response.get_data(as_text=True)
    with app.app_context():
        assert [m.name for m in db.session.get(Enrolment, enrolment_id).mentors] == ["Mo Mentor"]
