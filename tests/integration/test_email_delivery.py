"""Emails reach a real SMTP server (started by the tests), sent by the job runner, once each:
retried while the server is down, never sent twice by two runs, never holding up a page."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from core import jobs
from core.accounts.invitations import invite
from core.accounts.models import NO_PASSWORD, User
from core.accounts.roles import Role
from core.audit import Action
from core.audit.models import AuditEvent
from core.clock import utcnow
from core.extensions import db
from core.messages import Message, MessageStatus
from core.messages.delivery import ATTEMPTS_MAX, DELIVERY_JOB, deliver_due
from core.messages.transports import SmtpTransport, email_for, message_id_header
from tests.conftest import Auth, _empty_all_tables, make_app
from tests.smtp import SmtpServer

SENDER = "NPQ for SENCOs <noreply@example.org>"
WAIT_SECONDS = 120  # an upper bound for the background runner, never an assertion about speed


@pytest.fixture
def app(database_url, tmp_path, smtp_server: SmtpServer):  # type: ignore[no-untyped-def]
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path), MAIL_DEFAULT_SENDER=SENDER, **smtp_server.config())
    yield app
    jobs.runner(app).stop()
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


def _invite(app: Flask, email: str = "new.trainee@example.org") -> int:
    """Add a person and invite them (the invitation is committed, so it is due to go); the message's id."""
    with app.app_context():
        person = User(name="Nia Newcomer", email=email, password_hash=NO_PASSWORD)
        person.set_roles({Role.TRAINEE})
        db.session.add(person)
        db.session.flush()
        invite(person)
        db.session.commit()
        return db.session.scalars(select(Message.id).where(Message.recipient_id == person.id)).one()


def _message(app: Flask, message_id: int) -> Message:
    with app.app_context():
        found = db.session.get(Message, message_id)
        db.session.expunge(found)
        return found


def test_a_message_reaches_the_mail_server_with_its_subject_text_addresses_and_message_id(app, smtp_server):
    message_id = _invite(app)
    with app.app_context():
        assert deliver_due().summary() == "Sent 1, to retry 0, failed 0."
    [received] = smtp_server.messages
    row = _message(app, message_id)
    assert received["Subject"] == "You have been invited to NPQ for SENCOs: choose your password"
    assert received["To"] == "new.trainee@example.org"
    assert received["From"] == SENDER
    assert smtp_server.recipients == [["new.trainee@example.org"]]
    with app.app_context():
        assert received["Message-ID"] == message_id_header(message_id, int(row.created_at.timestamp()))
    text = received.get_payload(decode=True).decode()
    assert "Dear Nia Newcomer" in text and "/account/invitation/" in text
    assert (row.state, row.attempts, row.error) == (MessageStatus.SENT, 1, None)
    assert row.sent_at is not None


def test_writing_a_message_queues_one_delivery_job_which_sends_everything_due(app, smtp_server):
    _invite(app, "first@example.org")
    _invite(app, "second@example.org")
    with app.app_context():
        queued = db.session.scalars(select(jobs.Job).where(jobs.Job.kind == DELIVERY_JOB)).all()
        assert [job.status for job in queued] == ["queued"]  # not one job per message
        assert jobs.execute(queued[0].id) is jobs.JobStatus.DONE
    assert sorted(m["To"] for m in smtp_server.messages) == ["first@example.org", "second@example.org"]


def test_while_the_server_is_down_a_message_waits_and_is_delivered_once_when_it_is_back(app, smtp_server):
    message_id = _invite(app)
    smtp_server.stop()
    with app.app_context():
        assert deliver_due().retrying == 1
    waiting = _message(app, message_id)
    assert (waiting.state, waiting.attempts) == (MessageStatus.PENDING, 1)
    assert waiting.send_after > waiting.created_at
    assert waiting.error == "The mail server refused the connection (is it running, at MAIL_SERVER and MAIL_PORT?)."
    with app.app_context():
        assert (
            deliver_due(now=waiting.send_after - timedelta(microseconds=1)).summary() == "Sent 0, to retry 0, failed 0."
        )

    smtp_server.start()
    with app.app_context():
        assert deliver_due(now=waiting.send_after).sent == 1
        assert deliver_due(now=waiting.send_after + timedelta(days=30)).sent == 0
    assert len(smtp_server.messages) == 1
    sent = _message(app, message_id)
    assert (sent.state, sent.attempts, sent.error) == (MessageStatus.SENT, 2, None)


def test_a_retry_that_falls_due_between_requests_is_sent_by_the_runners_periodic_check(app, smtp_server):
    message_id = _invite(app)
    smtp_server.stop()
    with app.app_context():
        assert jobs.execute(_queued_delivery()) is jobs.JobStatus.DONE  # the server is down: to retry later
        jobs.run_periodic(app)
        assert _queued_delivery() is None  # its time has not come: nothing is started
    waiting = _message(app, message_id)
    smtp_server.start()
    with app.app_context():
        db.session.execute(update(Message).values(send_after=waiting.created_at))  # now it has
        db.session.commit()
        app.extensions.pop("periodic_last", None)  # as a minute later
        jobs.run_periodic(app)
        assert jobs.execute(_queued_delivery()) is jobs.JobStatus.DONE
    assert [m["To"] for m in smtp_server.messages] == ["new.trainee@example.org"]


def _queued_delivery() -> int | None:
    return db.session.scalar(
        select(jobs.Job.id).where(jobs.Job.kind == DELIVERY_JOB, jobs.Job.status == jobs.JobStatus.QUEUED.value)
    )


def test_two_delivery_runs_at_once_send_one_copy(app, smtp_server):
    _invite(app)
    smtp_server.hold()  # the first run's message waits at the server for its answer
    first: list[object] = []

    def run() -> None:
        with app.app_context():
            first.append(deliver_due())

    sender = threading.Thread(target=run)
    sender.start()
    assert smtp_server.holding.wait(WAIT_SECONDS), "the first run never reached the server"
    with app.app_context():
        assert deliver_due().summary() == "Sent 0, to retry 0, failed 0."  # claimed by the first run
    smtp_server.release()
    sender.join(WAIT_SECONDS)
    assert first[0].sent == 1  # type: ignore[attr-defined]
    assert len(smtp_server.messages) == 1


def test_a_message_claimed_by_a_sender_that_died_is_sent_after_its_lease(app, smtp_server):
    message_id = _invite(app)
    with app.app_context():
        now = utcnow()
        from core.messages.delivery import _claim

        assert _claim(message_id, now)  # then the sender "dies": nothing marks it sent or failed
        assert deliver_due(now=now).sent == 0
        claimed = db.session.get(Message, message_id)
        assert claimed.state is MessageStatus.SENDING
        assert deliver_due(now=claimed.send_after).sent == 1
    assert len(smtp_server.messages) == 1


def test_a_slow_server_never_holds_up_the_page_that_wrote_the_message(database_url, tmp_path, smtp_server):
    app = make_app(database_url, INSTANCE_PATH=str(tmp_path), JOBS_RUNNER="local", **smtp_server.config())

    @app.post("/test-only/invite")
    def invite_someone() -> str:
        return str(_invite(app))

    invite_someone.is_public = True  # type: ignore[attr-defined]
    app.config["WTF_CSRF_ENABLED"] = False
    smtp_server.hold()
    try:
        answer = app.test_client().post("/test-only/invite")
        assert answer.status_code == 200
        message_id = int(answer.get_data(as_text=True))
        # The page has answered; the server has not taken the message yet (it is being held).
        assert _message(app, message_id).state in (MessageStatus.PENDING, MessageStatus.SENDING)
        assert smtp_server.messages == []
        assert smtp_server.holding.wait(WAIT_SECONDS), "the runner never reached the server"
        smtp_server.release()
        _wait_until_sent(app, message_id)
        assert len(smtp_server.messages) == 1
    finally:
        smtp_server.release()
        jobs.runner(app).stop()
        with app.app_context():
            _empty_all_tables()
            db.engine.dispose()


def _wait_until_sent(app: Flask, message_id: int) -> None:
    done = threading.Event()
    for _ in range(WAIT_SECONDS * 10):
        if _message(app, message_id).state is MessageStatus.SENT:
            return
        done.wait(0.1)
    raise AssertionError("the background runner did not send the message")


def test_a_message_that_keeps_failing_ends_failed_and_the_outbox_page_says_so(
    app, smtp_server, make_person, auth: Auth
):
    message_id = _invite(app)
    smtp_server.stop()
    with app.app_context():
        for _ in range(ATTEMPTS_MAX):
            deliver_due(now=db.session.get(Message, message_id).send_after)
            db.session.rollback()
    failed = _message(app, message_id)
    assert (failed.state, failed.attempts) == (MessageStatus.FAILED, ATTEMPTS_MAX)
    with app.app_context():
        assert deliver_due(now=failed.send_after + timedelta(days=30)).sent == 0  # never tried again

    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")
    page = auth.client.get("/admin/outbox/").get_data(as_text=True)
    assert "1 email could not be sent" in page
    assert "Failed" in page and "refused the connection" in page


def test_the_error_of_a_failed_message_never_holds_the_password(database_url, tmp_path, smtp_server):
    secret = "s3cret-smtp-password"
    app = make_app(
        database_url, INSTANCE_PATH=str(tmp_path), MAIL_USERNAME="app", MAIL_PASSWORD=secret, **smtp_server.config()
    )
    try:
        message_id = _invite(app)
        with app.app_context():
            assert deliver_due().retrying == 1
        error = _message(app, message_id).error
        assert error and secret not in error and "MAIL_USERNAME" in error
    finally:
        with app.app_context():
            _empty_all_tables()
            db.engine.dispose()


def test_flask_messages_send_delivers_what_is_due_and_list_shows_it(app, smtp_server):
    _invite(app)
    runner = app.test_cli_runner()
    sent = runner.invoke(args=["messages", "send"])
    assert sent.exit_code == 0 and "Sent 1, to retry 0, failed 0." in sent.output
    listed = runner.invoke(args=["messages", "list", "--status", "sent"])
    assert "new.trainee@example.org" in listed.output and "sent 1" in listed.output
    assert "is not one of" in runner.invoke(args=["messages", "list", "--status", "lost"]).output
    assert len(smtp_server.messages) == 1


def test_a_connection_the_server_closed_is_opened_again_for_the_next_message(app, smtp_server):
    with app.app_context():
        transport = SmtpTransport()
        try:
            transport.send(email_for(1, "one@example.org", "One", "First", 0), 1)
            smtp_server.stop()  # the server goes away between two messages of one run, and comes back
            smtp_server.start()
            transport.send(email_for(2, "two@example.org", "Two", "Second", 0), 2)
        finally:
            transport.close()
    assert [m["To"] for m in smtp_server.messages] == ["one@example.org", "two@example.org"]


def test_once_mail_really_goes_out_the_outbox_hides_the_secret_of_a_security_link(app, smtp_server, make_person, auth):
    message_id = _invite(app)
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")
    page = auth.client.get(f"/admin/outbox/{message_id}").get_data(as_text=True)
    assert "/account/invitation/[hidden: this link works once, for the person it was sent to]" in page
    with app.app_context():
        body = db.session.get(Message, message_id).body
        token = body.split("/account/invitation/")[1].split()[0]
        assert token not in page
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.MESSAGE_VIEWED.value))
        assert (event.subject_type, event.subject_id) == ("message", message_id)


def test_once_an_invitation_has_reached_the_mail_server_the_database_keeps_no_working_link(app, smtp_server):
    message_id = _invite(app)
    with app.app_context():
        deliver_due()
    [received] = smtp_server.messages
    path = received.get_payload(decode=True).decode().split("http://127.0.0.1:5000")[1].split()[0]
    token = path.rsplit("/", 1)[1]
    assert token not in _message(app, message_id).body  # a backup or an export gives nobody the link
    assert "[hidden: this link works once, for the person it was sent to]" in _message(app, message_id).body
    assert app.test_client().get(path).status_code == 200  # the person's own copy still works


def test_a_message_waiting_for_a_person_deactivated_meanwhile_is_not_sent(app, smtp_server):
    message_id = _invite(app)
    with app.app_context():
        person_id = db.session.get(Message, message_id).recipient_id
        db.session.execute(update(User).where(User.id == person_id).values(active=False, deactivated_at=utcnow()))
        db.session.commit()
        deliver_due()
    assert smtp_server.messages == []
    row = _message(app, message_id)
    assert row.state is MessageStatus.WITHHELD and "deactivated" in row.error  # not counted as a failure to fix
