"""One people file creates a cohort's accounts and enrols it, through the enrolment pipeline's own
checks; its cohort must be one the importer manages and its mentors accounts or people in the file."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from assessments.models import Enrolment
from core import importing
from core.accounts.models import User
from core.accounts.people_import import people_csv
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Invalid
from tests.conftest import post_form
from tests.integration.test_people_import import problems, upload

HEADER = "name,email,roles,cohort,mentor_emails,school,became_senco\r\n"
COHORT_FILE = HEADER + (
    "Nia New,nia@school.example,trainee,Autumn cohort,newmentor@school.example; mentor@example.org,Hill Primary,1/9/2024\r\n"
    "Nat Newmentor,newmentor@school.example,mentor,,,,\r\n"
    "Tia Trainee,trainee@example.org,trainee,autumn COHORT,mentor@example.org,Vale Academy,\r\n"
)


def _enrolments(app) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return {e.trainee.email: {m.email for m in e.mentors} for e in db.session.scalars(select(Enrolment))}


def _admin(auth, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    auth.sign_in("admin@example.org")


def test_one_file_creates_the_accounts_and_enrols_them_with_mentors_from_the_same_file(
    app, client, auth, make_person, cohort_id, people
):
    _admin(auth, make_person)
    checked = upload(client, COHORT_FILE)
    assert checked.status_code == 302, problems(checked)
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert "2 trainees on Autumn cohort" in preview
    assert "Enrol on Autumn cohort, mentored by Nat Newmentor, Mo Mentor" in preview
    assert _enrolments(app) == {}
    post_form(client, checked.headers["Location"], {})
    assert _enrolments(app) == {
        "nia@school.example": {"newmentor@school.example", "mentor@example.org"},
        "trainee@example.org": {"mentor@example.org"},
    }
    with app.app_context():
        nia = db.session.scalar(select(Enrolment).join(Enrolment.trainee).where(User.email == "nia@school.example"))
        assert nia.school == "Hill Primary" and nia.became_senco == date(2024, 9, 1)
    # The same file again: everyone exists and is enrolled, so nothing changes.
    again = upload(client, COHORT_FILE)
    preview = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Already enrolled on Autumn cohort: left as it is" in preview


def test_enrolment_problems_are_named_at_their_line_and_column_and_nothing_is_saved(
    app, client, auth, make_person, cohort_id, people
):
    _admin(auth, make_person)
    bad = HEADER + (
        "Nia New,nia@school.example,trainee,Winter cohort,mentor@example.org,,\r\n"
        "Nat New,nat@school.example,trainee,Autumn cohort,nobody@school.example,,\r\n"
        "Mel Mentor,mel@school.example,mentor,Autumn cohort,mentor@example.org,,\r\n"
        "Tom Trainee,tom@school.example,trainee,Autumn cohort,second@example.org,,31/02/2024\r\n"
        "Una Unmentored,una@school.example,trainee,Autumn cohort,,,\r\n"
        "Ned Noco,ned@school.example,trainee,,,Hill Primary,\r\n"
    )
    response = upload(client, bad)
    assert response.status_code == 400
    found = "\n".join(problems(response))
    assert "Line 2, column cohort: You manage no cohort called ‘Winter cohort’" in found
    assert (
        "Line 3, column mentor_emails: nobody@school.example is neither an account nor a person in this file" in found
    )
    assert "Line 4, column roles: Only a trainee can be enrolled on a cohort: add trainee" in found
    assert "Line 5, column mentor_emails: Sam Second (second@example.org) is not a mentor" in found
    assert "Line 5, column became_senco: 31/02/2024 is not a date" in found
    assert "Line 6, column mentor_emails: Choose at least one mentor" in found
    assert "Line 7, column cohort: Enter the cohort to enrol them on" in found
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "nia@school.example")) is None
    assert _enrolments(app) == {}


def test_a_cohort_the_importer_does_not_manage_is_answered_as_not_found(app, make_person, cohort_id, people):
    mentor_id = people["mentor"]
    with app.app_context():
        with pytest.raises(Invalid) as refused:
            importing.import_document(people_csv(mentor_id, date.today()), COHORT_FILE, mentor_id, dry_run=True)
        assert "Line 2, column cohort: You manage no cohort called ‘Autumn cohort’" in str(refused.value)
        # The command line (an operator on the server) manages every cohort.
        importing.import_document(people_csv(None, date.today()), COHORT_FILE, None, dry_run=True)


def test_flask_people_import_enrols_the_cohort(app, runner, tmp_path, cohort_id, people):
    path = tmp_path / "cohort.csv"
    path.write_text(COHORT_FILE, encoding="utf-8")
    done = runner.invoke(args=["people", "import", str(path)])
    assert done.exit_code == 0, done.output
    assert "Added 2 people (each invited by email), changed 0, left 1 unchanged, enrolled 2." in done.output
    assert set(_enrolments(app)) == {"nia@school.example", "trainee@example.org"}


def _lines(count: int) -> str:
    """``count`` lines: one in five a new mentor, the rest new trainees enrolled with them."""
    rows = []
    for i in range(count):
        if i % 5 == 0:
            rows.append(f"Mentor {i},m{i}@school.example,mentor,,,,")
        else:
            rows.append(
                f"Trainee {i},t{i}@school.example,trainee,Autumn cohort,m{i - i % 5}@school.example; mentor@example.org,,"
            )
    return HEADER + "\r\n".join(rows) + "\r\n"


def _queries_to_check(size: int) -> int:
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = importing.import_document(people_csv(None, date.today()), _lines(size), None, dry_run=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(result.draft.lines) == size
    db.session.rollback()
    return len(statements)


def test_checking_a_file_takes_as_many_queries_for_100_lines_as_for_10(app, cohort_id, people):
    with app.app_context():
        assert _queries_to_check(10) == _queries_to_check(100)
