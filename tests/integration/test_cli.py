"""Scripted set-up: ``flask setup`` and ``flask users``."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from assessments import demo
from core.accounts.models import ApiToken, User
from core.accounts.roles import Role
from core.extensions import db
from core.setup import DEMO_PEOPLE
from tests.conftest import Auth

DEMO_LINE = re.compile(r"^\s+(.+?)\s+(\S+@example\.org)\s+password: (\S+)$", re.MULTILINE)


def test_setup_prints_demo_accounts_once_and_each_signs_in(app, runner):
    first = runner.invoke(args=["setup"])
    assert first.exit_code == 0, first.output
    accounts = DEMO_LINE.findall(first.output)
    assert [email for _, email, _ in accounts] == [email for _, email, _ in DEMO_PEOPLE]
    for _, email, password in accounts:
        client = app.test_client()
        assert Auth(client).sign_in(email, password).status_code == 302, email

    with app.app_context():
        people = set(db.session.scalars(select(User.email)))
    # The demo accounts, and the demo cohort's second mentor (an observer who never signs in).
    assert people == {email for _, email, _ in DEMO_PEOPLE} | {demo.SECOND_MENTOR[1]}

    again = runner.invoke(args=["setup"])
    assert again.exit_code == 0, again.output
    assert DEMO_LINE.findall(again.output) == []
    assert "no demo accounts added" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == len(people), "a second setup adds nobody"


def test_users_create_adds_a_person_with_several_roles(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Kim@School.example",
            "--name",
            "Kim Khan",
            "--role",
            "mentor",
            "--role",
            "designer",
            "--password",
            "long enough password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Added Kim Khan <kim@school.example> as Course designer, Mentor." in result.output
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == "kim@school.example"))
        assert person.roles == {Role.MENTOR, Role.DESIGNER}
    assert Auth(app.test_client()).sign_in("kim@school.example", "long enough password").status_code == 302


def test_users_create_refuses_a_duplicate_or_malformed_email(runner, make_person):
    make_person("taken@example.org", Role.TRAINEE)
    args = ["users", "create", "--name", "X", "--role", "trainee", "--password", "long enough password"]
    duplicate = runner.invoke(args=args + ["--email", "taken@example.org"])
    assert duplicate.exit_code == 1
    assert "--email: A person with this email address already exists" in duplicate.output
    malformed = runner.invoke(args=args + ["--email", "not an email"])
    assert malformed.exit_code == 1 and "--email: Enter an email address in the correct format" in malformed.output


def test_users_create_refuses_a_short_password_and_an_unknown_role(runner):
    base = ["users", "create", "--email", "a@example.org", "--name", "A"]
    short = runner.invoke(args=base + ["--role", "mentor", "--password", "short"])
    assert short.exit_code == 2 and "use 12 to 128 characters" in short.output
    unknown = runner.invoke(args=base + ["--role", "wizard", "--password", "long enough password"])
    assert unknown.exit_code == 2 and "'wizard' is not one of" in unknown.output


def test_users_deactivate_stops_sign_in_and_activate_restores_it(app, runner, make_person):
    make_person("leaver@example.org", Role.MENTOR)
    assert runner.invoke(args=["users", "deactivate", "leaver@example.org"]).exit_code == 0
    assert Auth(app.test_client()).sign_in("leaver@example.org").status_code == 200
    assert runner.invoke(args=["users", "activate", "leaver@example.org"]).exit_code == 0
    assert Auth(app.test_client()).sign_in("leaver@example.org").status_code == 302
    unknown = runner.invoke(args=["users", "deactivate", "nobody@example.org"])
    assert unknown.exit_code == 1 and "No person has the email address nobody@example.org" in unknown.output


def test_users_set_roles_and_list(runner, make_person):
    make_person("multi@example.org", Role.TRAINEE)
    assert (
        runner.invoke(
            args=["users", "set-roles", "multi@example.org", "--role", "mentor", "--role", "trainee"]
        ).exit_code
        == 0
    )
    listing = runner.invoke(args=["users", "list"]).output
    assert "multi@example.org\tMulti\tmentor, trainee" in listing


def test_users_token_prints_a_token_that_opens_the_api(app, runner, make_person):
    make_person("robot@example.org", Role.DESIGNER)
    result = runner.invoke(args=["users", "token", "robot@example.org", "--name", "nightly export"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    client = app.test_client()
    assert client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    revoked = runner.invoke(args=["users", "revoke-tokens", "robot@example.org"])
    assert "Revoked 1 API token of robot@example.org." in revoked.output
    assert client.get("/api/v1/programmes", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_users_set_password_replaces_the_password(app, runner, make_person):
    make_person("forgot@example.org", Role.TRAINEE)
    result = runner.invoke(args=["users", "set-password", "forgot@example.org", "--password", "a fresh long password"])
    assert result.exit_code == 0, result.output
    assert Auth(app.test_client()).sign_in("forgot@example.org", "a fresh long password").status_code == 302


def test_users_token_can_be_issued_for_fewer_days_but_not_more_than_the_limit(app, runner, make_person):
    make_person("designer@example.org", Role.DESIGNER)
    short = runner.invoke(args=["users", "token", "designer@example.org", "--days", "7"])
    assert short.exit_code == 0, short.output
    assert "expires" in short.output
    with app.app_context():
        issued = db.session.scalars(select(ApiToken)).one()
        assert issued.expires_at - issued.created_at == timedelta(days=7)
    too_long = runner.invoke(args=["users", "token", "designer@example.org", "--days", "1000"])
    assert too_long.exit_code != 0 and "use 1 to 90 days" in too_long.output


def test_users_set_password_refuses_a_common_password_without_a_traceback(runner, make_person):
    make_person("kim@school.example", Role.MENTOR, name="Kim Khan")
    result = runner.invoke(args=["users", "set-password", "kim@school.example", "--password", "password1234"])
    assert result.exit_code == 1
    assert "--password: Enter a password that is harder to guess" in result.output
    own = runner.invoke(args=["users", "set-password", "kim@school.example", "--password", "kim khan forever!"])
    assert "does not contain the person’s name or email address" in own.output
