"""A password an administrator sets for someone expires, works once, and must be replaced at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.passwords import TEMPORARY_PASSWORD_LIFETIME
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from tests.conftest import PASSWORD, Auth, post_form

TEMPORARY = "a long temporary password"
OWN = "plum orchard lantern ferry"
SAM = {
    "name": "Sam Senco",
    "email": "sam@school.example",
    "roles": ["mentor"],
    "access": "temporary",
    "password": TEMPORARY,
}


def _admin_adds_sam(app, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    admin = app.test_client()
    Auth(admin).sign_in("admin@example.org")
    assert post_form(admin, "/admin/people/new", SAM).status_code == 302


def _sam(app) -> User:  # type: ignore[no-untyped-def]
    with app.app_context():
        person = db.session.scalars(select(User).where(User.email == SAM["email"])).one()
        db.session.expunge(person)
        return person


def _change(client, current: str, new: str):  # type: ignore[no-untyped-def]
    return post_form(
        client, "/account/password", {"current_password": current, "new_password": new, "confirm_password": new}
    )


def test_a_person_added_by_an_admin_must_choose_their_own_password_before_any_page(app, make_person):
    _admin_adds_sam(app, make_person)
    sam = app.test_client()
    assert Auth(sam).sign_in(SAM["email"], TEMPORARY).status_code == 302
    for path in ("/", "/assessments/observations", "/admin/people/"):
        response = sam.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/password", path
    page = sam.get("/account/password").get_data(as_text=True)
    assert "An administrator set your password for you" in page
    assert _change(sam, TEMPORARY, OWN).status_code == 302
    assert sam.get("/assessments/observations").status_code == 200
    assert not _sam(app).must_change_password and _sam(app).password_expires_at is None


def test_a_temporary_password_works_for_one_sign_in_only(app, make_person):
    _admin_adds_sam(app, make_person)
    first = app.test_client()
    assert Auth(first).sign_in(SAM["email"], TEMPORARY).status_code == 302
    again = Auth(app.test_client()).sign_in(SAM["email"], TEMPORARY)
    assert again.status_code == 200 and "Enter a correct email address and password" in again.get_data(as_text=True)
    assert _change(first, TEMPORARY, OWN).status_code == 302  # the first session can still replace it
    assert Auth(app.test_client()).sign_in(SAM["email"], OWN).status_code == 302


def test_a_temporary_password_stops_working_72_hours_after_it_was_set(app, make_person):
    _admin_adds_sam(app, make_person)
    sam = _sam(app)
    assert sam.must_change_password
    assert sam.password_expires_at is not None
    assert timedelta(0) < sam.password_expires_at - utcnow() <= TEMPORARY_PASSWORD_LIFETIME
    assert timedelta(hours=72) == TEMPORARY_PASSWORD_LIFETIME
    with app.app_context():
        db.session.execute(update(User).where(User.id == sam.id).values(password_expires_at=utcnow()))
        db.session.commit()
    refused = Auth(app.test_client()).sign_in(SAM["email"], TEMPORARY)
    assert refused.status_code == 200 and "Enter a correct email address and password" in refused.get_data(as_text=True)


def test_the_new_password_must_differ_from_the_temporary_one(app, make_person):
    _admin_adds_sam(app, make_person)
    sam = app.test_client()
    Auth(sam).sign_in(SAM["email"], TEMPORARY)
    page = _change(sam, TEMPORARY, TEMPORARY).get_data(as_text=True)
    assert 'href="#new_password">Enter a new password that is different from your current one' in page
    assert sam.get("/").headers["Location"] == "/account/password"


def test_an_admins_new_password_for_someone_else_is_temporary_but_for_themselves_is_not(app, make_person):
    admin_id = make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    mo_id = make_person("mo@example.org", Role.MENTOR, name="Mo Mentor")
    admin = app.test_client()
    Auth(admin).sign_in("admin@example.org")
    edit = {"name": "Mo Mentor", "email": "mo@example.org", "roles": ["mentor"], "password": TEMPORARY}
    assert post_form(admin, f"/admin/people/{mo_id}", edit).status_code == 302
    own = {"name": "Ada Admin", "email": "admin@example.org", "roles": ["admin"], "password": OWN}
    assert post_form(admin, f"/admin/people/{admin_id}", own).status_code == 302
    with app.app_context():
        assert db.session.get(User, mo_id).must_change_password  # type: ignore[union-attr]
        assert not db.session.get(User, admin_id).must_change_password  # type: ignore[union-attr]
    mo = app.test_client()
    Auth(mo).sign_in("mo@example.org", TEMPORARY)
    assert mo.get("/assessments/observations").headers["Location"] == "/account/password"


def test_the_cli_sets_a_temporary_password_and_the_api_refuses_tokens_until_it_is_replaced(app, runner, make_person):
    person_id = make_person("designer@example.org", Role.DESIGNER)
    result = runner.invoke(args=["users", "set-password", "designer@example.org", "--password", TEMPORARY])
    assert result.exit_code == 0 and "works for one sign-in within 72 hours" in result.output
    with app.app_context():
        person = db.session.get(User, person_id)
        assert person is not None and person.must_change_password
        token = api_tokens.issue_token(person, "script")
    api = app.test_client()
    assert api.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    designer = app.test_client()
    Auth(designer).sign_in("designer@example.org", TEMPORARY)
    assert _change(designer, TEMPORARY, OWN).status_code == 302
    assert api.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"}).status_code == 401  # revoked
    with app.app_context():
        fresh = api_tokens.issue_token(db.session.get(User, person_id), "script")  # type: ignore[arg-type]
    assert api.get("/api/v1/programmes", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_people_made_by_the_cli_or_setup_keep_their_password(app, make_person):
    person_id = make_person("mentor@example.org", Role.MENTOR)
    client = app.test_client()
    Auth(client).sign_in("mentor@example.org", PASSWORD)
    assert client.get("/assessments/observations").status_code == 200
    with app.app_context():
        person = db.session.get(User, person_id)
        assert person is not None and person.password_expires_at is None


def test_flask_users_create_with_temporary_makes_the_newcomer_choose_their_own(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "kim@school.example", "--name", "Kim Khan", "--role", "mentor"]
        + ["--password", TEMPORARY, "--temporary"]
    )
    assert result.exit_code == 0, result.output
    kim = app.test_client()
    Auth(kim).sign_in("kim@school.example", TEMPORARY)
    assert kim.get("/assessments/observations").headers["Location"] == "/account/password"
