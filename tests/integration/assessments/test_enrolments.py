"""Designers enrol a trainee with several mentors and their SENCO history, see the statutory
status in words, and change the enrolment (a second editor is told it changed)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from assessments.models import Enrolment
from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import csrf_token, post_form

from .conftest import TODAY


def _day(d: date) -> list[str]:
    return [str(d.day), str(d.month), str(d.year)]


def _designer(auth, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")


def test_a_trainee_is_enrolled_with_two_mentors_earlier_service_and_a_nasenco_and_the_status_is_in_words(
    app, client, auth, make_person, cohort_id, people
):
    _designer(auth, make_person)
    url = f"/assessments/cohorts/{cohort_id}"
    response = post_form(
        client,
        url,
        {
            "trainee_id": people["trainee"],
            "mentor_ids": [people["mentor"], people["other_mentor"]],
            "school": "Hill Primary",
            "became_senco": ["1", "9", "2024"],
            "head_teacher": "y",
            "earlier_service": "1/9/2019 to 31/8/2020 at mainstream\n1/1/2022 to 31/3/2022 at maintained nursery",
            "nasenco_started": ["1", "6", "2024"],
        },
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Mo Mentor, Olu Other" in page and "Head teacher as SENCO" in page
    with app.app_context():
        enrolment = db.session.scalar(select(Enrolment))
        assert enrolment.head_teacher and len(enrolment.earlier_service) == 2
    # 12 months and 3 months of earlier service: more than twelve months in total lifts the duty.
    assert "Not required" in page and "more than 12 months: the qualification duty does not apply" in page


def test_earlier_service_that_cannot_be_read_overlaps_or_ends_in_the_future_is_refused_on_its_field(
    app, client, auth, make_person, cohort_id, people
):
    _designer(auth, make_person)
    url = f"/assessments/cohorts/{cohort_id}"
    base = {"trainee_id": people["trainee"], "mentor_ids": people["mentor"], "became_senco": ["1", "9", "2024"]}
    unreadable = post_form(client, url, {**base, "earlier_service": "September 2019 until summer"})
    assert "needs a start and an end joined by ‘to’" in unreadable.get_data(as_text=True)
    overlap = post_form(client, url, {**base, "earlier_service": "1/9/2019 to 31/8/2020\n1/6/2020 to 31/12/2020"})
    assert "Periods 1 and 2 overlap" in overlap.get_data(as_text=True)
    after = post_form(client, url, {**base, "earlier_service": "1/9/2023 to 31/12/2024"})
    assert "Earlier service must end before the date they became SENCO at this school" in after.get_data(as_text=True)
    no_mentor = post_form(client, url, {"trainee_id": people["trainee"]})
    assert "Choose at least one mentor" in no_mentor.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Enrolment)) is None


def test_a_nasenco_completed_before_its_start_or_without_a_start_is_refused(
    client, auth, make_person, cohort_id, people
):
    _designer(auth, make_person)
    url = f"/assessments/cohorts/{cohort_id}"
    base = {"trainee_id": people["trainee"], "mentor_ids": people["mentor"], "became_senco": ["1", "9", "2024"]}
    backwards = post_form(
        client, url, {**base, "nasenco_started": ["1", "6", "2024"], "nasenco_completed": ["1", "1", "2024"]}
    )
    assert "The completion date must be the same as or after the start date" in backwards.get_data(as_text=True)
    no_start = post_form(client, url, {**base, "nasenco_completed": ["1", "1", "2024"]})
    assert "Enter when the NASENCO course began" in no_start.get_data(as_text=True)


def test_a_designer_changes_the_mentors_and_a_second_editor_is_told_it_changed(
    app, client, auth, make_person, enrolment_id, people
):
    _designer(auth, make_person)
    url = f"/assessments/enrolments/{enrolment_id}/change"
    page = client.get(url).get_data(as_text=True)
    assert "Tia Trainee" in page
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)
    stale = {
        "csrf_token": csrf_token(page),
        "lock_version": lock,
        "mentor_ids": [people["other_mentor"]],
        "school": "Vale",
    }
    first = post_form(
        client,
        url,
        {
            "lock_version": lock,
            "mentor_ids": [people["mentor"], people["other_mentor"]],
            "school": "Hill Primary",
            "became_senco": _day(TODAY.replace(year=TODAY.year - 1)),
        },
    )
    assert first.status_code == 302
    second = client.post(url, data=stale)
    assert second.status_code == 200
    assert "Someone changed this enrolment since you opened it" in second.get_data(as_text=True)
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        assert {m.name for m in enrolment.mentors} == {"Mo Mentor", "Olu Other"} and enrolment.school == "Hill Primary"
    auth.sign_out()
    auth.sign_in("other@example.org")  # the new mentor now sees the trainee
    assert "Tia Trainee" in client.get("/assessments/observations").get_data(as_text=True)


def test_a_change_of_mentors_alone_still_counts_as_a_change(app, client, auth, make_person, enrolment_id, people):
    _designer(auth, make_person)
    url = f"/assessments/enrolments/{enrolment_id}/change"
    page = client.get(url).get_data(as_text=True)
    lock = re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)
    keep = {"school": "Hill Primary", "became_senco": _day(TODAY.replace(year=TODAY.year - 1))}
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        keep["became_senco"] = _day(enrolment.became_senco)
    assert (
        post_form(client, url, {"lock_version": lock, "mentor_ids": [people["other_mentor"]], **keep}).status_code
        == 302
    )
    again = post_form(client, url, {"lock_version": lock, "mentor_ids": [people["mentor"]], **keep})
    assert "Someone changed this enrolment since you opened it" in again.get_data(as_text=True)


def test_only_designers_and_administrators_change_enrolments_and_an_unknown_one_is_not_found(
    client, auth, make_person, enrolment_id
):
    auth.sign_in("mentor@example.org")
    assert client.get(f"/assessments/enrolments/{enrolment_id}/change").status_code == 403
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    assert client.get(f"/assessments/enrolments/{enrolment_id}/change").status_code == 403
    auth.sign_out()
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")
    assert client.get(f"/assessments/enrolments/{enrolment_id}/change").status_code == 200
    assert client.get("/assessments/enrolments/99999/change").status_code == 404


def test_enrolling_on_a_cohort_whose_programme_version_is_not_published_is_refused(app, cohort_id, people):
    from assessments import services
    from assessments.models import Cohort
    from core.problems import Invalid
    from curriculum.models import VersionStatus

    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        cohort.programme_version.status = VersionStatus.DRAFT
        db.session.commit()
        try:
            services.enrol(cohort_id, services.EnrolmentInput(people["trainee"], (people["mentor"],)), TODAY)
        except Invalid as error:
            assert "only on a published programme version" in error.message
        else:
            raise AssertionError("enrolled on a draft version")


def test_the_change_page_shows_the_history_as_it_was_typed_and_saving_it_unchanged_works(
    app, client, auth, make_person, cohort_id, people
):
    from assessments import services
    from assessments.enrolment_rules import parse_periods

    with app.app_context():
        enrolment_id = services.enrol(
            cohort_id,
            services.EnrolmentInput(
                people["trainee"],
                (people["mentor"],),
                "Hill Primary",
                date(2024, 9, 1),
                earlier_service=parse_periods("1/9/2019 to 31/8/2020"),
                head_teacher=True,
            ),
            TODAY,
        ).id
    _designer(auth, make_person)
    url = f"/assessments/enrolments/{enrolment_id}/change"
    page = client.get(url).get_data(as_text=True)
    assert "1/9/2019 to 31/8/2020</textarea>" in page and 'value="2024"' in page
    saved = post_form(
        client,
        url,
        {
            "lock_version": re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1),
            "mentor_ids": [people["mentor"]],
            "school": "Hill Primary",
            "became_senco": ["1", "9", "2024"],
            "earlier_service": "1/9/2019 to 31/8/2020",
            "head_teacher": "y",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Enrolment, enrolment_id).earlier_service == [{"start": "2019-09-01", "end": "2020-08-31"}]


def test_the_cohort_page_reads_its_trainees_in_a_number_of_queries_that_does_not_grow_with_them(
    app, client, auth, make_person, cohort_id, people
):
    from sqlalchemy import event

    from assessments import services

    _designer(auth, make_person)

    def queries() -> int:
        with app.app_context():
            engine = db.engine
        counted: list[str] = []

        def count(*_args: object) -> None:
            counted.append("q")

        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(f"/assessments/cohorts/{cohort_id}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(counted)

    def enrol_more(n: int, start: int) -> None:
        for i in range(start, start + n):
            person = make_person(f"t{i}@example.org", Role.TRAINEE, name=f"Trainee {i}")
            with app.app_context():
                services.enrol(
                    cohort_id,
                    services.EnrolmentInput(
                        person, (people["mentor"], people["other_mentor"]), f"School {i}", date(2024, 9, 1)
                    ),
                    TODAY,
                )

    enrol_more(2, 0)
    few = queries()
    enrol_more(20, 2)
    assert queries() == few
