"""An administrator adds people in bulk from a CSV file: checked and previewed (who is new, who
exists, what changes), then all or nothing; every problem named by line and column."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core import importing
from core.accounts.links import AccountLink
from core.accounts.models import User
from core.accounts.people_import import ROWS_MAX, PeopleColumns, people_csv
from core.accounts.roles import Role
from core.audit import Action
from core.audit.models import AuditEvent
from core.extensions import db
from core.importing import StagedImport
from core.messages import Message
from tests.conftest import csrf_token, post_form

URL = "/admin/people/import"
HEADER = "name,email,roles\r\n"
GOOD = HEADER + (
    "Tia Trainee,Tia.Trainee@School.example,trainee\r\n"
    "Mo Mentor,mo@school.example,mentor; Trainee\r\n"
    "Ada A.,admin@example.org,Administrator;mentor\r\n"
    '"=HYPERLINK(""http://x"")",formula@school.example,trainee\r\n'
)


def _admin(auth, make_person) -> int:  # type: ignore[no-untyped-def]
    admin_id = make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    auth.sign_in("admin@example.org")
    return admin_id


def upload(client, content: bytes | str, name: str = "people.csv"):  # type: ignore[no-untyped-def]
    raw = content.encode("utf-8") if isinstance(content, str) else content
    page = client.get(URL).get_data(as_text=True)
    return client.post(
        URL,
        data={"csrf_token": csrf_token(page), "document": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    )


def problems(response) -> list[str]:  # type: ignore[no-untyped-def]
    html = response.get_data(as_text=True)
    assert 'id="problems"' in html, html
    listed = html.split('id="problems"')[1].split("</ul>")[0]
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", listed, re.S)]


def _people(app) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return {u.email: {r.value for r in u.roles} for u in db.session.scalars(select(User))}


def test_a_good_file_is_previewed_with_who_is_new_and_what_changes_then_imported(app, client, auth, make_person):
    _admin(auth, make_person)
    checked = upload(client, GOOD)
    assert checked.status_code == 302 and len(_people(app)) == 1  # checked, nothing saved yet
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert "3 people: each is sent an invitation by email" in preview
    assert "Line 2: Tia Trainee (tia.trainee@school.example)" in preview
    assert "New: Mentor, Trainee. An invitation is emailed to them" in preview
    assert "Exists, adds Mentor. Name stays Ada Admin" in preview
    assert "never removes a role, renames anyone or changes an email" in preview
    confirmed = post_form(client, checked.headers["Location"], {})
    assert confirmed.headers["Location"] == "/admin/people/"
    listing = client.get("/admin/people/").get_data(as_text=True)
    assert "3 people added and invited by email, 1 changed." in listing
    people = _people(app)
    assert people["tia.trainee@school.example"] == {"trainee"}
    assert people["mo@school.example"] == {"mentor", "trainee"}
    assert people["admin@example.org"] == {"admin", "mentor"}
    # A cell that looks like a spreadsheet formula is kept as the text it is, and shown escaped.
    assert "=HYPERLINK(&#34;http://x&#34;)" in listing or "=HYPERLINK(&quot;http://x&quot;)" in listing
    with app.app_context():
        assert db.session.scalar(select(User.name).where(User.email == "admin@example.org")) == "Ada Admin"
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.PEOPLE_IMPORTED)))
        assert [(e.details["added"], e.details["changed"]) for e in events] == [(3, 1)]
        assert db.session.scalar(select(func.count()).select_from(StagedImport)) == 0


def test_every_bad_line_is_named_by_line_and_column_and_nothing_is_saved(app, client, auth, make_person):
    _admin(auth, make_person)
    bad = HEADER + (
        "Tia Trainee,not-an-email,trainee\r\n"
        "Mo Mentor,mo@school.example,mentor;wizard\r\n"
        "Mo Again,MO@school.example,mentor\r\n"
        ",blank@school.example,\r\n"
        f"{'x' * 1001},long@school.example,trainee\r\n"
        "Fine Person,fine@school.example,trainee\r\n"
    )
    response = upload(client, bad)
    assert response.status_code == 400 and len(_people(app)) == 1
    found = "\n".join(problems(response))
    assert "Line 2, column email: ‘not-an-email’ is not an email address in the correct format" in found
    assert "Line 3, column roles: ‘wizard’ is not a role" in found
    assert "Line 4, column email: This email address is already on line 3" in found
    assert "Line 5, column name: Enter the person’s full name" in found
    assert "Line 5, column roles: Enter at least one role" in found
    assert "Line 6, column name: A cell must be 1,000 characters or fewer" in found
    assert "Line 7" not in found


def test_a_file_without_the_header_or_in_another_encoding_is_refused_with_where(app, client, auth, make_person):
    _admin(auth, make_person)
    headless = upload(client, "Tia Trainee,tia@school.example,trainee\r\n")
    found = "\n".join(problems(headless))
    assert "Line 1, column tia trainee: ‘tia trainee’ is not a column this import knows" in found
    assert "Line 1, column email: This column is missing; it is needed" in found
    latin = upload(client, (HEADER + "Zoë Ward,zoe@school.example,trainee\r\n").encode("latin-1"))
    assert latin.status_code == 400 and "line 2" in "\n".join(problems(latin)).lower()
    assert "UTF-8" in "\n".join(problems(latin))
    assert len(_people(app)) == 1


def test_a_deactivated_account_in_the_file_is_a_problem_at_its_line(app, client, auth, make_person):
    _admin(auth, make_person)
    make_person("gone@school.example", Role.MENTOR, name="Gil Gone", active=False)
    response = upload(client, HEADER + "Gil Gone,gone@school.example,mentor\r\n")
    assert "Line 2, column email: Gil Gone’s account is deactivated" in "\n".join(problems(response))


def test_an_account_added_after_the_check_is_found_again_when_the_import_is_confirmed(app, client, auth, make_person):
    _admin(auth, make_person)
    checked = upload(client, GOOD)
    make_person("mo@school.example", Role.DESIGNER, name="Mo Elsewhere")
    confirmed = post_form(client, checked.headers["Location"], {})
    assert confirmed.status_code == 302
    people = _people(app)
    # Checked again at confirm: Mo now exists, so the import adds roles to them and creates the rest.
    assert people["mo@school.example"] == {"designer", "mentor", "trainee"}
    assert len(people) == 4


def test_a_file_of_the_largest_size_is_accepted_and_a_larger_one_refused(app, client, auth, make_person):
    _admin(auth, make_person)
    lines = "".join(f"Person {i},person{i}@school.example,trainee\r\n" for i in range(ROWS_MAX))
    checked = upload(client, HEADER + lines)
    assert checked.status_code == 302
    preview = client.get(checked.headers["Location"]).get_data(as_text=True)
    assert f"{ROWS_MAX:,} people: each is sent an invitation by email" in preview
    assert "… and 4,000 lines more" in preview
    assert post_form(client, checked.headers["Location"], {}).status_code == 302
    assert len(_people(app)) == ROWS_MAX + 1
    too_many = upload(client, HEADER + lines + "One More,one.more@school.example,trainee\r\n")
    assert f"The file has more than {ROWS_MAX:,} people" in "\n".join(problems(too_many))


def test_only_administrators_reach_the_import(client, auth, make_person):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    assert client.get(URL).status_code == 403
    assert client.get("/admin/people/import/template.csv").status_code == 403


def test_the_template_names_every_column_the_import_reads(client, auth, make_person):
    _admin(auth, make_person)
    template = client.get("/admin/people/import/template.csv")
    header = template.get_data(as_text=True).splitlines()[0]
    assert template.mimetype == "text/csv"
    assert header.startswith('"name","email","roles","cohort","mentor_emails","school"')


def test_flask_people_import_checks_with_a_dry_run_then_imports(app, runner, tmp_path, make_person):
    make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    path = tmp_path / "people.csv"
    path.write_text(GOOD, encoding="utf-8")
    dry = runner.invoke(args=["people", "import", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run: nothing was saved" in dry.output and "New people: 3 people" in dry.output
    assert len(_people(app)) == 1
    real = runner.invoke(args=["people", "import", str(path)])
    assert real.exit_code == 0, real.output
    assert "Added 3 people (each invited by email), changed 1, left 0 unchanged." in real.output
    assert len(_people(app)) == 4
    path.write_text(HEADER + "Bad,bad,trainee\r\n", encoding="utf-8")
    bad = runner.invoke(args=["people", "import", str(path)])
    assert bad.exit_code == 1 and "Line 2, column email:" in bad.output


def test_a_failure_while_saving_leaves_no_person_no_role_and_no_invitation(app, make_person):
    """All or nothing at the save too: a room's rows failing after the people were written undoes them."""

    def fail(draft: object, people: object) -> dict[str, int]:
        raise RuntimeError("the room's rows could not be saved")

    make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    failing = PeopleColumns(
        "failing", (), {}, {}, lambda cells: (), lambda context: (None, []), lambda d: ([], {}), fail
    )
    app.extensions["people_columns"].append(failing)
    with app.app_context():
        with pytest.raises(RuntimeError):
            importing.import_document(people_csv(None, date.today()), GOOD, None)
        assert db.session.scalar(select(func.count()).select_from(Message)) == 0
        assert db.session.scalar(select(func.count()).select_from(AccountLink)) == 0
    assert _people(app) == {"admin@example.org": {"admin"}}


def test_each_person_added_or_given_a_role_by_a_file_has_their_own_audit_event(app, client, auth, make_person):
    admin_id = _admin(auth, make_person)
    checked = upload(client, GOOD)
    post_form(client, checked.headers["Location"], {})
    with app.app_context():
        ids = {u.email: u.id for u in db.session.scalars(select(User))}
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.in_([Action.PERSON_ADDED, Action.PERSON_ROLES_CHANGED]))
        )
        seen = {(e.action, e.person_id, e.actor_id) for e in events}
    assert (Action.PERSON_ROLES_CHANGED, admin_id, admin_id) in seen  # the administrator role's holder gained mentor
    for email in ("tia.trainee@school.example", "mo@school.example", "formula@school.example"):
        assert (Action.PERSON_ADDED, ids[email], admin_id) in seen


def test_a_name_with_a_line_break_or_a_direction_override_is_refused_at_its_line(app, client, auth, make_person):
    # The name opens every email ("Dear …"): a line break in it would write lines of its own.
    _admin(auth, make_person)
    bad = (
        HEADER
        + '"Eve\r\nBcc: someone@example.net",eve@school.example,trainee\r\nAl \u202eevE,al@school.example,trainee\r\n'
    )
    found = problems(upload(client, bad))
    assert [p.split(" (line")[0] for p in found] == [
        "Line 2, column name: Enter the name without line breaks, tabs or hidden control characters",
        "Line 4, column name: Enter the name without line breaks, tabs or hidden control characters",
    ]
    assert set(_people(app)) == {"admin@example.org"}


def test_one_address_typed_with_a_combining_accent_is_the_same_person(app, client, auth, make_person):
    import unicodedata

    _admin(auth, make_person)
    composed, decomposed = (unicodedata.normalize(form, "jö@school.example") for form in ("NFC", "NFD"))
    found = problems(upload(client, HEADER + f"Jo One,{composed},trainee\r\nJo Two,{decomposed},trainee\r\n"))
    assert [p.split(" (line")[0] for p in found] == ["Line 3, column email: This email address is already on line 2"]
