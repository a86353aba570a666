"""Cohorts: starting one on a published programme version, its assessment settings (aggregation
method, sign-off policy, the rubric version pinned for each scenario), and moving it to a new
rubric version.

Why settings freeze: a cohort's first submitted observation was judged under its settings; if
they changed afterwards, the same evidence would count differently for trainees observed before
and after the change. So the method, the policy and the pins freeze at the first submitted
observation. A new rubric version can still be adopted, but only by an explicit move
(:func:`move_rubric`) that says how earlier observations count: they stay as evidence under the
version that scored them and are shown apart; progress counts observations of the pinned version
only (the engine's ``mixed_rubrics="leave-out"``), and the page names those left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from assessments.models import NAME_MAX_LENGTH, Cohort, Enrolment, Observation, ObservationStatus
from competencies import engine
from competencies.models import Rubric, RubricVersion, Scenario
from core.audit import Action, Subject, changed_fields, record
from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, too_long
from core.unit_of_work import commit
from curriculum.models import ProgrammeVersion, VersionStatus

DEFAULT_AGGREGATION = engine.AggregationPolicy(
    engine.AggregationMethod.LATEST, mixed_rubrics=engine.MixedRubrics.LEAVE_OUT
)
DEFAULT_SIGN_OFF = {"min_met": 3, "min_observers": 2, "min_settings": 2, "no_dangerous_in_last": 3}
AGGREGATION_LABELS = {
    engine.AggregationMethod.LATEST: "Latest observation",
    engine.AggregationMethod.HIGHEST: "Highest level reached",
    engine.AggregationMethod.MEAN: "Average of all observations",
    engine.AggregationMethod.DECAYING_AVERAGE: "Decaying average (the newest counts most)",
    engine.AggregationMethod.N_TIMES: "Met n times",
}


def policies(cohort: Cohort) -> tuple[engine.AggregationPolicy, engine.SignOffPolicy]:
    """The cohort's aggregation method and sign-off policy as the engine's objects: the one reading
    of both that progress, the grid, the API and the training plan share. Results scored by another
    rubric version than the cohort's are left out of both, never mixed in silently."""
    stored = dict(cohort.aggregation or DEFAULT_AGGREGATION.to_dict())
    if "decay_weight" in stored:  # stored as exact text, "13/20"
        stored["decay_weight"] = Fraction(str(stored["decay_weight"]))
    stored["mixed_rubrics"] = engine.MixedRubrics.LEAVE_OUT
    method = stored.pop("method")
    return (
        engine.AggregationPolicy.parse(method, **stored),
        engine.SignOffPolicy(**cohort.sign_off_policy, mixed_rubrics=engine.MixedRubrics.LEAVE_OUT),
    )


SIGN_OFF_FIELDS = tuple(DEFAULT_SIGN_OFF)
CHANGED = "Someone changed this cohort’s settings since you opened the page. Check them and save again"
HOW_EARLIER_COUNT = (
    "Earlier observations stay as evidence under the rubric version that scored them and are shown "
    "apart. Progress towards sign-off counts observations scored with the new version only."
)


def published_versions() -> list[ProgrammeVersion]:
    return list(
        db.session.scalars(
            select(ProgrammeVersion)
            .where(ProgrammeVersion.status == VersionStatus.PUBLISHED)
            .order_by(ProgrammeVersion.id)
        )
    )


def list_cohorts() -> list[Cohort]:
    return list(db.session.scalars(select(Cohort).order_by(Cohort.id)))


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def cohort_with_enrolments(cohort_id: int) -> Cohort | None:
    """The cohort with its enrolments, trainees, mentors and programme version loaded up front:
    the cohort page reads them all, in a number of queries that does not grow with the cohort."""
    return db.session.scalar(
        select(Cohort)
        .where(Cohort.id == cohort_id)
        .options(
            joinedload(Cohort.programme_version),
            selectinload(Cohort.enrolments).options(
                joinedload(Enrolment.trainee), selectinload(Enrolment.mentors), selectinload(Enrolment.case_study)
            ),
        )
    )


# ---- rubric versions a scenario can be scored by ----------------------------------------------


def scenarios_of_version(version: ProgrammeVersion) -> list[Scenario]:
    """The scenarios a programme version prepares for; all of them if it names none (as
    ``scenarios_of`` does for an enrolment)."""
    keys = {k for m in version.modules for k in m.scenario_keys}
    every = list(db.session.scalars(select(Scenario).order_by(Scenario.position)))
    return [s for s in every if s.key in keys] or every


def rubric_versions_for(scenario: Scenario) -> list[RubricVersion]:
    """Published versions that can score ``scenario``: its library rubric's and any rubric a
    designer wrote for it, oldest first."""
    return list(
        db.session.scalars(
            select(RubricVersion)
            .join(Rubric)
            .where(
                RubricVersion.published_at.is_not(None),
                or_(Rubric.id == scenario.rubric_id, Rubric.scenario_key == scenario.key),
            )
            .order_by(RubricVersion.rubric_id, RubricVersion.number)
        )
    )


def _latest_published(scenario: Scenario) -> RubricVersion | None:
    published = scenario.rubric.published
    return published[-1] if published else None


def current_rubric(scenario: Scenario, cohort: Cohort | None = None) -> RubricVersion | None:
    """The rubric version that scores ``scenario``: the cohort's pin, else the latest published
    version of the scenario's rubric (a scenario published after the cohort began)."""
    if cohort is not None:
        pinned = cohort.rubric_pins.get(scenario.key)
        if pinned is not None:
            version = db.session.get(RubricVersion, pinned)
            if version is not None:
                return version
    return _latest_published(scenario)


def _default_pins(version: ProgrammeVersion) -> dict[str, int]:
    pins = {}
    for scenario in scenarios_of_version(version):
        latest = _latest_published(scenario)
        if latest is not None:
            pins[scenario.key] = latest.id
    return pins


# ---- creating and freezing ------------------------------------------------------------------


def create_cohort(name: str, programme_version_id: int, sign_off: dict[str, int] | None = None) -> Cohort:
    """A cohort on a published programme version; its policies default to the provider's usual
    ones, and each scenario is pinned to its rubric's current published version."""
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
    assert version is not None
    cohort = Cohort(
        name=name,
        programme_version_id=programme_version_id,
        aggregation=DEFAULT_AGGREGATION.to_dict(),
        sign_off_policy=policy,
        rubric_pins=_default_pins(version),
        rubric_moves=[],
    )
    db.session.add(cohort)
    db.session.commit()
    return cohort


def frozen_since(cohort_id: int) -> datetime | None:
    """When the cohort's first observation was submitted (its settings froze then), or None."""
    return db.session.scalar(
        select(func.min(Observation.submitted_at))
        .join(Enrolment)
        .where(Enrolment.cohort_id == cohort_id, Observation.status == ObservationStatus.SUBMITTED)
    )


# ---- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortSettings:
    method: str
    decay_weight: str
    times: int
    sign_off: dict[str, int]  # SIGN_OFF_FIELDS
    pins: dict[str, int]  # scenario key -> rubric version id


def _weight_text(stored: str) -> str:
    """The stored weight (a fraction such as ``13/20``) as people write it: 0.65."""
    try:
        return f"{float(Fraction(stored)):.4f}".rstrip("0").rstrip(".")
    except (ValueError, ZeroDivisionError):
        return "0.65"


def _weight(text: str) -> Decimal | None:
    """The weight typed as a decimal number; the engine's policy checks its range and digits."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def settings_of(cohort: Cohort) -> CohortSettings:
    aggregation = cohort.aggregation or DEFAULT_AGGREGATION.to_dict()
    return CohortSettings(
        aggregation["method"],
        _weight_text(str(aggregation.get("decay_weight", "0.65"))),
        int(aggregation.get("times", 3)),
        {k: int(cohort.sign_off_policy.get(k, v)) for k, v in DEFAULT_SIGN_OFF.items()},
        dict(cohort.rubric_pins),
    )


def _policies(given: CohortSettings) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The settings checked by the engine's own policy types (one home for their limits)."""
    problems: list[tuple[str, str]] = []
    aggregation: dict[str, Any] = {}
    try:
        aggregation = engine.AggregationPolicy.parse(
            given.method,
            decay_weight=_weight(given.decay_weight),
            times=given.times,
            mixed_rubrics=engine.MixedRubrics.LEAVE_OUT,
        ).to_dict()
    except engine.EngineError as error:
        problems += [(p.path, p.message) for p in error.problems]
    try:
        engine.SignOffPolicy(**given.sign_off)
    except engine.EngineError as error:
        problems += [(p.path, p.message) for p in error.problems]
    except TypeError:
        problems.append(("min_met", "Enter each part of the sign-off policy"))
    return aggregation, problems


def _pin_problems(cohort: Cohort, pins: dict[str, int]) -> list[tuple[str, str]]:
    problems = []
    for scenario in scenarios_of_version(cohort.programme_version):
        if scenario.key not in pins:
            continue
        allowed = {v.id for v in rubric_versions_for(scenario)}
        if pins[scenario.key] not in allowed:
            problems.append((f"pin_{scenario.key}", f"Choose a published rubric version for ‘{scenario.title}’"))
    return problems


def update_settings(cohort_id: int, given: CohortSettings, lock_version: int) -> Cohort:
    """Change the aggregation method, the sign-off policy and the pins, until the first
    observation is submitted; Conflict after that, or if someone saved first."""
    cohort = get_cohort(cohort_id)
    if cohort is None:
        raise Invalid("Choose a cohort", "cohort_id")
    since = frozen_since(cohort_id)
    if since is not None:
        raise Conflict(
            f"These settings froze on {since.day} {since:%B %Y}, when the cohort’s first observation was "
            "submitted. Move a scenario to a new rubric version instead"
        )
    if lock_version != cohort.lock_version:
        raise Conflict(CHANGED)
    aggregation, problems = _policies(given)
    problems += _pin_problems(cohort, given.pins)
    if problems:
        raise Invalid(problems)
    cohort.aggregation = aggregation
    cohort.sign_off_policy = dict(given.sign_off)
    cohort.rubric_pins = {**cohort.rubric_pins, **given.pins}
    if fields := changed_fields(cohort):
        record(Action.SETTINGS_CHANGED, Subject("cohort", cohort_id), settings="cohort", fields=fields)
    return _commit(cohort)


def _commit(cohort: Cohort) -> Cohort:
    commit(CHANGED)
    return cohort


# ---- moving to a new rubric version ---------------------------------------------------------


@dataclass(frozen=True)
class MoveOption:
    scenario: Scenario
    pinned: RubricVersion | None
    newer: tuple[RubricVersion, ...]  # published versions other than the pinned one
    counted: int  # submitted observations scored with the pinned version
    left_out: int  # submitted observations scored with any other version


def move_options(cohort: Cohort, scenario_key: str) -> MoveOption | None:
    scenario = next((s for s in scenarios_of_version(cohort.programme_version) if s.key == scenario_key), None)
    if scenario is None:
        return None
    pinned = current_rubric(scenario, cohort)
    versions = tuple(v for v in rubric_versions_for(scenario) if pinned is None or v.id != pinned.id)
    rows = db.session.execute(
        select(Observation.rubric_version_id, func.count())
        .join(Enrolment)
        .where(
            Enrolment.cohort_id == cohort.id,
            Observation.scenario_key == scenario_key,
            Observation.status == ObservationStatus.SUBMITTED,
        )
        .group_by(Observation.rubric_version_id)
    ).all()
    counted = sum(n for version_id, n in rows if pinned is not None and version_id == pinned.id)
    return MoveOption(scenario, pinned, versions, counted, sum(n for _, n in rows) - counted)


def move_rubric(
    cohort_id: int, scenario_key: str, rubric_version_id: int, actor_id: int | None, lock_version: int
) -> Cohort:
    """Pin ``scenario_key`` to another published rubric version, recording the move. Observations
    already scored keep their version (they are never rescored); progress counts the new one only."""
    cohort = get_cohort(cohort_id)
    if cohort is None:
        raise Invalid("Choose a cohort", "cohort_id")
    option = move_options(cohort, scenario_key)
    if option is None:
        raise Invalid("Choose a scenario of this cohort’s programme", "scenario_key")
    if rubric_version_id not in {v.id for v in option.newer}:
        raise Invalid(
            f"Choose a published rubric version for ‘{option.scenario.title}’ other than the current one",
            "rubric_version_id",
        )
    if lock_version != cohort.lock_version:
        raise Conflict(CHANGED)
    cohort.rubric_pins = {**cohort.rubric_pins, scenario_key: rubric_version_id}
    cohort.rubric_moves = [
        *cohort.rubric_moves,
        {
            "scenario": scenario_key,
            "from": option.pinned.id if option.pinned else None,
            "to": rubric_version_id,
            "by": actor_id,
            "at": utcnow().isoformat(),
            "earlier_observations": option.counted,
        },
    ]
    return _commit(cohort)


def version_label(version: RubricVersion) -> str:
    return f"{version.rubric.title}, version {version.number}"
