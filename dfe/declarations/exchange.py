"""A declaration as the DfE's API spells it, both ways: the request this app sends
(``ParticipantDeclarationRequest``) and the columns a declaration read from the DfE sets here.

Source: ``public/api/docs/v3/swagger.yaml`` of DFE-Digital/npq-registration (commit 9e9784a).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dfe.contract import COURSE
from dfe.milestones import RETRACTED, DeclarationType
from dfe.models import DfeDeclaration

RETRACTED_STATES = frozenset(s.value for s in RETRACTED)


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def remote_values(resource: dict[str, Any]) -> dict[str, Any]:
    """The columns a declaration read from the DfE sets here."""
    attributes = resource["attributes"]
    has_passed = attributes.get("has_passed")
    values: dict[str, Any] = {
        "remote_id": resource["id"],
        "state": attributes["state"],
        "statement_id": attributes.get("statement_id"),
        "clawback_statement_id": attributes.get("clawback_statement_id"),
        "remote_updated_at": attributes.get("updated_at"),
    }
    if isinstance(has_passed, bool) or has_passed is None:
        values["has_passed"] = has_passed
    if (declared := _parse_time(attributes.get("declaration_date"))) is not None:
        values["declaration_date"] = declared
    return values


def request_body(row: DfeDeclaration) -> dict[str, Any]:
    """The request the document asks for (ParticipantDeclarationRequest): has_passed for completed only."""
    declared = row.declaration_date
    declared = declared.astimezone(UTC) if declared.tzinfo else declared.replace(tzinfo=UTC)
    attributes: dict[str, Any] = {
        "participant_id": row.participant_id,
        "declaration_type": row.declaration_type,
        "declaration_date": declared.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "course_identifier": COURSE,
    }
    if row.declaration_type == DeclarationType.COMPLETED.value:
        attributes["has_passed"] = bool(row.has_passed)
    return {"data": {"type": "participant-declaration", "attributes": attributes}}
