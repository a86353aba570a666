"""Signing in and out, as each role, with the limits that protect accounts."""
from __future__ import annotations

import pytest

from core.accounts.roles import Role
from core.extensions import db
from tests.conftest import PASSWORD, make_app, post_form

HOMES = {
    Role.ADMIN: ("/admin/people/", "People"),
    Role.DESIGNER: ("/curriculum/", "Programmes"),
    Role.MENTOR: ("/assessments/observations", "Observations"),
    Role.TRAINEE: ("/assessments/my-training", "My training"),
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_home_after_signing_in(role, auth, make_person, client):
    make_person(f"{role.value}@example.org", role)
    response = auth.sign_in(f"{role.value}@example.org")
    assert response.status_code == 302
    home = client.get(response.headers["Location"], follow_redirects=True)
    path, heading = HOMES[role]
    assert home.request.path == path
    assert f">{heading}</h1>" in home.get_data(as_text=True)


def test_navigation_shows_only_what_the_role_may_use(auth, make_person, client):
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    page = client.get("/curriculum/").get_data(as_text=True)
    assert "Programmes" in page and "Scenarios and rubrics" in page
    assert "People" not in page and "Observations" not in page and "My training" not in page


def test_a_person_with_several_roles_sees_each_roles_navigation(auth, make_person, client):
    make_person("both@example.org", Role.MENTOR, Role.TRAINEE)
    response = auth.sign_in("both@example.org")
    assert client.get(response.headers["Location"]).headers["Location"] == "/assessments/observations"
    page = client.get("/assessments/observations").get_data(as_text=True)
    assert 'href="/assessments/my-training"' in page
    assert client.get("/assessments/my-training").status_code == 200


@pytest.mark.parametrize("email, password", [("known@example.org", "wrong password!!"), ("nobody@example.org", PASSWORD)])
def test_a_wrong_password_and_an_unknown_email_get_the_same_message(email, password, auth, make_person):
    make_person("known@example.org", Role.MENTOR)
    response = auth.sign_in(email, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter a correct email address and password" in page
    assert "There is a problem" in page and "<title>Error: Sign in" in page


def test_an_empty_form_says_which_fields_are_missing(client):
    response = post_form(client, "/sign-in", {"email": "", "password": ""})
    page = response.get_data(as_text=True)
    assert 'href="#email">Enter your email address' in page
    assert 'href="#password">Enter your password' in page


def test_signing_in_is_case_insensitive_on_the_email(auth, make_person):
    make_person("Mixed.Case@Example.org", Role.MENTOR)
    assert auth.sign_in("  MIXED.case@example.ORG ").status_code == 302


def test_too_many_failures_get_a_429_page_saying_when_to_retry(auth, make_person, app):
    make_person("target@example.org", Role.ADMIN)
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]):
        assert auth.sign_in("target@example.org", "wrong password!!").status_code == 200
    # Even the right password is refused while the account is paused.
    response = auth.sign_in("target@example.org")
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    page = response.get_data(as_text=True)
    assert "Too many sign-in attempts" in page and "You can try again after" in page


def test_the_failure_count_is_shared_by_every_server_process(database_url, make_person, tmp_path):
    # Two app instances stand for two gunicorn workers: failures on one count on the other.
    make_person("shared@example.org", Role.ADMIN)
    first, second = (make_app(database_url, INSTANCE_PATH=str(tmp_path)) for _ in range(2))
    limit = first.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"]
    for attempt in range(limit):
        worker = first if attempt % 2 else second
        post_form(worker.test_client(), "/sign-in", {"email": "shared@example.org", "password": "nope nope nope"})
    response = post_form(second.test_client(), "/sign-in", {"email": "shared@example.org", "password": PASSWORD})
    assert response.status_code == 429
    for worker in (first, second):
        with worker.app_context():
            db.engine.dispose()


def test_one_address_trying_many_accounts_is_throttled_too(auth, app, make_person):
    app.config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"] = 3
    make_person("real@example.org", Role.ADMIN)
    for n in range(3):
        auth.sign_in(f"guess{n}@example.org", "whatever whatever")
    assert auth.sign_in("real@example.org").status_code == 429


def test_a_successful_sign_in_clears_earlier_failures(auth, make_person, app):
    make_person("forgetful@example.org", Role.ADMIN)
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"] - 1):
        auth.sign_in("forgetful@example.org", "wrong password!!")
    assert auth.sign_in("forgetful@example.org").status_code == 302
    auth.sign_out()
    for _ in range(app.config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"] - 1):
        assert auth.sign_in("forgetful@example.org", "wrong password!!").status_code == 200


def test_a_deactivated_person_cannot_sign_in(auth, make_person):
    make_person("gone@example.org", Role.MENTOR, active=False)
    response = auth.sign_in("gone@example.org")
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_the_next_page_is_honoured_but_never_another_site(auth, make_person, client):
    make_person("admin@example.org", Role.ADMIN)
    assert client.get("/admin/people/new").headers["Location"].startswith("/sign-in?next=")
    page = client.get("/sign-in")
    from tests.conftest import csrf_token

    token = csrf_token(page.get_data(as_text=True))
    data = {"csrf_token": token, "email": "admin@example.org", "password": PASSWORD}
    assert client.post("/sign-in?next=/admin/people/new", data=data).headers["Location"] == "/admin/people/new"
    auth.sign_out()
    token = csrf_token(client.get("/sign-in").get_data(as_text=True))
    data["csrf_token"] = token
    assert client.post("/sign-in?next=//evil.example/x", data=data).headers["Location"] == "/"
