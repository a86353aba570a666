"""What the link to the DfE holds about people, for the privacy registry (core.privacy).

An application holds what the applicant gave the DfE (name, email, TRN, school, SENCO start date);
the participant, declarations, reports and outcomes hold the DfE's participant id and what was
declared. Applications are held to deliver the NPQ the person applied for (a contract); the
declarations are the provider's financial record with the DfE, kept with the enrolment. Erasure
empties what names the person here and keeps the DfE's ids, dates and states: the DfE holds its
own record, and the provider must be able to reconcile payments made on it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import or_, select, update

from assessments.models import Enrolment
from core import privacy
from core.accounts.models import User, utcnow
from core.extensions import db
from core.privacy import Basis, Erase, Export, ImpersonalTable, Other, PersonalField, PersonalTable
from dfe.models import DfeApplication, DfeDeclaration, DfeOutcome, DfeParticipant, DfeReport

STAFF = "administrators"


def _field(holds: str, erase: str = Erase.KEEP, export: str = Export.AS_IS) -> PersonalField:
    return PersonalField(holds, Basis.CONTRACT, STAFF, export, erase)


def _author(who: str) -> PersonalField:
    return _field(who, Erase.ANONYMISE, Export.OTHERS_REMOVED)


APPLICATION = PersonalTable(
    "dfe_application",
    {
        "participant_id": _field("the DfE's id of the applicant (kept: the DfE's record uses it)"),
        "full_name": _field("the applicant's name, as given to the DfE", Erase.ANONYMISE),
        "email": _field("the applicant's email address, as given to the DfE", Erase.ANONYMISE),
        "attributes": _field(
            "the application as the DfE holds it: TRN, school, role, funding, SENCO start date", Erase.ANONYMISE
        ),
        "funded_place": _field("whether the provider gave a DfE-funded place"),
        "rejection_reason": _field("why the provider rejected the application", Erase.ANONYMISE),
        "errors": _field("what the DfE said was wrong with the provider's last request", Erase.ANONYMISE),
        "enrolment_id": _field("the enrolment the accepted application became"),
        "decided_by_id": _author("the administrator who accepted or rejected it"),
    },
    retention="enrolments",
    title="Your application through the DfE",
    not_personal=("id", "status"),
)
PARTICIPANT = PersonalTable(
    "dfe_participant",
    {
        "participant_id": _field("the DfE's id of the participant (kept: declarations are paid on it)"),
        "enrolment_id": _field("the enrolment it is"),
        "attributes": _field("the participant as the DfE holds them: name, TRN, training status", Erase.ANONYMISE),
        "training_status": _field("whether the DfE holds the training as active, deferred or withdrawn"),
    },
    retention="enrolments",
    title="Your record at the DfE",
    not_personal=("application_id", "schedule_identifier", "cohort_year"),  # the DfE's ids and codes
)
DECLARATION = PersonalTable(
    "dfe_declaration",
    {
        "participant_id": _field("the DfE's id of the participant declared for"),
        "enrolment_id": _field("the enrolment declared for"),
        "declaration_type": _field("the milestone declared (started, retained, completed)"),
        "declaration_date": _field("when the milestone was reached"),
        "has_passed": _field("whether a completed participant passed"),
        "why": _field("the evidence that met the provider's rule, in words", Erase.ANONYMISE),
        "void_reason": _field("why a declaration was voided", Erase.ANONYMISE),
        "errors": _field("what the DfE said was wrong with it", Erase.ANONYMISE),
        "created_by_id": _author("who checked and submitted it"),
    },
    retention="enrolments",
    title="Declarations to the DfE",
    not_personal=("remote_id", "statement_id", "clawback_statement_id"),  # the DfE's ids of records
)
REPORT = PersonalTable(
    "dfe_report",
    {
        "participant_id": _field("the DfE's id of the participant"),
        "enrolment_id": _field("the enrolment it is about"),
        "payload": _field("what was told to the DfE: withdrawal, deferral or schedule, with the reason code"),
        "errors": _field("what the DfE said was wrong with it", Erase.ANONYMISE),
        "created_by_id": _author("who made the change"),
    },
    retention="enrolments",
    title="Changes told to the DfE",
)
OUTCOME = PersonalTable(
    "dfe_outcome",
    {
        "participant_id": _field("the DfE's id of the participant"),
        "state": _field("the outcome the DfE holds: passed, failed or voided"),
        "completion_date": _field("when the outcome was given"),
    },
    retention="enrolments",
    title="Outcomes the DfE holds",
)


def _enrolment_ids(person_id: int) -> list[int]:
    return list(db.session.scalars(select(Enrolment.id).where(Enrolment.trainee_id == person_id)))


def _participant_ids(person_id: int) -> list[str]:
    ids = _enrolment_ids(person_id)
    return list(db.session.scalars(select(DfeParticipant.participant_id).where(DfeParticipant.enrolment_id.in_(ids))))


def _applications(person_id: int) -> list[DfeApplication]:
    person = db.session.get(User, person_id)
    email = person.email if person else None
    return list(
        db.session.scalars(
            select(DfeApplication).where(
                or_(DfeApplication.enrolment_id.in_(_enrolment_ids(person_id)), DfeApplication.email == email)
            )
        )
    )


class DfeProvider(privacy.Provider):
    name = "The DfE's NPQ API"
    tables = (APPLICATION, PARTICIPANT, DECLARATION, REPORT, OUTCOME)
    impersonal = (
        # The provider's API token for the DfE (encrypted) and which administrator set it when: a
        # credential of the organisation, not anyone's personal data.
        ImpersonalTable("dfe_connection", ("token_ciphertext", "token_hint", "token_set_at", "token_set_by_id")),
        ImpersonalTable("dfe_statement", ("cohort",)),  # the DfE's financial statements: money, not people
    )

    def export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        participants = _participant_ids(person_id)
        return {
            "dfe_application": [
                {
                    "id": a.id,
                    "status": a.status,
                    "full_name": a.full_name,
                    "email": a.email,
                    "attributes": a.attributes,
                    "funded_place": a.funded_place,
                    "rejection_reason": a.rejection_reason,
                    "decided_by": Other(a.decided_by_id, "Administrator") if a.decided_by_id else None,
                }
                for a in _applications(person_id)
            ],
            "dfe_declaration": [
                {
                    "declaration_type": d.declaration_type,
                    "declaration_date": d.declaration_date.isoformat(),
                    "has_passed": d.has_passed,
                    "state": d.state,
                    "why": d.why,
                    "void_reason": d.void_reason,
                }
                for d in db.session.scalars(
                    select(DfeDeclaration).where(DfeDeclaration.participant_id.in_(participants))
                )
            ],
            "dfe_report": [
                {"kind": r.kind, "payload": r.payload, "state": r.state, "created_at": r.created_at.isoformat()}
                for r in db.session.scalars(select(DfeReport).where(DfeReport.participant_id.in_(participants)))
            ],
            "dfe_outcome": [
                {"state": o.state, "completion_date": o.completion_date.isoformat() if o.completion_date else None}
                for o in db.session.scalars(select(DfeOutcome).where(DfeOutcome.participant_id.in_(participants)))
            ],
        }

    def erase(self, person_id: int) -> list[str]:
        done = []
        applications = _applications(person_id)
        for application in applications:
            application.full_name, application.email, application.attributes = "", "", {}
            application.rejection_reason, application.errors = "", []
            application.erased_at = utcnow()  # and a later sync does not write them back
        if applications:
            done.append(f"Emptied {len(applications)} DfE application(s) of name, email and details")
        participants = _participant_ids(person_id)
        db.session.execute(
            update(DfeParticipant)
            .where(DfeParticipant.participant_id.in_(participants))
            .values(attributes={}, erased_at=utcnow())
        )
        db.session.execute(
            update(DfeDeclaration)
            .where(DfeDeclaration.participant_id.in_(participants))
            .values(why="", void_reason="", errors=[])
        )
        db.session.execute(update(DfeReport).where(DfeReport.participant_id.in_(participants)).values(errors=[]))
        # What this person wrote as an administrator keeps pointing at their account, which
        # erasure turns into a tombstone that names nobody (as in the other rooms).
        if participants:
            done.append("Kept the DfE's participant id, declarations and outcomes (the provider's financial record)")
        return done


def init_app(app: Flask) -> None:
    privacy.register(app, DfeProvider())
