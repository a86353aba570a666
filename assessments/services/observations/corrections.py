"""Corrections to a submitted observation and their history.

A correction needs a reason, is made only by the mentor who observed, re-scores with the rubric
version that scored the observation and appends a revision (before, after, who, when, why).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from assessments import messages, revisions
from assessments.models import (
    REASON_MAX_LENGTH,
    ModerationItem,
    Observation,
    ObservationRevision,
)
from assessments.services.observations.recording import (
    CHANGED_SINCE,
    AmendmentInput,
    commit_observation,
    detail_problems,
    get_observation_for_mentor,
    scored_result,
)
from competencies import services as competency_services
from core.extensions import db
from core.problems import Conflict, Invalid, too_long

# ---- corrections ---------------------------------------------------------------------------


def _snapshot(observation: Observation) -> dict[str, Any]:
    return revisions.snapshot(
        observation.observed_on,
        observation.setting,
        observation.present,
        observation.present_notes,
        observation.evidence,
        observation.result,
    )


IN_SAMPLE = (
    "This observation is in a moderation sample, so it can no longer be corrected here. "
    "Change its outcome through the moderation's agreed judgement instead"
)


def amend_observation(
    observation_id: int, actor_id: int, given: AmendmentInput, reason: str, lock_version: int, today: date
) -> Observation:
    """Correct a submitted observation: only its observer, only with a reason, only from what they saw.

    It is re-scored with the rubric version that scored it first (never a newer one, so a
    correction cannot move the goalposts), and a revision keeps what it was before and after.
    ``lock_version`` is the version the person opened: a correction based on an older one is
    refused, so two corrections never silently overwrite each other.
    """
    observation = get_observation_for_mentor(observation_id, actor_id)
    if observation is None:
        raise Invalid("Choose one of your observations", "observation_id")
    if not observation.submitted:
        raise Conflict("This observation is a draft: change the draft instead", "observation_id")
    if observation.observer_id != actor_id:
        raise Invalid("Only the mentor who made this observation can correct it", "observation_id")
    if lock_version != observation.lock_version:
        raise Conflict(CHANGED_SINCE)
    if db.session.scalar(select(ModerationItem.id).where(ModerationItem.observation_id == observation.id)) is not None:
        # The mentor may already have read the moderator's marks: a change now goes through the agreed judgement.
        raise Conflict(IN_SAMPLE, "observation_id")
    reason = reason.strip()
    problems = detail_problems(
        observation.enrolment, given.observed_on, given.setting, given.present, given.present_notes, today
    )
    if not reason:
        problems.append(("reason", "Enter why you are correcting this observation"))
    elif len(reason) > REASON_MAX_LENGTH:
        problems.append(("reason", too_long(REASON_MAX_LENGTH, "Reason")))
    if problems:
        raise Invalid(problems)
    before = _snapshot(observation)
    observation.observed_on = given.observed_on
    observation.setting = given.setting.strip()
    observation.present = list(given.present)
    observation.present_notes = given.present_notes.strip()
    observation.evidence = given.evidence
    observation.result = scored_result(observation, actor_id, competency_services.rubric_of(observation.rubric_version))
    after = _snapshot(observation)
    if not revisions.changes(before, after, revisions.Titles()):
        db.session.rollback()
        raise Invalid("Nothing was changed. Change a level, comment, fault or detail, or go back", "evidence")
    number = len(observation.revisions) + 1
    db.session.add(
        ObservationRevision(
            observation=observation, number=number, author_id=actor_id, reason=reason, before=before, after=after
        )
    )
    return commit_observation(observation, lambda found: messages.tell_observation_corrected(found, number, actor_id))


def titles_of(observation: Observation) -> revisions.Titles:
    """The criterion and fault titles of the rubric version that scored ``observation``."""
    rubric = competency_services.rubric_of(observation.rubric_version)
    return revisions.Titles({c.key: c.title for c in rubric.criteria}, {f.key: f.title for f in rubric.fault_types})


@dataclass(frozen=True)
class RevisionView:
    revision: ObservationRevision
    changes: tuple[str, ...]


def history(observation: Observation) -> list[RevisionView]:
    """Each correction, newest last, with what it changed in words."""
    titles = titles_of(observation)
    return [RevisionView(r, tuple(revisions.changes(r.before, r.after, titles))) for r in observation.revisions]
