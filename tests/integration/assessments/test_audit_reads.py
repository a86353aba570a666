"""Reading someone's record leaves a trace: an observation page, a record or plan PDF, a CSV file, a
settings change each record who did it and whose record it was, and never what the record says."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

from sqlalchemy import select

from assessments import services
from assessments.models import Cohort
from assessments.services import moderation
from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.audit import Action
from core.audit.models import AuditEvent
from core.extensions import db

from .conftest import TODAY

CANARY = "Canary comment 7f3a: the child's voice was read out, not heard."
CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")
EVIDENCE = {
    "judgements": [{"criterion": k, "level": 3, "comment": CANARY if k == "child-voice" else ""} for k in CRITERIA],
    "faults": [],
}


def _observed(app, enrolment_id: int, mentor_id: int) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        given = services.ObservationInput(
            "annual-review",
            TODAY - timedelta(days=3),
            "Meeting room",
            ("Parents or carers",),
            EVIDENCE,
            "obs-audit",
            True,
        )
        return services.record_observation(enrolment_id, mentor_id, given, TODAY).id


def _events(app, action: Action) -> list[tuple[int | None, int | None, str, int | None, dict]]:  # type: ignore[no-untyped-def,type-arg]
    with app.app_context():
        found = db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
        return [(e.actor_id, e.person_id, e.subject_type, e.subject_id, e.details) for e in found]


def test_viewing_and_downloading_a_record_records_who_and_whose(app, client, auth, people, enrolment_id):  # type: ignore[no-untyped-def]
    observation_id = _observed(app, enrolment_id, people["mentor"])
    auth.sign_in("mentor@example.org")
    assert client.get(f"/assessments/observations/{observation_id}").status_code == 200
    assert client.get(f"/assessments/observations/{observation_id}/record.pdf").status_code == 200
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    assert client.get(f"/assessments/observations/{observation_id}/record.pdf").status_code == 200

    assert _events(app, Action.OBSERVATION_VIEWED) == [
        (people["mentor"], people["trainee"], "observation", observation_id, {})
    ]
    record = {"document": "observation_record"}
    assert _events(app, Action.PDF_DOWNLOADED) == [
        (people["mentor"], people["trainee"], "observation", observation_id, record),
        (people["trainee"], people["trainee"], "observation", observation_id, record),
    ]


def test_a_refused_download_records_nothing(app, client, auth, people, enrolment_id):  # type: ignore[no-untyped-def]
    observation_id = _observed(app, enrolment_id, people["mentor"])
    auth.sign_in("other@example.org")  # another trainee's mentor
    assert client.get(f"/assessments/observations/{observation_id}/record.pdf").status_code == 404
    assert _events(app, Action.PDF_DOWNLOADED) == []


def test_a_designer_taking_a_plan_and_the_cohort_grid_is_recorded(
    app, client, auth, make_person, people, enrolment_id, cohort_id
):  # type: ignore[no-untyped-def]
    designer_id = make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    assert client.get(f"/assessments/enrolments/{enrolment_id}/training-plan.pdf").status_code == 200
    assert client.get(f"/assessments/cohorts/{cohort_id}/grid.csv").status_code == 200
    assert _events(app, Action.PDF_DOWNLOADED) == [
        (designer_id, people["trainee"], "enrolment", enrolment_id, {"document": "training_plan"})
    ]
    assert _events(app, Action.CSV_EXPORTED) == [(designer_id, None, "cohort", cohort_id, {"document": "cohort_grid"})]


def test_a_settings_change_names_the_fields_changed_and_not_their_values(app, cohort_id):  # type: ignore[no-untyped-def]
    with app.app_context():
        moderation.set_policy(cohort_id, "0.45", 7)
    [(actor, person, subject, subject_id, details)] = _events(app, Action.SETTINGS_CHANGED)
    assert (actor, person, subject, subject_id) == (None, None, "cohort", cohort_id)
    assert details["settings"] == "moderation" and {"minimum_kappa", "min_pairs"} <= set(details["fields"])
    assert "0.45" not in json.dumps(details)


def test_no_event_or_audit_page_holds_the_text_of_a_comment(app, client, auth, make_person, people, enrolment_id):  # type: ignore[no-untyped-def]
    observation_id = _observed(app, enrolment_id, people["mentor"])
    auth.sign_in("mentor@example.org")
    client.get(f"/assessments/observations/{observation_id}")
    client.get(f"/assessments/observations/{observation_id}/record.pdf")
    auth.sign_out()
    with app.app_context():
        stored = [json.dumps(e.details) for e in db.session.scalars(select(AuditEvent))]
    assert len(stored) >= 2 and not any("Canary" in text or "7f3a" in text for text in stored)
    make_person("admin@example.org", Role.ADMIN)
    auth.sign_in("admin@example.org")
    page = client.get("/audit/").get_data(as_text=True)
    assert "Viewed an observation" in page and "Canary" not in page


def test_a_cohort_settings_save_names_the_settings_changed(app, cohort_id):  # type: ignore[no-untyped-def]
    with app.app_context():
        cohort = db.session.get(Cohort, cohort_id)
        current = services.cohorts.settings_of(cohort)
        stricter = dataclasses.replace(
            current, sign_off={**current.sign_off, "min_met": current.sign_off["min_met"] + 1}
        )
        services.cohorts.update_settings(cohort_id, stricter, cohort.lock_version)
    [(_, _, subject, subject_id, details)] = _events(app, Action.SETTINGS_CHANGED)
    assert (subject, subject_id) == ("cohort", cohort_id)
    assert details == {"settings": "cohort", "fields": ["sign_off_policy"]}


def test_reading_an_observation_through_the_api_is_recorded_for_the_tokens_owner(app, client, people, enrolment_id):  # type: ignore[no-untyped-def]
    observation_id = _observed(app, enrolment_id, people["mentor"])
    with app.app_context():
        token = api_tokens.issue_token(db.session.get(User, people["mentor"]), "script")
    response = client.get(f"/api/v1/observations/{observation_id}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json["id"] == observation_id
    assert _events(app, Action.OBSERVATION_VIEWED) == [
        (people["mentor"], people["trainee"], "observation", observation_id, {"via": "api"})
    ]


def test_the_register_the_agreement_report_and_the_moderation_pack_are_recorded(
    app, client, auth, make_person, cohort_id
):  # type: ignore[no-untyped-def]
    moderator_id = make_person("moderator@example.org", Role.MODERATOR, Role.DESIGNER)
    auth.sign_in("moderator@example.org")
    assert client.get("/assessments/register.csv?show=all").status_code == 200
    assert client.get(f"/assessments/moderation/cohorts/{cohort_id}/report.csv").status_code == 200
    assert client.get(f"/assessments/moderation/cohorts/{cohort_id}/pack.zip").status_code == 200
    assert _events(app, Action.CSV_EXPORTED) == [
        (moderator_id, None, "cohort", None, {"document": "register"}),
        (moderator_id, None, "cohort", cohort_id, {"document": "agreement_report"}),
    ]
    assert _events(app, Action.ZIP_DOWNLOADED) == [
        (moderator_id, None, "cohort", cohort_id, {"document": "moderation_pack"})
    ]
