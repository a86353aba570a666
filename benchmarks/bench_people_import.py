"""Importing 1,250 people from a CSV file and 5,000 (4× the rows), through the page, as an administrator.

Each file is uploaded (checked and staged) and confirmed (checked again, saved, every new person
invited): the two requests are timed together, each size on a fresh database. The time is the
process's CPU time (SQLite runs in the process, so it is all the work): on a shared 2-core machine
the wall-clock time mostly measures how long other people's work kept us waiting, and a ratio of
waits says nothing of growth. One line in ten is a
mentor; the others are trainees enrolled on a cohort with a mentor from the same file, so the
enrolment columns are checked and saved too. Linear growth means 4× the rows cost about 4× the
time. Target: ≤ 5×. Best of REPEATS per size.

The invitations must be queued, not sent inside the request: every SMTP connection the process
opens during the requests is counted (``smtplib.SMTP.connect``, which Flask-Mail and anything else
on smtplib goes through), and must be 0, while the message table holds one invitation waiting to
be sent per new person. BENCH_PEOPLE=250 makes a quicker, smaller run.
"""

from __future__ import annotations

import io
import os
import re
import smtplib
import tempfile
import time
from datetime import date, timedelta
from typing import Any

SMALL = int(os.environ.get("BENCH_PEOPLE", "1250"))
GROWTH = 4
TARGET_RATIO = 5.0
REPEATS = 2
COHORT = "Bench cohort"
ADMIN_PASSWORD = "quartz lantern over seven meadows"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SMTP_CONNECTIONS = [0]


def document(people: int) -> bytes:
    lines = ["name,email,roles,cohort,mentor_emails,school,became_senco"]
    for i in range(people):
        if i % 10 == 0:
            lines.append(f"Mentor {i},mentor{i}@bench.example,mentor,,,,")
        else:
            mentor = i - i % 10
            lines.append(
                f"Trainee {i},trainee{i}@bench.example,trainee,{COHORT},mentor{mentor}@bench.example,"
                f"School {i % 50},1/9/2024"
            )
    return ("\r\n".join(lines) + "\r\n").encode()


def _counting_connect(original: Any) -> Any:
    def connect(self: smtplib.SMTP, *args: Any, **kwargs: Any) -> Any:
        SMTP_CONNECTIONS[0] += 1
        return original(self, *args, **kwargs)

    return connect


def _world(folder: str) -> Any:
    from flask_migrate import upgrade

    from assessments import services
    from assessments.demo import published_programme
    from core.accounts import services as accounts
    from core.accounts.roles import Role
    from core.app import create_app
    from core.content import loaders

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            "INSTANCE_PATH": folder,
            "JOBS_RUNNER": "none",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": True,
        }
    )
    with app.app_context():
        upgrade()
        for loader in loaders():
            if loader.name == "Catalogue":
                loader.load()
        accounts.create_person("Ada Admin", "admin@bench.example", ADMIN_PASSWORD, {Role.ADMIN})
        services.create_cohort(COHORT, published_programme(date.today() - timedelta(days=30)).id)
    return app


def _token(client: Any, url: str) -> str:
    match = CSRF.search(client.get(url).get_data(as_text=True))
    assert match, url
    return match.group(1)


def timed_import(raw: bytes) -> tuple[float, float, int, int]:
    """CPU and wall seconds for the upload and the confirm; invitations waiting to be sent; SMTP connections."""
    from sqlalchemy import func, select

    from core.extensions import db
    from core.messages import Message, MessageStatus

    with tempfile.TemporaryDirectory(prefix="bench-people-") as folder:
        app = _world(folder)
        client = app.test_client()
        client.post(
            "/sign-in",
            data={"csrf_token": _token(client, "/sign-in"), "email": "admin@bench.example", "password": ADMIN_PASSWORD},
        )
        upload_token = _token(client, "/admin/people/import")
        SMTP_CONNECTIONS[0] = 0
        started, wall = time.process_time(), time.perf_counter()
        checked = client.post(
            "/admin/people/import",
            data={"csrf_token": upload_token, "document": (io.BytesIO(raw), "people.csv")},
            content_type="multipart/form-data",
        )
        assert checked.status_code == 302, checked.get_data(as_text=True)[:2000]
        confirmed = client.post(checked.headers["Location"], data={"csrf_token": upload_token})
        took, wall = time.process_time() - started, time.perf_counter() - wall
        assert confirmed.status_code == 302
        sent_during = SMTP_CONNECTIONS[0]
        with app.app_context():
            queued = db.session.scalar(
                select(func.count())
                .select_from(Message)
                .where(Message.kind == "invitation", Message.status == MessageStatus.PENDING.value)
            )
            db.engine.dispose()
        return took, wall, queued or 0, sent_during


def best(raw: bytes) -> tuple[float, float, int, int]:
    runs = [timed_import(raw) for _ in range(REPEATS)]
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[-1][2], max(r[3] for r in runs)


def main() -> None:
    smtplib.SMTP.connect = _counting_connect(smtplib.SMTP.connect)  # type: ignore[method-assign]
    load_before = os.getloadavg()[0]
    small_seconds, small_wall, small_queued, small_smtp = best(document(SMALL))
    large_seconds, large_wall, large_queued, large_smtp = best(document(SMALL * GROWTH))
    ratio = large_seconds / small_seconds
    queued_ok = (small_queued, large_queued) == (SMALL, SMALL * GROWTH) and small_smtp == large_smtp == 0
    print("people import from a CSV file (upload + confirm, through the page; 1 in 10 a mentor, the rest enrolled)")
    print(
        f"  {SMALL:>6,} people  {small_seconds:7.2f} s CPU ({small_wall:.1f} s wall)  {small_queued:,} invitations queued, {small_smtp} SMTP connections"
    )
    print(
        f"  {SMALL * GROWTH:>6,} people  {large_seconds:7.2f} s CPU ({large_wall:.1f} s wall)  {large_queued:,} invitations queued, "
        f"{large_smtp} SMTP connections"
    )
    print(
        f"  {GROWTH}× the rows = {ratio:.1f}× the time (target ≤ {TARGET_RATIO:g}×) "
        f"{'OK' if ratio <= TARGET_RATIO else 'ABOVE TARGET'}; invitations queued, none sent in the request: "
        f"{'OK' if queued_ok else 'MISSED'}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )


if __name__ == "__main__":
    main()
