"""Observations: a mentor records, scores, submits and corrects them; progress is read from them.

A submitted observation is locked: its result is stored as data with the rubric version that
scored it. A correction needs a reason, is made only by the mentor who observed, re-scores with
that same rubric version and appends a revision (before, after, who, when, why).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from assessments import messages, revisions, training_status
from assessments.models import (
    PRESENT_NOTES_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SETTING_MAX_LENGTH,
    Enrolment,
    ModerationItem,
    Observation,
    ObservationRequest,
    ObservationRevision,
    ObservationStatus,
    RequestStatus,
)
from assessments.services.cohorts import AGGREGATION_LABELS, DEFAULT_AGGREGATION, current_rubric, policies
from assessments.services.scope import drafts_read_by, enrolment_for_mentor, mentor_observation, owns_draft
from competencies import engine
from competencies import services as competency_services
from competencies.models import RubricVersion, Scenario
from core.accounts.models import User, utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, too_long
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


def _detail_problems(
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
    return problems + _detail_problems(
        enrolment, given.observed_on, given.setting, given.present, given.present_notes, today
    )


def _evidence_id(observation: Observation) -> str:
    """The engine's id for an observation. The engine orders results by (date, id), so the id
    begins with when it was recorded: of two observations on the same day, "latest" is the one
    recorded later, not whichever random idempotency key sorts last. The key keeps it unique."""
    if observation.created_at is None:
        observation.created_at = utcnow()
    return f"{observation.created_at:%Y%m%dT%H%M%S%f}-{observation.idempotency_key}"


def _scored(
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
        raise Invalid([(f"evidence.{p.path}" if p.path else "evidence", p.message) for p in error.problems]) from None


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
    observation.result = _scored(observation, observer_id, competency_services.rubric_of(version))
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
    :func:`_commit` turns the duplicate idempotency key into the first record."""
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
        if tell is not None:
            db.session.flush()  # a duplicate key fails here, caught below, before anything is told
            tell(observation)
        db.session.commit()
    except IntegrityError:  # the same form posted twice at once: the first one won
        db.session.rollback()
        winner = db.session.scalar(select(Observation).where(Observation.idempotency_key == key))
        if winner is None:
            raise Conflict(CHANGED_SINCE) from None  # another unique rule: a conflict, never a 500
        return winner, True
    except StaleDataError:
        db.session.rollback()
        raise Conflict(CHANGED_SINCE) from None
    return observation, False


def _commit(observation: Observation, tell: Tell | None = None) -> Observation:
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
    return _commit(observation, lambda found: messages.tell_observation_submitted(found, mentor_id))


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
    problems = _detail_problems(
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
    observation.result = _scored(observation, actor_id, competency_services.rubric_of(observation.rubric_version))
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
    return _commit(observation, lambda found: messages.tell_observation_corrected(found, number, actor_id))


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


# ---- progress ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObservationView:
    observation: Observation
    result: engine.Result
    reasons: tuple[str, ...]
    moderated: bool = False  # the result is the judgement agreed after moderation, not the mentor's


@dataclass(frozen=True)
class ScenarioProgress:
    scenario: Scenario
    observations: tuple[ObservationView, ...]
    sign_off: engine.SignOff | None
    missing: tuple[str, ...]  # in words
    never_met: tuple[str, ...]  # criterion titles
    left_out: tuple[ObservationView, ...] = ()  # scored with another rubric version: not counted
    held: int = 0  # observations awaiting moderation, not shown to the trainee yet
    overall: engine.Aggregate | None = None  # the cohort's aggregation of the counted observations
    method: str = ""  # that aggregation method, in words

    @property
    def in_words(self) -> str:
        if self.sign_off is None:
            return "No rubric published yet"
        if self.sign_off.evidenced:
            return "Evidenced: ready for sign-off"
        submitted = sum(1 for o in self.observations if o.observation.submitted)
        if not submitted:
            return "Not started"
        return f"In progress: {self.sign_off.met} met observation{'s' if self.sign_off.met != 1 else ''} so far"

    @property
    def overall_in_words(self) -> str:
        """The cohort's aggregate, e.g. "Overall (average of all observations): met." ("" before any)."""
        if self.overall is None:
            return ""
        return f"Overall ({self.method.lower()}): {self.overall.outcome.value}."


def explained(observation: Observation, agreed: dict[str, Any] | None = None) -> ObservationView:
    """The observation's result and reasons: the agreed judgement after moderation, if given."""
    rubric = competency_services.rubric_of(observation.rubric_version)
    result = engine.Result.from_dict(agreed if agreed is not None else observation.result)
    return ObservationView(observation, result, engine.render_all(result.reasons, rubric), agreed is not None)


def agreed_results(observation_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Agreed judgements after moderation, by observation: they replace the mentor's in progress."""
    if not observation_ids:
        return {}
    rows = db.session.execute(
        select(ModerationItem.observation_id, ModerationItem.agreed_result).where(
            ModerationItem.observation_id.in_(observation_ids), ModerationItem.agreed_result.is_not(None)
        )
    )
    return {observation_id: result for observation_id, result in rows if result}


def _ordered(query: Any) -> Any:
    # Recorded order breaks a same-day tie, as the engine's evidence id does (see _evidence_id).
    return query.order_by(Observation.observed_on, Observation.created_at, Observation.id)


def observations_of(enrolment_id: int, submitted_only: bool = False) -> list[Observation]:
    query = select(Observation).where(Observation.enrolment_id == enrolment_id)
    if submitted_only:
        query = query.where(Observation.status == ObservationStatus.SUBMITTED)
    return list(db.session.scalars(_ordered(query)))


def overall(
    rubric: engine.Rubric, results: list[engine.Result], policy: engine.AggregationPolicy
) -> engine.Aggregate | None:
    """The cohort's aggregation of ``results`` (None: nothing counted yet)."""
    if not results:
        return None
    try:
        return engine.aggregate(rubric, results, policy)
    except engine.PolicyError:
        # Faults do not average: a faults rubric falls back to its latest observation, the engine's rule.
        return engine.aggregate(rubric, results, DEFAULT_AGGREGATION)


def progress(
    enrolment: Enrolment,
    submitted_only: bool = False,
    held: frozenset[int] = frozenset(),
    reader_id: int | None = None,
) -> list[ScenarioProgress]:
    """Each scenario's observations, outcomes and reasons, the cohort's aggregate and what sign-off
    still needs, in words. Only submitted observations count; a trainee sees only those. A judgement
    agreed after moderation replaces the mentor's for its observation; ``held`` observations
    (awaiting moderation in a cohort that holds results back) are left out and counted. A mentor
    ``reader_id`` sees only the drafts they may read (their own, unless co-mentors read drafts)."""
    return progress_of([enrolment], submitted_only, held, reader_id)[enrolment.id]


def progress_of(
    enrolments: list[Enrolment],
    submitted_only: bool = False,
    held: frozenset[int] = frozenset(),
    reader_id: int | None = None,
) -> dict[int, list[ScenarioProgress]]:
    """:func:`progress` for many enrolments in a number of queries that does not grow with them:
    every observation in one query, the agreed judgements in one, the scenario library once."""
    if not enrolments:
        return {}
    # Only the rubric versions the cohorts pin are read, not every version of the library (an
    # unpinned scenario loads its rubric when asked), and first: the observations' versions are
    # mostly these, and a lazy load of a many-to-one finds them in the session without a query (one
    # query each for the few others). Held in a name until the end: the session keeps objects weakly.
    pinned = competency_services.rubric_versions([v for e in enrolments for v in e.cohort.rubric_pins.values()])
    query = (
        select(Observation)
        .where(Observation.enrolment_id.in_([e.id for e in enrolments]))
        .options(
            selectinload(Observation.observer).lazyload(User.role_grants),
            selectinload(Observation.revisions),
        )
    )
    if submitted_only:
        query = query.where(Observation.status == ObservationStatus.SUBMITTED)
    elif reader_id is not None:
        query = query.where(drafts_read_by(reader_id))
    by_enrolment: dict[int, list[Observation]] = defaultdict(list)
    for o in db.session.scalars(_ordered(query)):
        by_enrolment[o.enrolment_id].append(o)
    agreed = agreed_results([o.id for found in by_enrolment.values() for o in found if o.id not in held])
    library = competency_services.list_scenarios(rubrics=False)
    found = {e.id: _progress(e, by_enrolment[e.id], library, agreed, held) for e in enrolments}
    del pinned
    return found


def _progress(
    enrolment: Enrolment,
    found_all: list[Observation],
    library: list[Scenario],
    agreed: dict[int, dict[str, Any]],
    held: frozenset[int],
) -> list[ScenarioProgress]:
    every = [o for o in found_all if o.id not in held]
    waiting: dict[str, int] = defaultdict(int)
    for o in found_all:
        if o.id in held:
            waiting[o.scenario_key] += 1
    aggregation, policy = policies(enrolment.cohort)
    method = AGGREGATION_LABELS.get(aggregation.method, aggregation.method.value)
    found = []
    for scenario in scenarios_for(enrolment.cohort.programme_version, library):
        version = current_rubric(scenario, enrolment.cohort)
        mine = [explained(o, agreed.get(o.id)) for o in every if o.scenario_key == scenario.key]
        # Scored with another rubric version than the cohort's pin: kept as evidence, shown apart,
        # and left out of sign-off (the engine's leave-out rule), never mixed in silently.
        views = tuple(v for v in mine if version is None or v.observation.rubric_version_id == version.id)
        left_out = tuple(v for v in mine if version is not None and v.observation.rubric_version_id != version.id)
        if version is None:
            found.append(ScenarioProgress(scenario, views, None, (), (), held=waiting.get(scenario.key, 0)))
            continue
        rubric = competency_services.rubric_of(version)
        counted = [v.result for v in views if v.observation.submitted]
        decision = engine.sign_off(rubric, counted, policy)
        found.append(
            ScenarioProgress(
                scenario,
                views,
                decision,
                tuple(engine.render_missing(m) for m in decision.missing),
                tuple(rubric.title_of(k) for k in decision.never_met),
                left_out,
                waiting.get(scenario.key, 0),
                overall(rubric, counted, aggregation),
                method,
            )
        )
    return found
