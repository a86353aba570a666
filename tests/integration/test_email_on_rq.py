"""With REDIS_URL set, writing a message enqueues one delivery job on Redis, and an RQ worker (a
process of its own, configured by the environment as a server is) sends it to the SMTP server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from sqlalchemy import select

from core import jobs
from core.accounts.invitations import invite
from core.accounts.models import NO_PASSWORD, User
from core.accounts.roles import Role
from core.extensions import db
from core.messages import Message, MessageStatus
from core.messages.delivery import DELIVERY_JOB
from tests.conftest import _empty_all_tables, make_app
from tests.redis_queue import REDIS_URL, queue_name  # noqa: F401 (a fixture)
from tests.smtp import SmtpServer

FLASK = Path(sys.executable).with_name("flask")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(database_url, tmp_path, queue_name, smtp_server: SmtpServer):  # type: ignore[no-untyped-def]
    app = make_app(
        database_url,
        INSTANCE_PATH=str(tmp_path),
        REDIS_URL=REDIS_URL,
        JOB_QUEUE=queue_name,
        JOBS_RUNNER="rq",
        **smtp_server.config(),
    )
    yield app
    with app.app_context():
        _empty_all_tables()
        db.engine.dispose()


def test_an_rq_worker_sends_the_message_a_request_wrote(app, database_url, tmp_path, queue_name, smtp_server):
    with app.app_context():
        for email in ("first@example.org", "second@example.org"):
            person = User(name="Nia Newcomer", email=email, password_hash=NO_PASSWORD)
            person.set_roles({Role.TRAINEE})
            db.session.add(person)
            db.session.flush()
            invite(person)
            db.session.commit()
    assert Queue(queue_name, connection=Redis.from_url(REDIS_URL)).count == 1  # one job for both messages

    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(tmp_path),
        "REDIS_URL": REDIS_URL,
        "JOB_QUEUE": queue_name,
        "SECRET_KEY": app.config["SECRET_KEY"],
        "JOBS_DAILY": "0",
        "MAIL_SERVER": smtp_server.host,
        "MAIL_PORT": str(smtp_server.port),
    }
    done = subprocess.run(
        [str(FLASK), "--app", "wsgi", "jobs", "worker", "--burst"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(m["To"] for m in smtp_server.messages) == ["first@example.org", "second@example.org"]
    with app.app_context():
        assert set(db.session.scalars(select(Message.status))) == {MessageStatus.SENT.value}
        job = db.session.scalars(select(jobs.Job).where(jobs.Job.kind == DELIVERY_JOB)).one()
        assert job.state is jobs.JobStatus.DONE
