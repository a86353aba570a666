"""Reading back what the DfE holds (two sync readers, :mod:`dfe.sync`): ``participants``
(``/participants/npq``) into DfeParticipant's training status, schedule and cohort, and
``outcomes`` (``/participants/npq/outcomes``, by ``filter[created_since]``) into
:class:`~dfe.models.DfeOutcome`. The sender keeps the DfE's answer to a report the same way.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from core.clock import utcnow
from core.extensions import db
from dfe import schemas, sync
from dfe.client import DfeClient
from dfe.contract import COURSE, Environment, cohort_year_of
from dfe.models import DfeApplication, DfeOutcome, DfeParticipant
from dfe.participants.reporting import participant_of


def senco_enrolment(found: dict[str, Any]) -> dict[str, Any] | None:
    for enrolment in found["attributes"].get("npq_enrolments") or []:
        if enrolment.get("course_identifier") == COURSE:
            return enrolment  # type: ignore[no-any-return]
    return None


def upsert_participant(raw: Any, env: Environment) -> bool | str:
    """Keep one participant as the DfE holds it; True when new or changed here."""
    found = schemas.read(schemas.PARTICIPANT, raw)
    enrolment = senco_enrolment(found)
    if enrolment is None:
        return f"participant {found['id']} has no NPQ for SENCOs enrolment"
    row = db.session.scalars(
        select(DfeParticipant).filter_by(environment=env.value, participant_id=found["id"])
    ).first()
    if row is None:
        row = DfeParticipant(environment=env.value, participant_id=found["id"], attributes={})
        db.session.add(row)
    application_id = enrolment.get("npq_application_id") or ""
    before = (row.training_status, row.schedule_identifier, row.cohort_year, row.attributes)
    row.training_status = enrolment.get("training_status")
    row.schedule_identifier = enrolment.get("schedule_identifier")
    row.cohort_year = cohort_year_of(enrolment.get("cohort"))
    row.attributes = {} if row.erased_at is not None else raw["attributes"]  # erased here: never written again
    row.remote_updated_at = found["attributes"].get("updated_at")
    row.synced_at = utcnow()
    if not row.application_id and application_id:
        row.application_id = application_id
    if row.enrolment_id is None and row.application_id:  # tie it to the enrolment its application became
        application = db.session.get(DfeApplication, row.application_id)
        if (
            application is not None
            and application.enrolment_id is not None
            and participant_of(application.enrolment_id) is None
        ):
            row.enrolment_id = application.enrolment_id
    return before != (row.training_status, row.schedule_identifier, row.cohort_year, row.attributes)


def _completion_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def upsert_outcome(raw: Any, env: Environment) -> bool | str:
    found = schemas.read(schemas.OUTCOME, raw)
    attributes = found["attributes"]
    if attributes.get("course_identifier") not in (None, COURSE):
        return f"outcome {found['id']} is for another course"
    row = db.session.get(DfeOutcome, found["id"])
    new = row is None
    if row is None:
        row = DfeOutcome(id=found["id"], environment=env.value)
        db.session.add(row)
    before = (row.state, row.completion_date)
    row.participant_id = attributes["participant_id"]
    row.state = attributes["state"]
    row.completion_date = _completion_date(attributes["completion_date"])
    row.remote_created_at = attributes.get("created_at")
    row.synced_at = utcnow()
    return new or before != (row.state, row.completion_date)


def _read_participants(client: DfeClient, env: Environment) -> sync.SyncResult:
    return sync.paged(client, env, "participants", "/participants/npq", upsert_participant)


def _read_outcomes(client: DfeClient, env: Environment) -> sync.SyncResult:
    return sync.paged(
        client, env, "outcomes", "/participants/npq/outcomes", upsert_outcome, since_param="filter[created_since]"
    )


def init_app() -> None:
    sync.register("participants", _read_participants)
    sync.register("outcomes", _read_outcomes)
