"""The sync readers ``declarations`` and ``statements`` (``flask dfe sync``, the daily job): each
row's state and statements kept in step with the DfE.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.clock import utcnow
from core.extensions import db
from dfe import sync
from dfe.client import DfeClient
from dfe.contract import COURSE, QUEUED, Environment
from dfe.declarations.exchange import RETRACTED_STATES, remote_values
from dfe.models import DfeDeclaration, DfeParticipant, DfeStatement
from dfe.schemas import DECLARATION, STATEMENT, read


def _upsert_declaration(record_: dict[str, Any], env: Environment) -> bool | str:
    resource = read(DECLARATION, record_)
    attributes = resource["attributes"]
    if attributes["course_identifier"] != COURSE:
        return f"{resource['id']} is for {attributes['course_identifier']}"
    values = remote_values(resource)
    row = db.session.scalar(select(DfeDeclaration).where(DfeDeclaration.remote_id == resource["id"]))
    if row is None:  # ours, sent before a crash and not yet recorded: adopt it
        row = db.session.scalar(
            select(DfeDeclaration).where(
                DfeDeclaration.environment == env.value,
                DfeDeclaration.participant_id == attributes["participant_id"],
                DfeDeclaration.declaration_type == attributes["declaration_type"],
                DfeDeclaration.state == QUEUED,
                DfeDeclaration.remote_id.is_(None),
            )
        )
        if row is not None and attributes["state"] in RETRACTED_STATES:
            row = None  # a retracted one at the DfE is not the one waiting here
    if row is None:
        participant = db.session.scalar(
            select(DfeParticipant).filter_by(environment=env.value, participant_id=attributes["participant_id"])
        )
        row = DfeDeclaration(
            environment=env.value,
            participant_id=attributes["participant_id"],
            enrolment_id=participant.enrolment_id if participant else None,
            declaration_type=attributes["declaration_type"],
            why="Read from the DfE: not submitted through this app",
            errors=[],
        )
        try:
            with db.session.begin_nested():
                for name, value in values.items():
                    setattr(row, name, value)
                db.session.add(row)
        except IntegrityError:
            return f"{resource['id']}: another {attributes['declaration_type']} declaration stands here"
        return True
    changed = any(getattr(row, name) != value for name, value in values.items() if name != "remote_updated_at")
    for name, value in values.items():
        setattr(row, name, value)
    if row.sent_at is None:
        row.sent_at = utcnow()
    return changed


def read_declarations(client: DfeClient, env: Environment) -> sync.SyncResult:
    return sync.paged(client, env, "declarations", "/participant-declarations", _upsert_declaration)


def _upsert_statement(record_: dict[str, Any], env: Environment) -> bool | str:
    resource = read(STATEMENT, record_)
    attributes = resource["attributes"]
    row = db.session.get(DfeStatement, resource["id"])
    values = {
        "environment": env.value,
        "month": attributes.get("month") or "",
        "year": attributes.get("year") or "",
        "cohort": attributes.get("cohort") or "",
        "cut_off_date": attributes.get("cut_off_date"),
        "payment_date": attributes.get("payment_date"),
        "paid": bool(attributes.get("paid")),
    }
    if row is None:
        db.session.add(DfeStatement(id=resource["id"], remote_updated_at=attributes.get("updated_at"), **values))
        return True
    changed = any(getattr(row, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(row, name, value)
    row.remote_updated_at, row.synced_at = attributes.get("updated_at"), utcnow()
    return changed


def read_statements(client: DfeClient, env: Environment) -> sync.SyncResult:
    return sync.paged(client, env, "statements", "/statements", _upsert_statement)


def init_app() -> None:
    sync.register("declarations", read_declarations)
    sync.register("statements", read_statements)
