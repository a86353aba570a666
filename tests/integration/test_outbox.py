"""With no mail server set up, every message is written to instance/outbox/ and shown to
administrators on the Outbox page; the files are private, erased with the person and purged."""

from __future__ import annotations

import email
import stat
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select, update

from core.accounts.models import User
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from core.messages import Message, MessageStatus, notify
from core.messages.delivery import deliver_due
from core.privacy import erasure, retention
from tests.conftest import Auth

LINK = "http://127.0.0.1:5000/account/invitation/" + "T" * 43  # as long as a real link's secret


def _write(app: Flask, person_id: int, about: str = "one") -> int:
    with app.app_context():
        person = db.session.get(User, person_id)
        message = notify(person, "invitation", about=about, link=LINK, days=7)
        db.session.commit()
        return message.id


def _outbox(app: Flask) -> Path:
    return Path(app.instance_path) / "outbox"


def test_without_a_mail_server_each_message_is_written_as_a_private_eml_file_and_marked_sent(app, make_person):
    person_id = make_person("mentor@example.org", Role.MENTOR, name="Mo Mentor")
    message_id = _write(app, person_id)
    with app.app_context():
        assert deliver_due().sent == 1
        row = db.session.get(Message, message_id)
        assert row.state is MessageStatus.SENT and row.attempts == 1
    file = _outbox(app) / f"message-{message_id}.eml"
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert stat.S_IMODE(_outbox(app).stat().st_mode) == 0o700
    parsed = email.message_from_bytes(file.read_bytes())
    assert parsed["To"] == "mentor@example.org"
    assert parsed["Subject"] == "You have been invited to NPQ for SENCOs: choose your password"
    assert parsed["Message-ID"].startswith(f"<npq-senco.{message_id}.")
    assert "Dear Mo Mentor" in parsed.get_payload(decode=True).decode()


def test_the_outbox_page_lists_messages_newest_first_and_shows_each_text_escaped(app, make_person, auth: Auth):
    person_id = make_person("mentor@example.org", Role.MENTOR, name="<b>Mo</b> Mentor")
    first = _write(app, person_id, "first")
    second = _write(app, person_id, "second")
    with app.app_context():
        deliver_due()
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")
    page = auth.client.get("/admin/outbox/").get_data(as_text=True)
    assert "Showing 1 to 2 of 2 emails" in page
    assert page.index(f"/admin/outbox/{second}") < page.index(f"/admin/outbox/{first}")
    assert "mentor@example.org" in page and "Sent" in page and "instance/outbox/" in page
    one = auth.client.get(f"/admin/outbox/{first}").get_data(as_text=True)
    assert "Dear &lt;b&gt;Mo&lt;/b&gt; Mentor" in one and "<b>Mo</b>" not in one
    # Nothing leaves the machine in the embedded default: the outbox is how the link reaches the person.
    assert LINK in one
    assert auth.client.get("/admin/outbox/999999").status_code == 404


def test_the_outbox_is_for_administrators_only(app, make_person, auth: Auth):
    person_id = make_person("mentor@example.org", Role.MENTOR)
    message_id = _write(app, person_id)
    auth.sign_in("mentor@example.org")
    assert auth.client.get("/admin/outbox/").status_code == 403
    assert auth.client.get(f"/admin/outbox/{message_id}").status_code == 403
    assert "Outbox" not in auth.client.get("/account/emails").get_data(as_text=True)


def test_erasing_a_person_removes_their_messages_and_outbox_files(app, make_person):
    person_id = make_person("mentor@example.org", Role.MENTOR)
    message_id = _write(app, person_id)
    admin = make_person("admin@example.org", Role.ADMIN)
    with app.app_context():
        deliver_due()
        assert (_outbox(app) / f"message-{message_id}.eml").exists()
        erasure.erase_person(person_id, admin)
        assert db.session.scalars(select(Message)).all() == []
    assert not (_outbox(app) / f"message-{message_id}.eml").exists()


def test_the_retention_purge_removes_old_sent_messages_and_their_files_but_keeps_waiting_ones(app, make_person):
    person_id = make_person("mentor@example.org", Role.MENTOR)
    sent = _write(app, person_id, "sent")
    with app.app_context():
        deliver_due()
    waiting = _write(app, person_id, "waiting")
    with app.app_context():
        long_ago = utcnow() - timedelta(days=3 * 365)
        db.session.execute(update(Message).values(created_at=long_ago))
        db.session.commit()
        retention.purge(utcnow())
        assert db.session.scalars(select(Message.id)).all() == [waiting]
    assert not (_outbox(app) / f"message-{sent}.eml").exists()


def test_a_long_list_counts_its_rows_with_thousands_separated(app: Flask) -> None:
    from flask import render_template_string

    from core.paging import Page

    include = '{% set noun = "emails" %}{% include "includes/pagination.html" %}'
    with app.test_request_context():
        html = render_template_string(include, page=Page((), 201, 25, 5015), page_url=lambda n: f"?page={n}")
    assert "Showing 5,001 to 5,015 of 5,015 emails" in html
