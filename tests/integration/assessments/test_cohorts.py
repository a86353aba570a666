"""Designers start a cohort on a published programme version and enrol trainees with a mentor."""

from __future__ import annotations

from core.accounts.roles import Role
from tests.conftest import post_form

from .conftest import TODAY


def test_a_designer_creates_a_cohort_and_enrols_a_trainee_whom_the_mentor_then_sees(
    app, client, auth, make_person, cohort_id, people
):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    page = client.get("/assessments/cohorts").get_data(as_text=True)
    version_id = page.split('<option value="')[1].split('"')[0]
    created = post_form(client, "/assessments/cohorts", {"name": "Spring cohort", "programme_version_id": version_id})
    assert created.status_code == 302
    cohort_url = created.headers["Location"]
    enrolled = post_form(
        client,
        cohort_url,
        {
            "trainee_id": people["trainee"],
            "mentor_ids": people["mentor"],
            "school": "Hill Primary",
            "became_senco": [str(TODAY.day), str(TODAY.month), str(TODAY.year - 1)],
            "earlier_senco_months": "0",
        },
    )
    assert enrolled.status_code == 302
    assert "Tia Trainee" in client.get(cohort_url).get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    assert "Tia Trainee" in client.get("/assessments/observations").get_data(as_text=True)


def test_enrolling_twice_or_with_a_future_senco_date_is_refused_with_the_field_named(
    client, auth, make_person, cohort_id, people
):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    url = f"/assessments/cohorts/{cohort_id}"
    future = post_form(
        client,
        url,
        {
            "trainee_id": people["trainee"],
            "mentor_ids": people["mentor"],
            "became_senco": ["1", "1", str(TODAY.year + 1)],
        },
    )
    assert future.status_code == 200
    assert "govuk-error-summary" in future.get_data(as_text=True)
    first = post_form(client, url, {"trainee_id": people["trainee"], "mentor_ids": people["mentor"]})
    assert first.status_code == 302
    again = post_form(client, url, {"trainee_id": people["trainee"], "mentor_ids": people["mentor"]})
    assert "Tia Trainee is already enrolled on this cohort" in again.get_data(as_text=True)


def test_a_mentor_cannot_open_the_cohort_pages(client, auth, people, cohort_id):
    auth.sign_in("mentor@example.org")
    assert client.get("/assessments/cohorts").status_code == 403
    assert client.get(f"/assessments/cohorts/{cohort_id}").status_code == 403


def test_the_enrol_form_offers_only_trainees_not_yet_on_the_cohort(client, auth, make_person, cohort_id, people):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    url = f"/assessments/cohorts/{cohort_id}"
    before = client.get(url).get_data(as_text=True)
    assert f'<option value="{people["trainee"]}"' in before and 'id="trainee_id"' in before
    assert post_form(client, url, {"trainee_id": people["trainee"], "mentor_ids": people["mentor"]}).status_code == 302
    after = client.get(url).get_data(as_text=True)
    assert f'<option value="{people["trainee"]}"' not in after and f'<option value="{people["other_trainee"]}"' in after
    assert (
        post_form(client, url, {"trainee_id": people["other_trainee"], "mentor_ids": people["mentor"]}).status_code
        == 302
    )
    everyone = client.get(url).get_data(as_text=True)
    assert "Every trainee with an account is on this cohort" in everyone and 'id="trainee_id"' not in everyone
