"""The audit log: administrative changes are recorded with who made them and whose record it is;
administrators read the log with filters; nobody changes or deletes an event but the retention purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from core.accounts import services as accounts
from core.accounts.models import User
from core.accounts.roles import Role
from core.audit import Action, Subject, purge_audit_events, record
from core.audit.guard import AppendOnly
from core.audit.models import AuditEvent
from core.clock import utcnow
from core.extensions import db
from tests.conftest import PASSWORD, post_form


def _rows(client, url: str) -> str:  # type: ignore[no-untyped-def]
    """The table of events on the page (the filters' list names every action too)."""
    page = client.get(url).get_data(as_text=True)
    return page.partition("<tbody")[2]


def _events(app, action: Action | None = None) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        if action is not None:
            query = query.where(AuditEvent.action == action)
        events = list(db.session.scalars(query))
        db.session.expunge_all()
        return events


@pytest.fixture
def admin_id(auth, make_person) -> int:  # type: ignore[no-untyped-def]
    admin = make_person("admin@example.org", Role.ADMIN, name="Ada Admin")
    auth.sign_in("admin@example.org")
    return admin


def test_an_admin_changing_roles_records_who_changed_whose_roles_and_which(app, client, admin_id, make_person):  # type: ignore[no-untyped-def]
    mentor_id = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    response = post_form(
        client,
        f"/admin/people/{mentor_id}",
        {"name": "Mo Mentor", "email": "mentor@example.org", "roles": ["designer", "mentor"], "password": ""},
    )
    assert response.status_code == 302
    [event] = _events(app, Action.PERSON_ROLES_CHANGED)
    assert (event.actor_id, event.person_id) == (admin_id, mentor_id)
    assert (event.subject_type, event.subject_id) == ("user", mentor_id)
    assert event.details == {"added": ["designer"], "removed": []}
    assert _events(app, Action.PERSON_DETAILS_CHANGED) == []  # the name and email were unchanged


def test_a_password_set_and_a_deactivation_are_recorded_but_never_the_password(app, client, admin_id, make_person):  # type: ignore[no-untyped-def]
    mentor_id = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    new_password = "a brand new long password"
    post_form(
        client,
        f"/admin/people/{mentor_id}",
        {"name": "Mo Mentor", "email": "mentor@example.org", "roles": ["mentor"], "password": new_password},
    )
    post_form(client, f"/admin/people/{mentor_id}/deactivate", {})
    [password_set] = _events(app, Action.PERSON_PASSWORD_SET)
    [deactivated] = _events(app, Action.PERSON_DEACTIVATED)
    assert password_set.actor_id == deactivated.actor_id == admin_id
    assert password_set.person_id == deactivated.person_id == mentor_id
    assert all(new_password not in repr(e.details) for e in _events(app))


def test_a_changed_email_a_reactivation_and_ones_own_new_password_are_recorded(
    app, client, auth, admin_id, make_person
):  # type: ignore[no-untyped-def]
    mentor_id = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor", active=False)
    post_form(
        client,
        f"/admin/people/{mentor_id}",
        {"name": "Mo Mentor", "email": "mo@example.org", "roles": ["mentor"], "password": ""},
    )
    post_form(client, f"/admin/people/{mentor_id}/reactivate", {}, form_url=f"/admin/people/{mentor_id}")
    [details] = _events(app, Action.PERSON_DETAILS_CHANGED)
    [reactivated] = _events(app, Action.PERSON_REACTIVATED)
    assert details.details == {"fields": ["email"]} and details.person_id == mentor_id
    assert (reactivated.actor_id, reactivated.person_id) == (admin_id, mentor_id)
    auth.sign_out()
    auth.sign_in("mo@example.org")
    new = "another very long passphrase"
    form = {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    assert post_form(client, "/account/password", form).status_code == 302
    [own] = _events(app, Action.PERSON_PASSWORD_SET)
    assert (own.actor_id, own.person_id, own.details) == (mentor_id, mentor_id, {"own": True})


def test_a_change_made_on_the_command_line_is_recorded_with_no_one_signed_in(app, runner, make_person):  # type: ignore[no-untyped-def]
    mentor_id = make_person("mentor@example.org", Role.MENTOR)
    result = runner.invoke(args=["users", "set-roles", "mentor@example.org", "--role", "moderator"])
    assert result.exit_code == 0, result.output
    [event] = _events(app, Action.PERSON_ROLES_CHANGED)
    assert event.actor_id is None and event.person_id == mentor_id
    assert event.details == {"added": ["moderator"], "removed": ["mentor"]}


def test_a_refused_change_leaves_no_event(app, client, admin_id):  # type: ignore[no-untyped-def]
    response = post_form(
        client,
        f"/admin/people/{admin_id}",
        {"name": "Ada Admin", "email": "admin@example.org", "roles": ["designer"], "password": ""},
    )
    assert "You cannot remove your own administrator role" in response.get_data(as_text=True)
    assert _events(app, Action.PERSON_ROLES_CHANGED) == []


def test_the_page_lists_events_newest_first_and_filters_by_action_person_and_date(app, client, admin_id, make_person):  # type: ignore[no-untyped-def]
    mentor_id = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    make_person("trainee@example.org", Role.TRAINEE, name="Tia Trainee")
    with app.app_context():
        accounts.set_active(None, db.session.get(User, mentor_id), False)
    page = _rows(client, "/audit/")
    assert "Deactivated a person" in page and "Added a person" in page
    assert page.index("Deactivated a person") < page.index("Added a person")  # newest first

    only = _rows(client, "/audit/?action=person.deactivated")
    assert "Deactivated a person" in only and "Added a person" not in only
    theirs = _rows(client, "/audit/?person=TRAINEE@example.org")
    assert "Tia Trainee" in theirs and "Mo Mentor" not in theirs
    today = utcnow().date() + timedelta(days=2)  # a day ahead in any time zone
    future = f"date_from={today.day}&date_from={today.month}&date_from={today.year}"
    assert "No events match these filters." in client.get(f"/audit/?{future}").get_data(as_text=True)


def test_unreadable_filters_are_named_in_the_error_summary_and_show_no_events(client, admin_id):  # type: ignore[no-untyped-def]
    response = client.get("/audit/?date_from=31&date_from=2&date_from=2026&actor=nobody@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#date_from-day">Date from must be a real date' in page
    assert 'href="#actor">No one has this email address' in page
    assert "<tbody" not in page
    backwards = client.get("/audit/?date_from=2&date_from=3&date_from=2026&date_to=1&date_to=3&date_to=2026").get_data(
        as_text=True
    )
    assert "The ‘to’ date must be the same as or after the ‘from’ date" in backwards


@pytest.mark.parametrize("role", [Role.DESIGNER, Role.MENTOR, Role.TRAINEE, Role.MODERATOR])
def test_only_administrators_see_the_audit_log(client, auth, make_person, role):  # type: ignore[no-untyped-def]
    make_person("someone@example.org", role)
    auth.sign_in("someone@example.org")
    assert client.get("/audit/").status_code == 403
    assert 'href="/audit/"' not in client.get("/account/password").get_data(as_text=True)


def test_administrators_find_the_audit_log_in_the_navigation(client, admin_id):  # type: ignore[no-untyped-def]
    assert 'href="/audit/"' in client.get("/admin/people/").get_data(as_text=True)


def test_an_event_cannot_be_changed_or_deleted_through_the_app(app, make_person):  # type: ignore[no-untyped-def]
    make_person("mentor@example.org", Role.MENTOR)
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).one()
        event.action = Action.PERSON_ERASED
        with pytest.raises(AppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalars(select(AuditEvent)).one())
        with pytest.raises(AppendOnly):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(AppendOnly):
            db.session.execute(update(AuditEvent).values(person_id=None))
        db.session.rollback()
    [kept] = _events(app)
    assert kept.action is Action.PERSON_ADDED and kept.person_id is not None


def test_the_retention_purge_removes_only_older_events_and_records_itself(app, make_person):  # type: ignore[no-untyped-def]
    with app.app_context():
        old = record(Action.PERSON_ERASED, Subject("user", 1))
        old.at = utcnow() - timedelta(days=10)
        db.session.commit()
    make_person("mentor@example.org", Role.MENTOR)
    with app.app_context():
        assert purge_audit_events(utcnow() - timedelta(days=5)) == 1
        db.session.commit()  # the retention purge commits it, kind by kind
    assert [e.action for e in _events(app)] == [Action.PERSON_ADDED, Action.AUDIT_PURGED]
    assert _events(app, Action.AUDIT_PURGED)[0].details["removed"] == 1


def test_details_hold_ids_and_names_only_never_free_text(app):  # type: ignore[no-untyped-def]
    with app.app_context(), pytest.raises(ValueError, match="ids and field names only"):
        record(Action.SETTINGS_CHANGED, Subject("cohort", 1), comment="Views were read out, not discussed.")
