"""Canaries after erasure: one person seeded with unique words in every table and file that can hold
them (as a trainee, as a mentor of another trainee, as a designer), exported, erased; then every
text column of every table, every file under the instance folder (stored PDFs read with pypdf,
ZIPs opened) and the export are searched for the words.

``seed`` and ``search`` are shared with ``tests/integration/test_erasure_canaries.py``.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from pypdf import PdfReader
from sqlalchemy import JSON, String, Text, select

from core.extensions import db

PASSWORD = "quartz lantern over seven meadows"
NAME = "Quilla Canaryname"
EMAIL = "quilla.canaryname@canary.example"
# One word per place, so that a finding says where it came from.
CANARIES = {
    "name": "Canaryname",
    "email": EMAIL,
    "school": "Canaryschool Academy",
    "setting": "Canarysetting hall",
    "present_notes": "canary-present-notes",
    "comment": "canary-mentor-comment",
    "reflection": "canary-reflection",
    "revision_reason": "canary-revision-reason",
    "request_note": "canary-request-note",
    "decline_reason": "canary-decline-reason",
    "next_step": "canary-next-step",
    "moderator_comment": "canary-moderator-comment",
    "appeal_reason": "canary-appeal-reason",
    "token_name": "canary-token-name",
    "address": "198.51.100.77",
}
# Written into the export only (the person's own data comes back as held): the erasure must not
# be judged on these, and the export must hold each.
CHECKED_IN_EXPORT = tuple(CANARIES)


@dataclass
class Seeded:
    person_id: int
    admin_id: int
    cohort_id: int
    stored_pdfs: int = 0
    job_results: int = 0
    tables: set[str] = field(default_factory=set)


def _person(name: str, email: str, *roles: Any) -> int:
    from core.accounts import services as accounts

    return accounts.create_person(name, email, PASSWORD, set(roles)).id


def seed(app: Flask, today: date | None = None, files: bool = True) -> Seeded:
    """The canary person and everything they touch; needs the built-in content loaded. ``files``:
    also their stored PDFs and jobs' result files (the slow part: PDFs are rendered)."""
    from assessments import demo
    from assessments import services as assessments
    from assessments.services import appeals, calibration, feedback, moderation, plans, requests
    from assessments.services.enrolment_imports import enrolment_csv
    from core import importing, jobs
    from core.accounts import api_tokens, resets
    from core.accounts import services as accounts
    from core.accounts.roles import Role

    today = today or date.today()
    with app.app_context():
        person = _person(NAME, EMAIL, Role.TRAINEE, Role.MENTOR, Role.DESIGNER)
        admin = _person("Verify Administrator", "admin@canary.example", Role.ADMIN, Role.DESIGNER)
        mentor = _person("Verify Mentor", "mentor@canary.example", Role.MENTOR)
        other = _person("Verify Other Trainee", "other@canary.example", Role.TRAINEE)
        moderator = _person("Verify Moderator", "moderator@canary.example", Role.MODERATOR)
        demo.create_demo_cohort(EMAIL, "mentor@canary.example", today)
        mine = assessments.mentor_enrolments(mentor)[0]
        mine.school = CANARIES["school"]
        db.session.commit()
        cohort_id = mine.cohort_id
        # As a trainee: observations with canary comments, notes, setting; a correction; a reflection.
        first = assessments.observations_of(mine.id)[0]
        evidence = {
            "judgements": [{**j, "comment": CANARIES["comment"]} for j in first.evidence["judgements"]],
            "faults": [],
        }
        observed = assessments.record_observation(
            mine.id,
            mentor,
            assessments.ObservationInput(
                demo.DEMO_SCENARIO,
                today,
                CANARIES["setting"],
                ("Parents or carers",),
                evidence,
                "canary-observation",
                submit=True,
                present_notes=CANARIES["present_notes"],
            ),
            today,
        )
        assessments.amend_observation(
            observed.id,
            mentor,
            assessments.AmendmentInput(today, CANARIES["setting"], ("Parents or carers",), evidence),
            CANARIES["revision_reason"],
            observed.lock_version,
            today,
        )
        feedback.reflect(observed.id, person, CANARIES["reflection"])
        feedback.set_next_step(observed.id, mentor, "child-voice", CANARIES["next_step"])
        draft = assessments.record_observation(
            mine.id,
            mentor,
            assessments.ObservationInput(demo.DEMO_SCENARIO, today, "Classroom", (), evidence, "canary-draft"),
            today,
        )
        criteria = [c.key for c in feedback.rateable_criteria(draft)]
        feedback.self_assess(draft.id, person, dict.fromkeys(criteria, 2))
        asked = requests.ask(mine.id, person, mentor, demo.DEMO_SCENARIO, CANARIES["request_note"])
        requests.decline(asked.id, mentor, CANARIES["decline_reason"])
        requests.ask(mine.id, person, mentor, demo.DEMO_SCENARIO, CANARIES["request_note"])
        # Second-marked by a moderator with canary comments, settled, then appealed.
        moderation.draw_chosen(cohort_id, moderator, [observed.id])
        marks = {
            "judgements": [{**j, "comment": CANARIES["moderator_comment"]} for j in evidence["judgements"]],
            "faults": [],
        }
        moderation.record_marks(observed.id, moderator, marks)
        appeals.ask(observed.id, person, CANARIES["appeal_reason"])
        # As a mentor of another trainee: an observation of them, a calibration attempt.
        theirs = assessments.enrol(cohort_id, assessments.EnrolmentInput(other, (person,), "Other School"), today)
        assessments.record_observation(
            theirs.id,
            person,
            assessments.ObservationInput(
                demo.DEMO_SCENARIO, today, "Other room", (), first.evidence, "canary-as-mentor", submit=True
            ),
            today,
        )
        exemplar = calibration.publish(admin, demo.DEMO_SCENARIO, "Exemplar", "An account of practice.", first.evidence)
        calibration.score(exemplar.id, person, marks)
        # Accounts: a failed sign-in, an API token, a password reset asked for (waiting for its job).
        accounts.sign_in(EMAIL, "not the password at all", CANARIES["address"], accounts.ThrottlePolicy())
        resets.request_reset(EMAIL, CANARIES["address"])
        api_tokens.issue_token(db.session.get(accounts.User, person), CANARIES["token_name"])
        # Staged imports: theirs, and an administrator's CSV naming them.
        rows = f"trainee_email,mentor_emails\r\n{EMAIL},mentor@canary.example\r\n"
        later = assessments.create_cohort("Next cohort", mine.cohort.programme_version_id).id
        importing.stage(enrolment_csv(later, today), rows, admin)
        importing.stage(enrolment_csv(later, today), rows, person)
        # Files: the training plans (stored PDFs), a cohort's ZIP of plans as a job of theirs and of the admin's.
        from assessments.services import cohort_plans

        for enrolment in (mine, theirs) if files else ():
            plans.render_training_plan(enrolment.id)
        for owner in (person, admin) if files else ():
            jobs.execute(cohort_plans.start(cohort_id, owner).id)
        if files:  # the administrator's subject access export, downloaded as a job's result
            from core.privacy import export as subject_access

            jobs.execute(subject_access.start(person, admin, as_pdf=False).id)
        # Emails: everything written so far goes to the outbox (.eml files, the embedded default).
        from core.messages.delivery import deliver_due

        deliver_due()
        folder = Path(app.instance_path)
        return Seeded(
            person,
            admin,
            cohort_id,
            stored_pdfs=len(list((folder / "documents").glob("*.pdf"))),
            job_results=len([p for p in (folder / "job-results").glob("*") if p.is_file()]),
        )


def export(app: Flask, person_id: int) -> str:
    """The subject access export's JSON, as ``flask privacy export`` writes it (outside the
    instance folder, which is searched after erasure)."""
    from core.privacy import export as subject_access

    with app.app_context(), tempfile.TemporaryDirectory(prefix="verify-export-") as folder:
        output = Path(folder) / "export.json"
        subject_access.write(subject_access.collect(person_id), output, as_pdf=False)
        return output.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Finding:
    where: str  # "table.column #id" or a file's path under the instance folder
    canary: str


def _words() -> dict[str, str]:
    return {key: value.lower() for key, value in CANARIES.items()}


def _found_in(text: str, where: str) -> Iterator[Finding]:
    lowered = text.lower()
    for key, word in _words().items():
        if word in lowered:
            yield Finding(where, key)


def search_tables(app: Flask) -> list[Finding]:
    """Every text and JSON column of every table."""
    findings: list[Finding] = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            if not columns:
                continue
            for row in db.session.execute(select(*table.columns)):
                values = row._mapping
                for column in columns:
                    value = values[column.name]
                    if value is None:
                        continue
                    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    findings += _found_in(text, f"{table.name}.{column.name}")
        db.session.rollback()
    return findings


def _file_texts(path: Path, raw: bytes) -> Iterator[str]:
    """What a file says: a PDF's extracted text, a ZIP's members, or its bytes as text."""
    if raw.startswith(b"%PDF"):
        reader = PdfReader(io.BytesIO(raw))
        yield "\n".join(page.extract_text() or "" for page in reader.pages)
        yield str(reader.metadata or "")
    elif zipfile.is_zipfile(io.BytesIO(raw)):
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            for name in archive.namelist():
                yield name
                yield from _file_texts(path / name, archive.read(name))
    else:
        yield raw.decode("utf-8", errors="replace")


def search_files(folder: Path) -> list[Finding]:
    """Every file under the instance folder but the database itself (searched as tables)."""
    findings: list[Finding] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.endswith((".sqlite3", ".sqlite3-wal", ".sqlite3-shm")):
            continue
        for text in _file_texts(path, path.read_bytes()):
            findings += _found_in(text, str(path.relative_to(folder)))
    return findings


@dataclass
class Outcome:
    seeded: Seeded
    missing_from_export: list[str]
    before: list[Finding]
    after: list[Finding]
    kept: tuple[str, ...]


def run(app: Flask) -> Outcome:
    """Seed, export, erase, search: the whole row on one app (its database and instance folder)."""
    from core.privacy import erasure

    seeded = seed(app)
    exported = export(app, seeded.person_id).lower()
    missing = [key for key, word in _words().items() if key in CHECKED_IN_EXPORT and word not in exported]
    folder = Path(app.instance_path)
    before = search_tables(app) + search_files(folder)
    with app.app_context():
        erased = erasure.erase_person(seeded.person_id, seeded.admin_id)
    after = search_tables(app) + search_files(folder)
    return Outcome(seeded, missing, before, after, erased.kept)


def _app(url: str, folder: str) -> Flask:
    import logging

    from flask_migrate import upgrade

    from core.app import create_app
    from core.content import loaders

    # No background runner: the row runs each job itself, so none is still writing a file when the
    # erasure starts (the emails the seeding writes would otherwise start one).
    app = create_app(
        {
            "TESTING": False,
            "SECRET_KEY": "verify",
            "INSTANCE_PATH": folder,
            "SQLALCHEMY_DATABASE_URI": url,
            "JOBS_RUNNER": "none",
        }
    )
    app.logger.setLevel(logging.CRITICAL)
    with app.app_context():
        logging.disable(logging.INFO)
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        for loader in loaders():
            loader.load()
    return app


def describe(database: str, outcome: Outcome) -> tuple[str, bool]:
    places = len({f.where for f in outcome.before})
    ok = not outcome.missing_from_export and not outcome.after and bool(outcome.before)
    figure = (
        f"{database}: export holds {len(CHECKED_IN_EXPORT) - len(outcome.missing_from_export)} of "
        f"{len(CHECKED_IN_EXPORT)} canaries; {len(outcome.before)} canaries in {places} places before erasure "
        f"({outcome.seeded.stored_pdfs} stored PDFs, {outcome.seeded.job_results} job results), "
        f"{len(outcome.after)} after"
    )
    return figure, ok


def details(outcome: Outcome) -> list[str]:
    notes = [f"not in the export: {key}" for key in outcome.missing_from_export]
    notes += [f"left after erasure: {f.canary} in {f.where}" for f in outcome.after[:15]]
    return notes


def canaries_row(postgresql_url: str) -> tuple[str, bool, list[str]]:
    """Both databases in one row: a miss on either misses the row."""
    from verify import load

    results: list[tuple[str, Outcome]] = []
    with tempfile.TemporaryDirectory(prefix="verify-erasure-") as folder:
        app = _app(f"sqlite:///{folder}/erasure.sqlite3", folder)
        results.append(("SQLite", run(app)))
        with app.app_context():
            db.engine.dispose()
    if postgresql_url:
        with (
            tempfile.TemporaryDirectory(prefix="verify-erasure-pg-") as folder,
            load.postgresql_schema(postgresql_url) as url,
        ):
            app = _app(url, folder)
            results.append(("PostgreSQL", run(app)))
            with app.app_context():
                db.engine.dispose()
    described = [describe(name, outcome) for name, outcome in results]
    figure = "; ".join(f for f, _ in described) + (
        "" if postgresql_url else "; PostgreSQL not run: TEST_DATABASE_URL is not set"
    )
    notes = [n for _, outcome in results for n in details(outcome)]
    return figure, bool(postgresql_url) and all(ok for _, ok in described), notes
