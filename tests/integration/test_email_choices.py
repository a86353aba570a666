"""Each person chooses on "How we email you": every email at once or a daily digest, reminders on or
off. Security emails ignore both. The daily digest bundles what waited into one email."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import event, insert, select

from core.accounts.invitations import invite
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.messages import Category, Message, MessageKind, MessageStatus, notify, register_kind
from core.messages.delivery import deliver_due
from core.messages.digest import bundle_digests
from core.messages.preferences import MessagePreference
from core.privacy import erasure
from core.privacy import export as subject_access
from tests.conftest import Auth, _empty_all_tables, make_app, post_form
from tests.smtp import SmtpServer

ANSWERED = MessageKind(
    name="test_request_answered",
    subject="Your mentor answered your request",
    template="messages/invitation.txt",
    category=Category.ACTIVITY,
    why="you asked your mentor to observe you",
)
DEADLINE = MessageKind(
    name="test_deadline_near",
    subject="Your case study is due soon",
    template="messages/invitation.txt",
    category=Category.REMINDER,
    why="you are enrolled on a cohort",
)


@pytest.fixture
def app(database_url, tmp_path, smtp_server: SmtpServer):  # type: ignore[no-untyped-def]
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path), **smtp_server.config())
    register_kind(app, ANSWERED)
    register_kind(app, DEADLINE)
    yield app
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def trainee(make_person, auth: Auth) -> int:  # type: ignore[no-untyped-def]
    person_id = make_person("trainee@example.org", Role.TRAINEE, name="Tia Trainee")
    auth.sign_in("trainee@example.org")
    return person_id


def _choose(auth: Auth, frequency: str, reminders: str):  # type: ignore[no-untyped-def]
    return post_form(auth.client, "/account/emails", {"frequency": frequency, "reminders": reminders})


def _tell(app: Flask, person_id: int, kind: MessageKind, about: str) -> Message | None:
    with app.app_context():
        person = db.session.get(User, person_id)
        link = f"http://127.0.0.1:5000/assessments/{about}"
        written = notify(person, kind.name, about=about, link=link, days=7)
        db.session.commit()
        if written is not None:
            db.session.refresh(written)
            db.session.expunge(written)
        return written


def test_the_page_is_linked_from_every_page_and_says_security_emails_always_come(app, trainee, auth: Auth):
    home = auth.client.get("/account/password").get_data(as_text=True)
    assert 'href="/account/emails"' in home and "How we email you" in home
    page = auth.client.get("/account/emails").get_data(as_text=True)
    assert "Security emails always come at once" in page and "You cannot turn them off" in page
    assert 'value="at_once" checked' in page and 'value="on" checked' in page  # the defaults, before any choice


def test_a_person_saves_a_daily_digest_and_reminders_off_and_sees_them_again(app, trainee, auth: Auth):
    saved = _choose(auth, "daily_digest", "off")
    assert saved.status_code == 302
    page = auth.client.get(saved.location).get_data(as_text=True)
    assert "Your choices have been saved" in page
    assert 'value="daily_digest" checked' in page and 'value="off" checked' in page
    with app.app_context():
        row = db.session.get(MessagePreference, trainee)
        assert (row.daily_digest, row.reminders) == (True, False)


def test_an_unknown_choice_is_refused_with_a_message_and_nothing_is_saved(app, trainee, auth: Auth):
    refused = _choose(auth, "hourly", "")
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Choose how often we email you" in page and "Choose whether we send you reminders" in page
    with app.app_context():
        assert db.session.get(MessagePreference, trainee) is None


def test_a_first_save_in_two_tabs_at_once_keeps_the_last_and_answers_both(app, trainee, auth: Auth):
    """The other tab's first save lands between this one's read (no row yet) and its insert."""
    other_tab = {"saved": False}

    def other_tab_saves_first(session, _context, _instances):  # type: ignore[no-untyped-def]
        if not other_tab["saved"] and any(isinstance(o, MessagePreference) for o in session.new):
            other_tab["saved"] = True
            with db.engine.begin() as connection:
                connection.execute(
                    insert(MessagePreference).values(user_id=trainee, daily_digest=False, reminders=True)
                )

    with app.app_context():
        event.listen(db.session, "before_flush", other_tab_saves_first)
        try:
            saved = _choose(auth, "daily_digest", "off")
        finally:
            event.remove(db.session, "before_flush", other_tab_saves_first)
    assert other_tab["saved"] and saved.status_code == 302
    with app.app_context():
        row = db.session.get(MessagePreference, trainee)
        assert (row.daily_digest, row.reminders) == (True, False)


def test_the_page_needs_signing_in(app, client):  # type: ignore[no-untyped-def]
    assert client.get("/account/emails").headers["Location"].startswith("/sign-in")


def test_reminders_off_writes_no_reminder_and_activity_still_goes_at_once(app, trainee, auth: Auth):
    _choose(auth, "at_once", "off")
    assert _tell(app, trainee, DEADLINE, "case-study:1") is None
    assert _tell(app, trainee, ANSWERED, "request:1").state is MessageStatus.PENDING


def test_security_emails_ignore_every_choice(app, trainee, auth: Auth):
    _choose(auth, "daily_digest", "off")
    with app.app_context():
        invite(db.session.get(User, trainee))
        db.session.commit()
        assert db.session.scalars(select(Message.status)).one() == MessageStatus.PENDING.value


def test_the_daily_digest_bundles_what_waited_into_one_email(app, trainee, auth: Auth, smtp_server):
    _choose(auth, "daily_digest", "on")
    first = _tell(app, trainee, ANSWERED, "request:1")
    second = _tell(app, trainee, DEADLINE, "case-study:2")
    assert (first.state, second.state) == (MessageStatus.DIGEST, MessageStatus.DIGEST)
    with app.app_context():
        assert deliver_due().sent == 0  # nothing goes before the digest
        assert bundle_digests() == 1
        assert bundle_digests() == 0  # a second run bundles nothing again
        statuses = dict(db.session.execute(select(Message.id, Message.status)).all())
        assert statuses[first.id] == statuses[second.id] == MessageStatus.BUNDLED.value
        assert deliver_due().sent == 1
    [digest] = smtp_server.messages
    assert digest["Subject"] == "NPQ for SENCOs: 2 updates for you"
    text = digest.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert "1. Your mentor answered your request\nhttp://127.0.0.1:5000/assessments/request:1" in text
    assert "2. Your case study is due soon\nhttp://127.0.0.1:5000/assessments/case-study:2" in text
    assert "To get each email at once instead" in text


def test_choices_are_in_the_persons_export_and_go_when_they_are_erased(app, trainee, auth: Auth, make_person):
    _choose(auth, "daily_digest", "off")
    admin = make_person("admin@example.org", Role.ADMIN)
    with app.app_context():
        exported = subject_access.collect(trainee).data()["Emails"]["message_preference"]
        assert [(r["daily_digest"], r["reminders"]) for r in exported] == [(True, False)]
        erasure.erase_person(trainee, admin)
        assert db.session.get(MessagePreference, trainee) is None
