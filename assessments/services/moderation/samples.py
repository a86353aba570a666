"""Moderation samples: a cohort's submitted observations, drawing a sample (random or chosen) and
checking that a random draw can be made again.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import select

from assessments import sampling
from assessments.models import (
    Cohort,
    Enrolment,
    ModerationItem,
    ModerationSample,
    Observation,
    ObservationStatus,
    SampleMethod,
)
from competencies import engine
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Invalid
from core.unit_of_work import commit_or_conflict

DEFAULT_MINIMUM_KAPPA = Fraction(6, 10)  # "substantial" on Landis and Koch's (1977) bands begins at 0.61
MIN_PAIRS_MAX = 1_000
OUTCOMES = tuple(sorted(engine.Outcome, key=lambda o: o.rank))


# ---- samples -------------------------------------------------------------------------------


def submitted_in(cohort_id: int) -> list[Observation]:
    return list(
        db.session.scalars(
            select(Observation)
            .join(Enrolment)
            .where(Enrolment.cohort_id == cohort_id, Observation.status == ObservationStatus.SUBMITTED)
            .order_by(Observation.id)
        )
    )


def items_of_cohort(cohort_id: int) -> list[ModerationItem]:
    return list(
        db.session.scalars(
            select(ModerationItem)
            .join(ModerationSample)
            .where(ModerationSample.cohort_id == cohort_id)
            .order_by(ModerationItem.id)
        )
    )


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def candidates(cohort_id: int) -> list[Observation]:
    """Submitted observations of the cohort not yet in any sample."""
    taken = set(db.session.scalars(select(ModerationItem.observation_id)))
    return [o for o in submitted_in(cohort_id) if o.id not in taken]


def candidate_of(o: Observation) -> sampling.Candidate:
    # strata by the people's ids and the scenario's key, which never change, not by names
    return sampling.Candidate(o.id, f"person-{o.observer_id}" if o.observer_id else "nobody", o.scenario_key)


def active_moderator(person_id: int) -> User:
    person = db.session.get(User, person_id)
    if person is None or not person.active or Role.MODERATOR not in person.roles:
        raise Invalid("Only a moderator can do this", "moderator")
    return person


def _cohort_with_candidates(cohort_id: int) -> tuple[Cohort, list[Observation]]:
    cohort = get_cohort(cohort_id)
    if cohort is None:
        raise Invalid("Choose a cohort", "cohort_id")
    if not submitted_in(cohort_id):
        raise Invalid("This cohort has no submitted observations yet, so there is nothing to sample", "cohort_id")
    found = candidates(cohort_id)
    if not found:
        raise Invalid("Every submitted observation of this cohort is already in a sample", "cohort_id")
    return cohort, found


def _save_sample(sample: ModerationSample, observation_ids: Iterable[int]) -> ModerationSample:
    sample.items = [ModerationItem(observation_id=i) for i in sorted(observation_ids)]
    db.session.add(sample)
    # Two moderators drawing at once: an observation is in one sample only (a unique rule), so the
    # later draw is refused whole and can be drawn again from what is left.
    commit_or_conflict(DRAWN_MEANWHILE, "cohort_id")
    return sample


DRAWN_MEANWHILE = (
    "Someone drew a sample from this cohort at the same time, so nothing was drawn. "
    "Check the samples, then draw again from the observations left"
)


def draw_random(cohort_id: int, moderator_id: int, percent: int, seed: str | None = None) -> ModerationSample:
    """A random ``percent`` % of the cohort's unsampled submitted observations, stratified by mentor
    and scenario. The seed (a new one unless given) and the candidates are recorded."""
    active_moderator(moderator_id)
    seed = secrets.token_hex(8) if seed is None or not seed.strip() else seed.strip()
    problems = []
    try:
        sampling.check([sampling.Candidate(0, "", "")], percent, seed)  # the settings first, then the cohort
    except sampling.SamplingInputError as error:
        problems += [(p.path, p.message) for p in error.problems]
    if problems:
        raise Invalid(problems)
    cohort, found = _cohort_with_candidates(cohort_id)
    pool = [candidate_of(o) for o in found]
    drawn = sampling.draw(pool, percent, seed)
    sample = ModerationSample(
        cohort_id=cohort.id,
        drawn_by_id=moderator_id,
        method=SampleMethod.RANDOM,
        percent=percent,
        seed=seed,
        candidates=[{"observation_id": c.observation_id, "mentor": c.mentor, "scenario": c.scenario} for c in pool],
    )
    return _save_sample(sample, drawn.chosen)


def draw_chosen(cohort_id: int, moderator_id: int, observation_ids: Sequence[int]) -> ModerationSample:
    """The observations the moderator ticked, each a submitted, unsampled one of this cohort."""
    active_moderator(moderator_id)
    _, found = _cohort_with_candidates(cohort_id)
    if not observation_ids:
        raise Invalid("Choose at least one observation", "observation_ids")
    allowed = {o.id for o in found}
    if any(i not in allowed for i in observation_ids):
        raise Invalid("Choose observations from the list", "observation_ids")
    sample = ModerationSample(cohort_id=cohort_id, drawn_by_id=moderator_id, method=SampleMethod.CHOSEN)
    return _save_sample(sample, set(observation_ids))


def get_sample(sample_id: int) -> ModerationSample | None:
    return db.session.get(ModerationSample, sample_id)


def samples_of(cohort_id: int) -> list[ModerationSample]:
    return list(
        db.session.scalars(
            select(ModerationSample).where(ModerationSample.cohort_id == cohort_id).order_by(ModerationSample.id)
        )
    )


@dataclass(frozen=True)
class RedrawCheck:
    matches: bool
    drawn: tuple[int, ...]
    recorded: tuple[int, ...]


def redraw(sample: ModerationSample) -> RedrawCheck | None:
    """Draw a random sample again from its recorded seed and candidates: the same observations, or not."""
    if sample.method != SampleMethod.RANDOM or sample.seed is None or sample.percent is None:
        return None
    pool = [
        sampling.Candidate(int(c["observation_id"]), str(c["mentor"]), str(c["scenario"])) for c in sample.candidates
    ]
    drawn = sampling.draw(pool, sample.percent, sample.seed).chosen
    recorded = tuple(sorted(i.observation_id for i in sample.items))
    return RedrawCheck(drawn == recorded, drawn, recorded)
