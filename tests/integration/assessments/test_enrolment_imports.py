"""Designers enrol a whole cohort from a CSV file: checked and previewed, then all or nothing;
every problem named by line and column."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import func, select

from assessments.models import Enrolment
from core.accounts.roles import Role
from core.extensions import db
from core.importing import STAGED_GONE
from tests.conftest import csrf_token, post_form

HEADER = "trainee_email,trainee_name,mentor_emails,school,became_senco,earlier_service,head_teacher,nasenco_started\r\n"
GOOD = HEADER + (
    "trainee@example.org,Tia Trainee,mentor@example.org; other@example.org,Hill Primary,1/9/2024,"
    "1/9/2019 to 31/8/2020,no,\r\n"
    'second@example.org,Sam Second,other@example.org,=HYPERLINK("http://x"),2/1/2025,,yes,\r\n'
)


def _url(cohort_id: int) -> str:
    return f"/assessments/cohorts/{cohort_id}/enrolments/import"


def _upload(client, cohort_id: int, content: bytes | str, name: str = "enrolments.csv"):  # type: ignore[no-untyped-def]
    raw = content.encode("utf-8") if isinstance(content, str) else content
    page = client.get(_url(cohort_id)).get_data(as_text=True)
    return client.post(
        _url(cohort_id),
        data={"csrf_token": csrf_token(page), "document": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    )


def _enrolled(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Enrolment))


def _designer(auth, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")


def test_a_good_file_is_previewed_then_every_trainee_is_enrolled_with_their_mentors(
    app, client, auth, make_person, cohort_id, people
):
    _designer(auth, make_person)
    checked = _upload(client, cohort_id, GOOD)
    assert checked.status_code == 302 and _enrolled(app) == 0  # checked, not yet saved
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert "2 trainees" in preview and "Line 2: Tia Trainee (trainee@example.org)" in preview
    assert "mentored by Mo Mentor, Olu Other" in preview
    confirmed = post_form(client, checked.headers["Location"], {})
    assert confirmed.status_code == 302 and _enrolled(app) == 2
    cohort_page = client.get(f"/assessments/cohorts/{cohort_id}").get_data(as_text=True)
    assert "2 trainees enrolled." in cohort_page
    # A cell that looks like a spreadsheet formula is kept as the text it is, and shown escaped.
    assert "=HYPERLINK(&#34;http://x&#34;)" in cohort_page or "=HYPERLINK(&quot;http://x&quot;)" in cohort_page
    with app.app_context():
        second = db.session.scalar(select(Enrolment).where(Enrolment.trainee_id == people["other_trainee"]))
        first = db.session.scalar(select(Enrolment).where(Enrolment.trainee_id == people["trainee"]))
        assert second.school == '=HYPERLINK("http://x")' and second.head_teacher is True
        assert {m.email for m in first.mentors} == {"mentor@example.org", "other@example.org"}
        assert first.earlier_service == [{"start": "2019-09-01", "end": "2020-08-31"}]


def _problems(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        re.sub(r"<[^>]+>", "", li).strip()
        for li in re.findall(
            r"<li>(.*?)</li>", response.get_data(as_text=True).split('id="problems"')[1].split("</ul>")[0], re.S
        )
    ]


def test_every_bad_row_is_listed_by_line_and_column_and_nothing_is_enrolled(
    app, client, auth, make_person, cohort_id, people
):
    _designer(auth, make_person)
    bad = HEADER + (
        "trainee@example.org,,mentor@example.org,,31/02/2025,,,\r\n"
        "second@example.org,,nobody@example.org,,1/9/2024,,,\r\n"
        "trainee@example.org,,mentor@example.org,,1/9/2024,,maybe,\r\n"
        "nobody@example.org,,mentor@example.org,,1/9/2024,1/9/2019 to 31/8/2020; 1/6/2020 to 31/12/2020,,\r\n"
    )
    response = _upload(client, cohort_id, bad)
    assert response.status_code == 400 and _enrolled(app) == 0
    found = "\n".join(_problems(response))
    assert "Line 2, column became_senco: 31/02/2025 is not a date" in found
    assert "Line 3, column mentor_emails: No mentor has the email address nobody@example.org" in found
    assert "Line 4, column head_teacher: maybe is not yes or no" in found
    assert "Line 5, column trainee_email: No one has the email address nobody@example.org" in found


def test_a_trainee_twice_in_the_file_or_already_enrolled_is_refused(
    app, client, auth, make_person, cohort_id, people, enrolment_id
):
    _designer(auth, make_person)
    twice = HEADER + (
        "second@example.org,,mentor@example.org,,,,,\r\n"
        "second@example.org,,mentor@example.org,,,,,\r\n"
        "trainee@example.org,,mentor@example.org,,,,,\r\n"
    )
    response = _upload(client, cohort_id, twice)
    found = "\n".join(_problems(response))
    assert "Line 3, column trainee_email: This trainee is already on line 2" in found
    assert "Line 4, column trainee_email: Tia Trainee is already enrolled on this cohort" in found
    assert _enrolled(app) == 1


def test_overlapping_or_future_earlier_service_is_refused_at_its_cell(client, auth, make_person, cohort_id, people):
    _designer(auth, make_person)
    rows = HEADER + (
        "trainee@example.org,,mentor@example.org,,1/9/2024,1/9/2019 to 31/8/2020; 1/6/2020 to 31/12/2020,,\r\n"
        "second@example.org,,mentor@example.org,,1/9/2024,1/9/2019 to 31/8/2099,,\r\n"
    )
    found = "\n".join(_problems(_upload(client, cohort_id, rows)))
    assert "Line 2, column earlier_service: Periods 1 and 2 overlap" in found
    assert "Line 3, column earlier_service: Period 1 ends in the future" in found


def test_a_byte_order_mark_is_accepted_and_other_encodings_are_refused_with_what_to_do(
    app, client, auth, make_person, cohort_id, people
):
    _designer(auth, make_person)
    utf16 = _upload(client, cohort_id, GOOD.encode("utf-16"))
    assert "UTF-16" in utf16.get_data(as_text=True) and utf16.status_code == 400
    latin1 = _upload(
        client,
        cohort_id,
        (HEADER + "trainee@example.org,,mentor@example.org,École Sainte-Thérèse,,,,\r\n").encode("latin-1"),
    )
    assert "is not UTF-8 text" in latin1.get_data(as_text=True) and latin1.status_code == 400
    with_bom = _upload(client, cohort_id, "\ufeff" + GOOD)
    assert with_bom.status_code == 302
    assert _enrolled(app) == 0


def test_unknown_or_missing_columns_and_empty_or_huge_files_are_refused(
    app, client, auth, make_person, cohort_id, people
):
    _designer(auth, make_person)
    unknown = "\n".join(
        _problems(_upload(client, cohort_id, "trainee_email,mentor,colour\r\ntrainee@example.org,a,b\r\n"))
    )
    assert "Line 1, column mentor: ‘mentor’ is not a column this import knows" in unknown
    assert "Line 1, column mentor_emails: This column is missing" in unknown
    empty = _upload(client, cohort_id, "")
    assert "The file is empty" in empty.get_data(as_text=True)
    only_header = _upload(client, cohort_id, HEADER)
    assert "The file has no trainees" in only_header.get_data(as_text=True)
    huge = _upload(client, cohort_id, HEADER + "x@example.org,,m@example.org,,,,,\r\n" * 20_000)
    assert huge.status_code == 400 and "Split it into smaller files" in huge.get_data(as_text=True)
    over_limit = _upload(client, cohort_id, "a" * (11 * 1024 * 1024))  # over the app's upload limit: the page says so
    assert over_limit.status_code == 413 and "must be smaller than" in over_limit.get_data(as_text=True)
    assert _enrolled(app) == 0


def test_the_template_downloads_and_imports_once_its_people_exist(client, auth, make_person, cohort_id, people):
    _designer(auth, make_person)
    template = client.get("/assessments/enrolments/template.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    text = template.get_data(as_text=True)
    header = next(csv.reader(io.StringIO(text)))
    assert header[:5] == ["trainee_email", "trainee_name", "mentor_emails", "school", "became_senco"]
    assert text.startswith('"trainee_email","trainee_name",')  # every cell quoted, as in every CSV
    make_person("second.mentor@example.org", Role.MENTOR, name="Sid Second")
    assert _upload(client, cohort_id, text).status_code == 302


def test_a_staged_file_belongs_to_its_cohort_and_its_owner(client, auth, make_person, cohort_id, people):
    _designer(auth, make_person)
    location = _upload(client, cohort_id, GOOD).headers["Location"]
    staged_id = location.rsplit("/", 1)[1]
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_out()
    auth.sign_in("admin@example.org")
    assert client.get(location).status_code == 302  # not theirs: back to the upload page
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    assert client.get(location).status_code == 403
    assert client.get(f"/assessments/cohorts/{cohort_id}/enrolments/import").status_code == 403
    assert client.get(f"/assessments/cohorts/999/enrolments/import/{staged_id}").status_code == 403


def test_flask_enrol_with_a_csv_file_uses_the_same_checks_all_or_nothing(app, runner, cohort_id, people, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "trainee@example.org,,mentor@example.org,,31/02/2025,,,\r\n", encoding="utf-8")
    refused = runner.invoke(args=["enrol", "--cohort", str(cohort_id), "--csv", str(bad)])
    assert refused.exit_code == 1 and "Line 2, column became_senco: 31/02/2025 is not a date" in refused.output
    assert _enrolled(app) == 0
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    done = runner.invoke(args=["enrol", "--cohort", str(cohort_id), "--csv", str(good)])
    assert done.exit_code == 0 and "Enrolled 2 trainees" in done.output
    assert _enrolled(app) == 2


def test_a_file_checked_for_one_cohort_cannot_be_confirmed_on_another(
    app, client, auth, make_person, cohort_id, people
):
    _designer(auth, make_person)
    with app.app_context():
        from assessments import services

        cohort = services.get_cohort(cohort_id)
        other_id = services.create_cohort("Spring cohort", cohort.programme_version_id).id
    checked = _upload(client, cohort_id, GOOD)
    elsewhere = checked.headers["Location"].replace(f"/cohorts/{cohort_id}/", f"/cohorts/{other_id}/")
    token = csrf_token(client.get(_url(other_id)).get_data(as_text=True))
    refused = client.post(elsewhere, data={"csrf_token": token}, follow_redirects=True)
    assert STAGED_GONE in refused.get_data(as_text=True).replace("&#39;", "'").replace("&#x27;", "'")
    assert _enrolled(app) == 0
    assert post_form(client, checked.headers["Location"], {}).status_code == 302 and _enrolled(app) == 2
