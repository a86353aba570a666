"""A mentor records, scores and submits an observation.

A submitted observation is locked: its result is stored as data with the rubric version that
scored it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessments import messages, training_status
from assessments.models import (
    PRESENT_NOTES_MAX_LENGTH,
    SETTING_MAX_LENGTH,
    Enrolment,
    Observation,
    ObservationRequest,
    ObservationStatus,
    RequestStatus,
)
from assessments.services.cohorts import current_rubric
from assessments.services.scope import enrolment_for_mentor, mentor_observation, owns_draft
from competencies import engine
from competencies import services as competency_services
from competencies.models import RubricVersion, Scenario
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, invalid, too_long
from core.unit_of_work import saving
from curriculum.models import ProgrammeVersion

PRESENT_MAX = 20  # roles present at one observation
CHANGED_SINCE = "Someone changed this observation since you opened it. Check it and save again"


def scenarios_for(version: ProgrammeVersion, every: Sequence[Scenario]) -> list[Scenario]:
    """The scenarios a programme version prepares for, from the library ``every``; all of them if it names none."""
    keys = {k for m in version.modules for k in m.scenario_keys}
    return [s for s in every if s.key in keys] or list(every)


def scenarios_of(enrolment: Enrolment) -> list[Scenario]:
    """The scenarios the trainee's programme version prepares for; all of them if it names none."""
    return scenarios_for(enrolment.cohort.programme_version, competency_services.list_scenarios())


@dataclass(frozen=True)
class ObservationInput:
    scenario_key: str
    observed_on: date
    setting: str
    present: tuple[str, ...]
    evidence: dict[str, Any]  # the engine's evidence format: judgements and faults
    idempotency_key: str
    submit: bool = False
    lock_version: int | None = None  # of the draft being changed
    present_notes: str = ""  # roles and context only: never children's names


@dataclass(frozen=True)
class AmendmentInput:
    """What a correction may change: everything the mentor recorded, not the scenario or its rubric."""

    observed_on: date
    setting: str
    present: tuple[str, ...]
    evidence: dict[str, Any]
    present_notes: str = ""


NOT_YOUR_DRAFT = "Only the mentor who started this draft can change or submit it"


def get_observation_for_mentor(observation_id: int, mentor_id: int) -> Observation | None:
    """The observation for one of its trainee's current mentors (a draft: only one they may read)."""
    return mentor_observation(observation_id, mentor_id)


def detail_problems(
    enrolment: Enrolment, observed_on: date, setting: str, present: tuple[str, ...], present_notes: str, today: date
) -> list[tuple[str, str]]:
    """The rules for when, where and who, shared by a new observation and a correction."""
    problems = []
    started = enrolment.cohort.programme_version.cohort_start
    if observed_on > today:
        problems.append(("observed_on", "The date of the observation must be today or in the past"))
    elif observed_on < started:
        # Observations are evidence for this programme: none can come from before the trainee's cohort began.
        problems.append(
            (
                "observed_on",
                f"The date of the observation must be on or after the cohort started ({started.day} {started:%B %Y})",
            )
        )
    if not setting.strip():
        problems.append(("setting", "Enter the setting, for example ‘Year 4 classroom’"))
    elif len(setting) > SETTING_MAX_LENGTH:
        problems.append(("setting", too_long(SETTING_MAX_LENGTH, "Setting")))
    if len(present) > PRESENT_MAX:
        problems.append(("present", f"Choose at most {PRESENT_MAX} people present"))
    if len(present_notes) > PRESENT_NOTES_MAX_LENGTH:
        problems.append(("present_notes", too_long(PRESENT_NOTES_MAX_LENGTH, "Notes on who was present")))
    return problems


def _observation_problems(enrolment: Enrolment, given: ObservationInput, today: date) -> list[tuple[str, str]]:
    problems = []
    if given.scenario_key not in {s.key for s in scenarios_of(enrolment)}:
        problems.append(("scenario_key", "Choose a scenario"))
    return problems + detail_problems(
        enrolment, given.observed_on, given.setting, given.present, given.present_notes, today
    )


def _evidence_id(observation: Observation) -> str:
    """The engine's id for an observation. The engine orders results by (date, id), so the id
    begins with when it was recorded: of two observations on the same day, "latest" is the one
    recorded later, not whichever random idempotency key sorts last. The key keeps it unique."""
    if observation.created_at is None:
        observation.created_at = utcnow()
    return f"{observation.created_at:%Y%m%dT%H%M%S%f}-{observation.idempotency_key}"


def scored_result(
    observation: Observation, observer_id: int, rubric: engine.Rubric, marks: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The engine's result for ``marks`` (the observation's own evidence unless given: a second
    marker's marks of the same observation are scored as the same event, by their own person)."""
    evidence = {
        **(observation.evidence if marks is None else marks),
        "observation_id": _evidence_id(observation),
        "observed_at": observation.observed_on.isoformat(),
        # counted by identity for sign-off: the person's id, which outlives a changed email address
        "observer": f"person-{observer_id}",
        "setting": observation.setting.strip(),
    }
    try:
        return engine.score(rubric, engine.evidence_from_dict(evidence)).to_dict()
    except engine.EngineError as error:
        raise invalid(error, "evidence") from None


KEY_USED = "This form (its idempotency key) was already used for another observation. Start a new observation"


def earlier_record(enrolment_id: int, given: ObservationInput) -> Observation | None:
    """The observation ``given.idempotency_key`` already made, if any: a repeated post (a double
    click, a script's retry) answers the first record. The one rule for the pages and the API; a
    key reused for another trainee or scenario is refused rather than answered with the wrong record."""
    existing = db.session.scalar(select(Observation).where(Observation.idempotency_key == given.idempotency_key))
    if existing is not None and (existing.enrolment_id != enrolment_id or existing.scenario_key != given.scenario_key):
        raise Invalid(KEY_USED, "idempotency_key")
    return existing


def record_observation(
    enrolment_id: int, observer_id: int, given: ObservationInput, today: date, observation_id: int | None = None
) -> Observation:
    """Save (or change) a draft observation: see :func:`record_or_replay`."""
    return record_or_replay(enrolment_id, observer_id, given, today, observation_id)[0]


def record_or_replay(
    enrolment_id: int, observer_id: int, given: ObservationInput, today: date, observation_id: int | None = None
) -> tuple[Observation, bool]:
    """Save (or change) a draft observation, scored by the scenario's rubric; ``submit`` locks it.

    Any mentor assigned to the trainee may record one: observers are counted by their account, so
    two mentors meet a sign-off policy's "J different observers". The idempotency key makes a
    repeated post (a double click, a retry) return the first record rather than make a second one.
    A submitted observation is never changed here (see :func:`amend_observation`). The flag says
    whether the answer is a replay: the record an earlier (or racing) use of the key made.
    """
    enrolment = enrolment_for_mentor(enrolment_id, observer_id)
    observer = db.session.get(User, observer_id)
    if enrolment is None or observer is None:
        raise Invalid("Choose one of your trainees", "enrolment_id")
    existing = earlier_record(enrolment_id, given) if observation_id is None else None
    if existing is not None:
        return existing, True
    if observation_id is None and not training_status.may_start_observation(enrolment.status):
        raise Invalid(training_status.WITHDRAWN_NO_OBSERVATION, "enrolment_id")
    problems = _observation_problems(enrolment, given, today)
    if problems:
        raise Invalid(problems)
    scenario = competency_services.get_scenario(given.scenario_key)
    version = current_rubric(scenario, enrolment.cohort) if scenario else None
    if version is None:
        raise Invalid("This scenario has no published rubric yet", "scenario_key")
    if observation_id is None:
        observation = Observation(enrolment_id=enrolment_id, idempotency_key=given.idempotency_key)
        db.session.add(observation)
    else:
        observation = db.session.get(Observation, observation_id)
        if observation is None or observation.enrolment_id != enrolment_id:
            raise Invalid("Choose one of your observations", "observation_id")
        if observation.submitted:
            raise Conflict("This observation was submitted and can no longer be changed")
        if not owns_draft(observation, observer_id):
            raise Invalid(NOT_YOUR_DRAFT, "observation_id")
        if given.lock_version != observation.lock_version:  # a change must say which version it saw
            raise Conflict(CHANGED_SINCE)
    observation.scenario_key = given.scenario_key
    observation.rubric_version_id = version.id
    observation.observer_id = observer_id
    observation.observed_on = given.observed_on
    observation.setting = given.setting.strip()
    observation.present = list(given.present)
    observation.present_notes = given.present_notes.strip()
    observation.evidence = given.evidence
    observation.result = scored_result(observation, observer_id, competency_services.rubric_of(version))
    if given.submit:
        _lock(observation, version)
    new_draft = observation_id is None and not given.submit
    return _commit_or_winner(observation, lambda found: _tell_recorded(found, observer_id, new_draft))


def _tell_recorded(observation: Observation, observer_id: int, new_draft: bool) -> None:
    """A submitted observation is news for its trainee; a new draft invites them to rate themselves first."""
    if observation.submitted:
        messages.tell_observation_submitted(observation, observer_id)
    elif new_draft and rateable_criteria(observation):
        messages.tell_self_assessment_invitation(observation, observer_id)


def rateable_criteria(observation: Observation) -> list[engine.Criterion]:
    """The criteria a trainee can rate on their self-assessment: those with levels (a faults rubric has none)."""
    rubric = competency_services.rubric_of(observation.rubric_version)
    return [] if rubric.model is engine.RubricModel.FAULTS else list(rubric.criteria)


def _lock(observation: Observation, version: RubricVersion) -> None:
    observation.status = ObservationStatus.SUBMITTED
    observation.submitted_at = utcnow()
    version.in_use = True  # a rubric version that has scored a submitted observation never changes
    _close_requests(observation)


def _close_requests(observation: Observation) -> None:
    """The trainee's open or accepted requests for this scenario are answered by this observation.

    Nothing is flushed here: a second post of the same form must fail at the commit, where
    :func:`commit_observation` turns the duplicate idempotency key into the first record."""
    with db.session.no_autoflush:
        answered = list(
            db.session.scalars(
                select(ObservationRequest).where(
                    ObservationRequest.enrolment_id == observation.enrolment_id,
                    ObservationRequest.scenario_key == observation.scenario_key,
                    ObservationRequest.status.in_(RequestStatus.OPEN_STATES),
                )
            )
        )
    for found in answered:
        found.status = RequestStatus.DONE
        found.observation = observation


Tell = Callable[[Observation], None]


def _commit_or_winner(observation: Observation, tell: Tell | None = None) -> tuple[Observation, bool]:
    """Commit; ``(record, replayed)``. The same key sent twice at once: the loser answers the
    winner's record as a replay, exactly as a key sent again later does. ``tell`` writes the
    messages about the change inside the transaction (they go only if it commits; it flushes, so
    inside the ``try``)."""
    key = observation.idempotency_key
    try:
        with saving(CHANGED_SINCE):  # rolls back what it refuses
            if tell is not None:
                db.session.flush()  # a duplicate key fails here, caught below, before anything is told
                tell(observation)
            db.session.commit()
    except IntegrityError:  # the same form posted twice at once: the first one won
        winner = db.session.scalar(select(Observation).where(Observation.idempotency_key == key))
        if winner is None:
            raise Conflict(CHANGED_SINCE) from None  # another unique rule: a conflict, never a 500
        return winner, True
    return observation, False


def commit_observation(observation: Observation, tell: Tell | None = None) -> Observation:
    return _commit_or_winner(observation, tell)[0]


def submit_observation(observation_id: int, mentor_id: int, lock_version: int) -> Observation:
    """Submit a draft: it is locked, and its rubric version is marked in use. Submitting twice is harmless."""
    observation = get_observation_for_mentor(observation_id, mentor_id)
    if observation is None:
        raise Invalid("Choose one of your observations", "observation_id")
    if observation.submitted:
        return observation
    if not owns_draft(observation, mentor_id):
        raise Invalid(NOT_YOUR_DRAFT, "observation_id")
    if lock_version != observation.lock_version:
        raise Conflict("Someone changed this observation since you opened it. Check it and submit again")
    _lock(observation, observation.rubric_version)
    return commit_observation(observation, lambda found: messages.tell_observation_submitted(found, mentor_id))
