"""Use cases of the assessments room: cohorts, enrolments, observations and progress.

Each function takes ids and plain values and owns its transaction. Rules live elsewhere: the
SENCO duty in :mod:`assessments.deadlines`, scoring and sign-off in :mod:`competencies.engine`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from assessments import deadlines
from assessments.models import (
    NAME_MAX_LENGTH,
    SCHOOL_MAX_LENGTH,
    SETTING_MAX_LENGTH,
    Cohort,
    Enrolment,
    Observation,
    ObservationStatus,
    enrolment_mentor,
)
from competencies import engine
from competencies import services as competency_services
from competencies.models import RubricVersion, Scenario
from core.accounts.models import User, utcnow
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict, Invalid, too_long
from curriculum.models import ProgrammeVersion, VersionStatus

DEFAULT_AGGREGATION = engine.AggregationPolicy(engine.AggregationMethod.LATEST, mixed_rubrics=engine.MixedRubrics.LEAVE_OUT)
DEFAULT_SIGN_OFF = {"min_met": 3, "min_observers": 2, "min_settings": 2, "no_dangerous_in_last": 3}
PRESENT_MAX = 20  # roles present at one observation


# ---- cohorts and enrolments ----------------------------------------------------------------

def published_versions() -> list[ProgrammeVersion]:
    return list(db.session.scalars(select(ProgrammeVersion).where(ProgrammeVersion.status == VersionStatus.PUBLISHED)
                                   .order_by(ProgrammeVersion.id)))


def list_cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.id)))


def get_cohort(cohort_id: int) -> Cohort | None:
    """The cohort with its enrolments' people and case studies, in one query each (not one a row)."""
    return db.session.scalar(select(Cohort).where(Cohort.id == cohort_id).options(
        selectinload(Cohort.enrolments).selectinload(Enrolment.trainee),
        selectinload(Cohort.enrolments).selectinload(Enrolment.mentors),
        selectinload(Cohort.enrolments).selectinload(Enrolment.case_study)))


def create_cohort(name: str, programme_version_id: int, sign_off: dict[str, int] | None = None) -> Cohort:
    """A cohort on a published programme version; its policies default to the provider's usual ones."""
    name = name.strip()
    problems = []
    if not name:
        problems.append(("name", "Enter a name for the cohort"))
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(("name", too_long(NAME_MAX_LENGTH, "Cohort name")))
    version = db.session.get(ProgrammeVersion, programme_version_id)
    if version is None or version.status is not VersionStatus.PUBLISHED:
        problems.append(("programme_version_id", "Choose a published programme version"))
    policy = {**DEFAULT_SIGN_OFF, **(sign_off or {})}
    try:
        engine.SignOffPolicy(**policy)
    except engine.EngineError as error:
        problems += [(f"sign_off.{p.path}", p.message) for p in error.problems]
    if problems:
        raise Invalid(problems)
    cohort = Cohort(name=name, programme_version_id=programme_version_id,
                    aggregation=DEFAULT_AGGREGATION.to_dict(), sign_off_policy=policy)
    db.session.add(cohort)
    db.session.commit()
    return cohort


def people_with(role: Role) -> list[User]:
    return sorted((u for u in db.session.scalars(select(User).where(User.active.is_(True))) if role in u.roles),
                  key=lambda u: u.name)


@dataclass(frozen=True)
class EnrolmentInput:
    trainee_id: int
    mentor_ids: tuple[int, ...]
    school: str = ""
    became_senco: date | None = None
    earlier_senco_months: int = 0
    nasenco_started: date | None = None
    nasenco_completed: date | None = None


def _person_with(person_id: int, role: Role) -> User | None:
    person = db.session.get(User, person_id)
    return person if person is not None and role in person.roles else None


def enrol(cohort_id: int, given: EnrolmentInput, today: date) -> Enrolment:
    """Enrol a trainee on a cohort with their mentors; the SENCO history is checked by the tracker's own rules."""
    cohort = get_cohort(cohort_id)
    if cohort is None:
        raise Invalid("Choose a cohort", "cohort_id")
    problems: list[tuple[str, str]] = []
    trainee = _person_with(given.trainee_id, Role.TRAINEE)
    if trainee is None:
        problems.append(("trainee_id", "Choose a trainee"))
    mentors = [_person_with(i, Role.MENTOR) for i in given.mentor_ids]
    if not mentors or None in mentors:
        problems.append(("mentor_ids", "Choose a mentor"))
    if len(given.school) > SCHOOL_MAX_LENGTH:
        problems.append(("school", too_long(SCHOOL_MAX_LENGTH, "School")))
    if given.became_senco is not None:
        try:
            deadlines.check(_history(given), today)
        except deadlines.DeadlineInputError as error:
            problems += [(_HISTORY_FIELDS.get(p.path.split(".")[0], p.path), p.message) for p in error.problems]
    if trainee is not None and db.session.scalar(select(Enrolment).where(Enrolment.cohort_id == cohort_id,
                                                                         Enrolment.trainee_id == trainee.id)):
        problems.append(("trainee_id", f"{trainee.name} is already enrolled on this cohort"))
    if problems:
        raise Invalid(problems)
    enrolment = Enrolment(cohort=cohort, trainee=trainee, mentors=mentors, school=given.school.strip(),
                          became_senco=given.became_senco, earlier_senco_months=given.earlier_senco_months,
                          nasenco_started=given.nasenco_started, nasenco_completed=given.nasenco_completed)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


_HISTORY_FIELDS = {"became_senco": "became_senco", "earlier_months": "earlier_senco_months",
                   "nasenco": "nasenco_started"}


def _history(e: EnrolmentInput | Enrolment, today: date | None = None) -> deadlines.SencoHistory:
    """The tracker's view of an enrolment; the NPQ course counts from the cohort's start, once begun."""
    assert e.became_senco is not None
    nasenco = deadlines.Course(e.nasenco_started, e.nasenco_completed) if e.nasenco_started else None
    npq = None
    if isinstance(e, Enrolment) and today is not None and e.cohort.programme_version.cohort_start <= today:
        npq = deadlines.Course(e.cohort.programme_version.cohort_start)
    return deadlines.SencoHistory(became_senco=e.became_senco, earlier_months=e.earlier_senco_months,
                                  nasenco=nasenco, npq=npq)


def mentor_enrolments(mentor_id: int) -> list[Enrolment]:
    # The people and the cohort of every row in one query each, not one a row (a query-count test holds it).
    return list(db.session.scalars(select(Enrolment).join(enrolment_mentor)
                                   .where(enrolment_mentor.c.mentor_id == mentor_id).order_by(Enrolment.id)
                                   .options(selectinload(Enrolment.trainee), selectinload(Enrolment.cohort))))


def enrolment_for_mentor(enrolment_id: int, mentor_id: int) -> Enrolment | None:
    """The enrolment, only if ``mentor_id`` mentors it: another mentor's trainee is not found."""
    return db.session.scalar(select(Enrolment).join(enrolment_mentor).where(
        Enrolment.id == enrolment_id, enrolment_mentor.c.mentor_id == mentor_id))


def trainee_enrolments(trainee_id: int) -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(Enrolment.trainee_id == trainee_id).order_by(Enrolment.id)))


# ---- observations --------------------------------------------------------------------------

def scenarios_of(enrolment: Enrolment) -> list[Scenario]:
    """The scenarios the trainee's programme version prepares for; all of them if it names none."""
    keys = {k for m in enrolment.cohort.programme_version.modules for k in m.scenario_keys}
    every = competency_services.list_scenarios()
    return [s for s in every if s.key in keys] or every


def current_rubric(scenario: Scenario) -> RubricVersion | None:
    published = scenario.rubric.published
    return published[-1] if published else None


@dataclass(frozen=True)
class ObservationInput:
    scenario_key: str
    observed_on: date
    setting: str
    present: tuple[str, ...]
    evidence: dict[str, Any]       # the engine's evidence format: judgements and faults
    idempotency_key: str
    submit: bool = False
    lock_version: int | None = None  # of the draft being changed


def get_observation_for_mentor(observation_id: int, mentor_id: int) -> Observation | None:
    found = db.session.get(Observation, observation_id)
    if found is None or enrolment_for_mentor(found.enrolment_id, mentor_id) is None:
        return None
    return found


def _observation_problems(enrolment: Enrolment, given: ObservationInput, today: date) -> list[tuple[str, str]]:
    problems = []
    if given.scenario_key not in {s.key for s in scenarios_of(enrolment)}:
        problems.append(("scenario_key", "Choose a scenario"))
    if given.observed_on > today:
        problems.append(("observed_on", "The date of the observation must be today or in the past"))
    if not given.setting.strip():
        problems.append(("setting", "Enter the setting, for example ‘Year 4 classroom’"))
    elif len(given.setting) > SETTING_MAX_LENGTH:
        problems.append(("setting", too_long(SETTING_MAX_LENGTH, "Setting")))
    if len(given.present) > PRESENT_MAX:
        problems.append(("present", f"Choose at most {PRESENT_MAX} people present"))
    return problems


def _scored(observation: Observation, observer: User, rubric: engine.Rubric) -> dict[str, Any]:
    evidence = {**observation.evidence, "observation_id": str(observation.idempotency_key),
                "observed_at": observation.observed_on.isoformat(),
                # counted by identity for sign-off: the person's id, which outlives a changed email address
                "observer": f"person-{observer.id}",
                "setting": observation.setting.strip()}
    try:
        return engine.score(rubric, engine.evidence_from_dict(evidence)).to_dict()
    except engine.EngineError as error:
        raise Invalid([(f"evidence.{p.path}" if p.path else "evidence", p.message) for p in error.problems]) from None


def record_observation(enrolment_id: int, observer_id: int, given: ObservationInput, today: date,
                       observation_id: int | None = None) -> Observation:
    """Save (or change) a draft observation, scored by the scenario's rubric; ``submit`` locks it.

    The idempotency key makes a repeated post (a double click, a retry) return the first record
    rather than make a second one. A submitted observation is never changed.
    """
    enrolment = enrolment_for_mentor(enrolment_id, observer_id)
    observer = db.session.get(User, observer_id)
    if enrolment is None or observer is None:
        raise Invalid("Choose one of your trainees", "enrolment_id")
    existing = db.session.scalar(select(Observation).where(Observation.idempotency_key == given.idempotency_key))
    if existing is not None and observation_id is None:
        if existing.enrolment_id != enrolment_id:
            raise Invalid("This form was already used. Start the observation again", "idempotency_key")
        return existing
    problems = _observation_problems(enrolment, given, today)
    if problems:
        raise Invalid(problems)
    scenario = competency_services.get_scenario(given.scenario_key)
    version = current_rubric(scenario) if scenario else None
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
        if given.lock_version is not None and given.lock_version != observation.lock_version:
            raise Conflict("Someone changed this observation since you opened it. Check it and save again")
    observation.scenario_key = given.scenario_key
    observation.rubric_version_id = version.id
    observation.observer_id = observer_id
    observation.observed_on = given.observed_on
    observation.setting = given.setting.strip()
    observation.present = list(given.present)
    observation.evidence = given.evidence
    observation.result = _scored(observation, observer, competency_services.rubric_of(version))
    if given.submit:
        _lock(observation, version)
    return _commit(observation)


def _lock(observation: Observation, version: RubricVersion) -> None:
    observation.status = ObservationStatus.SUBMITTED
    observation.submitted_at = utcnow()
    version.in_use = True  # a rubric version that has scored a submitted observation never changes


def _commit(observation: Observation) -> Observation:
    try:
        db.session.commit()
    except IntegrityError:  # the same form posted twice at once: the first one won
        db.session.rollback()
        winner = db.session.scalar(select(Observation).where(Observation.idempotency_key == observation.idempotency_key))
        if winner is None:
            raise
        return winner
    except StaleDataError:
        db.session.rollback()
        raise Conflict("Someone changed this observation since you opened it. Check it and save again") from None
    return observation


def submit_observation(observation_id: int, mentor_id: int, lock_version: int) -> Observation:
    """Submit a draft: it is locked, and its rubric version is marked in use. Submitting twice is harmless."""
    observation = get_observation_for_mentor(observation_id, mentor_id)
    if observation is None:
        raise Invalid("Choose one of your observations", "observation_id")
    if observation.submitted:
        return observation
    if lock_version != observation.lock_version:
        raise Conflict("Someone changed this observation since you opened it. Check it and submit again")
    _lock(observation, observation.rubric_version)
    return _commit(observation)


# ---- progress ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ObservationView:
    observation: Observation
    result: engine.Result
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ScenarioProgress:
    scenario: Scenario
    observations: tuple[ObservationView, ...]
    sign_off: engine.SignOff | None
    missing: tuple[str, ...]      # in words
    never_met: tuple[str, ...]    # criterion titles

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


def explained(observation: Observation) -> ObservationView:
    rubric = competency_services.rubric_of(observation.rubric_version)
    result = engine.Result.from_dict(observation.result)
    return ObservationView(observation, result, engine.render_all(result.reasons, rubric))


def observations_of(enrolment_id: int, submitted_only: bool = False) -> list[Observation]:
    query = select(Observation).where(Observation.enrolment_id == enrolment_id)
    if submitted_only:
        query = query.where(Observation.status == ObservationStatus.SUBMITTED)
    return list(db.session.scalars(query.order_by(Observation.observed_on, Observation.id)))


def progress(enrolment: Enrolment, submitted_only: bool = False) -> list[ScenarioProgress]:
    """Each scenario's observations, outcomes and reasons, and what sign-off still needs, in words.
    Only submitted observations count towards sign-off; a trainee sees only those."""
    every = observations_of(enrolment.id, submitted_only)
    policy = engine.SignOffPolicy(**enrolment.cohort.sign_off_policy, mixed_rubrics=engine.MixedRubrics.LEAVE_OUT)
    found = []
    for scenario in scenarios_of(enrolment):
        views = tuple(explained(o) for o in every if o.scenario_key == scenario.key)
        version = current_rubric(scenario)
        if version is None:
            found.append(ScenarioProgress(scenario, views, None, (), ()))
            continue
        rubric = competency_services.rubric_of(version)
        counted = [v.result for v in views if v.observation.submitted]
        decision = engine.sign_off(rubric, counted, policy)
        found.append(ScenarioProgress(scenario, views, decision, tuple(engine.render_missing(m) for m in decision.missing),
                                      tuple(rubric.title_of(k) for k in decision.never_met)))
    return found


@dataclass(frozen=True)
class DutyView:
    duty: deadlines.Duty | None
    reasons: tuple[str, ...]


def senco_duty(enrolment: Enrolment, today: date) -> DutyView:
    """How the trainee stands against the SENCO qualification duty, with its reasons in words."""
    if enrolment.became_senco is None:
        return DutyView(None, ())
    try:
        duty = deadlines.track(_history(enrolment, today), today)
    except deadlines.DeadlineInputError:
        return DutyView(None, ())
    return DutyView(duty, deadlines.render_all(duty.reasons))
