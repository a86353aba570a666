"""A person's submission: the ticked proposals written as ``queued`` rows, all or nothing, then
the sender started. The partial unique index on ``dfe_declaration`` lets one declaration of a
type stand per participant, so a duplicate is refused here, before anything is sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.accounts.models import User
from core.audit import Action, Subject, record
from core.extensions import db
from core.problems import Invalid
from dfe import connection
from dfe.contract import QUEUED, STANDING_DECLARATION_STATES, Environment
from dfe.declarations.proposing import proposals
from dfe.declarations.sending import request_sending
from dfe.milestones import DeclarationType
from dfe.models import DfeDeclaration

FIELD = "declarations"  # the page's checkboxes: where a problem with a submission is shown


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _standing(env: Environment, participant_id: str, kind: str) -> DfeDeclaration | None:
    return db.session.scalar(
        select(DfeDeclaration).where(
            DfeDeclaration.environment == env.value,
            DfeDeclaration.participant_id == participant_id,
            DfeDeclaration.declaration_type == kind,
            DfeDeclaration.state.in_(STANDING_DECLARATION_STATES),
        )
    )


def _already(kind: str, trainee: str) -> str:
    return f"{DeclarationType(kind).label} for {trainee} is already declared: it was not sent again"


def submit(keys: Sequence[str], actor: User, env: Environment | None = None, today: date | None = None) -> int:
    """Queue the proposed declarations named by ``keys`` and start the sender; how many were queued.

    All or nothing: a key that names no current proposal (the evidence changed, or it is already
    declared) refuses the whole submission, saying which and why."""
    env = env or connection.environment()
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not wanted:
        raise Invalid("Choose at least one declaration to submit", FIELD)
    rows = proposals(env, today)
    current = {p.key: (p, row.trainee) for row in rows for p in row.proposed}
    names = {row.participant_id: row.trainee for row in rows}
    problems = []
    for key in wanted:
        if key in current:
            continue
        participant_id, _, rest = key.partition(":")
        kind = rest.partition(":")[0]
        trainee = names.get(participant_id, "this trainee")
        if kind in {t.value for t in DeclarationType} and _standing(env, participant_id, kind):
            problems.append((FIELD, _already(kind, trainee)))
        else:
            problems.append((FIELD, f"A declaration for {trainee} is no longer proposed: the evidence has changed"))
    if problems:
        raise Invalid(problems)
    for key in wanted:
        proposal, _ = current[key]
        db.session.add(
            DfeDeclaration(
                environment=env.value,
                participant_id=proposal.participant_id,
                enrolment_id=proposal.enrolment_id,
                declaration_type=proposal.declaration_type.value,
                declaration_date=midnight(proposal.declaration_date),
                has_passed=proposal.has_passed,
                state=QUEUED,
                why=proposal.why,
                created_by_id=actor.id,
                errors=[],
            )
        )
    record(
        Action.DFE_DECLARATIONS_SUBMITTED, Subject("dfe_declaration"), None, count=len(wanted), environment=env.value
    )
    try:
        db.session.commit()
    except IntegrityError:  # another person submitted the same one a moment ago
        db.session.rollback()
        raise Invalid(
            "One of these declarations was submitted by someone else a moment ago: nothing was sent again", FIELD
        ) from None
    request_sending(actor.id)
    return len(wanted)
