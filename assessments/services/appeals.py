"""Appeals: a trainee asks for a review of a moderated judgement; a reviewer who did not mark it
decides (issue 14).

A judgement may be appealed once it is settled: the two markers gave the same marks (the mentor's
stands) or an agreed (or third marker's) judgement is recorded. The reviewer is a moderator who
neither made the observation, nor second-marked it, nor recorded the agreed judgement, nor
mentors the trainee: someone fresh to it. Upheld, the judgement stands; changed, the new one
replaces it in the trainee's progress (written where progress reads the agreed judgement), and
the appeal keeps the judgement it replaced, so the history shows every step.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments import messages
from assessments.models import (
    AGREED_REASON_MAX_LENGTH,
    APPEAL_REASON_MAX_LENGTH,
    AppealStatus,
    ModerationAppeal,
    ModerationItem,
    Observation,
)
from assessments.services import moderation
from assessments.services.observations import scored_result
from competencies import engine
from core.accounts.models import RoleGrant, User
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, too_long

DECISIONS = (AppealStatus.UPHELD, AppealStatus.CHANGED)
STATUS_WORDS = {
    AppealStatus.OPEN: "Awaiting review",
    AppealStatus.UPHELD: "Judgement upheld",
    AppealStatus.CHANGED: "Judgement changed",
}


def appeal_of_item(item_id: int) -> ModerationAppeal | None:
    return db.session.scalar(select(ModerationAppeal).where(ModerationAppeal.item_id == item_id))


def appeal_of_observation(observation_id: int) -> ModerationAppeal | None:
    item = moderation.item_of_observation(observation_id)
    return appeal_of_item(item.id) if item is not None else None


def get_appeal(appeal_id: int) -> ModerationAppeal | None:
    return db.session.get(ModerationAppeal, appeal_id)


def settled(item: ModerationItem) -> bool:
    """A judgement that moderation has finished with: the same marks, or an agreed judgement."""
    return moderation.status_of(item) in ("same", "agreed")


def may_appeal(observation: Observation, trainee_id: int) -> bool:
    """The trainee of a moderated observation whose judgement is settled, not yet appealed."""
    item = moderation.item_of_observation(observation.id)
    return (
        observation.enrolment.trainee_id == trainee_id
        and item is not None
        and settled(item)
        and appeal_of_item(item.id) is None
    )


def open_appeal_of(observation: Observation, trainee_id: int) -> ModerationAppeal | None:
    """The trainee's appeal of this observation while it awaits a reviewer (its reason may still change)."""
    found = appeal_of_observation(observation.id)
    if found is None or found.status != AppealStatus.OPEN or observation.enrolment.trainee_id != trainee_id:
        return None
    return found


def _reason(text: str, path: str, missing: str) -> str:
    text = text.strip()
    if not text:
        raise Invalid(missing, path)
    if len(text) > APPEAL_REASON_MAX_LENGTH:
        raise Invalid(too_long(APPEAL_REASON_MAX_LENGTH, "Reason"), path)
    return text


def current_judgement(item: ModerationItem) -> dict[str, Any]:
    """The judgement in force: the agreed one, or the mentor's where the two markers agreed."""
    return item.agreed_result if item.agreed_result is not None else item.observation.result


def ask(observation_id: int, trainee_id: int, reason: str) -> ModerationAppeal:
    """The trainee's request for a review, with their reason. Only for their own moderated
    observation, once its judgement is settled, and once: asking again while it awaits a
    reviewer changes the reason; once decided, it is refused."""
    observation = db.session.get(Observation, observation_id)
    if observation is None or observation.enrolment.trainee_id != trainee_id:
        raise Invalid("Choose one of your observations", "observation_id")
    item = moderation.item_of_observation(observation.id)
    if item is None:
        raise Invalid("Only a judgement settled by moderation can be reviewed", "observation_id")
    existing = appeal_of_item(item.id)
    if existing is not None and existing.status != AppealStatus.OPEN:
        raise Conflict("This judgement has already been reviewed")
    if existing is None and not settled(item):
        raise Invalid("Only a judgement settled by moderation can be reviewed", "observation_id")
    reason = _reason(reason, "reason", "Enter why you are asking for a review")
    if existing is not None:
        existing.reason = reason
        moderation.commit_marking()
        return existing
    appeal = ModerationAppeal(item_id=item.id, trainee_id=trainee_id, reason=reason, status=AppealStatus.OPEN)
    db.session.add(appeal)
    db.session.flush()
    messages.tell_appeal_received(appeal, reviewers_of(appeal), trainee_id)
    db.session.commit()
    return appeal


def reviewers_of(appeal: ModerationAppeal) -> list[User]:
    """The moderators who may decide the appeal (see :func:`refusal`): one query for them, not one a person."""
    moderators = db.session.scalars(
        select(User)
        .join(RoleGrant)
        .where(RoleGrant.role == Role.MODERATOR, User.active.is_(True))
        .options(selectinload(User.role_grants))
        .order_by(User.id)
    )
    return [person for person in moderators if refusal(appeal, person.id) is None]


def refusal(appeal: ModerationAppeal, reviewer_id: int) -> str | None:
    """Why this person may not review the appeal, in words; None if they may."""
    item = appeal.item
    if appeal.reviewer_id is not None and appeal.reviewer_id == reviewer_id:
        return None  # they decided it (a changed judgement is recorded as theirs): they may read it again
    if not moderation.is_moderator(reviewer_id):
        return "Only a moderator can review an appeal."
    if reviewer_id in (item.observation.observer_id, item.moderator_id, item.agreed_by_id):
        return "You have already marked this observation, so another moderator must review the appeal."
    if reviewer_id in moderation.mentors_of(item.observation.enrolment_id):
        return "You mentor this trainee, so another moderator must review the appeal."
    return None


def open_appeals() -> list[ModerationAppeal]:
    return list(
        db.session.scalars(
            select(ModerationAppeal).order_by(ModerationAppeal.status != AppealStatus.OPEN, ModerationAppeal.id)
        )
    )


def decide(
    appeal_id: int, reviewer_id: int, decision: str, reason: str, marks: dict[str, Any] | None = None
) -> ModerationAppeal:
    """Uphold the judgement, or change it to the reviewer's marks; either way with a reason."""
    appeal = get_appeal(appeal_id)
    if appeal is None:
        raise Invalid("Choose an appeal", "appeal_id")
    if appeal.status != AppealStatus.OPEN:
        raise Conflict("This appeal has already been decided")
    why = refusal(appeal, reviewer_id)
    if why:
        raise Invalid(why, "appeal_id")
    problems = []
    if decision not in DECISIONS:
        problems.append(("decision", "Choose whether the judgement stands or changes"))
    try:
        reason = _reason(reason, "decision_reason", "Enter the reason for your decision")
    except Invalid as error:
        problems += [(p.path, p.message) for p in error.problems]
    if problems:
        raise Invalid(problems)
    item = appeal.item
    appeal.previous_result = current_judgement(item)
    if decision == AppealStatus.CHANGED:
        rubric = moderation.rubric_of_item(item)
        if marks is None or (
            rubric.model is not engine.RubricModel.FAULTS
            and not any(j.get("level") is not None or j.get("not_applicable") for j in marks.get("judgements", []))
        ):
            # blank marks would read as "not observed" throughout: a slip, not a new judgement
            raise Invalid("Choose the new level for at least one criterion", "judgements")
        reviewer = db.session.get(User, reviewer_id)
        assert reviewer is not None
        new = scored_result(item.observation, reviewer.id, rubric, marks)
        appeal.new_evidence, appeal.new_result = marks, new
        # Progress reads the agreed judgement: the changed one takes its place (the old one is kept above).
        item.agreed_result, item.agreed_evidence = new, marks
        item.agreed_reason = f"Changed on appeal: {reason}"[:AGREED_REASON_MAX_LENGTH]
        item.agreed_by_id, item.agreed_at = reviewer_id, utcnow()
    appeal.status = decision
    appeal.decision_reason = reason
    appeal.reviewer_id = reviewer_id
    appeal.decided_at = utcnow()
    moderation.commit_marking(lambda: messages.tell_appeal_decided(appeal, reviewer_id))
    return appeal
