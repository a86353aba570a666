"""A forgotten password: the same answer for every address, a link valid an hour that works once,
and a new password that ends every other session."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import func, select, update

from core import jobs
from core.accounts import api_tokens, resets
from core.accounts.invitations import invite
from core.accounts.links import AccountLink
from core.accounts.models import NO_PASSWORD, ApiToken, User
from core.accounts.roles import Role
from core.audit.models import AuditEvent
from core.extensions import db
from core.messages import Message
from tests.conftest import PASSWORD, Auth, csrf_token, post_form

NEW_PASSWORD = "violet tram orchard spoon"
LINK = re.compile(r"http://127\.0\.0\.1:5000(/account/reset/[\w-]+)")


def _ask(client, email: str):  # type: ignore[no-untyped-def]
    return post_form(client, "/account/forgot-password", {"email": email})


def _run_jobs(app: Flask) -> None:
    """What the job runner does behind the request (tests run with no runner)."""
    with app.app_context():
        for job_id in jobs.claimable():
            jobs.execute(job_id)


def _messages(app: Flask, kind: str = "password_reset") -> list[Message]:
    with app.app_context():
        found = list(db.session.scalars(select(Message).where(Message.kind == kind).order_by(Message.id)))
        db.session.expunge_all()
        return found


def _link(app: Flask) -> str:
    match = LINK.search(_messages(app)[-1].body)
    assert match
    return match.group(1)


def _choose(client, path: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    html = client.get(path).get_data(as_text=True)
    return client.post(
        path, data={"csrf_token": csrf_token(html), "new_password": password, "confirm_password": password}
    )


def _answer_text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r'name="csrf_token"[^>]*', "", response.get_data(as_text=True))


def test_the_sign_in_page_offers_a_way_back_in(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Forgot your password?" in page and "/account/forgot-password" in page


def test_a_known_and_an_unknown_address_get_the_same_answer(app: Flask, client, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    known = _ask(client, "mentor@example.org")
    unknown = _ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location
    assert _answer_text(client.get(known.location)) == _answer_text(client.get(unknown.location))
    assert "If an account uses this address, we have sent a link" in client.get(known.location).get_data(as_text=True)


def test_the_request_writes_no_email_itself_the_job_writes_one_only_for_a_known_address(
    app: Flask, client, make_person
) -> None:  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    _ask(client, "mentor@example.org")
    _ask(client, "nobody@example.org")
    assert _messages(app) == []
    _run_jobs(app)
    sent = _messages(app)
    assert [m.to_address for m in sent] == ["mentor@example.org"]
    assert sent[0].subject == "Reset your NPQ for SENCOs password"
    assert "stops working after 1 hour" in sent[0].body
    assert "always sent" in sent[0].body
    with app.app_context():  # the typed addresses are not kept once handled
        assert db.session.scalars(select(resets.ResetRequest.email)).all() == [None, None]


def test_the_link_sets_a_new_password_ends_other_sessions_and_revokes_api_tokens(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    person_id = make_person("mentor@example.org", Role.MENTOR)
    elsewhere = app.test_client()
    Auth(elsewhere).sign_in("mentor@example.org")
    assert elsewhere.get("/account/password").status_code == 200
    with app.app_context():
        api_tokens.issue_token(db.session.get(User, person_id), "script")
    here = app.test_client()
    _ask(here, "mentor@example.org")
    _run_jobs(app)
    path = _link(app)
    assert "Choose a new password" in here.get(path).get_data(as_text=True)
    answer = _choose(here, path)
    assert answer.status_code == 302
    assert "signed out everywhere else" in here.get(answer.location, follow_redirects=True).get_data(as_text=True)
    assert elsewhere.get("/account/password").status_code == 302  # sent to sign in
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ApiToken)) == 0
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"password_reset.requested", "password_reset.done"} <= {a.value for a in actions}
    fresh = Auth(app.test_client())
    assert fresh.sign_in("mentor@example.org", PASSWORD).status_code == 200  # the old password is refused
    assert fresh.sign_in("mentor@example.org", NEW_PASSWORD).status_code == 302


def test_the_link_works_once(app: Flask, client, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    _ask(client, "mentor@example.org")
    _run_jobs(app)
    path = _link(app)
    _choose(client, path)
    again = app.test_client().get(path)
    assert again.status_code == 404
    assert "This link no longer works" in again.get_data(as_text=True)


def test_an_expired_tampered_or_over_long_link_shows_the_same_page_and_changes_nothing(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    client = app.test_client()
    _ask(client, "mentor@example.org")
    _run_jobs(app)
    path = _link(app)
    assert client.get(path[:-2] + "xy").status_code == 404
    assert client.get("/account/reset/" + "a" * 5000).status_code == 404
    html = client.get(path).get_data(as_text=True)
    with app.app_context():
        before = db.session.scalar(select(User.password_hash))
        db.session.execute(update(AccountLink).values(expires_at=datetime(2020, 1, 1, tzinfo=UTC)))
        db.session.commit()
    posted = client.post(
        path, data={"csrf_token": csrf_token(html), "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )
    assert posted.status_code == 404 and "This link no longer works" in posted.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(User.password_hash)) == before


def test_a_newer_link_stops_the_older_one(app: Flask, client, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    _ask(client, "mentor@example.org")
    _run_jobs(app)
    first = _link(app)
    _ask(client, "mentor@example.org")
    _run_jobs(app)
    assert client.get(first).status_code == 404
    assert client.get(_link(app)).status_code == 200


def test_a_weak_password_is_refused_and_the_link_still_works(app: Flask, client, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    _ask(client, "mentor@example.org")
    _run_jobs(app)
    path = _link(app)
    assert "harder to guess" in _choose(client, path, "password1234").get_data(as_text=True)
    assert client.get(path).status_code == 200


def test_an_invited_person_who_never_accepted_may_use_a_reset_and_the_invitation_stops_working(
    app: Flask, client
) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        person = User(name="Nia Newcomer", email="new@example.org", password_hash=NO_PASSWORD)
        person.set_roles({Role.TRAINEE})
        db.session.add(person)
        db.session.flush()
        invite(person)
        db.session.commit()
    invitation = re.search(
        r"http://127\.0\.0\.1:5000(/account/invitation/[\w-]+)", _messages(app, "invitation")[0].body
    )
    assert invitation and client.get(invitation.group(1)).status_code == 200
    _ask(client, "new@example.org")
    _run_jobs(app)
    assert _choose(client, _link(app)).status_code == 302
    assert Auth(app.test_client()).sign_in("new@example.org", NEW_PASSWORD).status_code == 302
    assert app.test_client().get(invitation.group(1)).status_code == 404


def test_a_deactivated_person_gets_no_link(app: Flask, client, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("gone@example.org", Role.MENTOR, active=False)
    _ask(client, "gone@example.org")
    _run_jobs(app)
    assert _messages(app) == []


def test_a_malformed_address_is_refused_on_the_form(client) -> None:  # type: ignore[no-untyped-def]
    for typed, message in (
        ("not an email", "Enter an email address in the correct format"),
        ("", "Enter an email address"),
        ("a" * 300 + "@example.org", "254 characters or fewer"),
    ):
        answer = _ask(client, typed)
        assert answer.status_code == 200
        assert message in answer.get_data(as_text=True)


def test_requests_are_throttled_per_account_with_the_same_answer_and_an_audit_event(
    app: Flask, client, make_person
) -> None:  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    answers = [_ask(client, "Mentor@Example.org") for _ in range(resets.RESET_REQUESTS_PER_ACCOUNT_MAX + 2)]
    assert {a.location for a in answers} == {"/account/forgot-password/sent"}
    _run_jobs(app)
    assert len(_messages(app)) == resets.RESET_REQUESTS_PER_ACCOUNT_MAX
    with app.app_context():
        throttled = db.session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "password_reset.throttled")
        )
    assert throttled == 2
    # another address, from the same place, still goes through
    _ask(client, "someone.else@example.org")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(resets.ResetRequest)) == 6


def test_requests_are_throttled_per_client_address(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    for i in range(resets.RESET_REQUESTS_PER_ADDRESS_MAX + 1):
        assert _ask(client, f"person{i}@example.org").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(resets.ResetRequest)) == (
            resets.RESET_REQUESTS_PER_ADDRESS_MAX
        )


def test_a_request_handled_twice_sends_one_link(app: Flask, client, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    _ask(client, "mentor@example.org")
    with app.app_context():
        assert resets.handle_waiting() == 1
        assert resets.handle_waiting() == 0
    assert len(_messages(app)) == 1


def test_the_daily_purge_forgets_requests_older_than_a_day(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    from core.privacy import retention

    _ask(client, "someone@example.org")
    with app.app_context():
        db.session.execute(update(resets.ResetRequest).values(requested_at=datetime(2020, 1, 1, tzinfo=UTC)))
        db.session.commit()
        _ask(client, "someone.else@example.org")
        retention.purge(datetime.now(UTC))
        left = db.session.scalars(select(resets.ResetRequest.requested_at)).all()
    assert len(left) == 1 and left[0].year > 2020


def test_two_tabs_using_one_link_at_once_save_one_password(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    import threading

    make_person("mentor@example.org", Role.MENTOR)
    _ask(app.test_client(), "mentor@example.org")
    _run_jobs(app)
    path = _link(app)
    tabs = [app.test_client() for _ in range(2)]
    tokens = [csrf_token(tab.get(path).get_data(as_text=True)) for tab in tabs]
    passwords = [NEW_PASSWORD, "copper violin beneath three lakes"]
    start, statuses = threading.Barrier(2), [0, 0]

    def use(i: int) -> None:
        start.wait()
        data = {"csrf_token": tokens[i], "new_password": passwords[i], "confirm_password": passwords[i]}
        statuses[i] = tabs[i].post(path, data=data).status_code

    threads = [threading.Thread(target=use, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 404]
    winner = passwords[statuses.index(302)]
    loser = passwords[statuses.index(404)]
    assert Auth(app.test_client()).sign_in("mentor@example.org", winner).status_code == 302
    assert Auth(app.test_client()).sign_in("mentor@example.org", loser).status_code == 200


def test_many_requests_at_once_for_one_address_still_queue_no_more_than_the_limit(app: Flask, make_person) -> None:  # type: ignore[no-untyped-def]
    import threading

    make_person("mentor@example.org", Role.MENTOR)
    count = resets.RESET_REQUESTS_PER_ACCOUNT_MAX * 3
    browsers = [app.test_client() for _ in range(count)]
    tokens = [csrf_token(b.get("/account/forgot-password").get_data(as_text=True)) for b in browsers]
    start, answers = threading.Barrier(count), [""] * count

    def ask(i: int) -> None:
        start.wait()
        data = {"csrf_token": tokens[i], "email": "mentor@example.org"}
        answers[i] = browsers[i].post("/account/forgot-password", data=data).location or ""

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(answers) == {"/account/forgot-password/sent"}
    _run_jobs(app)
    assert len(_messages(app)) == resets.RESET_REQUESTS_PER_ACCOUNT_MAX
