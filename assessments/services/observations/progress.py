"""Progress, read from a trainee's observations: each scenario's results and the overall outcome."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments.models import (
    Enrolment,
    ModerationItem,
    Observation,
    ObservationStatus,
)
from assessments.services.cohorts import AGGREGATION_LABELS, DEFAULT_AGGREGATION, current_rubric, policies
from assessments.services.observations.recording import scenarios_for
from assessments.services.scope import drafts_read_by
from competencies import engine
from competencies import services as competency_services
from competencies.models import Scenario
from core.accounts.models import User
from core.extensions import db

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
