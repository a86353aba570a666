"""New people are invited by email, not given a typed password: from the "Add a person" form and
from the CSV import; the People page shows who has not accepted, and resends a new link."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select, update

from core.accounts.links import AccountLink
from core.accounts.models import NO_PASSWORD, User
from core.accounts.roles import Role
from core.audit import Action
from core.audit.models import AuditEvent
from core.clock import utcnow
from core.extensions import db
from core.messages import Message
from core.privacy import retention
from tests.conftest import Auth, post_form
from tests.integration.test_people_import import GOOD, upload

LINK = re.compile(r"http://127\.0\.0\.1:5000(/account/invitation/[\w-]+)")
NEW = {"name": "Nia Newcomer", "email": "nia@school.example", "roles": ["trainee"], "access": "invite"}


def _admin(auth, make_person) -> None:  # type: ignore[no-untyped-def]
    make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    auth.sign_in("admin@example.org")


def _messages(app, email: str) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(db.session.scalars(select(Message.body).where(Message.to_address == email).order_by(Message.id)))


def _link(body: str) -> str:
    match = LINK.search(body)
    assert match, body
    return match.group(1)


def test_the_add_a_person_form_invites_them_by_email_with_no_password_typed(app, client, auth, make_person):
    _admin(auth, make_person)
    response = post_form(client, "/admin/people/new", NEW)
    assert response.headers["Location"] == "/admin/people/"
    listing = client.get("/admin/people/").get_data(as_text=True)
    assert "Nia Newcomer has been added. An invitation has been emailed to them." in listing
    assert "Not accepted yet. Invited" in listing and "Resend invitation" in listing
    with app.app_context():
        assert db.session.scalar(select(User.password_hash).where(User.email == "nia@school.example")) == NO_PASSWORD
    assert len(_messages(app, "nia@school.example")) == 1


def test_a_temporary_password_needs_one_typed_and_is_only_the_explicit_choice(app, client, auth, make_person):
    _admin(auth, make_person)
    page = post_form(client, "/admin/people/new", {**NEW, "access": "temporary"}).get_data(as_text=True)
    assert 'href="#password">Enter a password of 12 to 128 characters' in page
    post_form(client, "/admin/people/new", {**NEW, "access": "temporary", "password": "a long temporary password"})
    assert _messages(app, "nia@school.example") == []
    with app.app_context():
        person = db.session.scalar(select(User).where(User.email == "nia@school.example"))
        assert person.must_change_password and person.password_expires_at is not None


def test_an_import_queues_one_invitation_per_new_person_and_none_for_those_who_exist(app, client, auth, make_person):
    _admin(auth, make_person)
    checked = upload(client, GOOD)
    post_form(client, checked.headers["Location"], {})
    with app.app_context():
        told = sorted(db.session.scalars(select(Message.to_address)))
        waiting = db.session.scalar(select(func.count()).select_from(Message).where(Message.status == "pending"))
    assert told == ["formula@school.example", "mo@school.example", "tia.trainee@school.example"]
    assert waiting == 3  # queued for the job runner, not sent inside the request


def test_resending_sends_a_new_link_the_old_one_stops_working_and_accepting_ends_the_wait(
    app, client, auth, make_person
):
    _admin(auth, make_person)
    post_form(client, "/admin/people/new", NEW)
    first = _link(_messages(app, "nia@school.example")[0])
    with app.app_context():
        person_id = db.session.scalar(select(User.id).where(User.email == "nia@school.example"))
    resent = post_form(client, f"/admin/people/{person_id}/invitation", {}, form_url="/admin/people/")
    assert resent.headers["Location"] == "/admin/people/"
    assert "A new invitation has been emailed to Nia Newcomer" in client.get("/admin/people/").get_data(as_text=True)
    bodies = _messages(app, "nia@school.example")
    assert len(bodies) == 2
    newcomer = app.test_client()
    assert newcomer.get(first).status_code == 404
    second = _link(bodies[1])
    html = newcomer.get(second).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    chosen = "violet tram orchard spoon"
    newcomer.post(second, data={"csrf_token": token, "new_password": chosen, "confirm_password": chosen})
    assert Auth(app.test_client()).sign_in("nia@school.example", chosen).status_code == 302
    listing = client.get("/admin/people/").get_data(as_text=True)
    assert "Not accepted yet" not in listing
    refused = post_form(client, f"/admin/people/{person_id}/invitation", {}, form_url="/admin/people/")
    assert "Nia Newcomer has already chosen a password" in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.PERSON_INVITED)))
        assert [(e.person_id, e.details) for e in events] == [(person_id, {"resent": True})]


def test_resending_needs_the_form_token(app, client, auth, make_person):
    _admin(auth, make_person)
    post_form(client, "/admin/people/new", NEW)
    with app.app_context():
        person_id = db.session.scalar(select(User.id).where(User.email == "nia@school.example"))
    assert client.post(f"/admin/people/{person_id}/invitation").status_code == 400
    assert len(_messages(app, "nia@school.example")) == 1


def test_correcting_a_mistyped_address_stops_the_first_invitation_and_invites_the_new_address(
    app, client, auth, make_person
):
    _admin(auth, make_person)
    post_form(client, "/admin/people/new", {**NEW, "email": "nia@schoool.example"})
    mistyped = _link(_messages(app, "nia@schoool.example")[0])
    with app.app_context():
        person_id = db.session.scalar(select(User.id).where(User.email == "nia@schoool.example"))
    fixed = {"name": "Nia Newcomer", "email": "nia@school.example", "roles": ["trainee"], "password": ""}
    assert post_form(client, f"/admin/people/{person_id}", fixed).status_code == 302
    stranger = app.test_client()
    assert stranger.get(mistyped).status_code == 404  # whoever reads the mistyped address cannot get in
    assert len(_messages(app, "nia@schoool.example")) == 1  # and is not told the new address
    invited = _messages(app, "nia@school.example")
    assert len(invited) == 1
    assert "choose your password" in invited[0]
    assert stranger.get(_link(invited[0])).status_code == 200


def test_the_page_an_invitation_opens_is_kept_by_no_cache(app, client, auth, make_person):
    _admin(auth, make_person)
    post_form(client, "/admin/people/new", NEW)
    page = app.test_client().get(_link(_messages(app, "nia@school.example")[0]))
    assert page.status_code == 200 and "Nia Newcomer" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"  # it names the person and holds the link's secret


def test_an_invitation_that_ran_out_long_ago_still_shows_as_not_accepted_after_the_retention_purge(
    app, client, auth, make_person
):
    _admin(auth, make_person)
    post_form(client, "/admin/people/new", NEW)
    with app.app_context():
        long_ago = utcnow() - timedelta(days=400)
        db.session.execute(update(AccountLink).values(created_at=long_ago, expires_at=long_ago + timedelta(days=7)))
        db.session.commit()
        retention.purge(utcnow())
    listing = client.get("/admin/people/?show=not-accepted").get_data(as_text=True)
    assert "Nia Newcomer" in listing and "Resend invitation" in listing
