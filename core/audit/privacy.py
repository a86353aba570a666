"""What the audit log holds about people, for the privacy registry: who did what, to whose record."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import or_, select

from core import privacy
from core.audit.models import AuditEvent
from core.extensions import db
from core.privacy import Basis, Erase, Export, Other, PersonalField, PersonalTable

SEEN_BY = "administrators (the audit log page)"
KEPT = "kept under the erased account, which names nobody: who read or changed a record must stay provable"

AUDIT_EVENT = PersonalTable(
    "audit_event",
    {
        "actor_id": PersonalField(f"who did it; {KEPT}", Basis.LEGAL_OBLIGATION, SEEN_BY, Export.AS_IS, Erase.KEEP),
        "person_id": PersonalField(
            f"whose record it was; {KEPT}", Basis.LEGAL_OBLIGATION, SEEN_BY, Export.AS_IS, Erase.KEEP
        ),
        "at": PersonalField("when", Basis.LEGAL_OBLIGATION, SEEN_BY, Export.AS_IS, Erase.KEEP),
        "details": PersonalField(
            "ids and names of fields or roles only, never text",
            Basis.LEGAL_OBLIGATION,
            SEEN_BY,
            Export.AS_IS,
            Erase.KEEP,
        ),
    },
    retention="audit_log",
    title="Who read or changed your records, and what you did as an administrator",
)


class AuditProvider(privacy.Provider):
    name = "Audit log"
    tables = (AUDIT_EVENT,)

    def export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        events = db.session.scalars(
            select(AuditEvent)
            .where(or_(AuditEvent.actor_id == person_id, AuditEvent.person_id == person_id))
            .order_by(AuditEvent.id)
        )
        return {
            "audit_event": [
                {
                    "at": e.at,
                    "by": Other(e.actor_id, "Staff member") if e.actor_id else "No one signed in",
                    "action": e.action.label,
                    "record": f"{e.subject_type} {e.subject_id or ''}".strip(),
                    "about": Other(e.person_id, "Person") if e.person_id else "",
                }
                for e in events
            ]
        }

    def erase(self, person_id: int) -> list[str]:
        return [f"Audit events by or about them: {KEPT}."]


def init_app(app: Flask) -> None:
    privacy.register(app, AuditProvider())
