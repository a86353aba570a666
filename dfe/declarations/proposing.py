"""What the app proposes to declare: the provider's rule (:mod:`dfe.declaration_rules`) applied
to each linked participant's evidence (:mod:`dfe.evidence`) inside the DfE's milestone windows,
and, for the rest, why not yet.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments.models import Enrolment
from assessments.reasons import RuleInputError
from core import clock
from core.extensions import db
from dfe import connection
from dfe.contract import QUEUED, Environment
from dfe.declaration_rules import DeclarationRule, NotYet, Proposal, describe, propose
from dfe.declarations.exchange import RETRACTED_STATES
from dfe.evidence import evidence_for
from dfe.milestones import DeclarationState, DeclarationType, windows
from dfe.models import DfeCohortSchedule, DfeDeclaration, DfeParticipant


@dataclass(frozen=True)
class ProposedDeclaration:
    """One declaration the rule proposes: ``key`` names it on the page and in :func:`submit`."""

    key: str
    participant_id: str
    enrolment_id: int
    declaration_type: DeclarationType
    declaration_date: date
    has_passed: bool | None
    why: str


@dataclass
class ParticipantProposals:
    """A linked participant's page row: what may be declared now, and why the rest may not."""

    participant_id: str
    enrolment_id: int
    trainee: str
    cohort: str
    proposed: list[ProposedDeclaration] = field(default_factory=list)
    not_yet: list[str] = field(default_factory=list)
    problem: str = ""  # why nothing could be judged (no schedule, a date the rule refuses)


def proposal_key(participant_id: str, kind: DeclarationType, day: date) -> str:
    """The declaration's name on the page: a stale page's key no longer matches a changed proposal."""
    return f"{participant_id}:{kind.value}:{day.isoformat()}"


def _linked(env: Environment) -> list[DfeParticipant]:
    return list(
        db.session.scalars(
            select(DfeParticipant)
            .where(DfeParticipant.environment == env.value, DfeParticipant.enrolment_id.is_not(None))
            .options(
                selectinload(DfeParticipant.enrolment).selectinload(Enrolment.trainee),
                selectinload(DfeParticipant.enrolment).selectinload(Enrolment.cohort),
            )
            .order_by(DfeParticipant.id)
        )
    )


def _existing(env: Environment, participant_ids: Iterable[str]) -> dict[str, dict[str, str]]:
    """Each participant's declarations as the rule reads them: type → the DfE's state. A queued
    one stands like a submitted one; a refused one was never made, so it does not count."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    rows = db.session.execute(
        select(DfeDeclaration.participant_id, DfeDeclaration.declaration_type, DfeDeclaration.state)
        .where(DfeDeclaration.environment == env.value, DfeDeclaration.participant_id.in_(list(participant_ids)))
        .order_by(DfeDeclaration.id)
    )
    known = {s.value for s in DeclarationState}
    for participant_id, kind, state in rows:
        state = DeclarationState.SUBMITTED.value if state == QUEUED else state
        if state not in known:
            continue
        if found[participant_id].get(kind) not in (None, *RETRACTED_STATES):
            continue  # a standing declaration outweighs a retracted one of the same type
        found[participant_id][kind] = state
    return found


def _schedule_of(participant: DfeParticipant, mapped: dict[int, DfeCohortSchedule]) -> tuple[str, int] | None:
    """The DfE's own schedule for the participant, else the one their cohort is mapped to."""
    if participant.schedule_identifier and participant.cohort_year:
        return participant.schedule_identifier, participant.cohort_year
    assert participant.enrolment is not None
    row = mapped.get(participant.enrolment.cohort_id)
    return (row.schedule_identifier, row.cohort_year) if row else None


def proposals(env: Environment | None = None, today: date | None = None) -> list[ParticipantProposals]:
    """For every participant linked to an enrolment, what the rule proposes now, and why not the rest."""
    env = env or connection.environment()
    today = today or clock.today()
    participants = _linked(env)
    enrolments = [p.enrolment for p in participants if p.enrolment is not None]
    evidence = evidence_for(enrolments)
    existing = _existing(env, [p.participant_id for p in participants])
    mapped = connection.schedules()
    rule = DeclarationRule()
    shown = []
    for participant in participants:
        enrolment = participant.enrolment
        assert enrolment is not None
        row = ParticipantProposals(
            participant.participant_id, enrolment.id, enrolment.trainee.name, enrolment.cohort.name
        )
        shown.append(row)
        schedule = _schedule_of(participant, mapped)
        if schedule is None:
            row.problem = "No DfE schedule: link this trainee's cohort to a schedule on Cohorts and schedules"
            continue
        try:
            outcomes = propose(
                evidence[enrolment.id], windows(*schedule), existing[participant.participant_id], rule, today
            )
        except RuleInputError as error:
            row.problem = "; ".join(p.message for p in error.problems)
            continue
        for outcome in outcomes:
            if isinstance(outcome, Proposal):
                row.proposed.append(
                    ProposedDeclaration(
                        proposal_key(participant.participant_id, outcome.declaration_type, outcome.declaration_date),
                        participant.participant_id,
                        enrolment.id,
                        outcome.declaration_type,
                        outcome.declaration_date,
                        outcome.has_passed,
                        describe(outcome.reason),
                    )
                )
            elif isinstance(outcome, NotYet) and outcome.reason.code != "already_declared":
                row.not_yet.append(describe(outcome.reason))  # a declared one is listed with the declarations
    return shown
